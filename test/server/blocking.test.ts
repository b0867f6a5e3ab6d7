/**
 * The blocking framework (server/blocking.ts) on its own: a stand-in blocking command that is
 * served only when a test says so shows that clients are run again in the order they blocked,
 * that one which still cannot be served keeps its place and its deadline, that signals are
 * handled once per key, and that timeout parsing follows Redis 7.2's getTimeoutFromObjectOrReply.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from '../../src/commands/types.js';
import { Cachica } from '../../src/embedded/cachica.js';
import { Argv } from '../../src/protocol/argv.js';
import { BlockKind, parseBlockTimeout } from '../../src/server/blocking.js';
import type { Client } from '../../src/server/client.js';
import type { Engine } from '../../src/server/engine.js';
import { ValueType } from '../../src/store/entries.js';

/** A blocking command whose clients are served only once listed in `served`. */
function standIn(engine: Engine, served: Set<Client>, runs: Client[]): Command {
  return {
    name: 'standin',
    arity: -1,
    flags: new Set(),
    bits: 0,
    handler: (c: Client, argv: Argv) => {
      runs.push(c);
      const deadline = parseBlockTimeout(c, argv, 1);
      if (deadline === null) return;
      if (served.has(c)) c.reply.simple('served');
      else engine.blocking.block(c, ['k'], deadline, BlockKind.List);
    },
    subcommands: null,
    calls: 0,
    usec: 0,
    rejectedCalls: 0,
    failedCalls: 0,
  };
}

/** What Engine.execute does around a handler, for the stand-in command. */
function run(engine: Engine, c: Client, cmd: Command, argv: Argv): void {
  engine.invoke(c, cmd, argv);
  if (c.blocked !== null && c.blocked.cmd === null) engine.blocking.adopt(c, cmd, argv);
}

/** Make key `k` of db 0 a list (which signals it ready) and handle the signal. */
function makeListAndHandle(engine: Engine): void {
  const db = engine.store.databases[0];
  db.deleteKey(Buffer.from('k'), 0, 1);
  db.setPacked(Buffer.from('k'), 0, 1, ValueType.List, Uint8Array.of(7, 0, 0, 0, 0, 0, 0xff), 0, 7);
  engine.blocking.handleReadyKeys();
}

