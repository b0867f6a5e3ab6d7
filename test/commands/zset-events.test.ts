/**
 * What the sorted-set write commands tell the rest of the server, as Redis 7.2's t_zset.c
 * does: signalModifiedKey (WATCH), keyspace notifications, and server.dirty. Every step logs
 * signals and published messages in one list, so their order is checked too.
 */

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyError, type ReplyValue } from '../../src/client/decoder.js';
import { Cachica } from '../../src/embedded/cachica.js';
import type { Engine } from '../../src/server/engine.js';
import { parseNotifyClasses } from '../../src/server/keyspace-events.js';

type Arg = string | number;

interface Harness {
  db: Cachica;
  engine: Engine;
  /** ['touch', key] for a signalModifiedKey, [channel, message] for a notification. */
  log: string[][];
}

/** A fresh instance with every class on (KEA), its signals and messages logged. */
function harness(t: TestContext, config: Record<string, string> = {}, classes = 'KEA'): Harness {
  const db = new Cachica({ config });
  t.after(() => db.close());
  const engine = db.internals;
  const log: string[][] = [];
  const events = engine.events;
  events.publisher = (channel, message) => log.push([channel, message]);
  events.configure(parseNotifyClasses(classes)!);
  const watches = events.watches;
  const touch = watches.touch.bind(watches);
  watches.touch = (d, key) => {
    log.push(['touch', key]);
    touch(d, key);
  };
  // Signals are only sent while somebody watches a key of the database: watch one nobody writes.
  const watcher = db.session();
  watcher.commandSync('WATCH', 'never-written');
  watcher.commandSync('SELECT', 1);
  watcher.commandSync('WATCH', 'never-written');
  return { db, engine, log };
}

/**
 * The log a list of expected items makes: "touch k" is a signal on k, "event k" the
 * keyspace then the keyevent message of `event` on k (in database `dbIndex`).
 */
function expand(expected: readonly string[], dbIndex: number): string[][] {
  const out: string[][] = [];
  for (const item of expected) {
    const [what, key] = item.split(' ');
    if (what === 'touch') out.push(['touch', key]);
    else out.push([`__keyspace@${dbIndex}__:${key}`, what], [`__keyevent@${dbIndex}__:${what}`, key]);
  }
  return out;
}

/** Run one command; assert its signals and events, in order, and how much it adds to dirty. */
function step(h: Harness, args: Arg[], expected: string[], dirty = 0, dbIndex = 0): ReplyValue | ReplyError {
  h.log.length = 0;
  const before = h.engine.dirty;
  let reply: ReplyValue | ReplyError;
  try {
    reply = h.db.commandSync(...args);
  } catch (e) {
    if (!(e instanceof ReplyError)) throw e;
    reply = e;
  }
  const what = args.join(' ');
  assert.deepEqual(h.log, expand(expected, dbIndex), what);
  assert.equal(h.engine.dirty - before, dirty, `dirty after ${what}`);
  return reply;
}

/** Quietly set up keys for a case. */
function given(h: Harness, ...commands: Arg[][]): void {
  for (const args of commands) h.db.commandSync(...args);
  h.log.length = 0;
}

const ENCODINGS: [string, Record<string, string>][] = [
  ['listpack', {}],
  ['skiplist', { 'zset-max-listpack-entries': '0' }],
];

