/**
 * Keyspace notifications against real Redis: with notify-keyspace-events on, a subscriber to
 * every __keyspace@*__ and __keyevent@*__ channel must receive exactly what Redis sends, event
 * names and order included, after every write of every family. Fixed scenarios cover the classes
 * and the events that need a setting of their own (expired, new, keymiss); seeded random sequences
 * of each family's commands do the rest, with the subscriber drained after every step.
 */

import { describe } from 'node:test';
import { defineScenarios, drain, sleep, useBed, type Arg, type Scenario, type Step } from './bed.js';
import { HASH_TEMPLATES, KEY_TEMPLATES, LIST_TEMPLATES, STRING_TEMPLATES, ZSET_TEMPLATES, randomScenario, type CommandTemplate, type Gen } from './random.js';

/**
 * The classes of "A": all but expired, new and keymiss, which depend on whether a key with a
 * millisecond TTL has expired yet, a race between two servers' clocks; the fixed scenarios
 * cover them.
 */
const TIMELESS_CLASSES = 'KEg$lshztd';

function watching(classes: string, steps: readonly Step[]): Step[] {
  return [['CONFIG', 'SET', 'notify-keyspace-events', classes], { cmd: ['PSUBSCRIBE', '__key*@*__:*'], conn: 'sub' }, ...steps];
}

const cleanup = [['CONFIG', 'SET', 'notify-keyspace-events', '']] as const;

