/**
 * Stream IDs: two unsigned 64-bit numbers, `<ms>-<seq>`, as Redis's streamID.
 *
 * Each part is a U64: a number while it is at most 2^53 - 1 and a bigint beyond, always in that
 * canonical form, so `===` compares equal values and `<` orders any two (JavaScript compares a
 * number with a bigint exactly). Real IDs are millisecond clocks with small sequences and stay
 * numbers; the bigint path only serves explicit IDs near 2^64.
 */

export type U64 = number | bigint;

export interface StreamID {
  readonly ms: U64;
  readonly seq: U64;
}

export const U64_MAX = 18446744073709551615n;
const TWO_64 = 1n << 64n;

export const ZERO_ID: StreamID = { ms: 0, seq: 0 };
export const MAX_ID: StreamID = { ms: U64_MAX, seq: U64_MAX };

/** `v` (any integer within 0..2^64-1) in canonical form. */
export function u64(v: bigint): U64 {
  return v <= 9007199254740991n ? Number(v) : v;
}

export function compareIds(a: StreamID, b: StreamID): number {
  if (a.ms !== b.ms) return a.ms > b.ms ? 1 : -1;
  if (a.seq !== b.seq) return a.seq > b.seq ? 1 : -1;
  return 0;
}

export function idIsZero(id: StreamID): boolean {
  return id.ms === 0 && id.seq === 0;
}

export function idIsMax(id: StreamID): boolean {
  return id.ms === U64_MAX && id.seq === U64_MAX;
}

export function formatId(id: StreamID): string {
  return `${id.ms}-${id.seq}`;
}

function plusOne(v: U64): U64 {
  return typeof v === 'number' && v < Number.MAX_SAFE_INTEGER ? v + 1 : u64(BigInt(v) + 1n);
}

function minusOne(v: U64): U64 {
  return typeof v === 'number' ? v - 1 : u64(v - 1n);
}

/** streamIncrID: the next ID, or null past the last possible one. */
export function nextId(id: StreamID): StreamID | null {
  if (id.seq !== U64_MAX) return { ms: id.ms, seq: plusOne(id.seq) };
  if (id.ms === U64_MAX) return null;
  return { ms: plusOne(id.ms), seq: 0 };
}

/** streamDecrID: the previous ID, or null before 0-0. */
export function previousId(id: StreamID): StreamID | null {
  if (id.seq !== 0) return { ms: id.ms, seq: minusOne(id.seq) };
  if (id.ms === 0) return null;
  return { ms: minusOne(id.ms), seq: U64_MAX };
}

/** `a - b` as Redis computes an ID delta: uint64 subtraction read as int64. */
export function deltaOf(a: U64, b: U64): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const d = BigInt.asIntN(64, BigInt(a) - BigInt(b));
  return d >= -9007199254740991n && d <= 9007199254740991n ? Number(d) : d;
}

/** `base + delta` modulo 2^64: an ID part decoded from a node's delta. */
export function addDelta(base: U64, delta: number | bigint): U64 {
  if (typeof base === 'number' && typeof delta === 'number') {
    const v = base + delta;
    if (v >= 0 && v <= Number.MAX_SAFE_INTEGER) return v;
  }
  return u64(BigInt.asUintN(64, BigInt(base) + BigInt(delta)));
}

const SPACE = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/**
 * Redis's string2ull over b[start, end): string2ll first (negatives refused), then strtoull's
 * rules (leading spaces, a sign, a negative wrapping around 2^64, overflow refused).
 */
export function parseU64(b: Uint8Array, start: number, end: number): U64 | null {
  let i = start;
  // string2ll's strict form: no spaces, no '+', no leading zeros, "-0" refused.
  const strict = strictInt(b, start, end);
  if (strict !== null) return strict < 0n ? null : u64(strict);
  while (i < end && SPACE(b[i])) i++;
  let negative = false;
  if (i < end && (b[i] === 0x2b || b[i] === 0x2d)) negative = b[i++] === 0x2d;
  if (i === end || start === end) return null;
  let v = 0n;
  let small = 0;
  let digits = 0;
  for (; i < end; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 9) return null;
    if (digits < 15) small = small * 10 + d;
    else {
      if (digits === 15) v = BigInt(small);
      v = v * 10n + BigInt(d);
      if (v >= TWO_64) return null; // ERANGE
    }
    digits++;
  }
  if (digits <= 15) v = BigInt(small);
  if (negative) v = (TWO_64 - v) % TWO_64;
  return u64(v);
}

/** string2ll: an optional '-', no leading zeros, within int64; null otherwise. */
function strictInt(b: Uint8Array, start: number, end: number): bigint | null {
  const len = end - start;
  if (len === 0 || len > 20) return null;
  if (len === 1 && b[start] === 0x30) return 0n;
  let i = start;
  const negative = b[i] === 0x2d;
  if (negative) i++;
  if (i === end || b[i] < 0x31 || b[i] > 0x39) return null;
  let v = 0n;
  for (; i < end; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 9) return null;
    v = v * 10n + BigInt(d);
  }
  if (negative) v = -v;
  if (v > 9223372036854775807n || v < -9223372036854775808n) return null;
  return v;
}

/** Small-ID fast path of parseU64 for plain decimal digits (the common case). */
function plainDigits(b: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len === 0 || len > 15 || (len > 1 && b[start] === 0x30)) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

export const enum IdParse {
  /** "-" and "+" are IDs (range bounds). */
  Loose = 0,
  /** "-" and "+" are refused (XADD, XDEL, XREAD...). */
  Strict = 1,
}

/** Whether the last parseStreamId saw `<ms>-*` (XADD only). */
export let seqGiven = true;

/**
 * streamGenericParseIDOrReply over b[start, end): `<ms>` (seq = `missingSeq`), `<ms>-<seq>`,
 * "-"/"+" unless Strict, and `<ms>-*` when `allowAutoSeq`. Null for an invalid ID.
 */
export function parseStreamId(
  b: Uint8Array,
  start: number,
  end: number,
  missingSeq: U64,
  mode: IdParse,
  allowAutoSeq = false,
): StreamID | null {
  seqGiven = true;
  if (end - start > 127) return null;
  // The C code works on a NUL-terminated copy: an embedded NUL ends the string.
  const nul = b.indexOf(0, start);
  if (nul !== -1 && nul < end) end = nul;
  if (end - start === 1 && (b[start] === 0x2d || b[start] === 0x2b)) {
    if (mode === IdParse.Strict) return null;
    return b[start] === 0x2d ? ZERO_ID : MAX_ID;
  }
  let dash = -1;
  for (let i = start; i < end; i++) {
    if (b[i] === 0x2d) {
      dash = i;
      break;
    }
  }
  const msEnd = dash === -1 ? end : dash;
  const fastMs = plainDigits(b, start, msEnd);
  const ms = fastMs >= 0 ? fastMs : parseU64(b, start, msEnd);
  if (ms === null) return null;
  if (dash === -1) return { ms, seq: missingSeq };
  if (allowAutoSeq && end - dash === 2 && b[dash + 1] === 0x2a) {
    seqGiven = false;
    return { ms, seq: 0 };
  }
  const fastSeq = plainDigits(b, dash + 1, end);
  const seq = fastSeq >= 0 ? fastSeq : parseU64(b, dash + 1, end);
  if (seq === null) return null;
  return { ms, seq };
}
