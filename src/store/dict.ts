/**
 * Dict: the hash table of one database, built as Redis builds its dict.
 *
 * Buckets are a Uint32Array of entry ids, chains run through the entries' NEXT word, and a
 * resize never rehashes everything at once: like Redis, a second table is allocated and buckets
 * move over a few at a time, on each operation and in background slices, so a table of tens of
 * millions of keys grows with no long stall (a JavaScript Map would rehash all at once, and caps
 * at 2^24 entries). SCAN uses Redis's reverse-binary cursor over the buckets, which returns every
 * key present for the whole scan at least once even when the table grows or shrinks between
 * calls.
 */

import { performance } from 'node:perf_hooks';
import { Entries, base, HASH, INLINE_KEY_MAX, keyInlineOffset, NEXT, KEY_ADDR, KEY_LEN, META, VALUE } from './entries.js';
import type { Heap } from './heap.js';

const INITIAL_SIZE = 4;
/** Most keys warm() looks ahead for in one call. */
export const WARM_MAX = 64;
const WARM_HEADS = new Uint32Array(WARM_MAX);
/** Buckets moved per operation while rehashing (Redis moves one; ours are cheaper). */
const STEP_BUCKETS = 2;
/** Past this many keys per bucket a table grows even over maxmemory (HASHTABLE_MAX_LOAD_FACTOR). */
const MAX_LOAD_FACTOR = 1.618;
/** A table under this fill (percent) is shrunk by the cron, as Redis's HASHTABLE_MIN_FILL. */
const MIN_FILL_PERCENT = 10;

/**
 * Tables at least this large (in buckets) are pre-faulted before a rehash into them starts:
 * the OS hands out zero pages on first write, and a rehash writes at random, so without it the
 * first turns of a rehash would each take hundreds of page faults (measured: 12-35 ms turns at
 * the 2^22 .. 2^25 resizes).
 */
const PREFAULT_MIN_BUCKETS = 1 << 18;
/**
 * Buckets pre-faulted per insert while preparing: a 4 KB page every 16 inserts. A fresh page
 * costs ~20 us to fault in on this project's virtual machines, so a page per insert made every
 * turn of a loading client (~400 SETs in its 16 KB) take 8 ms; the background slices
 * (PREFAULT_SLICE, between turns) do most of the touching, and the inserts only make sure a
 * loader that never lets the loop idle cannot outrun it.
 */
const PREFAULT_STEP = 64;
/** Buckets pre-faulted per background step (64 KB), repeated within the slice's time budget. */
const PREFAULT_SLICE = 16384;

export class Dict {
  private t0: Uint32Array = new Uint32Array(INITIAL_SIZE);
  private t1: Uint32Array | null = null;
  /** The next table while its pages are being touched, before the rehash into it begins. */
  private pending: Uint32Array | null = null;
  private prefaulted = 0;
  /** Next bucket of t0 to move while rehashing, -1 when not rehashing. */
  private rehashIdx = -1;
  /** Keys in the table. */
  size = 0;

  constructor(
    private readonly entries: Entries,
    private readonly heap: Heap,
    private readonly store: { expandAllowed: ((moreBytes: number) => boolean) | null },
  ) {}

  /** True while a resize is under way (pre-faulting the next table, or rehashing into it). */
  get rehashing(): boolean {
    return this.rehashIdx >= 0 || this.pending !== null;
  }

  /** Bucket arrays' footprint, for memory accounting. */
  get reservedBytes(): number {
    return this.t0.byteLength + (this.t1 ? this.t1.byteLength : 0) + (this.pending ? this.pending.byteLength : 0);
  }

  /** Does entry `id` hold exactly the key bytes b[start, end)? */
  keyEquals(id: number, b: Uint8Array, start: number, end: number): boolean {
    const c = this.entries.chunk(id);
    const o = base(id);
    const n = end - start;
    if (c[o + KEY_LEN] !== n) return false;
    if (n === 0) return true;
    let kb: Uint8Array;
    let ko: number;
    if (n <= INLINE_KEY_MAX) {
      kb = this.entries.bytes(id);
      ko = keyInlineOffset(id);
    } else {
      const addr = c[o + KEY_ADDR];
      kb = this.heap.bufferOf(addr);
      ko = this.heap.offsetOf(addr);
    }
    for (let i = start; i < end; i++) if (kb[ko++] !== b[i]) return false;
    return true;
  }

