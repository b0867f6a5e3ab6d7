/**
 * List commands (Redis 7.2's t_list.c), the blocking ones included.
 *
 * A list has the two forms Redis 7.2 gives it, and OBJECT ENCODING names them as Redis does:
 * - "listpack": one listpack image in the Heap, while it fits list-max-listpack-size
 *   (negative: -1..-5 = 4/8/16/32/64 KB of image; positive: that many elements, and at most
 *   8 KB). Before a write adds elements, the image's size plus the new elements' lengths is
 *   checked against the limit, as listTypeTryConversionAppend does, and the list becomes:
 * - "quicklist": a QuickList (types/quicklist.ts), a chunked deque of latin1 strings held by
 *   handle, with O(1) pushes and pops at both ends and O(1) access by index. After a write
 *   removes elements it goes back to a listpack once it is down to half the limit
 *   (listTypeTryConvertQuicklist's rule). Redis also requires its quicklist to be down to one
 *   node, which depends on how its nodes were filled; here the half-limit test is applied to
 *   the list as a whole.
 *
 * The first section is the type's encoding-neutral API; the commands after it rarely care
 * which form they have. Blocking pops (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) try to serve
 * at once and otherwise wait through the engine's BlockingManager (server/blocking.ts), which
 * runs them again when a key they wait on becomes a list.
 */

import type { Argv } from '../protocol/argv.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import { BlockKind, parseBlockTimeout } from '../server/blocking.js';
import type { Client } from '../server/client.js';
import { Notify } from '../server/keyspace-events.js';
import { Lookup, type Database } from '../store/database.js';
import { ValueType } from '../store/entries.js';
import {
  EMPTY_LISTPACK,
  lpBytes,
  lpCount,
  lpDelete,
  lpEquals,
  lpFind,
  lpFirst,
  lpGet,
  lpInsert,
  lpInsertString,
  lpLast,
  lpNext,
  lpPrev,
  lpReplace,
  lpScratch,
  lpSeek,
  lpString,
  lpWriteBulk,
  ListpackBuilder,
} from '../types/listpack.js';
import { isInt64String, listpackEntrySize, QuickList } from '../types/quicklist.js';
import { argInt64, argLong, parseMpopArgs } from './args.js';
import {
  COUNT_OUT_OF_RANGE,
  INDEX_OUT_OF_RANGE,
  LPOS_COUNT_NEGATIVE,
  LPOS_MAXLEN_NEGATIVE,
  LPOS_RANK_ZERO,
  NO_SUCH_KEY,
  NOT_INTEGER,
  NOT_POSITIVE,
  SYNTAX,
  wrongArity,
  WRONGTYPE,
} from './errors.js';
import { collectionCopier, registerKeyType } from './keys.js';
import type { CommandEntry } from './types.js';

/** Which end of a list (Redis's LIST_HEAD / LIST_TAIL). */
const enum End {
  Head,
  Tail,
}

/** Listpack sizes list-max-listpack-size -1..-5 stand for (quicklist.c's optimization_level). */
const SIZE_LEVELS = [4096, 8192, 16384, 32768, 65536];
/** With a positive list-max-listpack-size, a listpack still stays within 8 KB (SIZE_SAFETY_LIMIT). */
const SIZE_SAFETY_LIMIT = 8192;
/** What quicklist.c adds to an element's length when it estimates a node's growth. */
const SIZE_ESTIMATE_OVERHEAD = 8;
/** C's UINT_MAX: the element limit of a size-limited list. */
const UINT_MAX = 4294967295;

const builder = new ListpackBuilder();

registerKeyType(ValueType.List, {
  encoding: (db, id) => (db.isPacked(id) ? 'listpack' : 'quicklist'),
  copy: collectionCopier<QuickList>((list) => list.clone()),
});

// ---------------------------------------------------------------------------------------------
// The list type: lookups, encodings and the encoding-neutral API
// ---------------------------------------------------------------------------------------------

/** The list at argv[i]: its entry, 0 when the key is missing, -1 after replying WRONGTYPE. */
function lookupList(c: Client, argv: Argv, i: number, flags: Lookup): number {
  const id = c.db.findArg(argv, i, flags);
  if (id !== 0 && c.db.type(id) !== ValueType.List) {
    c.reply.error(WRONGTYPE);
    return -1;
  }
  return id;
}

function listLength(db: Database, id: number): number {
  if (!db.isPacked(id)) return db.object<QuickList>(id).length;
  return lpCount(db.packedBuffer(id), db.packedOffset(id));
}

/** quicklistNodeLimit: the byte and element limits `fill` (list-max-listpack-size) sets. */
function sizeLimit(fill: number): number {
  return fill < 0 ? SIZE_LEVELS[Math.min(-fill - 1, SIZE_LEVELS.length - 1)] : Infinity;
}

function countLimit(fill: number): number {
  return fill < 0 ? UINT_MAX : fill === 0 ? 1 : fill;
}

/** quicklistNodeExceedsLimit: would a listpack of `bytes` and `count` elements be too big? */
function exceedsListpack(fill: number, bytes: number, count: number): boolean {
  if (fill < 0) return bytes > sizeLimit(fill);
  return bytes > SIZE_SAFETY_LIMIT || count > countLimit(fill);
}

