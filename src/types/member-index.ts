/**
 * MemberIndex: the hash index of a MemberTable, from member bytes to the member's position in
 * the table's dense array.
 *
 * It is an open-addressing table in one Uint32Array of (hash, position + 1) pairs, probed
 * linearly. A V8 Map keyed by strings cost the set and hash commands most of their time under
 * load: every lookup made a fresh string from the request bytes, and a lookup walked bucket,
 * entry and candidate string, comparing every candidate of equal length byte by byte (members
 * such as "element:000000012345" are all one length). Here a lookup hashes the bytes where they
 * lie, rejects candidates by their stored hash, and reads a member only when the hashes agree.
 *
 * Resizing moves entries over a few slots at a time, as Redis's incremental rehash does, so a
 * table of millions of members never stops the server for the whole move. While it moves, the
 * old table is frozen: slots below `moved` are copies that lookups ignore, slots at or above it
 * are live, and a live entry deleted there becomes a tombstone so probes keep passing it.
 */

/** Marks a deleted entry in the frozen old table. */
const TOMBSTONE = 0xffffffff;
const MIN_SLOTS = 8;
/** Slots of the old table visited per write while a resize is under way. */
const MOVE_STEP = 128;

export class MemberIndex {
  /** Where inserts go: pairs (hash, position + 1); position + 1 = 0 is an empty slot. */
  private cur: Uint32Array = new Uint32Array(MIN_SLOTS * 2);
  private curMask = MIN_SLOTS - 1;
  /** Entries in `cur`. */
  private curCount = 0;
  /** The table being moved out of, or null. */
  private old: Uint32Array | null = null;
  private oldMask = 0;
  /** Slots of `old` already moved. */
  private moved = 0;

  /** `members[i]` is the member at position i, for the final comparison of a lookup. */
  constructor(private readonly members: readonly string[]) {}

  /** Bytes the slot arrays take. */
  get reservedBytes(): number {
    return this.cur.byteLength + (this.old === null ? 0 : this.old.byteLength);
  }

