/**
 * Keyspace commands (Redis's db.c, expire.c and OBJECT from object.c): existence, type,
 * deletion, renaming, moving and copying keys, their time to live, iteration (KEYS, SCAN,
 * RANDOMKEY), introspection (OBJECT) and whole-database operations (DBSIZE, FLUSHDB, FLUSHALL,
 * SWAPDB).
 *
 * These commands work on keys of every type without knowing the types: they move entries,
 * not values. TYPE's name comes from the entry's ValueType (a module value names itself), and
 * the two places where a value's representation matters, the encoding OBJECT ENCODING reports
 * and the deep copy COPY makes, go through a small per-type registry: a new type (lists,
 * hashes, ...) plugs itself in with registerKeyType() and no handler here changes. Strings are
 * registered below.
 */

import type { Argv } from '../protocol/argv.js';
import type { Client } from '../server/client.js';
import { Notify } from '../server/keyspace-events.js';
import { Lookup, type Database } from '../store/database.js';
import { EntryFlag, ValueType } from '../store/entries.js';
import { globMatch } from '../store/glob.js';
import { argInt64, bigToNumberIfSafe, INT64_MAX, INT64_MIN, scanOptionsArgs, type ScanOptions } from './args.js';
import {
  cString,
  DB_INDEX_OUT_OF_RANGE,
  GT_AND_LT,
  INT_RANGE,
  INVALID_CURSOR,
  INVALID_FIRST_DB,
  INVALID_SECOND_DB,
  invalidExpireTime,
  NO_SUCH_KEY,
  NOT_INTEGER,
  NX_WITH_OTHERS,
  SAME_OBJECT,
  SYNTAX,
  UNKNOWN_TYPE_OBJECT,
} from './errors.js';
import { isSharedInteger, replyHelp, stringEncoding } from './server.js';
import { lfuDecayed } from '../store/lfu.js';
import type { CommandEntry } from './types.js';

const LFU_IS_SELECTED =
  'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';
const LFU_NOT_SELECTED =
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';

const EMPTY = new Uint8Array(0);

// ---------------------------------------------------------------------------------------------
// Per-type support: the registry TYPE, OBJECT ENCODING and COPY read
// ---------------------------------------------------------------------------------------------

/**
 * Create key k[ks, ke) in `dst` (absent there) holding a deep copy of the value of entry `id`
 * of `src`, and return the new entry. The caller copies the TTL.
 */
export type ValueCopier = (src: Database, id: number, dst: Database, k: Uint8Array, ks: number, ke: number) => number;

export interface KeyTypeSupport {
  /** What OBJECT ENCODING says for the value of entry `id` ("listpack", "hashtable", ...). */
  encoding(db: Database, id: number): string;
  /** COPY's deep copy of a value of this type. */
  copy: ValueCopier;
}

/** A module-like value (JSON, Bloom, TimeSeries): TYPE prints its own name, as Redis modules do. */
export interface ModuleValue {
  readonly typeName: string;
}

const typeSupport: (KeyTypeSupport | undefined)[] = [];

/** Plug a value type into TYPE/OBJECT ENCODING/COPY (each type's family calls this once). */
export function registerKeyType(type: ValueType, support: KeyTypeSupport): void {
  typeSupport[type] = support;
}

/** A copier for types held as JS objects: `clone` must return a fully independent value. */
export function objectCopier<T>(clone: (value: T) => T): ValueCopier {
  return (src, id, dst, k, ks, ke) => dst.setObject(k, ks, ke, src.type(id), clone(src.object<T>(id)));
}

/**
 * A copier for collections, which are packed (bytes copied as they are) or a JS object
 * (`clone` must return a fully independent value).
 */
export function collectionCopier<T>(clone: (value: T) => T): ValueCopier {
  return (src, id, dst, k, ks, ke) => {
    if (!src.isPacked(id)) return dst.setObject(k, ks, ke, src.type(id), clone(src.object<T>(id)));
    const off = src.packedOffset(id);
    // The image is copied out first: creating the key may grow the heap the source lives in.
    const image = Buffer.from(src.packedBuffer(id).subarray(off, off + src.packedLength(id)));
    return dst.setPacked(k, ks, ke, src.type(id), image, 0, image.length);
  };
}

