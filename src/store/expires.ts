/**
 * ExpirySet: the keys of one database that have a time to live, packed densely.
 *
 * Redis keeps a second dict of volatile keys so the active expire cycle samples only keys that
 * can expire, and INFO can count them. Here the set is two parallel arrays (deadline, entry id)
 * with swap-removal; the entry records its slot, so setting, reading and removing a TTL is O(1)
 * and sampling walks a dense range. Slot 0 is unused so that 0 can mean "no TTL".
 */

const CHUNK_SHIFT = 16;
const CHUNK_SIZE = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_SIZE - 1;

export class ExpirySet {
  private readonly deadlines: Float64Array[] = [];
  private readonly owners: Uint32Array[] = [];
  /** Highest used slot; the number of volatile keys. */
  size = 0;
  /** Where the active expire cycle continues its walk. */
  cursor = 1;

  /** Add a deadline for `entry`; returns its slot. */
  add(entry: number, deadline: number): number {
    const slot = ++this.size;
    const chunk = slot >>> CHUNK_SHIFT;
    if (chunk >= this.deadlines.length) {
      this.deadlines.push(new Float64Array(CHUNK_SIZE));
      this.owners.push(new Uint32Array(CHUNK_SIZE));
    }
    this.deadlines[chunk][slot & CHUNK_MASK] = deadline;
    this.owners[chunk][slot & CHUNK_MASK] = entry;
    return slot;
  }

  deadline(slot: number): number {
    return this.deadlines[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK];
  }

  setDeadline(slot: number, deadline: number): void {
    this.deadlines[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = deadline;
  }

  owner(slot: number): number {
    return this.owners[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK];
  }

  /**
   * Remove `slot`. The last slot moves into its place; returns the entry that moved (whose
   * recorded slot the caller must update), or 0 when nothing moved.
   */
  remove(slot: number): number {
    const last = this.size--;
    if (slot === last) return 0;
    const moved = this.owner(last);
    this.deadlines[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = this.deadline(last);
    this.owners[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK] = moved;
    return moved;
  }

  clear(): void {
    this.deadlines.length = 0;
    this.owners.length = 0;
    this.size = 0;
    this.cursor = 1;
  }
}
