/**
 * Blocking list commands through real sockets, several clients at once, against cachica-server
 * as it ships: the order clients are served in, timeouts (fractional, 0 = forever) that fire on
 * time, CLIENT UNBLOCK in both modes, a client that disconnects while blocked, a key retyped
 * while clients wait, chains of BLMOVE, BLMPOP COUNT, and the pipelined commands of a blocked
 * client waiting for it. Each test first waits until the server reports its clients blocked
 * (INFO blocked_clients), so no step races the one before it.
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { RawConnection } from '../helpers/raw-connection.js';
import { startCachica, type RunningServer } from '../helpers/servers.js';

let server: RunningServer;
let admin: RawConnection;
const open: RawConnection[] = [];

before(async () => {
  server = await startCachica();
  admin = await RawConnection.connect(server.port, server.host);
});

after(async () => {
  for (const c of open) await c.close();
  await admin.close();
  await server.stop();
});

async function connect(resp: 2 | 3 = 2): Promise<RawConnection> {
  const conn = await RawConnection.connect(server.port, server.host);
  open.push(conn);
  if (resp === 3) await conn.call(['HELLO', '3']);
  return conn;
}

function text(reply: Buffer): string {
  return reply.toString('latin1');
}

async function infoField(name: string): Promise<number> {
  const info = text(await admin.call(['INFO', 'clients']));
  const m = new RegExp(`${name}:(\\d+)`).exec(info);
  assert.ok(m, `INFO clients has ${name}`);
  return Number(m[1]);
}

/** Wait until the server has `n` blocked clients. */
async function blockedClients(n: number): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const now = await infoField('blocked_clients');
    if (now === n) return;
    assert.ok(Date.now() < deadline, `expected ${n} blocked clients, the server has ${now}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;
const pair = (k: string, v: string): string => `*2\r\n${bulk(k)}${bulk(v)}`;

describe('blocking list commands over sockets', () => {
  it('serves clients in the order they blocked, each once, from the first key of theirs that has elements', async () => {
    await admin.call(['FLUSHALL']);
    const [a, b, c, d] = [await connect(), await connect(), await connect(), await connect()];
    const idD = text(await d.call(['CLIENT', 'ID'])).slice(1, -2);
    a.send(['BLPOP', 'q', '0']);
    await blockedClients(1);
    b.send(['BRPOP', 'other', 'q', '0']);
    await blockedClients(2);
    c.send(['BLPOP', 'q', '0']);
    await blockedClients(3);
    d.send(['BLPOP', 'never', '0']);
    await blockedClients(4);
    assert.equal(text(await admin.call(['RPUSH', 'q', 'x', 'y'])), ':2\r\n');
    assert.equal(text(await a.readFrame()), pair('q', 'x'));
    assert.equal(text(await b.readFrame()), pair('q', 'y'));
    await blockedClients(2);
    assert.equal(await c.tryReadFrame(100), null, 'the third waits: the list was emptied before its turn');
    assert.equal(text(await admin.call(['EXISTS', 'q'])), ':0\r\n');
    await admin.call(['LPUSH', 'q', 'z']);
    assert.equal(text(await c.readFrame()), pair('q', 'z'));
    assert.equal(await infoField('total_blocking_keys'), 1);
    assert.equal(text(await admin.call(['CLIENT', 'UNBLOCK', idD])), ':1\r\n');
    assert.equal(text(await d.readFrame()), '*-1\r\n');
    await blockedClients(0);
  });

  it('a push inside a script wakes a waiting client only after the script ends', async () => {
    await admin.call(['FLUSHALL']);
    const a = await connect();
    a.send(['BLPOP', 'q', '0']);
    await blockedClients(1);
    // Inside the script the list keeps both pushes (nothing was served yet): LLEN is 2.
    const script = "redis.call('rpush', 'q', 'a') redis.call('rpush', 'q', 'b') return redis.call('llen', 'q')";
    assert.equal(text(await admin.call(['EVAL', script, '0'])), ':2\r\n');
    assert.equal(text(await a.readFrame()), pair('q', 'a'));
    assert.equal(text(await admin.call(['LRANGE', 'q', '0', '-1'])), `*1\r\n${bulk('b')}`);
    await blockedClients(0);
  });

  it('times out fractional timeouts on time with a null array (RESP2 *-1, RESP3 _), and 0 waits forever', async () => {
    await admin.call(['FLUSHALL']);
    const a = await connect(2);
    const b = await connect(3);
    const forever = await connect();
    const t0 = Date.now();
    a.send(['BLPOP', 'q', '0.15']);
    b.send(['BLMPOP', '0.25', '1', 'q', 'LEFT', 'COUNT', '2']);
    forever.send(['BRPOP', 'q', '0']);
    assert.equal(text(await a.readFrame(2000)), '*-1\r\n');
    const ta = Date.now() - t0;
    assert.equal(text(await b.readFrame(2000)), '_\r\n');
    const tb = Date.now() - t0;
    assert.ok(ta >= 150 && ta < 400, `0.15 s timed out after ${ta} ms`);
    assert.ok(tb >= 250 && tb < 500, `0.25 s timed out after ${tb} ms`);
    assert.equal(await forever.tryReadFrame(300), null);
    await blockedClients(1);
    assert.equal(await infoField('clients_in_timeout_table'), 0);
    await admin.call(['RPUSH', 'q', 'late']);
    assert.equal(text(await forever.readFrame()), pair('q', 'late'));
  });

  it('CLIENT UNBLOCK replies the timeout reply or -UNBLOCKED, and 0 for a client that does not wait', async () => {
    await admin.call(['FLUSHALL']);
    const a = await connect(2);
    const b = await connect(3);
    const idA = text(await a.call(['CLIENT', 'ID'])).slice(1, -2);
    const idB = text(await b.call(['CLIENT', 'ID'])).slice(1, -2);
    a.send(['BRPOPLPUSH', 'q', 'd', '0']);
    b.send(['BLPOP', 'q', '100']);
    await blockedClients(2);
    assert.equal(text(await admin.call(['CLIENT', 'UNBLOCK', idA])), ':1\r\n');
    assert.equal(text(await a.readFrame()), '*-1\r\n', 'BRPOPLPUSH times out with a null array, as Redis');
    assert.equal(text(await admin.call(['CLIENT', 'UNBLOCK', idB, 'error'])), ':1\r\n');
    assert.equal(text(await b.readFrame()), '-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    assert.equal(text(await admin.call(['CLIENT', 'UNBLOCK', idB, 'TIMEOUT'])), ':0\r\n');
    assert.equal(text(await admin.call(['CLIENT', 'UNBLOCK', idA, 'NOW'])), '-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n');
    assert.equal(text(await b.call(['PING'])), '+PONG\r\n');
    await blockedClients(0);
  });

  it('forgets a client that disconnects while blocked: the next push stays in the list', async () => {
    await admin.call(['FLUSHALL']);
    const a = await connect();
    a.send(['BLPOP', 'q', '0']);
    await blockedClients(1);
    await a.close();
    await blockedClients(0);
    assert.equal(await infoField('total_blocking_keys'), 0);
    await admin.call(['RPUSH', 'q', 'kept']);
    assert.equal(text(await admin.call(['LRANGE', 'q', '0', '-1'])), `*1\r\n${bulk('kept')}`);
  });

  it('keeps waiting while the key is a string or deleted, and is served once it is a list again', async () => {
    await admin.call(['FLUSHALL']);
    const a = await connect();
    a.send(['BLPOP', 'k', '0']);
    await blockedClients(1);
    await admin.call(['SET', 'k', 'string']);
    await admin.call(['APPEND', 'k', 'more']);
    await admin.call(['DEL', 'k']);
    await admin.call(['HSET', 'k', 'f', 'v']);
    assert.equal(await a.tryReadFrame(100), null);
    await admin.call(['DEL', 'k']);
    await admin.call(['RPUSH', 'k', 'list']);
    assert.equal(text(await a.readFrame()), pair('k', 'list'));
  });

  it('a waiter on two keys gets WRONGTYPE when the first became another type and the second a list', async () => {
    await admin.call(['FLUSHALL']);
    const a = await connect();
    a.send(['BLPOP', 'first', 'second', '0']);
    await blockedClients(1);
    await admin.call(['SET', 'first', 'x']);
    await admin.call(['RPUSH', 'second', 'y']);
    assert.equal(text(await a.readFrame()), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    await blockedClients(0);
    assert.equal(text(await admin.call(['LLEN', 'second'])), ':1\r\n');
  });

  it('chains BLMOVEs: each move wakes the client waiting on its destination, within one push', async () => {
    await admin.call(['FLUSHALL']);
    const [a, b, c] = [await connect(), await connect(), await connect()];
    a.send(['BLMOVE', 'one', 'two', 'LEFT', 'RIGHT', '0']);
    await blockedClients(1);
    b.send(['BRPOPLPUSH', 'two', 'three', '0']);
    await blockedClients(2);
    c.send(['BLPOP', 'three', '0']);
    await blockedClients(3);
    await admin.call(['RPUSH', 'one', 'v']);
    assert.equal(text(await a.readFrame()), bulk('v'));
    assert.equal(text(await b.readFrame()), bulk('v'));
    assert.equal(text(await c.readFrame()), pair('three', 'v'));
    assert.equal(text(await admin.call(['EXISTS', 'one', 'two', 'three'])), ':0\r\n');
  });

  it('BLMOVE to a key of the wrong type replies WRONGTYPE when served and moves nothing', async () => {
    await admin.call(['FLUSHALL']);
    const a = await connect();
    await admin.call(['SET', 'dst', 'x']);
    a.send(['BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '0']);
    await blockedClients(1);
    await admin.call(['RPUSH', 'src', 'v']);
    assert.equal(text(await a.readFrame()), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    assert.equal(text(await admin.call(['LRANGE', 'src', '0', '-1'])), `*1\r\n${bulk('v')}`);
  });

  it('BLMPOP COUNT pops up to COUNT from the first key that has elements', async () => {
    await admin.call(['FLUSHALL']);
    const a = await connect(3);
    a.send(['BLMPOP', '0', '2', 'k1', 'k2', 'RIGHT', 'COUNT', '3']);
    await blockedClients(1);
    await admin.call(['RPUSH', 'k2', '1', '2', '3', '4']);
    assert.equal(text(await a.readFrame()), `*2\r\n${bulk('k2')}*3\r\n${bulk('4')}${bulk('3')}${bulk('2')}`);
    assert.equal(text(await admin.call(['LRANGE', 'k2', '0', '-1'])), `*1\r\n${bulk('1')}`);
  });

  it('runs the commands pipelined behind a blocked command only once it has replied', async () => {
    await admin.call(['FLUSHALL']);
    const a = await connect();
    a.send('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nLLEN\r\n$1\r\nq\r\n*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$3\r\n0.1\r\n');
    await blockedClients(1);
    assert.equal(await a.tryReadFrame(100), null, 'nothing before the BLPOP is served');
    await admin.call(['RPUSH', 'q', 'a', 'b']);
    const replies = (await a.readFrames(4)).map(text);
    assert.deepEqual(replies, [pair('q', 'a'), '+PONG\r\n', ':1\r\n', pair('q', 'b')]);
  });

  it('shows flags=b in CLIENT LIST and counts blocked clients and keys in INFO', async () => {
    await admin.call(['FLUSHALL']);
    const a = await connect();
    const id = text(await a.call(['CLIENT', 'ID'])).slice(1, -2);
    a.send(['BLPOP', 'x', 'y', 'x', '5']);
    await blockedClients(1);
    const list = text(await admin.call(['CLIENT', 'LIST', 'ID', id]));
    assert.match(list, / flags=b .* cmd=blpop /);
    assert.equal(await infoField('total_blocking_keys'), 2);
    assert.equal(await infoField('clients_in_timeout_table'), 1);
    await admin.call(['CLIENT', 'UNBLOCK', id]);
    assert.equal(text(await a.readFrame()), '*-1\r\n');
    assert.equal(await infoField('clients_in_timeout_table'), 0);
  });

  it('works for a client library: ioredis BLPOP resolves when another connection pushes', async () => {
    await admin.call(['FLUSHALL']);
    const waiter = new Redis({ port: server.port, host: server.host, lazyConnect: true });
    const pusher = new Redis({ port: server.port, host: server.host, lazyConnect: true });
    await waiter.connect();
    await pusher.connect();
    try {
      const pending = waiter.blpop('jobs', 0);
      await blockedClients(1);
      await pusher.rpush('jobs', 'job-1');
      assert.deepEqual(await pending, ['jobs', 'job-1']);
      assert.equal(await waiter.brpoplpush('jobs', 'done', 0.05), null);
    } finally {
      waiter.disconnect();
      pusher.disconnect();
    }
  });

  it('a push inside MULTI wakes waiting clients only after EXEC, with what the whole transaction left', async () => {
    await admin.call(['FLUSHALL']);
    const [waiter, writer, second] = [await connect(), await connect(), await connect()];
    waiter.send(['BLPOP', 'blist', '0']);
    await blockedClients(1);
    second.send(['BRPOP', 'blist', '0']);
    await blockedClients(2);
    assert.equal(text(await writer.call(['MULTI'])), '+OK\r\n');
    for (const v of ['a', 'b', 'c']) assert.equal(text(await writer.call(['LPUSH', 'blist', v])), '+QUEUED\r\n');
    assert.equal(await waiter.tryReadFrame(50), null, 'nothing is pushed until EXEC');
    // Woken mid-transaction the first waiter would take "a"; after it, the list is c b a.
    assert.equal(text(await writer.call(['EXEC'])), '*3\r\n:1\r\n:2\r\n:3\r\n');
    assert.equal(text(await waiter.readFrame()), pair('blist', 'c'));
    assert.equal(text(await second.readFrame()), pair('blist', 'a'));
    assert.equal(text(await admin.call(['LRANGE', 'blist', '0', '-1'])), `*1\r\n${bulk('b')}`);
    await blockedClients(0);
  });

  it('a transaction that pushes then pops the element leaves waiting clients waiting', async () => {
    await admin.call(['FLUSHALL']);
    const [waiter, writer] = [await connect(), await connect()];
    waiter.send(['BLPOP', 'blist', '0']);
    await blockedClients(1);
    await writer.call(['MULTI']);
    await writer.call(['RPUSH', 'blist', 'x']);
    await writer.call(['RPOP', 'blist']);
    assert.equal(text(await writer.call(['EXEC'])), `*2\r\n:1\r\n${bulk('x')}`);
    assert.equal(await waiter.tryReadFrame(100), null);
    await blockedClients(1);
    await admin.call(['RPUSH', 'blist', 'y']);
    assert.equal(text(await waiter.readFrame()), pair('blist', 'y'));
  });
});