/**
 * listTypeTryConversionAppend: before `addCount` elements of `addBytes` bytes in all are
 * added to the list at entry `id`, turn a listpack that would outgrow the limit into a
 * quicklist.
 */
function growing(c: Client, id: number, addBytes: number, addCount: number): void {
  const db = c.db;
  if (!db.isPacked(id)) return;
  const b = db.packedBuffer(id);
  const lp = db.packedOffset(id);
  const fill = c.engine.store.limits.listMaxListpackSize;
  if (!exceedsListpack(fill, lpBytes(b, lp) + addBytes, lpCount(b, lp) + addCount)) return;
  const list = new QuickList();
  for (let p = lpFirst(b, lp); p !== -1; p = lpNext(b, p)) list.pushTail(lpString(b, p));
  db.replaceObject(id, list);
}

/** growing() for the elements argv[from, to). */
function growingByArgs(c: Client, id: number, argv: Argv, from: number, to: number): void {
  if (!c.db.isPacked(id)) return;
  let bytes = 0;
  for (let i = from; i < to; i++) bytes += argv.len(i);
  growing(c, id, bytes, to - from);
}

/**
 * After `count` elements were removed from the list at entry `id` (key argv[keyIndex]) by the
 * write named `event` (listElementsRemoved): announce it, then delete the list when empty, or
 * give a quicklist down to half the limit back its listpack form (listTypeTryConvertQuicklist
 * with shrinking set).
 */
function afterRemoval(c: Client, id: number, argv: Argv, keyIndex: number, event: string, count: number): void {
  const db = c.db;
  const events = c.engine.events;
  events.notifyArg(Notify.List, event, db, argv, keyIndex);
  if (listLength(db, id) === 0) {
    db.delete(id);
    events.notifyArg(Notify.Generic, 'del', db, argv, keyIndex);
  } else if (!db.isPacked(id)) {
    shrinking(c, db.object<QuickList>(id), argv, keyIndex);
  }
  events.modifiedArg(db, argv, keyIndex);
  c.engine.dirty += count;
}

function popEvent(end: End): string {
  return end === End.Head ? 'lpop' : 'rpop';
}

function pushEvent(end: End): string {
  return end === End.Head ? 'lpush' : 'rpush';
}

function shrinking(c: Client, list: QuickList, argv: Argv, keyIndex: number): void {
  const fill = c.engine.store.limits.listMaxListpackSize;
  if (list.length > Math.floor(countLimit(fill) / 2) || list.packedBytes > sizeLimit(fill) / 2) return;
  // Redis converts only a quicklist of one node, and a node never holds more than the limit
  // unless it holds a single element.
  if (fill >= 0 && list.length > 1 && list.packedBytes > SIZE_SAFETY_LIMIT) return;
  builder.reset();
  for (let i = 0; i < list.length; i++) builder.pushString(list.get(i));
  const n = builder.finish();
  c.db.setPacked(argv.bufs[keyIndex], argv.starts[keyIndex], argv.ends[keyIndex], ValueType.List, builder.buf, 0, n, true);
}

/**
 * Create the list argv[keyIndex] (absent) holding argv[from, to) pushed one by one at `end`,
 * in the form Redis would give it.
 */
function createWithArgs(c: Client, argv: Argv, keyIndex: number, from: number, to: number, end: End): void {
  const db = c.db;
  const k = argv.bufs[keyIndex];
  const ks = argv.starts[keyIndex];
  const ke = argv.ends[keyIndex];
  let bytes = EMPTY_LISTPACK.length;
  for (let i = from; i < to; i++) bytes += argv.len(i);
  if (exceedsListpack(c.engine.store.limits.listMaxListpackSize, bytes, to - from)) {
    const list = new QuickList();
    for (let i = from; i < to; i++) {
      if (end === End.Head) list.pushHead(argv.str(i));
      else list.pushTail(argv.str(i));
    }
    db.setObject(k, ks, ke, ValueType.List, list);
    return;
  }
  builder.reset();
  if (end === End.Head) for (let i = to - 1; i >= from; i--) builder.push(argv.bufs[i], argv.starts[i], argv.ends[i]);
  else for (let i = from; i < to; i++) builder.push(argv.bufs[i], argv.starts[i], argv.ends[i]);
  const n = builder.finish();
  db.setPacked(k, ks, ke, ValueType.List, builder.buf, 0, n);
}

/**
 * Give the packed list at entry `id` the image a listpack write just built in lpScratch, of
 * `length` bytes. (The write may have grown the scratch into a new buffer: it is read only now.)
 */
function commitImage(db: Database, id: number, length: number): void {
  db.replacePacked(id, lpScratch.buf, 0, length);
}

/**
 * Push argv[from, to) one by one at `end` of the list at entry `id` (already grown); returns
 * the new length.
 */
