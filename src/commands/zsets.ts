/**
 * Sorted-set commands (Redis's t_zset.c): ZADD and friends, ranks, ranges by rank, score and
 * member, range removal, pops (blocking ones too), random members and ZSCAN. Union,
 * intersection and difference live in zset-algebra.ts; the two encodings (listpack and
 * table) hide behind zset-ops.ts, so no handler here cares which one a value uses.
 *
 * Argument checks run in Redis's order (options, then numbers, then the key's type), because
 * which error a bad command gets is part of the reply.
 */

import type { Argv } from '../protocol/argv.js';
import { formatDouble } from '../protocol/format.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import { BlockKind, parseBlockTimeout } from '../server/blocking.js';
import { ClientFlag, type Client } from '../server/client.js';
import { Notify } from '../server/keyspace-events.js';
import { Lookup, type Database } from '../store/database.js';
import { ValueType } from '../store/entries.js';
import { globMatch } from '../store/glob.js';
import { SortedSet } from '../types/sorted-set.js';
import { argLong, parseMpopArgs, randomCountArgs } from './args.js';
import {
  NOT_FLOAT,
  NOT_INTEGER,
  NOT_POSITIVE,
  SYNTAX,
  wrongArity,
  ZSET_GT_LT_NX,
  ZSET_INCR_PAIRS,
  ZSET_LEX_RANGE,
  ZSET_LIMIT_WITH_RANK,
  ZSET_NAN_SCORE,
  ZSET_SCORE_RANGE,
  ZSET_WITHSCORES_WITH_LEX,
  ZSET_XX_AND_NX,
} from './errors.js';
import { collectionCopier, registerKeyType, startScan } from './keys.js';
import type { CommandEntry } from './types.js';
import {
  AddFlag,
  AddResult,
  addedScore,
  argScore,
  countInLexRange,
  countInScoreRange,
  createZSet,
  cursorAtRank,
  deleteLexRange,
  deleteMemberArg,
  deleteRankRange,
  deleteScoreRange,
  firstInLexRange,
  firstInScoreRange,
  inLexRange,
  lastInLexRange,
  lastInScoreRange,
  lookupZSet,
  maybeConvert,
  newLexRange,
  newScoreRange,
  parseLexRange,
  parseScoreRange,
  rankOfArg,
  rankScore,
  replyScore,
  scoreOfArg,
  storeZSet,
  ZCursor,
  zsetAdd,
  zsetEncoding,
  zsetLength,
} from './zset-ops.js';
import { algebraCommands } from './zset-algebra.js';

registerKeyType(ValueType.ZSet, {
  encoding: zsetEncoding,
  copy: collectionCopier<SortedSet>((set) => set.clone()),
});

/**
 * ZRANDMEMBER with a negative count repeats members as often as asked. Redis writes until the
 * client's output limit closes it; past this many reply bytes the client is closed here too.
 */
const RANDOM_REPLY_LIMIT = 512 * 1024 * 1024;

/** Redis's ZRANDMEMBER_SUB_STRATEGY_MUL. */
const SUB_STRATEGY_MUL = 3;

/** Delete the key of entry `id` if its zset became empty; returns whether it did. */
function deleteIfEmpty(db: Database, id: number): boolean {
  if (zsetLength(db, id) !== 0) return false;
  db.delete(id);
  return true;
}

/** One element of a range reply: member, then score (as a pair in RESP3). */
function replyElement(r: ReplyWriter, c: ZCursor, withScores: boolean): void {
  if (withScores && r.protocol === 3) r.arrayLen(2);
  c.writeMember(r);
  if (withScores) replyScore(r, c.score);
}

/** The array header of `n` range elements. */
function replyRangeHeader(r: ReplyWriter, n: number, withScores: boolean): void {
  r.arrayLen(withScores && r.protocol === 2 ? n * 2 : n);
}

// ---------------------------------------------------------------------------------------------
// ZADD, ZINCRBY, ZREM
// ---------------------------------------------------------------------------------------------

/** Parsed scores of one ZADD and the argv indexes of their members, reused across calls. */
const addScores: number[] = [];
const addMembers: number[] = [];

