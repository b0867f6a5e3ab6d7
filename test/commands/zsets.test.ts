/**
 * The sorted-set family through the embedded API and real sockets, against replies written
 * out here: every command with its options and errors in RESP2 and RESP3, the listpack image
 * Redis would write, the switch to the table form, blocking pops with several clients, and
 * what Redis 7.2 does that the 7.0 oracle of test/compat cannot show (ZRANK/ZREVRANK
 * WITHSCORE, ZADD converting a listpack eagerly). Expected bytes come from Redis 7.2's
 * t_zset.c and from runs of real Redis (test/compat/zsets.test.ts checks the 7.0 behaviour
 * against a live server).
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Cachica, type Session } from '../../src/embedded/cachica.js';
import { Lookup } from '../../src/store/database.js';
import { lpFirst, lpGet, lpNext, lpString } from '../../src/types/listpack.js';
import { SortedSet } from '../../src/types/sorted-set.js';
import { RawConnection } from '../helpers/raw-connection.js';
import { startCachica } from '../helpers/servers.js';

type Proto = 2 | 3;
type Arg = string | Buffer;
/** An expected reply: exact bytes, or bytes that depend on the protocol. */
type Expect = string | ((p: Proto) => string);

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

// ---------------------------------------------------------------------------------------------
// Reply builders
// ---------------------------------------------------------------------------------------------

const NIL: Expect = (p) => (p === 3 ? '_\r\n' : '$-1\r\n');
const NIL_ARRAY: Expect = (p) => (p === 3 ? '_\r\n' : '*-1\r\n');
const EMPTY_ARRAY = '*0\r\n';
const int = (n: number | string): string => `:${n}\r\n`;
const bulk = (s: string | Buffer): string => {
  const t = typeof s === 'string' ? s : s.toString('latin1');
  return `$${t.length}\r\n${t}\r\n`;
};
/** A score: a double in RESP3, a bulk string in RESP2. */
const dbl =
  (text: string): Expect =>
  (p) =>
    p === 3 ? `,${text}\r\n` : bulk(text);
const err = (message: string): string => `-${message}\r\n`;
const WRONGTYPE = err('WRONGTYPE Operation against a key holding the wrong kind of value');
const SYNTAX = err('ERR syntax error');
const NOT_INTEGER = err('ERR value is not an integer or out of range');
const NOT_FLOAT = err('ERR value is not a valid float');
const arity = (name: string): string => err(`ERR wrong number of arguments for '${name}' command`);

function resolve(e: Expect, p: Proto): string {
  return typeof e === 'string' ? e : e(p);
}
const arr =
  (...items: Expect[]): Expect =>
  (p) =>
    `*${items.length}\r\n${items.map((i) => resolve(i, p)).join('')}`;
/** member, score pairs: flat in RESP2, [member, score] arrays in RESP3. */
const pairs =
  (...ms: string[]): Expect =>
  (p) => {
    const items: string[] = [];
    for (let i = 0; i < ms.length; i += 2) {
      const m = bulk(ms[i]);
      const s = resolve(dbl(ms[i + 1]), p);
      items.push(p === 3 ? `*2\r\n${m}${s}` : `${m}${s}`);
    }
    return `*${p === 3 ? ms.length / 2 : ms.length}\r\n${items.join('')}`;
  };
/** [member, score] pairs as nested arrays in both protocols (ZMPOP, BZMPOP). */
const nestedPairs =
  (...ms: string[]): Expect =>
  (p) => {
    let out = `*${ms.length / 2}\r\n`;
    for (let i = 0; i < ms.length; i += 2) out += `*2\r\n${bulk(ms[i])}${resolve(dbl(ms[i + 1]), p)}`;
    return out;
  };
const members = (...ms: string[]): string => `*${ms.length}\r\n${ms.map((m) => bulk(m)).join('')}`;

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

function session(db: Cachica, p: Proto): Session {
  const s = db.session();
  s.raw(['HELLO', String(p)]);
  return s;
}

function latin1(args: readonly Arg[]): Buffer[] {
  return args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'latin1') : a));
}

/** Run steps on a fresh store in RESP2 and RESP3; each reply must be the expected bytes. */
function check(steps: readonly [Arg[], Expect][], config: Record<string, string> = {}): void {
  for (const p of [2, 3] as const) {
    const db = new Cachica({ config });
    try {
      const s = session(db, p);
      for (const [args, expect] of steps) {
        const reply = s.raw(latin1(args)).toString('latin1');
        assert.equal(reply, resolve(expect, p), `RESP${p}: ${args.map(String).join(' ')}`);
      }
    } finally {
      db.close();
    }
  }
}

