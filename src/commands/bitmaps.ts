/**
 * Bitmaps and bitfields, as Redis 7.2's bitops.c: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
 * BITFIELD and BITFIELD_RO.
 *
 * A bitmap is an ordinary string value: bit 0 is the most significant bit of the first byte.
 * Reads look at the value's bytes where they lie in the slab heap; writes grow the value with
 * zeros (db.resizeString, sdsgrowzero) and change bytes in place, so GET, APPEND and SETRANGE
 * see the same bytes. Counting is types/popcount.ts.
 */

import type { Argv } from '../protocol/argv.js';
import type { Client } from '../server/client.js';
import { Notify } from '../server/keyspace-events.js';
import { Lookup, type Database } from '../store/database.js';
import { EntryFlag, ValueType } from '../store/entries.js';
import { argInt64, INT64_MAX, parseInt64 } from './args.js';
import { NOT_INTEGER, SYNTAX, WRONGTYPE } from './errors.js';
import { lookupString } from './strings.js';
import { BYTE_BITS, popcount } from '../types/popcount.js';
import type { CommandEntry } from './types.js';

const BIT_OFFSET_ERROR = 'ERR bit offset is not an integer or out of range';
const BIT_VALUE_ERROR = 'ERR bit is not an integer or out of range';
const BITFIELD_TYPE_ERROR = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';
const EMPTY = new Uint8Array(0);

// ---------------------------------------------------------------------------------------------
// Reading and growing the value
// ---------------------------------------------------------------------------------------------

/** getBitOffsetFromArgument: argv[i] as a bit offset (`#n` times `bits` when `bits` > 0), or null after replying. */
function bitOffsetArg(c: Client, argv: Argv, i: number, bits: number): number | null {
  const b = argv.bufs[i];
  let start = argv.starts[i];
  const hash = bits > 0 && argv.ends[i] > start && b[start] === 0x23; // '#'
  if (hash) start++;
  const v = parseOffset(b, start, argv.ends[i]);
  if (v === null) {
    c.reply.error(BIT_OFFSET_ERROR);
    return null;
  }
  const offset = hash ? v * bits : v;
  // Past proto-max-bulk-len bytes (512 MB) is out of range, as in Redis.
  if (offset < 0 || Math.floor(offset / 8) >= c.engine.config.getNumber('proto-max-bulk-len')) {
    c.reply.error(BIT_OFFSET_ERROR);
    return null;
  }
  return offset;
}

/** string2ll for offsets: exact up to 2^53; larger values are out of range anyway. */
function parseOffset(b: Uint8Array, start: number, end: number): number | null {
  const v = parseInt64(b, start, end);
  if (v === null) return null;
  return typeof v === 'bigint' ? (v < 0n ? -1 : Number.MAX_SAFE_INTEGER) : v;
}

/** The bytes of string entry `id` (empty for 0): buffer, start, length. */
function stringBytes(db: Database, id: number): [Uint8Array, number, number] {
  if (id === 0) return [EMPTY, 0, 0];
  const n = db.stringLength(id);
  if (n === 0) return [EMPTY, 0, 0];
  return [db.stringBuffer(id), db.stringOffset(id), n];
}

/**
 * lookupStringForBitCommand: the string at argv[1], created or grown with zeros so that bit
 * `maxBit` exists; -1 after WRONGTYPE. `grew` tells whether the value was created or lengthened.
 */
let grew = false;
function stringForBitWrite(c: Client, argv: Argv, maxBit: number): number {
  const db = c.db;
  const bytes = Math.floor(maxBit / 8) + 1;
  let id = lookupString(c, argv, 1, Lookup.Normal);
  if (id < 0) return -1;
  grew = false;
  if (id === 0) {
    id = db.setString(argv.bufs[1], argv.starts[1], argv.ends[1], EMPTY, 0, 0);
    db.resizeString(id, bytes);
    grew = true;
  } else if (db.stringLength(id) < bytes) {
    db.resizeString(id, bytes);
    grew = true;
  }
  // dbUnshareStringValue: a value written in place is a raw string from now on.
  db.setFlags(id, EntryFlag.RawEncoding);
  return id;
}