function pushArgs(db: Database, id: number, argv: Argv, from: number, to: number, end: End): number {
  if (!db.isPacked(id)) {
    const list = db.object<QuickList>(id);
    for (let i = from; i < to; i++) {
      if (end === End.Head) list.pushHead(argv.str(i));
      else list.pushTail(argv.str(i));
    }
    return list.length;
  }
  for (let i = from; i < to; i++) {
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    commitImage(db, id, lpInsert(b, lp, end === End.Head ? lpFirst(b, lp) : -1, argv.bufs[i], argv.starts[i], argv.ends[i]));
  }
  return lpCount(db.packedBuffer(id), db.packedOffset(id));
}

/** Push the latin1 string `value` at `end` of the list at entry `id` (already grown). */
function pushString(db: Database, id: number, value: string, end: End): void {
  if (!db.isPacked(id)) {
    const list = db.object<QuickList>(id);
    if (end === End.Head) list.pushHead(value);
    else list.pushTail(value);
    return;
  }
  const b = db.packedBuffer(id);
  const lp = db.packedOffset(id);
  commitImage(db, id, lpInsertString(b, lp, end === End.Head ? lpFirst(b, lp) : -1, value));
}

/** Remove and return the element at `end` of the (non-empty) list at entry `id`. */
function popString(db: Database, id: number, end: End): string {
  if (!db.isPacked(id)) {
    const list = db.object<QuickList>(id);
    return end === End.Head ? list.popHead() : list.popTail();
  }
  const b = db.packedBuffer(id);
  const lp = db.packedOffset(id);
  const p = end === End.Head ? lpFirst(b, lp) : lpLast(b, lp);
  const value = lpString(b, p);
  commitImage(db, id, lpDelete(b, lp, p, 1));
  return value;
}

/** Remove `count` elements (at most the length) at `end` of the list at entry `id`. */
function removeAtEnd(db: Database, id: number, end: End, count: number): void {
  if (count === 0) return;
  if (!db.isPacked(id)) {
    const list = db.object<QuickList>(id);
    if (end === End.Head) list.removeHead(count);
    else list.removeTail(count);
    return;
  }
  const b = db.packedBuffer(id);
  const lp = db.packedOffset(id);
  const p = end === End.Head ? lpFirst(b, lp) : lpSeek(b, lp, -count);
  commitImage(db, id, lpDelete(b, lp, p, count));
}

/** Reply with `count` elements of the list at entry `id` from index `from` on (or back). */
function writeRange(r: ReplyWriter, db: Database, id: number, from: number, count: number, reverse: boolean): void {
  r.arrayLen(count);
  if (!db.isPacked(id)) {
    const list = db.object<QuickList>(id);
    if (reverse) for (let i = from; i > from - count; i--) r.bulk(list.get(i));
    else for (let i = from; i < from + count; i++) r.bulk(list.get(i));
    return;
  }
  const b = db.packedBuffer(id);
  const lp = db.packedOffset(id);
  let p = lpSeek(b, lp, from);
  for (let k = 0; k < count; k++) {
    lpWriteBulk(r, b, p);
    p = reverse ? lpPrev(b, lp, p) : lpNext(b, p);
  }
}

/**
 * addListRangeReply: reply with elements [start, end] (negative: from the end), reversed when
 * `reverse` (the reply then starts at `end`).
 */
function replyRange(c: Client, id: number, start: number, end: number, reverse: boolean): void {
  const length = listLength(c.db, id);
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  if (start > end || start >= length) {
    c.reply.arrayLen(0);
    return;
  }
  if (end >= length) end = length - 1;
  writeRange(c.reply, c.db, id, reverse ? end : start, end - start + 1, reverse);
}

/**
 * Pop up to `count` elements at `end` of the list at entry `id` (key argv[keyIndex]) and reply
 * them as an array, from that end inwards; an emptied list is deleted.
 */
function popRange(c: Client, argv: Argv, keyIndex: number, id: number, end: End, count: number): void {
  const length = listLength(c.db, id);
  const n = count > length ? length : count;
  writeRange(c.reply, c.db, id, end === End.Head ? 0 : length - 1, n, end === End.Tail);
  removeAtEnd(c.db, id, end, n);
  afterRemoval(c, id, argv, keyIndex, popEvent(end), n);
}

/** listPopRangeAndReplyWithKey: [key, [elements...]] (LMPOP, BLMPOP). */
function popRangeWithKey(c: Client, argv: Argv, keyIndex: number, id: number, end: End, count: number): void {
  c.reply.arrayLen(2);
  c.reply.bulkBytes(argv.bufs[keyIndex], argv.starts[keyIndex], argv.ends[keyIndex]);
  popRange(c, argv, keyIndex, id, end, count);
}

/** getPositiveLongFromObjectOrReply: a non-negative long, or null after replying `message`. */
function argNonNegative(c: Client, argv: Argv, i: number, message: string): number | null {
  const v = argLong(argv, i);
  if (v === null || v < 0) {
    c.reply.error(message);
    return null;
  }
  return v;
}

/** getListPositionFromObjectOrReply: LEFT or RIGHT, or null after a syntax error. */
function argEnd(c: Client, argv: Argv, i: number): End | null {
  if (argv.is(i, 'LEFT')) return End.Head;
  if (argv.is(i, 'RIGHT')) return End.Tail;
  c.reply.error(SYNTAX);
  return null;
}

