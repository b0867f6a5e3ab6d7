/**
 * The sorted-set type API the ZSET commands use (Redis's zset* / zzl* functions in t_zset.c),
 * with both encodings behind it:
 *
 *   - "listpack": member, score pairs in one listpack image in the Heap, ordered by score then
 *     member bytes, exactly as Redis lays them out (an integral score within ±2^62 is an integer
 *     entry, any other score its "%.17g" text);
 *   - "skiplist": a SortedSet (types/sorted-set.ts) held by handle.
 *
 * A value starts as a listpack and becomes a SortedSet when it passes
 * zset-max-listpack-entries or gets a member longer than zset-max-listpack-value, at the moments
 * Redis 7.2 converts. Where Redis walks a listpack linearly (range bounds, lex ranges on sets
 * with mixed scores) this file walks it the same way, so replies stay byte for byte Redis's even
 * where the documentation calls the result undefined.
 *
 * Also here: score and range parsing with Redis's exact rules (string2d for scores, strtod for
 * range bounds) and the score reply.
 */

import type { Argv } from '../protocol/argv.js';
import { formatDouble } from '../protocol/format.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import type { Client } from '../server/client.js';
import { Lookup, type Database } from '../store/database.js';
import { ValueType } from '../store/entries.js';
import {
  EMPTY_LISTPACK,
  ListpackBuilder,
  lpBytes,
  lpCount,
  lpDelete,
  lpFind,
  lpFirst,
  lpGet,
  lpLast,
  lpNext,
  lpPrev,
  lpScratch,
  lpSeek,
  lpString,
  lpToNumber,
  lpWriteBulk,
} from '../types/listpack.js';
import { SortedSet, SortedSetCursor } from '../types/sorted-set.js';
import { WRONGTYPE } from './errors.js';

// ---------------------------------------------------------------------------------------------
// Parsing numbers and ranges
// ---------------------------------------------------------------------------------------------

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

function wordAt(b: Uint8Array, i: number, end: number, word: string): boolean {
  if (end - i !== word.length) return false;
  for (let j = 0; j < word.length; j++) if ((b[i + j] | 0x20) !== word.charCodeAt(j)) return false;
  return true;
}

/** Set by strtodWhole: the conversion overflowed or underflowed (strtod's ERANGE). */
let rangeError = false;

/**
 * C's strtod over b[start, end), which must be consumed whole (no leading space): the value,
 * or null when strtod would stop early or convert nothing. Sets `rangeError` as strtod sets
 * ERANGE (overflow to ±inf, or a nonzero value rounding to zero).
 */
