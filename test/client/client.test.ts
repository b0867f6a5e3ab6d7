import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, ReplyError } from '../../src/client/index.js';
import { startRedis, type RunningServer, freePort } from '../helpers/servers.js';

let redis: RunningServer;
let socketDir: string;
let socketPath: string;

before(async () => {
  socketDir = mkdtempSync(join(tmpdir(), 'cachica-client-'));
  socketPath = join(socketDir, 'redis.sock');
  redis = await startRedis({ args: ['--unixsocket', socketPath] });
});

after(async () => {
  await redis.stop();
  rmSync(socketDir, { recursive: true, force: true });
});


async function connect(options: Parameters<typeof Client.connect>[0] = {}): Promise<Client> {
  return Client.connect({ port: redis.port, ...options });
}

function nextEvent<T extends unknown[]>(client: Client, event: 'push' | 'monitor'): Promise<T> {
  return new Promise((resolve) => client.once(event, (...args: unknown[]) => resolve(args as T)));
}

test('SET and GET round-trip strings, numbers and binary values', async () => {
  const c = await connect();
  assert.equal(await c.call('SET', 'greeting', 'héllo'), 'OK');
  assert.equal(await c.call('GET', 'greeting'), 'héllo');
  assert.equal(await c.call('SET', 'n', 41), 'OK');
  assert.equal(await c.call('INCR', 'n'), 42);
  assert.equal(await c.call('GET', 'missing'), null);
  await c.call('SET', 'bin', Buffer.from([0, 255, 13, 10]));
  await c.close();

  const b = await connect({ bulkAs: 'buffer' });
  assert.deepEqual(await b.call('GET', 'bin'), Buffer.from([0, 255, 13, 10]));
  assert.deepEqual(await b.call('GET', 'greeting'), Buffer.from('héllo'));
  await b.close();
});

test('error replies reject with a ReplyError carrying the code', async () => {
  const c = await connect();
  await assert.rejects(c.call('GET'), (e: unknown) => {
    assert.ok(e instanceof ReplyError);
    assert.equal(e.message, "ERR wrong number of arguments for 'get' command");
    assert.equal(e.code, 'ERR');
    return true;
  });
  await c.call('LPUSH', 'a-list', 'x');
  await assert.rejects(c.call('GET', 'a-list'), { code: 'WRONGTYPE' });
  // The connection is still usable, and an error inside EXEC's array is a value.
  await c.call('MULTI');
  await c.call('SET', 'k', 'v');
  await c.call('INCR', 'a-list');
  const exec = (await c.call('EXEC')) as unknown[];
  assert.equal(exec[0], 'OK');
  assert.ok(exec[1] instanceof ReplyError);
  await c.close();
});

test('10,000 commands issued in one tick go out in one write and are answered in order', async () => {
  const c = await connect();
  await c.call('DEL', 'counter');
  const write = net.Socket.prototype.write;
  let writes = 0;
  net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
    writes++;
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof write;
  let replies: unknown[];
  try {
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 10_000; i++) calls.push(c.call('INCR', 'counter'));
    replies = await Promise.all(calls);
  } finally {
    net.Socket.prototype.write = write;
  }
  assert.equal(writes, 1);
  assert.deepEqual(
    replies,
    Array.from({ length: 10_000 }, (_, i) => i + 1),
  );
  await c.close();
});

test('RESP2 and RESP3 replies decode to their JavaScript types', async () => {
  const c3 = await connect({ resp: 3 });
  assert.equal(c3.resp, 3);
  await c3.call('DEL', 'h', 's', 'z');
  await c3.call('HSET', 'h', 'f1', 'v1', 'f2', 'v2');
  await c3.call('SADD', 's', 'm');
  await c3.call('ZADD', 'z', '1.5', 'a');
  const map = (await c3.call('HGETALL', 'h')) as Record<string, string>;
  assert.equal(Object.getPrototypeOf(map), null);
  assert.deepEqual({ ...map }, { f1: 'v1', f2: 'v2' });
  assert.deepEqual(await c3.call('SMEMBERS', 's'), ['m']);
  assert.equal(await c3.call('ZSCORE', 'z', 'a'), 1.5);
  assert.equal(await c3.call('DEBUG', 'PROTOCOL', 'true'), true);
  assert.equal(await c3.call('DEBUG', 'PROTOCOL', 'bignum'), 1234567999999999999999999999999999999n);
  assert.equal(await c3.call('DEBUG', 'PROTOCOL', 'verbatim'), 'This is a verbatim\nstring');
  assert.equal(await c3.call('DEBUG', 'PROTOCOL', 'null'), null);
  await c3.close();

  const c2 = await connect();
  assert.equal(c2.resp, 2);
  assert.deepEqual(await c2.call('HGETALL', 'h'), ['f1', 'v1', 'f2', 'v2']);
  assert.equal(await c2.call('ZSCORE', 'z', 'a'), '1.5');
  await c2.close();
});

