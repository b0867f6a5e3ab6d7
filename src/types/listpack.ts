/**
 * Listpack: Redis's compact encoding of a small list of strings (listpack.c), byte for byte.
 *
 * Small lists, hashes, sets and sorted sets are kept as one listpack image in the Heap, as
 * Redis keeps them: no JS object per element, nothing for the collector to trace, and the same
 * bytes Redis would write into an RDB file. The layout:
 *
 *   <total bytes: u32 LE> <count: u16 LE, 65535 = "count by walking"> <entry>... <0xFF>
 *   entry = <encoding + data> <backlen: the size of encoding + data, 1-5 bytes, read backwards>
 *
 * A string that string2ll accepts is stored as an integer in the smallest of Redis's integer
 * encodings, so an element reads back as the same bytes either way.
 *
 * Reads take the image where it lies (a Uint8Array and the image's offset `lp`; an entry is
 * addressed by the offset `p` of its first byte) and allocate nothing. Writes build the new
 * image in `lpScratch` and return its length; the caller copies it to where the value lives.
 */

import { parseInt64 } from '../commands/args.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';

const HEADER_SIZE = 6;
const EOF = 0xff;
const COUNT_UNKNOWN = 65535;

/** An entry as lpGet() decodes it. */
export interface LpEntry {
  isInt: boolean;
  /** The value of an integer entry (a bigint only beyond ±2^53). */
  int: number | bigint;
  /** A string entry's bytes are b[start, end). */
  start: number;
  end: number;
}

const ENTRY: LpEntry = { isInt: false, int: 0, start: 0, end: 0 };

// ---------------------------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------------------------

function readU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000;
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

/** Total bytes of the image at `lp`. */
export function lpBytes(b: Uint8Array, lp: number): number {
  return readU32(b, lp);
}

/** Number of entries (walking the image when the header says it has too many to count). */
export function lpCount(b: Uint8Array, lp: number): number {
  const n = b[lp + 4] | (b[lp + 5] << 8);
  if (n !== COUNT_UNKNOWN) return n;
  let count = 0;
  for (let p = lpFirst(b, lp); p !== -1; p = lpNext(b, p)) count++;
  return count;
}

function setHeader(b: Uint8Array, total: number, count: number): void {
  writeU32(b, 0, total);
  const n = count < COUNT_UNKNOWN ? count : COUNT_UNKNOWN;
  b[4] = n & 0xff;
  b[5] = n >>> 8;
}

// ---------------------------------------------------------------------------------------------
// Walking
// ---------------------------------------------------------------------------------------------

/** Size of an entry's encoding + data (without its backlen). */
function entrySize(b: Uint8Array, p: number): number {
  const e = b[p];
  if (e < 0x80) return 1; // 7-bit uint
  if (e < 0xc0) return 1 + (e & 0x3f); // 6-bit string
  if (e < 0xe0) return 2; // 13-bit int
  if (e < 0xf0) return 2 + (((e & 0x0f) << 8) | b[p + 1]); // 12-bit string
  switch (e) {
    case 0xf0:
      return 5 + readU32(b, p + 1); // 32-bit string
    case 0xf1:
      return 3;
    case 0xf2:
      return 4;
    case 0xf3:
      return 5;
    case 0xf4:
      return 9;
  }
  throw new Error(`listpack: bad encoding byte ${e}`);
}

/** Bytes lpEncodeBacklen uses for an entry of `size` bytes. */
export function backlenSize(size: number): number {
  if (size <= 127) return 1;
  if (size < 16383) return 2;
  if (size < 2097151) return 3;
  if (size < 268435455) return 4;
  return 5;
}

export function writeBacklen(b: Uint8Array, at: number, size: number): number {
  const n = backlenSize(size);
  if (n === 1) {
    b[at] = size;
    return at + 1;
  }
  // Most significant group first, without the continuation bit; the rest with it, so the
  // value can be read backwards from the entry's last byte.
  for (let i = 0; i < n; i++) {
    const group = Math.floor(size / 2 ** (7 * (n - 1 - i))) & 127;
    b[at + i] = i === 0 ? group : group | 128;
  }
  return at + n;
}

/** Offset of the first entry, or -1 when the listpack is empty. */
export function lpFirst(b: Uint8Array, lp: number): number {
  return b[lp + HEADER_SIZE] === EOF ? -1 : lp + HEADER_SIZE;
}

/** Offset of the entry after `p`, or -1 when `p` is the last. */
export function lpNext(b: Uint8Array, p: number): number {
  const size = entrySize(b, p);
  const q = p + size + backlenSize(size);
  return b[q] === EOF ? -1 : q;
}

/** Offset just past entry `p` (its next entry or the terminator). */
export function lpSkip(b: Uint8Array, p: number): number {
  const size = entrySize(b, p);
  return p + size + backlenSize(size);
}