/** OBJECT ENCODING's answer for entry `id` of any type ("unknown" for a type not registered). */
export function valueEncoding(db: Database, id: number): string {
  const support = typeSupport[db.type(id)];
  return support === undefined ? 'unknown' : support.encoding(db, id);
}

/** TYPE's names, indexed by ValueType (Redis's obj_type_name; modules name themselves). */
const TYPE_NAMES: readonly string[] = ['none', 'string', 'list', 'set', 'zset', 'hash', 'stream'];

/** The name TYPE replies for entry `id`. */
export function typeName(db: Database, id: number): string {
  const type = db.type(id);
  if (type === ValueType.Module) return db.object<ModuleValue>(id).typeName;
  return TYPE_NAMES[type] ?? 'none';
}

registerKeyType(ValueType.String, {
  encoding: stringEncoding,
  copy(src, id, dst, k, ks, ke) {
    const len = src.stringLength(id);
    // An empty value has no block (and, before the first slab, no buffer).
    const buf = len === 0 ? EMPTY : src.stringBuffer(id);
    const off = src.stringOffset(id);
    const copy = dst.setString(k, ks, ke, buf, off, off + len);
    // dupStringObject keeps the encoding (a copy of a "raw" string is "raw") but never shares.
    dst.setFlags(copy, src.flags(id) | EntryFlag.Unshared);
    return copy;
  },
});

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/**
 * The buffer holding entry `id`'s key, read from keyOffset(id) for keyLength(id) bytes. The
 * empty key has no block, and before the first slab exists no buffer either.
 */
function keyBufferOf(db: Database, id: number): Uint8Array {
  return db.keyLength(id) === 0 ? EMPTY : db.keyBuffer(id);
}

/** Reply with the key of entry `id` as a bulk string. */
function replyKey(c: Client, db: Database, id: number): void {
  const off = db.keyOffset(id);
  c.reply.bulkBytes(keyBufferOf(db, id), off, off + db.keyLength(id));
}

/** Does the key of entry `id` match the glob in argv[i]? */
function keyMatches(argv: Argv, i: number, db: Database, id: number): boolean {
  const off = db.keyOffset(id);
  return globMatch(argv.bufs[i], argv.starts[i], argv.ends[i], keyBufferOf(db, id), off, off + db.keyLength(id));
}

/** Look entry `id` up again by its own key, for the side effects of a lookup with `flags`. */
function lookupAgain(db: Database, id: number, flags: Lookup): number {
  const off = db.keyOffset(id);
  return db.find(keyBufferOf(db, id), off, off + db.keyLength(id), flags);
}

/** Is entry `id` past its deadline (by the same rule as Database.find)? */
function isExpired(c: Client, db: Database, id: number): boolean {
  const at = db.expireAt(id);
  return at !== 0 && at < c.engine.store.now();
}

/** Is argv[i] exactly "*" (the pattern KEYS and SCAN do not even run)? */
function isMatchAll(argv: Argv, i: number): boolean {
  return argv.len(i) === 1 && argv.bufs[i][argv.starts[i]] === 42;
}

/**
 * argv[i] as a C int, or null after replying: Redis's getIntFromObjectOrReply, whose `message`
 * (when given) replaces both the "not an integer" and the "out of range" errors.
 */
function intArgOrReply(c: Client, argv: Argv, i: number, message: string | null): number | null {
  const v = argInt64(argv, i);
  if (v === null) {
    c.reply.error(message ?? NOT_INTEGER);
    return null;
  }
  if (typeof v === 'bigint' || v < -2147483648 || v > 2147483647) {
    c.reply.error(message ?? INT_RANGE);
    return null;
  }
  return v;
}

/** The database numbered by argv[i] (MOVE, COPY ... DB), or null after replying. */
function databaseArgOrReply(c: Client, argv: Argv, i: number): Database | null {
  const index = intArgOrReply(c, argv, i, null);
  if (index === null) return null;
  const databases = c.engine.store.databases;
  if (index < 0 || index >= databases.length) {
    c.reply.error(DB_INDEX_OUT_OF_RANGE);
    return null;
  }
  return databases[index];
}

/** Is an LFU maxmemory-policy selected (the clock bits then hold LFU data, not LRU)? */
function lfuPolicy(c: Client): boolean {
  return c.engine.store.lfu;
}

// ---------------------------------------------------------------------------------------------
// DEL, UNLINK, EXISTS, TYPE, TOUCH, DBSIZE
// ---------------------------------------------------------------------------------------------