test('RESP3 pushes from SUBSCRIBE and PUBLISH go to push listeners, not to callers', async () => {
  const sub = await connect({ resp: 3 });
  const pub = await connect();
  const pushes: unknown[][] = [];
  sub.on('push', (data) => pushes.push(data));
  assert.equal(await sub.call('SUBSCRIBE', 'news', 'sport'), 2);
  // A RESP3 subscriber can still run commands; their replies must not be taken for pushes.
  const message = nextEvent<[unknown[]]>(sub, 'push');
  assert.equal(await pub.call('PUBLISH', 'news', 'hello'), 1);
  assert.deepEqual((await message)[0], ['message', 'news', 'hello']);
  assert.equal(await sub.call('ECHO', 'still here'), 'still here');
  assert.equal(await sub.call('UNSUBSCRIBE'), 0);
  assert.deepEqual(pushes.slice(0, 3), [
    ['subscribe', 'news', 1],
    ['subscribe', 'sport', 2],
    ['message', 'news', 'hello'],
  ]);
  // Redis drops the channels in its dictionary's order.
  assert.deepEqual(
    pushes.slice(3).map((p) => p[0] + ' ' + p[2]),
    ['unsubscribe 1', 'unsubscribe 0'],
  );
  await sub.close();
  await pub.close();
});

test('RESP2 pub/sub messages are delivered as pushes too', async () => {
  const sub = await connect();
  const pub = await connect();
  assert.equal(await sub.call('PSUBSCRIBE', 'n*'), 1);
  const message = nextEvent<[unknown[]]>(sub, 'push');
  await pub.call('PUBLISH', 'news', 'hi');
  assert.deepEqual((await message)[0], ['pmessage', 'n*', 'news', 'hi']);
  assert.deepEqual(await sub.call('PING'), ['pong', '']);
  assert.equal(await sub.call('PUNSUBSCRIBE'), 0);
  // Out of subscriber mode, an array starting with "message" is an ordinary reply.
  await sub.call('DEL', 'l');
  await sub.call('RPUSH', 'l', 'message', 'x', 'y');
  assert.deepEqual(await sub.call('LRANGE', 'l', 0, -1), ['message', 'x', 'y']);
  await sub.close();
  await pub.close();
});

test('client tracking invalidations arrive as PushFrame data on RESP3', async () => {
  const c = await connect({ resp: 3 });
  await c.call('SET', 'tracked', '1');
  await c.call('CLIENT', 'TRACKING', 'ON');
  await c.call('GET', 'tracked');
  const push = nextEvent<[unknown[]]>(c, 'push');
  const other = await connect();
  await other.call('SET', 'tracked', '2');
  assert.deepEqual((await push)[0], ['invalidate', ['tracked']]);
  await other.close();
  await c.close();
});

test('MONITOR lines go to monitor listeners', async () => {
  const m = await connect();
  assert.equal(await m.call('MONITOR'), 'OK');
  const line = nextEvent<[string]>(m, 'monitor');
  const other = await connect();
  await other.call('ECHO', 'watched');
  assert.match((await line)[0], /"ECHO" "watched"/i);
  await other.close();
  // Replies to the monitoring connection's own commands still reach their callers.
  assert.equal(await m.call('PING'), 'PONG');
  assert.equal(await m.call('RESET'), 'RESET');
  m.disconnect();
});

test('a lost connection rejects every pending call', async () => {
  const c = await connect();
  const id = await c.call('CLIENT', 'ID');
  const blocked = assert.rejects(c.call('BLPOP', 'never-pushed', 0), /Connection closed/);
  const queued = assert.rejects(c.call('PING'), /Connection closed/);
  const killer = await connect();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(await killer.call('CLIENT', 'KILL', 'ID', id as number), 1);
  await blocked;
  await queued;
  assert.equal(c.connected, false);
  await assert.rejects(c.call('PING'), /Connection is closed/);
  await killer.close();
});

test('close waits for replies already asked for, disconnect does not', async () => {
  const c = await connect();
  const reply = c.call('ECHO', 'last');
  const closed = c.close();
  await assert.rejects(c.call('PING'), /closed/);
  assert.equal(await reply, 'last');
  await closed;
  assert.equal(c.connected, false);

  const d = await connect();
  const pending = d.call('BLPOP', 'never-pushed', 0);
  d.disconnect();
  await assert.rejects(pending, /Connection closed/);
});

test('connect selects the database and authenticates with password and username', async () => {
  const admin = await connect();
  await admin.call('ACL', 'SETUSER', 'alice', 'on', '>pw', '~*', '+@all');
  await admin.call('CONFIG', 'SET', 'requirepass', 's3cret');
  try {
    await assert.rejects(connect({ password: 'wrong' }), { code: 'WRONGPASS' });
    const anonymous = await connect();
    await assert.rejects(anonymous.call('PING'), { code: 'NOAUTH' });
    await anonymous.close();
    const c = await connect({ password: 's3cret', db: 3 });
    await c.call('SET', 'where', 'db3');
    await c.close();

    const alice = await connect({ username: 'alice', password: 'pw', resp: 3, db: 3 });
    assert.equal(alice.resp, 3);
    assert.equal(await alice.call('GET', 'where'), 'db3');
    assert.equal(await alice.call('ACL', 'WHOAMI'), 'alice');
    await alice.close();

    const resp2 = await connect({ username: 'alice', password: 'pw' });
    assert.equal(await resp2.call('ACL', 'WHOAMI'), 'alice');
    assert.equal(await resp2.call('GET', 'where'), null);
    await resp2.close();
  } finally {
    // The admin connection authenticated before the password was set, and stays so.
    await admin.call('CONFIG', 'SET', 'requirepass', '');
    await admin.close();
  }
});

test('connect over a unix socket', async () => {
  const c = await Client.connect({ path: socketPath });
  assert.equal(await c.call('PING'), 'PONG');
  await c.close();
});

test('connecting to a port nobody listens on rejects', async () => {
  const port = await freePort();
  await assert.rejects(Client.connect({ port }), { code: 'ECONNREFUSED' });
});