/** zaddGenericCommand: ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member ..., and ZINCRBY. */
function zaddGeneric(c: Client, argv: Argv, incrCommand: boolean): void {
  let flags = incrCommand ? AddFlag.Incr : AddFlag.None;
  let ch = false;
  let scoreIndex = 2;
  for (; scoreIndex < argv.count; scoreIndex++) {
    // Options are short words: a score of another length is the end of them.
    const n = argv.len(scoreIndex);
    if (n !== 2 && n !== 4) break;
    if (argv.is(scoreIndex, 'NX')) flags |= AddFlag.NX;
    else if (argv.is(scoreIndex, 'XX')) flags |= AddFlag.XX;
    else if (argv.is(scoreIndex, 'CH')) ch = true;
    else if (argv.is(scoreIndex, 'INCR')) flags |= AddFlag.Incr;
    else if (argv.is(scoreIndex, 'GT')) flags |= AddFlag.GT;
    else if (argv.is(scoreIndex, 'LT')) flags |= AddFlag.LT;
    else break;
  }
  const args = argv.count - scoreIndex;
  if (args % 2 !== 0 || args === 0) {
    c.reply.error(SYNTAX);
    return;
  }
  const elements = args / 2;
  const nx = (flags & AddFlag.NX) !== 0;
  const gtOrLt = (flags & (AddFlag.GT | AddFlag.LT)) !== 0;
  if (nx && (flags & AddFlag.XX) !== 0) {
    c.reply.error(ZSET_XX_AND_NX);
    return;
  }
  if ((nx && gtOrLt) || (flags & (AddFlag.GT | AddFlag.LT)) === (AddFlag.GT | AddFlag.LT)) {
    c.reply.error(ZSET_GT_LT_NX);
    return;
  }
  const incr = (flags & AddFlag.Incr) !== 0;
  if (incr && elements > 1) {
    c.reply.error(ZSET_INCR_PAIRS);
    return;
  }
  // Every score is parsed before anything changes: the command applies fully or not at all.
  const scores = addScores;
  const members = addMembers;
  for (let j = 0; j < elements; j++) {
    const score = argScore(argv, scoreIndex + 2 * j);
    if (score === null) {
      c.reply.error(NOT_FLOAT);
      return;
    }
    scores[j] = score;
    members[j] = scoreIndex + 2 * j + 1;
  }
  zaddElements(c, argv, flags, ch, elements, scores, members);
}

/**
 * The second half of ZADD: add `elements` members (argv[members[j]] with scores[j]) to the
 * zset at argv[1] and reply. GEOADD comes in here with the scores it computed.
 */
export function zaddElements(c: Client, argv: Argv, flags: AddFlag, ch: boolean, elements: number, scores: readonly number[], members: readonly number[]): void {
  const incr = (flags & AddFlag.Incr) !== 0;
  let id = lookupZSet(c, argv, 1, Lookup.Normal);
  if (id < 0) return;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  if (id === 0 && (flags & AddFlag.XX) !== 0) {
    // No key and XX: nothing to do.
  } else {
    if (id === 0) id = createZSet(c, argv, 1, elements, argv.len(members[0]));
    else maybeConvert(c, id, elements);
    for (let j = 0; j < elements; j++) {
      const result = zsetAdd(c, id, scores[j], argv, members[j], flags);
      if (result === AddResult.NaN) {
        // Only INCR can make a NaN, and it takes one element: nothing has changed to report.
        c.reply.error(ZSET_NAN_SCORE);
        return;
      }
      if (result === AddResult.Added) added++;
      else if (result === AddResult.Updated) updated++;
      if (result !== AddResult.Nop) {
        processed++;
        score = addedScore;
      }
    }
    c.engine.dirty += added + updated;
  }
  if (incr) {
    if (processed > 0) replyScore(c.reply, score);
    else c.reply.nullBulk();
  } else {
    c.reply.integer(ch ? added + updated : added);
  }
  // A member re-added with its own score changes nothing, so it is not an event.
  if (added + updated > 0) c.engine.events.changedArg(c.db, argv, 1, Notify.ZSet, incr ? 'zincr' : 'zadd');
}

function zadd(c: Client, argv: Argv): void {
  zaddGeneric(c, argv, false);
}

function zincrby(c: Client, argv: Argv): void {
  zaddGeneric(c, argv, true);
}

function zrem(c: Client, argv: Argv): void {
  const id = lookupZSet(c, argv, 1, Lookup.Normal);
  if (id <= 0) {
    if (id === 0) c.reply.integer(0);
    return;
  }
  const db = c.db;
  let deleted = 0;
  let keyRemoved = false;
  for (let j = 2; j < argv.count; j++) {
    if (deleteMemberArg(db, id, argv, j)) deleted++;
    if (deleteIfEmpty(db, id)) {
      keyRemoved = true;
      break;
    }
  }
  if (deleted > 0) {
    // Redis's order here: both events, then signalModifiedKey.
    const events = c.engine.events;
    events.notifyArg(Notify.ZSet, 'zrem', db, argv, 1);
    if (keyRemoved) events.notifyArg(Notify.Generic, 'del', db, argv, 1);
    events.modifiedArg(db, argv, 1);
    c.engine.dirty += deleted;
  }
  c.reply.integer(deleted);
}

// ---------------------------------------------------------------------------------------------
// ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX
// ---------------------------------------------------------------------------------------------

const enum RangeType {
  Rank,
  Score,
  Lex,
}

/** The event of each ZREMRANGEBY* (by RangeType). */
const REMRANGE_EVENTS = ['zremrangebyrank', 'zremrangebyscore', 'zremrangebylex'];

const scoreRange = newScoreRange();
const lexRange = newLexRange();