/** check() on a listpack and again on the table form (zset-max-listpack-entries 0). */
function checkBoth(steps: readonly [Arg[], Expect][]): void {
  check(steps);
  check(steps, { 'zset-max-listpack-entries': '0' });
}

/** The configurations that give a listpack and the table form. */
const FORMS: readonly Record<string, string>[] = [{}, { 'zset-max-listpack-entries': '0' }];

function encoding(db: Cachica, key: string): string {
  return String(db.commandSync('OBJECT', 'ENCODING', key));
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

describe('ZADD and ZINCRBY', () => {
  it('add, update, CH, and scores printed as Redis 7.0 prints doubles, on both encodings', () =>
    checkBoth([
      [['ZADD', 'z', '1', 'a', '2', 'b'], int(2)],
      [['ZADD', 'z', '1', 'a', '3', 'b', '0.1', 'c'], int(1)],
      [['ZADD', 'z', 'CH', '1', 'a', '4', 'b', '5', 'd'], int(2)],
      [['ZADD', 'z', '1e300', 'e', '-inf', 'f', '+inf', 'g', '1.1', 'h', '5e-324', 'i'], int(5)],
      [['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], pairs('f', '-inf', 'i', '4.9406564584124654e-324', 'c', '0.10000000000000001', 'a', '1', 'h', '1.1000000000000001', 'b', '4', 'd', '5', 'e', '1.0000000000000001e+300', 'g', 'inf')],
      [['ZSCORE', 'z', 'b'], dbl('4')],
      [['ZSCORE', 'z', 'nope'], NIL],
      [['ZCARD', 'z'], int(9)],
    ]));

  it('NX, XX, GT, LT and INCR, alone and together', () =>
    checkBoth([
      [['ZADD', 'z', 'XX', '1', 'a'], int(0)],
      [['EXISTS', 'z'], int(0)],
      [['ZADD', 'z', 'NX', '1', 'a', '2', 'b'], int(2)],
      [['ZADD', 'z', 'NX', '9', 'a', '3', 'c'], int(1)],
      [['ZADD', 'z', 'XX', 'CH', '5', 'a', '4', 'd'], int(1)],
      [['ZADD', 'z', 'GT', 'CH', '4', 'a', '6', 'b', '7', 'e'], int(2)],
      [['ZADD', 'z', 'LT', 'CH', '4', 'a', '9', 'b'], int(1)],
      [['ZADD', 'z', 'INCR', '2.5', 'a'], dbl('6.5')],
      [['ZADD', 'z', 'INCR', 'NX', '1', 'a'], NIL],
      [['ZADD', 'z', 'INCR', 'XX', '1', 'nope'], NIL],
      [['ZADD', 'z', 'INCR', 'GT', '-1', 'a'], NIL],
      [['ZADD', 'z', 'INCR', 'LT', '-1', 'a'], dbl('5.5')],
      [['ZINCRBY', 'z', '-0.5', 'a'], dbl('5')],
      [['ZINCRBY', 'z', '1', 'new'], dbl('1')],
      [['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], pairs('new', '1', 'c', '3', 'a', '5', 'b', '6', 'e', '7')],
    ]));

  it('every error, each before anything changes', () =>
    check([
      [['ZADD', 'z', '1', 'a'], int(1)],
      [['ZADD', 'z', 'nan', 'b'], NOT_FLOAT],
      [['ZADD', 'z', '1', 'b', 'abc', 'c'], NOT_FLOAT],
      [['ZADD', 'z', '1e400', 'b'], NOT_FLOAT],
      [['ZADD', 'z', '1e-400', 'b'], NOT_FLOAT],
      [['ZADD', 'z', ' 1', 'b'], NOT_FLOAT],
      [['ZADD', 'z', '', 'b'], NOT_FLOAT],
      [['ZADD', 'z', '1', 'b', '2'], SYNTAX],
      [['ZADD', 'z', 'NX'], arity('zadd')],
      [['ZADD', 'z', 'NX', '1'], SYNTAX],
      [['ZADD', 'z', 'NX', 'XX', '1', 'a'], err('ERR XX and NX options at the same time are not compatible')],
      [['ZADD', 'z', 'GT', 'LT', '1', 'a'], err('ERR GT, LT, and/or NX options at the same time are not compatible')],
      [['ZADD', 'z', 'NX', 'GT', '1', 'a'], err('ERR GT, LT, and/or NX options at the same time are not compatible')],
      [['ZADD', 'z', 'INCR', '1', 'a', '1', 'b'], err('ERR INCR option supports a single increment-element pair')],
      [['ZADD', 'z'], arity('zadd')],
      [['ZADD', 'z', 'INCR', 'inf', 'a'], dbl('inf')],
      [['ZADD', 'z', 'INCR', '-inf', 'a'], err('ERR resulting score is not a number (NaN)')],
      [['ZINCRBY', 'z', '-inf', 'a'], err('ERR resulting score is not a number (NaN)')],
      [['ZINCRBY', 'z', 'x', 'a'], NOT_FLOAT],
      [['ZINCRBY', 'z', '1'], arity('zincrby')],
      [['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], pairs('a', 'inf')],
      [['SET', 's', 'x'], '+OK\r\n'],
      [['ZADD', 's', '1', 'a'], WRONGTYPE],
      [['ZINCRBY', 's', '1', 'a'], WRONGTYPE],
    ]));

  it('-0 is 0 in a listpack (an integer entry) and stays -0 in the table form', () => {
    check([
      [['ZADD', 'z', '-0', 'a'], int(1)],
      [['ZSCORE', 'z', 'a'], dbl('0')],
    ]);
    check(
      [
        [['ZADD', 'z', '-0', 'a'], int(1)],
        [['ZSCORE', 'z', 'a'], dbl('-0')],
        [['ZADD', 'z', '0', 'a'], int(0)],
        [['ZSCORE', 'z', 'a'], dbl('-0')],
      ],
      { 'zset-max-listpack-entries': '0' },
    );
  });
});

describe('ranges', () => {
  it('ZRANGE by rank, score and member, with REV, LIMIT and WITHSCORES', () =>
    checkBoth([
      [['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'], int(5)],
      [['ZRANGE', 'z', '1', '-2'], members('b', 'c', 'd')],
      [['ZRANGE', 'z', '0', '1', 'REV', 'WITHSCORES'], pairs('e', '5', 'd', '4')],
      [['ZRANGE', 'z', '(1', '4', 'BYSCORE', 'LIMIT', '1', '2'], members('c', 'd')],
      [['ZRANGE', 'z', '4', '(1', 'BYSCORE', 'REV'], members('d', 'c', 'b')],
      [['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '-1', '2'], EMPTY_ARRAY],
      [['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '3', '-1'], members('d', 'e')],
      [['ZRANGE', 'z', '[b', '(d', 'BYLEX'], members('b', 'c')],
      [['ZRANGE', 'z', '+', '-', 'BYLEX', 'REV', 'LIMIT', '0', '2'], members('e', 'd')],
      [['ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1'], err('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX')],
      [['ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES'], err('ERR syntax error, WITHSCORES not supported in combination with BYLEX')],
      [['ZRANGE', 'z', 'x', '1'], NOT_INTEGER],
      [['ZRANGE', 'z', 'x', '1', 'BYSCORE'], err('ERR min or max is not a float')],
      [['ZRANGE', 'z', 'x', '1', 'BYLEX'], err('ERR min or max not valid string range item')],
      [['ZRANGE', 'z', '0', '1', 'BYSCORE', 'BYLEX'], SYNTAX],
      [['ZRANGE', 'z', '0', '1', 'LIMIT', '1'], SYNTAX],
      [['ZREVRANGE', 'z', '0', '0', 'WITHSCORES'], pairs('e', '5')],
      [['ZREVRANGE', 'z', '0', '0', 'REV'], SYNTAX],
      [['ZRANGEBYSCORE', 'z', '2', '3', 'WITHSCORES'], pairs('b', '2', 'c', '3')],
      [['ZREVRANGEBYSCORE', 'z', '3', '2'], members('c', 'b')],
      [['ZRANGEBYLEX', 'z', '[d', '+'], members('d', 'e')],
      [['ZREVRANGEBYLEX', 'z', '[b', '-'], members('b', 'a')],
      [['ZRANGE', 'nokey', '0', '-1'], EMPTY_ARRAY],
    ]));

  it('ZRANGESTORE stores in order, deletes an emptied destination, overwrites other types', () =>
    checkBoth([
      [['ZADD', 'src', '1', 'a', '2', 'b', '3', 'c'], int(3)],
      [['ZRANGESTORE', 'dst', 'src', '0', '-1', 'REV'], int(3)],
      [['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'], pairs('a', '1', 'b', '2', 'c', '3')],
      [['SET', 'str', 'x'], '+OK\r\n'],
      [['ZRANGESTORE', 'str', 'src', '(1', '+inf', 'BYSCORE'], int(2)],
      [['TYPE', 'str'], '+zset\r\n'],
      [['ZRANGESTORE', 'dst', 'src', '5', '9'], int(0)],
      [['EXISTS', 'dst'], int(0)],
      [['ZRANGESTORE', 'dst', 'src', '0', '1', 'WITHSCORES'], SYNTAX],
    ]));

  it('ZCOUNT, ZLEXCOUNT and the range removals', () =>
    checkBoth([
      [['ZADD', 'z', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e'], int(5)],
      [['ZCOUNT', 'z', '0', '0'], int(5)],
      [['ZCOUNT', 'z', '(0', '+inf'], int(0)],
      [['ZCOUNT', 'z', 'x', '1'], err('ERR min or max is not a float')],
      [['ZLEXCOUNT', 'z', '(a', '[d'], int(3)],
      [['ZLEXCOUNT', 'z', 'a', '[d'], err('ERR min or max not valid string range item')],
      [['ZREMRANGEBYLEX', 'z', '[b', '(d'], int(2)],
      [['ZREMRANGEBYRANK', 'z', '-1', '-1'], int(1)],
      [['ZREMRANGEBYRANK', 'z', 'x', '1'], NOT_INTEGER],
      [['ZREMRANGEBYSCORE', 'z', '-inf', '(0'], int(0)],
      [['ZREMRANGEBYSCORE', 'z', '-inf', '+inf'], int(2)],
      [['EXISTS', 'z'], int(0)],
      [['ZREMRANGEBYSCORE', 'z', 'x', '1'], err('ERR min or max is not a float')],
    ]));
});

describe('lookups, removal and pops', () => {
  it('ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZREM', () =>
    checkBoth([
      [['ZADD', 'z', '1', 'a', '2.5', 'b', '3', 'c'], int(3)],
      [['ZMSCORE', 'z', 'a', 'x', 'b'], arr(dbl('1'), NIL, dbl('2.5'))],
      [['ZMSCORE', 'nokey', 'a'], arr(NIL)],
      [['ZRANK', 'z', 'b'], int(1)],
      [['ZREVRANK', 'z', 'b'], int(1)],
      [['ZREVRANK', 'z', 'c'], int(0)],
      [['ZRANK', 'z', 'x'], NIL],
      [['ZREM', 'z', 'a', 'x', 'a'], int(1)],
      [['ZREM', 'z', 'b', 'c'], int(2)],
      [['EXISTS', 'z'], int(0)],
      [['ZREM', 'z', 'a'], int(0)],
    ]));

  it('ZPOPMIN, ZPOPMAX and ZMPOP reply in their shapes and delete the emptied key', () =>
    checkBoth([
      [['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'], int(3)],
      [['ZPOPMIN', 'z'], arr(bulk('a'), dbl('1'))],
      [['ZPOPMAX', 'z', '1'], pairs('c', '3')],
      [['ZPOPMIN', 'z', '0'], EMPTY_ARRAY],
      [['ZPOPMIN', 'z', '-1'], err('ERR value is out of range, must be positive')],
      [['ZPOPMIN', 'z', '1', '2'], SYNTAX],
      [['ZMPOP', '2', 'nokey', 'z', 'MAX', 'COUNT', '5'], arr(bulk('z'), nestedPairs('b', '2'))],
      [['EXISTS', 'z'], int(0)],
      [['ZMPOP', '1', 'z', 'MIN'], NIL_ARRAY],
      [['ZPOPMIN', 'z'], EMPTY_ARRAY],
      [['ZMPOP', '0', 'z', 'MIN'], err('ERR numkeys should be greater than 0')],
      [['ZMPOP', '1', 'z', 'MIN', 'COUNT', '0'], err('ERR count should be greater than 0')],
      [['ZMPOP', '1', 'z', 'MID'], SYNTAX],
    ]));

  it('ZRANDMEMBER: whole sets in Redis\'s iterator order, counts and errors', () =>
    checkBoth([
      [['ZRANDMEMBER', 'nokey'], NIL],
      [['ZRANDMEMBER', 'nokey', '3'], EMPTY_ARRAY],
      [['ZADD', 'z', '1', 'a', '2', 'b'], int(2)],
      [['ZRANDMEMBER', 'z', '5', 'WITHSCORES'], pairs('b', '2', 'a', '1')],
      [['ZRANDMEMBER', 'z', '0'], EMPTY_ARRAY],
      [['ZRANDMEMBER', 'z', '-9223372036854775808'], err('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807')],
      [['ZRANDMEMBER', 'z', '4611686018427387904', 'WITHSCORES'], err('ERR value is out of range')],
      [['ZRANDMEMBER', 'z', '1', 'WITHSCORE'], SYNTAX],
      [['ZRANDMEMBER', 'z', 'x'], NOT_INTEGER],
    ]));

  it('ZRANDMEMBER draws every member, with and without repeats', () => {
    for (const config of FORMS) {
      const db = new Cachica({ config });
      try {
        for (let i = 0; i < 10; i++) db.commandSync('ZADD', 'z', i, `m${i}`);
        const seen = new Set<string>();
        for (let k = 0; k < 200; k++) seen.add(String(db.commandSync('ZRANDMEMBER', 'z')));
        assert.equal(seen.size, 10);
        const unique = db.commandSync('ZRANDMEMBER', 'z', 7) as string[];
        assert.equal(new Set(unique).size, 7);
        const repeats = db.commandSync('ZRANDMEMBER', 'z', -50) as string[];
        assert.equal(repeats.length, 50);
        for (const m of repeats) assert.match(m, /^m\d$/);
        const withScores = db.commandSync('ZRANDMEMBER', 'z', -3, 'WITHSCORES') as [string, number][];
        for (const [m, s] of withScores) assert.equal(Number(m.slice(1)), s);
      } finally {
        db.close();
      }
    }
  });

  it('ZSCAN returns every member once across its cursor, on both encodings', () => {
    for (const config of FORMS) {
      const db = new Cachica({ config });
      try {
        for (let i = 0; i < 100; i++) db.commandSync('ZADD', 'z', i / 2, `m${i}`);
        const seen = new Map<string, string>();
        let cursor = '0';
        do {
          const [next, items] = db.commandSync('ZSCAN', 'z', cursor, 'COUNT', 7) as [string, string[]];
          for (let k = 0; k < items.length; k += 2) seen.set(items[k], items[k + 1]);
          cursor = next;
        } while (cursor !== '0');
        assert.equal(seen.size, 100);
        assert.equal(seen.get('m3'), '1.5');
        const matched = db.commandSync('ZSCAN', 'z', '0', 'MATCH', 'm9?', 'COUNT', 1000) as [string, string[]];
        assert.equal(matched[1].length, 20);
      } finally {
        db.close();
      }
    }
  });
});

describe('union, intersection and difference', () => {
  it('weights, aggregates, NaN and infinities as Redis computes them', () =>
    checkBoth([
      [['ZADD', 'z1', '1', 'a', '2', 'b'], int(2)],
      [['ZADD', 'z2', '10', 'b', 'inf', 'c'], int(2)],
      // c: inf * 0 is NaN, which counts as 0.
      [['ZUNION', '2', 'z1', 'z2', 'WEIGHTS', '2', '0', 'WITHSCORES'], pairs('c', '0', 'a', '2', 'b', '4')],
      [['ZUNION', '2', 'z1', 'z2', 'AGGREGATE', 'MAX', 'WITHSCORES'], pairs('a', '1', 'b', '10', 'c', 'inf')],
      [['ZINTER', '2', 'z1', 'z2', 'AGGREGATE', 'MIN', 'WITHSCORES'], pairs('b', '2')],
      [['ZDIFF', '2', 'z1', 'z2', 'WITHSCORES'], pairs('a', '1')],
      [['ZINTERCARD', '2', 'z1', 'z2', 'LIMIT', '5'], int(1)],
      [['ZUNIONSTORE', 'd', '2', 'z1', 'z2', 'WEIGHTS', '1', '-1'], int(3)],
      [['ZRANGE', 'd', '0', '-1', 'WITHSCORES'], pairs('c', '-inf', 'b', '-8', 'a', '1')],
      [['ZINTERSTORE', 'd', '2', 'z1', 'nokey'], int(0)],
      [['EXISTS', 'd'], int(0)],
      [['ZUNION', '0', 'z1'], err("ERR at least 1 input key is needed for 'zunion' command")],
      [['ZINTERSTORE', 'd', '0', 'z1'], err("ERR at least 1 input key is needed for 'zinterstore' command")],
      [['ZUNION', '2', 'z1'], SYNTAX],
      [['ZUNION', '1', 'z1', 'WEIGHTS', 'x'], err('ERR weight value is not a float')],
      [['ZINTERCARD', '1', 'z1', 'LIMIT', '-1'], err("ERR LIMIT can't be negative")],
      [['ZDIFF', '1', 'z1', 'AGGREGATE', 'SUM'], SYNTAX],
      [['SET', 's', 'x'], '+OK\r\n'],
      [['ZUNION', '2', 'z1', 's'], WRONGTYPE],
    ]));
});

// ---------------------------------------------------------------------------------------------
// Redis 7.2 behaviour the 7.0 oracle lacks
// ---------------------------------------------------------------------------------------------

describe('Redis 7.2 additions', () => {
  it('ZRANK and ZREVRANK WITHSCORE reply [rank, score], a null array when missing', () =>
    checkBoth([
      [['ZADD', 'z', '1', 'a', '2.5', 'b', '3', 'c'], int(3)],
      [['ZRANK', 'z', 'b', 'WITHSCORE'], arr(int(1), dbl('2.5'))],
      [['ZREVRANK', 'z', 'c', 'withscore'], arr(int(0), dbl('3'))],
      [['ZRANK', 'z', 'x', 'WITHSCORE'], NIL_ARRAY],
      [['ZRANK', 'nokey', 'a', 'WITHSCORE'], NIL_ARRAY],
      [['ZRANK', 'nokey', 'a'], NIL],
      [['ZRANK', 'z', 'a', 'WITHSCORES'], SYNTAX],
      [['ZRANK', 'z', 'a', 'WITHSCORE', 'x'], arity('zrank')],
      [['ZREVRANK', 'z', 'a', 'WITHSCORE', 'x'], arity('zrevrank')],
      [['ZRANK', 'z'], arity('zrank')],
      [['SET', 's', 'x'], '+OK\r\n'],
      [['ZRANK', 's', 'a', 'WITHSCORE'], WRONGTYPE],
    ]));

  it('COMMAND INFO gives ZRANK and ZREVRANK arity -3', () => {
    const db = new Cachica();
    try {
      for (const name of ['zrank', 'zrevrank']) {
        const info = db.commandSync('COMMAND', 'INFO', name) as [[string, number]];
        assert.equal(info[0][1], -3);
      }
    } finally {
      db.close();
    }
  });

  it('ZADD of more pairs than zset-max-listpack-entries converts at once, duplicates or not', () => {
    const db = new Cachica({ config: { 'zset-max-listpack-entries': '4' } });
    try {
      db.commandSync('ZADD', 'new', 1, 'a', 1, 'a', 1, 'a', 1, 'a', 1, 'a');
      assert.equal(encoding(db, 'new'), 'skiplist');
      db.commandSync('ZADD', 'old', 1, 'a');
      assert.equal(encoding(db, 'old'), 'listpack');
      db.commandSync('ZADD', 'old', 1, 'a', 1, 'a', 1, 'a', 1, 'a', 1, 'a');
      assert.equal(encoding(db, 'old'), 'skiplist');
      db.commandSync('ZADD', 'four', 1, 'a', 2, 'b', 3, 'c', 4, 'd');
      assert.equal(encoding(db, 'four'), 'listpack');
      // A first member longer than zset-max-listpack-value makes a skiplist too.
      db.commandSync('CONFIG', 'SET', 'zset-max-listpack-value', '3');
      db.commandSync('ZADD', 'long', 1, 'abcd');
      assert.equal(encoding(db, 'long'), 'skiplist');
    } finally {
      db.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Encodings
// ---------------------------------------------------------------------------------------------

describe('encodings', () => {
  it('a listpack holds member, score pairs as Redis lays them out', () => {
    const db = new Cachica();
    try {
      db.commandSync('ZADD', 'z', '2', 'b', '1.5', 'a', '-0', '10', 'inf', 'x', '1e300', 'y', '4611686018427387904', 'big', '4611686018427388928', 'bigger');
      const store = db.internals.store;
      const d = store.databases[0];
      const id = d.find(Buffer.from('z'), 0, 1, Lookup.NoTouch);
      assert.ok(d.isPacked(id));
      const b = d.packedBuffer(id);
      const lp = d.packedOffset(id);
      const entries: string[] = [];
      const ints: boolean[] = [];
      for (let p = lpFirst(b, lp); p !== -1; p = lpNext(b, p)) {
        entries.push(lpString(b, p));
        ints.push(lpGet(b, p).isInt);
      }
      assert.deepEqual(entries, ['10', '0', 'a', '1.5', 'b', '2', 'big', '4611686018427387904', 'bigger', '4.6116860184273889e+18', 'y', '1.0000000000000001e+300', 'x', 'inf']);
      // double2ll: integral scores within +-2^62 are integer entries (and so are integer-like members).
      assert.deepEqual(ints, [true, true, false, false, false, true, false, true, false, false, false, false, false, false]);
    } finally {
      db.close();
    }
  });

  it('converting to the table form keeps order, scores and ties', () => {
    const db = new Cachica({ config: { 'zset-max-listpack-entries': '16' } });
    try {
      for (let i = 0; i < 16; i++) db.commandSync('ZADD', 'z', i % 3, `m${15 - i}`);
      const before = db.commandSync('ZRANGE', 'z', 0, -1, 'WITHSCORES');
      db.commandSync('ZADD', 'z', 1, 'extra');
      assert.equal(encoding(db, 'z'), 'skiplist');
      db.commandSync('ZREM', 'z', 'extra');
      assert.deepEqual(db.commandSync('ZRANGE', 'z', 0, -1, 'WITHSCORES'), before);
      assert.equal(encoding(db, 'z'), 'skiplist');
    } finally {
      db.close();
    }
  });

  it('binary members of every byte value, in both encodings', () => {
    for (const config of FORMS) {
      const db = new Cachica({ config, returnBuffers: true });
      try {
        const ms = Array.from({ length: 256 }, (_, i) => Buffer.from([i, 0xff - i]));
        for (const m of ms) db.commandSync('ZADD', 'z', 1, m);
        db.commandSync('ZADD', 'z', 0, ALL_BYTES);
        const range = db.commandSync('ZRANGE', 'z', 0, -1) as Buffer[];
        assert.equal(range.length, 257);
        assert.ok(range[0].equals(ALL_BYTES));
        for (let i = 0; i < 256; i++) assert.ok(range[i + 1].equals(ms[i]), `member ${i}`);
        assert.equal(db.commandSync('ZRANK', 'z', Buffer.from([200, 55])), 201);
        assert.equal(Number(db.commandSync('ZSCORE', 'z', ALL_BYTES)), 0);
      } finally {
        db.close();
      }
    }
  });

  it('COPY makes an independent copy of either encoding', () => {
    for (const config of FORMS) {
      const db = new Cachica({ config });
      try {
        db.commandSync('ZADD', 'a', 1, 'x', 2, 'y');
        db.commandSync('COPY', 'a', 'b');
        db.commandSync('ZADD', 'b', 3, 'z');
        db.commandSync('ZREM', 'a', 'x');
        assert.deepEqual(db.commandSync('ZRANGE', 'a', 0, -1), ['y']);
        assert.deepEqual(db.commandSync('ZRANGE', 'b', 0, -1), ['x', 'y', 'z']);
        assert.equal(encoding(db, 'b'), encoding(db, 'a'));
      } finally {
        db.close();
      }
    }
  });

  it('rank and range queries stay fast on a set of 200,000 members', () => {
    const db = new Cachica();
    try {
      const n = 200_000;
      const pairs: (string | number)[] = [];
      for (let i = 0; i < n; i++) pairs.push(i, `member:${i}`);
      for (let i = 0; i < pairs.length; i += 2000) db.commandSync('ZADD', 'z', ...pairs.slice(i, i + 2000));
      assert.equal(db.commandSync('ZCARD', 'z'), n);
      const start = process.hrtime.bigint();
      for (let k = 0; k < 2000; k++) {
        const i = (k * 7919) % n;
        assert.equal(db.commandSync('ZRANK', 'z', `member:${i}`), i);
        assert.deepEqual(db.commandSync('ZRANGE', 'z', i, i), [`member:${i}`]);
        assert.equal(db.commandSync('ZCOUNT', 'z', i, `(${i + 10}`), Math.min(10, n - i));
      }
      // 6,000 O(log n) queries: far below what a linear walk of 200,000 members would take.
      assert.ok(Number(process.hrtime.bigint() - start) / 1e9 < 5);
    } finally {
      db.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Blocking pops
// ---------------------------------------------------------------------------------------------

describe('BZPOPMIN, BZPOPMAX, BZMPOP', () => {
  it('serve at once when a key holds members, and time out with a null array', () =>
    check([
      [['ZADD', 'z', '1', 'a', '2', 'b'], int(2)],
      [['BZPOPMIN', 'nokey', 'z', '0'], arr(bulk('z'), bulk('a'), dbl('1'))],
      [['BZPOPMAX', 'z', '1'], arr(bulk('z'), bulk('b'), dbl('2'))],
      [['EXISTS', 'z'], int(0)],
      // The synchronous embedded call cannot wait: it gets the timeout reply.
      [['BZPOPMIN', 'z', '0'], NIL_ARRAY],
      [['BZMPOP', '0', '1', 'z', 'MIN'], NIL_ARRAY],
      [['BZPOPMIN', 'z', 'abc'], err('ERR timeout is not a float or out of range')],
      [['BZPOPMIN', 'z', '-1'], err('ERR timeout is negative')],
      [['BZMPOP', '0', '0', 'z', 'MIN'], err('ERR numkeys should be greater than 0')],
      [['BZMPOP', 'abc', '1', 'z', 'MIN'], err('ERR timeout is not a float or out of range')],
      [['SET', 's', 'x'], '+OK\r\n'],
      [['BZPOPMIN', 's', '0'], WRONGTYPE],
    ]));

  it('a waiting client is served when a key is created, first come first served', async () => {
    const db = new Cachica();
    try {
      const first = db.session();
      const second = db.session();
      const writer = db.session();
      const a = first.command('BZPOPMIN', 'z', '0');
      const b = second.command('BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '5');
      await writer.command('ZADD', 'z', 1, 'x', 2, 'y', 3, 'w');
      assert.deepEqual(await a, ['z', 'x', 1]);
      assert.deepEqual(await b, ['z', [['w', 3], ['y', 2]]]);
      assert.equal(await writer.command('EXISTS', 'z'), 0);
      const c = first.command('BZPOPMAX', 'u', '0');
      await writer.command('ZUNIONSTORE', 'u', 1, 'nothing');
      await writer.command('ZADD', 'other', 5, 'q');
      await writer.command('ZUNIONSTORE', 'u', 1, 'other', 'WEIGHTS', 2);
      assert.deepEqual(await c, ['u', 'q', 10]);
    } finally {
      db.close();
    }
  });

  it('through a socket: a timeout, a wake-up from another client, and a client that leaves', async () => {
    const server = await startCachica();
    const waiter = await RawConnection.connect(server.port);
    const leaver = await RawConnection.connect(server.port);
    const writer = await RawConnection.connect(server.port);
    try {
      const started = Date.now();
      assert.equal((await waiter.call(['BZPOPMIN', 'z', '0.2'])).toString('latin1'), '*-1\r\n');
      assert.ok(Date.now() - started >= 150);
      leaver.send(['BZPOPMIN', 'z', '0']);
      waiter.send(['BZPOPMAX', 'z', '5']);
      await new Promise((r) => setTimeout(r, 50));
      leaver.close();
      await new Promise((r) => setTimeout(r, 50));
      assert.equal((await writer.call(['ZADD', 'z', '1', 'a', '2', 'b'])).toString('latin1'), ':2\r\n');
      assert.equal((await waiter.readFrame(3000)).toString('latin1'), '*3\r\n$1\r\nz\r\n$1\r\nb\r\n$1\r\n2\r\n');
      // The client that left took nothing: 'a' is still there.
      assert.equal((await writer.call(['ZRANGE', 'z', '0', '-1'])).toString('latin1'), '*1\r\n$1\r\na\r\n');
    } finally {
      waiter.close();
      writer.close();
      await server.stop();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Beyond one V8 Map
// ---------------------------------------------------------------------------------------------

describe('the table form', () => {
  it('SortedSet is what OBJECT ENCODING calls a skiplist, and clones deeply', () => {
    const db = new Cachica({ config: { 'zset-max-listpack-entries': '0' } });
    try {
      db.commandSync('ZADD', 'z', 1, 'a');
      const d = db.internals.store.databases[0];
      const id = d.find(Buffer.from('z'), 0, 1, Lookup.NoTouch);
      const set = d.object<SortedSet>(id);
      assert.ok(set instanceof SortedSet);
      assert.equal(set.clone().score('a'), 1);
    } finally {
      db.close();
    }
  });
});