function strtodWhole(b: Uint8Array, start: number, end: number): number | null {
  rangeError = false;
  let i = start;
  let negative = false;
  if (i < end && (b[i] === 43 || b[i] === 45)) {
    negative = b[i] === 45;
    i++;
  }
  if (i === end) return null;
  const c0 = b[i] | 0x20;
  if (c0 === 105 /* i */) {
    if (wordAt(b, i, end, 'inf') || wordAt(b, i, end, 'infinity')) return negative ? -Infinity : Infinity;
    return null;
  }
  if (c0 === 110 /* n */) {
    // "nan" and "nan(chars)": every caller refuses NaN, so the spelling need not be checked
    // further than that strtod would convert something.
    return end - i >= 3 && wordAt(b, i, i + 3, 'nan') ? NaN : null;
  }
  if (b[i] === 48 && i + 1 < end && (b[i + 1] | 0x20) === 120 /* x */) {
    const v = hexFloat(b, i + 2, end);
    return v === null ? null : negative ? -v : v;
  }
  // Decimal: digits [. digits] [e [sign] digits], at least one digit in the mantissa.
  const mantissaStart = i;
  let digits = 0;
  let nonzero = false;
  // The digits as an integer while it is exact, and how many of them follow the point.
  let m = 0;
  let fraction = 0;
  for (; i < end && isDigit(b[i]); i++) {
    digits++;
    m = m * 10 + (b[i] - 48);
    if (b[i] !== 48) nonzero = true;
  }
  if (i < end && b[i] === 46) {
    for (i++; i < end && isDigit(b[i]); i++) {
      digits++;
      fraction++;
      m = m * 10 + (b[i] - 48);
      if (b[i] !== 48) nonzero = true;
    }
  }
  if (digits === 0) return null;
  // Clinger's fast path: an integer below 2^53 divided by an exact power of ten is rounded once,
  // correctly, so no string need be made (coordinates, scores: "13.361389", "3.5").
  if (i === end && m <= Number.MAX_SAFE_INTEGER && fraction <= 22) {
    const v = fraction === 0 ? m : m / POWERS_OF_TEN[fraction];
    return negative ? -v : v;
  }
  if (i < end && (b[i] | 0x20) === 101 /* e */) {
    let j = i + 1;
    if (j < end && (b[j] === 43 || b[j] === 45)) j++;
    if (j === end || !isDigit(b[j])) return null;
    for (; j < end && isDigit(b[j]); j++);
    i = j;
  }
  if (i !== end) return null;
  const v = Number(Buffer.prototype.latin1Slice.call(b, mantissaStart, end) as string);
  if (v === Infinity || (v === 0 && nonzero)) rangeError = true;
  return negative ? -v : v;
}

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** The value of hex digits [. hex digits] [p [sign] digits] from b[i, end), rounded to a double. */
function hexFloat(b: Uint8Array, i: number, end: number): number | null {
  let m = 0n;
  let exp2 = 0;
  let digits = 0;
  for (; i < end && hexDigit(b[i]) >= 0; i++, digits++) m = (m << 4n) | BigInt(hexDigit(b[i]));
  if (i < end && b[i] === 46) {
    for (i++; i < end && hexDigit(b[i]) >= 0; i++, digits++) {
      m = (m << 4n) | BigInt(hexDigit(b[i]));
      exp2 -= 4;
    }
  }
  // "0x" without digits: strtod converts just the "0" and stops at the 'x'.
  if (digits === 0) return null;
  if (i < end && (b[i] | 0x20) === 112 /* p */) {
    let j = i + 1;
    let negative = false;
    if (j < end && (b[j] === 43 || b[j] === 45)) negative = b[j++] === 45;
    if (j === end || !isDigit(b[j])) return null;
    let e = 0;
    for (; j < end && isDigit(b[j]); j++) if (e < 100000) e = e * 10 + (b[j] - 48);
    exp2 += negative ? -e : e;
    i = j;
  }
  if (i !== end) return null;
  if (m === 0n) return 0;
  const top = m.toString(2).length + exp2; // the value lies in [2^(top-1), 2^top)
  if (top > 1024) {
    rangeError = true;
    return Infinity;
  }
  // Keep 53 significant bits, or fewer where the result is subnormal; round half to even.
  const lsb = Math.max(top - 53, -1074);
  const shift = lsb - exp2;
  let q: bigint;
  if (shift > 0) {
    const s = BigInt(shift);
    q = m >> s;
    const rem = m - (q << s);
    const half = 1n << (s - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
  } else {
    q = m << BigInt(-shift);
  }
  const v = Number(q) * 2 ** lsb;
  if (v === 0 || v === Infinity) rangeError = true;
  return v;
}

/** b[start, end) as Redis's string2d reads a score: null unless it is a whole, finite-or-inf, non-NaN number. */
function parseScore(b: Uint8Array, start: number, end: number): number | null {
  if (start === end || isSpace(b[start])) return null;
  // The common case, plain digits, without strtod's whole grammar.
  const n = end - start;
  if (n <= 15) {
    let v = 0;
    let i = start;
    const negative = b[i] === 45;
    if (negative) i++;
    if (i < end) {
      for (; i < end; i++) {
        const d = b[i] - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      if (i === end) return negative ? -v : v;
    }
  }
  const v = strtodWhole(b, start, end);
  if (v === null || Number.isNaN(v)) return null;
  if (rangeError && (v === 0 || v === Infinity || v === -Infinity)) return null;
  return v;
}

/** argv[i] as a score (getDoubleFromObject), or null. */
export function argScore(argv: Argv, i: number): number | null {
  return parseScore(argv.bufs[i], argv.starts[i], argv.ends[i]);
}

/** A score interval: (min, max), each end open when its flag says so. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/**
 * One end of a score range as zslParseRange reads it: "(" makes it open, then strtod, which
 * skips leading spaces, stops at a NUL byte, reads "" as 0, and keeps overflows (inf) and
 * underflows (0). Returns the value (and sets `boundExclusive`), or null when invalid or NaN.
 */
let boundExclusive = false;
function parseScoreBound(argv: Argv, i: number): number | null {
  const b = argv.bufs[i];
  let p = argv.starts[i];
  let end = p;
  while (end < argv.ends[i] && b[end] !== 0) end++;
  boundExclusive = p < end && b[p] === 40;
  if (boundExclusive) p++;
  if (p === end) return 0;
  let q = p;
  while (q < end && isSpace(b[q])) q++;
  if (q === end) return null;
  const v = strtodWhole(b, q, end);
  return v === null || Number.isNaN(v) ? null : v;
}

/** Parse argv[minIndex], argv[maxIndex] into `range`; false when either is not a float. */
export function parseScoreRange(argv: Argv, minIndex: number, maxIndex: number, range: ScoreRange): boolean {
  const min = parseScoreBound(argv, minIndex);
  if (min === null) return false;
  range.min = min;
  range.minex = boundExclusive;
  const max = parseScoreBound(argv, maxIndex);
  if (max === null) return false;
  range.max = max;
  range.maxex = boundExclusive;
  return true;
}

function scoreGteMin(v: number, r: ScoreRange): boolean {
  return r.minex ? v > r.min : v >= r.min;
}

function scoreLteMax(v: number, r: ScoreRange): boolean {
  return r.maxex ? v < r.max : v <= r.max;
}

/** Can no score be in `r`? (zslIsInRange's first test) */
function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

export const enum LexBound {
  /** "-": below every string. */
  Minus = -1,
  String = 0,
  /** "+": above every string. */
  Plus = 1,
}

/** A member interval: "[a" closed, "(a" open, "-" and "+" the unbounded ends (open). */
export interface LexRange {
  minKind: LexBound;
  maxKind: LexBound;
  min: string;
  max: string;
  minex: boolean;
  maxex: boolean;
}

/** zslParseLexRangeItem into range's min (`isMin`) or max; false when invalid. */
function parseLexItem(argv: Argv, i: number, range: LexRange, isMin: boolean): boolean {
  const n = argv.len(i);
  if (n === 0) return false;
  const first = argv.bufs[i][argv.starts[i]];
  let kind: LexBound;
  let value = '';
  let ex: boolean;
  // A C string: "+" and "-" must be alone up to the first NUL byte.
  const alone = n === 1 || argv.bufs[i][argv.starts[i] + 1] === 0;
  if (first === 43 /* + */ && alone) {
    kind = LexBound.Plus;
    ex = true;
  } else if (first === 45 /* - */ && alone) {
    kind = LexBound.Minus;
    ex = true;
  } else if (first === 40 /* ( */ || first === 91 /* [ */) {
    kind = LexBound.String;
    ex = first === 40;
    value = argv.str(i).slice(1);
  } else {
    return false;
  }
  if (isMin) {
    range.minKind = kind;
    range.min = value;
    range.minex = ex;
  } else {
    range.maxKind = kind;
    range.max = value;
    range.maxex = ex;
  }
  return true;
}

/** Parse a ZRANGEBYLEX interval; false when either end is not a valid item. */
export function parseLexRange(argv: Argv, minIndex: number, maxIndex: number, range: LexRange): boolean {
  return parseLexItem(argv, minIndex, range, true) && parseLexItem(argv, maxIndex, range, false);
}

export function newLexRange(): LexRange {
  return { minKind: LexBound.String, maxKind: LexBound.String, min: '', max: '', minex: false, maxex: false };
}

export function newScoreRange(): ScoreRange {
  return { min: 0, max: 0, minex: false, maxex: false };
}

/** sdscmplex of a member with a bound. */
function compareLex(value: string, kind: LexBound, bound: string): number {
  if (kind === LexBound.Minus) return 1;
  if (kind === LexBound.Plus) return -1;
  return value < bound ? -1 : value > bound ? 1 : 0;
}

function lexGteMin(value: string, r: LexRange): boolean {
  const c = compareLex(value, r.minKind, r.min);
  return r.minex ? c > 0 : c >= 0;
}

function lexLteMax(value: string, r: LexRange): boolean {
  const c = compareLex(value, r.maxKind, r.max);
  return r.maxex ? c < 0 : c <= 0;
}

/** Can no member be in `r`? (sdscmplex(min, max) > 0, or equal with an open end) */
function lexRangeEmpty(r: LexRange): boolean {
  let c: number;
  if (r.minKind === r.maxKind && r.minKind !== LexBound.String) c = 0;
  else if (r.minKind === LexBound.Minus || r.maxKind === LexBound.Plus) c = -1;
  else if (r.minKind === LexBound.Plus || r.maxKind === LexBound.Minus) c = 1;
  else c = r.min < r.max ? -1 : r.min > r.max ? 1 : 0;
  return c > 0 || (c === 0 && (r.minex || r.maxex));
}

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

/** A score as Redis 7.0's addReplyDouble writes it; integers without formatting through strings. */
export function replyScore(r: ReplyWriter, d: number): void {
  if (!Number.isSafeInteger(d) || (d === 0 && 1 / d < 0)) {
    r.double(d);
    return;
  }
  // "%.17g" of an integer below 2^53 is its digits.
  let digits = 1;
  for (let t = d < 0 ? -d : d; t >= 10; t = Math.floor(t / 10)) digits++;
  const len = d < 0 ? digits + 1 : digits;
  r.ensure(len + 8);
  const b = r.buf;
  let p = r.pos;
  if (r.protocol === 3) b[p++] = 44; // ','
  else {
    b[p++] = 36; // '$'
    if (len >= 10) b[p++] = 48 + Math.floor(len / 10);
    b[p++] = 48 + (len % 10);
    b[p++] = 13;
    b[p++] = 10;
  }
  let v = d;
  if (v < 0) {
    b[p++] = 45;
    v = -v;
  }
  for (let q = p + digits - 1; q >= p; q--) {
    const next = Math.floor(v / 10);
    b[q] = 48 + (v - next * 10);
    v = next;
  }
  p += digits;
  b[p++] = 13;
  b[p++] = 10;
  r.pos = p;
}

// ---------------------------------------------------------------------------------------------
// Member strings
// ---------------------------------------------------------------------------------------------

let memberBytes = Buffer.allocUnsafe(256);

/** A latin1 string's bytes in a scratch buffer (valid until the next call); returns the length. */
function stringBytes(s: string): number {
  if (s.length > memberBytes.length) memberBytes = Buffer.allocUnsafe(Math.max(s.length, memberBytes.length * 2));
  return memberBytes.latin1Write(s, 0, s.length);
}

// ---------------------------------------------------------------------------------------------
// Listpack form: member, score pairs in order
// ---------------------------------------------------------------------------------------------

/** Redis's lpSafeToAdd limit: a listpack never grows past 1 GB. */
const LISTPACK_SAFETY_SIZE = 1 << 30;

/** Where a pair's two entries are encoded before they are spliced into an image. */
const pairBuilder = new ListpackBuilder();
/** Where images are built by zset edits (lpScratch may hold the image being edited). */
let pairScratch = Buffer.allocUnsafe(4096);

/** Is `d` stored as an integer entry? (double2ll: integral and within ±LLONG_MAX/2) */
function scoreIsInteger(d: number): boolean {
  return Number.isInteger(d) && d >= -4611686018427387904 && d <= 4611686018427387904;
}

function pushScore(builder: ListpackBuilder, score: number): void {
  if (scoreIsInteger(score)) builder.pushNumber(Number.isSafeInteger(score) ? score + 0 : BigInt(score));
  else builder.pushString(formatDouble(score));
}

/** Member bytes s[ss, se) vs entry `p` in memcmp order (zzlCompareElements, reversed). */
function compareEntryBytes(b: Uint8Array, p: number, s: Uint8Array, ss: number, se: number): number {
  const e = lpGet(b, p);
  if (e.isInt) {
    const text = String(e.int);
    const n = Math.min(text.length, se - ss);
    for (let k = 0; k < n; k++) {
      const d = text.charCodeAt(k) - s[ss + k];
      if (d !== 0) return d;
    }
    return text.length - (se - ss);
  }
  const n = Math.min(e.end - e.start, se - ss);
  for (let k = 0; k < n; k++) {
    const d = b[e.start + k] - s[ss + k];
    if (d !== 0) return d;
  }
  return e.end - e.start - (se - ss);
}

/**
 * The image at b[lp] with the pair (s[ss, se), score) inserted in order (zzlInsert), in
 * pairScratch. Returns its length.
 */
function packedInsert(b: Uint8Array, lp: number, s: Uint8Array, ss: number, se: number, score: number): number {
  let e = lpFirst(b, lp);
  while (e !== -1) {
    const q = lpNext(b, e);
    const cur = lpToNumber(b, q);
    if (cur > score || (cur === score && compareEntryBytes(b, e, s, ss, se) > 0)) break;
    e = lpNext(b, q);
  }
  pairBuilder.reset();
  pairBuilder.push(s, ss, se);
  pushScore(pairBuilder, score);
  const pairEnd = pairBuilder.finish() - 1;
  const total = lpBytes(b, lp);
  const at = e === -1 ? lp + total - 1 : e;
  const added = pairEnd - 6;
  const newTotal = total + added;
  if (pairScratch.length < newTotal) pairScratch = Buffer.allocUnsafe(Math.max(newTotal, pairScratch.length * 2));
  const out = pairScratch;
  out.set(b.subarray(lp + 6, at), 6);
  let w = 6 + (at - lp - 6);
  out.set(pairBuilder.buf.subarray(6, pairEnd), w);
  w += added;
  out.set(b.subarray(at, lp + total), w);
  const count = lpCount(b, lp) + 2;
  out.writeUInt32LE(newTotal, 0);
  out.writeUInt16LE(count < 65535 ? count : 65535, 4);
  return newTotal;
}

/** The entry of member s[ss, se) in the image, or -1. */
function packedFind(b: Uint8Array, lp: number, s: Uint8Array, ss: number, se: number): number {
  const first = lpFirst(b, lp);
  return first === -1 ? -1 : lpFind(b, first, s, ss, se, 1);
}

/** Read a whole listpack zset into members and scores (in order). */
function packedPairs(b: Uint8Array, lp: number, members: string[], scores: number[]): number {
  let n = 0;
  for (let e = lpFirst(b, lp); e !== -1; ) {
    const q = lpNext(b, e);
    members[n] = lpString(b, e);
    scores[n] = lpToNumber(b, q);
    n++;
    e = lpNext(b, q);
  }
  return n;
}

/** Build a listpack zset image of pairs already in order; the image is in pairScratch. */
function buildPacked(members: readonly string[], scores: readonly number[], n: number): number {
  pairBuilder.reset();
  for (let i = 0; i < n; i++) {
    pairBuilder.pushString(members[i]);
    pushScore(pairBuilder, scores[i]);
  }
  const len = pairBuilder.finish();
  if (pairScratch.length < len) pairScratch = Buffer.allocUnsafe(Math.max(len, pairScratch.length * 2));
  pairBuilder.buf.copy(pairScratch, 0, 0, len);
  return len;
}

// ---------------------------------------------------------------------------------------------
// Lookup, create, convert
// ---------------------------------------------------------------------------------------------

/**
 * The zset entry of the key in argv[i]: its id, 0 when missing, or -1 after replying
 * WRONGTYPE.
 */
export function lookupZSet(c: Client, argv: Argv, i: number, flags: Lookup): number {
  const id = c.db.findArg(argv, i, flags);
  if (id !== 0 && c.db.type(id) !== ValueType.ZSet) {
    c.reply.error(WRONGTYPE);
    return -1;
  }
  return id;
}

/**
 * Create the key argv[keyIndex] as an empty zset in the encoding zsetTypeCreate picks for
 * `sizeHint` members the first of which is `lenHint` bytes long. Returns the entry.
 */
export function createZSet(c: Client, argv: Argv, keyIndex: number, sizeHint: number, lenHint: number): number {
  const limits = c.engine.store.limits;
  const db = c.db;
  const k = argv.bufs[keyIndex];
  if (sizeHint <= limits.zsetMaxListpackEntries && lenHint <= limits.zsetMaxListpackValue) {
    return db.setPacked(k, argv.starts[keyIndex], argv.ends[keyIndex], ValueType.ZSet, EMPTY_LISTPACK, 0, EMPTY_LISTPACK.length);
  }
  return db.setObject(k, argv.starts[keyIndex], argv.ends[keyIndex], ValueType.ZSet, new SortedSet());
}

/** Convert a listpack zset to a SortedSet. */
export function convertToTable(db: Database, id: number): SortedSet {
  const members: string[] = [];
  const scores: number[] = [];
  const n = packedPairs(db.packedBuffer(id), db.packedOffset(id), members, scores);
  const set = SortedSet.fromSorted(members, scores, n);
  db.replaceObject(id, set);
  return set;
}

/** zsetTypeMaybeConvert: a listpack about to receive more than it may hold becomes a table. */
export function maybeConvert(c: Client, id: number, sizeHint: number): void {
  if (c.db.isPacked(id) && sizeHint > c.engine.store.limits.zsetMaxListpackEntries) convertToTable(c.db, id);
}

/**
 * Set key k[ks, ke) to the zset of members[i], scores[i] (i < n, in order, unique), replacing
 * any value and TTL, in the encoding zsetConvertToListpackIfNeeded leaves a *STORE result in:
 * a listpack when it is small enough, else a table.
 */
export function storeZSet(
  c: Client,
  k: Uint8Array,
  ks: number,
  ke: number,
  members: readonly string[],
  scores: readonly number[],
  n: number,
): number {
  const limits = c.engine.store.limits;
  let packed = n <= limits.zsetMaxListpackEntries;
  let total = 0;
  for (let i = 0; packed && i < n; i++) {
    const len = members[i].length;
    total += len;
    if (len > limits.zsetMaxListpackValue || total > LISTPACK_SAFETY_SIZE) packed = false;
  }
  if (packed) {
    const len = buildPacked(members, scores, n);
    return c.db.setPacked(k, ks, ke, ValueType.ZSet, pairScratch, 0, len);
  }
  return c.db.setObject(k, ks, ke, ValueType.ZSet, SortedSet.fromSorted(members, scores, n));
}

// ---------------------------------------------------------------------------------------------
// Single members
// ---------------------------------------------------------------------------------------------

export function zsetLength(db: Database, id: number): number {
  if (db.isPacked(id)) return lpCount(db.packedBuffer(id), db.packedOffset(id)) >>> 1;
  return db.object<SortedSet>(id).size;
}

/** The score of member argv[i], or undefined. */
export function scoreOfArg(db: Database, id: number, argv: Argv, i: number): number | undefined {
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const e = packedFind(b, db.packedOffset(id), argv.bufs[i], argv.starts[i], argv.ends[i]);
    return e === -1 ? undefined : lpToNumber(b, lpNext(b, e));
  }
  const set = db.object<SortedSet>(id);
  const at = set.indexOfBytes(argv.bufs[i], argv.starts[i], argv.ends[i]);
  return at < 0 ? undefined : set.scoreAtIndex(at);
}

/** The score of `member` (a latin1 string), or undefined. */
export function scoreOf(db: Database, id: number, member: string): number | undefined {
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const n = stringBytes(member);
    const e = packedFind(b, db.packedOffset(id), memberBytes, 0, n);
    return e === -1 ? undefined : lpToNumber(b, lpNext(b, e));
  }
  return db.object<SortedSet>(id).score(member);
}