/**
 * DEL and UNLINK. Redis's UNLINK (and DEL under lazyfree-lazy-user-del) hands big values to a
 * background thread; here dropping a value is already O(1) for the caller (string bytes go back
 * to a free list, a collection's JS object to the garbage collector, which reclaims it in its
 * own incremental slices), so both forms delete the same way.
 */
function del(c: Client, argv: Argv): void {
  const db = c.db;
  db.warmArgs(argv, 1, 1);
  const events = c.engine.events;
  let deleted = 0;
  for (let j = 1; j < argv.count; j++) {
    if (db.deleteKey(argv.bufs[j], argv.starts[j], argv.ends[j])) {
      events.changedArg(db, argv, j, Notify.Generic, 'del');
      deleted++;
    }
  }
  c.engine.dirty += deleted;
  c.reply.integer(deleted);
}

/** A key named twice is counted twice, as Redis does. */
function exists(c: Client, argv: Argv): void {
  const db = c.db;
  db.warmArgs(argv, 1, 1);
  let found = 0;
  for (let j = 1; j < argv.count; j++) {
    if (db.findArg(argv, j, Lookup.Read | Lookup.NoTouch) !== 0) found++;
  }
  c.reply.integer(found);
}

function type(c: Client, argv: Argv): void {
  const db = c.db;
  const id = db.findArg(argv, 1, Lookup.Read | Lookup.NoTouch);
  c.reply.simple(id === 0 ? 'none' : typeName(db, id));
}

/** TOUCH: a read that updates the LRU clock, and nothing else. */
function touch(c: Client, argv: Argv): void {
  const db = c.db;
  db.warmArgs(argv, 1, 1);
  let touched = 0;
  for (let j = 1; j < argv.count; j++) {
    if (db.findArg(argv, j, Lookup.Read) !== 0) touched++;
  }
  c.reply.integer(touched);
}

/** Counts keys whose deadline passed but that no lookup or expire cycle has removed yet, as Redis. */
function dbsize(c: Client): void {
  c.reply.integer(c.db.size);
}

// ---------------------------------------------------------------------------------------------
// RENAME, RENAMENX, MOVE, COPY
// ---------------------------------------------------------------------------------------------

function renameGeneric(c: Client, argv: Argv, nx: boolean): void {
  const db = c.db;
  const id = db.findArg(argv, 1);
  if (id === 0) {
    c.reply.error(NO_SUCH_KEY);
    return;
  }
  if (argv.same(1, 2)) {
    if (nx) c.reply.integer(0);
    else c.reply.ok();
    return;
  }
  const target = db.findArg(argv, 2);
  if (target !== 0) {
    if (nx) {
      c.reply.integer(0);
      return;
    }
    db.delete(target);
  }
  // The entry keeps its value, TTL and LRU clock: only its name changes.
  db.rekey(id, argv.bufs[2], argv.starts[2], argv.ends[2]);
  keyMoved(c, argv, 'rename', db, 1, db, 2);
  if (nx) c.reply.integer(1);
  else c.reply.ok();
}

/** RENAME and MOVE: both keys signalled, then "<verb>_from" and "<verb>_to", as db.c. */
function keyMoved(c: Client, argv: Argv, verb: string, from: Database, fromIndex: number, to: Database, toIndex: number): void {
  const events = c.engine.events;
  events.modifiedArg(from, argv, fromIndex);
  events.modifiedArg(to, argv, toIndex);
  events.notifyArg(Notify.Generic, `${verb}_from`, from, argv, fromIndex);
  events.notifyArg(Notify.Generic, `${verb}_to`, to, argv, toIndex);
  c.engine.dirty++;
}

function rename(c: Client, argv: Argv): void {
  renameGeneric(c, argv, false);
}

function renamenx(c: Client, argv: Argv): void {
  renameGeneric(c, argv, true);
}

/** The checks run in Redis's order: DB index, same DB (even for a missing key), then the key. */
function move(c: Client, argv: Argv): void {
  const target = databaseArgOrReply(c, argv, 2);
  if (target === null) return;
  const db = c.db;
  if (target === db) {
    c.reply.error(SAME_OBJECT);
    return;
  }
  const id = db.findArg(argv, 1);
  if (id === 0 || target.findArg(argv, 1) !== 0) {
    c.reply.integer(0);
    return;
  }
  db.moveTo(id, target);
  keyMoved(c, argv, 'move', db, 1, target, 1);
  c.reply.integer(1);
}