function zremrangeGeneric(c: Client, argv: Argv, type: RangeType): void {
  let start = 0;
  let end = 0;
  if (type === RangeType.Rank) {
    const s = argLong(argv, 2);
    const e = s === null ? null : argLong(argv, 3);
    if (s === null || e === null) {
      c.reply.error(NOT_INTEGER);
      return;
    }
    start = s;
    end = e;
  } else if (type === RangeType.Score) {
    if (!parseScoreRange(argv, 2, 3, scoreRange)) {
      c.reply.error(ZSET_SCORE_RANGE);
      return;
    }
  } else if (!parseLexRange(argv, 2, 3, lexRange)) {
    c.reply.error(ZSET_LEX_RANGE);
    return;
  }
  const id = lookupZSet(c, argv, 1, Lookup.Normal);
  if (id <= 0) {
    if (id === 0) c.reply.integer(0);
    return;
  }
  const db = c.db;
  let deleted: number;
  if (type === RangeType.Rank) {
    const length = zsetLength(db, id);
    if (start < 0) start += length;
    if (end < 0) end += length;
    if (start < 0) start = 0;
    if (start > end || start >= length) {
      c.reply.integer(0);
      return;
    }
    if (end >= length) end = length - 1;
    deleted = deleteRankRange(db, id, start, end);
  } else if (type === RangeType.Score) {
    deleted = deleteScoreRange(db, id, scoreRange);
  } else {
    deleted = deleteLexRange(db, id, lexRange);
  }
  const keyRemoved = deleteIfEmpty(db, id);
  if (deleted > 0) {
    const events = c.engine.events;
    events.changedArg(db, argv, 1, Notify.ZSet, REMRANGE_EVENTS[type]);
    if (keyRemoved) events.notifyArg(Notify.Generic, 'del', db, argv, 1);
    c.engine.dirty += deleted;
  }
  c.reply.integer(deleted);
}

function zremrangebyrank(c: Client, argv: Argv): void {
  zremrangeGeneric(c, argv, RangeType.Rank);
}

function zremrangebyscore(c: Client, argv: Argv): void {
  zremrangeGeneric(c, argv, RangeType.Score);
}

function zremrangebylex(c: Client, argv: Argv): void {
  zremrangeGeneric(c, argv, RangeType.Lex);
}

// ---------------------------------------------------------------------------------------------
// ZRANGE and its forms (zrangeGenericCommand)
// ---------------------------------------------------------------------------------------------

const enum Direction {
  Auto,
  Forward,
  Reverse,
}

const enum RangeKind {
  Auto,
  Rank,
  Score,
  Lex,
}

/** Where a range goes: to the client, or into arrays for ZRANGESTORE. */
interface RangeSink {
  store: boolean;
  withScores: boolean;
  members: string[];
  scores: number[];
  count: number;
}

const storeSink: RangeSink = { store: true, withScores: true, members: [], scores: [], count: 0 };
const clientSink: RangeSink = { store: false, withScores: false, members: [], scores: [], count: 0 };
const cursor = new ZCursor();

/** Emit `n` elements from `c` on (forward, or back with `reverse`). */
function emitWalk(client: Client, sink: RangeSink, c: ZCursor, reverse: boolean, n: number): void {
  while (c.valid && n-- > 0) {
    if (sink.store) {
      sink.members[sink.count] = c.member;
      sink.scores[sink.count] = c.score;
      sink.count++;
    } else {
      replyElement(client.reply, c, sink.withScores);
    }
    if (reverse) c.prev();
    else c.next();
  }
}

/**
 * zrangeGenericCommand: `<src> <min> <max> [BYSCORE|BYLEX] [REV] [WITHSCORES] [LIMIT offset
 * count]` from argv[keyIndex], for ZRANGE (kind and direction Auto), the older commands
 * (fixed kind and direction) and ZRANGESTORE (`store`).
 */