/** The latin1 keys argv[from, from + count), for block(). */
function keyStrings(argv: Argv, from: number, count: number): string[] {
  const keys: string[] = [];
  for (let i = from; i < from + count; i++) keys.push(argv.str(i));
  return keys;
}

// ---------------------------------------------------------------------------------------------
// LPUSH, RPUSH, LPUSHX, RPUSHX, LINSERT
// ---------------------------------------------------------------------------------------------

function pushGeneric(c: Client, argv: Argv, end: End, onlyExisting: boolean): void {
  const db = c.db;
  const id = lookupList(c, argv, 1, Lookup.Normal);
  if (id < 0) return;
  if (id === 0) {
    if (onlyExisting) {
      c.reply.integer(0);
      return;
    }
    createWithArgs(c, argv, 1, 2, argv.count, end);
    pushed(c, argv, end);
    c.reply.integer(argv.count - 2);
    return;
  }
  growingByArgs(c, id, argv, 2, argv.count);
  const length = pushArgs(db, id, argv, 2, argv.count, end);
  pushed(c, argv, end);
  c.reply.integer(length);
}

function pushed(c: Client, argv: Argv, end: End): void {
  c.engine.events.changedArg(c.db, argv, 1, Notify.List, pushEvent(end));
  c.engine.dirty += argv.count - 2;
}

function lpush(c: Client, argv: Argv): void {
  pushGeneric(c, argv, End.Head, false);
}

function rpush(c: Client, argv: Argv): void {
  pushGeneric(c, argv, End.Tail, false);
}

function lpushx(c: Client, argv: Argv): void {
  pushGeneric(c, argv, End.Head, true);
}

function rpushx(c: Client, argv: Argv): void {
  pushGeneric(c, argv, End.Tail, true);
}

/** LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the pivot, 0 without the key. */
function linsert(c: Client, argv: Argv): void {
  let after: boolean;
  if (argv.is(2, 'AFTER')) after = true;
  else if (argv.is(2, 'BEFORE')) after = false;
  else {
    c.reply.error(SYNTAX);
    return;
  }
  const db = c.db;
  const id = lookupList(c, argv, 1, Lookup.Normal);
  if (id <= 0) {
    if (id === 0) c.reply.integer(0);
    return;
  }
  // As Redis, the list is grown for the element before the pivot is known to be there.
  growingByArgs(c, id, argv, 4, 5);
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    const first = lpFirst(b, lp);
    const p = first === -1 ? -1 : lpFind(b, first, argv.bufs[3], argv.starts[3], argv.ends[3], 0);
    if (p === -1) {
      c.reply.integer(-1);
      return;
    }
    const at = after ? lpNext(b, p) : p;
    commitImage(db, id, lpInsert(b, lp, at, argv.bufs[4], argv.starts[4], argv.ends[4]));
  } else {
    const list = db.object<QuickList>(id);
    const pivot = argv.str(3);
    let i = 0;
    while (i < list.length && list.get(i) !== pivot) i++;
    if (i === list.length) {
      c.reply.integer(-1);
      return;
    }
    list.insert(after ? i + 1 : i, argv.str(4));
  }
  c.engine.events.changedArg(db, argv, 1, Notify.List, 'linsert');
  c.engine.dirty++;
  c.reply.integer(listLength(db, id));
}

// ---------------------------------------------------------------------------------------------
// LLEN, LINDEX, LRANGE, LPOS
// ---------------------------------------------------------------------------------------------

function llen(c: Client, argv: Argv): void {
  const id = lookupList(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  c.reply.integer(id === 0 ? 0 : listLength(c.db, id));
}

function lindex(c: Client, argv: Argv): void {
  const id = lookupList(c, argv, 1, Lookup.Read);
  if (id <= 0) {
    if (id === 0) c.reply.nullBulk();
    return;
  }
  const index = argLong(argv, 2);
  if (index === null) {
    c.reply.error(NOT_INTEGER);
    return;
  }
  const db = c.db;
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const p = lpSeek(b, db.packedOffset(id), index);
    if (p === -1) c.reply.nullBulk();
    else lpWriteBulk(c.reply, b, p);
    return;
  }
  const list = db.object<QuickList>(id);
  const i = index < 0 ? index + list.length : index;
  if (i < 0 || i >= list.length) c.reply.nullBulk();
  else c.reply.bulk(list.get(i));
}

/** LRANGE's and LTRIM's start and stop (argv[2], argv[3]), as rangeArgs() read them. */
const range = { start: 0, end: 0 };

/** Read argv[2] and argv[3] into `range`; false after replying the error. */
function rangeArgs(c: Client, argv: Argv): boolean {
  const start = argLong(argv, 2);
  const end = start === null ? null : argLong(argv, 3);
  if (start === null || end === null) {
    c.reply.error(NOT_INTEGER);
    return false;
  }
  range.start = start;
  range.end = end;
  return true;
}

function lrange(c: Client, argv: Argv): void {
  if (!rangeArgs(c, argv)) return;
  const id = lookupList(c, argv, 1, Lookup.Read);
  if (id <= 0) {
    if (id === 0) c.reply.arrayLen(0);
    return;
  }
  replyRange(c, id, range.start, range.end, false);
}