/** COPY source destination [DB n] [REPLACE]: a deep copy, with the source's TTL. */
function copy(c: Client, argv: Argv): void {
  const src = c.db;
  let dst = src;
  let replace = false;
  for (let j = 3; j < argv.count; j++) {
    if (argv.is(j, 'REPLACE')) {
      replace = true;
    } else if (argv.is(j, 'DB') && j + 1 < argv.count) {
      const db = databaseArgOrReply(c, argv, ++j);
      if (db === null) return;
      dst = db;
    } else {
      c.reply.error(SYNTAX);
      return;
    }
  }
  if (src === dst && argv.same(1, 2)) {
    c.reply.error(SAME_OBJECT);
    return;
  }
  const id = src.findArg(argv, 1, Lookup.Read);
  if (id === 0) {
    c.reply.integer(0);
    return;
  }
  const existing = dst.findArg(argv, 2);
  if (existing !== 0 && !replace) {
    c.reply.integer(0);
    return;
  }
  const support = typeSupport[src.type(id)];
  if (support === undefined) {
    c.reply.error(UNKNOWN_TYPE_OBJECT);
    return;
  }
  const at = src.expireAtExact(id);
  if (existing !== 0) dst.delete(existing);
  const created = support.copy(src, id, dst, argv.bufs[2], argv.starts[2], argv.ends[2]);
  if (at !== 0) dst.setExpire(created, at);
  c.engine.events.changedArg(dst, argv, 2, Notify.Generic, 'copy_to');
  c.engine.dirty++;
  c.reply.integer(1);
}

// ---------------------------------------------------------------------------------------------
// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, PERSIST
// ---------------------------------------------------------------------------------------------

const enum ExpireOption {
  NX = 1,
  XX = 2,
  GT = 4,
  LT = 8,
}

/**
 * `value` (seconds or ms) plus `base` (ms) as an absolute deadline in ms, or null when the
 * int64 arithmetic would overflow (Redis refuses that as an invalid expire time; a negative
 * result is fine: it deletes the key). Deadlines past 2^53 are exact bigints.
 */
function expireDeadline(value: number | bigint, seconds: boolean, base: number): number | bigint | null {
  // Within +-1e12 every step below is exact in doubles.
  if (typeof value === 'number' && value > -1e12 && value < 1e12) return (seconds ? value * 1000 : value) + base;
  let when = BigInt(value);
  if (seconds) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) return null;
    when *= 1000n;
  }
  const b = BigInt(base);
  if (when > INT64_MAX - b) return null;
  return bigToNumberIfSafe(when + b);
}

function expireGeneric(c: Client, argv: Argv, relative: boolean, seconds: boolean, command: string): void {
  let options = 0;
  for (let j = 3; j < argv.count; j++) {
    if (argv.is(j, 'NX')) options |= ExpireOption.NX;
    else if (argv.is(j, 'XX')) options |= ExpireOption.XX;
    else if (argv.is(j, 'GT')) options |= ExpireOption.GT;
    else if (argv.is(j, 'LT')) options |= ExpireOption.LT;
    else {
      c.reply.error(`ERR Unsupported option ${cString(argv.str(j), Infinity)}`);
      return;
    }
  }
  if ((options & ExpireOption.NX) !== 0 && (options & (ExpireOption.XX | ExpireOption.GT | ExpireOption.LT)) !== 0) {
    c.reply.error(NX_WITH_OTHERS);
    return;
  }
  if ((options & ExpireOption.GT) !== 0 && (options & ExpireOption.LT) !== 0) {
    c.reply.error(GT_AND_LT);
    return;
  }
  const value = argInt64(argv, 2);
  if (value === null) {
    c.reply.error(NOT_INTEGER);
    return;
  }
  const store = c.engine.store;
  const when = expireDeadline(value, seconds, relative ? store.now() : 0);
  if (when === null) {
    c.reply.error(invalidExpireTime(command));
    return;
  }
  const db = c.db;
  const id = db.findArg(argv, 1);
  if (id === 0) {
    c.reply.integer(0);
    return;
  }
  if (options !== 0) {
    const current = db.expireAtExact(id); // 0: no TTL, which GT and LT treat as infinite
    if (
      ((options & ExpireOption.NX) !== 0 && current !== 0) ||
      ((options & ExpireOption.XX) !== 0 && current === 0) ||
      ((options & ExpireOption.GT) !== 0 && (current === 0 || when <= current)) ||
      ((options & ExpireOption.LT) !== 0 && current !== 0 && when >= current)
    ) {
      c.reply.integer(0);
      return;
    }
  }
  // A deadline already past deletes the key, except where expired keys must be kept (a replica
  // or a load waits for the DEL from its source).
  if (when <= store.now() && !store.keepExpired) {
    db.delete(id);
    c.engine.events.changedArg(db, argv, 1, Notify.Generic, 'del');
    c.engine.propagation.replaceWith(['DEL', argv.buffer(1)]);
  } else {
    db.setExpire(id, when);
    c.engine.events.changedArg(db, argv, 1, Notify.Generic, 'expire');
    // Replays as the deadline it set, with the condition (NX, GT, ...) already met.
    c.engine.propagation.replaceWith(['PEXPIREAT', argv.buffer(1), String(when)]);
  }
  c.engine.dirty++;
  c.reply.integer(1);
}

