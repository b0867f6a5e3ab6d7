/**
 * List commands against real Redis: fixed scenarios for every command, option and error of the
 * list family, the blocking commands with several connections (served at once, served later in
 * the order clients blocked, timed out), then seeded random sequences that mix lists with
 * strings and the keyspace, each in RESP2 and RESP3.
 *
 * Redis 7.0 (the oracle) keeps every list as a quicklist; 7.2 (the target) keeps small ones as
 * listpacks. Replies do not depend on the encoding, so they are compared exactly; OBJECT
 * ENCODING goes through listEncoding, and test/commands/lists.test.ts checks 7.2's encodings.
 * Blocking steps are followed by a short sleep before the command that serves them, so the
 * wait has begun on both servers.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineScenarios, sleep, useBed, type Scenario, type Step } from './bed.js';
import { ALL_BYTES, KEY_TEMPLATES, LIST_TEMPLATES, listEncoding, randomScenarios, STRING_TEMPLATES, uncovered } from './random.js';

const LONG = 'v'.repeat(10_000);

/** RPUSH of `n` elements e0..e(n-1) (a quicklist in Redis 7.2 past about 1,500). */
function many(key: string, n: number, from = 0): string[] {
  const cmd = ['RPUSH', key];
  for (let i = from; i < from + n; i++) cmd.push(`e${i}`);
  return cmd;
}

/** Send a blocking command on `conn` without reading; the reply is read later with `served`. */
function blocks(conn: string, ...cmd: string[]): Step[] {
  return [{ cmd, conn, frames: 0 }, sleep(30)];
}

/** Read the reply a blocked command on `conn` got since. */
function served(conn: string): Step {
  return { pushes: 1, conn };
}

const encoding = (key: string): Step => ({ cmd: ['OBJECT', 'ENCODING', key], compare: listEncoding });