const scenarios: Scenario[] = [
  {
    name: 'strings and generic commands announce themselves in both channel families',
    steps: watching('KEA', [
      ['SET', 'k', '1'],
      ['SET', 'k', '2', 'EX', '100'],
      ['SET', 'k', '3', 'NX'],
      ['INCRBY', 'k', '5'],
      ['INCRBYFLOAT', 'k', '0.5'],
      ['APPEND', 'k', 'x'],
      ['SETRANGE', 'k', '1', 'yz'],
      ['SETRANGE', 'k', '1', ''],
      ['GETEX', 'k', 'PERSIST'],
      ['GETEX', 'k', 'PERSIST'],
      ['GETEX', 'k', 'PX', '100000'],
      ['MSET', 'a', '1', 'b', '2'],
      ['MSETNX', 'a', '1', 'c', '3'],
      ['GETSET', 'a', '9'],
      ['GETDEL', 'b'],
      ['EXPIRE', 'a', '100'],
      ['PERSIST', 'a'],
      ['PERSIST', 'a'],
      ['RENAME', 'a', 'a2'],
      ['COPY', 'a2', 'a3'],
      ['MOVE', 'a3', '1'],
      ['DEL', 'a2', 'nothing', 'k'],
      ['EXPIRE', 'k', '-1'],
      ['SET', 'p', 'v'],
      ['EXPIRE', 'p', '-1'],
      ['SETEX', 'q', '100', 'v'],
      ['GETEX', 'q', 'PXAT', '1'],
      drain('sub'),
    ]),
    cleanup,
  },
  {
    name: 'a class filter lets only its events through; K and E choose the channel families',
    steps: [
      ...watching('Kl', [['RPUSH', 'l', 'a'], ['SET', 's', 'x'], ['LPOP', 'l'], drain('sub')]),
      ['CONFIG', 'SET', 'notify-keyspace-events', 'E$'],
      ['RPUSH', 'l', 'a'],
      ['SET', 's', 'y'],
      drain('sub'),
      ['CONFIG', 'SET', 'notify-keyspace-events', 'Kg'],
      ['DEL', 's'],
      ['SET', 's', 'z'],
      drain('sub'),
      ['CONFIG', 'SET', 'notify-keyspace-events', 'A'],
      ['DEL', 's'],
      drain('sub'),
    ],
    cleanup,
  },
  {
    name: 'expired: lazily on access and by the active cycle; new and keymiss when asked',
    steps: watching('KEA', [
      ['SET', 'e', 'v', 'PX', '1'],
      sleep(10),
      ['GET', 'e'],
      ['SET', 'f', 'v', 'PX', '1'],
      // The active cycle runs ten times a second: 300 ms is long enough on both servers.
      sleep(300),
      drain('sub'),
      ['CONFIG', 'SET', 'notify-keyspace-events', 'KEnm'],
      ['SET', 'n', '1'],
      ['SET', 'n', '2'],
      ['GET', 'missing'],
      ['GET', 'n'],
      ['RPUSH', 'nl', 'a'],
      ['RENAME', 'nl', 'nl2'],
      ['HSET', 'nh', 'f', 'v'],
      drain('sub'),
    ]),
    cleanup,
  },
  {
    name: 'lists, sets: pushes, pops, moves, stores, and the del of an emptied key',
    steps: watching('KEA', [
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['LPUSHX', 'nothing', 'a'],
      ['LINSERT', 'l', 'BEFORE', 'b', 'x'],
      ['LINSERT', 'l', 'BEFORE', 'zz', 'x'],
      ['LSET', 'l', '0', 'y'],
      ['LREM', 'l', '0', 'x'],
      ['LREM', 'l', '0', 'nothing'],
      ['LTRIM', 'l', '0', '-1'],
      ['LMOVE', 'l', 'l2', 'LEFT', 'RIGHT'],
      ['RPOPLPUSH', 'l2', 'l2'],
      ['LPOP', 'l', '10'],
      ['LMPOP', '2', 'l', 'l2', 'RIGHT'],
      ['SADD', 's', 'a', 'b'],
      ['SADD', 's', 'a'],
      ['SREM', 's', 'zz'],
      ['SMOVE', 's', 't', 'a'],
      ['SMOVE', 's', 't', 'b'],
      ['SADD', 's', '1', '2'],
      ['SINTERSTORE', 'd', 's', 't'],
      ['SUNIONSTORE', 'd', 's', 't'],
      ['SDIFFSTORE', 'd', 's', 's'],
      ['SPOP', 's', '5'],
      ['SORT', 't', 'ALPHA', 'STORE', 'sorted'],
      ['SORT', 'nothing', 'STORE', 'sorted'],
      drain('sub'),
    ]),
    cleanup,
  },
  {
    name: 'a blocked pop served by a push announces the push, then the pop',
    steps: watching('KEA', [
      { cmd: ['BLPOP', 'q', '5'], conn: 'waiter', frames: 0 },
      sleep(50),
      ['RPUSH', 'q', 'job'],
      { pushes: 1, conn: 'waiter' },
      drain('sub'),
    ]),
    cleanup,
  },
  {
    name: 'bitmaps: setbit, BITOP and BITFIELD writes',
    steps: watching('KEA', [
      ['SETBIT', 'b', '7', '1'],
      ['SETBIT', 'b', '7', '1'],
      ['BITFIELD', 'b', 'SET', 'u8', '0', '255', 'GET', 'u4', '0'],
      ['BITFIELD', 'b', 'GET', 'u4', '0'],
      ['BITFIELD', 'b', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1'],
      ['BITOP', 'NOT', 'nb', 'b'],
      ['BITOP', 'AND', 'nb', 'missing'],
      drain('sub'),
    ]),
    cleanup,
  },
  {
    // Consumers are created explicitly first: 7.2 creates them (and announces
    // xgroup-createconsumer) in XREADGROUP/XCLAIM even when nothing is served, 7.0 does not.
    name: 'streams: every write of the stream family, and the del of a trimmed-out key',
    steps: watching('KEA', [
      ['XADD', 's', '1-0', 'f', 'v'],
      ['XADD', 's', 'MAXLEN', '1', '2-0', 'f', 'v'],
      ['XADD', 's', '1-0', 'f', 'v'],
      ['XADD', 'none', 'NOMKSTREAM', '1-0', 'f', 'v'],
      ['XTRIM', 's', 'MAXLEN', '5'],
      ['XTRIM', 's', 'MINID', '3'],
      ['XADD', 's', '3-0', 'f', 'v'],
      ['XDEL', 's', '9-0'],
      ['XDEL', 's', '3-0'],
      ['XSETID', 's', '10-0'],
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XGROUP', 'CREATE', 'fresh', 'g', '$', 'MKSTREAM'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'bob'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>'],
      ['XACK', 's', 'g', '2-0'],
      ['XADD', 's', '11-0', 'f', 'v'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>'],
      ['XCLAIM', 's', 'g', 'bob', '0', '11-0', 'JUSTID'],
      ['XAUTOCLAIM', 's', 'g', 'alice', '0', '0', 'JUSTID'],
      ['XGROUP', 'SETID', 's', 'g', '0'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'bob'],
      ['XGROUP', 'DESTROY', 's', 'g'],
      ['XTRIM', 's', 'MAXLEN', '0'],
      ['DEL', 's', 'fresh'],
      drain('sub'),
    ]),
    cleanup,
  },
  {
    name: 'HyperLogLog: pfadd from PFADD and PFMERGE, nothing from PFCOUNT caching or PFDEBUG',
    steps: watching('KEAn', [
      ['PFADD', 'h', 'a', 'b'],
      ['PFADD', 'h', 'a'],
      ['PFADD', 'empty'],
      ['PFCOUNT', 'h'],
      ['PFCOUNT', 'h', 'empty'],
      ['PFMERGE', 'u', 'h', 'empty'],
      ['PFMERGE', 'u'],
      ['PFDEBUG', 'TODENSE', 'u'],
      ['PFDEBUG', 'GETREG', 'h'],
      ['DEL', 'h', 'u', 'empty'],
      drain('sub'),
    ]),
    cleanup,
  },
  {
    name: 'geo: zadd from GEOADD, georadiusstore and geosearchstore, del for an empty result',
    steps: watching('KEA', [
      ['GEOADD', 'g', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
      ['GEOADD', 'g', 'NX', '13.361389', '38.115556', 'Palermo'],
      ['GEOADD', 'g', 'XX', 'CH', '13.5', '38.1', 'Palermo'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'r'],
      ['GEORADIUSBYMEMBER', 'g', 'Palermo', '10', 'km', 'STOREDIST', 'r2'],
      ['GEOSEARCHSTORE', 's', 'g', 'FROMMEMBER', 'Catania', 'BYRADIUS', '300', 'km'],
      ['GEOSEARCHSTORE', 's', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCHSTORE', 's', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
      ['GEORADIUS', 'g', '0', '0', '1', 'km', 'STORE', 'r'],
      ['GEOSEARCHSTORE', 'x', 'missing', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
      ['DEL', 'g', 'r2'],
      drain('sub'),
    ]),
    cleanup,
  },
];

/** A few set writes of their own (sets.test.ts keeps its full table to itself). */
const SET_WRITES: readonly CommandTemplate[] = [
  { command: 'SADD', weight: 6, build: (g) => ['SADD', g.key(), ...pick(g, 1, 3)] },
  { command: 'SREM', weight: 4, build: (g) => ['SREM', g.key(), ...pick(g, 1, 3)] },
  { command: 'SMOVE', weight: 2, build: (g) => ['SMOVE', g.key(), g.key(), pick(g, 1, 1)[0]] },
  { command: 'SINTERSTORE', weight: 1, build: (g) => ['SINTERSTORE', g.key(), g.key(), g.key()] },
  { command: 'SUNIONSTORE', weight: 1, build: (g) => ['SUNIONSTORE', g.key(), g.key(), g.key()] },
  { command: 'SDIFFSTORE', weight: 1, build: (g) => ['SDIFFSTORE', g.key(), g.key(), g.key()] },
  { command: 'SPOP', weight: 1, build: (g) => ['SPOP', g.key(), '100000'], compare: 'sorted', mutate: false },
];

function pick(g: Gen, min: number, max: number): Arg[] {
  return Array.from({ length: g.rng.range(min, max) }, () => g.rng.pick<Arg>(['1', '2', 'a', 'b', 'c']));
}

/** A random sequence with the subscriber drained after every step. */
function randomWatched(name: string, templates: readonly CommandTemplate[], steps: number): Scenario {
  const generated = randomScenario({ name, templates, steps });
  const interleaved: Step[] = [];
  for (const step of generated.steps) interleaved.push(step, drain('sub'));
  return { ...generated, steps: watching(TIMELESS_CLASSES, interleaved), cleanup };
}

const FAMILIES: [string, readonly CommandTemplate[]][] = [
  ['strings and keys', [...STRING_TEMPLATES, ...KEY_TEMPLATES]],
  ['lists', LIST_TEMPLATES],
  ['hashes', HASH_TEMPLATES],
  ['sorted sets', ZSET_TEMPLATES],
  ['sets', [...SET_WRITES, ...STRING_TEMPLATES.slice(0, 3)]],
];

describe('keyspace notifications', () => {
  const bed = useBed();
  defineScenarios(bed, scenarios);
  const runs = Number(process.env.COMPAT_RANDOM_RUNS) || 1;
  const steps = Number(process.env.COMPAT_RANDOM_STEPS) || 400;
  const random: Scenario[] = [];
  for (const [family, templates] of FAMILIES) {
    for (let i = 1; i <= runs; i++) random.push(randomWatched(`notifications: random ${family} #${i}`, templates, steps));
  }
  defineScenarios(bed, random);
});
