/**
 * String commands (Redis's t_string.c): values are bytes in the store's Heap, read and written
 * in place from the client's argument buffers.
 *
 * Integers are Redis's signed 64-bit: plain numbers while they fit in 2^53, BigInt beyond, so
 * INCR stays cheap and is still exact at the edges. INCRBYFLOAT computes in C's long double
 * (see types/long-double.ts) because that is the arithmetic whose digits Redis replies.
 */

import type { Argv } from '../protocol/argv.js';
import type { Client } from '../server/client.js';
import { Lookup, type Database } from '../store/database.js';
import { EntryFlag, ValueType } from '../store/entries.js';
import { Notify } from '../server/keyspace-events.js';
import { LongDouble } from '../types/long-double.js';
import { addInt64, argInt64, INT64_MAX, INT64_MIN, parseInt64 } from './args.js';
import {
  DECREMENT_OVERFLOW,
  invalidExpireTime,
  LCS_LEN_AND_IDX,
  LCS_NOT_STRINGS,
  LCS_TOO_MUCH_MEMORY,
  NAN_OR_INFINITY,
  NOT_FLOAT,
  NOT_INTEGER,
  OFFSET_OUT_OF_RANGE,
  OVERFLOW,
  STRING_TOO_LONG,
  SYNTAX,
  wrongArity,
  WRONGTYPE,
} from './errors.js';
import type { CommandEntry } from './types.js';


const EMPTY = new Uint8Array(0);

// ---------------------------------------------------------------------------------------------
// Shared: the SET/GETEX option parser (parseExtendedStringArgumentsOrReply)
// ---------------------------------------------------------------------------------------------

export const enum SetFlag {
  NX = 1,
  XX = 2,
  GET = 4,
  KEEPTTL = 8,
  PERSIST = 16,
  EX = 32,
  PX = 64,
  EXAT = 128,
  PXAT = 256,
}

const EXPIRE_FLAGS = SetFlag.EX | SetFlag.PX | SetFlag.EXAT | SetFlag.PXAT;

export interface SetOptions {
  flags: number;
  /** argv index of the expire value, or -1. */
  expireIndex: number;
}

/**
 * Parse SET's (isSet) or GETEX's options from argv[from]. Writes the syntax error and returns
 * null on a bad combination, exactly where Redis would. As in Redis, repeating an option is
 * allowed (`EX 10 EX 20`: the last value wins); only different expire forms conflict.
 */
export function parseSetOptions(c: Client, argv: Argv, from: number, isSet: boolean): SetOptions | null {
  let flags = 0;
  let expireIndex = -1;
  for (let j = from; j < argv.count; j++) {
    const hasNext = j < argv.count - 1;
    let word: number;
    if (isSet && argv.is(j, 'NX') && (flags & SetFlag.XX) === 0) flags |= SetFlag.NX;
    else if (isSet && argv.is(j, 'XX') && (flags & SetFlag.NX) === 0) flags |= SetFlag.XX;
    else if (isSet && argv.is(j, 'GET')) flags |= SetFlag.GET;
    else if (isSet && argv.is(j, 'KEEPTTL') && (flags & (SetFlag.PERSIST | EXPIRE_FLAGS)) === 0) flags |= SetFlag.KEEPTTL;
    else if (!isSet && argv.is(j, 'PERSIST') && (flags & (EXPIRE_FLAGS | SetFlag.KEEPTTL)) === 0) flags |= SetFlag.PERSIST;
    else if (
      hasNext &&
      (word = expireWord(argv, j)) !== 0 &&
      (flags & (SetFlag.KEEPTTL | SetFlag.PERSIST | (EXPIRE_FLAGS & ~word))) === 0
    ) {
      flags |= word;
      expireIndex = ++j;
    } else {
      c.reply.error(SYNTAX);
      return null;
    }
  }
  return { flags, expireIndex };
}

function expireWord(argv: Argv, j: number): number {
  if (argv.is(j, 'EX')) return SetFlag.EX;
  if (argv.is(j, 'PX')) return SetFlag.PX;
  if (argv.is(j, 'EXAT')) return SetFlag.EXAT;
  if (argv.is(j, 'PXAT')) return SetFlag.PXAT;
  return 0;
}

