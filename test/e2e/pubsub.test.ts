/**
 * Pub/Sub through real sockets against cachica-server as it ships: real clients (ioredis,
 * node-redis) subscribing to channels, patterns and keyspace notifications, and a subscriber that
 * stops reading being cut off by client-output-buffer-limit (hard and soft limits) while the
 * server's memory stays bounded.
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { RawConnection, encodeCommand } from '../helpers/raw-connection.js';
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

async function info(section: string, field: string): Promise<number> {
  const text = (await admin.call(['INFO', section])).toString('latin1');
  const m = new RegExp(`\\r\\n${field}:(\\d+)`).exec(text);
  assert.ok(m, `INFO ${section} has ${field}`);
  return Number(m[1]);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('real clients', () => {
  it('ioredis receives messages, pattern messages and keyspace notifications', async () => {
    const sub = new Redis({ port: server.port, host: server.host, lazyConnect: true });
    const pub = new Redis({ port: server.port, host: server.host, lazyConnect: true });
    await sub.connect();
    await pub.connect();
    try {
      const got: string[] = [];
      sub.on('message', (channel: string, message: string) => got.push(`${channel}=${message}`));
      sub.on('pmessage', (pattern: string, channel: string, message: string) => got.push(`${pattern}|${channel}=${message}`));
      assert.equal(await sub.subscribe('orders', 'users'), 2);
      assert.equal(await sub.psubscribe('__keyevent@0__:*'), 3);
      await pub.config('SET', 'notify-keyspace-events', 'E$g');
      assert.equal(await pub.publish('orders', 'o-1'), 1);
      assert.equal(await pub.publish('nobody', 'x'), 0);
      await pub.set('k', 'v');
      await pub.del('k');
      await until('three messages', async () => got.length >= 3);
      assert.deepEqual(got, ['orders=o-1', '__keyevent@0__:*|__keyevent@0__:set=k', '__keyevent@0__:*|__keyevent@0__:del=k']);
    } finally {
      await admin.call(['CONFIG', 'SET', 'notify-keyspace-events', '']);
      sub.disconnect();
      pub.disconnect();
    }
  });

  it('node-redis over RESP2: a dedicated subscriber gets messages while the main client works', async () => {
    const client = createClient({ socket: { port: server.port, host: server.host } });
    await client.connect();
    const subscriber = client.duplicate();
    await subscriber.connect();
    try {
      const got: string[] = [];
      await subscriber.subscribe('jobs', (message, channel) => got.push(`${channel}:${message}`));
      await subscriber.pSubscribe('job*', (message, channel) => got.push(`p ${channel}:${message}`));
      assert.equal(await client.publish('jobs', 'j1'), 2);
      assert.equal(await client.publish('jobs2', 'j2'), 1);
      await until('three messages', async () => got.length >= 3);
      assert.deepEqual(got.sort(), ['jobs:j1', 'p jobs2:j2', 'p jobs:j1']);
      assert.deepEqual({ ...(await client.pubSubNumSub(['jobs', 'jobs2'])) }, { jobs: 1, jobs2: 0 });
      assert.equal(await client.pubSubNumPat(), 1);
    } finally {
      await subscriber.quit();
      await client.quit();
    }
  });
});

/** A subscriber on a raw socket that stops reading once subscribed. */
async function stalledSubscriber(channel: string): Promise<{ socket: net.Socket; closed: Promise<void> }> {
  const socket = net.connect(server.port, server.host);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  socket.write(encodeCommand(['SUBSCRIBE', channel]));
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.pause();
  return { socket, closed };
}

describe('a subscriber that stops reading', () => {
  const message = Buffer.alloc(16 * 1024, 0x61);

  it('is cut off at the hard limit, and the server does not keep its backlog', async () => {
    await admin.call(['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 2mb 0 0']);
    try {
      const clientsBefore = await info('clients', 'connected_clients');
      const memoryBefore = await info('memory', 'used_memory');
      const { socket, closed } = await stalledSubscriber('flood');
      await until('the subscriber', async () => (await info('clients', 'connected_clients')) === clientsBefore + 1);
      const publisher = await RawConnection.connect(server.port, server.host);
      let delivered = 0;
      // 64 MB offered: far past the kernel's socket buffers and the 2 MB limit.
      for (let i = 0; i < 4096; i++) delivered += Number((await publisher.call(['PUBLISH', 'flood', message])).toString('latin1').slice(1, -2));
      await publisher.close();
      await until('the subscriber to be gone', async () => (await info('clients', 'connected_clients')) === clientsBefore);
      // A paused socket notices the close only once it reads again.
      socket.resume();
      await closed;
      assert.ok(delivered < 4096, `the subscriber stopped receiving (${delivered} delivered)`);
      assert.equal((await admin.call(['PUBSUB', 'NUMSUB', 'flood'])).toString('latin1'), '*2\r\n$5\r\nflood\r\n:0\r\n');
      const memoryAfter = await info('memory', 'used_memory');
      assert.ok(memoryAfter - memoryBefore < 32 * 1024 * 1024, `memory grew by ${memoryAfter - memoryBefore} bytes`);
    } finally {
      await admin.call(['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60']);
    }
  });

  it('is cut off once it stays over the soft limit for longer than its seconds, not before', async () => {
    await admin.call(['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 0 1mb 1']);
    try {
      const clientsBefore = await info('clients', 'connected_clients');
      const { socket, closed } = await stalledSubscriber('slow');
      await until('the subscriber', async () => (await info('clients', 'connected_clients')) === clientsBefore + 1);
      const publisher = await RawConnection.connect(server.port, server.host);
      const publishMany = async (n: number): Promise<void> => {
        for (let i = 0; i < n; i++) await publisher.call(['PUBLISH', 'slow', message]);
      };
      await publishMany(1024); // 16 MB: over the soft limit, past the kernel's buffers
      await new Promise((r) => setTimeout(r, 300));
      await publishMany(8);
      // The subscriber and the publisher.
      assert.equal(await info('clients', 'connected_clients'), clientsBefore + 2, 'still connected within the soft seconds');
      await new Promise((r) => setTimeout(r, 1200));
      await publishMany(8);
      await until('the subscriber to be gone', async () => (await info('clients', 'connected_clients')) === clientsBefore + 1);
      socket.resume();
      await closed;
      await publisher.close();
    } finally {
      await admin.call(['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60']);
    }
  });
});