for (const [encoding, config] of ENCODINGS) {
  test(`ZADD (${encoding})`, (t) => {
    const h = harness(t, config);
    step(h, ['ZADD', 'z', 1, 'a', 2, 'b'], ['touch z', 'zadd z'], 2);
    // Same score: nothing changes, nothing is said.
    step(h, ['ZADD', 'z', 1, 'a'], []);
    step(h, ['ZADD', 'z', 5, 'a'], ['touch z', 'zadd z'], 1);
    step(h, ['ZADD', 'z', 'NX', 9, 'a'], []);
    step(h, ['ZADD', 'z', 'XX', 9, 'new'], []);
    step(h, ['ZADD', 'missing', 'XX', 1, 'a'], []);
    assert.equal(h.db.commandSync('EXISTS', 'missing'), 0);
    step(h, ['ZADD', 'z', 'GT', 0, 'a'], []);
    step(h, ['ZADD', 'z', 'LT', 0, 'a'], ['touch z', 'zadd z'], 1);
    step(h, ['ZADD', 'z', 'CH', 6, 'a', 3, 'c', 3, 'c'], ['touch z', 'zadd z'], 2);
    // INCR is "zincr", whether or not the key existed.
    step(h, ['ZADD', 'z', 'INCR', 1, 'a'], ['touch z', 'zincr z'], 1);
    step(h, ['ZADD', 'z2', 'INCR', 1, 'a'], ['touch z2', 'zincr z2'], 1);
    assert.equal(step(h, ['ZADD', 'z', 'NX', 'INCR', 1, 'a'], []), null);
    // Errors change nothing.
    step(h, ['ZADD', 'z', 1], []);
    step(h, ['ZADD', 'z', 'nan', 'a'], []);
    step(h, ['ZADD', 'z', 'NX', 'XX', 1, 'a'], []);
    given(h, ['SET', 's', 'x']);
    step(h, ['ZADD', 's', 1, 'a'], []);
  });

  test(`ZINCRBY (${encoding})`, (t) => {
    const h = harness(t, config);
    step(h, ['ZINCRBY', 'z', 2, 'a'], ['touch z', 'zincr z'], 1);
    step(h, ['ZINCRBY', 'z', 3, 'a'], ['touch z', 'zincr z'], 1);
    // By zero: the score is unchanged, so Redis reports nothing.
    assert.equal(step(h, ['ZINCRBY', 'z', 0, 'a'], []), 5);
    given(h, ['ZADD', 'inf', 'inf', 'a']);
    assert.ok(step(h, ['ZINCRBY', 'inf', '-inf', 'a'], []) instanceof ReplyError);
    step(h, ['ZINCRBY', 'z', 'x', 'a'], []);
  });

  test(`ZREM (${encoding})`, (t) => {
    const h = harness(t, config);
    given(h, ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c']);
    step(h, ['ZREM', 'z', 'a', 'nope'], ['zrem z', 'touch z'], 1);
    step(h, ['ZREM', 'z', 'nope'], []);
    step(h, ['ZREM', 'missing', 'a'], []);
    // Emptied: "zrem", "del", then the signal; members after the last are not looked at.
    assert.equal(step(h, ['ZREM', 'z', 'b', 'c', 'b'], ['zrem z', 'del z', 'touch z'], 2), 2);
    given(h, ['SET', 's', 'x']);
    step(h, ['ZREM', 's', 'a'], []);
  });

  test(`ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX (${encoding})`, (t) => {
    const h = harness(t, config);
    given(h, ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e', 6, 'f']);
    step(h, ['ZREMRANGEBYRANK', 'z', 0, 0], ['touch z', 'zremrangebyrank z'], 1);
    step(h, ['ZREMRANGEBYRANK', 'z', 3, 1], []);
    step(h, ['ZREMRANGEBYRANK', 'z', 10, 20], []);
    step(h, ['ZREMRANGEBYSCORE', 'z', 2, '(4'], ['touch z', 'zremrangebyscore z'], 2);
    step(h, ['ZREMRANGEBYSCORE', 'z', 100, 200], []);
    step(h, ['ZREMRANGEBYLEX', 'z', '[d', '[d'], ['touch z', 'zremrangebylex z'], 1);
    step(h, ['ZREMRANGEBYLEX', 'z', '[x', '+'], []);
    for (const command of ['ZREMRANGEBYRANK', 'ZREMRANGEBYSCORE', 'ZREMRANGEBYLEX']) {
      step(h, [command, 'missing', 0, 1], []);
    }
    step(h, ['ZREMRANGEBYSCORE', 'z', 'x', 1], []);
    step(h, ['ZREMRANGEBYLEX', 'z', 'x', '+'], []);
    step(h, ['ZREMRANGEBYRANK', 'z', 'x', 1], []);
    step(h, ['ZREMRANGEBYLEX', 'z', '-', '+'], ['touch z', 'zremrangebylex z', 'del z'], 2);
    given(h, ['ZADD', 'z', 1, 'a', 2, 'b']);
    step(h, ['ZREMRANGEBYRANK', 'z', 0, -1], ['touch z', 'zremrangebyrank z', 'del z'], 2);
    given(h, ['ZADD', 'z', 1, 'a', 2, 'b']);
    step(h, ['ZREMRANGEBYSCORE', 'z', '-inf', '+inf'], ['touch z', 'zremrangebyscore z', 'del z'], 2);
  });

  test(`ZPOPMIN, ZPOPMAX, ZMPOP (${encoding})`, (t) => {
    const h = harness(t, config);
    given(h, ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e']);
    // One event for the key however many are popped, but every element counts in dirty.
    step(h, ['ZPOPMIN', 'z'], ['zpopmin z', 'touch z'], 1);
    step(h, ['ZPOPMAX', 'z', 2], ['zpopmax z', 'touch z'], 2);
    step(h, ['ZPOPMIN', 'z', 0], []);
    step(h, ['ZPOPMIN', 'missing'], []);
    step(h, ['ZPOPMIN', 'z', -1], []);
    step(h, ['ZMPOP', 2, 'missing', 'z', 'MIN', 'COUNT', 1], ['zpopmin z', 'touch z'], 1);
    step(h, ['ZMPOP', 1, 'z', 'MAX', 'COUNT', 10], ['zpopmax z', 'touch z', 'del z'], 1);
    step(h, ['ZMPOP', 1, 'z', 'MAX'], []);
    given(h, ['ZADD', 'z', 1, 'a', 2, 'b']);
    step(h, ['ZPOPMAX', 'z', 5], ['zpopmax z', 'touch z', 'del z'], 2);
    given(h, ['SET', 's', 'x']);
    step(h, ['ZPOPMIN', 's'], []);
    step(h, ['ZMPOP', 1, 's', 'MIN'], []);
  });

  test(`BZPOPMIN, BZPOPMAX, BZMPOP served at once (${encoding})`, (t) => {
    const h = harness(t, config);
    given(h, ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c']);
    step(h, ['BZPOPMIN', 'missing', 'z', 0], ['zpopmin z', 'touch z'], 1);
    step(h, ['BZPOPMAX', 'z', 0], ['zpopmax z', 'touch z'], 1);
    step(h, ['BZMPOP', 0, 1, 'z', 'MIN', 'COUNT', 3], ['zpopmin z', 'touch z', 'del z'], 1);
    // Nothing to pop, and a synchronous call cannot wait: the timeout reply, and no event.
    assert.equal(step(h, ['BZPOPMIN', 'z', 0], []), null);
    assert.equal(step(h, ['BZMPOP', 0, 1, 'z', 'MIN'], []), null);
  });

  test(`blocked pops served by a write (${encoding})`, async (t) => {
    const h = harness(t, config);
    const first = h.db.session();
    const second = h.db.session();
    const a = first.command('BZPOPMIN', 'bz', 0);
    // The writer's event comes first; the pop is run again once the write is done.
    step(h, ['ZADD', 'bz', 1, 'x'], ['touch bz', 'zadd bz', 'zpopmin bz', 'touch bz', 'del bz'], 2);
    assert.deepEqual(await a, ['bz', 'x', 1]);

    const b = second.command('BZMPOP', 0, 2, 'other', 'bz', 'MAX', 'COUNT', 5);
    step(h, ['ZADD', 'bz', 1, 'x', 2, 'y', 3, 'w'], ['touch bz', 'zadd bz', 'zpopmax bz', 'touch bz', 'del bz'], 6);
    assert.deepEqual(await b, ['bz', [['w', 3], ['y', 2], ['x', 1]]]);

    given(h, ['ZADD', 'src', 1, 'm', 2, 'n']);
    const c = first.command('BZPOPMAX', 'u', 0);
    step(h, ['ZUNIONSTORE', 'u', 1, 'src'], ['touch u', 'zunionstore u', 'zpopmax u', 'touch u'], 2);
    assert.deepEqual(await c, ['u', 'n', 2]);
  });

  test(`ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE (${encoding})`, (t) => {
    const h = harness(t, config);
    given(h, ['ZADD', 'a', 1, 'x', 2, 'y'], ['ZADD', 'b', 3, 'y', 4, 'z'], ['SADD', 'set', 'x']);
    step(h, ['ZUNIONSTORE', 'dst', 2, 'a', 'b'], ['touch dst', 'zunionstore dst'], 1);
    step(h, ['ZINTERSTORE', 'dst', 2, 'a', 'b'], ['touch dst', 'zinterstore dst'], 1);
    step(h, ['ZDIFFSTORE', 'dst', 2, 'a', 'b'], ['touch dst', 'zdiffstore dst'], 1);
    step(h, ['ZINTERSTORE', 'dst', 2, 'a', 'set'], ['touch dst', 'zinterstore dst'], 1);
    // The destination overwritten with its own source.
    step(h, ['ZUNIONSTORE', 'a', 1, 'a'], ['touch a', 'zunionstore a'], 1);
    // An empty result deletes the destination: "del" when it existed, nothing otherwise.
    step(h, ['ZINTERSTORE', 'dst', 2, 'a', 'missing'], ['touch dst', 'del dst'], 1);
    step(h, ['ZINTERSTORE', 'dst', 2, 'a', 'missing'], []);
    step(h, ['ZDIFFSTORE', 'dst', 2, 'a', 'a'], []);
    step(h, ['ZUNIONSTORE', 'dst', 1, 'missing'], []);
    given(h, ['SET', 'str', 'v']);
    step(h, ['ZDIFFSTORE', 'str', 1, 'missing'], ['touch str', 'del str'], 1);
    // Errors write nothing.
    step(h, ['ZUNIONSTORE', 'dst', 0, 'a'], []);
    step(h, ['ZUNIONSTORE', 'dst', 1, 'a', 'WEIGHTS', 'x'], []);
    step(h, ['ZUNIONSTORE', 'dst', 1, 'str'], []);
    // The forms that only read.
    step(h, ['ZUNION', 2, 'a', 'b'], []);
    step(h, ['ZINTER', 2, 'a', 'b'], []);
    step(h, ['ZDIFF', 2, 'a', 'b'], []);
    step(h, ['ZINTERCARD', 2, 'a', 'b'], []);
  });

  test(`ZRANGESTORE (${encoding})`, (t) => {
    const h = harness(t, config);
    given(h, ['ZADD', 'src', 1, 'a', 2, 'b', 3, 'c']);
    step(h, ['ZRANGESTORE', 'dst', 'src', 0, 1], ['touch dst', 'zrangestore dst'], 1);
    step(h, ['ZRANGESTORE', 'dst', 'src', 2, 1, 'BYSCORE', 'REV'], ['touch dst', 'zrangestore dst'], 1);
    step(h, ['ZRANGESTORE', 'dst', 'src', '[b', '+', 'BYLEX', 'LIMIT', 0, 1], ['touch dst', 'zrangestore dst'], 1);
    step(h, ['ZRANGESTORE', 'dst', 'src', 5, 10], ['touch dst', 'del dst'], 1);
    step(h, ['ZRANGESTORE', 'dst', 'src', 5, 10], []);
    step(h, ['ZRANGESTORE', 'dst', 'missing', 0, -1], []);
    given(h, ['SET', 'dst', 'v']);
    step(h, ['ZRANGESTORE', 'dst', 'missing', 0, -1], ['touch dst', 'del dst'], 1);
    step(h, ['ZRANGESTORE', 'dst', 'src', 0, 'x'], []);
    step(h, ['ZRANGESTORE', 'dst', 'src', 0, 1, 'WITHSCORES'], []);
  });
}

test('read commands say nothing', (t) => {
  const h = harness(t);
  given(h, ['ZADD', 'z', 1, 'a', 2, 'b']);
  const reads: Arg[][] = [
    ['ZRANGE', 'z', 0, -1],
    ['ZREVRANGE', 'z', 0, -1],
    ['ZRANGEBYSCORE', 'z', '-inf', '+inf'],
    ['ZREVRANGEBYSCORE', 'z', '+inf', '-inf'],
    ['ZRANGEBYLEX', 'z', '-', '+'],
    ['ZREVRANGEBYLEX', 'z', '+', '-'],
    ['ZCARD', 'z'],
    ['ZSCORE', 'z', 'a'],
    ['ZMSCORE', 'z', 'a', 'b'],
    ['ZRANK', 'z', 'a'],
    ['ZREVRANK', 'z', 'a'],
    ['ZCOUNT', 'z', '-inf', '+inf'],
    ['ZLEXCOUNT', 'z', '-', '+'],
    ['ZSCAN', 'z', 0],
    ['ZRANDMEMBER', 'z', 2],
  ];
  for (const args of reads) step(h, args, []);
});

test('events name the selected database', (t) => {
  const h = harness(t);
  h.db.commandSync('SELECT', 1);
  step(h, ['ZADD', 'z', 1, 'a'], ['touch z', 'zadd z'], 1, 1);
  step(h, ['ZPOPMIN', 'z'], ['zpopmin z', 'touch z', 'del z'], 1, 1);
});

test('only the configured classes are published', (t) => {
  // Keyspace channel only, sorted-set class only: no "del" (generic), no keyevent messages.
  const h = harness(t, {}, 'Kz');
  given(h, ['ZADD', 'z', 1, 'a']);
  h.db.commandSync('ZREM', 'z', 'a');
  assert.deepEqual(h.log, [['__keyspace@0__:z', 'zrem'], ['touch', 'z']]);
  given(h, ['ZADD', 'a', 1, 'x']);
  h.db.commandSync('ZINTERSTORE', 'a', 2, 'a', 'missing');
  assert.deepEqual(h.log, [['touch', 'a']]);
});