function zrangeGeneric(c: Client, argv: Argv, keyIndex: number, store: boolean, kind: RangeKind, direction: Direction): void {
  let minIndex = keyIndex + 1;
  let maxIndex = keyIndex + 2;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = keyIndex + 3; j < argv.count; j++) {
    const left = argv.count - j - 1;
    if (!store && argv.is(j, 'WITHSCORES')) withScores = true;
    else if (argv.is(j, 'LIMIT') && left >= 2) {
      const o = argLong(argv, j + 1);
      const l = o === null ? null : argLong(argv, j + 2);
      if (o === null || l === null) {
        c.reply.error(NOT_INTEGER);
        return;
      }
      offset = o;
      limit = l;
      j += 2;
    } else if (direction === Direction.Auto && argv.is(j, 'REV')) direction = Direction.Reverse;
    else if (kind === RangeKind.Auto && argv.is(j, 'BYLEX')) kind = RangeKind.Lex;
    else if (kind === RangeKind.Auto && argv.is(j, 'BYSCORE')) kind = RangeKind.Score;
    else {
      c.reply.error(SYNTAX);
      return;
    }
  }
  if (direction === Direction.Auto) direction = Direction.Forward;
  if (kind === RangeKind.Auto) kind = RangeKind.Rank;
  if (limit !== -1 && kind === RangeKind.Rank) {
    c.reply.error(ZSET_LIMIT_WITH_RANK);
    return;
  }
  if (withScores && kind === RangeKind.Lex) {
    c.reply.error(ZSET_WITHSCORES_WITH_LEX);
    return;
  }
  const reverse = direction === Direction.Reverse;
  if (reverse && kind !== RangeKind.Rank) {
    const t = maxIndex;
    maxIndex = minIndex;
    minIndex = t;
  }
  let start = 0;
  let end = 0;
  if (kind === RangeKind.Rank) {
    const s = argLong(argv, minIndex);
    const e = s === null ? null : argLong(argv, maxIndex);
    if (s === null || e === null) {
      c.reply.error(NOT_INTEGER);
      return;
    }
    start = s;
    end = e;
  } else if (kind === RangeKind.Score) {
    if (!parseScoreRange(argv, minIndex, maxIndex, scoreRange)) {
      c.reply.error(ZSET_SCORE_RANGE);
      return;
    }
  } else if (!parseLexRange(argv, minIndex, maxIndex, lexRange)) {
    c.reply.error(ZSET_LEX_RANGE);
    return;
  }

  const sink = store ? storeSink : clientSink;
  sink.withScores = store || withScores;
  sink.count = 0;
  const id = lookupZSet(c, argv, keyIndex, Lookup.Read);
  if (id < 0) return;
  if (id === 0) {
    if (store) finishStore(c, argv, sink);
    else c.reply.arrayLen(0);
    return;
  }
  const db = c.db;
  const length = zsetLength(db, id);
  if (kind === RangeKind.Rank) {
    if (start < 0) start += length;
    if (end < 0) end += length;
    if (start < 0) start = 0;
    if (start > end || start >= length) {
      if (store) finishStore(c, argv, sink);
      else c.reply.arrayLen(0);
      return;
    }
    if (end >= length) end = length - 1;
    const n = end - start + 1;
    if (!store) replyRangeHeader(c.reply, n, withScores);
    cursorAtRank(db, id, reverse ? length - 1 - start : start, cursor);
    emitWalk(c, sink, cursor, reverse, n);
  } else {
    // Redis skips `offset` elements without checking them, then emits while in range; a
    // negative offset skips everything, a negative limit means no limit.
    const skipAll = offset < 0 || (offset > 0 && offset >= length);
    if (kind === RangeKind.Score) {
      const first = reverse ? lastInScoreRange(db, id, scoreRange, cursor) : firstInScoreRange(db, id, scoreRange, cursor);
      let n = 0;
      if (first.valid && !skipAll) {
        const firstRank = first.rank;
        const other = reverse ? firstInScoreRange(db, id, scoreRange) : lastInScoreRange(db, id, scoreRange);
        const inRange = !other.valid ? 0 : reverse ? firstRank - other.rank + 1 : other.rank - firstRank + 1;
        n = Math.max(0, inRange - offset);
        if (limit >= 0 && limit < n) n = limit;
      }
      if (!store) replyRangeHeader(c.reply, n, withScores);
      if (n > 0) {
        cursor.skip(offset, reverse);
        emitWalk(c, sink, cursor, reverse, n);
      }
    } else {
      // Lex ranges are walked twice (count, then emit): on a set with mixed scores the walk is
      // the definition of the result.
      const walkFirst = (): ZCursor => (reverse ? lastInLexRange(db, id, lexRange, cursor) : firstInLexRange(db, id, lexRange, cursor));
      let n = 0;
      if (!skipAll && walkFirst().valid && cursor.skip(offset, reverse)) {
        let l = limit;
        while (cursor.valid && l-- !== 0 && inLexRange(cursor, lexRange, reverse)) {
          n++;
          if (reverse) cursor.prev();
          else cursor.next();
        }
      }
      if (!store) replyRangeHeader(c.reply, n, false);
      if (n > 0) {
        walkFirst();
        cursor.skip(offset, reverse);
        emitWalk(c, sink, cursor, reverse, n);
      }
    }
  }
  if (store) {
    // A reverse walk gathered the elements from the top down.
    if (reverse) {
      sink.members.length = sink.count;
      sink.scores.length = sink.count;
      sink.members.reverse();
      sink.scores.reverse();
    }
    finishStore(c, argv, sink);
  }
}