function expire(c: Client, argv: Argv): void {
  expireGeneric(c, argv, true, true, 'expire');
}

function pexpire(c: Client, argv: Argv): void {
  expireGeneric(c, argv, true, false, 'pexpire');
}

function expireat(c: Client, argv: Argv): void {
  expireGeneric(c, argv, false, true, 'expireat');
}

function pexpireat(c: Client, argv: Argv): void {
  expireGeneric(c, argv, false, false, 'pexpireat');
}

function persist(c: Client, argv: Argv): void {
  const db = c.db;
  const id = db.findArg(argv, 1);
  if (id === 0 || !db.removeExpire(id)) {
    c.reply.integer(0);
    return;
  }
  c.engine.events.changedArg(db, argv, 1, Notify.Generic, 'persist');
  c.engine.dirty++;
  c.reply.integer(1);
}

// ---------------------------------------------------------------------------------------------
// TTL, PTTL, EXPIRETIME, PEXPIRETIME
// ---------------------------------------------------------------------------------------------

/**
 * -2 for a missing key, -1 without a TTL, else the time left (or the deadline, `absolute`), in
 * ms or in seconds rounded to the nearest as Redis's (ttl+500)/1000.
 */
function ttlGeneric(c: Client, argv: Argv, ms: boolean, absolute: boolean): void {
  const db = c.db;
  const id = db.findArg(argv, 1, Lookup.Read | Lookup.NoTouch);
  if (id === 0) {
    c.reply.integer(-2);
    return;
  }
  const at = db.expireAtExact(id);
  if (at === 0) {
    c.reply.integer(-1);
    return;
  }
  const now = c.engine.store.now();
  if (typeof at === 'number' && at < 9e15) {
    const ttl = Math.max(0, absolute ? at : at - now);
    c.reply.integer(ms ? ttl : Math.floor((ttl + 500) / 1000));
    return;
  }
  // Past 2^53 the arithmetic must be exact. Redis's (ttl+500) cannot wrap either: the compiler
  // divides unsigned, so EXPIRETIME of a deadline near INT64_MAX is rounded up, not negative.
  let ttl = BigInt(at) - (absolute ? 0n : BigInt(now));
  if (ttl < 0n) ttl = 0n;
  c.reply.bigInteger(ms ? ttl : (ttl + 500n) / 1000n);
}

function ttl(c: Client, argv: Argv): void {
  ttlGeneric(c, argv, false, false);
}

function pttl(c: Client, argv: Argv): void {
  ttlGeneric(c, argv, true, false);
}

function expiretime(c: Client, argv: Argv): void {
  ttlGeneric(c, argv, false, true);
}

function pexpiretime(c: Client, argv: Argv): void {
  ttlGeneric(c, argv, true, true);
}

// ---------------------------------------------------------------------------------------------
// KEYS, SCAN, RANDOMKEY
// ---------------------------------------------------------------------------------------------

/** Keys whose deadline passed are left out but not deleted (Redis's keyIsExpired). */
function keys(c: Client, argv: Argv): void {
  const db = c.db;
  const all = isMatchAll(argv, 1);
  const matched: number[] = [];
  db.dict.forEach((id) => {
    if ((all || keyMatches(argv, 1, db, id)) && !isExpired(c, db, id)) matched.push(id);
  });
  c.reply.arrayLen(matched.length);
  for (let i = 0; i < matched.length; i++) replyKey(c, db, matched[i]);
}