  /** The entry with this key, or 0. */
  find(hash: number, b: Uint8Array, start: number, end: number): number {
    if (this.size === 0) return 0;
    if (this.rehashIdx >= 0) this.rehashStep(STEP_BUCKETS);
    const entries = this.entries;
    const t0 = this.t0;
    const i0 = hash & (t0.length - 1);
    // Buckets below rehashIdx have already moved to t1.
    if (this.rehashIdx < 0 || i0 >= this.rehashIdx) {
      for (let id = t0[i0]; id !== 0; ) {
        const c = entries.chunk(id);
        const o = base(id);
        if (c[o + HASH] === hash && this.keyEquals(id, b, start, end)) return id;
        id = c[o + NEXT];
      }
    }
    const t1 = this.t1;
    if (t1 !== null) {
      for (let id = t1[hash & (t1.length - 1)]; id !== 0; ) {
        const c = entries.chunk(id);
        const o = base(id);
        if (c[o + HASH] === hash && this.keyEquals(id, b, start, end)) return id;
        id = c[o + NEXT];
      }
    }
    return 0;
  }

  /**
   * Touch what looking up these hashes will read (bucket heads, then the entries they point to,
   * then those entries' key and value bytes), one stage for all keys before the next, so their
   * cache misses overlap instead of following one another. Returns a value only so the loads
   * cannot be optimized away.
   */
  warm(hashes: Int32Array, n: number): number {
    const entries = this.entries;
    const heap = this.heap;
    const t0 = this.t0;
    const mask = t0.length - 1;
    const heads = WARM_HEADS;
    let sink = 0;
    for (let i = 0; i < n; i++) heads[i] = t0[hashes[i] & mask];
    for (let i = 0; i < n; i++) {
      const id = heads[i];
      if (id !== 0) sink ^= entries.chunk(id)[base(id) + KEY_ADDR];
    }
    for (let i = 0; i < n; i++) {
      const id = heads[i];
      if (id === 0) continue;
      const c = entries.chunk(id);
      const o = base(id);
      const k = c[o + KEY_ADDR];
      const v = c[o + VALUE];
      if (k !== 0) sink ^= heap.bufferOf(k)[heap.offsetOf(k)];
      if (v !== 0 && c[o + META] >>> 28 === 1) sink ^= heap.bufferOf(v)[heap.offsetOf(v)];
    }
    return sink;
  }

  /** Link entry `id` (its HASH and key already set, its key not present) into the table. */
  insert(id: number): void {
    if (this.rehashIdx >= 0) this.rehashStep(STEP_BUCKETS);
    else if (this.pending !== null) this.prefaultStep(PREFAULT_STEP);
    else if (this.size >= this.t0.length && this.mayGrow()) this.startResize(this.t0.length * 2);
    const c = this.entries.chunk(id);
    const o = base(id);
    const table = this.t1 ?? this.t0;
    const i = c[o + HASH] & (table.length - 1);
    c[o + NEXT] = table[i];
    table[i] = id;
    this.size++;
  }

  /** Unlink entry `id` from the table (the entry itself is not released). */
  remove(id: number): void {
    if (this.rehashIdx >= 0) this.rehashStep(STEP_BUCKETS);
    const hash = this.entries.chunk(id)[base(id) + HASH];
    if (this.unlinkFrom(this.t0, hash, id) || (this.t1 !== null && this.unlinkFrom(this.t1, hash, id))) {
      this.size--;
      return;
    }
    throw new Error('Dict.remove: entry not in table');
  }

  private unlinkFrom(table: Uint32Array, hash: number, id: number): boolean {
    const entries = this.entries;
    const i = hash & (table.length - 1);
    let prev = 0;
    for (let cur = table[i]; cur !== 0; ) {
      const next = entries.chunk(cur)[base(cur) + NEXT];
      if (cur === id) {
        if (prev === 0) table[i] = next;
        else entries.chunk(prev)[base(prev) + NEXT] = next;
        return true;
      }
      prev = cur;
      cur = next;
    }
    return false;
  }

