/**
 * ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (Redis's
 * zunionInterDiffGenericCommand). Inputs may be sorted sets or plain sets (every member
 * scoring 1). Results are gathered in arrays and sorted once, then replied or stored in the
 * encoding Redis would leave them in.
 *
 * The arithmetic follows Redis exactly, because it shows in the scores: inputs are visited
 * from the smallest to the largest (a stable sort by size), a weighted score that is NaN
 * (0 * inf) becomes 0, and a SUM that is NaN (inf + -inf) becomes 0.
 */

import type { Argv } from '../protocol/argv.js';
import type { Client } from '../server/client.js';
import { Notify } from '../server/keyspace-events.js';
import { Lookup, type Database } from '../store/database.js';
import { ValueType } from '../store/entries.js';
import { BigMap } from '../types/big-map.js';
import { argInt64 } from './args.js';
import { NOT_INTEGER, SYNTAX, WRONGTYPE, ZSET_LIMIT_NEGATIVE, ZSET_WEIGHT_NOT_FLOAT, zsetNoInputKeys } from './errors.js';
import { isFind } from '../types/intset.js';
import { lpFind, lpFirst } from '../types/listpack.js';
import type { MemberTable } from '../types/member-table.js';
import { parseInt64 } from './args.js';
import { setMembers, setSize } from './sets.js';
import type { CommandEntry } from './types.js';
import { argScore, readAll, replyScore, scoreOf, storeZSet, zsetLength } from './zset-ops.js';

const enum Op {
  Union,
  Inter,
  Diff,
}

/** The event of each STORE form (by Op). */
const STORE_EVENTS = ['zunionstore', 'zinterstore', 'zdiffstore'];

const enum Aggregate {
  Sum,
  Min,
  Max,
}

/** One input: a zset or set entry (0: missing key, an empty input). */
interface Source {
  id: number;
  type: ValueType;
  length: number;
  weight: number;
}

function sourceLength(db: Database, s: Source): number {
  if (s.id === 0) return 0;
  return s.type === ValueType.ZSet ? zsetLength(db, s.id) : setSize(db, s.id);
}

/** Every member of a source with its (unweighted) score; returns the count. */
function sourceElements(db: Database, s: Source, members: string[], scores: number[]): number {
  if (s.id === 0) return 0;
  if (s.type === ValueType.ZSet) return readAll(db, s.id, members, scores);
  const all = setMembers(db, s.id);
  for (let i = 0; i < all.length; i++) {
    members[i] = all[i];
    scores[i] = 1;
  }
  return all.length;
}

/** The score of `member` in a source, or undefined. */
function sourceScore(db: Database, s: Source, member: string): number | undefined {
  if (s.id === 0) return undefined;
  if (s.type === ValueType.ZSet) return scoreOf(db, s.id, member);
  return setHas(db, s.id, member) ? 1 : undefined;
}

// ---------------------------------------------------------------------------------------------
// Plain sets as inputs (intset, listpack or table form)
// ---------------------------------------------------------------------------------------------

/** The META flag sets.ts gives a packed set whose image is an intset (a listpack otherwise). */
const SET_INTSET_FLAG = 1;

let probe = Buffer.allocUnsafe(256);

/** Is `member` in set `id`? (zuiFind on a set: sets.ts keeps its own version private.) */
function setHas(db: Database, id: number, member: string): boolean {
  if (!db.isPacked(id)) return db.object<MemberTable<unknown>>(id).has(member);
  if (member.length > probe.length) probe = Buffer.allocUnsafe(member.length * 2);
  const len = probe.latin1Write(member, 0, member.length);
  const b = db.packedBuffer(id);
  const o = db.packedOffset(id);
  if ((db.flags(id) & SET_INTSET_FLAG) !== 0) {
    const v = parseInt64(probe, 0, len);
    return v !== null && isFind(b, o, v);
  }
  const first = lpFirst(b, o);
  return first !== -1 && lpFind(b, first, probe, 0, len, 0) !== -1;
}

function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === Aggregate.Sum) {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (how === Aggregate.Min) return value < target ? value : target;
  return value > target ? value : target;
}

// Scratch arrays, reused across calls.
const inMembers: string[] = [];
const inScores: number[] = [];
const outMembers: string[] = [];
const outScores: number[] = [];
const order: number[] = [];
const sortedMembers: string[] = [];
const sortedScores: number[] = [];