function isSpace(b: number): boolean {
  return b === 32 || (b >= 9 && b <= 13);
}

/** What SSCAN, HSCAN and ZSCAN read before they walk their value. */
export interface ScanStart {
  cursor: number;
  /** The key's entry (never 0: a missing key has had its empty scan). */
  id: number;
  options: ScanOptions;
}

/**
 * The opening SSCAN, HSCAN and ZSCAN share, in Redis's order: the cursor
 * (parseScanCursorOrReply), the key (an empty scan when it is missing), then the options
 * (scanGenericCommand). `lookup` gives the entry, 0 when missing, -1 after replying WRONGTYPE.
 * Null once something has been replied.
 */
export function startScan(
  c: Client,
  argv: Argv,
  lookup: (c: Client, argv: Argv, i: number, flags: Lookup) => number,
  noValues: boolean,
): ScanStart | null {
  const cursor = parseCursor(argv, 2);
  if (cursor === null) {
    c.reply.error(INVALID_CURSOR);
    return null;
  }
  const id = lookup(c, argv, 1, Lookup.Read);
  if (id < 0) return null;
  if (id === 0) {
    c.reply.arrayLen(2);
    c.reply.bulk('0');
    c.reply.arrayLen(0);
    return null;
  }
  const options = scanOptionsArgs(c, argv, noValues);
  return options === null ? null : { cursor, id, options };
}

/**
 * SCAN's cursor as Redis's strtoul reads it (a C string: it ends at a NUL; no leading space;
 * an optional sign, "-1" being 2^64-1; "" is 0; at most 2^64-1), or null when invalid. Only
 * the low 32 bits are returned: Dict.scan's step reads the cursor through the table's mask, so
 * higher bits never change the result.
 */
export function parseCursor(argv: Argv, i: number): number | null {
  const b = argv.bufs[i];
  let p = argv.starts[i];
  let end = p;
  while (end < argv.ends[i] && b[end] !== 0) end++;
  if (p === end) return 0;
  if (isSpace(b[p])) return null;
  let negative = false;
  if (b[p] === 43 || b[p] === 45) {
    negative = b[p] === 45;
    p++;
  }
  if (p === end) return null;
  let value = 0n;
  let small = 0;
  const digits = end - p;
  for (let k = p; k < end; k++) {
    const d = b[k] - 48;
    if (d < 0 || d > 9) return null;
    if (digits <= 15) small = small * 10 + d;
    else value = value * 10n + BigInt(d);
  }
  if (digits <= 15) return (negative ? -small : small) >>> 0;
  if (value > 0xffffffffffffffffn) return null;
  return Number(BigInt.asUintN(32, negative ? -value : value));
}

/** Entry ids one SCAN call gathers, reused across calls. */
const scanned: number[] = [];

/** Core type names SCAN's TYPE filter knows; anything else can only name a module type. */
const TYPE_BY_NAME = new Map<string, ValueType>(TYPE_NAMES.slice(1).map((name, i) => [name, (i + 1) as ValueType]));

/**
 * SCAN cursor [MATCH pattern] [COUNT n] [TYPE name], as Redis 7.2: steps of Dict.scan until
 * the cursor returns to 0, COUNT keys were visited or COUNT*10 steps were taken; then keys
 * that fail the pattern, the type or have expired are dropped (expired ones deleted).
 */