/** ZRANGESTORE's result: written to argv[1] (or argv[1] deleted when empty), count replied. */
function finishStore(c: Client, argv: Argv, sink: RangeSink): void {
  const n = sink.count;
  if (n === 0) {
    if (c.db.deleteKey(argv.bufs[1], argv.starts[1], argv.ends[1])) {
      c.engine.events.changedArg(c.db, argv, 1, Notify.Generic, 'del');
      c.engine.dirty++;
    }
    c.reply.integer(0);
  } else {
    storeZSet(c, argv.bufs[1], argv.starts[1], argv.ends[1], sink.members, sink.scores, n);
    c.engine.events.changedArg(c.db, argv, 1, Notify.ZSet, 'zrangestore');
    c.engine.dirty++;
    c.reply.integer(n);
  }
  sink.members.length = 0;
  sink.scores.length = 0;
  sink.count = 0;
}

function zrange(c: Client, argv: Argv): void {
  zrangeGeneric(c, argv, 1, false, RangeKind.Auto, Direction.Auto);
}

function zrangestore(c: Client, argv: Argv): void {
  zrangeGeneric(c, argv, 2, true, RangeKind.Auto, Direction.Auto);
}

function zrevrange(c: Client, argv: Argv): void {
  zrangeGeneric(c, argv, 1, false, RangeKind.Rank, Direction.Reverse);
}

function zrangebyscore(c: Client, argv: Argv): void {
  zrangeGeneric(c, argv, 1, false, RangeKind.Score, Direction.Forward);
}

function zrevrangebyscore(c: Client, argv: Argv): void {
  zrangeGeneric(c, argv, 1, false, RangeKind.Score, Direction.Reverse);
}

function zrangebylex(c: Client, argv: Argv): void {
  zrangeGeneric(c, argv, 1, false, RangeKind.Lex, Direction.Forward);
}

function zrevrangebylex(c: Client, argv: Argv): void {
  zrangeGeneric(c, argv, 1, false, RangeKind.Lex, Direction.Reverse);
}

// ---------------------------------------------------------------------------------------------
// ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT
// ---------------------------------------------------------------------------------------------

function zcard(c: Client, argv: Argv): void {
  const id = lookupZSet(c, argv, 1, Lookup.Read);
  if (id >= 0) c.reply.integer(id === 0 ? 0 : zsetLength(c.db, id));
}