const scenarios: Scenario[] = [
  // ------------------------------------------------------------------------- pushes
  {
    name: 'LPUSH and RPUSH push each element in turn and reply the length',
    steps: [
      ['LPUSH', 'l', 'a', 'b', 'c'],
      ['RPUSH', 'l', 'd', 'e'],
      ['LRANGE', 'l', '0', '-1'],
      ['LPUSH', 'l', ''],
      ['RPUSH', 'l', ALL_BYTES],
      ['LRANGE', 'l', '0', '-1'],
      ['LLEN', 'l'],
      ['TYPE', 'l'],
      encoding('l'),
      ['LPUSH', 'l'],
      ['RPUSH'],
    ],
  },
  {
    name: 'LPUSHX and RPUSHX push only onto an existing list',
    steps: [
      ['LPUSHX', 'l', 'a'],
      ['RPUSHX', 'l', 'a', 'b'],
      ['EXISTS', 'l'],
      ['RPUSH', 'l', 'x'],
      ['LPUSHX', 'l', 'a', 'b'],
      ['RPUSHX', 'l', 'c', 'd'],
      ['LRANGE', 'l', '0', '-1'],
      ['SET', 's', 'v'],
      ['LPUSHX', 's', 'a'],
      ['RPUSHX', 's', 'a'],
      ['LPUSHX', 'l'],
    ],
  },
  {
    name: 'elements that look like integers come back as they were sent',
    steps: [
      ['RPUSH', 'l', '0', '-0', '007', '+1', '1', '-1', '127', '128', '-4096', '4095', '32767', '-32769', '8388608', '2147483648'],
      ['RPUSH', 'l', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '-9223372036854775809', '1.5', '1e3', ' 1'],
      ['LRANGE', 'l', '0', '-1'],
      ['LINDEX', 'l', '15'],
      ['LPOS', 'l', '9223372036854775807'],
      ['LPOS', 'l', '1'],
      ['LREM', 'l', '0', '-0'],
      ['LINSERT', 'l', 'AFTER', '007', '7'],
      ['LSET', 'l', '0', '12345678901234567890'],
      ['LRANGE', 'l', '0', '4'],
      ['LPOP', 'l', '3'],
      ['RPOP', 'l', '3'],
    ],
  },
  // ------------------------------------------------------------------------- pops
  {
    name: 'LPOP and RPOP, with and without a count',
    steps: [
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
      ['LPOP', 'l'],
      ['RPOP', 'l'],
      ['LPOP', 'l', '2'],
      ['RPOP', 'l', '0'],
      ['RPOP', 'l', '10'],
      ['EXISTS', 'l'],
      ['LPOP', 'l'],
      ['LPOP', 'l', '1'],
      ['RPOP', 'l', '0'],
      ['RPUSH', 'l', 'x'],
      ['LPOP', 'l', '-1'],
      ['LPOP', 'l', 'abc'],
      ['LPOP', 'l', '1.5'],
      ['LPOP', 'l', '9223372036854775808'],
      ['LPOP', 'l', '1', '2'],
      ['RPOP', 'l', '9223372036854775807'],
      ['RPOP'],
      ['LPOP', 'missing', 'abc'],
    ],
  },
  {
    name: 'LMPOP pops from the first non-empty list, with COUNT',
    steps: [
      ['RPUSH', 'b', '1', '2', '3'],
      ['RPUSH', 'c', 'x'],
      ['LMPOP', '3', 'a', 'b', 'c', 'LEFT'],
      ['LMPOP', '3', 'a', 'b', 'c', 'right', 'COUNT', '5'],
      ['LMPOP', '2', 'a', 'b', 'LEFT'],
      ['LMPOP', '3', 'a', 'b', 'c', 'LEFT', 'COUNT', '1'],
      ['EXISTS', 'b', 'c'],
      ['LMPOP', '1', 'a', 'LEFT'],
      ['SET', 's', 'v'],
      ['RPUSH', 'd', 'x'],
      ['LMPOP', '2', 's', 'd', 'LEFT'],
      ['LMPOP', '2', 'a', 's', 'LEFT'],
      ['LLEN', 'd'],
    ],
  },
  {
    name: 'LMPOP argument errors',
    steps: [
      ['RPUSH', 'a', 'x'],
      ['LMPOP', '0', 'a', 'LEFT'],
      ['LMPOP', '-1', 'a', 'LEFT'],
      ['LMPOP', 'abc', 'a', 'LEFT'],
      ['LMPOP', '2', 'a', 'LEFT'],
      ['LMPOP', '9223372036854775807', 'a', 'LEFT'],
      ['LMPOP', '1', 'a', 'UP'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '0'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '-1'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT', 'abc'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '1'],
      ['LMPOP', '1', 'a', 'LEFT', 'FOO'],
      ['LMPOP', '1', 'a'],
      ['LLEN', 'a'],
    ],
  },
  // ------------------------------------------------------------------------- reads
  {
    name: 'LRANGE and LINDEX with every kind of index',
    steps: [
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
      ['LRANGE', 'l', '0', '0'],
      ['LRANGE', 'l', '1', '-2'],
      ['LRANGE', 'l', '-100', '100'],
      ['LRANGE', 'l', '3', '1'],
      ['LRANGE', 'l', '5', '10'],
      ['LRANGE', 'l', '-1', '-1'],
      ['LRANGE', 'l', '-9223372036854775808', '9223372036854775807'],
      ['LRANGE', 'l', '0', 'abc'],
      ['LRANGE', 'l', '1.5', '2'],
      ['LRANGE', 'missing', '0', '-1'],
      ['LRANGE', 'missing', 'x', '-1'],
      ['LINDEX', 'l', '0'],
      ['LINDEX', 'l', '-1'],
      ['LINDEX', 'l', '-5'],
      ['LINDEX', 'l', '-6'],
      ['LINDEX', 'l', '5'],
      ['LINDEX', 'l', '9223372036854775807'],
      ['LINDEX', 'l', 'abc'],
      ['LINDEX', 'missing', 'abc'],
      ['LLEN', 'missing'],
      ['LLEN', 'l', 'x'],
    ],
  },
  {
    name: 'LPOS with RANK, COUNT and MAXLEN',
    steps: [
      ['RPUSH', 'l', 'a', 'b', 'c', '1', '2', '3', 'c', 'c'],
      ['LPOS', 'l', 'c'],
      ['LPOS', 'l', 'c', 'RANK', '2'],
      ['LPOS', 'l', 'c', 'RANK', '-1'],
      ['LPOS', 'l', 'c', 'RANK', '-3'],
      ['LPOS', 'l', 'c', 'RANK', '4'],
      ['LPOS', 'l', 'c', 'COUNT', '0'],
      ['LPOS', 'l', 'c', 'COUNT', '2'],
      ['LPOS', 'l', 'c', 'COUNT', '2', 'RANK', '2'],
      ['LPOS', 'l', 'c', 'COUNT', '0', 'RANK', '-1'],
      ['LPOS', 'l', 'c', 'COUNT', '0', 'MAXLEN', '7'],
      ['LPOS', 'l', 'c', 'RANK', '-1', 'MAXLEN', '1'],
      ['LPOS', 'l', 'c', 'MAXLEN', '2'],
      ['LPOS', 'l', 'x'],
      ['LPOS', 'l', 'x', 'COUNT', '1'],
      ['LPOS', 'l', '1', 'rank', '1', 'count', '1', 'maxlen', '0'],
      ['LPOS', 'missing', 'x'],
      ['LPOS', 'missing', 'x', 'COUNT', '1'],
      ['LPOS', 'l', 'c', 'RANK', '0'],
      ['LPOS', 'l', 'c', 'RANK', 'abc'],
      ['LPOS', 'l', 'c', 'RANK', '9223372036854775807'],
      ['LPOS', 'l', 'c', 'COUNT', '-1'],
      ['LPOS', 'l', 'c', 'COUNT', 'abc'],
      ['LPOS', 'l', 'c', 'MAXLEN', '-1'],
      ['LPOS', 'l', 'c', 'MAXLEN', 'x'],
      ['LPOS', 'l', 'c', 'RANK'],
      ['LPOS', 'l', 'c', 'FOO', '1'],
      ['LPOS', 'missing', 'c', 'RANK', '0'],
    ],
  },
  // ------------------------------------------------------------------------- writes in place
  {
    name: 'LSET replaces by index, refuses out of range and missing keys',
    steps: [
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['LSET', 'l', '0', 'A'],
      ['LSET', 'l', '-1', 'C'],
      ['LSET', 'l', '1', LONG],
      ['LRANGE', 'l', '0', '-1'],
      ['LSET', 'l', '3', 'x'],
      ['LSET', 'l', '-4', 'x'],
      ['LSET', 'l', 'abc', 'x'],
      ['LSET', 'missing', '0', 'x'],
      ['LSET', 'missing', 'abc', 'x'],
      ['LSET', 'l', '1', 'b'],
      ['LRANGE', 'l', '0', '-1'],
    ],
  },
  {
    name: 'LINSERT before and after a pivot',
    steps: [
      ['RPUSH', 'l', 'a', 'b', 'c', 'b'],
      ['LINSERT', 'l', 'BEFORE', 'b', 'x'],
      ['LINSERT', 'l', 'after', 'b', 'y'],
      ['LINSERT', 'l', 'AFTER', 'c', 'z'],
      ['LINSERT', 'l', 'BEFORE', 'a', 'first'],
      ['LINSERT', 'l', 'AFTER', 'b', LONG],
      ['LRANGE', 'l', '0', '-1'],
      ['LINSERT', 'l', 'BEFORE', 'nope', 'x'],
      ['LINSERT', 'missing', 'BEFORE', 'a', 'x'],
      ['LINSERT', 'l', 'AROUND', 'a', 'x'],
      ['LINSERT', 'missing', 'AROUND', 'a', 'x'],
      ['LINSERT', 'l', 'BEFORE', 'a'],
      ['LLEN', 'l'],
    ],
  },
  {
    name: 'LREM from the head, from the tail, or all; the last element takes the key',
    steps: [
      ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'b', 'a'],
      ['LREM', 'l', '2', 'a'],
      ['LRANGE', 'l', '0', '-1'],
      ['LREM', 'l', '-1', 'b'],
      ['LRANGE', 'l', '0', '-1'],
      ['LREM', 'l', '0', 'a'],
      ['LRANGE', 'l', '0', '-1'],
      ['LREM', 'l', '0', 'nope'],
      ['LREM', 'l', '-9223372036854775808', 'c'],
      ['LREM', 'l', '9223372036854775807', 'b'],
      ['EXISTS', 'l'],
      ['LREM', 'l', '1', 'b'],
      ['LREM', 'l', 'abc', 'b'],
      ['LREM', 'missing', 'abc', 'b'],
    ],
  },
  {
    name: 'LTRIM keeps a range; an empty range deletes the key',
    steps: [
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f'],
      ['LTRIM', 'l', '1', '-2'],
      ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', '-100', '100'],
      ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', '1', '1'],
      ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', '2', '1'],
      ['EXISTS', 'l'],
      ['LTRIM', 'missing', '0', '1'],
      ['LTRIM', 'l', 'a', '1'],
      ['RPUSH', 'l', 'x', 'y'],
      ['LTRIM', 'l', '5', '10'],
      ['EXISTS', 'l'],
    ],
  },
  // ------------------------------------------------------------------------- moves
  {
    name: 'LMOVE in every direction, onto itself, and RPOPLPUSH',
    steps: [
      ['RPUSH', 'src', 'a', 'b', 'c', 'd'],
      ['LMOVE', 'src', 'dst', 'LEFT', 'LEFT'],
      ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'],
      ['LMOVE', 'src', 'dst', 'right', 'left'],
      ['LRANGE', 'dst', '0', '-1'],
      ['LMOVE', 'dst', 'dst', 'RIGHT', 'LEFT'],
      ['LRANGE', 'dst', '0', '-1'],
      ['RPOPLPUSH', 'src', 'dst'],
      ['EXISTS', 'src'],
      ['RPOPLPUSH', 'src', 'dst'],
      ['LMOVE', 'src', 'dst', 'LEFT', 'LEFT'],
      ['LMOVE', 'dst', 'dst2', 'UP', 'LEFT'],
      ['LMOVE', 'dst', 'dst2', 'LEFT', 'DOWN'],
      ['SET', 's', 'v'],
      ['LMOVE', 'dst', 's', 'LEFT', 'LEFT'],
      ['LMOVE', 's', 'dst', 'LEFT', 'LEFT'],
      ['RPOPLPUSH', 'dst', 's'],
      ['LMOVE', 'missing', 's', 'LEFT', 'LEFT'],
      ['LRANGE', 'dst', '0', '-1'],
      ['RPUSH', 'one', 'x'],
      ['RPOPLPUSH', 'one', 'one'],
      ['LRANGE', 'one', '0', '-1'],
    ],
  },
  // ------------------------------------------------------------------------- large lists
  {
    name: 'a list of thousands of elements and of long elements answers as a small one',
    steps: [
      many('l', 3000),
      ['LLEN', 'l'],
      ['LRANGE', 'l', '1495', '1505'],
      ['LRANGE', 'l', '-3', '-1'],
      ['LINDEX', 'l', '2999'],
      ['LINDEX', 'l', '-3000'],
      ['LSET', 'l', '1500', 'mid'],
      ['LINSERT', 'l', 'BEFORE', 'mid', 'pre'],
      ['LPOS', 'l', 'mid'],
      ['LPOS', 'l', 'e2999', 'RANK', '-1', 'MAXLEN', '5'],
      ['LREM', 'l', '0', 'pre'],
      ['LTRIM', 'l', '100', '-100'],
      ['LLEN', 'l'],
      ['LPOP', 'l', '5'],
      ['RPOP', 'l', '5'],
      ['LMPOP', '1', 'l', 'RIGHT', 'COUNT', '2790'],
      ['LLEN', 'l'],
      ['RPUSH', 'big', LONG, 'a', LONG],
      ['LPUSH', 'big', LONG],
      ['LRANGE', 'big', '1', '2'],
      ['RPOP', 'big'],
      ['LPOP', 'big', '2'],
      ['LRANGE', 'big', '0', '-1'],
      encoding('big'),
      ['LMOVE', 'l', 'big', 'LEFT', 'RIGHT'],
      ['LRANGE', 'big', '0', '-1'],
    ],
  },
  {
    name: 'COPY, RENAME and MOVE carry a list',
    steps: [
      many('l', 2000),
      ['RPUSH', 's', 'a', 'b'],
      ['COPY', 'l', 'l2'],
      ['COPY', 's', 's2'],
      ['RPOP', 'l', '1990'],
      ['LPOP', 's'],
      ['LLEN', 'l2'],
      ['LRANGE', 's2', '0', '-1'],
      ['RENAME', 'l2', 'l3'],
      ['LINDEX', 'l3', '-1'],
      ['MOVE', 's2', '1'],
      ['SELECT', '1'],
      ['LRANGE', 's2', '0', '-1'],
      ['SELECT', '0'],
      ['EXISTS', 's2', 'l2'],
    ],
  },
  {
    name: 'an expired list reads as missing',
    steps: [
      ['RPUSH', 'l', 'a', 'b'],
      ['PEXPIRE', 'l', '1'],
      sleep(5),
      ['LLEN', 'l'],
      ['LPUSHX', 'l', 'x'],
      ['LPOP', 'l', '1'],
      ['LMOVE', 'l', 'dst', 'LEFT', 'LEFT'],
      ['RPUSH', 'l', 'c'],
      ['TTL', 'l'],
      ['LRANGE', 'l', '0', '-1'],
    ],
  },
  {
    name: 'list commands on a string or hash key reply WRONGTYPE',
    steps: [
      ['SET', 's', 'v'],
      ['HSET', 'h', 'f', 'v'],
      ['LPUSH', 's', 'a'],
      ['RPUSH', 'h', 'a'],
      ['LPOP', 's'],
      ['RPOP', 'h', '2'],
      ['LLEN', 's'],
      ['LRANGE', 'h', '0', '-1'],
      ['LINDEX', 's', '0'],
      ['LSET', 'h', '0', 'x'],
      ['LINSERT', 's', 'BEFORE', 'a', 'b'],
      ['LREM', 'h', '0', 'a'],
      ['LTRIM', 's', '0', '1'],
      ['LPOS', 'h', 'a'],
      ['LMOVE', 's', 'd', 'LEFT', 'LEFT'],
      ['RPOPLPUSH', 'h', 'd'],
      ['LMPOP', '1', 's', 'LEFT'],
      ['BLPOP', 's', '0'],
      ['BRPOP', 'missing', 'h', '0'],
      ['BLMOVE', 's', 'd', 'LEFT', 'LEFT', '0'],
      ['BRPOPLPUSH', 'h', 'd', '0'],
      ['BLMPOP', '0', '2', 'missing', 's', 'LEFT'],
      ['GET', 's'],
      ['EXISTS', 'd'],
    ],
  },
  // ------------------------------------------------------------------------- blocking
  {
    name: 'blocking pops and moves are served at once when a list has elements',
    steps: [
      ['RPUSH', 'b', '1', '2', '3', '4'],
      ['BLPOP', 'a', 'b', '0'],
      ['BRPOP', 'a', 'b', '0'],
      ['BLMPOP', '0', '2', 'a', 'b', 'LEFT', 'COUNT', '5'],
      ['RPUSH', 'b', 'x', 'y'],
      ['BLMOVE', 'b', 'c', 'RIGHT', 'LEFT', '0'],
      ['BRPOPLPUSH', 'b', 'c', '0'],
      ['LRANGE', 'c', '0', '-1'],
      ['EXISTS', 'b'],
    ],
  },
  {
    name: 'blocking commands time out with a null array (BLMOVE and BRPOPLPUSH too)',
    steps: [
      ['BLPOP', 'q', '0.01'],
      ['BRPOP', 'q', 'q2', '0.01'],
      ['BLMPOP', '0.01', '1', 'q', 'LEFT'],
      ['BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0.01'],
      ['BRPOPLPUSH', 'q', 'd', '0.01'],
      ['BLPOP', 'q', '1e-3'],
      ['EXISTS', 'q', 'd'],
    ],
  },
  {
    name: 'blocking command argument errors',
    steps: [
      ['BLPOP', 'q', 'abc'],
      ['BLPOP', 'q', '-1'],
      ['BLPOP', 'q', ''],
      ['BLPOP', 'q', ' 1'],
      ['BLPOP', 'q', 'nan'],
      ['BLPOP', 'q'],
      ['BRPOP', 'q', '-0.002'],
      ['BLMOVE', 'q', 'd', 'UP', 'LEFT', '0'],
      ['BLMOVE', 'q', 'd', 'LEFT', 'LEFT', 'x'],
      ['BRPOPLPUSH', 'q', 'd', '-5'],
      ['BLMPOP', 'x', '1', 'q', 'LEFT'],
      ['BLMPOP', '0', '0', 'q', 'LEFT'],
      ['BLMPOP', '0', '1', 'q', 'LEFT', 'COUNT', '0'],
      ['BLMPOP', '-1', '1', 'q', 'LEFT', 'COUNT', '0'],
      ['BLMPOP', '0', '2', 'q', 'LEFT'],
    ],
  },
  {
    name: 'a push serves blocked clients in the order they blocked',
    conns: { w1: {}, w2: {}, w3: {} },
    steps: [
      ...blocks('w1', 'BLPOP', 'q', '0'),
      ...blocks('w2', 'BRPOP', 'other', 'q', '0'),
      ...blocks('w3', 'BLPOP', 'q', '0'),
      ['RPUSH', 'q', 'a', 'b'],
      served('w1'),
      served('w2'),
      ['EXISTS', 'q'],
      ['LPUSH', 'other', 'o'],
      served('w3'),
      ['LRANGE', 'other', '0', '-1'],
    ],
  },
  {
    name: 'pushes inside MULTI or a script serve waiting clients only when the transaction or script ends',
    conns: { w1: {}, w2: {} },
    steps: [
      ...blocks('w1', 'BLPOP', 'q', '0'),
      ['MULTI'],
      ['RPUSH', 'q', 'a'],
      ['RPUSH', 'q', 'b'],
      ['LLEN', 'q'],
      ['EXEC'],
      served('w1'),
      ['LRANGE', 'q', '0', '-1'],
      ['DEL', 'q'],
      ...blocks('w2', 'BLPOP', 'q', '0'),
      ['EVAL', "redis.call('rpush', 'q', 'x') redis.call('rpush', 'q', 'y') return redis.call('llen', 'q')", '0'],
      served('w2'),
      ['LRANGE', 'q', '0', '-1'],
    ],
  },
  {
    name: 'a client served by a push replies once and runs on',
    conns: { w: {} },
    steps: [
      ...blocks('w', 'BLMPOP', '0', '2', 'k1', 'k2', 'RIGHT', 'COUNT', '3'),
      ['RPUSH', 'k2', '1', '2', '3', '4'],
      served('w'),
      { cmd: ['LRANGE', 'k2', '0', '-1'], conn: 'w' },
      ...blocks('w', 'BLMPOP', '0', '1', 'k3', 'LEFT'),
      ['RPUSH', 'k3', 'x'],
      served('w'),
    ],
  },
  {
    name: 'BLMOVE waits for its source and wakes a client waiting on its destination',
    conns: { mover: {}, popper: {} },
    steps: [
      ...blocks('mover', 'BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0'),
      ...blocks('popper', 'BLPOP', 'dst', '0'),
      ['RPUSH', 'src', 'v1', 'v2'],
      served('mover'),
      served('popper'),
      ['LRANGE', 'src', '0', '-1'],
      ['EXISTS', 'dst'],
      ...blocks('mover', 'BRPOPLPUSH', 'none', 'dst', '0'),
      ['LMOVE', 'src', 'none', 'LEFT', 'LEFT'],
      served('mover'),
      ['LRANGE', 'dst', '0', '-1'],
    ],
  },
  {
    name: 'a timeout that rounds up to 0 ms (-0.001 s in long double) waits forever',
    conns: { w: {} },
    steps: [...blocks('w', 'BRPOP', 'q', '-0.001'), sleep(50), ['RPUSH', 'q', 'x'], served('w')],
  },
  {
    name: 'a waiting client ignores its key becoming a string and a hash',
    conns: { w: {} },
    steps: [
      ...blocks('w', 'BLPOP', 'k', '0'),
      ['SET', 'k', 'v'],
      ['DEL', 'k'],
      ['HSET', 'k', 'f', 'v'],
      ['DEL', 'k'],
      ['RPUSH', 'k', 'list'],
      served('w'),
      ['EXISTS', 'k'],
    ],
  },
  {
    name: 'a blocked client times out after its time, while another is served',
    conns: { slow: {}, fast: {} },
    steps: [
      ...blocks('slow', 'BLPOP', 'q', '0.1'),
      ...blocks('fast', 'BLPOP', 'q2', '0'),
      ['RPUSH', 'q2', 'x'],
      served('fast'),
      sleep(150),
      served('slow'),
      { cmd: ['PING'], conn: 'slow' },
    ],
  },
  {
    name: 'RENAME and MOVE onto a waited-on key serve the waiter',
    conns: { w: {} },
    steps: [
      ...blocks('w', 'BLPOP', 'target', '0'),
      ['RPUSH', 'tmp', 'by-rename'],
      ['RENAME', 'tmp', 'target'],
      served('w'),
      ...blocks('w', 'BRPOP', 'target', '0'),
      ['SELECT', '1'],
      ['RPUSH', 'target', 'by-move'],
      ['MOVE', 'target', '0'],
      served('w'),
    ],
  },
];

describe('lists', () => {
  const bed = useBed();

  describe('fixed scenarios', () => {
    defineScenarios(bed, scenarios);
  });

  describe('seeded random sequences', () => {
    // OBJECT ENCODING of a list differs between 7.0 and 7.2; LIST_TEMPLATES asks it normalized.
    const strings = STRING_TEMPLATES.filter((t) => t.command !== 'OBJECT');
    defineScenarios(bed, [
      ...randomScenarios('random lists', LIST_TEMPLATES, { runs: 6, steps: 1000 }),
      ...randomScenarios('random lists, strings and keys', [...LIST_TEMPLATES, ...strings, ...KEY_TEMPLATES], { runs: 3, steps: 1000 }),
    ]);

    it('the list templates cover every list command', () => {
      const required = ['LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX', 'LPOP', 'RPOP', 'LLEN', 'LRANGE', 'LINDEX', 'LSET', 'LINSERT', 'LREM',
        'LTRIM', 'LPOS', 'LMOVE', 'RPOPLPUSH', 'LMPOP', 'BLPOP', 'BRPOP', 'BLMOVE', 'BRPOPLPUSH', 'BLMPOP'];
      assert.deepEqual(uncovered(LIST_TEMPLATES, required), []);
    });
  });
});