  /**
   * dictExpandAllowed: a table up to MAX_LOAD_FACTOR full does not double when the new bucket
   * array would take used memory over maxmemory (that would only make eviction empty it
   * again); fuller than that, it grows regardless.
   */
  private mayGrow(): boolean {
    const allowed = this.store.expandAllowed;
    if (allowed === null || this.size > this.t0.length * MAX_LOAD_FACTOR) return true;
    return allowed(this.t0.length * 2 * 4);
  }

  private startResize(minSize: number): void {
    let size = INITIAL_SIZE;
    while (size < minSize) size *= 2;
    if (size === this.t0.length) return;
    if (size >= PREFAULT_MIN_BUCKETS) {
      this.pending = new Uint32Array(size);
      this.prefaulted = 0;
      return;
    }
    this.t1 = new Uint32Array(size);
    this.rehashIdx = 0;
  }

  /** Touch the next `n` buckets of the pending table; once all are touched, start rehashing. */
  private prefaultStep(n: number): void {
    const pending = this.pending as Uint32Array;
    const end = Math.min(pending.length, this.prefaulted + n);
    pending.fill(0, this.prefaulted, end);
    this.prefaulted = end;
    if (end === pending.length) {
      this.t1 = pending;
      this.pending = null;
      this.rehashIdx = 0;
    }
  }

  /** Shrink a sparse table (the cron calls this, as Redis's tryResizeHashTables). */
  shrinkIfSparse(): void {
    if (this.rehashing || this.t0.length <= INITIAL_SIZE) return;
    if ((this.size * 100) / this.t0.length < MIN_FILL_PERCENT) this.startResize(Math.max(this.size, INITIAL_SIZE));
  }

  /**
   * Move up to `n` buckets from t0 to t1 (visiting at most 10n empty ones, as Redis does).
   * Returns true while there is more to move.
   */
  rehashStep(n: number): boolean {
    const t1 = this.t1;
    if (t1 === null) return false;
    const t0 = this.t0;
    const entries = this.entries;
    const mask1 = t1.length - 1;
    let emptyVisits = n * 10;
    while (n-- > 0 && this.rehashIdx < t0.length) {
      while (t0[this.rehashIdx] === 0) {
        this.rehashIdx++;
        if (this.rehashIdx >= t0.length) break;
        if (--emptyVisits === 0) return true;
      }
      if (this.rehashIdx >= t0.length) break;
      let id = t0[this.rehashIdx];
      while (id !== 0) {
        const c = entries.chunk(id);
        const o = base(id);
        const next = c[o + NEXT];
        const i = c[o + HASH] & mask1;
        c[o + NEXT] = t1[i];
        t1[i] = id;
        id = next;
      }
      t0[this.rehashIdx] = 0;
      this.rehashIdx++;
    }
    if (this.rehashIdx >= t0.length) {
      this.t0 = t1;
      this.t1 = null;
      this.rehashIdx = -1;
      return false;
    }
    return true;
  }

  /** Rehash in steps of 100 buckets until `ms` milliseconds have passed or it is done. */
  rehashFor(ms: number): boolean {
    const until = performance.now() + ms;
    while (this.pending !== null) {
      this.prefaultStep(PREFAULT_SLICE);
      if (performance.now() >= until) return true;
    }
    while (this.rehashStep(100)) {
      if (performance.now() >= until) return true;
    }
    return false;
  }

  /** Call `fn` for every entry (KEYS, FLUSHDB's freeing walk). `fn` must not modify the table. */
  forEach(fn: (id: number) => void): void {
    const entries = this.entries;
    for (const table of this.t1 ? [this.t0, this.t1] : [this.t0]) {
      for (let i = 0; i < table.length; i++) {
        for (let id = table[i]; id !== 0; ) {
          const next = entries.chunk(id)[base(id) + NEXT];
          fn(id);
          id = next;
        }
      }
    }
  }