/** LPOS's matching indexes, gathered before the reply's length is known. */
const matchIndexes: number[] = [];

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
function lpos(c: Client, argv: Argv): void {
  let rank = 1;
  let count = -1; // -1: no COUNT option
  let maxlen = 0;
  for (let j = 3; j < argv.count; j++) {
    const more = j + 1 < argv.count;
    if (more && argv.is(j, 'RANK')) {
      j++;
      const v = argInt64(argv, j);
      if (v === null) {
        c.reply.error(NOT_INTEGER);
        return;
      }
      if (v < -9223372036854775807n) {
        c.reply.error(COUNT_OUT_OF_RANGE);
        return;
      }
      if (v === 0) {
        c.reply.error(LPOS_RANK_ZERO);
        return;
      }
      rank = Number(v);
    } else if (more && argv.is(j, 'COUNT')) {
      j++;
      const v = argNonNegative(c, argv, j, LPOS_COUNT_NEGATIVE);
      if (v === null) return;
      count = v;
    } else if (more && argv.is(j, 'MAXLEN')) {
      j++;
      const v = argNonNegative(c, argv, j, LPOS_MAXLEN_NEGATIVE);
      if (v === null) return;
      maxlen = v;
    } else {
      c.reply.error(SYNTAX);
      return;
    }
  }
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;
  const id = lookupList(c, argv, 1, Lookup.Read);
  if (id <= 0) {
    if (id === 0) {
      if (count !== -1) c.reply.arrayLen(0);
      else c.reply.nullBulk();
    }
    return;
  }
  const db = c.db;
  const length = listLength(db, id);
  const packed = db.isPacked(id);
  const b = packed ? db.packedBuffer(id) : null;
  const lp = packed ? db.packedOffset(id) : 0;
  const list = packed ? null : db.object<QuickList>(id);
  const element = packed ? '' : argv.str(2);
  let p = b === null ? 0 : fromTail ? lpLast(b, lp) : lpFirst(b, lp);
  let matches = 0;
  let found = -1;
  matchIndexes.length = 0;
  for (let index = 0; index < length && (maxlen === 0 || index < maxlen); index++) {
    const at = fromTail ? length - index - 1 : index;
    const equal =
      b !== null ? lpEquals(b, p, argv.bufs[2], argv.starts[2], argv.ends[2]) : (list as QuickList).get(at) === element;
    if (b !== null) p = fromTail ? lpPrev(b, lp, p) : lpNext(b, p);
    if (!equal) continue;
    matches++;
    if (matches < rank) continue;
    if (count === -1) {
      found = at;
      break;
    }
    matchIndexes.push(at);
    if (count !== 0 && matches - rank + 1 >= count) break;
  }
  if (count === -1) {
    if (found === -1) c.reply.nullBulk();
    else c.reply.integer(found);
    return;
  }
  c.reply.arrayLen(matchIndexes.length);
  for (const at of matchIndexes) c.reply.integer(at);
  matchIndexes.length = 0;
}

// ---------------------------------------------------------------------------------------------
// LSET, LREM, LTRIM
// ---------------------------------------------------------------------------------------------

function lset(c: Client, argv: Argv): void {
  const id = lookupList(c, argv, 1, Lookup.Normal);
  if (id <= 0) {
    if (id === 0) c.reply.error(NO_SUCH_KEY);
    return;
  }
  const index = argLong(argv, 2);
  if (index === null) {
    c.reply.error(NOT_INTEGER);
    return;
  }
  const db = c.db;
  growingByArgs(c, id, argv, 3, 4);
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    const p = lpSeek(b, lp, index);
    if (p === -1) {
      c.reply.error(INDEX_OUT_OF_RANGE);
      return;
    }
    commitImage(db, id, lpReplace(b, lp, p, argv.bufs[3], argv.starts[3], argv.ends[3]));
    lsetDone(c, argv);
    return;
  }
  const list = db.object<QuickList>(id);
  const i = index < 0 ? index + list.length : index;
  if (i < 0 || i >= list.length) {
    c.reply.error(INDEX_OUT_OF_RANGE);
    return;
  }
  list.set(i, argv.str(3));
  // A big element replaced by a small one may bring the list down to half the limit.
  shrinking(c, list, argv, 1);
  lsetDone(c, argv);
}

function lsetDone(c: Client, argv: Argv): void {
  c.engine.events.changedArg(c.db, argv, 1, Notify.List, 'lset');
  c.engine.dirty++;
  c.reply.ok();
}

/** LREM key count element: removes `count` matches from the head (negative: from the tail; 0: all). */
function lrem(c: Client, argv: Argv): void {
  const toRemove = argLong(argv, 2);
  if (toRemove === null) {
    c.reply.error(NOT_INTEGER);
    return;
  }
  const id = lookupList(c, argv, 1, Lookup.Normal);
  if (id <= 0) {
    if (id === 0) c.reply.integer(0);
    return;
  }
  const db = c.db;
  const fromTail = toRemove < 0;
  const limit = fromTail ? -toRemove : toRemove;
  let removed = 0;
  if (db.isPacked(id)) {
    removed = removeFromListpack(db, id, argv, limit, fromTail);
  } else {
    const element = argv.str(3);
    removed = db.object<QuickList>(id).removeWhere((value) => value === element, limit, fromTail);
  }
  if (removed > 0) afterRemoval(c, id, argv, 1, 'lrem', removed);
  c.reply.integer(removed);
}