/** zsetAdd's input flags. */
export const enum AddFlag {
  None = 0,
  Incr = 1,
  NX = 2,
  XX = 4,
  GT = 8,
  LT = 16,
}

/** zsetAdd's outcome. */
export const enum AddResult {
  /** The score would be NaN: nothing changed. */
  NaN = -1,
  /** Nothing done (NX, XX, GT, LT said no). */
  Nop = 0,
  Added = 1,
  Updated = 2,
  /** The member was there with the same score. */
  Unchanged = 3,
}

/** The score zsetAdd settled on (with INCR: the new score). */
export let addedScore = 0;

/**
 * zsetAdd: add member argv[mi] with `score` (or increment it by `score` with AddFlag.Incr),
 * under NX/XX/GT/LT, converting a listpack that would outgrow its limits.
 */
export function zsetAdd(c: Client, id: number, score: number, argv: Argv, mi: number, flags: AddFlag): AddResult {
  const db = c.db;
  const ms = argv.starts[mi];
  const me = argv.ends[mi];
  const mb = argv.bufs[mi];
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    const e = packedFind(b, lp, mb, ms, me);
    if (e !== -1) {
      if ((flags & AddFlag.NX) !== 0) return AddResult.Nop;
      const cur = lpToNumber(b, lpNext(b, e));
      if ((flags & AddFlag.Incr) !== 0) {
        score += cur;
        if (Number.isNaN(score)) return AddResult.NaN;
      }
      if (((flags & AddFlag.LT) !== 0 && score >= cur) || ((flags & AddFlag.GT) !== 0 && score <= cur)) return AddResult.Nop;
      addedScore = score;
      if (score === cur) return AddResult.Unchanged;
      lpDelete(b, lp, e, 2);
      const newLen = packedInsert(lpScratch.buf, 0, mb, ms, me, score);
      db.replacePacked(id, pairScratch, 0, newLen);
      return AddResult.Updated;
    }
    if ((flags & AddFlag.XX) !== 0) return AddResult.Nop;
    const limits = c.engine.store.limits;
    if (
      (lpCount(b, lp) >>> 1) + 1 > limits.zsetMaxListpackEntries ||
      me - ms > limits.zsetMaxListpackValue ||
      lpBytes(b, lp) + (me - ms) > LISTPACK_SAFETY_SIZE
    ) {
      convertToTable(db, id);
    } else {
      const newLen = packedInsert(b, lp, mb, ms, me, score);
      db.replacePacked(id, pairScratch, 0, newLen);
      addedScore = score;
      return AddResult.Added;
    }
  }
  const set = db.object<SortedSet>(id);
  const i = set.indexOfBytes(argv.bufs[mi], argv.starts[mi], argv.ends[mi]);
  if (i >= 0) {
    if ((flags & AddFlag.NX) !== 0) return AddResult.Nop;
    const cur = set.scoreAtIndex(i);
    if ((flags & AddFlag.Incr) !== 0) {
      score += cur;
      if (Number.isNaN(score)) return AddResult.NaN;
    }
    if (((flags & AddFlag.LT) !== 0 && score >= cur) || ((flags & AddFlag.GT) !== 0 && score <= cur)) return AddResult.Nop;
    addedScore = score;
    if (score === cur) return AddResult.Unchanged;
    set.updateAt(i, score);
    return AddResult.Updated;
  }
  if ((flags & AddFlag.XX) !== 0) return AddResult.Nop;
  set.insertNew(argv.str(mi), score);
  addedScore = score;
  return AddResult.Added;
}

