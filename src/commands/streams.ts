/**
 * Stream commands, as Redis 7.2's t_stream.c: XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XREAD,
 * XSETID, XINFO; consumer groups: XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM.
 *
 * The stream itself (listpack nodes, iteration, trimming) is types/stream.ts; groups and their
 * pending lists are types/stream-groups.ts. Blocking XREAD/XREADGROUP wait through the engine's
 * BlockingManager and are run again when an XADD signals their key, as Redis 7.2 does.
 */

import type { Argv } from '../protocol/argv.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import { BlockKind, parseBlockTimeoutMs } from '../server/blocking.js';
import { ClientFlag, type Client } from '../server/client.js';
import { Notify } from '../server/keyspace-events.js';
import { Lookup } from '../store/database.js';
import { ValueType } from '../store/entries.js';
import { Stream, StreamIterator, STREAM_LISTPACK_MAX_SIZE, TrimStrategy, type TrimArgs, type EntryView } from '../types/stream.js';
import { Consumer, ConsumerGroup, sortedByName, type Nack } from '../types/stream-groups.js';
import {
  compareIds,
  formatId,
  idIsMax,
  idIsZero,
  IdParse,
  MAX_ID,
  nextId,
  parseStreamId,
  previousId,
  seqGiven,
  U64_MAX,
  ZERO_ID,
  type StreamID,
  type U64,
} from '../types/stream-id.js';
import { argInt64 } from './args.js';
import { cString, NOT_INTEGER, SYNTAX, WRONGTYPE, wrongArity } from './errors.js';
import { registerKeyType, objectCopier } from './keys.js';
import { replyHelp, subcommandSyntaxError } from './server.js';
import type { CommandEntry } from './types.js';

const INVALID_ID = 'ERR Invalid stream ID specified as stream command argument';
const INVALID_START = 'ERR invalid start ID for the interval';
const INVALID_END = 'ERR invalid end ID for the interval';
const XADD_ID_TOO_SMALL = 'ERR The ID specified in XADD is equal or smaller than the target stream top item';
const XADD_ZERO_ID = 'ERR The ID specified in XADD must be greater than 0-0';
const XADD_EXHAUSTED = 'ERR The stream has exhausted the last possible ID, unable to add more items';
const XADD_TOO_LARGE = 'ERR Elements are too large to be stored';
const TRIM_BOTH = 'ERR syntax error, MAXLEN and MINID options at the same time are not compatible';
const NO_SUCH_KEY = 'ERR no such key';

registerKeyType(ValueType.Stream, {
  encoding: () => 'stream',
  copy: objectCopier<Stream>(cloneStream),
});

