/**
 * Hash listpacks: the compact forms of a small hash, as Redis 7.4 lays them out.
 *
 * - "listpack": field, value, field, value, ... in insertion order.
 * - "listpackex" (a hash whose fields have or had deadlines): field, value, deadline triplets,
 *   the deadline an integer entry in ms, 0 for none. Triplets with a deadline come first, in
 *   deadline order (a new one goes before those with an equal deadline), then the rest in the
 *   order they were added; so the fields due first are always at the front.
 *
 * Reads work on the image where it lies, as listpack.ts does. Writes go through ListpackEdit,
 * which chains listpack.ts's single-entry writes into one edit (appending a pair is two
 * inserts) without copying the image between them.
 */

import {
  lpBytes,
  lpCount,
  lpDelete,
  lpFind,
  lpFirst,
  lpGet,
  lpInsert,
  lpNext,
  lpReplace,
  lpScratch,
  ListpackBuilder,
} from './listpack.js';

/** Entries per field: 2 in a listpack, 3 in a listpackex. */
export type Stride = 2 | 3;

/** The field entry equal to s[ss, se), or -1. */
export function hashLpFind(b: Uint8Array, lp: number, s: Uint8Array, ss: number, se: number, stride: Stride): number {
  const first = lpFirst(b, lp);
  return first === -1 ? -1 : lpFind(b, first, s, ss, se, stride - 1);
}

/** Number of fields. */
export function hashLpLength(b: Uint8Array, lp: number, stride: Stride): number {
  return lpCount(b, lp) / stride;
}

/** The deadline of a listpackex triplet whose value entry is at `valueAt` (0: none). */
export function hashLpDeadline(b: Uint8Array, valueAt: number): number {
  return Number(lpGet(b, lpNext(b, valueAt)).int);
}

/** The deadline of the first triplet of a listpackex: the earliest one, or 0 when none. */
export function hashLpMinDeadline(b: Uint8Array, lp: number): number {
  const first = lpFirst(b, lp);
  return first === -1 ? 0 : hashLpDeadline(b, lpNext(b, first));
}

/**
 * Where a triplet with deadline `at` belongs in a listpackex: the field entry of the first
 * triplet whose deadline is 0 or at least `at`, or -1 (the end).
 */
export function hashLpSlotFor(b: Uint8Array, lp: number, at: number): number {
  for (let p = lpFirst(b, lp); p !== -1; ) {
    const v = lpNext(b, p);
    const t = lpNext(b, v);
    const deadline = Number(lpGet(b, t).int);
    if (deadline === 0 || deadline >= at) return p;
    p = lpNext(b, t);
  }
  return -1;
}

/** Number of leading triplets of a listpackex whose deadline is below `limit`. */
export function hashLpCountDue(b: Uint8Array, lp: number, limit: number): number {
  let n = 0;
  for (let p = lpFirst(b, lp); p !== -1; ) {
    const t = lpNext(b, lpNext(b, p));
    const deadline = Number(lpGet(b, t).int);
    if (deadline === 0 || deadline >= limit) break;
    n++;
    p = lpNext(b, t);
  }
  return n;
}

/** Decimal digits of a deadline, the form lpInsert takes an integer entry in. */
const digits = Buffer.alloc(24);

function deadlineDigits(at: number): number {
  const text = String(at);
  return digits.latin1Write(text, 0, text.length);
}

const slotBuilder = new ListpackBuilder();

/** Copy entry `p` of b to the end of `builder` (integers stay integers). */
function pushEntry(builder: ListpackBuilder, b: Uint8Array, p: number): void {
  const e = lpGet(b, p);
  if (e.isInt) builder.pushNumber(e.int);
  else builder.push(b, e.start, e.end);
}

/** Room for a value moved within the image (it must outlive the delete that precedes the insert). */
let moved = Buffer.allocUnsafe(256);

/**
 * One edit of a hash listpack: a sequence of writes, each of which sees the image the
 * previous one made. Offsets into the image are valid only until the next write.
 *
 * listpack.ts builds each new image in lpScratch and cannot read from it; the edit adopts each
 * result by trading buffers with lpScratch, so the next write reads the image where the last
 * one wrote it.
 */