/** Remove member argv[i]; returns whether it was there. The caller deletes an emptied key. */
export function deleteMemberArg(db: Database, id: number, argv: Argv, i: number): boolean {
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    const e = packedFind(b, lp, argv.bufs[i], argv.starts[i], argv.ends[i]);
    if (e === -1) return false;
    const len = lpDelete(b, lp, e, 2);
    db.replacePacked(id, lpScratch.buf, 0, len);
    return true;
  }
  return db.object<SortedSet>(id).deleteBytes(argv.bufs[i], argv.starts[i], argv.ends[i]);
}

/** Set by rankOfArg: the member's score. */
export let rankScore = 0;

/** 0-based rank of member argv[i] (from the top with `reverse`), or -1; sets rankScore. */
export function rankOfArg(db: Database, id: number, argv: Argv, i: number, reverse: boolean): number {
  const length = zsetLength(db, id);
  let rank: number;
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    const e = packedFind(b, lp, argv.bufs[i], argv.starts[i], argv.ends[i]);
    if (e === -1) return -1;
    rank = 0;
    for (let p = lpFirst(b, lp); p !== e; p = lpNext(b, lpNext(b, p))) rank++;
    rankScore = lpToNumber(b, lpNext(b, e));
  } else {
    const set = db.object<SortedSet>(id);
    const member = argv.str(i);
    const score = set.score(member);
    if (score === undefined) return -1;
    rank = set.rank(member);
    rankScore = score;
  }
  return reverse ? length - 1 - rank : rank;
}