  /** Position of the member with bytes b[start, end) and hash `h`, or -1. */
  findBytes(b: Uint8Array, start: number, end: number, h: number): number {
    const members = this.members;
    let t = this.cur;
    let mask = this.curMask;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const v = t[2 * p + 1];
      if (v === 0) break;
      if (t[2 * p] === h && equalsBytes(members[v - 1], b, start, end)) return v - 1;
    }
    if (this.old === null) return -1;
    t = this.old;
    mask = this.oldMask;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const v = t[2 * p + 1];
      if (v === 0) return -1;
      if (p < this.moved || v === TOMBSTONE || t[2 * p] !== h) continue;
      if (equalsBytes(members[v - 1], b, start, end)) return v - 1;
    }
  }

  /** Position of `member` (hash `h`), or -1. */
  findString(member: string, h: number): number {
    const members = this.members;
    let t = this.cur;
    let mask = this.curMask;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const v = t[2 * p + 1];
      if (v === 0) break;
      if (t[2 * p] === h && members[v - 1] === member) return v - 1;
    }
    if (this.old === null) return -1;
    t = this.old;
    mask = this.oldMask;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const v = t[2 * p + 1];
      if (v === 0) return -1;
      if (p < this.moved || v === TOMBSTONE || t[2 * p] !== h) continue;
      if (members[v - 1] === member) return v - 1;
    }
  }

  /** Index position `i` under hash `h`; the member must not be indexed yet. */
  insert(h: number, i: number): void {
    if (this.old !== null) this.moveSome();
    if ((this.curCount + 1) * 4 > (this.curMask + 1) * 3) {
      // Past 3/4 full: grow. A resize still under way (a shrink meeting a burst of inserts)
      // is finished first, at once.
      if (this.old !== null) this.finishMove();
      this.startResize(this.curMask + 1 < MIN_SLOTS ? MIN_SLOTS : (this.curMask + 1) * 2);
    }
    place(this.cur, this.curMask, h, i + 1);
    this.curCount++;
  }

  /** Drop position `i` (hash `h`) from the index. */
  remove(h: number, i: number): void {
    if (this.old !== null) this.moveSome();
    const p = slotOf(this.cur, this.curMask, h, i + 1, 0);
    if (p >= 0) {
      this.deleteSlot(p);
      this.curCount--;
    } else {
      const q = slotOf(this.old!, this.oldMask, h, i + 1, this.moved);
      this.old![2 * q + 1] = TOMBSTONE;
    }
    const slots = this.curMask + 1;
    if (this.old === null && slots > MIN_SLOTS && this.curCount * 16 < slots) {
      // Eight slots per entry: should inserts fill the new table to 3/4 before the move is
      // done, the entries still in the old one (at most 1/8) fit with slots to spare.
      this.startResize(Math.max(MIN_SLOTS, nextPow2(this.curCount * 8)));
    }
  }

  /** The member at position `from` (hash `h`) now sits at position `to`. */
  renumber(h: number, from: number, to: number): void {
    const p = slotOf(this.cur, this.curMask, h, from + 1, 0);
    if (p >= 0) this.cur[2 * p + 1] = to + 1;
    else this.old![2 * slotOf(this.old!, this.oldMask, h, from + 1, this.moved) + 1] = to + 1;
  }

  clear(): void {
    this.cur = new Uint32Array(MIN_SLOTS * 2);
    this.curMask = MIN_SLOTS - 1;
    this.curCount = 0;
    this.old = null;
    this.moved = 0;
  }

  private startResize(slots: number): void {
    this.old = this.cur;
    this.oldMask = this.curMask;
    this.moved = 0;
    this.cur = new Uint32Array(slots * 2);
    this.curMask = slots - 1;
    this.curCount = 0;
  }

  /** Move the next MOVE_STEP slots of the old table. */
  private moveSome(): void {
    this.moveUpTo(Math.min(this.moved + MOVE_STEP, this.oldMask + 1));
  }

  private finishMove(): void {
    this.moveUpTo(this.oldMask + 1);
  }

  private moveUpTo(stop: number): void {
    const old = this.old!;
    let p = this.moved;
    for (; p < stop; p++) {
      const v = old[2 * p + 1];
      if (v !== 0 && v !== TOMBSTONE) {
        place(this.cur, this.curMask, old[2 * p], v);
        this.curCount++;
      }
    }
    this.moved = p;
    if (p > this.oldMask) this.old = null;
  }

  /** Empty slot `p` of `cur`, shifting back the entries after it that may fill it. */
  private deleteSlot(p: number): void {
    const t = this.cur;
    const mask = this.curMask;
    let hole = p;
    for (let q = (hole + 1) & mask; t[2 * q + 1] !== 0; q = (q + 1) & mask) {
      const home = t[2 * q] & mask;
      // The entry at q may move to the hole when its home is not between the hole and q.
      if (((q - home) & mask) >= ((q - hole) & mask)) {
        t[2 * hole] = t[2 * q];
        t[2 * hole + 1] = t[2 * q + 1];
        hole = q;
      }
    }
    t[2 * hole] = 0;
    t[2 * hole + 1] = 0;
  }
}

/** Put (h, v) in the first empty slot of its probe sequence. */
function place(t: Uint32Array, mask: number, h: number, v: number): void {
  let p = h & mask;
  while (t[2 * p + 1] !== 0) p = (p + 1) & mask;
  t[2 * p] = h;
  t[2 * p + 1] = v;
}

/** The live slot at or after `from` holding value `v` under hash `h`, or -1. */
function slotOf(t: Uint32Array, mask: number, h: number, v: number, from: number): number {
  for (let p = h & mask; ; p = (p + 1) & mask) {
    const w = t[2 * p + 1];
    if (w === 0) return -1;
    if (w === v && p >= from) return p;
  }
}

function equalsBytes(member: string, b: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  if (member.length !== n) return false;
  for (let j = 0; j < n; j++) if (member.charCodeAt(j) !== b[start + j]) return false;
  return true;
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