/**
 * zunionInterDiffGenericCommand. `dstIndex` is the destination's argv index for the STORE
 * forms (-1 otherwise); `numkeysIndex` where numkeys is.
 */
function zsetAlgebra(c: Client, argv: Argv, dstIndex: number, numkeysIndex: number, op: Op, cardinalityOnly: boolean, fullname: string): void {
  const v = argInt64(argv, numkeysIndex);
  if (v === null) {
    c.reply.error(NOT_INTEGER);
    return;
  }
  const setnum = Number(v);
  if (setnum < 1) {
    c.reply.error(zsetNoInputKeys(fullname));
    return;
  }
  if (setnum > argv.count - (numkeysIndex + 1)) {
    c.reply.error(SYNTAX);
    return;
  }
  const db = c.db;
  const sources: Source[] = [];
  let j = numkeysIndex + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const id = db.findArg(argv, j, Lookup.Read);
    const type = id === 0 ? ValueType.None : db.type(id);
    if (id !== 0 && type !== ValueType.ZSet && type !== ValueType.Set) {
      c.reply.error(WRONGTYPE);
      return;
    }
    sources.push({ id, type, length: 0, weight: 1 });
  }
  let how = Aggregate.Sum;
  let withScores = false;
  let limit = 0;
  while (j < argv.count) {
    const remaining = argv.count - j;
    if (op !== Op.Diff && !cardinalityOnly && remaining >= setnum + 1 && argv.is(j, 'WEIGHTS')) {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = argScore(argv, j);
        if (w === null) {
          c.reply.error(ZSET_WEIGHT_NOT_FLOAT);
          return;
        }
        sources[i].weight = w;
      }
    } else if (op !== Op.Diff && !cardinalityOnly && remaining >= 2 && argv.is(j, 'AGGREGATE')) {
      j++;
      if (argv.is(j, 'SUM')) how = Aggregate.Sum;
      else if (argv.is(j, 'MIN')) how = Aggregate.Min;
      else if (argv.is(j, 'MAX')) how = Aggregate.Max;
      else {
        c.reply.error(SYNTAX);
        return;
      }
      j++;
    } else if (remaining >= 1 && dstIndex < 0 && !cardinalityOnly && argv.is(j, 'WITHSCORES')) {
      j++;
      withScores = true;
    } else if (cardinalityOnly && remaining >= 2 && argv.is(j, 'LIMIT')) {
      const l = argInt64(argv, j + 1);
      if (l === null || l < 0) {
        c.reply.error(ZSET_LIMIT_NEGATIVE);
        return;
      }
      limit = Number(l);
      j += 2;
    } else {
      c.reply.error(SYNTAX);
      return;
    }
  }
  for (const s of sources) s.length = sourceLength(db, s);
  // Smallest first (Array.prototype.sort is stable, as glibc's merge-sorting qsort is).
  if (op !== Op.Diff) sources.sort((a, b) => a.length - b.length);

  let n = 0;
  let cardinality = 0;
  if (op === Op.Inter) {
    const first = sources[0];
    if (first.length > 0) {
      const m = sourceElements(db, first, inMembers, inScores);
      for (let k = 0; k < m; k++) {
        const member = inMembers[k];
        let score = first.weight * inScores[k];
        if (Number.isNaN(score)) score = 0;
        let i = 1;
        for (; i < setnum; i++) {
          const s = sources[i];
          if (s.id === first.id) {
            score = aggregate(score, inScores[k] * s.weight, how);
            continue;
          }
          const found = sourceScore(db, s, member);
          if (found === undefined) break;
          score = aggregate(score, found * s.weight, how);
        }
        if (i < setnum) continue;
        if (cardinalityOnly) {
          cardinality++;
          if (limit !== 0 && cardinality >= limit) break;
        } else {
          outMembers[n] = member;
          outScores[n] = score;
          n++;
        }
      }
    }
  } else if (op === Op.Union) {
    const accumulator = new BigMap<number>();
    for (const s of sources) {
      if (s.length === 0) continue;
      const m = sourceElements(db, s, inMembers, inScores);
      for (let k = 0; k < m; k++) {
        let score = s.weight * inScores[k];
        if (Number.isNaN(score)) score = 0;
        const existing = accumulator.get(inMembers[k]);
        accumulator.set(inMembers[k], existing === undefined ? score : aggregate(existing, score, how));
      }
    }
    for (const [member, score] of accumulator) {
      outMembers[n] = member;
      outScores[n] = score;
      n++;
    }
  } else {
    const first = sources[0];
    // A first input given again later leaves nothing.
    let same = false;
    for (let i = 1; i < setnum; i++) if (sources[i].id === first.id && first.id !== 0) same = true;
    if (first.length > 0 && !same) {
      const m = sourceElements(db, first, inMembers, inScores);
      for (let k = 0; k < m; k++) {
        let found = false;
        for (let i = 1; i < setnum && !found; i++) found = sourceScore(db, sources[i], inMembers[k]) !== undefined;
        if (found) continue;
        outMembers[n] = inMembers[k];
        outScores[n] = inScores[k];
        n++;
      }
    }
  }
  inMembers.length = 0;
  inScores.length = 0;

  if (cardinalityOnly) {
    c.reply.integer(cardinality);
    return;
  }
  sortResult(n);
  outMembers.length = 0;
  outScores.length = 0;
  if (dstIndex >= 0) {
    if (n > 0) {
      storeZSet(c, argv.bufs[dstIndex], argv.starts[dstIndex], argv.ends[dstIndex], sortedMembers, sortedScores, n);
      c.engine.events.changedArg(db, argv, dstIndex, Notify.ZSet, STORE_EVENTS[op]);
      c.engine.dirty++;
      c.reply.integer(n);
    } else {
      if (db.deleteKey(argv.bufs[dstIndex], argv.starts[dstIndex], argv.ends[dstIndex])) {
        c.engine.events.changedArg(db, argv, dstIndex, Notify.Generic, 'del');
        c.engine.dirty++;
      }
      c.reply.integer(0);
    }
  } else {
    const r = c.reply;
    r.arrayLen(withScores && r.protocol === 2 ? n * 2 : n);
    for (let k = 0; k < n; k++) {
      if (withScores && r.protocol === 3) r.arrayLen(2);
      r.bulk(sortedMembers[k]);
      if (withScores) replyScore(r, sortedScores[k]);
    }
  }
  sortedMembers.length = 0;
  sortedScores.length = 0;
}