// ---------------------------------------------------------------------------------------------
// Walking in order
// ---------------------------------------------------------------------------------------------

/**
 * A position in a zset of either encoding, walked in score order, that knows its rank. Valid
 * until the value is written; for a listpack, until anything in the store is written.
 */
export class ZCursor {
  valid = false;
  rank = 0;
  // Listpack form: the image and the entries of the current pair.
  private b: Uint8Array = EMPTY_LISTPACK;
  private lp = 0;
  private e = -1;
  private q = -1;
  // Table form.
  private t: SortedSetCursor | null = null;

  /** Position on the pair of rank `rank` whose member entry is `e` (-1: invalid). */
  onPacked(b: Uint8Array, lp: number, e: number, rank: number): this {
    this.t = null;
    this.b = b;
    this.lp = lp;
    this.e = e;
    this.rank = rank;
    this.valid = e !== -1;
    this.q = e === -1 ? -1 : lpNext(b, e);
    return this;
  }

  /** Position on the element of rank `rank` of a table (invalid when out of range). */
  onTable(set: SortedSet, rank: number): this {
    this.t = set.cursorAt(rank);
    this.rank = rank;
    this.valid = this.t.valid;
    return this;
  }

  invalidate(): this {
    this.valid = false;
    this.t = null;
    this.e = -1;
    return this;
  }

