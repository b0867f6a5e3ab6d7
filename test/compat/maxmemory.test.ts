/**
 * maxmemory against real Redis where the outcome does not depend on how many bytes a key takes:
 * with `maxmemory 1` every server is over its limit whatever it holds, so each command first
 * evicts every key the policy allows and then, if a command may grow memory, is refused. The
 * replies, the refusals inside MULTI and on EXEC, the "evicted" events and the broken WATCH are
 * then the same on both servers, byte for byte. (Policies at ordinary limits are covered in
 * test/e2e/eviction.test.ts.)
 */

import { describe } from 'node:test';
import { defineScenarios, useBed, type Scenario } from './bed.js';

const UNDO: Scenario['cleanup'] = [
  ['CONFIG', 'SET', 'maxmemory', '0'],
  ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
  ['CONFIG', 'SET', 'notify-keyspace-events', ''],
];

const scenarios: Scenario[] = [
  {
    name: 'noeviction: writes that may grow memory get -OOM, the rest run',
    steps: [
      ['SET', 'k', 'v'],
      ['RPUSH', 'l', 'a', 'b'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['SET', 'k', 'w'],
      ['SETNX', 'n', 'v'],
      ['APPEND', 'k', 'x'],
      ['INCR', 'counter'],
      ['LPUSH', 'l', 'c'],
      ['HSET', 'h', 'f', 'v'],
      ['SADD', 's', 'm'],
      ['ZADD', 'z', '1', 'm'],
      ['XADD', 'x', '*', 'f', 'v'],
      ['PFADD', 'hll', 'a'],
      ['GEOADD', 'g', '13', '38', 'p'],
      ['GET', 'k'],
      ['LRANGE', 'l', '0', '-1'],
      ['RPOP', 'l'],
      ['EXPIRE', 'k', '100'],
      ['DEL', 'k'],
      ['DBSIZE'],
      ['PING'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      ['SET', 'k', 'again'],
      ['GET', 'k'],
    ],
    cleanup: UNDO,
  },
  {
    name: 'noeviction: MULTI refuses queueing, EXEC of queued writes is aborted',
    conns: { main: {}, admin2: {} },
    steps: [
      ['SET', 'k', 'v'],
      ['MULTI'],
      ['SET', 'a', '1'],
      ['GET', 'k'],
      { cmd: ['CONFIG', 'SET', 'maxmemory', '1'], conn: 'admin2' },
      ['EXEC'],
      ['EXEC'],
      ['MULTI'],
      ['GET', 'k'],
      ['PING'],
      ['EXEC'],
      ['MULTI'],
      ['EXEC'],
      ['MULTI'],
      ['DISCARD'],
      { cmd: ['CONFIG', 'SET', 'maxmemory', '0'], conn: 'admin2' },
      ['MULTI'],
      ['GET', 'k'],
      { cmd: ['CONFIG', 'SET', 'maxmemory', '1'], conn: 'admin2' },
      ['EXEC'],
      { cmd: ['CONFIG', 'SET', 'maxmemory', '0'], conn: 'admin2' },
      { cmd: ['INFO', 'errorstats'], compare: (r: Buffer) => r.toString('latin1').replace(/errorstat_ERR:count=\d+\r\n/, '') },
    ],
    cleanup: UNDO,
  },
  {
    name: 'allkeys-lru: the key is evicted, with its event and the WATCH on it broken',
    conns: { main: {}, sub: {}, other: {} },
    steps: [
      ['CONFIG', 'SET', 'notify-keyspace-events', 'Ee'],
      { cmd: ['SUBSCRIBE', '__keyevent@0__:evicted'], conn: 'sub' },
      ['SET', 'victim', 'v'],
      { cmd: ['WATCH', 'victim'], conn: 'other' },
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['EXISTS', 'victim'],
      { pushes: 1, conn: 'sub' },
      ['SET', 'new', 'x'],
      ['GET', 'new'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      { cmd: ['MULTI'], conn: 'other' },
      { cmd: ['PING'], conn: 'other' },
      { cmd: ['EXEC'], conn: 'other' },
      { cmd: ['INFO', 'stats'], compare: (r: Buffer) => (/evicted_keys:\d+/.exec(r.toString('latin1')) ?? [''])[0] },
    ],
    cleanup: UNDO,
  },
  {
    name: 'volatile-ttl: only the key with a TTL goes, then -OOM',
    conns: { main: {}, sub: {} },
    steps: [
      ['CONFIG', 'SET', 'notify-keyspace-events', 'Ee'],
      { cmd: ['SUBSCRIBE', '__keyevent@0__:evicted'], conn: 'sub' },
      ['SET', 'keep', 'v'],
      ['SET', 'brief', 'v', 'EX', '100'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-ttl'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['SET', 'other', 'v'],
      { pushes: 1, conn: 'sub' },
      ['EXISTS', 'keep', 'brief'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
    ],
    cleanup: UNDO,
  },
  {
    name: 'DEBUG POPULATE: keys, values, prefix, size, existing keys kept, errors',
    steps: [
      ['SET', 'p:1', 'mine'],
      ['DEBUG', 'POPULATE', '3'],
      ['DEBUG', 'POPULATE', '3', 'p', '10'],
      ['DEBUG', 'POPULATE', '2', 'q', '3'],
      ['MGET', 'key:0', 'key:1', 'key:2', 'key:3', 'p:0', 'p:1', 'p:2', 'q:0', 'q:1'],
      ['DBSIZE'],
      ['DEBUG', 'POPULATE', '-1'],
      ['DEBUG', 'POPULATE', 'x'],
      ['DEBUG', 'POPULATE', '1', 'p', '-5'],
      ['DEBUG', 'POPULATE', '0'],
      ['DEBUG', 'POPULATE'],
      ['DEBUG', 'POPULATE', '1', 'a', '1', 'extra'],
    ],
  },
];

describe('maxmemory', () => {
  const bed = useBed();
  defineScenarios(bed, scenarios);
});