export class ListpackEdit {
  /** The current image is b[lp, lp + lpBytes). */
  b: Uint8Array = lpScratch.buf;
  lp = 0;
  /** Has a write been made since begin()? (Until then the image is still the original.) */
  edited = false;
  private own: typeof lpScratch.buf = Buffer.allocUnsafe(256);

  /** Start editing the image at b[lp, ...) (read in place until the first write). */
  begin(b: Uint8Array, lp: number): this {
    this.b = b;
    this.lp = lp;
    this.edited = false;
    return this;
  }

  /** The current image's length in bytes; the image is b[lp, lp + length). */
  get length(): number {
    return lpBytes(this.b, this.lp);
  }

  private adopt(): void {
    const result = lpScratch.buf;
    lpScratch.buf = this.own;
    this.own = result;
    this.b = result;
    this.lp = 0;
    this.edited = true;
  }

  first(): number {
    return lpFirst(this.b, this.lp);
  }

  /** Insert s[ss, se) before entry `p` (-1: at the end); returns the new entry's offset. */
  insert(p: number, s: Uint8Array, ss: number, se: number): number {
    const at = p === -1 ? lpBytes(this.b, this.lp) - 1 : p - this.lp;
    lpInsert(this.b, this.lp, p, s, ss, se);
    this.adopt();
    return at;
  }

  /** Replace entry `p` with s[ss, se); returns the entry's offset. */
  replace(p: number, s: Uint8Array, ss: number, se: number): number {
    const at = p - this.lp;
    lpReplace(this.b, this.lp, p, s, ss, se);
    this.adopt();
    return at;
  }

  /** Delete `count` entries from `p` on. */
  delete(p: number, count: number): void {
    lpDelete(this.b, this.lp, p, count);
    this.adopt();
  }

  /** Append a field and its value (a listpack's pair). */
  appendPair(f: Uint8Array, fs: number, fe: number, v: Uint8Array, vs: number, ve: number): void {
    this.insert(-1, f, fs, fe);
    this.insert(-1, v, vs, ve);
  }

  /** Insert a listpackex triplet where its deadline `at` (0: none) puts it. */
  insertTriplet(f: Uint8Array, fs: number, fe: number, v: Uint8Array, vs: number, ve: number, at: number): void {
    const n = deadlineDigits(at);
    // A triplet without a deadline goes last, as Redis appends it.
    const p = at === 0 ? -1 : hashLpSlotFor(this.b, this.lp, at);
    if (p === -1) {
      this.insert(-1, f, fs, fe);
      this.insert(-1, v, vs, ve);
      this.insert(-1, digits, 0, n);
      return;
    }
    // Inserted before the same entry in reverse order, they end up field, value, deadline.
    const slot = this.insert(p, digits, 0, n);
    this.insert(slot, v, vs, ve);
    this.insert(slot, f, fs, fe);
  }

  /**
   * Give the triplet whose field entry is at `p` the deadline `at` (0: none): it is taken out
   * and put back where that deadline belongs, as Redis's listpackExUpdateExpiry does.
   */
  moveTriplet(p: number, f: Uint8Array, fs: number, fe: number, at: number): void {
    const vp = lpNext(this.b, p);
    const value = lpGet(this.b, vp);
    let n: number;
    if (value.isInt) {
      const text = String(value.int);
      n = moved.latin1Write(text, 0, text.length);
    } else {
      n = value.end - value.start;
      if (n > moved.length) moved = Buffer.allocUnsafe(Math.max(n, moved.length * 2));
      moved.set(this.b.subarray(value.start, value.end), 0);
    }
    this.delete(p, 3);
    this.insertTriplet(f, fs, fe, moved, 0, n, at);
  }

  /** Turn a listpack (pairs) into a listpackex whose fields have no deadline yet. */
  addDeadlineSlots(): void {
    const builder = slotBuilder;
    builder.reset();
    const b = this.b;
    for (let p = lpFirst(b, this.lp); p !== -1; p = lpNext(b, p)) {
      pushEntry(builder, b, p);
      p = lpNext(b, p);
      pushEntry(builder, b, p);
      builder.pushNumber(0);
    }
    const n = builder.finish();
    if (this.own.length < n) this.own = Buffer.allocUnsafe(Math.max(n, this.own.length * 2));
    builder.buf.copy(this.own, 0, 0, n);
    this.b = this.own;
    this.lp = 0;
    this.edited = true;
  }
}