/** Sort outMembers/outScores[0, n) by score, then member, into sortedMembers/sortedScores. */
function sortResult(n: number): void {
  order.length = n;
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const sa = outScores[a];
    const sb = outScores[b];
    if (sa !== sb) return sa < sb ? -1 : 1;
    const ma = outMembers[a];
    const mb = outMembers[b];
    return ma < mb ? -1 : ma > mb ? 1 : 0;
  });
  for (let i = 0; i < n; i++) {
    sortedMembers[i] = outMembers[order[i]];
    sortedScores[i] = outScores[order[i]];
  }
  order.length = 0;
}

function zunionstore(c: Client, argv: Argv): void {
  zsetAlgebra(c, argv, 1, 2, Op.Union, false, 'zunionstore');
}

function zinterstore(c: Client, argv: Argv): void {
  zsetAlgebra(c, argv, 1, 2, Op.Inter, false, 'zinterstore');
}

function zdiffstore(c: Client, argv: Argv): void {
  zsetAlgebra(c, argv, 1, 2, Op.Diff, false, 'zdiffstore');
}

function zunion(c: Client, argv: Argv): void {
  zsetAlgebra(c, argv, -1, 1, Op.Union, false, 'zunion');
}

function zinter(c: Client, argv: Argv): void {
  zsetAlgebra(c, argv, -1, 1, Op.Inter, false, 'zinter');
}

function zintercard(c: Client, argv: Argv): void {
  zsetAlgebra(c, argv, -1, 1, Op.Inter, true, 'zintercard');
}

function zdiff(c: Client, argv: Argv): void {
  zsetAlgebra(c, argv, -1, 1, Op.Diff, false, 'zdiff');
}

export const algebraCommands: CommandEntry[] = [
  { name: 'zunionstore', handler: zunionstore },
  { name: 'zinterstore', handler: zinterstore },
  { name: 'zdiffstore', handler: zdiffstore },
  { name: 'zunion', handler: zunion },
  { name: 'zinter', handler: zinter },
  { name: 'zintercard', handler: zintercard },
  { name: 'zdiff', handler: zdiff },
];