/**
 * The absolute deadline (ms) for an EX/PX/EXAT/PXAT value in argv[i], or null after replying
 * the error (getExpireMillisecondsOrReply). Deadlines past 2^53 are exact bigints.
 */
export function expireDeadline(c: Client, argv: Argv, i: number, unitFlag: number, command: string): number | bigint | null {
  const v = argInt64(argv, i);
  if (v === null) {
    c.reply.error(NOT_INTEGER);
    return null;
  }
  const seconds = unitFlag === SetFlag.EX || unitFlag === SetFlag.EXAT;
  const relative = unitFlag === SetFlag.EX || unitFlag === SetFlag.PX;
  if (typeof v === 'number' && v > 0 && v < 9e12) {
    // The common case stays in doubles: exact well past any real deadline.
    const ms = seconds ? v * 1000 : v;
    return relative ? ms + c.engine.store.now() : ms;
  }
  let ms = BigInt(v);
  if (ms <= 0n || (seconds && ms > INT64_MAX / 1000n)) {
    c.reply.error(invalidExpireTime(command));
    return null;
  }
  if (seconds) ms *= 1000n;
  if (relative) ms += BigInt(c.engine.store.now());
  // Redis adds in int64 and refuses a wrapped (negative) result.
  if (ms > INT64_MAX) {
    c.reply.error(invalidExpireTime(command));
    return null;
  }
  return ms <= 9007199254740991n ? Number(ms) : ms;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/**
 * The string entry for the key in argv[i]: its id, 0 when the key is missing, or -1 after
 * replying WRONGTYPE (Redis's lookupKey*OrReply + checkType).
 */
export function lookupString(c: Client, argv: Argv, i: number, flags: Lookup): number {
  const db = c.db;
  const id = db.findArg(argv, i, flags);
  if (id !== 0 && db.type(id) !== ValueType.String) {
    c.reply.error(WRONGTYPE);
    return -1;
  }
  return id;
}

/** Reply with the bytes of string entry `id`. */
function replyString(c: Client, db: Database, id: number): void {
  const n = db.stringLength(id);
  if (n === 0) {
    c.reply.bulkBytes(EMPTY, 0, 0);
    return;
  }
  const off = db.stringOffset(id);
  c.reply.bulkBytes(db.stringBuffer(id), off, off + n);
}

/**
 * getGenericCommand: reply the string at argv[keyIndex] or null. Returns the entry (0 when
 * missing), or -1 after WRONGTYPE.
 */
function replyValue(c: Client, argv: Argv, keyIndex: number): number {
  const id = lookupString(c, argv, keyIndex, Lookup.Read);
  if (id === 0) c.reply.nullBulk();
  else if (id > 0) replyString(c, c.db, id);
  return id;
}

/** The stored string of entry `id` as an int64, or null if Redis would refuse it (string2ll). */
function storedInt64(db: Database, id: number): number | bigint | null {
  const n = db.stringLength(id);
  if (n === 0) return null;
  const off = db.stringOffset(id);
  return parseInt64(db.stringBuffer(id), off, off + n);
}

/** Room for any int64 in decimal. */
const digitScratch = Buffer.alloc(24);

/** Write an int64's decimal digits into digitScratch; returns their count. */
function int64Digits(v: number | bigint): number {
  if (typeof v === 'bigint') {
    const text = v.toString();
    return digitScratch.latin1Write(text, 0, text.length);
  }
  let n = v;
  let p = 0;
  if (n < 0) {
    digitScratch[p++] = 0x2d;
    n = -n;
  }
  let digits = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
  const end = p + digits;
  for (let q = end; q > p; ) {
    const next = Math.floor(n / 10);
    digitScratch[--q] = 0x30 + (n - next * 10);
    n = next;
  }
  return end;
}

/** Store a new string value for the key in argv[keyIndex] (entry `id`, or 0 to create it), keeping any TTL. */
function storeBytes(db: Database, argv: Argv, keyIndex: number, id: number, v: Uint8Array, vs: number, ve: number): number {
  if (id !== 0) {
    db.replaceString(id, v, vs, ve);
    return id;
  }
  return db.setString(argv.bufs[keyIndex], argv.starts[keyIndex], argv.ends[keyIndex], v, vs, ve);
}

function copyBytes(dst: Uint8Array, at: number, src: Uint8Array, start: number, end: number): void {
  if (end - start < 64) {
    for (let i = start; i < end; i++) dst[at++] = src[i];
  } else {
    dst.set(src.subarray(start, end), at);
  }
}

/** checkStringLength: would a string of `size + append` bytes break proto-max-bulk-len? */
function exceedsMaxBulk(c: Client, size: number | bigint, append: number): boolean {
  const max = c.engine.config.getNumber('proto-max-bulk-len');
  if (typeof size === 'bigint') return BigInt(append) + size > BigInt(max);
  return size + append > max;
}

// ---------------------------------------------------------------------------------------------
// GET, SET and their variants
// ---------------------------------------------------------------------------------------------

function get(c: Client, argv: Argv): void {
  replyValue(c, argv, 1);
}

function set(c: Client, argv: Argv): void {
  const opts = parseSetOptions(c, argv, 3, true);
  if (opts === null) return;
  const flags = opts.flags;
  let deadline: number | bigint = 0;
  if (opts.expireIndex >= 0) {
    const d = expireDeadline(c, argv, opts.expireIndex, flags & EXPIRE_FLAGS, 'set');
    if (d === null) return;
    deadline = d;
  }
  if ((flags & SetFlag.GET) !== 0 && replyValue(c, argv, 1) < 0) return;
  const db = c.db;
  if ((flags & (SetFlag.NX | SetFlag.XX)) !== 0) {
    const found = db.findArg(argv, 1, Lookup.NoTouch) !== 0;
    if (((flags & SetFlag.NX) !== 0 && found) || ((flags & SetFlag.XX) !== 0 && !found)) {
      if ((flags & SetFlag.GET) === 0) c.reply.nullBulk();
      return;
    }
  }
  // With a new deadline coming, keep the old TTL slot to update it rather than drop and re-add.
  const id = db.setStringArg(argv, 1, 2, (flags & SetFlag.KEEPTTL) !== 0 || opts.expireIndex >= 0);
  const events = c.engine.events;
  events.changedArg(db, argv, 1, Notify.String, 'set');
  c.engine.dirty++;
  if (opts.expireIndex >= 0) {
    db.setExpire(id, deadline);
    events.notifyArg(Notify.Generic, 'expire', db, argv, 1);
    // A relative time replays as the deadline it gave (Redis propagates SET ... PXAT).
    if ((flags & SetFlag.PXAT) === 0) propagateSetPxat(c, argv, 2, deadline);
  }
  if ((flags & SetFlag.GET) === 0) c.reply.ok();
}

function propagateSetPxat(c: Client, argv: Argv, valueIndex: number, deadline: number | bigint): void {
  const propagation = c.engine.propagation;
  if (propagation.active) propagation.replaceWith(['SET', argv.buffer(1), argv.buffer(valueIndex), 'PXAT', String(deadline)]);
}

function setnx(c: Client, argv: Argv): void {
  const db = c.db;
  // No type check: any existing key, string or not, makes SETNX a no-op.
  if (db.findArg(argv, 1) !== 0) {
    c.reply.integer(0);
    return;
  }
  db.setStringArg(argv, 1, 2);
  c.engine.events.changedArg(db, argv, 1, Notify.String, 'set');
  c.engine.dirty++;
  c.reply.integer(1);
}

/** SETEX / PSETEX key time value. */
function setWithExpire(c: Client, argv: Argv, unitFlag: number, command: string): void {
  const deadline = expireDeadline(c, argv, 2, unitFlag, command);
  if (deadline === null) return;
  const db = c.db;
  db.setExpire(db.setStringArg(argv, 1, 3, true), deadline);
  const events = c.engine.events;
  events.changedArg(db, argv, 1, Notify.String, 'set');
  events.notifyArg(Notify.Generic, 'expire', db, argv, 1);
  c.engine.dirty++;
  propagateSetPxat(c, argv, 3, deadline);
  c.reply.ok();
}

function setex(c: Client, argv: Argv): void {
  setWithExpire(c, argv, SetFlag.EX, 'setex');
}

function psetex(c: Client, argv: Argv): void {
  setWithExpire(c, argv, SetFlag.PX, 'psetex');
}

function getex(c: Client, argv: Argv): void {
  const opts = parseSetOptions(c, argv, 2, false);
  if (opts === null) return;
  const id = lookupString(c, argv, 1, Lookup.Read);
  if (id <= 0) {
    if (id === 0) c.reply.nullBulk();
    return;
  }
  // Redis validates the expire only once it knows the key is a string.
  const flags = opts.flags;
  let deadline: number | bigint = 0;
  if (opts.expireIndex >= 0) {
    const d = expireDeadline(c, argv, opts.expireIndex, flags & EXPIRE_FLAGS, 'getex');
    if (d === null) return;
    deadline = d;
  }
  const db = c.db;
  replyString(c, db, id);
  if ((flags & (SetFlag.EXAT | SetFlag.PXAT)) !== 0 && deadline <= c.engine.store.now()) {
    // An absolute deadline already past deletes the key, after its value was replied.
    db.delete(id);
    c.engine.events.changedArg(db, argv, 1, Notify.Generic, 'del');
    c.engine.dirty++;
    c.engine.propagation.replaceWith(['DEL', argv.buffer(1)]);
  } else if (opts.expireIndex >= 0) {
    db.setExpire(id, deadline);
    c.engine.events.changedArg(db, argv, 1, Notify.Generic, 'expire');
    c.engine.dirty++;
    c.engine.propagation.replaceWith(['PEXPIREAT', argv.buffer(1), String(deadline)]);
  } else if ((flags & SetFlag.PERSIST) !== 0 && db.removeExpire(id)) {
    c.engine.events.changedArg(db, argv, 1, Notify.Generic, 'persist');
    c.engine.dirty++;
  }
}

function getdel(c: Client, argv: Argv): void {
  const id = replyValue(c, argv, 1);
  if (id <= 0) return;
  c.db.delete(id);
  c.engine.events.changedArg(c.db, argv, 1, Notify.Generic, 'del');
  c.engine.dirty++;
}

function getset(c: Client, argv: Argv): void {
  if (replyValue(c, argv, 1) < 0) return;
  c.db.setStringArg(argv, 1, 2);
  c.engine.events.changedArg(c.db, argv, 1, Notify.String, 'set');
  c.engine.dirty++;
}

// ---------------------------------------------------------------------------------------------
// MGET, MSET, MSETNX
// ---------------------------------------------------------------------------------------------

function mget(c: Client, argv: Argv): void {
  const db = c.db;
  db.warmArgs(argv, 1, 1);
  c.reply.arrayLen(argv.count - 1);
  for (let j = 1; j < argv.count; j++) {
    const id = db.findArg(argv, j, Lookup.Read);
    // Keys of other types are nil here, not an error.
    if (id === 0 || db.type(id) !== ValueType.String) c.reply.nullBulk();
    else replyString(c, db, id);
  }
}

function msetGeneric(c: Client, argv: Argv, nx: boolean): void {
  if (argv.count % 2 === 0) {
    c.reply.error(wrongArity(nx ? 'msetnx' : 'mset'));
    return;
  }
  const db = c.db;
  db.warmArgs(argv, 1, 2);
  if (nx) {
    for (let j = 1; j < argv.count; j += 2) {
      if (db.findArg(argv, j) !== 0) {
        c.reply.integer(0);
        return;
      }
    }
  }
  const events = c.engine.events;
  for (let j = 1; j < argv.count; j += 2) {
    db.setStringArg(argv, j, j + 1);
    events.changedArg(db, argv, j, Notify.String, 'set');
  }
  c.engine.dirty += (argv.count - 1) / 2;
  if (nx) c.reply.integer(1);
  else c.reply.ok();
}

function mset(c: Client, argv: Argv): void {
  msetGeneric(c, argv, false);
}

function msetnx(c: Client, argv: Argv): void {
  msetGeneric(c, argv, true);
}

// ---------------------------------------------------------------------------------------------
// INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT
// ---------------------------------------------------------------------------------------------

function incrDecr(c: Client, argv: Argv, incr: number | bigint): void {
  const db = c.db;
  const id = lookupString(c, argv, 1, Lookup.Normal);
  if (id < 0) return;
  let value: number | bigint = 0;
  if (id !== 0) {
    const stored = storedInt64(db, id);
    if (stored === null) {
      c.reply.error(NOT_INTEGER);
      return;
    }
    value = stored;
  }
  const result = addInt64(value, incr);
  if (result === null) {
    c.reply.error(OVERFLOW);
    return;
  }
  storeBytes(db, argv, 1, id, digitScratch, 0, int64Digits(result));
  c.engine.events.changedArg(db, argv, 1, Notify.String, 'incrby');
  c.engine.dirty++;
  if (typeof result === 'number') c.reply.integer(result);
  else c.reply.bigInteger(result);
}

function incr(c: Client, argv: Argv): void {
  incrDecr(c, argv, 1);
}

function decr(c: Client, argv: Argv): void {
  incrDecr(c, argv, -1);
}

function incrby(c: Client, argv: Argv): void {
  const by = argInt64(argv, 2);
  if (by === null) {
    c.reply.error(NOT_INTEGER);
    return;
  }
  incrDecr(c, argv, by);
}

function decrby(c: Client, argv: Argv): void {
  const by = argInt64(argv, 2);
  if (by === null) {
    c.reply.error(NOT_INTEGER);
    return;
  }
  // -INT64_MIN is not an int64: Redis refuses it before looking at the key.
  if (by === INT64_MIN) {
    c.reply.error(DECREMENT_OVERFLOW);
    return;
  }
  incrDecr(c, argv, -by);
}

function incrbyfloat(c: Client, argv: Argv): void {
  const db = c.db;
  const id = lookupString(c, argv, 1, Lookup.Normal);
  if (id < 0) return;
  let value = LongDouble.ZERO;
  if (id !== 0) {
    const n = db.stringLength(id);
    const off = n === 0 ? 0 : db.stringOffset(id);
    const stored = n === 0 ? null : LongDouble.parse(db.stringBuffer(id), off, off + n);
    if (stored === null) {
      c.reply.error(NOT_FLOAT);
      return;
    }
    value = stored;
  }
  const by = LongDouble.parse(argv.bufs[2], argv.starts[2], argv.ends[2]);
  if (by === null) {
    c.reply.error(NOT_FLOAT);
    return;
  }
  const sum = value.add(by);
  if (!sum.isFinite()) {
    c.reply.error(NAN_OR_INFINITY);
    return;
  }
  const text = sum.toHumanString();
  const bytes = Buffer.from(text, 'latin1');
  // Redis stores the result with createStringObject: embstr or raw, never int-encoded.
  db.setFlags(storeBytes(db, argv, 1, id, bytes, 0, bytes.length), EntryFlag.NotIntEncoded);
  c.engine.events.changedArg(db, argv, 1, Notify.String, 'incrbyfloat');
  c.engine.dirty++;
  // The sum replays exactly, whatever the float arithmetic of the replaying server.
  c.engine.propagation.replaceWith(['SET', argv.buffer(1), bytes, 'KEEPTTL']);
  c.reply.bulk(text);
}

// ---------------------------------------------------------------------------------------------
// APPEND, STRLEN, GETRANGE/SUBSTR, SETRANGE
// ---------------------------------------------------------------------------------------------

function append(c: Client, argv: Argv): void {
  const db = c.db;
  const id = lookupString(c, argv, 1, Lookup.Normal);
  if (id < 0) return;
  const add = argv.len(2);
  if (id === 0) {
    // A new key takes the argument as SET would, so its encoding is not pinned to raw.
    db.setStringArg(argv, 1, 2);
    c.engine.events.changedArg(db, argv, 1, Notify.String, 'append');
    c.engine.dirty++;
    c.reply.integer(add);
    return;
  }
  const old = db.stringLength(id);
  if (exceedsMaxBulk(c, old, add)) {
    c.reply.error(STRING_TOO_LONG);
    return;
  }
  db.resizeString(id, old + add);
  if (add > 0) copyBytes(db.stringBuffer(id), db.stringOffset(id) + old, argv.bufs[2], argv.starts[2], argv.ends[2]);
  // Even an empty append unshares the value into a raw sds in Redis.
  db.setFlags(id, EntryFlag.RawEncoding);
  c.engine.events.changedArg(db, argv, 1, Notify.String, 'append');
  c.engine.dirty++;
  c.reply.integer(old + add);
}

function strlen(c: Client, argv: Argv): void {
  const id = lookupString(c, argv, 1, Lookup.Read);
  if (id >= 0) c.reply.integer(id === 0 ? 0 : c.db.stringLength(id));
}

/** GETRANGE and SUBSTR (Redis 7.0's index rules, including its quirks). */
function getrange(c: Client, argv: Argv): void {
  const start64 = argInt64(argv, 2);
  if (start64 === null) {
    c.reply.error(NOT_INTEGER);
    return;
  }
  const end64 = argInt64(argv, 3);
  if (end64 === null) {
    c.reply.error(NOT_INTEGER);
    return;
  }
  const id = lookupString(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  if (id === 0) {
    c.reply.bulkBytes(EMPTY, 0, 0);
    return;
  }
  // Both negative with start after end is empty even where clamping would make them meet.
  if (start64 < 0 && end64 < 0 && start64 > end64) {
    c.reply.bulkBytes(EMPTY, 0, 0);
    return;
  }
  const db = c.db;
  const len = db.stringLength(id);
  // Indexes beyond 2^53 are beyond any string: infinities clamp the same way.
  let start = typeof start64 === 'bigint' ? (start64 < 0n ? -Infinity : Infinity) : start64;
  let end = typeof end64 === 'bigint' ? (end64 < 0n ? -Infinity : Infinity) : end64;
  if (start < 0) start = Math.max(len + start, 0);
  if (end < 0) end = Math.max(len + end, 0);
  if (end >= len) end = len - 1;
  if (start > end || len === 0) {
    c.reply.bulkBytes(EMPTY, 0, 0);
    return;
  }
  const off = db.stringOffset(id);
  c.reply.bulkBytes(db.stringBuffer(id), off + start, off + end + 1);
}

function setrange(c: Client, argv: Argv): void {
  const offset = argInt64(argv, 2);
  if (offset === null) {
    c.reply.error(NOT_INTEGER);
    return;
  }
  if (offset < 0) {
    c.reply.error(OFFSET_OUT_OF_RANGE);
    return;
  }
  const db = c.db;
  let id = lookupString(c, argv, 1, Lookup.Normal);
  if (id < 0) return;
  const add = argv.len(3);
  const old = id === 0 ? 0 : db.stringLength(id);
  // Writing nothing changes nothing, and creates no key.
  if (add === 0) {
    c.reply.integer(old);
    return;
  }
  if (exceedsMaxBulk(c, offset, add)) {
    c.reply.error(STRING_TOO_LONG);
    return;
  }
  const at = offset as number; // below proto-max-bulk-len, so a small number
  if (id === 0) id = db.setString(argv.bufs[1], argv.starts[1], argv.ends[1], EMPTY, 0, 0);
  if (at + add > old) db.resizeString(id, at + add);
  copyBytes(db.stringBuffer(id), db.stringOffset(id) + at, argv.bufs[3], argv.starts[3], argv.ends[3]);
  db.setFlags(id, EntryFlag.RawEncoding);
  c.engine.events.changedArg(db, argv, 1, Notify.String, 'setrange');
  c.engine.dirty++;
  c.reply.integer(db.stringLength(id));
}

// ---------------------------------------------------------------------------------------------
// LCS
// ---------------------------------------------------------------------------------------------

/** The bytes of the key in argv[i] for LCS: a missing key is the empty string. */
function lcsOperand(db: Database, id: number): [Uint8Array, number, number] {
  const n = id === 0 ? 0 : db.stringLength(id);
  if (n === 0) return [EMPTY, 0, 0];
  const off = db.stringOffset(id);
  return [db.stringBuffer(id), off, n];
}

function lcs(c: Client, argv: Argv): void {
  const db = c.db;
  const idA = db.findArg(argv, 1, Lookup.Read);
  const idB = db.findArg(argv, 2, Lookup.Read);
  if ((idA !== 0 && db.type(idA) !== ValueType.String) || (idB !== 0 && db.type(idB) !== ValueType.String)) {
    c.reply.error(LCS_NOT_STRINGS);
    return;
  }
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen: number | bigint = 0;
  for (let j = 3; j < argv.count; j++) {
    if (argv.is(j, 'IDX')) getIdx = true;
    else if (argv.is(j, 'LEN')) getLen = true;
    else if (argv.is(j, 'WITHMATCHLEN')) withMatchLen = true;
    else if (argv.is(j, 'MINMATCHLEN') && j < argv.count - 1) {
      const v = argInt64(argv, ++j);
      if (v === null) {
        c.reply.error(NOT_INTEGER);
        return;
      }
      minMatchLen = v < 0 ? 0 : v;
    } else {
      c.reply.error(SYNTAX);
      return;
    }
  }
  if (getLen && getIdx) {
    c.reply.error(LCS_LEN_AND_IDX);
    return;
  }
  const [a, aOff, aLen] = lcsOperand(db, idA);
  const [b, bOff, bLen] = lcsOperand(db, idB);
  const cells = (aLen + 1) * (bLen + 1);
  if (cells * 4 > c.engine.config.getNumber('proto-max-bulk-len')) {
    c.reply.error(LCS_TOO_MUCH_MEMORY);
    return;
  }
  // table[i * width + j]: length of the LCS of a[0, i) and b[0, j).
  const width = bLen + 1;
  const table = new Uint32Array(cells);
  for (let i = 1; i <= aLen; i++) {
    const ai = a[aOff + i - 1];
    const row = i * width;
    const prev = row - width;
    for (let j = 1; j <= bLen; j++) {
      if (ai === b[bOff + j - 1]) table[row + j] = table[prev + j - 1] + 1;
      else {
        const up = table[prev + j];
        const left = table[row + j - 1];
        table[row + j] = up > left ? up : left;
      }
    }
  }
  const total = table[aLen * width + bLen];
  if (getLen) {
    c.reply.integer(total);
    return;
  }
  // Walk back from the end, collecting the common bytes and, for IDX, the matching ranges
  // (latest first, as Redis emits them).
  const result = Buffer.allocUnsafe(total);
  const ranges: number[] = [];
  let k = total;
  let i = aLen;
  let j = bLen;
  let aStart = -1;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[aOff + i - 1] === b[bOff + j - 1]) {
      result[--k] = a[aOff + i - 1];
      if (aStart < 0) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if (table[(i - 1) * width + j] > table[i * width + j - 1]) i--;
      else j--;
      if (aStart >= 0) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (getIdx && (minMatchLen === 0 || matchLen >= minMatchLen)) ranges.push(aStart, aEnd, bStart, bEnd, matchLen);
      aStart = -1;
    }
  }
  if (!getIdx) {
    c.reply.bulkBytes(result, 0, total);
    return;
  }
  const r = c.reply;
  r.mapLen(2);
  r.bulk('matches');
  r.arrayLen(ranges.length / 5);
  for (let m = 0; m < ranges.length; m += 5) {
    r.arrayLen(withMatchLen ? 3 : 2);
    r.arrayLen(2);
    r.integer(ranges[m]);
    r.integer(ranges[m + 1]);
    r.arrayLen(2);
    r.integer(ranges[m + 2]);
    r.integer(ranges[m + 3]);
    if (withMatchLen) r.integer(ranges[m + 4]);
  }
  r.bulk('len');
  r.integer(total);
}

// ---------------------------------------------------------------------------------------------
// The family's table
// ---------------------------------------------------------------------------------------------

export const stringCommands: CommandEntry[] = [
  { name: 'get', handler: get },
  { name: 'set', handler: set },
  { name: 'setnx', handler: setnx },
  { name: 'setex', handler: setex },
  { name: 'psetex', handler: psetex },
  { name: 'getex', handler: getex },
  { name: 'getdel', handler: getdel },
  { name: 'getset', handler: getset },
  { name: 'mget', handler: mget },
  { name: 'mset', handler: mset },
  { name: 'msetnx', handler: msetnx },
  { name: 'incr', handler: incr },
  { name: 'decr', handler: decr },
  { name: 'incrby', handler: incrby },
  { name: 'decrby', handler: decrby },
  { name: 'incrbyfloat', handler: incrbyfloat },
  { name: 'append', handler: append },
  { name: 'strlen', handler: strlen },
  { name: 'getrange', handler: getrange },
  { name: 'substr', handler: getrange },
  { name: 'setrange', handler: setrange },
  { name: 'lcs', handler: lcs },
];