  get score(): number {
    return this.t !== null ? this.t.score : lpToNumber(this.b, this.q);
  }

  get member(): string {
    return this.t !== null ? this.t.member : lpString(this.b, this.e);
  }

  /** Reply with the member as a bulk string. */
  writeMember(r: ReplyWriter): void {
    if (this.t !== null) r.bulk(this.t.member);
    else lpWriteBulk(r, this.b, this.e);
  }

  /** Reply with the score as it is stored (ZSCAN's listpack form writes the entry's text). */
  writeStoredScore(r: ReplyWriter): void {
    if (this.t !== null) r.bulk(formatDouble(this.t.score));
    else lpWriteBulk(r, this.b, this.q);
  }

  next(): boolean {
    this.rank++;
    if (this.t !== null) return (this.valid = this.t.next());
    return this.onPacked(this.b, this.lp, lpNext(this.b, this.q), this.rank).valid;
  }

  prev(): boolean {
    this.rank--;
    if (this.t !== null) return (this.valid = this.t.prev());
    const q = lpPrev(this.b, this.lp, this.e);
    return this.onPacked(this.b, this.lp, q === -1 ? -1 : lpPrev(this.b, this.lp, q), this.rank).valid;
  }

  /** Step `n` times forward (or back with `reverse`); false when it runs off the end. */
  skip(n: number, reverse: boolean): boolean {
    while (n-- > 0 && this.valid) {
      if (reverse) this.prev();
      else this.next();
    }
    return this.valid;
  }
}