// ---------------------------------------------------------------------------------------------
// SETBIT, GETBIT
// ---------------------------------------------------------------------------------------------

function setbit(c: Client, argv: Argv): void {
  const offset = bitOffsetArg(c, argv, 2, 0);
  if (offset === null) return;
  const on = argInt64(argv, 3);
  if (on === null || (on !== 0 && on !== 1)) {
    c.reply.error(BIT_VALUE_ERROR);
    return;
  }
  const id = stringForBitWrite(c, argv, offset);
  if (id < 0) return;
  const db = c.db;
  const at = db.stringOffset(id) + Math.floor(offset / 8);
  const buf = db.stringBuffer(id);
  const mask = 1 << (7 - (offset & 7));
  const old = (buf[at] & mask) !== 0 ? 1 : 0;
  if (grew || old !== on) {
    buf[at] = on === 1 ? buf[at] | mask : buf[at] & ~mask;
    c.engine.events.changedArg(db, argv, 1, Notify.String, 'setbit');
    c.engine.dirty++;
  }
  c.reply.integer(old);
}

function getbit(c: Client, argv: Argv): void {
  const offset = bitOffsetArg(c, argv, 2, 0);
  if (offset === null) return;
  const id = lookupString(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  const [b, start, n] = stringBytes(c.db, id);
  const byte = Math.floor(offset / 8);
  c.reply.integer(byte < n && (b[start + byte] & (1 << (7 - (offset & 7)))) !== 0 ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// Counting and searching
// ---------------------------------------------------------------------------------------------

/** A start/end pair as Redis's getLongLongFromObjectOrReply reads them: numbers, clamped beyond 2^53. */
function rangeArg(argv: Argv, i: number): number | null {
  const v = argInt64(argv, i);
  if (v === null) return null;
  return typeof v === 'bigint' ? (v < 0n ? -Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER) : v;
}

/**
 * The start/end/unit arguments of BITCOUNT and BITPOS turned into a byte range and the masks of
 * bits outside it in the edge bytes (Redis's first_byte_neg_mask / last_byte_neg_mask).
 */
interface ByteRange {
  start: number;
  end: number;
  firstMask: number;
  lastMask: number;
}

function toByteRange(start: number, end: number, length: number, isBit: boolean): ByteRange {
  const total = isBit ? length * 8 : length;
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  let firstMask = 0;
  let lastMask = 0;
  if (isBit && start <= end) {
    firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
    lastMask = (1 << (7 - (end & 7))) - 1;
    start = Math.floor(start / 8);
    end = Math.floor(end / 8);
  }
  return { start, end, firstMask, lastMask };
}

/** BIT or BYTE in argv[i]; null after a syntax error. */
function unitArg(c: Client, argv: Argv, i: number): boolean | null {
  if (argv.is(i, 'BIT')) return true;
  if (argv.is(i, 'BYTE')) return false;
  c.reply.error(SYNTAX);
  return null;
}

function bitcount(c: Client, argv: Argv): void {
  const id = lookupString(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  if (id === 0) {
    c.reply.integer(0);
    return;
  }
  const [b, base, length] = stringBytes(c.db, id);
  let range: ByteRange;
  if (argv.count === 4 || argv.count === 5) {
    const start = rangeArg(argv, 2);
    if (start === null) return c.reply.error(NOT_INTEGER);
    const end = rangeArg(argv, 3);
    if (end === null) return c.reply.error(NOT_INTEGER);
    if (start < 0 && end < 0 && start > end) return c.reply.integer(0);
    let isBit = false;
    if (argv.count === 5) {
      const unit = unitArg(c, argv, 4);
      if (unit === null) return;
      isBit = unit;
    }
    range = toByteRange(start, end, length, isBit);
  } else if (argv.count === 2) {
    range = { start: 0, end: length - 1, firstMask: 0, lastMask: 0 };
  } else {
    c.reply.error(SYNTAX);
    return;
  }
  if (range.start > range.end) {
    c.reply.integer(0);
    return;
  }
  let count = popcount(b, base + range.start, base + range.end + 1);
  if (range.firstMask !== 0) count -= BYTE_BITS[b[base + range.start] & range.firstMask];
  if (range.lastMask !== 0) count -= BYTE_BITS[b[base + range.end] & range.lastMask];
  c.reply.integer(count);
}

/**
 * redisBitpos: position of the first bit equal to `bit` in b[start, start + count), counting
 * the bytes past the end as zeros; -1 when looking for a 1 in all zeros.
 */
function bitpos(b: Uint8Array, start: number, count: number, bit: number): number {
  const skip = bit === 1 ? 0 : 0xff;
  let i = 0;
  while (i < count && b[start + i] === skip) i++;
  if (i === count) return bit === 1 ? -1 : count * 8;
  const byte = b[start + i];
  for (let j = 0; j < 8; j++) {
    if (((byte >> (7 - j)) & 1) === bit) return i * 8 + j;
  }
  return -1; // unreachable: the byte differs from `skip`
}

function bitposCommand(c: Client, argv: Argv): void {
  const bitArg = argInt64(argv, 2);
  if (bitArg === null) return c.reply.error(NOT_INTEGER);
  if (bitArg !== 0 && bitArg !== 1) return c.reply.error('ERR The bit argument must be 1 or 0.');
  const bit = bitArg;
  const db = c.db;
  const id = db.findArg(argv, 1, Lookup.Read);
  if (id === 0) return c.reply.integer(bit === 1 ? -1 : 0);
  if (db.type(id) !== ValueType.String) return c.reply.error(WRONGTYPE);
  const [b, base, length] = stringBytes(db, id);
  let range: ByteRange;
  let endGiven = false;
  if (argv.count >= 4 && argv.count <= 6) {
    const start = rangeArg(argv, 3);
    if (start === null) return c.reply.error(NOT_INTEGER);
    let isBit = false;
    if (argv.count === 6) {
      const unit = unitArg(c, argv, 5);
      if (unit === null) return;
      isBit = unit;
    }
    let end: number;
    if (argv.count >= 5) {
      const e = rangeArg(argv, 4);
      if (e === null) return c.reply.error(NOT_INTEGER);
      end = e;
      endGiven = true;
    } else {
      end = isBit ? length * 8 + 7 : length - 1;
    }
    range = toByteRange(start, end, length, isBit);
  } else if (argv.count === 3) {
    range = { start: 0, end: length - 1, firstMask: 0, lastMask: 0 };
  } else {
    return c.reply.error(SYNTAX);
  }
  if (range.start > range.end) return c.reply.integer(-1);
  let start = range.start;
  let bytes = range.end - range.start + 1;
  const { firstMask, lastMask } = range;
  let pos: number;
  const one = new Uint8Array(1);
  found: {
    if (firstMask !== 0) {
      let t = bit === 1 ? b[base + start] & ~firstMask : b[base + start] | firstMask;
      if (lastMask !== 0 && bytes === 1) t = bit === 1 ? t & ~lastMask : t | lastMask;
      one[0] = t & 0xff;
      pos = bitpos(one, 0, 1, bit);
      if (bytes === 1 || (pos !== -1 && pos !== 8)) break found;
      start++;
      bytes--;
    }
    const current = bytes - (lastMask !== 0 ? 1 : 0);
    if (current > 0) {
      pos = bitpos(b, base + start, current, bit);
      if (bytes === current || (pos !== -1 && pos !== current * 8)) break found;
      start += current;
      bytes -= current;
    }
    one[0] = (bit === 1 ? b[base + range.end] & ~lastMask : b[base + range.end] | lastMask) & 0xff;
    pos = bitpos(one, 0, 1, bit);
  }
  // An explicit end: a clear bit past the range is not in it.
  if (endGiven && bit === 0 && pos === bytes * 8) return c.reply.integer(-1);
  c.reply.integer(pos === -1 ? -1 : pos + start * 8);
}

// ---------------------------------------------------------------------------------------------
// BITOP
// ---------------------------------------------------------------------------------------------

const enum BitOp {
  And,
  Or,
  Xor,
  Not,
}

function bitop(c: Client, argv: Argv): void {
  let op: BitOp;
  if (argv.is(1, 'AND')) op = BitOp.And;
  else if (argv.is(1, 'OR')) op = BitOp.Or;
  else if (argv.is(1, 'XOR')) op = BitOp.Xor;
  else if (argv.is(1, 'NOT')) op = BitOp.Not;
  else return c.reply.error(SYNTAX);
  if (op === BitOp.Not && argv.count !== 4) return c.reply.error('ERR BITOP NOT must be called with a single source key.');
  const db = c.db;
  // The sources are read where they lie: nothing is written until the result is complete.
  const sources: [Uint8Array, number, number][] = [];
  let maxLen = 0;
  for (let i = 3; i < argv.count; i++) {
    const id = db.findArg(argv, i, Lookup.Read);
    if (id !== 0 && db.type(id) !== ValueType.String) return c.reply.error(WRONGTYPE);
    const source = stringBytes(db, id);
    sources.push(source);
    maxLen = Math.max(maxLen, source[2]);
  }
  const events = c.engine.events;
  if (maxLen === 0) {
    if (db.deleteKey(argv.bufs[2], argv.starts[2], argv.ends[2])) {
      events.changedArg(db, argv, 2, Notify.Generic, 'del');
      c.engine.dirty++;
    }
    c.reply.integer(0);
    return;
  }
  // A Buffer of its own, so its words are aligned.
  const out = Buffer.allocUnsafeSlow(maxLen);
  const [b0, s0, n0] = sources[0];
  out.set(b0.subarray(s0, s0 + n0), 0);
  out.fill(0, n0);
  if (op === BitOp.Not) {
    combine(out, out, 0, maxLen, BitOp.Not);
  } else {
    for (let k = 1; k < sources.length; k++) {
      const [b, start, n] = sources[k];
      combine(out, b, start, n, op);
      if (op === BitOp.And) out.fill(0, n);
    }
  }
  // setKey: the destination is replaced whatever it held, and loses its TTL.
  // Redis stores the result as a fresh sds: raw encoding, however short.
  const id = db.setString(argv.bufs[2], argv.starts[2], argv.ends[2], out, 0, maxLen);
  db.setFlags(id, EntryFlag.RawEncoding);
  events.changedArg(db, argv, 2, Notify.String, 'set');
  c.engine.dirty++;
  c.reply.integer(maxLen);
}

/** out[0, n) op= b[start, start + n); NOT ignores b and inverts out. Whole words where aligned. */
function combine(out: Buffer, b: Uint8Array, start: number, n: number, op: BitOp): void {
  let j = 0;
  const words = n >> 2;
  if (words > 0 && ((b.byteOffset + start) & 3) === 0 && (out.byteOffset & 3) === 0) {
    const w = new Int32Array(out.buffer, out.byteOffset, words);
    const src = new Int32Array(b.buffer, b.byteOffset + start, words);
    if (op === BitOp.And) for (let k = 0; k < words; k++) w[k] &= src[k];
    else if (op === BitOp.Or) for (let k = 0; k < words; k++) w[k] |= src[k];
    else if (op === BitOp.Xor) for (let k = 0; k < words; k++) w[k] ^= src[k];
    else for (let k = 0; k < words; k++) w[k] = ~w[k];
    j = words << 2;
  }
  if (op === BitOp.And) for (; j < n; j++) out[j] &= b[start + j];
  else if (op === BitOp.Or) for (; j < n; j++) out[j] |= b[start + j];
  else if (op === BitOp.Xor) for (; j < n; j++) out[j] ^= b[start + j];
  else for (; j < n; j++) out[j] = ~out[j] & 0xff;
}

// ---------------------------------------------------------------------------------------------
// BITFIELD
// ---------------------------------------------------------------------------------------------

const enum FieldOp {
  Get,
  Set,
  IncrBy,
}

const enum Overflow {
  Wrap,
  Sat,
  Fail,
}

interface FieldStep {
  op: FieldOp;
  signed: boolean;
  bits: number;
  offset: number;
  value: bigint;
  overflow: Overflow;
}

/** getBitfieldTypeFromArgument: i1..i64 or u1..u63; null after replying. */
function fieldTypeArg(c: Client, argv: Argv, i: number): { signed: boolean; bits: number } | null {
  const b = argv.bufs[i];
  const s = argv.starts[i];
  const e = argv.ends[i];
  const first = e > s ? b[s] : 0;
  if (first !== 0x69 && first !== 0x75) {
    c.reply.error(BITFIELD_TYPE_ERROR);
    return null;
  }
  const signed = first === 0x69;
  const bits = parseInt64(b, s + 1, e);
  if (bits === null || bits < 1 || (signed && bits > 64) || (!signed && bits > 63)) {
    c.reply.error(BITFIELD_TYPE_ERROR);
    return null;
  }
  return { signed, bits: Number(bits) };
}

/** getUnsignedBitfield over b at bit `offset` from `base`, zero past `length`. */
function readField(b: Uint8Array, base: number, length: number, offset: number, bits: number): bigint {
  let v = 0n;
  if (bits <= 32) {
    let n = 0;
    for (let j = 0; j < bits; j++, offset++) {
      const byte = Math.floor(offset / 8);
      const bit = byte < length ? (b[base + byte] >> (7 - (offset & 7))) & 1 : 0;
      n = n * 2 + bit;
    }
    return BigInt(n);
  }
  for (let j = 0; j < bits; j++, offset++) {
    const byte = Math.floor(offset / 8);
    const bit = byte < length ? (b[base + byte] >> (7 - (offset & 7))) & 1 : 0;
    v = (v << 1n) | BigInt(bit);
  }
  return v;
}

function writeField(b: Uint8Array, base: number, offset: number, bits: number, value: bigint): void {
  const u = BigInt.asUintN(64, value);
  for (let j = 0; j < bits; j++, offset++) {
    const bit = Number((u >> BigInt(bits - 1 - j)) & 1n);
    const at = base + Math.floor(offset / 8);
    const mask = 1 << (7 - (offset & 7));
    b[at] = bit === 1 ? b[at] | mask : b[at] & ~mask;
  }
}

function toSigned(u: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, u);
}

const i64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/**
 * checkSignedBitfieldOverflow, with C's 64-bit arithmetic (its `maxincr` and `minincr` wrap, and
 * so decide some out-of-range SETs: SAT of i8 to INT64_MIN gives 127, as in Redis):
 * [overflow (0, 1, -1), the wrapped or saturated value].
 */
function signedOverflow(value: bigint, incr: bigint, bits: number, overflow: Overflow): [number, bigint] {
  const max = bits === 64 ? INT64_MAX_N : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxIncr = i64(max - value);
  const minIncr = i64(min - value);
  let dir = 0;
  if (value > max || (bits !== 64 && incr > maxIncr) || (value >= 0n && incr > 0n && incr > maxIncr)) dir = 1;
  else if (value < min || (bits !== 64 && incr < minIncr) || (value < 0n && incr < 0n && incr < minIncr)) dir = -1;
  if (dir === 0) return [0, value + incr];
  if (overflow === Overflow.Sat) return [dir, dir > 0 ? max : min];
  return [dir, BigInt.asIntN(bits, u64(value + incr))];
}

/** checkUnsignedBitfieldOverflow, likewise; `value` is the uint64 C sees. */
function unsignedOverflow(value: bigint, incr: bigint, bits: number, overflow: Overflow): [number, bigint] {
  const max = (1n << BigInt(bits)) - 1n;
  const maxIncr = i64(max - value);
  const minIncr = i64(-value);
  let dir = 0;
  if (value > max || (incr > 0n && incr > maxIncr)) dir = 1;
  else if (incr < 0n && incr < minIncr) dir = -1;
  if (dir === 0) return [0, value + incr];
  if (overflow === Overflow.Sat) return [dir, dir > 0 ? max : 0n];
  return [dir, BigInt.asUintN(bits, u64(value + incr))];
}

const INT64_MAX_N = BigInt(INT64_MAX);

function bitfieldGeneric(c: Client, argv: Argv, readOnlyCommand: boolean): void {
  const steps: FieldStep[] = [];
  let overflow = Overflow.Wrap;
  let writes = false;
  let highestBit = 0;
  for (let j = 2; j < argv.count; j++) {
    const remaining = argv.count - j - 1;
    let op: FieldOp;
    if (argv.is(j, 'GET') && remaining >= 2) op = FieldOp.Get;
    else if (argv.is(j, 'SET') && remaining >= 3) op = FieldOp.Set;
    else if (argv.is(j, 'INCRBY') && remaining >= 3) op = FieldOp.IncrBy;
    else if (argv.is(j, 'OVERFLOW') && remaining >= 1) {
      j++;
      if (argv.is(j, 'WRAP')) overflow = Overflow.Wrap;
      else if (argv.is(j, 'SAT')) overflow = Overflow.Sat;
      else if (argv.is(j, 'FAIL')) overflow = Overflow.Fail;
      else return c.reply.error('ERR Invalid OVERFLOW type specified');
      continue;
    } else {
      return c.reply.error(SYNTAX);
    }
    const type = fieldTypeArg(c, argv, j + 1);
    if (type === null) return;
    const offset = bitOffsetArg(c, argv, j + 2, type.bits);
    if (offset === null) return;
    let value = 0n;
    if (op !== FieldOp.Get) {
      writes = true;
      highestBit = Math.max(highestBit, offset + type.bits - 1);
      const v = argInt64(argv, j + 3);
      if (v === null) return c.reply.error(NOT_INTEGER);
      value = BigInt(v);
    }
    steps.push({ op, signed: type.signed, bits: type.bits, offset, value, overflow });
    j += op === FieldOp.Get ? 2 : 3;
  }
  const db = c.db;
  let id: number;
  let created = false;
  if (!writes) {
    id = lookupString(c, argv, 1, Lookup.Read);
    if (id < 0) return;
  } else {
    if (readOnlyCommand) return c.reply.error('ERR BITFIELD_RO only supports the GET subcommand');
    id = stringForBitWrite(c, argv, highestBit);
    if (id < 0) return;
    created = grew;
  }
  const r = c.reply;
  r.arrayLen(steps.length);
  let changes = 0;
  for (const step of steps) {
    const [b, base, length] = stringBytes(db, id);
    const raw = readField(b, base, length, step.offset, step.bits);
    const old = step.signed ? toSigned(raw, step.bits) : raw;
    if (step.op === FieldOp.Get) {
      r.bigInteger(old);
      continue;
    }
    const [dir, result] =
      step.op === FieldOp.IncrBy
        ? step.signed
          ? signedOverflow(old, step.value, step.bits, step.overflow)
          : unsignedOverflow(old, step.value, step.bits, step.overflow)
        : step.signed
          ? signedOverflow(step.value, 0n, step.bits, step.overflow)
          : unsignedOverflow(BigInt.asUintN(64, step.value), 0n, step.bits, step.overflow);
    if (dir !== 0 && step.overflow === Overflow.Fail) {
      r.nullBulk();
      continue;
    }
    r.bigInteger(step.op === FieldOp.IncrBy ? result : old);
    writeField(b, base, step.offset, step.bits, result);
    if (created || result !== old) changes++;
  }
  if (changes > 0) {
    c.engine.events.changedArg(db, argv, 1, Notify.String, 'setbit');
    c.engine.dirty += changes;
  }
}

export const bitmapCommands: CommandEntry[] = [
  { name: 'setbit', handler: setbit },
  { name: 'getbit', handler: getbit },
  { name: 'bitcount', handler: bitcount },
  { name: 'bitpos', handler: bitposCommand },
  { name: 'bitop', handler: bitop },
  { name: 'bitfield', handler: (c, argv) => bitfieldGeneric(c, argv, false) },
  { name: 'bitfield_ro', handler: (c, argv) => bitfieldGeneric(c, argv, true) },
];