describe('BlockingManager', () => {
  it('runs waiters again in block order; one still unserved keeps its place', () => {
    const db = new Cachica();
    const engine = db.internals;
    const [a, b, c, d] = [engine.createClient(), engine.createClient(), engine.createClient(), engine.createClient()];
    const served = new Set<Client>();
    const runs: Client[] = [];
    const cmd = standIn(engine, served, runs);
    const argv = Argv.from(['STANDIN', '0']);
    for (const client of [a, b, c]) run(engine, client, cmd, argv);
    assert.equal(engine.blocking.blockedClients, 3);
    runs.length = 0;
    served.add(b);
    makeListAndHandle(engine);
    assert.deepEqual(runs, [a, b, c], 'each waiter run once, in the order they blocked');
    assert.equal(b.blocked, null);
    assert.equal(b.reply.take(true).toString('latin1'), '+served\r\n');
    assert.equal(engine.blocking.blockedClients, 2);
    run(engine, d, cmd, argv);
    runs.length = 0;
    makeListAndHandle(engine);
    assert.deepEqual(runs, [a, c, d], 'the re-blocked keep their places ahead of a later waiter');
    served.add(c);
    served.add(d);
    runs.length = 0;
    makeListAndHandle(engine);
    assert.deepEqual(runs, [a, c, d]);
    assert.equal(engine.blocking.blockedClients, 1);
    assert.equal(engine.blocking.totalBlockingKeys, 1);
    engine.blocking.unblock(a, false);
    assert.equal(a.reply.take(true).toString('latin1'), '*-1\r\n');
    assert.equal(engine.blocking.totalBlockingKeys, 0);
    db.close();
  });

  it('a waiter run again keeps its first deadline', async () => {
    const db = new Cachica();
    const engine = db.internals;
    const a = engine.createClient();
    const runs: Client[] = [];
    const cmd = standIn(engine, new Set(), runs);
    // A command's timeout counts from the store's clock, which the server ticks once per read.
    const t0 = Date.now();
    engine.store.tick(t0);
    run(engine, a, cmd, Argv.from(['STANDIN', '0.2']));
    await new Promise((r) => setTimeout(r, 150));
    makeListAndHandle(engine);
    assert.equal(runs.length, 2);
    assert.notEqual(a.blocked, null);
    let replied = 0;
    await new Promise<void>((resolve) => {
      a.onUnblocked = () => {
        replied = Date.now() - t0;
        resolve();
      };
    });
    assert.equal(a.reply.take(true).toString('latin1'), '*-1\r\n');
    // Its first deadline is 200 ms after it blocked; one taken from the second run would be 350.
    assert.ok(replied >= 200 && replied < 340, `timed out after ${replied} ms, not 200 after the first block`);
    db.close();
  });

  it('queues a key once however often it is signalled, and ignores keys nobody waits on', () => {
    const db = new Cachica();
    const engine = db.internals;
    const a = engine.createClient();
    const runs: Client[] = [];
    run(engine, a, standIn(engine, new Set(), runs), Argv.from(['STANDIN', '0']));
    const db0 = engine.store.databases[0];
    engine.blocking.signalKeyAsReady(db0, 'other');
    assert.equal(engine.blocking.hasReadyKeys, false);
    engine.blocking.signalKeyAsReady(db0, 'k');
    engine.blocking.signalKeyAsReady(db0, 'k');
    engine.blocking.signalKeyAsReady(engine.store.databases[1], 'k');
    assert.equal(engine.blocking.hasReadyKeys, true);
    runs.length = 0;
    // 'k' does not exist: nobody is run.
    engine.blocking.handleReadyKeys();
    assert.deepEqual(runs, []);
    assert.equal(engine.blocking.hasReadyKeys, false);
    engine.blocking.forget(a);
    assert.equal(engine.blocking.blockedClients, 0);
    db.close();
  });

  it('handles keys signalled inside a nested execution (EXEC, scripts) only once it ends, fairly', async () => {
    // Redis 7.2's "Unblock fairness is kept during nested unblock", with EXEC played by raising
    // executionNesting around two pushes.
    const db = new Cachica();
    const engine = db.internals;
    const [s1, s2, s3] = [db.session(), db.session(), db.session()];
    const moved = s1.command('BRPOPLPUSH', 'l1', 'l3', 0);
    const popped = s2.command('BLPOP', 'l2', 0);
    const mpopped = s3.command('BLMPOP', 0, 2, 'l2', 'l3', 'LEFT', 'COUNT', 1);
    engine.executionNesting++;
    db.commandSync('LPUSH', 'l1', '1');
    db.commandSync('LPUSH', 'l2', '2');
    assert.equal(engine.blocking.blockedClients, 3, 'nobody is served inside the transaction');
    assert.deepEqual(db.commandSync('LRANGE', 'l1', 0, -1), ['1']);
    engine.executionNesting--;
    db.commandSync('PING');
    assert.equal(await moved, '1');
    assert.deepEqual(await popped, ['l2', '2']);
    assert.deepEqual(await mpopped, ['l3', ['1']]);
    assert.equal(engine.blocking.blockedClients, 0);
    db.close();
  });

  it('parses timeouts as Redis 7.2: seconds as a long double, rounded up to the millisecond', () => {
    const db = new Cachica();
    const engine = db.internals;
    const c = engine.createClient();
    const now = engine.store.now();
    const parse = (arg: string): number | string => {
      const v = parseBlockTimeout(c, Argv.from([arg]), 0);
      return v === null ? c.reply.take(true).toString('latin1') : v === 0 ? 0 : v - now;
    };
    assert.equal(parse('0'), 0);
    assert.equal(parse('0.0'), 0);
    assert.equal(parse('-0'), 0);
    assert.equal(parse('-0.0001'), 0, 'rounds up to 0: forever');
    assert.equal(parse('-0.001'), 0, '0.001 in long double is a little less than 0.001');
    assert.equal(parse('-0.002'), '-ERR timeout is negative\r\n');
    assert.equal(parse('1'), 1000);
    assert.equal(parse('0.0001'), 1);
    assert.equal(parse('1e-400'), 1, 'tiny but positive in long double');
    assert.equal(parse('1.5'), 1500);
    assert.equal(parse('0x10'), 16000);
    assert.equal(parse('-1'), '-ERR timeout is negative\r\n');
    assert.equal(parse('-inf'), '-ERR timeout is negative\r\n');
    assert.equal(parse('inf'), '-ERR timeout is out of range\r\n');
    assert.equal(parse('9223372036854775807'), '-ERR timeout is out of range\r\n');
    for (const bad of ['', 'abc', ' 1', '1 ', 'nan', '1e-5000', '1,5']) {
      assert.equal(parse(bad), '-ERR timeout is not a float or out of range\r\n', JSON.stringify(bad));
    }
    db.close();
  });
});