/** A cursor on the element of rank `rank` (invalid when out of range). */
export function cursorAtRank(db: Database, id: number, rank: number, cursor: ZCursor = new ZCursor()): ZCursor {
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    return cursor.onPacked(b, lp, rank < 0 ? -1 : lpSeek(b, lp, 2 * rank), rank);
  }
  return cursor.onTable(db.object<SortedSet>(id), rank);
}

/** zslFirstInRange / zzlFirstInRange: the first element in `r`. */
export function firstInScoreRange(db: Database, id: number, r: ScoreRange, cursor: ZCursor = new ZCursor()): ZCursor {
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    cursor.invalidate();
    if (!packedInScoreRange(b, lp, r)) return cursor;
    let rank = 0;
    for (let e = lpFirst(b, lp); e !== -1; rank++) {
      const q = lpNext(b, e);
      const s = lpToNumber(b, q);
      if (scoreGteMin(s, r)) return scoreLteMax(s, r) ? cursor.onPacked(b, lp, e, rank) : cursor;
      e = lpNext(b, q);
    }
    return cursor;
  }
  const set = db.object<SortedSet>(id);
  if (scoreRangeEmpty(r)) return cursor.invalidate();
  cursor.onTable(set, set.countScoreBelow(r.min, r.minex));
  if (cursor.valid && !scoreLteMax(cursor.score, r)) cursor.invalidate();
  return cursor;
}

/** zslLastInRange / zzlLastInRange: the last element in `r`. */
export function lastInScoreRange(db: Database, id: number, r: ScoreRange, cursor: ZCursor = new ZCursor()): ZCursor {
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    cursor.invalidate();
    if (!packedInScoreRange(b, lp, r)) return cursor;
    let rank = (lpCount(b, lp) >>> 1) - 1;
    for (let q = lpLast(b, lp); q !== -1; rank--) {
      const e = lpPrev(b, lp, q);
      const s = lpToNumber(b, q);
      if (scoreLteMax(s, r)) return scoreGteMin(s, r) ? cursor.onPacked(b, lp, e, rank) : cursor;
      q = lpPrev(b, lp, e);
    }
    return cursor;
  }
  const set = db.object<SortedSet>(id);
  if (scoreRangeEmpty(r)) return cursor.invalidate();
  cursor.onTable(set, set.countScoreBelow(r.max, !r.maxex) - 1);
  if (cursor.valid && !scoreGteMin(cursor.score, r)) cursor.invalidate();
  return cursor;
}

/** zzlIsInRange: the range is not empty, the last score is >= min, the first <= max. */
function packedInScoreRange(b: Uint8Array, lp: number, r: ScoreRange): boolean {
  if (scoreRangeEmpty(r)) return false;
  const last = lpLast(b, lp);
  if (last === -1 || !scoreGteMin(lpToNumber(b, last), r)) return false;
  return scoreLteMax(lpToNumber(b, lpNext(b, lpFirst(b, lp))), r);
}

/** zslFirstInLexRange / zzlFirstInLexRange. */
export function firstInLexRange(db: Database, id: number, r: LexRange, cursor: ZCursor = new ZCursor()): ZCursor {
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    cursor.invalidate();
    if (!packedInLexRange(b, lp, r)) return cursor;
    let rank = 0;
    for (let e = lpFirst(b, lp); e !== -1; e = lpNext(b, lpNext(b, e)), rank++) {
      const m = lpString(b, e);
      if (lexGteMin(m, r)) return lexLteMax(m, r) ? cursor.onPacked(b, lp, e, rank) : cursor;
    }
    return cursor;
  }
  const set = db.object<SortedSet>(id);
  if (!tableInLexRange(set, r)) return cursor.invalidate();
  cursor.onTable(set, lexRank(set, r.minKind, r.min, r.minex));
  if (cursor.valid && !lexLteMax(cursor.member, r)) cursor.invalidate();
  return cursor;
}

/** zslLastInLexRange / zzlLastInLexRange. */
export function lastInLexRange(db: Database, id: number, r: LexRange, cursor: ZCursor = new ZCursor()): ZCursor {
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    cursor.invalidate();
    if (!packedInLexRange(b, lp, r)) return cursor;
    let rank = (lpCount(b, lp) >>> 1) - 1;
    for (let e = lpPrev(b, lp, lpLast(b, lp)); e !== -1; rank--) {
      const m = lpString(b, e);
      if (lexLteMax(m, r)) return lexGteMin(m, r) ? cursor.onPacked(b, lp, e, rank) : cursor;
      const q = lpPrev(b, lp, e);
      e = q === -1 ? -1 : lpPrev(b, lp, q);
    }
    return cursor;
  }
  const set = db.object<SortedSet>(id);
  if (!tableInLexRange(set, r)) return cursor.invalidate();
  cursor.onTable(set, lexRank(set, r.maxKind, r.max, !r.maxex) - 1);
  if (cursor.valid && !lexGteMin(cursor.member, r)) cursor.invalidate();
  return cursor;
}