/** Offset of the entry before `p` (`p` may be the terminator), or -1 when `p` is the first. */
export function lpPrev(b: Uint8Array, lp: number, p: number): number {
  if (p <= lp + HEADER_SIZE) return -1;
  // Decode the backlen that ends at p - 1, reading backwards.
  let q = p - 1;
  let size = 0;
  let scale = 1;
  for (;;) {
    size += (b[q] & 127) * scale;
    if ((b[q] & 128) === 0) break;
    scale *= 128;
    q--;
  }
  return q - size;
}

/** Offset of the last entry, or -1 when the listpack is empty. */
export function lpLast(b: Uint8Array, lp: number): number {
  return lpPrev(b, lp, lp + lpBytes(b, lp) - 1);
}

/** Offset of entry `index` (negative: from the end), or -1 when out of range. */
export function lpSeek(b: Uint8Array, lp: number, index: number): number {
  const n = lpCount(b, lp);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return -1;
  if (index <= n >>> 1) {
    let p = lp + HEADER_SIZE;
    for (let i = 0; i < index; i++) p = lpSkip(b, p);
    return p;
  }
  let p = lpLast(b, lp);
  for (let i = n - 1; i > index; i--) p = lpPrev(b, lp, p);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Reading entries
// ---------------------------------------------------------------------------------------------

function signExtend(v: number, bits: number): number {
  const top = 2 ** (bits - 1);
  return v >= top ? v - 2 * top : v;
}

/** Decode entry `p` into a shared object (overwritten by the next call). */
export function lpGet(b: Uint8Array, p: number): LpEntry {
  const e = b[p];
  const out = ENTRY;
  if (e < 0x80) {
    out.isInt = true;
    out.int = e;
  } else if (e < 0xc0) {
    out.isInt = false;
    out.start = p + 1;
    out.end = p + 1 + (e & 0x3f);
  } else if (e < 0xe0) {
    out.isInt = true;
    out.int = signExtend(((e & 0x1f) << 8) | b[p + 1], 13);
  } else if (e < 0xf0) {
    out.isInt = false;
    out.start = p + 2;
    out.end = p + 2 + (((e & 0x0f) << 8) | b[p + 1]);
  } else if (e === 0xf0) {
    out.isInt = false;
    out.start = p + 5;
    out.end = p + 5 + readU32(b, p + 1);
  } else {
    out.isInt = true;
    switch (e) {
      case 0xf1:
        out.int = signExtend(b[p + 1] | (b[p + 2] << 8), 16);
        break;
      case 0xf2:
        out.int = signExtend(b[p + 1] | (b[p + 2] << 8) | (b[p + 3] << 16), 24);
        break;
      case 0xf3:
        out.int = (b[p + 1] | (b[p + 2] << 8) | (b[p + 3] << 16) | (b[p + 4] << 24)) >> 0;
        break;
      case 0xf4: {
        const lo = readU32(b, p + 1);
        const hi = (b[p + 5] | (b[p + 6] << 8) | (b[p + 7] << 16) | (b[p + 8] << 24)) >> 0;
        // Exact as a number while |hi| < 2^21 (the value is then within ±2^53).
        out.int = hi >= -0x200000 && hi < 0x200000 ? hi * 0x100000000 + lo : (BigInt(hi) << 32n) | BigInt(lo);
        break;
      }
      default:
        throw new Error(`listpack: bad encoding byte ${e}`);
    }
  }
  return out;
}

/** Entry `p` as a latin1 string (integers in decimal). */
export function lpString(b: Uint8Array, p: number): string {
  const e = lpGet(b, p);
  if (e.isInt) return String(e.int);
  return Buffer.prototype.latin1Slice.call(b, e.start, e.end) as string;
}

/** Reply with entry `p` as a bulk string. */
export function lpWriteBulk(reply: ReplyWriter, b: Uint8Array, p: number): void {
  const e = lpGet(b, p);
  if (e.isInt) reply.bulk(String(e.int));
  else reply.bulkBytes(b, e.start, e.end);
}

/** Entry `p` read as a double, as Redis reads a sorted set's scores back (zzlGetScore). */
export function lpToNumber(b: Uint8Array, p: number): number {
  const e = lpGet(b, p);
  if (e.isInt) return Number(e.int);
  const s = Buffer.prototype.latin1Slice.call(b, e.start, e.end) as string;
  if (s === 'inf' || s === '+inf') return Infinity;
  if (s === '-inf') return -Infinity;
  return Number(s);
}

function bytesEqual(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  for (let i = 0; i < ae - as; i++) if (a[as + i] !== b[bs + i]) return false;
  return true;
}

/**
 * Does entry `p` equal s[ss, se)? `asInt` is parseInt64(s, ss, se), passed by callers that
 * compare one argument with many entries.
 */
function entryEquals(b: Uint8Array, p: number, s: Uint8Array, ss: number, se: number, asInt: number | bigint | null): boolean {
  const e = lpGet(b, p);
  // An integer entry was made from a canonical integer string, so only an argument that is
  // one can equal it.
  if (e.isInt) return asInt !== null && asInt == e.int; // eslint-disable-line eqeqeq -- number vs bigint
  return bytesEqual(b, e.start, e.end, s, ss, se);
}

/** Does entry `p` equal the bytes s[ss, se)? */
export function lpEquals(b: Uint8Array, p: number, s: Uint8Array, ss: number, se: number): boolean {
  return entryEquals(b, p, s, ss, se, parseInt64(s, ss, se));
}

/** Does entry `p` equal the latin1 string `str`? */
export function lpEqualsString(b: Uint8Array, p: number, str: string): boolean {
  const n = latin1Bytes(str);
  return lpEquals(b, p, strBuf, 0, n);
}

/**
 * The first entry from `p` on (inclusive) equal to s[ss, se), looking at every (skip + 1)-th
 * entry (skip 1: the fields of field/value pairs), or -1.
 */
export function lpFind(b: Uint8Array, p: number, s: Uint8Array, ss: number, se: number, skip: number): number {
  const asInt = parseInt64(s, ss, se);
  while (p !== -1) {
    if (entryEquals(b, p, s, ss, se, asInt)) return p;
    for (let i = 0; i <= skip && p !== -1; i++) p = lpNext(b, p);
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/**
 * Where every write's new image is built; valid until the next write. Two traps: a write may
 * replace `lpScratch.buf` with a larger buffer, so read it after the call returns (compute the
 * length first, then pass `lpScratch.buf`); and a write must not take an image that lies in
 * `lpScratch.buf` itself as its input.
 */
export const lpScratch = { buf: Buffer.allocUnsafe(4096) };

/** Latin1 strings are turned into bytes here before they are encoded. */
let strBuf = Buffer.allocUnsafe(1024);

function latin1Bytes(str: string): number {
  if (str.length > strBuf.length) strBuf = Buffer.allocUnsafe(Math.max(str.length, strBuf.length * 2));
  return strBuf.latin1Write(str, 0, str.length);
}

function ensureScratch(n: number): Buffer {
  if (lpScratch.buf.length < n) lpScratch.buf = Buffer.allocUnsafe(Math.max(n, lpScratch.buf.length * 2));
  return lpScratch.buf;
}

/** Size of the encoding + data of an integer entry holding `v`. */
export function intEncodedSize(v: number | bigint): number {
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

export function stringEncodedSize(len: number): number {
  if (len < 64) return 1 + len;
  if (len < 4096) return 2 + len;
  return 5 + len;
}

export function writeInt(out: Uint8Array, at: number, v: number | bigint): number {
  const size = intEncodedSize(v);
  const n = Number(v);
  switch (size) {
    case 1:
      out[at] = n;
      break;
    case 2: {
      const u = n < 0 ? n + 8192 : n;
      out[at] = 0xc0 | (u >>> 8);
      out[at + 1] = u & 0xff;
      break;
    }
    case 3:
      out[at] = 0xf1;
      out[at + 1] = n & 0xff;
      out[at + 2] = (n >> 8) & 0xff;
      break;
    case 4:
      out[at] = 0xf2;
      out[at + 1] = n & 0xff;
      out[at + 2] = (n >> 8) & 0xff;
      out[at + 3] = (n >> 16) & 0xff;
      break;
    case 5:
      out[at] = 0xf3;
      writeU32(out, at + 1, n >>> 0);
      break;
    default: {
      const big = BigInt.asUintN(64, BigInt(v));
      out[at] = 0xf4;
      writeU32(out, at + 1, Number(big & 0xffffffffn));
      writeU32(out, at + 5, Number(big >> 32n));
    }
  }
  return at + size;
}

export function writeStringEntry(out: Uint8Array, at: number, s: Uint8Array, ss: number, se: number): number {
  const len = se - ss;
  if (len < 64) out[at++] = 0x80 | len;
  else if (len < 4096) {
    out[at++] = 0xe0 | (len >>> 8);
    out[at++] = len & 0xff;
  } else {
    out[at++] = 0xf0;
    writeU32(out, at, len);
    at += 4;
  }
  for (let i = ss; i < se; i++) out[at++] = s[i];
  return at;
}

/** Total size (with backlen) of the entry for s[ss, se), and how it is stored. */
export function encodedEntrySize(s: Uint8Array, ss: number, se: number, asInt: number | bigint | null): number {
  const size = asInt !== null ? intEncodedSize(asInt) : stringEncodedSize(se - ss);
  return size + backlenSize(size);
}

export function writeEntry(out: Uint8Array, at: number, s: Uint8Array, ss: number, se: number, asInt: number | bigint | null): number {
  const end = asInt !== null ? writeInt(out, at, asInt) : writeStringEntry(out, at, s, ss, se);
  return writeBacklen(out, end, end - at);
}

function copyRange(out: Uint8Array, at: number, b: Uint8Array, from: number, to: number): number {
  if (to - from > 64) {
    out.set(b.subarray(from, to), at);
    return at + (to - from);
  }
  for (let i = from; i < to; i++) out[at++] = b[i];
  return at;
}

/**
 * The image of `lp` with entries [cut, resume) replaced by the element s[ss, se) (or by
 * nothing when `s` is null), its count changed by `countDelta`. Returns the new length.
 */
function splice(
  b: Uint8Array,
  lp: number,
  cut: number,
  resume: number,
  s: Uint8Array | null,
  ss: number,
  se: number,
  countDelta: number,
): number {
  const total = lpBytes(b, lp);
  const asInt = s === null ? null : parseInt64(s, ss, se);
  const added = s === null ? 0 : encodedEntrySize(s, ss, se, asInt);
  const newTotal = total - (resume - cut) + added;
  const out = ensureScratch(newTotal);
  let at = copyRange(out, HEADER_SIZE, b, lp + HEADER_SIZE, cut);
  if (s !== null) at = writeEntry(out, at, s, ss, se, asInt);
  copyRange(out, at, b, resume, lp + total);
  setHeader(out, newTotal, lpCount(b, lp) + countDelta);
  return newTotal;
}

/** Insert s[ss, se) before entry `p` (p = -1: append). Returns the new image's length. */
export function lpInsert(b: Uint8Array, lp: number, p: number, s: Uint8Array, ss: number, se: number): number {
  const at = p === -1 ? lp + lpBytes(b, lp) - 1 : p;
  return splice(b, lp, at, at, s, ss, se, 1);
}

export function lpInsertString(b: Uint8Array, lp: number, p: number, str: string): number {
  const n = latin1Bytes(str);
  return lpInsert(b, lp, p, strBuf, 0, n);
}

/** Replace entry `p` with s[ss, se). Returns the new image's length. */
export function lpReplace(b: Uint8Array, lp: number, p: number, s: Uint8Array, ss: number, se: number): number {
  return splice(b, lp, p, lpSkip(b, p), s, ss, se, 0);
}

export function lpReplaceString(b: Uint8Array, lp: number, p: number, str: string): number {
  const n = latin1Bytes(str);
  return lpReplace(b, lp, p, strBuf, 0, n);
}

/** Delete `count` entries from entry `p` on (fewer if the list ends first). Returns the new length. */
export function lpDelete(b: Uint8Array, lp: number, p: number, count: number): number {
  let q = p;
  let deleted = 0;
  while (deleted < count && b[q] !== EOF) {
    q = lpSkip(b, q);
    deleted++;
  }
  return splice(b, lp, p, q, null, 0, 0, -deleted);
}

/** Builds a whole listpack element by element (conversions, the results of *STORE commands). */
export class ListpackBuilder {
  buf: Buffer = Buffer.allocUnsafe(256);
  private at = HEADER_SIZE;
  private count = 0;

  reset(): void {
    this.at = HEADER_SIZE;
    this.count = 0;
  }

  private room(n: number): void {
    if (this.at + n + 1 > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.at + n + 1, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, this.at);
      this.buf = grown;
    }
  }

  push(s: Uint8Array, ss: number, se: number): void {
    const asInt = parseInt64(s, ss, se);
    this.room(encodedEntrySize(s, ss, se, asInt));
    this.at = writeEntry(this.buf, this.at, s, ss, se, asInt);
    this.count++;
  }

  pushString(str: string): void {
    const n = latin1Bytes(str);
    this.push(strBuf, 0, n);
  }

  /** Append an integer (Redis's lpAppendInteger). */
  pushNumber(v: number | bigint): void {
    const size = intEncodedSize(v);
    this.room(size + 1);
    const end = writeInt(this.buf, this.at, v);
    this.at = writeBacklen(this.buf, end, size);
    this.count++;
  }

  /** Terminate the image; returns its length (the image is buf[0, length)). */
  finish(): number {
    this.room(0);
    this.buf[this.at] = EOF;
    const total = this.at + 1;
    setHeader(this.buf, total, this.count);
    return total;
  }
}

/** An empty listpack's image. */
export const EMPTY_LISTPACK: Uint8Array = Uint8Array.of(7, 0, 0, 0, 0, 0, EOF);