function cloneStream(s: Stream): Stream {
  const copy = s.cloneEntries();
  if (s.groups !== null) {
    copy.groups = new Map();
    for (const [name, g] of s.groups) copy.groups.set(name, g.clone());
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Lookups, IDs, replies
// ---------------------------------------------------------------------------------------------

/** The stream at argv[i]: its entry, 0 when missing, -1 after replying WRONGTYPE. */
function lookupStream(c: Client, argv: Argv, i: number, flags: Lookup): number {
  const id = c.db.findArg(argv, i, flags);
  if (id !== 0 && c.db.type(id) !== ValueType.Stream) {
    c.reply.error(WRONGTYPE);
    return -1;
  }
  return id;
}

function streamAt(c: Client, id: number): Stream {
  return c.db.object<Stream>(id);
}

function idArg(c: Client, argv: Argv, i: number, missingSeq: U64, mode: IdParse): StreamID | null {
  const id = parseStreamId(argv.bufs[i], argv.starts[i], argv.ends[i], missingSeq, mode);
  if (id === null) c.reply.error(INVALID_ID);
  return id;
}

/** streamParseIntervalIDOrReply: an ID, or `(ID` exclusive (then strict). */
function intervalArg(c: Client, argv: Argv, i: number, missingSeq: U64): { id: StreamID; exclusive: boolean } | null {
  const b = argv.bufs[i];
  const s = argv.starts[i];
  const exclusive = argv.ends[i] - s > 1 && b[s] === 0x28;
  const id = parseStreamId(b, exclusive ? s + 1 : s, argv.ends[i], missingSeq, exclusive ? IdParse.Strict : IdParse.Loose);
  if (id === null) {
    c.reply.error(INVALID_ID);
    return null;
  }
  return { id, exclusive };
}

/** A range's start: `(` moves it past the ID. Null after replying. */
function rangeStart(c: Client, argv: Argv, i: number): StreamID | null {
  const parsed = intervalArg(c, argv, i, 0);
  if (parsed === null) return null;
  if (!parsed.exclusive) return parsed.id;
  const id = nextId(parsed.id);
  if (id === null) c.reply.error(INVALID_START);
  return id;
}

function rangeEnd(c: Client, argv: Argv, i: number): StreamID | null {
  const parsed = intervalArg(c, argv, i, U64_MAX);
  if (parsed === null) return null;
  if (!parsed.exclusive) return parsed.id;
  const id = previousId(parsed.id);
  if (id === null) c.reply.error(INVALID_END);
  return id;
}

function replyId(r: ReplyWriter, id: StreamID): void {
  r.bulk(formatId(id));
}

/** getLongLongFromObjectOrReply with Redis's generic or a custom message. */
function longLongArg(c: Client, argv: Argv, i: number, message = NOT_INTEGER): number | null {
  const v = argInt64(argv, i);
  if (v === null) {
    c.reply.error(message.startsWith('ERR ') ? message : `ERR ${message}`);
    return null;
  }
  return Number(v);
}

function entryReply(r: ReplyWriter, e: EntryView): void {
  r.arrayLen(2);
  replyId(r, e.id);
  e.writeFields(r);
}

const iterator = new StreamIterator();

/** Reply entry `id` alone ([id, fields]); false when it is not in the stream. */
function replyOneEntry(r: ReplyWriter, s: Stream, id: StreamID): boolean {
  const it = iterator.begin(s, id, id, false);
  if (!it.next()) return false;
  entryReply(r, it.entry);
  return true;
}

function now(c: Client): number {
  return c.engine.store.now();
}

// ---------------------------------------------------------------------------------------------
// XADD, XTRIM
// ---------------------------------------------------------------------------------------------

interface AddTrimArgs extends TrimArgs {
  id: StreamID;
  idGiven: boolean;
  seqGiven: boolean;
  noMkStream: boolean;
  /** Where parsing stopped: XADD's ID argument. */
  idPos: number;
  /** Where the `~` and the MAXLEN/MINID threshold are (-1: not given), for propagation. */
  approxAt: number;
  thresholdAt: number;
}

/** streamParseAddOrTrimArgsOrReply. */
function parseAddTrimArgs(c: Client, argv: Argv, xadd: boolean): AddTrimArgs | null {
  const args: AddTrimArgs = {
    strategy: TrimStrategy.None,
    approx: false,
    limit: 0,
    maxLen: 0,
    minId: ZERO_ID,
    id: ZERO_ID,
    idGiven: false,
    seqGiven: true,
    noMkStream: false,
    idPos: 0,
    approxAt: -1,
    thresholdAt: -1,
  };
  let limitGiven = false;
  let i = 2;
  for (; i < argv.count; i++) {
    const more = argv.count - 1 - i;
    if (xadd && argv.len(i) === 1 && argv.bufs[i][argv.starts[i]] === 0x2a) break;
    if (argv.is(i, 'MAXLEN') && more > 0) {
      if (args.strategy !== TrimStrategy.None) {
        c.reply.error(TRIM_BOTH);
        return null;
      }
      args.approx = false;
      args.approxAt = -1;
      if (more >= 2 && isToken(argv, i + 1, 0x7e)) {
        args.approx = true;
        args.approxAt = ++i;
      } else if (more >= 2 && isToken(argv, i + 1, 0x3d)) i++;
      args.thresholdAt = i + 1;
      const v = argInt64(argv, i + 1);
      if (v === null) {
        c.reply.error(NOT_INTEGER);
        return null;
      }
      if (v < 0) {
        c.reply.error('ERR The MAXLEN argument must be >= 0.');
        return null;
      }
      args.maxLen = Number(v);
      i++;
      args.strategy = TrimStrategy.MaxLen;
    } else if (argv.is(i, 'MINID') && more > 0) {
      if (args.strategy !== TrimStrategy.None) {
        c.reply.error(TRIM_BOTH);
        return null;
      }
      args.approx = false;
      args.approxAt = -1;
      if (more >= 2 && isToken(argv, i + 1, 0x7e)) {
        args.approx = true;
        args.approxAt = ++i;
      } else if (more >= 2 && isToken(argv, i + 1, 0x3d)) i++;
      args.thresholdAt = i + 1;
      const id = idArg(c, argv, i + 1, 0, IdParse.Strict);
      if (id === null) return null;
      args.minId = id;
      i++;
      args.strategy = TrimStrategy.MinId;
    } else if (argv.is(i, 'LIMIT') && more > 0) {
      const v = argInt64(argv, i + 1);
      if (v === null) {
        c.reply.error(NOT_INTEGER);
        return null;
      }
      if (v < 0) {
        c.reply.error('ERR The LIMIT argument must be >= 0.');
        return null;
      }
      args.limit = Number(v);
      limitGiven = true;
      i++;
    } else if (xadd && argv.is(i, 'NOMKSTREAM')) {
      args.noMkStream = true;
    } else if (xadd) {
      const id = parseStreamId(argv.bufs[i], argv.starts[i], argv.ends[i], 0, IdParse.Strict, true);
      if (id === null) {
        c.reply.error(INVALID_ID);
        return null;
      }
      args.id = id;
      args.seqGiven = seqGiven;
      args.idGiven = true;
      break;
    } else {
      c.reply.error(SYNTAX);
      return null;
    }
  }
  args.idPos = i;
  if (args.limit !== 0 && args.strategy === TrimStrategy.None) {
    c.reply.error('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
    return null;
  }
  if (!xadd && args.strategy === TrimStrategy.None) {
    c.reply.error('ERR syntax error, XTRIM must be called with a trimming strategy');
    return null;
  }
  if ((c.flags & ClientFlag.ObeyAlways) !== 0) {
    // The AOF's trims were made exact when written (mustObeyClient): no node limit, no check.
    args.limit = 0;
  } else if (limitGiven) {
    if (!args.approx) {
      c.reply.error('ERR syntax error, LIMIT cannot be used without the special ~ option');
      return null;
    }
  } else if (args.approx) {
    // At most 100 nodes' worth of work unless told otherwise.
    let limit = 100 * c.engine.config.getNumber('stream-node-max-entries');
    if (limit <= 0) limit = 10000;
    if (limit > 1000000) limit = 1000000;
    args.limit = limit;
  } else args.limit = 0;
  return args;
}

function isToken(argv: Argv, i: number, ch: number): boolean {
  return argv.len(i) === 1 && argv.bufs[i][argv.starts[i]] === ch;
}

function xadd(c: Client, argv: Argv): void {
  const args = parseAddTrimArgs(c, argv, true);
  if (args === null) return;
  const fieldAt = args.idPos + 1;
  const rest = argv.count - fieldAt;
  if (rest < 2 || rest % 2 === 1) {
    c.reply.error(wrongArity('xadd'));
    return;
  }
  if (args.idGiven && args.seqGiven && idIsZero(args.id)) {
    c.reply.error(XADD_ZERO_ID);
    return;
  }
  const db = c.db;
  let key = lookupStream(c, argv, 1, Lookup.Normal);
  if (key < 0) return;
  if (key === 0) {
    if (args.noMkStream) {
      c.reply.nullBulk();
      return;
    }
    key = db.setObject(argv.bufs[1], argv.starts[1], argv.ends[1], ValueType.Stream, new Stream());
  }
  const s = streamAt(c, key);
  if (idIsMax(s.lastId)) {
    c.reply.error(XADD_EXHAUSTED);
    return;
  }
  const id = newEntryId(c, s, args);
  if (id === null || compareIds(id, s.lastId) <= 0) {
    c.reply.error(XADD_ID_TOO_SMALL);
    return;
  }
  let elementBytes = 0;
  for (let i = fieldAt; i < argv.count; i++) elementBytes += argv.len(i);
  if (elementBytes > STREAM_LISTPACK_MAX_SIZE) {
    c.reply.error(XADD_TOO_LARGE);
    return;
  }
  const config = c.engine.config;
  s.append(id, argv, fieldAt, rest / 2, elementBytes, config.getNumber('stream-node-max-bytes'), config.getNumber('stream-node-max-entries'));
  replyId(c.reply, id);
  const events = c.engine.events;
  events.changedArg(db, argv, 1, Notify.Stream, 'xadd');
  c.engine.dirty++;
  if (args.strategy !== TrimStrategy.None && s.trim(args) > 0) events.notifyArg(Notify.Stream, 'xtrim', db, argv, 1);
  // An ID the server chose (*, or ms-*) replays as the ID it became, an approximate trim as
  // the exact one it did.
  const propagation = c.engine.propagation;
  if (propagation.active && (!(args.idGiven && args.seqGiven) || args.approx)) propagation.replaceWith(exactAddTrim(argv, args, s, formatId(id)));
  const blocking = c.engine.blocking;
  if (blocking.blockedClients > 0) blocking.signalKeyAsReady(db, argv.str(1));
}

/** The ID XADD gives its entry (streamAppendItem's first half); null on overflow. */
function newEntryId(c: Client, s: Stream, args: AddTrimArgs): StreamID | null {
  if (args.idGiven) {
    if (args.seqGiven) return args.id;
    if (s.lastId.ms === args.id.ms) return s.lastId.seq === U64_MAX ? null : nextId(s.lastId);
    return args.id;
  }
  const ms = now(c);
  if (ms > s.lastId.ms) return { ms, seq: 0 };
  return nextId(s.lastId) ?? ZERO_ID;
}

function xtrim(c: Client, argv: Argv): void {
  const args = parseAddTrimArgs(c, argv, false);
  if (args === null) return;
  const key = lookupStream(c, argv, 1, Lookup.Normal);
  if (key <= 0) {
    if (key === 0) c.reply.integer(0);
    return;
  }
  const s = streamAt(c, key);
  const deleted = s.trim(args);
  if (deleted > 0) {
    const events = c.engine.events;
    events.notifyArg(Notify.Stream, 'xtrim', c.db, argv, 1);
    events.modifiedArg(c.db, argv, 1);
    c.engine.dirty += deleted;
    const propagation = c.engine.propagation;
    if (propagation.active && args.approx) propagation.replaceWith(exactAddTrim(argv, args, s, null));
  }
  c.reply.integer(deleted);
}

/**
 * XADD or XTRIM as it replays to the same stream (streamRewriteApproxSpecifier and
 * streamRewriteTrimArgument): `~` becomes `=`, the threshold what the trim left (the length,
 * or the first ID), and XADD's ID the one it made.
 */
function exactAddTrim(argv: Argv, args: AddTrimArgs, s: Stream, id: string | null): (string | Uint8Array)[] {
  const parts: (string | Uint8Array)[] = [];
  for (let i = 0; i < argv.count; i++) {
    if (id !== null && i === args.idPos) parts.push(id);
    else if (args.approx && i === args.approxAt) parts.push('=');
    else if (args.approx && i === args.thresholdAt) parts.push(args.strategy === TrimStrategy.MaxLen ? String(s.length) : formatId(s.firstId));
    else parts.push(argv.buffer(i));
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------
// XLEN, XRANGE, XREVRANGE, XDEL
// ---------------------------------------------------------------------------------------------

function xlen(c: Client, argv: Argv): void {
  const key = lookupStream(c, argv, 1, Lookup.Read);
  if (key < 0) return;
  c.reply.integer(key === 0 ? 0 : streamAt(c, key).length);
}

function xrangeGeneric(c: Client, argv: Argv, rev: boolean): void {
  const start = rangeStart(c, argv, rev ? 3 : 2);
  if (start === null) return;
  const end = rangeEnd(c, argv, rev ? 2 : 3);
  if (end === null) return;
  let count = -1;
  for (let j = 4; j < argv.count; j++) {
    if (argv.is(j, 'COUNT') && j + 1 < argv.count) {
      const v = longLongArg(c, argv, j + 1);
      if (v === null) return;
      count = v < 0 ? 0 : v;
      j++;
    } else {
      c.reply.error(SYNTAX);
      return;
    }
  }
  const key = lookupStream(c, argv, 1, Lookup.Read);
  if (key < 0) return;
  if (key === 0) {
    c.reply.arrayLen(0);
    return;
  }
  if (count === 0) {
    c.reply.nullArray();
    return;
  }
  replyRange(c.reply, streamAt(c, key), start, end, count === -1 ? 0 : count, rev);
}

/** streamReplyWithRange without a group: the entries of [start, end], at most `count` (0: all). */
function replyRange(r: ReplyWriter, s: Stream, start: StreamID, end: StreamID, count: number, rev: boolean): number {
  const at = r.deferLen();
  let n = 0;
  const it = iterator.begin(s, start, end, rev);
  while (it.next()) {
    entryReply(r, it.entry);
    if (++n === count) break;
  }
  r.setDeferredLen(at, n);
  return n;
}

function xdel(c: Client, argv: Argv): void {
  const key = lookupStream(c, argv, 1, Lookup.Normal);
  if (key <= 0) {
    if (key === 0) c.reply.integer(0);
    return;
  }
  const s = streamAt(c, key);
  const ids: StreamID[] = [];
  for (let j = 2; j < argv.count; j++) {
    const id = idArg(c, argv, j, 0, IdParse.Strict);
    if (id === null) return;
    ids.push(id);
  }
  let deleted = 0;
  let firstEntry = false;
  for (const id of ids) {
    if (!s.deleteEntry(id)) continue;
    if (compareIds(id, s.firstId) === 0) firstEntry = true;
    if (compareIds(id, s.maxDeletedId) > 0) s.maxDeletedId = id;
    deleted++;
  }
  if (deleted > 0) {
    if (s.length === 0) s.firstId = ZERO_ID;
    else if (firstEntry) s.firstId = s.edgeId(true, true);
    c.engine.events.changedArg(c.db, argv, 1, Notify.Stream, 'xdel');
    c.engine.dirty += deleted;
  }
  c.reply.integer(deleted);
}

// ---------------------------------------------------------------------------------------------
// XREAD, XREADGROUP
// ---------------------------------------------------------------------------------------------

/** A group's read of entries past its last ID (streamReplyWithRange with a group). */
function replyGroupRange(c: Client, s: Stream, start: StreamID, count: number, group: ConsumerGroup, consumer: Consumer, noack: boolean, delivered: Nack[] | null): void {
  const r = c.reply;
  const at = r.deferLen();
  let n = 0;
  const t = now(c);
  const it = iterator.begin(s, start, MAX_ID, false);
  while (it.next()) {
    const id = it.entry.id;
    if (compareIds(id, group.lastId) > 0) {
      if (group.entriesRead !== -1 && !s.rangeHasTombstones(id, null)) group.entriesRead++;
      else if (s.entriesAdded !== 0) group.entriesRead = s.estimateDistance(id);
      group.lastId = id;
    }
    entryReply(r, it.entry);
    if (!noack) {
      const existing = group.pel.find(id);
      if (existing === undefined) {
        const nack: Nack = { id, deliveryTime: t, deliveryCount: 1, consumer };
        group.pel.insert(nack);
        consumer.pel.insert(nack);
        delivered?.push(nack);
      } else {
        existing.consumer?.pel.remove(id);
        existing.consumer = consumer;
        existing.deliveryTime = t;
        existing.deliveryCount = 1;
        consumer.pel.insert(existing);
        delivered?.push(existing);
      }
      consumer.activeTime = t;
    }
    if (++n === count) break;
  }
  r.setDeferredLen(at, n);
}

/** streamReplyWithRangeFromConsumerPEL: a consumer's own history from `start`. */
function replyConsumerHistory(c: Client, s: Stream, start: StreamID, count: number, consumer: Consumer, delivered: Nack[] | null): void {
  const r = c.reply;
  const items = consumer.pel.items;
  const at = r.deferLen();
  let n = 0;
  const t = now(c);
  for (let i = consumer.pel.lowerBound(start); i < items.length && (count === 0 || n < count); i++) {
    const nack = items[i];
    if (replyOneEntry(r, s, nack.id)) {
      nack.deliveryTime = t;
      nack.deliveryCount++;
      delivered?.push(nack);
    } else {
      r.arrayLen(2);
      replyId(r, nack.id);
      r.nullArray();
    }
    n++;
  }
  r.setDeferredLen(at, n);
}

const GROUP_DOLLAR =
  'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.';
const GT_WITHOUT_GROUP = 'ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.';

function xreadGeneric(c: Client, argv: Argv, xreadgroup: boolean): void {
  let deadline = -1;
  let count = 0;
  let streamsAt = 0;
  let streams = 0;
  let noack = false;
  let groupArg = -1;
  for (let i = 1; i < argv.count; i++) {
    const more = argv.count - i - 1;
    if (argv.is(i, 'BLOCK') && more > 0) {
      // Scripts cannot wait: Redis 7.2 refuses the option from them outright.
      if ((c.flags & ClientFlag.Script) !== 0) {
        c.reply.error(`ERR ${argv.str(0)} command is not allowed with BLOCK option from scripts`);
        return;
      }
      i++;
      const d = parseBlockTimeoutMs(c, argv, i);
      if (d === null) return;
      deadline = d;
    } else if (argv.is(i, 'COUNT') && more > 0) {
      i++;
      const v = longLongArg(c, argv, i);
      if (v === null) return;
      count = v < 0 ? 0 : v;
    } else if (argv.is(i, 'STREAMS') && more > 0) {
      streamsAt = i + 1;
      streams = argv.count - streamsAt;
      if (streams % 2 !== 0) {
        const name = xreadgroup ? 'xreadgroup' : 'xread';
        c.reply.error(`ERR Unbalanced '${name}' list of streams: for each stream key an ID or '${xreadgroup ? '>' : '$'}' must be specified.`);
        return;
      }
      streams /= 2;
      break;
    } else if (argv.is(i, 'GROUP') && more >= 2) {
      if (!xreadgroup) {
        c.reply.error('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
        return;
      }
      groupArg = i + 1;
      i += 2;
    } else if (argv.is(i, 'NOACK')) {
      if (!xreadgroup) {
        c.reply.error('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
        return;
      }
      noack = true;
    } else {
      c.reply.error(SYNTAX);
      return;
    }
  }
  if (streamsAt === 0) {
    c.reply.error(SYNTAX);
    return;
  }
  if (xreadgroup && groupArg === -1) {
    c.reply.error('ERR Missing GROUP option for XREADGROUP');
    return;
  }
  const db = c.db;
  const groupName = groupArg === -1 ? '' : argv.str(groupArg);
  const ids: StreamID[] = [];
  const groups: (ConsumerGroup | null)[] = [];
  const rewrites: [number, string][] = [];
  for (let i = streamsAt + streams; i < argv.count; i++) {
    const k = i - streams;
    const key = lookupStream(c, argv, k, Lookup.Read);
    if (key < 0) return;
    const s = key === 0 ? null : streamAt(c, key);
    if (xreadgroup) {
      const g = s?.groups?.get(groupName);
      if (g === undefined) {
        c.reply.error(`NOGROUP No such key '${cString(argv.str(k), Infinity)}' or consumer group '${cString(groupName, Infinity)}' in XREADGROUP with GROUP option`);
        return;
      }
      groups.push(g);
    } else groups.push(null);
    if (isToken(argv, i, 0x24)) {
      if (xreadgroup) {
        c.reply.error(GROUP_DOLLAR);
        return;
      }
      const id = s === null ? ZERO_ID : s.lastId;
      ids.push(id);
      rewrites.push([i, formatId(id)]);
      continue;
    }
    if (isToken(argv, i, 0x3e)) {
      if (!xreadgroup) {
        c.reply.error(GT_WITHOUT_GROUP);
        return;
      }
      ids.push(MAX_ID);
      continue;
    }
    const id = idArg(c, argv, i, 0, IdParse.Strict);
    if (id === null) return;
    ids.push(id);
  }

  const r = c.reply;
  let served = 0;
  let at = 0;
  const consumerName = xreadgroup ? argv.str(groupArg + 1) : '';
  // What a group read changed replays as Redis propagates it: forced claims and SETID.
  const propagation = c.engine.propagation;
  const delivered: Nack[] | null = xreadgroup && propagation.active ? [] : null;
  if (delivered !== null) propagation.suppress();
  for (let i = 0; i < streams; i++) {
    const key = db.findArg(argv, streamsAt + i, Lookup.Read);
    if (key === 0) continue;
    const s = streamAt(c, key);
    let gt = ids[i];
    let serve = false;
    let history = false;
    const group = groups[i];
    let consumer: Consumer | null = null;
    if (group !== null) {
      if (!idIsMax(gt)) {
        serve = true;
        history = true;
      } else if (s.length > 0 && compareIds(s.lastValidId(), group.lastId) > 0) {
        serve = true;
        gt = group.lastId;
      }
      consumer = group.consumers.get(consumerName) ?? null;
      if (consumer === null) {
        consumer = createConsumer(c, group, consumerName, argv, streamsAt + i);
        if (delivered !== null) propagation.replaceWith(['XGROUP', 'CREATECONSUMER', argv.buffer(streamsAt + i), argv.buffer(groupArg), consumerName]);
      }
      consumer.seenTime = now(c);
    } else if (s.length > 0 && compareIds(s.lastValidId(), gt) > 0) serve = true;
    if (!serve) continue;
    if (++served === 1) at = r.deferLen();
    const start = nextId(gt) ?? ZERO_ID;
    if (r.protocol === 2) r.arrayLen(2);
    r.bulkBytes(argv.bufs[streamsAt + i], argv.starts[streamsAt + i], argv.ends[streamsAt + i]);
    if (group === null || consumer === null) replyRange(r, s, start, MAX_ID, count, false);
    else if (history) replyConsumerHistory(c, s, start, count, consumer, delivered);
    else replyGroupRange(c, s, start, count, group, consumer, noack, delivered);
    if (group !== null) c.engine.dirty++;
    if (delivered !== null && group !== null) {
      const keyArg = argv.buffer(streamsAt + i);
      const groupName = argv.buffer(groupArg);
      for (const nack of delivered) propagateClaim(c, keyArg, groupName, consumerName, group, nack);
      if (!history) propagateGroupId(c, keyArg, groupName, group);
      delivered.length = 0;
    }
  }
  if (served > 0) {
    // RESP3: a map of stream -> entries; RESP2: an array of [stream, entries] pairs.
    r.setDeferredLen(at, served, r.protocol === 3);
    return;
  }
  if (deadline !== -1) {
    if (!c.engine.blocking.canBlock(c)) {
      r.nullArray();
      return;
    }
    const keys: string[] = [];
    for (let i = 0; i < streams; i++) keys.push(argv.str(streamsAt + i));
    c.engine.blocking.block(c, keys, deadline, BlockKind.Stream, undefined, { unblockOnNoKey: xreadgroup, rewrites });
    return;
  }
  r.nullArray();
}

/**
 * streamPropagateXCLAIM: a delivery or claim replays as a forced claim carrying its delivery
 * time and count, so a replay does not depend on when it runs.
 */
function propagateClaim(c: Client, key: Uint8Array, group: Uint8Array, consumer: string, g: ConsumerGroup, nack: Nack): void {
  c.engine.propagation.replaceWith([
    'XCLAIM', key, group, consumer, '0', formatId(nack.id),
    'TIME', String(nack.deliveryTime), 'RETRYCOUNT', String(nack.deliveryCount), 'FORCE', 'JUSTID', 'LASTID', formatId(g.lastId),
  ]);
}

/** streamPropagateGroupID: the group's last delivered ID and entries-read counter. */
function propagateGroupId(c: Client, key: Uint8Array, group: Uint8Array, g: ConsumerGroup): void {
  c.engine.propagation.replaceWith(['XGROUP', 'SETID', key, group, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]);
}

/** streamCreateConsumer (SCC_DEFAULT): a new consumer, with its event. */
function createConsumer(c: Client, group: ConsumerGroup, name: string, argv: Argv, keyIndex: number): Consumer {
  const consumer = new Consumer(name, now(c));
  group.consumers.set(name, consumer);
  c.engine.dirty++;
  c.engine.events.notifyArg(Notify.Stream, 'xgroup-createconsumer', c.db, argv, keyIndex);
  return consumer;
}

// ---------------------------------------------------------------------------------------------
// XGROUP, XSETID
// ---------------------------------------------------------------------------------------------

const XGROUP_HELP = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
];

function xgroup(c: Client, argv: Argv): void {
  const sub = argv.lower(1);
  let mkstream = false;
  let entriesRead = -1;
  let s: Stream | null = null;
  let group: ConsumerGroup | undefined;
  if (argv.count >= 4) {
    const create = sub === 'create';
    const setid = sub === 'setid';
    for (let i = 5; i < argv.count; ) {
      if (create && argv.is(i, 'MKSTREAM')) {
        mkstream = true;
        i++;
      } else if ((create || setid) && argv.is(i, 'ENTRIESREAD') && i + 1 < argv.count) {
        const v = longLongArg(c, argv, i + 1);
        if (v === null) return;
        if (v < 0 && v !== -1) {
          c.reply.error('ERR value for ENTRIESREAD must be positive or -1');
          return;
        }
        entriesRead = v;
        i += 2;
      } else {
        subcommandSyntaxError(c, argv);
        return;
      }
    }
    const key = lookupStream(c, argv, 2, Lookup.Normal);
    if (key < 0) return;
    if (key !== 0) s = streamAt(c, key);
  }
  const groupName = argv.count >= 4 ? argv.str(3) : '';
  if (argv.count >= 4 && !mkstream) {
    if (s === null) {
      c.reply.error(
        'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
      );
      return;
    }
    group = s.groups?.get(groupName);
    if (group === undefined && (sub === 'setid' || sub === 'createconsumer' || sub === 'delconsumer')) {
      c.reply.error(`NOGROUP No such consumer group '${cString(groupName, Infinity)}' for key name '${cString(argv.str(2), Infinity)}'`);
      return;
    }
  }
  const events = c.engine.events;
  const db = c.db;
  if (argv.count === 2 && sub === 'help') {
    replyHelp(c, 'XGROUP', XGROUP_HELP);
  } else if (sub === 'create' && argv.count >= 5 && argv.count <= 8) {
    let id: StreamID;
    if (isToken(argv, 4, 0x24)) id = s === null ? ZERO_ID : s.lastId;
    else {
      const parsed = idArg(c, argv, 4, 0, IdParse.Strict);
      if (parsed === null) return;
      id = parsed;
    }
    if (s === null) {
      s = new Stream();
      db.setObject(argv.bufs[2], argv.starts[2], argv.ends[2], ValueType.Stream, s);
      events.modifiedArg(db, argv, 2);
    }
    const groups = (s.groups ??= new Map());
    if (groups.has(groupName)) {
      c.reply.error('BUSYGROUP Consumer Group name already exists');
      return;
    }
    groups.set(groupName, new ConsumerGroup(groupName, id, entriesRead));
    c.reply.ok();
    c.engine.dirty++;
    events.notifyArg(Notify.Stream, 'xgroup-create', db, argv, 2);
  } else if (sub === 'setid' && (argv.count === 5 || argv.count === 7) && s !== null && group !== undefined) {
    let id: StreamID;
    if (isToken(argv, 4, 0x24)) id = s.lastId;
    else {
      const parsed = idArg(c, argv, 4, 0, IdParse.Loose);
      if (parsed === null) return;
      id = parsed;
    }
    group.lastId = id;
    group.entriesRead = entriesRead;
    c.reply.ok();
    c.engine.dirty++;
    events.notifyArg(Notify.Stream, 'xgroup-setid', db, argv, 2);
  } else if (sub === 'destroy' && argv.count === 4 && s !== null) {
    if (group !== undefined) {
      s.groups?.delete(groupName);
      c.reply.integer(1);
      c.engine.dirty++;
      events.notifyArg(Notify.Stream, 'xgroup-destroy', db, argv, 2);
      // Blocked XREADGROUP clients of the group get their NOGROUP error.
      c.engine.blocking.signalKeyAsReady(db, argv.str(2));
    } else c.reply.integer(0);
  } else if (sub === 'createconsumer' && argv.count === 5 && group !== undefined) {
    const name = argv.str(4);
    if (group.consumers.has(name)) c.reply.integer(0);
    else {
      createConsumer(c, group, name, argv, 2);
      c.reply.integer(1);
    }
  } else if (sub === 'delconsumer' && argv.count === 5 && group !== undefined) {
    const consumer = group.consumers.get(argv.str(4));
    let pending = 0;
    if (consumer !== undefined) {
      pending = consumer.pel.size;
      group.deleteConsumer(consumer);
      c.engine.dirty++;
      events.notifyArg(Notify.Stream, 'xgroup-delconsumer', db, argv, 2);
    }
    c.reply.integer(pending);
  } else subcommandSyntaxError(c, argv);
}

function xsetid(c: Client, argv: Argv): void {
  const id = idArg(c, argv, 2, 0, IdParse.Strict);
  if (id === null) return;
  let entriesAdded = -1;
  let maxDeleted = ZERO_ID;
  for (let i = 3; i < argv.count; i += 2) {
    const more = argv.count - 1 - i;
    if (argv.is(i, 'ENTRIESADDED') && more > 0) {
      const v = longLongArg(c, argv, i + 1);
      if (v === null) return;
      if (v < 0) {
        c.reply.error('ERR entries_added must be positive');
        return;
      }
      entriesAdded = v;
    } else if (argv.is(i, 'MAXDELETEDID') && more > 0) {
      const parsed = idArg(c, argv, i + 1, 0, IdParse.Strict);
      if (parsed === null) return;
      if (compareIds(id, parsed) < 0) {
        c.reply.error('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
        return;
      }
      maxDeleted = parsed;
    } else {
      c.reply.error(SYNTAX);
      return;
    }
  }
  const key = lookupStream(c, argv, 1, Lookup.Normal);
  if (key <= 0) {
    if (key === 0) c.reply.error(NO_SUCH_KEY);
    return;
  }
  const s = streamAt(c, key);
  if (compareIds(id, s.maxDeletedId) < 0) {
    c.reply.error('ERR The ID specified in XSETID is smaller than current max_deleted_entry_id');
    return;
  }
  if (s.length > 0) {
    if (compareIds(id, s.lastValidId()) < 0) {
      c.reply.error('ERR The ID specified in XSETID is smaller than the target stream top item');
      return;
    }
    if (entriesAdded !== -1 && s.length > entriesAdded) {
      c.reply.error('ERR The entries_added specified in XSETID is smaller than the target stream length');
      return;
    }
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (!idIsZero(maxDeleted)) s.maxDeletedId = maxDeleted;
  c.reply.ok();
  c.engine.dirty++;
  c.engine.events.notifyArg(Notify.Stream, 'xsetid', c.db, argv, 1);
}

// ---------------------------------------------------------------------------------------------
// XACK, XPENDING, XCLAIM, XAUTOCLAIM
// ---------------------------------------------------------------------------------------------

function noGroupError(c: Client, argv: Argv): void {
  c.reply.error(`NOGROUP No such key '${cString(argv.str(1), Infinity)}' or consumer group '${cString(argv.str(2), Infinity)}'`);
}

function xack(c: Client, argv: Argv): void {
  const key = lookupStream(c, argv, 1, Lookup.Read);
  if (key < 0) return;
  const group = key === 0 ? undefined : streamAt(c, key).groups?.get(argv.str(2));
  if (group === undefined) {
    c.reply.integer(0);
    return;
  }
  const ids: StreamID[] = [];
  for (let j = 3; j < argv.count; j++) {
    const id = idArg(c, argv, j, 0, IdParse.Strict);
    if (id === null) return;
    ids.push(id);
  }
  let acknowledged = 0;
  for (const id of ids) {
    const nack = group.pel.find(id);
    if (nack === undefined) continue;
    group.pel.remove(id);
    nack.consumer?.pel.remove(id);
    acknowledged++;
    c.engine.dirty++;
  }
  c.reply.integer(acknowledged);
}

function xpending(c: Client, argv: Argv): void {
  const justInfo = argv.count === 3;
  if (argv.count !== 3 && (argv.count < 6 || argv.count > 9)) {
    c.reply.error(SYNTAX);
    return;
  }
  let start: StreamID = ZERO_ID;
  let end: StreamID = MAX_ID;
  let count = 0;
  let minIdle = 0;
  let consumerArg = -1;
  if (argv.count >= 6) {
    let startIdx = 3;
    if (argv.is(3, 'IDLE')) {
      const v = longLongArg(c, argv, 4);
      if (v === null) return;
      minIdle = v;
      if (argv.count < 8) {
        c.reply.error(SYNTAX);
        return;
      }
      startIdx += 2;
    }
    const n = longLongArg(c, argv, startIdx + 2);
    if (n === null) return;
    count = n < 0 ? 0 : n;
    const s = rangeStart(c, argv, startIdx);
    if (s === null) return;
    const e = rangeEnd(c, argv, startIdx + 1);
    if (e === null) return;
    start = s;
    end = e;
    if (startIdx + 3 < argv.count) consumerArg = startIdx + 3;
  }
  const key = lookupStream(c, argv, 1, Lookup.Read);
  if (key < 0) return;
  const group = key === 0 ? undefined : streamAt(c, key).groups?.get(argv.str(2));
  if (group === undefined) {
    noGroupError(c, argv);
    return;
  }
  const r = c.reply;
  if (justInfo) {
    r.arrayLen(4);
    const items = group.pel.items;
    r.integer(items.length);
    if (items.length === 0) {
      r.nullBulk();
      r.nullBulk();
      r.nullArray();
      return;
    }
    replyId(r, items[0].id);
    replyId(r, items[items.length - 1].id);
    const owners = group.sortedConsumers().filter((x) => x.pel.size > 0);
    r.arrayLen(owners.length);
    for (const owner of owners) {
      r.arrayLen(2);
      r.bulk(owner.name);
      r.bulk(String(owner.pel.size));
    }
    return;
  }
  let pel = group.pel;
  if (consumerArg !== -1) {
    const consumer = group.consumers.get(argv.str(consumerArg));
    if (consumer === undefined) {
      r.arrayLen(0);
      return;
    }
    pel = consumer.pel;
  }
  const t = now(c);
  const at = r.deferLen();
  let n = 0;
  const items = pel.items;
  for (let i = pel.lowerBound(start); count > 0 && i < items.length && compareIds(items[i].id, end) <= 0; i++) {
    const nack = items[i];
    if (minIdle !== 0 && t - nack.deliveryTime < minIdle) continue;
    n++;
    count--;
    r.arrayLen(4);
    replyId(r, nack.id);
    r.bulk(nack.consumer === null ? '' : nack.consumer.name);
    r.integer(Math.max(0, t - nack.deliveryTime));
    r.integer(nack.deliveryCount);
  }
  r.setDeferredLen(at, n);
}

/** Move `nack` to `consumer` (from its owner's PEL to the new owner's). */
function reassign(nack: Nack, consumer: Consumer): void {
  if (nack.consumer === consumer) return;
  nack.consumer?.pel.remove(nack.id);
  consumer.pel.insert(nack);
  nack.consumer = consumer;
}

function xclaim(c: Client, argv: Argv): void {
  const key = lookupStream(c, argv, 1, Lookup.Read);
  if (key < 0) return;
  const s = key === 0 ? null : streamAt(c, key);
  const group = s?.groups?.get(argv.str(2));
  if (s === null || group === undefined) {
    noGroupError(c, argv);
    return;
  }
  let minIdle = longLongArg(c, argv, 4, 'Invalid min-idle-time argument for XCLAIM');
  if (minIdle === null) return;
  if (minIdle < 0) minIdle = 0;
  const ids: StreamID[] = [];
  let j = 5;
  for (; j < argv.count; j++) {
    const id = parseStreamId(argv.bufs[j], argv.starts[j], argv.ends[j], 0, IdParse.Strict);
    if (id === null) break;
    ids.push(id);
  }
  const t = now(c);
  let deliveryTime = -1;
  let retryCount = -1;
  let force = false;
  let justId = false;
  let lastId: StreamID = ZERO_ID;
  for (; j < argv.count; j++) {
    const more = argv.count - 1 - j;
    if (argv.is(j, 'FORCE')) force = true;
    else if (argv.is(j, 'JUSTID')) justId = true;
    else if (argv.is(j, 'IDLE') && more > 0) {
      j++;
      const v = longLongArg(c, argv, j, 'Invalid IDLE option argument for XCLAIM');
      if (v === null) return;
      deliveryTime = t - v;
    } else if (argv.is(j, 'TIME') && more > 0) {
      j++;
      const v = longLongArg(c, argv, j, 'Invalid TIME option argument for XCLAIM');
      if (v === null) return;
      deliveryTime = v;
    } else if (argv.is(j, 'RETRYCOUNT') && more > 0) {
      j++;
      const v = longLongArg(c, argv, j, 'Invalid RETRYCOUNT option argument for XCLAIM');
      if (v === null) return;
      retryCount = v;
    } else if (argv.is(j, 'LASTID') && more > 0) {
      j++;
      const id = idArg(c, argv, j, 0, IdParse.Strict);
      if (id === null) return;
      lastId = id;
    } else {
      c.reply.error(`ERR Unrecognized XCLAIM option '${cString(argv.str(j), Infinity)}'`);
      return;
    }
  }
  if (compareIds(lastId, group.lastId) > 0) group.lastId = lastId;
  if (deliveryTime === -1 || deliveryTime < 0 || deliveryTime > t) deliveryTime = t;
  const consumerName = argv.str(3);
  const consumer = group.consumers.get(consumerName) ?? createConsumer(c, group, consumerName, argv, 1);
  consumer.seenTime = t;
  const r = c.reply;
  const at = r.deferLen();
  let n = 0;
  // Each claim replays as a forced one with its time (streamPropagateXCLAIM), a dropped
  // entry as XACK; nothing else of the command is repeated.
  const propagation = c.engine.propagation;
  const propagating = propagation.active;
  if (propagating) propagation.suppress();
  for (const id of ids) {
    let nack = group.pel.find(id);
    if (!s.has(id)) {
      if (nack !== undefined) {
        group.pel.remove(id);
        nack.consumer?.pel.remove(id);
        c.engine.dirty++;
        if (propagating) propagation.replaceWith(['XACK', argv.buffer(1), argv.buffer(2), formatId(id)]);
      }
      continue;
    }
    if (force && nack === undefined) {
      nack = { id, deliveryTime: t, deliveryCount: 1, consumer: null };
      group.pel.insert(nack);
    }
    if (nack === undefined) continue;
    if (nack.consumer !== null && minIdle !== 0 && t - nack.deliveryTime < minIdle) continue;
    nack.deliveryTime = deliveryTime;
    if (retryCount >= 0) nack.deliveryCount = retryCount;
    else if (!justId) nack.deliveryCount++;
    reassign(nack, consumer);
    if (justId) replyId(r, id);
    else replyOneEntry(r, s, id);
    n++;
    consumer.activeTime = t;
    c.engine.dirty++;
    if (propagating) propagateClaim(c, argv.buffer(1), argv.buffer(2), consumerName, group, nack);
  }
  if (propagating && n === 0 && compareIds(lastId, ZERO_ID) > 0) propagateGroupId(c, argv.buffer(1), argv.buffer(2), group);
  r.setDeferredLen(at, n);
}

function xautoclaim(c: Client, argv: Argv): void {
  let minIdle = longLongArg(c, argv, 4, 'Invalid min-idle-time argument for XAUTOCLAIM');
  if (minIdle === null) return;
  if (minIdle < 0) minIdle = 0;
  const start = rangeStart(c, argv, 5);
  if (start === null) return;
  let count = 100;
  let justId = false;
  for (let j = 6; j < argv.count; j++) {
    const more = argv.count - 1 - j;
    if (argv.is(j, 'COUNT') && more > 0) {
      const v = argInt64(argv, j + 1);
      // LONG_MAX / max(sizeof(streamID), attempts_factor) = LONG_MAX / 16.
      if (v === null || v < 1 || BigInt(v) > 576460752303423487n) {
        c.reply.error('ERR COUNT must be > 0');
        return;
      }
      count = Number(v);
      j++;
    } else if (argv.is(j, 'JUSTID')) justId = true;
    else {
      c.reply.error(SYNTAX);
      return;
    }
  }
  const key = lookupStream(c, argv, 1, Lookup.Read);
  if (key < 0) return;
  const s = key === 0 ? null : streamAt(c, key);
  const group = s?.groups?.get(argv.str(2));
  if (s === null || group === undefined) {
    noGroupError(c, argv);
    return;
  }
  const t = now(c);
  const consumerName = argv.str(3);
  const consumer = group.consumers.get(consumerName) ?? createConsumer(c, group, consumerName, argv, 1);
  consumer.seenTime = t;
  let attempts = count * 10;
  const r = c.reply;
  const items = group.pel.items;
  // Claimed entries are replied after the cursor, which is known only at the end.
  const claimed: Nack[] = [];
  const deleted: StreamID[] = [];
  const propagation = c.engine.propagation;
  if (propagation.active) propagation.suppress();
  let i = group.pel.lowerBound(start);
  while (attempts-- > 0 && count > 0 && i < items.length) {
    const nack = items[i];
    if (!s.has(nack.id)) {
      group.pel.remove(nack.id);
      nack.consumer?.pel.remove(nack.id);
      deleted.push(nack.id);
      count--;
      c.engine.dirty++;
      continue; // the next nack slid into place i
    }
    i++;
    if (minIdle !== 0 && t - nack.deliveryTime < minIdle) continue;
    nack.deliveryTime = t;
    if (!justId) nack.deliveryCount++;
    reassign(nack, consumer);
    claimed.push(nack);
    count--;
    consumer.activeTime = t;
    c.engine.dirty++;
  }
  if (propagation.active) {
    for (const id of deleted) propagation.replaceWith(['XACK', argv.buffer(1), argv.buffer(2), formatId(id)]);
    for (const nack of claimed) propagateClaim(c, argv.buffer(1), argv.buffer(2), consumerName, group, nack);
  }
  r.arrayLen(3);
  replyId(r, i < items.length ? items[i].id : ZERO_ID);
  r.arrayLen(claimed.length);
  for (const nack of claimed) {
    if (justId) replyId(r, nack.id);
    else replyOneEntry(r, s, nack.id);
  }
  r.arrayLen(deleted.length);
  for (const id of deleted) replyId(r, id);
}

// ---------------------------------------------------------------------------------------------
// XINFO
// ---------------------------------------------------------------------------------------------

const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
];

function xinfoHelp(c: Client): void {
  replyHelp(c, 'XINFO', XINFO_HELP);
}

/** The stream for XINFO <sub> <key>: null after replying. */
function xinfoStream(c: Client, argv: Argv): Stream | null {
  const key = lookupStream(c, argv, 2, Lookup.Read);
  if (key <= 0) {
    if (key === 0) c.reply.error(NO_SUCH_KEY);
    return null;
  }
  return streamAt(c, key);
}

/** streamReplyWithCGLag. */
function replyLag(r: ReplyWriter, s: Stream, g: ConsumerGroup): void {
  if (s.entriesAdded === 0) r.integer(0);
  else if (g.entriesRead !== -1 && !s.rangeHasTombstones(g.lastId, null)) r.integer(s.entriesAdded - g.entriesRead);
  else {
    const read = s.estimateDistance(g.lastId);
    if (read !== -1) r.integer(s.entriesAdded - read);
    else r.nullBulk();
  }
}

function replyEntriesRead(r: ReplyWriter, g: ConsumerGroup): void {
  if (g.entriesRead !== -1) r.integer(g.entriesRead);
  else r.nullBulk();
}

function sortedGroups(s: Stream): ConsumerGroup[] {
  return s.groups === null ? [] : sortedByName([...s.groups.values()]);
}

function xinfoConsumers(c: Client, argv: Argv): void {
  const s = xinfoStream(c, argv);
  if (s === null) return;
  const g = s.groups?.get(argv.str(3));
  if (g === undefined) {
    c.reply.error(`NOGROUP No such consumer group '${cString(argv.str(3), Infinity)}' for key name '${cString(argv.str(2), Infinity)}'`);
    return;
  }
  const r = c.reply;
  const t = now(c);
  const consumers = g.sortedConsumers();
  r.arrayLen(consumers.length);
  for (const consumer of consumers) {
    r.mapLen(4);
    r.bulk('name');
    r.bulk(consumer.name);
    r.bulk('pending');
    r.integer(consumer.pel.size);
    r.bulk('idle');
    r.integer(Math.max(0, t - consumer.seenTime));
    r.bulk('inactive');
    r.integer(consumer.activeTime !== -1 ? t - consumer.activeTime : -1);
  }
}

function xinfoGroups(c: Client, argv: Argv): void {
  if (argv.count !== 3) {
    subcommandSyntaxError(c, argv);
    return;
  }
  const s = xinfoStream(c, argv);
  if (s === null) return;
  const r = c.reply;
  const groups = sortedGroups(s);
  r.arrayLen(groups.length);
  for (const g of groups) {
    r.mapLen(6);
    r.bulk('name');
    r.bulk(g.name);
    r.bulk('consumers');
    r.integer(g.consumers.size);
    r.bulk('pending');
    r.integer(g.pel.size);
    r.bulk('last-delivered-id');
    replyId(r, g.lastId);
    r.bulk('entries-read');
    replyEntriesRead(r, g);
    r.bulk('lag');
    replyLag(r, s, g);
  }
}

function xinfoStreamCommand(c: Client, argv: Argv): void {
  const s = xinfoStream(c, argv);
  if (s === null) return;
  const optc = argv.count - 3;
  let full = true;
  let count = 10;
  if (optc === 0) full = false;
  else {
    if ((optc !== 1 && optc !== 3) || !argv.is(3, 'FULL') || (optc === 3 && !argv.is(4, 'COUNT'))) {
      subcommandSyntaxError(c, argv);
      return;
    }
    if (optc === 3) {
      const v = longLongArg(c, argv, 5);
      if (v === null) return;
      count = v < 0 ? 10 : v;
    }
  }
  const r = c.reply;
  r.mapLen(full ? 9 : 10);
  r.bulk('length');
  r.integer(s.length);
  r.bulk('radix-tree-keys');
  r.integer(s.nodes.length);
  r.bulk('radix-tree-nodes');
  r.integer(s.radixTreeNodes());
  r.bulk('last-generated-id');
  replyId(r, s.lastId);
  r.bulk('max-deleted-entry-id');
  replyId(r, s.maxDeletedId);
  r.bulk('entries-added');
  r.integer(s.entriesAdded);
  r.bulk('recorded-first-entry-id');
  replyId(r, s.firstId);
  if (!full) {
    r.bulk('groups');
    r.integer(s.groups === null ? 0 : s.groups.size);
    r.bulk('first-entry');
    if (!replyEdge(r, s, false)) r.nullBulk();
    r.bulk('last-entry');
    if (!replyEdge(r, s, true)) r.nullBulk();
    return;
  }
  r.bulk('entries');
  replyRange(r, s, ZERO_ID, MAX_ID, count, false);
  r.bulk('groups');
  const groups = sortedGroups(s);
  r.arrayLen(groups.length);
  for (const g of groups) {
    r.mapLen(7);
    r.bulk('name');
    r.bulk(g.name);
    r.bulk('last-delivered-id');
    replyId(r, g.lastId);
    r.bulk('entries-read');
    replyEntriesRead(r, g);
    r.bulk('lag');
    replyLag(r, s, g);
    r.bulk('pel-count');
    r.integer(g.pel.size);
    r.bulk('pending');
    const pending = count === 0 ? g.pel.items : g.pel.items.slice(0, count);
    r.arrayLen(pending.length);
    for (const nack of pending) {
      r.arrayLen(4);
      replyId(r, nack.id);
      r.bulk(nack.consumer === null ? '' : nack.consumer.name);
      r.integer(nack.deliveryTime);
      r.integer(nack.deliveryCount);
    }
    r.bulk('consumers');
    const consumers = g.sortedConsumers();
    r.arrayLen(consumers.length);
    for (const consumer of consumers) {
      r.mapLen(5);
      r.bulk('name');
      r.bulk(consumer.name);
      r.bulk('seen-time');
      r.integer(consumer.seenTime);
      r.bulk('active-time');
      r.integer(consumer.activeTime);
      r.bulk('pel-count');
      r.integer(consumer.pel.size);
      r.bulk('pending');
      const own = count === 0 ? consumer.pel.items : consumer.pel.items.slice(0, count);
      r.arrayLen(own.length);
      for (const nack of own) {
        r.arrayLen(3);
        replyId(r, nack.id);
        r.integer(nack.deliveryTime);
        r.integer(nack.deliveryCount);
      }
    }
  }
}

/** The first (or last) entry as [id, fields]; false when the stream is empty. */
function replyEdge(r: ReplyWriter, s: Stream, last: boolean): boolean {
  const it = iterator.begin(s, ZERO_ID, MAX_ID, last);
  if (!it.next()) return false;
  entryReply(r, it.entry);
  return true;
}

export const streamCommands: CommandEntry[] = [
  { name: 'xadd', handler: xadd },
  { name: 'xtrim', handler: xtrim },
  { name: 'xlen', handler: xlen },
  { name: 'xrange', handler: (c, argv) => xrangeGeneric(c, argv, false) },
  { name: 'xrevrange', handler: (c, argv) => xrangeGeneric(c, argv, true) },
  { name: 'xdel', handler: xdel },
  { name: 'xread', handler: (c, argv) => xreadGeneric(c, argv, false) },
  { name: 'xreadgroup', handler: (c, argv) => xreadGeneric(c, argv, true) },
  { name: 'xsetid', handler: xsetid },
  { name: 'xack', handler: xack },
  { name: 'xpending', handler: xpending },
  { name: 'xclaim', handler: xclaim },
  { name: 'xautoclaim', handler: xautoclaim },
  { name: 'xgroup|create', handler: xgroup },
  { name: 'xgroup|setid', handler: xgroup },
  { name: 'xgroup|destroy', handler: xgroup },
  { name: 'xgroup|createconsumer', handler: xgroup },
  { name: 'xgroup|delconsumer', handler: xgroup },
  { name: 'xgroup|help', handler: xgroup },
  { name: 'xinfo|consumers', handler: xinfoConsumers },
  { name: 'xinfo|groups', handler: xinfoGroups },
  { name: 'xinfo|stream', handler: xinfoStreamCommand },
  { name: 'xinfo|help', handler: xinfoHelp },
];