/** LREM on a listpack: one pass that rebuilds the image without the removed entries. */
function removeFromListpack(db: Database, id: number, argv: Argv, limit: number, fromTail: boolean): number {
  const b = db.packedBuffer(id);
  const lp = db.packedOffset(id);
  const n = lpCount(b, lp);
  const s = argv.bufs[3];
  const ss = argv.starts[3];
  const se = argv.ends[3];
  // Which entries go: walk from the chosen end, and remember the first and last removed.
  let removed = 0;
  let p = fromTail ? lpLast(b, lp) : lpFirst(b, lp);
  const gone = removedFlags(n);
  for (let k = 0; k < n; k++) {
    const index = fromTail ? n - 1 - k : k;
    if ((limit === 0 || removed < limit) && lpEquals(b, p, s, ss, se)) {
      gone[index] = 1;
      removed++;
    }
    p = fromTail ? lpPrev(b, lp, p) : lpNext(b, p);
  }
  if (removed === 0) return 0;
  builder.reset();
  p = lpFirst(b, lp);
  for (let index = 0; index < n; index++) {
    if (gone[index] === 0) {
      const e = lpGet(b, p);
      if (e.isInt) builder.pushNumber(e.int);
      else builder.push(b, e.start, e.end);
    }
    p = lpNext(b, p);
  }
  const length = builder.finish();
  db.replacePacked(id, builder.buf, 0, length);
  return removed;
}

let removedScratch = new Uint8Array(256);

function removedFlags(n: number): Uint8Array {
  if (removedScratch.length < n) removedScratch = new Uint8Array(Math.max(n, removedScratch.length * 2));
  removedScratch.fill(0, 0, n);
  return removedScratch;
}

/** LTRIM key start stop: keep only [start, stop]; an empty result deletes the key. */
function ltrim(c: Client, argv: Argv): void {
  if (!rangeArgs(c, argv)) return;
  let { start, end } = range;
  const id = lookupList(c, argv, 1, Lookup.Normal);
  if (id <= 0) {
    if (id === 0) c.reply.ok();
    return;
  }
  const db = c.db;
  const length = listLength(db, id);
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  let fromHead: number;
  let fromTail: number;
  if (start > end || start >= length) {
    fromHead = length;
    fromTail = 0;
  } else {
    if (end >= length) end = length - 1;
    fromHead = start;
    fromTail = length - end - 1;
  }
  removeAtEnd(db, id, End.Head, fromHead);
  if (fromHead < length) removeAtEnd(db, id, End.Tail, fromTail);
  afterRemoval(c, id, argv, 1, 'ltrim', fromHead + fromTail);
  c.reply.ok();
}

// ---------------------------------------------------------------------------------------------
// LPOP, RPOP, LMPOP
// ---------------------------------------------------------------------------------------------

function popGeneric(c: Client, argv: Argv, end: End): void {
  const hasCount = argv.count === 3;
  if (argv.count > 3) {
    c.reply.error(wrongArity(end === End.Head ? 'lpop' : 'rpop'));
    return;
  }
  let count = 0;
  if (hasCount) {
    const v = argNonNegative(c, argv, 2, NOT_POSITIVE);
    if (v === null) return;
    count = v;
  }
  const id = lookupList(c, argv, 1, Lookup.Normal);
  if (id <= 0) {
    if (id === 0) {
      if (hasCount) c.reply.nullArray();
      else c.reply.nullBulk();
    }
    return;
  }
  if (hasCount && count === 0) {
    c.reply.arrayLen(0);
    return;
  }
  if (!hasCount) {
    c.reply.bulk(popString(c.db, id, end));
    afterRemoval(c, id, argv, 1, popEvent(end), 1);
    return;
  }
  popRange(c, argv, 1, id, end, count);
}

function lpop(c: Client, argv: Argv): void {
  popGeneric(c, argv, End.Head);
}

function rpop(c: Client, argv: Argv): void {
  popGeneric(c, argv, End.Tail);
}

/** LMPOP/BLMPOP's arguments from the numkeys at `numkeysIndex`, the end as an End; null after an error. */
function parseMpop(c: Client, argv: Argv, numkeysIndex: number): { first: number; keys: number; end: End; count: number } | null {
  const args = parseMpopArgs(c, argv, numkeysIndex, 'LEFT', 'RIGHT');
  return args === null ? null : { first: args.first, keys: args.keys, end: args.which === 0 ? End.Head : End.Tail, count: args.count };
}

/** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]. */
function lmpop(c: Client, argv: Argv): void {
  const args = parseMpop(c, argv, 1);
  if (args === null) return;
  for (let k = args.first; k < args.first + args.keys; k++) {
    const id = lookupList(c, argv, k, Lookup.Normal);
    if (id < 0) return;
    if (id === 0) continue;
    popRangeWithKey(c, argv, k, id, args.end, args.count);
    return;
  }
  c.reply.nullArray();
}

