/**
 * Client-side caching through real sockets against cachica-server as it ships: ioredis in the
 * classic RESP2 set-up (tracking redirected to a connection subscribed to
 * __redis__:invalidate), tracking-table-max-keys evicting keys with their invalidations, and
 * the orders Redis 7.2 gives pushes to the client whose own command caused them (after its
 * reply, after a whole EXEC), which the 7.0 oracle of the differential tests gives otherwise.
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { RawConnection } from '../helpers/raw-connection.js';
import { startCachica, type RunningServer } from '../helpers/servers.js';

let server: RunningServer;
let admin: RawConnection;

before(async () => {
  server = await startCachica();
  admin = await RawConnection.connect(server.port, server.host);
});

after(async () => {
  await admin.close();
  await server.stop();
});

async function infoField(section: string, field: string): Promise<number> {
  const text = (await admin.call(['INFO', section])).toString('latin1');
  const m = new RegExp(`\\r\\n${field}:(\\d+)`).exec(text);
  assert.ok(m, `INFO ${section} has ${field}`);
  return Number(m[1]);
}

async function resp3(): Promise<RawConnection> {
  const conn = await RawConnection.connect(server.port, server.host);
  assert.equal((await conn.call(['HELLO', '3']))[0], 0x25);
  return conn;
}

const text = (b: Buffer): string => b.toString('latin1');

describe('client-side caching', () => {
  it('ioredis: reads tracked, invalidations on __redis__:invalidate of a redirected subscriber', async () => {
    const cache = new Redis({ port: server.port, host: server.host, lazyConnect: true });
    const inv = new Redis({ port: server.port, host: server.host, lazyConnect: true });
    const writer = new Redis({ port: server.port, host: server.host, lazyConnect: true });
    await Promise.all([cache.connect(), inv.connect(), writer.connect()]);
    try {
      const invalidated: string[][] = [];
      let arrived: (() => void) | null = null;
      // ioredis hands the message (an array of keys, or null after a flush) over as a string.
      inv.on('message', (channel: string, keys: unknown) => {
        assert.equal(channel, '__redis__:invalidate');
        invalidated.push(keys === null || keys === '' ? ['<all>'] : String(keys).split(','));
        arrived?.();
      });
      const next = () => new Promise<void>((resolve) => (arrived = resolve));
      await inv.subscribe('__redis__:invalidate');
      // The subscriber's id, from the list (a subscribed RESP2 connection cannot ask CLIENT ID).
      const listed = /id=(\d+)/.exec(text(await admin.call(['CLIENT', 'LIST', 'TYPE', 'pubsub'])));
      assert.ok(listed, 'the subscriber is listed');
      const id = Number(listed[1]);
      assert.equal(await cache.client('TRACKING', 'ON', 'REDIRECT', id), 'OK');
      assert.equal(await cache.client('GETREDIR'), id);
      await writer.mset('user:1', 'ann', 'user:2', 'bob');
      assert.deepEqual(await cache.mget('user:1', 'user:2'), ['ann', 'bob']);
      let wait = next();
      await writer.set('user:1', 'amy');
      await wait;
      assert.deepEqual(invalidated, [['user:1']]);
      // Invalidated once: the key is forgotten until read again.
      await writer.set('user:1', 'ada');
      wait = next();
      await writer.del('user:2');
      await wait;
      assert.deepEqual(invalidated, [['user:1'], ['user:2']]);
      wait = next();
      await writer.flushdb();
      await wait;
      assert.deepEqual(invalidated.at(-1), ['<all>']);
    } finally {
      cache.disconnect();
      inv.disconnect();
      writer.disconnect();
    }
  });

  it('tracking-table-max-keys: past the limit keys are dropped, their clients told', async () => {
    await admin.call(['CONFIG', 'SET', 'tracking-table-max-keys', '10']);
    const cache = await resp3();
    try {
      assert.equal(text(await cache.call(['CLIENT', 'TRACKING', 'on'])), '+OK\r\n');
      const keys = Array.from({ length: 50 }, (_, i) => `key:${i}`);
      const reply = await cache.call(['MGET', ...keys]);
      assert.ok(text(reply).startsWith('*50\r\n'));
      // Any next command (this INFO on another connection) finds the table over its limit and
      // evicts down to it.
      assert.equal(await infoField('stats', 'tracking_total_keys'), 10);
      const pong = await cache.call(['PING'], 5000);
      const dropped = new Set<string>();
      let frame = pong;
      while (frame[0] === 0x3e /* > */) {
        const m = /^>2\r\n\$10\r\ninvalidate\r\n\*1\r\n\$\d+\r\n(key:\d+)\r\n$/.exec(text(frame));
        assert.ok(m, `an invalidation: ${text(frame)}`);
        dropped.add(m[1]);
        frame = await cache.readFrame(2000);
      }
      assert.equal(text(frame), '+PONG\r\n');
      assert.equal(dropped.size, 40);
      assert.equal(await infoField('stats', 'tracking_total_items'), 10);
    } finally {
      await cache.close();
      await admin.call(['CONFIG', 'SET', 'tracking-table-max-keys', '1000000']);
    }
  });

  it('a client that leaves stops counting as tracking; its prefixes go with it', async () => {
    const before = await infoField('clients', 'tracking_clients');
    const a = await resp3();
    assert.equal(text(await a.call(['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'gone:'])), '+OK\r\n');
    assert.equal(await infoField('clients', 'tracking_clients'), before + 1);
    assert.equal(await infoField('stats', 'tracking_total_prefixes'), 1);
    await a.close();
    const deadline = Date.now() + 2000;
    while ((await infoField('clients', 'tracking_clients')) !== before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await infoField('clients', 'tracking_clients'), before);
    assert.equal(await infoField('stats', 'tracking_total_prefixes'), 0);
    // Changing a key under the old prefix reaches nobody and breaks nothing.
    assert.equal(text(await admin.call(['SET', 'gone:1', 'x'])), '+OK\r\n');
  });
});

describe('pushes caused by a client\'s own command come after its reply (Redis 7.2)', () => {
  it('PUBLISH to a channel the RESP3 client subscribes to', async () => {
    const c = await resp3();
    try {
      assert.equal(text(await c.call(['SUBSCRIBE', 'me'])), '>3\r\n$9\r\nsubscribe\r\n$2\r\nme\r\n:1\r\n');
      assert.equal(text(await c.call(['PUBLISH', 'me', 'hi'])), ':1\r\n');
      assert.equal(text(await c.readFrame(2000)), '>3\r\n$7\r\nmessage\r\n$2\r\nme\r\n$2\r\nhi\r\n');
    } finally {
      await c.close();
    }
  });

  it('an invalidation caused inside EXEC follows the whole EXEC reply', async () => {
    const c = await resp3();
    try {
      await c.call(['CLIENT', 'TRACKING', 'on']);
      await c.call(['GET', 'tx']);
      assert.equal(text(await c.call(['MULTI'])), '+OK\r\n');
      assert.equal(text(await c.call(['SET', 'tx', '1'])), '+QUEUED\r\n');
      assert.equal(text(await c.call(['GET', 'tx'])), '+QUEUED\r\n');
      assert.equal(text(await c.call(['SET', 'tx', '2'])), '+QUEUED\r\n');
      assert.equal(text(await c.call(['EXEC'])), '*3\r\n+OK\r\n$1\r\n1\r\n+OK\r\n');
      // The first SET invalidates the key read before MULTI; the GET inside tracks it again and
      // the second SET invalidates it again: two pushes, both after EXEC's reply.
      assert.equal(text(await c.readFrame(2000)), '>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\ntx\r\n');
      assert.equal(text(await c.readFrame(2000)), '>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\ntx\r\n');
      assert.equal(text(await c.call(['PING'])), '+PONG\r\n');
    } finally {
      await c.close();
    }
  });
});