function zscore(c: Client, argv: Argv): void {
  const id = lookupZSet(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  const score = id === 0 ? undefined : scoreOfArg(c.db, id, argv, 2);
  if (score === undefined) c.reply.nullBulk();
  else replyScore(c.reply, score);
}

function zmscore(c: Client, argv: Argv): void {
  const id = lookupZSet(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  c.reply.arrayLen(argv.count - 2);
  for (let j = 2; j < argv.count; j++) {
    const score = id === 0 ? undefined : scoreOfArg(c.db, id, argv, j);
    if (score === undefined) c.reply.nullBulk();
    else replyScore(c.reply, score);
  }
}

/** ZRANK / ZREVRANK key member [WITHSCORE] (Redis 7.2). */
function zrankGeneric(c: Client, argv: Argv, reverse: boolean): void {
  if (argv.count > 4) {
    c.reply.error(wrongArity(reverse ? 'zrevrank' : 'zrank'));
    return;
  }
  const withScore = argv.count === 4;
  if (withScore && !argv.is(3, 'WITHSCORE')) {
    c.reply.error(SYNTAX);
    return;
  }
  const id = lookupZSet(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  const rank = id === 0 ? -1 : rankOfArg(c.db, id, argv, 2, reverse);
  if (rank < 0) {
    if (withScore) c.reply.nullArray();
    else c.reply.nullBulk();
    return;
  }
  if (withScore) c.reply.arrayLen(2);
  c.reply.integer(rank);
  if (withScore) replyScore(c.reply, rankScore);
}

function zrank(c: Client, argv: Argv): void {
  zrankGeneric(c, argv, false);
}

function zrevrank(c: Client, argv: Argv): void {
  zrankGeneric(c, argv, true);
}

function zcount(c: Client, argv: Argv): void {
  if (!parseScoreRange(argv, 2, 3, scoreRange)) {
    c.reply.error(ZSET_SCORE_RANGE);
    return;
  }
  const id = lookupZSet(c, argv, 1, Lookup.Read);
  if (id >= 0) c.reply.integer(id === 0 ? 0 : countInScoreRange(c.db, id, scoreRange));
}

function zlexcount(c: Client, argv: Argv): void {
  if (!parseLexRange(argv, 2, 3, lexRange)) {
    c.reply.error(ZSET_LEX_RANGE);
    return;
  }
  const id = lookupZSet(c, argv, 1, Lookup.Read);
  if (id >= 0) c.reply.integer(id === 0 ? 0 : countInLexRange(c.db, id, lexRange));
}

// ---------------------------------------------------------------------------------------------
// ZSCAN
// ---------------------------------------------------------------------------------------------

const scanMembers: string[] = [];
const scanScores: number[] = [];

function zscan(c: Client, argv: Argv): void {
  const start = startScan(c, argv, lookupZSet, false);
  if (start === null) return;
  const { id, options } = start;
  const cursorValue = start.cursor;
  const pattern = options.pattern;
  const db = c.db;
  const r = c.reply;
  if (db.isPacked(id)) {
    // A listpack is small: all of it in one call, the cursor back at 0, scores as stored.
    let n = 0;
    for (const it = cursorAtRank(db, id, 0, cursor); it.valid; it.next()) if (pattern < 0 || memberMatches(argv, pattern, it.member)) n++;
    r.arrayLen(2);
    r.bulk('0');
    r.arrayLen(2 * n);
    for (const it = cursorAtRank(db, id, 0, cursor); it.valid; it.next()) {
      if (pattern >= 0 && !memberMatches(argv, pattern, it.member)) continue;
      it.writeMember(r);
      it.writeStoredScore(r);
    }
    return;
  }
  const set = db.object<SortedSet>(id);
  let n = 0;
  const next = set.scan(cursorValue, options.count, (member, score) => {
    if (pattern >= 0 && !memberMatches(argv, pattern, member)) return;
    scanMembers[n] = member;
    scanScores[n] = score;
    n++;
  });
  r.arrayLen(2);
  r.bulk(String(next));
  r.arrayLen(2 * n);
  // ld2string's "%.17Lg" of a double prints what "%.17g" prints.
  for (let k = 0; k < n; k++) {
    r.bulk(scanMembers[k]);
    r.bulk(formatDouble(scanScores[k]));
  }
  scanMembers.length = 0;
  scanScores.length = 0;
}

let matchBuf = Buffer.allocUnsafe(256);

function memberMatches(argv: Argv, pattern: number, member: string): boolean {
  if (member.length > matchBuf.length) matchBuf = Buffer.allocUnsafe(Math.max(member.length, matchBuf.length * 2));
  const n = matchBuf.latin1Write(member, 0, member.length);
  return globMatch(argv.bufs[pattern], argv.starts[pattern], argv.ends[pattern], matchBuf, 0, n);
}

// ---------------------------------------------------------------------------------------------
// ZPOPMIN, ZPOPMAX, ZMPOP and the blocking pops
// ---------------------------------------------------------------------------------------------

const enum Where {
  Min,
  Max,
}

/** The shape of a pop reply (genericZpopCommand's emitkey / use_nested_array). */
const enum PopShape {
  /** ZPOPMIN/ZPOPMAX: a flat array of member, score. */
  Flat,
  /** ZPOPMIN/ZPOPMAX with a count in RESP3: an array of [member, score]. */
  Nested,
  /** BZPOPMIN/BZPOPMAX: [key, member, score]. */
  WithKey,
  /** ZMPOP/BZMPOP: [key, [[member, score], ...]]. */
  KeyAndNested,
}

/**
 * Pop up to `count` elements (at least one) from the zset at entry `id` (key argv[keyIndex])
 * and reply them in `shape`; an emptied key is deleted.
 */
function popFrom(c: Client, argv: Argv, keyIndex: number, id: number, where: Where, count: number, shape: PopShape): void {
  const db = c.db;
  const r = c.reply;
  const length = zsetLength(db, id);
  const n = count > length ? length : count;
  if (shape === PopShape.Flat) r.arrayLen(n * 2);
  else if (shape === PopShape.Nested) r.arrayLen(n);
  else {
    r.arrayLen(shape === PopShape.WithKey ? n * 2 + 1 : 2);
    r.bulkBytes(argv.bufs[keyIndex], argv.starts[keyIndex], argv.ends[keyIndex]);
    if (shape === PopShape.KeyAndNested) r.arrayLen(n);
  }
  const nested = shape === PopShape.Nested || shape === PopShape.KeyAndNested;
  const it = cursorAtRank(db, id, where === Where.Max ? length - 1 : 0, cursor);
  for (let k = 0; k < n; k++) {
    if (nested) r.arrayLen(2);
    it.writeMember(r);
    replyScore(r, it.score);
    if (where === Where.Max) it.prev();
    else it.next();
  }
  if (where === Where.Max) deleteRankRange(db, id, length - n, length - 1);
  else deleteRankRange(db, id, 0, n - 1);
  // Redis counts every element popped but reports the key once, event before signal.
  const events = c.engine.events;
  c.engine.dirty += n;
  events.notifyArg(Notify.ZSet, where === Where.Max ? 'zpopmax' : 'zpopmin', db, argv, keyIndex);
  events.modifiedArg(db, argv, keyIndex);
  if (deleteIfEmpty(db, id)) events.notifyArg(Notify.Generic, 'del', db, argv, keyIndex);
}

/**
 * genericZpopCommand over keys argv[first, first + keys): pop from the first that exists.
 * `count` -1 is a plain single pop. Replies null (`nilWhenEmpty`) or [] when none exists.
 */
function genericPop(c: Client, argv: Argv, first: number, keys: number, where: Where, count: number, shape: PopShape, nilWhenEmpty: boolean): void {
  let id = 0;
  let keyIndex = first;
  for (; keyIndex < first + keys; keyIndex++) {
    id = lookupZSet(c, argv, keyIndex, Lookup.Normal);
    if (id < 0) return;
    if (id !== 0) break;
  }
  if (id === 0) {
    if (nilWhenEmpty) c.reply.nullArray();
    else c.reply.arrayLen(0);
    return;
  }
  if (count === 0) {
    c.reply.arrayLen(0);
    return;
  }
  popFrom(c, argv, keyIndex, id, where, count === -1 ? 1 : count, shape);
}

function zpopMinMax(c: Client, argv: Argv, where: Where): void {
  if (argv.count > 3) {
    c.reply.error(SYNTAX);
    return;
  }
  let count = -1;
  if (argv.count === 3) {
    const n = argLong(argv, 2);
    if (n === null || n < 0) {
      c.reply.error(NOT_POSITIVE);
      return;
    }
    count = n;
  }
  const shape = c.reply.protocol === 3 && count !== -1 ? PopShape.Nested : PopShape.Flat;
  genericPop(c, argv, 1, 1, where, count, shape, false);
}

function zpopmin(c: Client, argv: Argv): void {
  zpopMinMax(c, argv, Where.Min);
}

function zpopmax(c: Client, argv: Argv): void {
  zpopMinMax(c, argv, Where.Max);
}

/** ZMPOP/BZMPOP's arguments from the numkeys at `numkeysIndex`, MIN/MAX as a Where; null after an error. */
function parseMpop(c: Client, argv: Argv, numkeysIndex: number): { first: number; keys: number; where: Where; count: number } | null {
  const args = parseMpopArgs(c, argv, numkeysIndex, 'MIN', 'MAX');
  return args === null ? null : { first: args.first, keys: args.keys, where: args.which === 0 ? Where.Min : Where.Max, count: args.count };
}

function zmpop(c: Client, argv: Argv): void {
  const args = parseMpop(c, argv, 1);
  if (args !== null) genericPop(c, argv, args.first, args.keys, args.where, args.count, PopShape.KeyAndNested, true);
}

/**
 * blockingGenericZpopCommand: pop from the first of keys argv[first, first + keys) that holds
 * a sorted set, or wait for one (blocking.ts runs the command again when a key is created).
 * A client that may not wait gets the null array at once.
 */
function blockingPop(c: Client, argv: Argv, first: number, keys: number, where: Where, timeoutIndex: number, count: number, shape: PopShape): void {
  const deadline = parseBlockTimeout(c, argv, timeoutIndex);
  if (deadline === null) return;
  for (let k = first; k < first + keys; k++) {
    const id = lookupZSet(c, argv, k, Lookup.Normal);
    if (id < 0) return;
    if (id === 0) continue;
    popFrom(c, argv, k, id, where, count, shape);
    return;
  }
  const blocking = c.engine.blocking;
  if (!blocking.canBlock(c)) {
    c.reply.nullArray();
    return;
  }
  const waitOn: string[] = [];
  for (let k = first; k < first + keys; k++) waitOn.push(argv.str(k));
  blocking.block(c, waitOn, deadline, BlockKind.ZSet);
}

function bzpopmin(c: Client, argv: Argv): void {
  blockingPop(c, argv, 1, argv.count - 2, Where.Min, argv.count - 1, 1, PopShape.WithKey);
}

function bzpopmax(c: Client, argv: Argv): void {
  blockingPop(c, argv, 1, argv.count - 2, Where.Max, argv.count - 1, 1, PopShape.WithKey);
}

function bzmpop(c: Client, argv: Argv): void {
  const args = parseMpop(c, argv, 2);
  if (args !== null) blockingPop(c, argv, args.first, args.keys, args.where, 1, args.count, PopShape.KeyAndNested);
}

// ---------------------------------------------------------------------------------------------
// ZRANDMEMBER
// ---------------------------------------------------------------------------------------------

function randomRank(length: number): number {
  return Math.floor(Math.random() * length);
}

/** One random element of a zset: sets `cursor` on it. */
function randomElement(db: Database, id: number, length: number): ZCursor {
  if (db.isPacked(id)) return cursorAtRank(db, id, randomRank(length), cursor);
  // A table picks by table index (O(1)), then finds the rank only to read through a cursor.
  const set = db.object<SortedSet>(id);
  return cursorAtRank(db, id, set.rank(set.memberAtIndex(set.randomIndex())), cursor);
}

function zrandmember(c: Client, argv: Argv): void {
  if (argv.count >= 3) {
    const args = randomCountArgs(c, argv, 'WITHSCORES');
    if (args !== null) zrandmemberWithCount(c, argv, args.count, args.withWord);
    return;
  }
  const id = lookupZSet(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  if (id === 0) {
    c.reply.nullBulk();
    return;
  }
  randomElement(c.db, id, zsetLength(c.db, id)).writeMember(c.reply);
}

const randomMembers: string[] = [];
const randomScores: number[] = [];

/** zrandmemberWithCountCommand: the cases of Redis 7.2. */
function zrandmemberWithCount(c: Client, argv: Argv, l: number | bigint, withScores: boolean): void {
  const id = lookupZSet(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  const r = c.reply;
  if (id === 0 || l === 0 || l === 0n) {
    r.arrayLen(0);
    return;
  }
  const db = c.db;
  const size = zsetLength(db, id);
  const unique = l > 0;
  const exact = unique ? l : -l;
  const count = Number(exact);
  // CASE 1: a negative count, or 1: independent picks, repeats allowed.
  if (!unique || count === 1) {
    // The header says exactly what was asked for, even past 2^53 (the reply never gets there).
    const n = withScores && r.protocol === 2 ? BigInt(exact) * 2n : BigInt(exact);
    if (n <= 9007199254740991n) r.arrayLen(Number(n));
    else r.raw(`*${n}\r\n`);
    for (let k = 0; k < count; k++) {
      replyElement(r, randomElement(db, id, size), withScores);
      if (r.length > RANDOM_REPLY_LIMIT) {
        c.flags |= ClientFlag.CloseAsap;
        break;
      }
    }
    return;
  }
  // CASE 2: as many as the set has or more: the whole set, from the highest score down (the
  // direction of Redis's zset iterator).
  if (count >= size) {
    replyRangeHeader(r, size, withScores);
    for (const it = cursorAtRank(db, id, size - 1, cursor); it.valid; it.prev()) replyElement(r, it, withScores);
    return;
  }
  replyRangeHeader(r, count, withScores);
  // CASE 2.5: a listpack: `count` distinct elements, chosen by selection sampling, in order.
  if (db.isPacked(id)) {
    let needed = count;
    let left = size;
    for (const it = cursorAtRank(db, id, 0, cursor); it.valid && needed > 0; it.next(), left--) {
      if (Math.random() * left < needed) {
        replyElement(r, it, withScores);
        needed--;
      }
    }
    return;
  }
  const set = db.object<SortedSet>(id);
  // CASE 3: most of the set: drop random elements from a copy of it until `count` are left.
  // CASE 4: a small part of a big set: draw until `count` distinct elements are found.
  const members = randomMembers;
  const scores = randomScores;
  if (count * SUB_STRATEGY_MUL > size) {
    for (let i = 0; i < size; i++) {
      members[i] = set.memberAtIndex(i);
      scores[i] = set.scoreAtIndex(i);
    }
    for (let left = size; left > count; left--) {
      const k = Math.floor(Math.random() * left);
      members[k] = members[left - 1];
      scores[k] = scores[left - 1];
    }
  } else {
    const picked = new Set<number>();
    let n = 0;
    while (n < count) {
      const i = set.randomIndex();
      if (picked.has(i)) continue;
      picked.add(i);
      members[n] = set.memberAtIndex(i);
      scores[n] = set.scoreAtIndex(i);
      n++;
    }
  }
  for (let k = 0; k < count; k++) {
    if (withScores && r.protocol === 3) r.arrayLen(2);
    r.bulk(members[k]);
    if (withScores) replyScore(r, scores[k]);
  }
  members.length = 0;
  scores.length = 0;
}

// ---------------------------------------------------------------------------------------------
// The family's table
// ---------------------------------------------------------------------------------------------

export const zsetCommands: CommandEntry[] = [
  { name: 'zadd', handler: zadd },
  { name: 'zincrby', handler: zincrby },
  { name: 'zrem', handler: zrem },
  { name: 'zremrangebyrank', handler: zremrangebyrank },
  { name: 'zremrangebyscore', handler: zremrangebyscore },
  { name: 'zremrangebylex', handler: zremrangebylex },
  { name: 'zrange', handler: zrange },
  { name: 'zrangestore', handler: zrangestore },
  { name: 'zrevrange', handler: zrevrange },
  { name: 'zrangebyscore', handler: zrangebyscore },
  { name: 'zrevrangebyscore', handler: zrevrangebyscore },
  { name: 'zrangebylex', handler: zrangebylex },
  { name: 'zrevrangebylex', handler: zrevrangebylex },
  { name: 'zcard', handler: zcard },
  { name: 'zscore', handler: zscore },
  { name: 'zmscore', handler: zmscore },
  { name: 'zrank', handler: zrank },
  { name: 'zrevrank', handler: zrevrank },
  { name: 'zcount', handler: zcount },
  { name: 'zlexcount', handler: zlexcount },
  { name: 'zscan', handler: zscan },
  { name: 'zpopmin', handler: zpopmin },
  { name: 'zpopmax', handler: zpopmax },
  { name: 'zmpop', handler: zmpop },
  { name: 'bzpopmin', handler: bzpopmin },
  { name: 'bzpopmax', handler: bzpopmax },
  { name: 'bzmpop', handler: bzmpop },
  { name: 'zrandmember', handler: zrandmember },
  ...algebraCommands,
];
