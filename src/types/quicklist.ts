/**
 * QuickList: the table form of a list (OBJECT ENCODING "quicklist"), a deque of latin1 strings.
 *
 * Elements sit in fixed-size chunks (JS arrays of CHUNK slots), the chunks in a ring-buffer
 * directory. Every chunk between the first and the last is full, so element i is at absolute
 * slot `head + i`: one shift and one mask find it, and pushes and pops at either end are O(1)
 * (a chunk is added or dropped when an end crosses a chunk boundary). Growing never copies
 * elements; only the directory (one pointer per CHUNK elements) doubles now and then, so a list
 * of millions of elements grows without a stall and holds far more than the 2^24 elements of
 * one JS array. Insertion and removal inside the list shift the elements towards the nearer end.
 *
 * `packedBytes` is kept current: the size the list would have as a listpack (Redis's
 * lpBytes), from which the list commands decide when a shrinking list goes back to the
 * compact form, by Redis's rules.
 */

import { SLOT_BYTES, STRING_BYTES } from './memory.js';

const CHUNK_BITS = 8;
const CHUNK = 1 << CHUNK_BITS;
const SLOT_MASK = CHUNK - 1;
/** An empty listpack: 6 header bytes and the terminator. */
const LISTPACK_EMPTY_BYTES = 7;

type Chunk = (string | undefined)[];

export class QuickList {
  /** Ring of chunks; its length is a power of two. */
  private dir: (Chunk | undefined)[] = new Array<Chunk | undefined>(4);
  private dirMask = 3;
  /** Ring position of the first chunk. */
  private dirHead = 0;
  private chunks = 0;
  /** Slot of the first element in the first chunk. */
  private head = 0;
  /** One emptied chunk kept back, so an end going to and fro over a boundary allocates nothing. */
  private spare: Chunk | null = null;
  length = 0;
  /** Bytes of the same elements as one listpack (lpBytes). */
  packedBytes = LISTPACK_EMPTY_BYTES;

  /** Estimated bytes held: each element's string and slot (packedBytes counts its characters). */
  get memoryBytes(): number {
    return this.length * (SLOT_BYTES + STRING_BYTES) + this.packedBytes;
  }

  /** Element i, 0 <= i < length. */
  get(i: number): string {
    const at = this.head + i;
    return (this.dir[(this.dirHead + (at >>> CHUNK_BITS)) & this.dirMask] as Chunk)[at & SLOT_MASK] as string;
  }

  /** Replace element i, 0 <= i < length. */
  set(i: number, value: string): void {
    const at = this.head + i;
    const chunk = this.dir[(this.dirHead + (at >>> CHUNK_BITS)) & this.dirMask] as Chunk;
    const slot = at & SLOT_MASK;
    this.packedBytes += listpackEntrySize(value) - listpackEntrySize(chunk[slot] as string);
    chunk[slot] = value;
  }

  pushTail(value: string): void {
    const at = this.head + this.length;
    if (at >>> CHUNK_BITS === this.chunks) this.addChunk(false);
    (this.dir[(this.dirHead + (at >>> CHUNK_BITS)) & this.dirMask] as Chunk)[at & SLOT_MASK] = value;
    this.length++;
    this.packedBytes += listpackEntrySize(value);
  }

  pushHead(value: string): void {
    if (this.head === 0) {
      this.addChunk(true);
      this.head = CHUNK;
    }
    this.head--;
    (this.dir[this.dirHead] as Chunk)[this.head] = value;
    this.length++;
    this.packedBytes += listpackEntrySize(value);
  }

  /** Remove and return the first element (the list must not be empty). */
  popHead(): string {
    const value = this.get(0);
    this.packedBytes -= listpackEntrySize(value);
    this.dropSlot(true);
    return value;
  }

  /** Remove and return the last element (the list must not be empty). */
  popTail(): string {
    const value = this.get(this.length - 1);
    this.packedBytes -= listpackEntrySize(value);
    this.dropSlot(false);
    return value;
  }

  /** Remove the first `n` elements (n <= length). */
  removeHead(n: number): void {
    if (n >= this.length) {
      this.clear();
      return;
    }
    for (let i = 0; i < n; i++) this.popHead();
  }

  /** Remove the last `n` elements (n <= length). */
  removeTail(n: number): void {
    if (n >= this.length) {
      this.clear();
      return;
    }
    for (let i = 0; i < n; i++) this.popTail();
  }

  /** Insert `value` so that it becomes element i, 0 <= i <= length. */
  insert(i: number, value: string): void {
    if (i <= this.length >>> 1) {
      // Make room at the head and shift elements [0, i) one place towards it.
      this.pushHead(value);
      for (let j = 0; j < i; j++) this.move(j + 1, j);
    } else {
      this.pushTail(value);
      for (let j = this.length - 1; j > i; j--) this.move(j - 1, j);
    }
    this.place(i, value);
  }

  /** Remove element i, 0 <= i < length. */
  removeAt(i: number): void {
    const gone = this.get(i);
    if (i < this.length >>> 1) {
      for (let j = i; j > 0; j--) this.move(j - 1, j);
      this.place(0, gone);
      this.popHead();
    } else {
      for (let j = i; j < this.length - 1; j++) this.move(j + 1, j);
      this.place(this.length - 1, gone);
      this.popTail();
    }
  }