// ---------------------------------------------------------------------------------------------
// LMOVE, RPOPLPUSH
// ---------------------------------------------------------------------------------------------

/**
 * lmoveGenericCommand: move an element from `from` of argv[1] to `to` of argv[2] (which may be
 * the same list) and reply it; a null bulk when the source is missing.
 */
function moveGeneric(c: Client, argv: Argv, from: End, to: End): void {
  const db = c.db;
  const source = lookupList(c, argv, 1, Lookup.Normal);
  if (source <= 0) {
    if (source === 0) c.reply.nullBulk();
    return;
  }
  let destination = lookupList(c, argv, 2, Lookup.Normal);
  if (destination < 0) return;
  // Popped from a quicklist, an integer comes back as a number, which Redis's growth check
  // does not count (listTypeTryConversionAppend counts string-encoded values only).
  const counted = db.isPacked(source);
  const value = popString(db, source, from);
  if (destination === 0) {
    // A new list: its creation is what wakes clients blocked on it.
    destination = db.setPacked(argv.bufs[2], argv.starts[2], argv.ends[2], ValueType.List, EMPTY_LISTPACK, 0, EMPTY_LISTPACK.length);
  }
  growing(c, destination, counted || !isInt64String(value) ? value.length : 0, 1);
  pushString(db, destination, value, to);
  c.engine.events.changedArg(db, argv, 2, Notify.List, pushEvent(to));
  c.reply.bulk(value);
  afterRemoval(c, source, argv, 1, popEvent(from), 1);
}

function lmove(c: Client, argv: Argv): void {
  const from = argEnd(c, argv, 3);
  if (from === null) return;
  const to = argEnd(c, argv, 4);
  if (to === null) return;
  moveGeneric(c, argv, from, to);
}

function rpoplpush(c: Client, argv: Argv): void {
  moveGeneric(c, argv, End.Tail, End.Head);
}

// ---------------------------------------------------------------------------------------------
// BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH
// ---------------------------------------------------------------------------------------------

/**
 * blockingPopGenericCommand over keys argv[first, first + keys): pop from the first list there
 * is, or wait for one. `count` -1 is BLPOP/BRPOP's single pop ([key, element]); otherwise
 * BLMPOP's [key, [elements...]]. The timeout reply is a null array.
 */
function blockingPop(c: Client, argv: Argv, first: number, keys: number, end: End, timeoutIndex: number, count: number): void {
  const deadline = parseBlockTimeout(c, argv, timeoutIndex);
  if (deadline === null) return;
  for (let k = first; k < first + keys; k++) {
    const id = lookupList(c, argv, k, Lookup.Normal);
    if (id < 0) return;
    if (id === 0) continue;
    if (count !== -1) {
      popRangeWithKey(c, argv, k, id, end, count);
      return;
    }
    c.reply.arrayLen(2);
    c.reply.bulkBytes(argv.bufs[k], argv.starts[k], argv.ends[k]);
    c.reply.bulk(popString(c.db, id, end));
    afterRemoval(c, id, argv, k, popEvent(end), 1);
    return;
  }
  // Where it may not wait (MULTI, scripts), it answers as if the time were up, even for 0.
  const blocking = c.engine.blocking;
  if (!blocking.canBlock(c)) {
    c.reply.nullArray();
    return;
  }
  blocking.block(c, keyStrings(argv, first, keys), deadline, BlockKind.List);
}

function blpop(c: Client, argv: Argv): void {
  blockingPop(c, argv, 1, argv.count - 2, End.Head, argv.count - 1, -1);
}

function brpop(c: Client, argv: Argv): void {
  blockingPop(c, argv, 1, argv.count - 2, End.Tail, argv.count - 1, -1);
}

/** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]. */
function blmpop(c: Client, argv: Argv): void {
  const args = parseMpop(c, argv, 2);
  if (args === null) return;
  blockingPop(c, argv, args.first, args.keys, args.end, 1, args.count);
}

/**
 * blmoveGenericCommand: LMOVE when the source exists, else wait on it. Its timeout reply is a
 * null array (RESP2 `*-1`), as Redis's for every list wait; where it may not wait it replies a
 * null bulk at once, as Redis does.
 */
function blockingMove(c: Client, argv: Argv, from: End, to: End, timeoutIndex: number): void {
  const deadline = parseBlockTimeout(c, argv, timeoutIndex);
  if (deadline === null) return;
  const source = lookupList(c, argv, 1, Lookup.Normal);
  if (source < 0) return;
  if (source !== 0) {
    moveGeneric(c, argv, from, to);
    return;
  }
  const blocking = c.engine.blocking;
  if (!blocking.canBlock(c)) {
    c.reply.nullBulk();
    return;
  }
  blocking.block(c, keyStrings(argv, 1, 1), deadline, BlockKind.List);
}

function blmove(c: Client, argv: Argv): void {
  const from = argEnd(c, argv, 3);
  if (from === null) return;
  const to = argEnd(c, argv, 4);
  if (to === null) return;
  blockingMove(c, argv, from, to, 5);
}

function brpoplpush(c: Client, argv: Argv): void {
  blockingMove(c, argv, End.Tail, End.Head, 3);
}