function scan(c: Client, argv: Argv): void {
  const cursor = parseCursor(argv, 1);
  if (cursor === null) {
    c.reply.error(INVALID_CURSOR);
    return;
  }
  let count = 10;
  let patternIndex = -1;
  let typeIndex = -1;
  for (let i = 2; i < argv.count; i += 2) {
    const hasValue = i + 1 < argv.count;
    if (hasValue && argv.is(i, 'COUNT')) {
      const n = argInt64(argv, i + 1);
      if (n === null) {
        c.reply.error(NOT_INTEGER);
        return;
      }
      if (n < 1) {
        c.reply.error(SYNTAX);
        return;
      }
      count = Number(n);
    } else if (hasValue && argv.is(i, 'MATCH')) {
      patternIndex = isMatchAll(argv, i + 1) ? -1 : i + 1;
    } else if (hasValue && argv.is(i, 'TYPE')) {
      typeIndex = i + 1;
    } else {
      c.reply.error(SYNTAX);
      return;
    }
  }

  const db = c.db;
  const ids = scanned;
  ids.length = 0;
  let next = cursor;
  let maxIterations = count * 10;
  do {
    next = db.dict.scan(next, ids);
  } while (next !== 0 && maxIterations-- !== 0 && ids.length < count);

  const wantedName = typeIndex >= 0 ? argv.lower(typeIndex) : '';
  const wantedType = typeIndex >= 0 ? (TYPE_BY_NAME.get(wantedName) ?? ValueType.Module) : ValueType.None;
  const store = c.engine.store;
  let kept = 0;
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    if (patternIndex >= 0 && !keyMatches(argv, patternIndex, db, id)) continue;
    if (typeIndex >= 0) {
      // Redis 7.2 checks the type with a full read lookup (it counts in keyspace_hits/misses
      // and deletes the key if it expired).
      if (lookupAgain(db, id, Lookup.Read | Lookup.NoTouch) === 0 || db.type(id) !== wantedType) continue;
      if (wantedType === ValueType.Module && typeName(db, id).toLowerCase() !== wantedName) continue;
    } else if (isExpired(c, db, id)) {
      store.expireLazily(db, id);
      continue;
    }
    ids[kept++] = id;
  }

  c.reply.arrayLen(2);
  c.reply.bulk(String(next));
  c.reply.arrayLen(kept);
  for (let k = 0; k < kept; k++) replyKey(c, db, ids[k]);
  ids.length = 0;
}

/**
 * A random live key; expired ones met on the way are deleted and another is drawn. Where
 * expired keys are kept (a replica), a database of nothing but expired keys would loop forever:
 * after 100 draws Redis returns one of them anyway, and so do we.
 */
function randomkey(c: Client): void {
  const db = c.db;
  const store = c.engine.store;
  const allVolatile = db.size === db.expires.size;
  let tries = 100;
  for (;;) {
    const id = db.dict.random();
    if (id === 0) {
      c.reply.nullBulk();
      return;
    }
    if (db.expireAt(id) !== 0) {
      if (allVolatile && store.keepExpired && --tries === 0) {
        replyKey(c, db, id);
        return;
      }
      if (isExpired(c, db, id)) {
        store.expireLazily(db, id);
        continue;
      }
    }
    replyKey(c, db, id);
    return;
  }
}

// ---------------------------------------------------------------------------------------------
// OBJECT
// ---------------------------------------------------------------------------------------------

/** OBJECT's lookup: counts as a read, but must not refresh the clock it reports. */
function objectLookup(c: Client, argv: Argv): number {
  const id = c.db.findArg(argv, 2, Lookup.Read | Lookup.NoTouch | Lookup.NoNotify);
  if (id === 0) c.reply.nullBulk();
  return id;
}

function objectEncoding(c: Client, argv: Argv): void {
  const id = objectLookup(c, argv);
  if (id === 0) return;
  c.reply.bulk(valueEncoding(c.db, id));
}

/** The refcount Redis reports for a shared object (OBJ_SHARED_REFCOUNT, INT_MAX). */
const SHARED_REFCOUNT = 2147483647;

/** Only Redis's shared small integers are referenced more than once. */
function objectRefcount(c: Client, argv: Argv): void {
  const id = objectLookup(c, argv);
  if (id === 0) return;
  c.reply.integer(isSharedInteger(c, c.db, id) ? SHARED_REFCOUNT : 1);
}

/** Seconds since the last access, from the 24-bit LRU clock (estimateObjectIdleTime). */
function objectIdletime(c: Client, argv: Argv): void {
  const id = objectLookup(c, argv);
  if (id === 0) return;
  if (lfuPolicy(c)) {
    c.reply.error(LFU_IS_SELECTED);
    return;
  }
  c.reply.integer(c.engine.store.idleSeconds(c.db.lru(id)));
}

/**
 * The LFU counter, decayed by one per lfu-decay-time minutes since the last access
 * (LFUDecrAndReturn). Under an LFU policy the entry's 24 clock bits are read as Redis reads
 * them: 16 bits of minutes, 8 bits of counter.
 */