  /**
   * Unlink up to `n` entries into `out`, emptying the table bucket by bucket (lazy FLUSHDB frees
   * a detached table this way, in slices). Returns true while entries remain.
   */
  drain(n: number, out: number[]): boolean {
    const entries = this.entries;
    for (const table of this.t1 ? [this.t0, this.t1] : [this.t0]) {
      for (let i = this.drainIdx; i < table.length && n > 0; i++) {
        let id = table[i];
        while (id !== 0 && n > 0) {
          const next = entries.chunk(id)[base(id) + NEXT];
          out.push(id);
          this.size--;
          n--;
          id = next;
        }
        table[i] = id;
        if (id !== 0) break;
        this.drainIdx = i + 1;
      }
      if (n > 0) this.drainIdx = 0; // this table is empty: the next one starts at 0
    }
    return this.size > 0;
  }

  private drainIdx = 0;

  /**
   * One step of SCAN from `cursor`: emits the entries of the cursor's bucket (and, while
   * rehashing, of its expansions in the larger table) into `out`, and returns the next cursor,
   * 0 when the scan is complete. This is Redis's dictScan: the cursor's bits are incremented
   * from the most significant end, so buckets that split or merge in a resize are never skipped.
   */
  scan(cursor: number, out: number[]): number {
    if (this.size === 0) return 0;
    let v = cursor >>> 0;
    if (this.t1 === null) {
      const m0 = this.t0.length - 1;
      this.emitBucket(this.t0, v & m0, out);
      v = (v | ~m0) >>> 0;
      v = reverseBits(v);
      v = (v + 1) >>> 0;
      v = reverseBits(v);
      return v;
    }
    let small = this.t0;
    let big = this.t1;
    if (small.length > big.length) [small, big] = [big, small];
    const m0 = small.length - 1;
    const m1 = big.length - 1;
    this.emitBucket(small, v & m0, out);
    do {
      this.emitBucket(big, v & m1, out);
      v = (v | ~m1) >>> 0;
      v = reverseBits(v);
      v = (v + 1) >>> 0;
      v = reverseBits(v);
    } while ((v & (m0 ^ m1)) !== 0);
    return v;
  }

  private emitBucket(table: Uint32Array, i: number, out: number[]): void {
    // While rehashing, t0's buckets below rehashIdx are empty, so nothing is emitted twice.
    for (let id = table[i]; id !== 0; id = this.entries.chunk(id)[base(id) + NEXT]) out.push(id);
  }

  /** A random entry, or 0 when empty. Chains are short (load factor <= 1 after growth). */
  random(): number {
    if (this.size === 0) return 0;
    for (let attempt = 0; attempt < 1000; attempt++) {
      const id = this.randomInBucket();
      if (id !== 0) return id;
    }
    // A very sparse table the cron has not shrunk yet: walk from a random bucket.
    const tables = this.t1 ? [this.t0, this.t1] : [this.t0];
    for (const table of tables) {
      const startAt = Math.floor(Math.random() * table.length);
      for (let k = 0; k < table.length; k++) {
        const id = table[(startAt + k) & (table.length - 1)];
        if (id !== 0) return id;
      }
    }
    return 0;
  }

  private randomInBucket(): number {
    let table = this.t0;
    let i: number;
    if (this.t1 !== null) {
      // Pick uniformly among the buckets that can hold entries: t0's unmoved ones and all of t1.
      const live0 = this.t0.length - this.rehashIdx;
      const r = Math.floor(Math.random() * (live0 + this.t1.length));
      if (r < live0) i = this.rehashIdx + r;
      else {
        table = this.t1;
        i = r - live0;
      }
    } else {
      i = Math.floor(Math.random() * table.length);
    }
    let len = 0;
    for (let id = table[i]; id !== 0; id = this.entries.chunk(id)[base(id) + NEXT]) len++;
    if (len === 0) return 0;
    let k = Math.floor(Math.random() * len);
    let id = table[i];
    while (k-- > 0) id = this.entries.chunk(id)[base(id) + NEXT];
    return id;
  }
}

/** Reverse the 32 bits of v. */
function reverseBits(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  v = (v >>> 16) | (v << 16);
  return v >>> 0;
}