// ---------------------------------------------------------------------------------------------
// Lists made whole (SORT ... STORE)
// ---------------------------------------------------------------------------------------------

/**
 * SORT ... STORE: set key argv[keyIndex] of the client's database to a list of `elements`
 * (latin1, head first), replacing any value; no elements delete the key, as Redis does. The
 * list takes the form Redis gives a list built whole: a quicklist filled with nodes of 8 KB,
 * then listTypeTryConversion(LIST_CONV_AUTO), which makes a listpack of a one-node list within
 * the configured limit.
 */
export function storeList(c: Client, argv: Argv, keyIndex: number, elements: readonly string[]): void {
  const db = c.db;
  const events = c.engine.events;
  if (elements.length === 0) {
    if (db.deleteKey(argv.bufs[keyIndex], argv.starts[keyIndex], argv.ends[keyIndex])) {
      events.changedArg(db, argv, keyIndex, Notify.Generic, 'del');
      c.engine.dirty++;
    }
    return;
  }
  writeWholeList(c, argv, keyIndex, elements);
  events.changedArg(db, argv, keyIndex, Notify.List, 'sortstore');
  c.engine.dirty += elements.length;
}

export function writeWholeList(c: Client, argv: Argv, keyIndex: number, elements: readonly string[]): void {
  const db = c.db;
  const k = argv.bufs[keyIndex];
  const ks = argv.starts[keyIndex];
  const ke = argv.ends[keyIndex];
  const fill = c.engine.store.limits.listMaxListpackSize;
  // Would quicklist.c's node filling (fill -2: 8 KB, estimated with 8 bytes of overhead per
  // element) keep every element in the first node?
  let nodeBytes = EMPTY_LISTPACK.length;
  let oneNode = true;
  for (let i = 0; i < elements.length && oneNode; i++) {
    if (i > 0 && nodeBytes + elements[i].length + SIZE_ESTIMATE_OVERHEAD > SIZE_LEVELS[1]) oneNode = false;
    nodeBytes += listpackEntrySize(elements[i]);
  }
  if (oneNode && nodeBytes <= sizeLimit(fill) && elements.length <= countLimit(fill)) {
    builder.reset();
    for (const element of elements) builder.pushString(element);
    const n = builder.finish();
    db.setPacked(k, ks, ke, ValueType.List, builder.buf, 0, n);
    return;
  }
  const list = new QuickList();
  for (const element of elements) list.pushTail(element);
  db.setObject(k, ks, ke, ValueType.List, list);
}

/**
 * A list's elements as quicklist node images (DUMP and snapshots), filled as appending them one
 * by one fills Redis's nodes (_quicklistNodeAllowInsert): a node takes an element while its
 * bytes plus the element's length plus SIZE_ESTIMATE_OVERHEAD stay within the limits.
 */
export function quicklistNodes(elements: readonly string[], fill: number): Uint8Array[] {
  const nodes: Uint8Array[] = [];
  builder.reset();
  let count = 0;
  let bytes = EMPTY_LISTPACK.length;
  for (const e of elements) {
    if (count > 0 && exceedsListpack(fill, bytes + e.length + SIZE_ESTIMATE_OVERHEAD, count + 1)) {
      nodes.push(Buffer.from(builder.buf.subarray(0, builder.finish())));
      builder.reset();
      count = 0;
      bytes = EMPTY_LISTPACK.length;
    }
    builder.pushString(e);
    count++;
    bytes += listpackEntrySize(e);
  }
  nodes.push(Buffer.from(builder.buf.subarray(0, builder.finish())));
  return nodes;
}

/** The elements of the list at entry `id`, head first (SORT reads its input with this). */
export function listElements(db: Database, id: number): string[] {
  if (!db.isPacked(id)) return db.object<QuickList>(id).toArray();
  const b = db.packedBuffer(id);
  const lp = db.packedOffset(id);
  const out: string[] = [];
  for (let p = lpFirst(b, lp); p !== -1; p = lpNext(b, p)) out.push(lpString(b, p));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The family's table
// ---------------------------------------------------------------------------------------------

export const listCommands: CommandEntry[] = [
  { name: 'lpush', handler: lpush },
  { name: 'rpush', handler: rpush },
  { name: 'lpushx', handler: lpushx },
  { name: 'rpushx', handler: rpushx },
  { name: 'linsert', handler: linsert },
  { name: 'llen', handler: llen },
  { name: 'lindex', handler: lindex },
  { name: 'lrange', handler: lrange },
  { name: 'lpos', handler: lpos },
  { name: 'lset', handler: lset },
  { name: 'lrem', handler: lrem },
  { name: 'ltrim', handler: ltrim },
  { name: 'lpop', handler: lpop },
  { name: 'rpop', handler: rpop },
  { name: 'lmpop', handler: lmpop },
  { name: 'lmove', handler: lmove },
  { name: 'rpoplpush', handler: rpoplpush },
  { name: 'blpop', handler: blpop },
  { name: 'brpop', handler: brpop },
  { name: 'blmpop', handler: blmpop },
  { name: 'blmove', handler: blmove },
  { name: 'brpoplpush', handler: brpoplpush },
];