function objectFreq(c: Client, argv: Argv): void {
  const id = objectLookup(c, argv);
  if (id === 0) return;
  if (!lfuPolicy(c)) {
    c.reply.error(LFU_NOT_SELECTED);
    return;
  }
  const store = c.engine.store;
  const counter = lfuDecayed(c.db.lru(id), store.now(), store.lfuDecayTime);
  c.reply.integer(counter);
}

/** OBJECT HELP's lines (the same in Redis 7.0 and 7.2; replyHelp adds header and footer). */
const OBJECT_HELP: readonly string[] = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
];

function objectHelp(c: Client): void {
  replyHelp(c, 'object', OBJECT_HELP);
}

// ---------------------------------------------------------------------------------------------
// FLUSHDB, FLUSHALL, SWAPDB
// ---------------------------------------------------------------------------------------------

/** [ASYNC|SYNC]; without either, lazyfree-lazy-user-flush decides. Null after a syntax error. */
function flushIsLazy(c: Client, argv: Argv): boolean | null {
  if (argv.count === 1) return c.engine.config.getBool('lazyfree-lazy-user-flush');
  if (argv.count === 2 && argv.is(1, 'ASYNC')) return true;
  if (argv.count === 2 && argv.is(1, 'SYNC')) return false;
  c.reply.error(SYNTAX);
  return null;
}

function flushdb(c: Client, argv: Argv): void {
  const lazy = flushIsLazy(c, argv);
  if (lazy === null) return;
  c.engine.events.flushing(c.db);
  c.engine.events.flushed();
  c.engine.dirty += c.db.size;
  c.engine.store.flushDatabase(c.db, lazy);
  if (lazy) c.engine.scheduleBackground();
  c.reply.ok();
}

/** Both modes free everything at once: with every database going, the slabs simply go back. */
function flushall(c: Client, argv: Argv): void {
  if (flushIsLazy(c, argv) === null) return;
  for (const db of c.engine.store.databases) {
    c.engine.events.flushing(db);
    c.engine.dirty += db.size;
  }
  c.engine.events.flushed();
  c.engine.store.flushAll();
  // Redis counts one more so that a save follows even an empty FLUSHALL.
  c.engine.dirty++;
  c.reply.ok();
}

function swapdb(c: Client, argv: Argv): void {
  const a = intArgOrReply(c, argv, 1, INVALID_FIRST_DB);
  if (a === null) return;
  const b = intArgOrReply(c, argv, 2, INVALID_SECOND_DB);
  if (b === null) return;
  const count = c.engine.store.databases.length;
  if (a < 0 || a >= count || b < 0 || b >= count) {
    c.reply.error(DB_INDEX_OUT_OF_RANGE);
    return;
  }
  if (a !== b) {
    const dbs = c.engine.store.databases;
    c.engine.events.swapping(dbs[a], dbs[b]);
    c.engine.store.swap(a, b);
  }
  c.engine.dirty++;
  c.reply.ok();
}

// ---------------------------------------------------------------------------------------------
// The family's table of contents
// ---------------------------------------------------------------------------------------------

export const keyCommands: CommandEntry[] = [
  { name: 'del', handler: del },
  { name: 'unlink', handler: del },
  { name: 'exists', handler: exists },
  { name: 'type', handler: type },
  { name: 'touch', handler: touch },
  { name: 'dbsize', handler: dbsize },
  { name: 'rename', handler: rename },
  { name: 'renamenx', handler: renamenx },
  { name: 'move', handler: move },
  { name: 'copy', handler: copy },
  { name: 'expire', handler: expire },
  { name: 'pexpire', handler: pexpire },
  { name: 'expireat', handler: expireat },
  { name: 'pexpireat', handler: pexpireat },
  { name: 'persist', handler: persist },
  { name: 'ttl', handler: ttl },
  { name: 'pttl', handler: pttl },
  { name: 'expiretime', handler: expiretime },
  { name: 'pexpiretime', handler: pexpiretime },
  { name: 'keys', handler: keys },
  { name: 'scan', handler: scan },
  { name: 'randomkey', handler: randomkey },
  { name: 'object|encoding', handler: objectEncoding },
  { name: 'object|refcount', handler: objectRefcount },
  { name: 'object|idletime', handler: objectIdletime },
  { name: 'object|freq', handler: objectFreq },
  { name: 'object|help', handler: objectHelp },
  { name: 'flushdb', handler: flushdb },
  { name: 'flushall', handler: flushall },
  { name: 'swapdb', handler: swapdb },
];