/** zzlIsInLexRange: the range is not empty, the last member is >= min, the first <= max. */
function packedInLexRange(b: Uint8Array, lp: number, r: LexRange): boolean {
  if (lexRangeEmpty(r)) return false;
  const last = lpLast(b, lp);
  if (last === -1 || !lexGteMin(lpString(b, lpPrev(b, lp, last)), r)) return false;
  return lexLteMax(lpString(b, lpFirst(b, lp)), r);
}

function tableInLexRange(set: SortedSet, r: LexRange): boolean {
  if (lexRangeEmpty(r) || set.size === 0) return false;
  return lexGteMin(set.memberAt(set.size - 1), r) && lexLteMax(set.memberAt(0), r);
}

/** Members strictly below the bound (`inclusive`: at or below), in a table. */
function lexRank(set: SortedSet, kind: LexBound, bound: string, inclusive: boolean): number {
  if (kind === LexBound.Minus) return 0;
  if (kind === LexBound.Plus) return set.size;
  return set.countMemberBelow(bound, inclusive);
}

/** ZCOUNT. */
export function countInScoreRange(db: Database, id: number, r: ScoreRange): number {
  if (db.isPacked(id)) {
    const c = firstInScoreRange(db, id, r);
    let n = 0;
    while (c.valid && scoreLteMax(c.score, r)) {
      n++;
      c.next();
    }
    return n;
  }
  const set = db.object<SortedSet>(id);
  if (scoreRangeEmpty(r)) return 0;
  return Math.max(0, set.countScoreBelow(r.max, !r.maxex) - set.countScoreBelow(r.min, r.minex));
}

/** ZLEXCOUNT. */
export function countInLexRange(db: Database, id: number, r: LexRange): number {
  if (db.isPacked(id)) {
    const c = firstInLexRange(db, id, r);
    let n = 0;
    while (c.valid && lexLteMax(c.member, r)) {
      n++;
      c.next();
    }
    return n;
  }
  const set = db.object<SortedSet>(id);
  if (!tableInLexRange(set, r)) return 0;
  return Math.max(0, lexRank(set, r.maxKind, r.max, !r.maxex) - lexRank(set, r.minKind, r.min, r.minex));
}

/** Is the cursor's member still inside `r` when walking forward (or backward with `reverse`)? */
export function inLexRange(c: ZCursor, r: LexRange, reverse: boolean): boolean {
  return reverse ? lexGteMin(c.member, r) : lexLteMax(c.member, r);
}

// ---------------------------------------------------------------------------------------------
// Removing ranges
// ---------------------------------------------------------------------------------------------

/** Remove ranks [start, end] (valid, inclusive). Returns the number removed. */
export function deleteRankRange(db: Database, id: number, start: number, end: number): number {
  const n = end - start + 1;
  if (n <= 0) return 0;
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    const len = lpDelete(b, lp, lpSeek(b, lp, 2 * start), 2 * n);
    db.replacePacked(id, lpScratch.buf, 0, len);
    return n;
  }
  db.object<SortedSet>(id).deleteRange(start, n);
  return n;
}

/** ZREMRANGEBYSCORE: remove what lies in `r`. Returns the number removed. */
export function deleteScoreRange(db: Database, id: number, r: ScoreRange): number {
  if (db.isPacked(id)) {
    const c = firstInScoreRange(db, id, r);
    if (!c.valid) return 0;
    const start = c.rank;
    let n = 0;
    while (c.valid && scoreLteMax(c.score, r)) {
      n++;
      c.next();
    }
    return deleteRankRange(db, id, start, start + n - 1);
  }
  const set = db.object<SortedSet>(id);
  if (scoreRangeEmpty(r)) return 0;
  const start = set.countScoreBelow(r.min, r.minex);
  const n = set.countScoreBelow(r.max, !r.maxex) - start;
  if (n <= 0) return 0;
  set.deleteRange(start, n);
  return n;
}

/** ZREMRANGEBYLEX: remove from the first member in `r` while members stay <= max. */
export function deleteLexRange(db: Database, id: number, r: LexRange): number {
  const c = firstInLexRange(db, id, r);
  if (!c.valid) return 0;
  const start = c.rank;
  let n = 0;
  while (c.valid && lexLteMax(c.member, r)) {
    n++;
    c.next();
  }
  return deleteRankRange(db, id, start, start + n - 1);
}

// ---------------------------------------------------------------------------------------------
// Whole-set access
// ---------------------------------------------------------------------------------------------

/** Every member and score in order, into the arrays; returns the count. */
export function readAll(db: Database, id: number, members: string[], scores: number[]): number {
  if (db.isPacked(id)) return packedPairs(db.packedBuffer(id), db.packedOffset(id), members, scores);
  const set = db.object<SortedSet>(id);
  const c = set.cursorAt(0);
  let n = 0;
  if (c.valid) {
    do {
      members[n] = c.member;
      scores[n] = c.score;
      n++;
    } while (c.next());
  }
  return n;
}

/** The OBJECT ENCODING of a zset entry. */
export function zsetEncoding(db: Database, id: number): string {
  return db.isPacked(id) ? 'listpack' : 'skiplist';
}