  /**
   * Remove up to `limit` elements for which `remove` is true (limit 0: all of them), looking
   * from the head, or from the tail when `fromTail`. Returns how many were removed (LREM).
   * The kept elements close up towards the end the search started from, in one pass.
   */
  removeWhere(remove: (value: string) => boolean, limit: number, fromTail: boolean): number {
    const n = this.length;
    const step = fromTail ? -1 : 1;
    let removed = 0;
    let removedBytes = 0;
    // r reads every element once; w is where the next kept one goes.
    let r = fromTail ? n - 1 : 0;
    let w = r;
    for (let k = 0; k < n; k++, r += step) {
      const value = this.get(r);
      if ((limit === 0 || removed < limit) && remove(value)) {
        removed++;
        removedBytes += listpackEntrySize(value);
      } else {
        if (w !== r) this.place(w, value);
        w += step;
      }
    }
    for (let k = 0; k < removed; k++) this.dropSlot(fromTail);
    this.packedBytes = this.length === 0 ? LISTPACK_EMPTY_BYTES : this.packedBytes - removedBytes;
    return removed;
  }

  /** All elements, head first (tests, conversions). */
  toArray(): string[] {
    const out = new Array<string>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.get(i);
    return out;
  }

  /** An independent copy (COPY). */
  clone(): QuickList {
    const copy = new QuickList();
    for (let i = 0; i < this.length; i++) copy.pushTail(this.get(i));
    return copy;
  }

  /** Remove every element. */
  clear(): void {
    this.dir = new Array<Chunk | undefined>(4);
    this.dirMask = 3;
    this.dirHead = 0;
    this.chunks = 0;
    this.head = 0;
    this.length = 0;
    this.packedBytes = LISTPACK_EMPTY_BYTES;
  }

  // -------------------------------------------------------------------------------------------

  /** Copy element `from` to position `to` (shifting; packedBytes is unchanged overall). */
  private move(from: number, to: number): void {
    this.place(to, this.get(from));
  }

  /** Store `value` at i without accounting (the caller keeps the multiset of elements). */
  private place(i: number, value: string): void {
    const at = this.head + i;
    (this.dir[(this.dirHead + (at >>> CHUNK_BITS)) & this.dirMask] as Chunk)[at & SLOT_MASK] = value;
  }

  /** Remove the first or last slot without accounting for its value. */
  private dropSlot(atHead: boolean): void {
    if (atHead) {
      (this.dir[this.dirHead] as Chunk)[this.head] = undefined;
      this.head++;
      this.length--;
      if (this.length === 0) this.clear();
      else if (this.head === CHUNK) {
        this.dropChunk(true);
        this.head = 0;
      }
      return;
    }
    const at = this.head + this.length - 1;
    (this.dir[(this.dirHead + (at >>> CHUNK_BITS)) & this.dirMask] as Chunk)[at & SLOT_MASK] = undefined;
    this.length--;
    if (this.length === 0) this.clear();
    else if ((at & SLOT_MASK) === 0) this.dropChunk(false);
  }

  private addChunk(atHead: boolean): void {
    if (this.chunks === this.dir.length) this.growDirectory();
    const chunk = this.spare ?? new Array<string | undefined>(CHUNK);
    this.spare = null;
    if (atHead) {
      this.dirHead = (this.dirHead - 1) & this.dirMask;
      this.dir[this.dirHead] = chunk;
    } else {
      this.dir[(this.dirHead + this.chunks) & this.dirMask] = chunk;
    }
    this.chunks++;
  }

  private dropChunk(atHead: boolean): void {
    const at = atHead ? this.dirHead : (this.dirHead + this.chunks - 1) & this.dirMask;
    this.spare = this.dir[at] as Chunk;
    this.dir[at] = undefined;
    if (atHead) this.dirHead = (this.dirHead + 1) & this.dirMask;
    this.chunks--;
  }

  private growDirectory(): void {
    const size = this.dir.length * 2;
    const dir = new Array<Chunk | undefined>(size);
    for (let i = 0; i < this.chunks; i++) dir[i] = this.dir[(this.dirHead + i) & this.dirMask];
    this.dir = dir;
    this.dirMask = size - 1;
    this.dirHead = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Listpack sizes of elements
// ---------------------------------------------------------------------------------------------

/** Bytes of an entry's backlen for an entry of `size` bytes (lpEncodeBacklen). */
function backlenBytes(size: number): number {
  if (size <= 127) return 1;
  if (size < 16383) return 2;
  if (size < 2097151) return 3;
  if (size < 268435455) return 4;
  return 5;
}

/**
 * The value of `s` if Redis's string2ll accepts it (so a listpack stores it as an integer),
 * or null. Only magnitudes matter here, so values beyond 2^53 come back approximate.
 */
function asInt64(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  const negative = s.charCodeAt(0) === 45;
  if (negative) {
    i = 1;
    if (n === 1) return null;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1 ? 0 : null; // "0" only; no leading zeros, no "-0"
  if (first < 49 || first > 57) return null;
  let v = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  if (n - (negative ? 1 : 0) === 19) {
    // 19 digits may exceed int64: compare exactly.
    const big = BigInt(s);
    if (big > 9223372036854775807n || big < -9223372036854775808n) return null;
  } else if (n - (negative ? 1 : 0) > 19) {
    return null;
  }
  return negative ? -v : v;
}

/** Would Redis hold `s` as an integer (string2ll accepts it)? */
export function isInt64String(s: string): boolean {
  return asInt64(s) !== null;
}

/** Bytes the element `s` takes in a listpack, backlen included. */
export function listpackEntrySize(s: string): number {
  const v = asInt64(s);
  let size: number;
  if (v !== null) {
    if (v >= 0 && v <= 127) size = 1;
    else if (v >= -4096 && v <= 4095) size = 2;
    else if (v >= -32768 && v <= 32767) size = 3;
    else if (v >= -8388608 && v <= 8388607) size = 4;
    else if (v >= -2147483648 && v <= 2147483647) size = 5;
    else size = 9;
  } else {
    const n = s.length;
    size = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
  }
  return size + backlenBytes(size);
}
