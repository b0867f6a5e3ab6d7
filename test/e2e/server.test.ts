/**
 * End to end through real sockets: cachica-server as it ships (the compiled bin), driven by
 * ioredis, node-redis and raw bytes, including hostile input that must close only the offending
 * client.
 */

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { cachicaServerMain, startCachica, type RunningServer } from '../helpers/servers.js';
import { RawConnection } from '../helpers/raw-connection.js';

let server: RunningServer;

before(async () => {
  server = await startCachica();
});

after(async () => {
  await server.stop();
});

/** Send bytes on a fresh socket and collect everything until the server closes it. */
function sendAndCollect(bytes: Buffer | Buffer[], timeoutMs = 5000): Promise<{ data: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ port: server.port, host: server.host }, () => {
      for (const b of Array.isArray(bytes) ? bytes : [bytes]) socket.write(b);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), closed: false });
    }, timeoutMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(chunks), closed: true });
    });
  });
}

async function assertServerHealthy(): Promise<void> {
  const conn = await RawConnection.connect(server.port, server.host);
  assert.equal((await conn.call(['PING'])).toString(), '+PONG\r\n');
  conn.close();
}

describe('real clients', () => {
  test('ioredis: strings, a 10,000-command pipeline, binary keys and values with every byte', async () => {
    const redis = new Redis({ port: server.port, host: server.host, lazyConnect: true });
    await redis.connect();
    try {
      assert.equal(await redis.set('e2e:a', 'hello'), 'OK');
      assert.equal(await redis.get('e2e:a'), 'hello');
      const pipeline = redis.pipeline();
      for (let i = 0; i < 10000; i++) pipeline.set(`e2e:p:${i}`, String(i));
      for (let i = 0; i < 10000; i++) pipeline.get(`e2e:p:${i}`);
      const results = await pipeline.exec();
      assert.ok(results);
      assert.equal(results.length, 20000);
      assert.deepEqual(results[19999], [null, '9999']);
      for (let b = 0; b < 256; b++) {
        const key = Buffer.from([0x6b, b, 0, 255 - b]);
        const value = Buffer.from([b, 13, 10, b]);
        await redis.set(key, value);
        assert.deepEqual(await redis.getBuffer(key), value, `byte ${b}`);
      }
    } finally {
      redis.disconnect();
    }
  });

  test('node-redis: RESP2 round trip and errors', async () => {
    const client = createClient({ socket: { port: server.port, host: server.host } });
    client.on('error', () => {});
    await client.connect();
    try {
      assert.equal(await client.set('e2e:nr', 'v', { PX: 100000 }), 'OK');
      assert.equal(await client.get('e2e:nr'), 'v');
      await assert.rejects(client.sendCommand(['NOSUCHCOMMAND', 'x']), /unknown command 'NOSUCHCOMMAND'/);
      assert.equal(await client.ping(), 'PONG');
    } finally {
      await client.quit();
    }
  });

  test('redis-cli against cachica: one-shot command prints the value', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn('redis-cli', ['-p', String(server.port), '-h', server.host, 'ECHO', 'hi there']);
      let text = '';
      p.stdout.on('data', (d) => (text += d));
      p.on('error', reject);
      p.on('close', () => resolve(text));
    });
    assert.equal(out, 'hi there\n');
  });
});

describe('raw bytes', () => {
  test('a command split into single bytes with pauses is parsed', async () => {
    const conn = await RawConnection.connect(server.port, server.host);
    const bytes = Buffer.from('*3\r\n$3\r\nSET\r\n$5\r\nsplit\r\n$5\r\nvalue\r\n');
    for (const b of bytes) {
      conn.send(Buffer.from([b]));
      await new Promise((r) => setImmediate(r));
    }
    assert.equal((await conn.readFrame()).toString(), '+OK\r\n');
    assert.equal((await conn.call(['GET', 'split'])).toString(), '$5\r\nvalue\r\n');
    conn.close();
  });

  test('100,000 pipelined PINGs in one write get 100,000 replies in order', async () => {
    const n = 100000;
    const { data } = await sendAndCollect([Buffer.from('PING\r\n'.repeat(n - 1) + 'ECHO last\r\nQUIT\r\n')], 20000);
    const text = data.toString();
    assert.equal(text, '+PONG\r\n'.repeat(n - 1) + '$4\r\nlast\r\n+OK\r\n');
  });

  test('inline commands as telnet sends them', async () => {
    const { data } = await sendAndCollect(Buffer.from('SET inl "a b"\r\nGET inl\nQUIT\r\n'));
    assert.equal(data.toString(), '+OK\r\n$3\r\na b\r\n+OK\r\n');
  });
});

describe('hostile input closes only the offending client', () => {
  test('a protocol error replies after the earlier commands, then closes', async () => {
    const { data, closed } = await sendAndCollect(Buffer.from('PING\r\n*1\r\n$x\r\nPING\r\n'));
    assert.equal(data.toString(), '+PONG\r\n-ERR Protocol error: invalid bulk length\r\n');
    assert.ok(closed);
    await assertServerHealthy();
  });

  test('a huge bulk length is refused at once', async () => {
    const { data, closed } = await sendAndCollect(Buffer.from('*2\r\n$3\r\nGET\r\n$99999999999\r\n'));
    assert.equal(data.toString(), '-ERR Protocol error: invalid bulk length\r\n');
    assert.ok(closed);
    await assertServerHealthy();
  });

  test('fuzzed RESP never crashes the server', async () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const pieces = ['*', '$', '\r\n', '-1', '3', '0', '99', 'SET', 'GET', ':', '+', '"', "'", '\\x', ' ', '\0', '\xff', '*2\r\n$3\r\nSET\r\n'];
    for (let round = 0; round < 60; round++) {
      let s = '';
      const len = 1 + rand(40);
      for (let i = 0; i < len; i++) s += pieces[rand(pieces.length)];
      await sendAndCollect(Buffer.from(s + '\r\n', 'latin1'), 300);
    }
    await assertServerHealthy();
  });

  test('a gigabyte of garbage is cut off after the first 64 KB, without growing memory', async () => {
    const socket = net.connect({ port: server.port, host: server.host });
    const chunk = Buffer.alloc(1024 * 1024, 0x41); // 'A' and no newline: an endless inline request
    let sent = 0;
    let reply = '';
    socket.on('data', (d) => (reply += d.toString()));
    let reset = false;
    socket.on('error', (e: NodeJS.ErrnoException) => (reset ||= e.code === 'ECONNRESET' || e.code === 'EPIPE'));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    const pump = async (): Promise<void> => {
      while (sent < 1024 * 1024 * 1024 && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r).once('close', r));
      }
    };
    await Promise.race([pump(), closed]);
    await closed;
    // The server replies and closes while garbage is still arriving; closing a socket with
    // unread input makes the kernel send a reset, which may discard the reply before this side
    // reads it (Redis's connections do the same). Unless that happened, the reply is Redis's.
    if (!(reset && reply === '')) assert.equal(reply, '-ERR Protocol error: too big inline request\r\n');
    assert.ok(sent < 1024 * 1024 * 1024, `server read ${sent} bytes before closing`);
    await assertServerHealthy();
  });

  test('client-query-buffer-limit closes a client whose pending command grows past it', async () => {
    const admin = await RawConnection.connect(server.port, server.host);
    assert.equal((await admin.call(['CONFIG', 'SET', 'client-query-buffer-limit', '1mb'])).toString(), '+OK\r\n');
    try {
      const head = Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000000\r\n');
      const body = Buffer.alloc(3 * 1024 * 1024, 0x42);
      const { data, closed } = await sendAndCollect([head, body], 5000);
      assert.equal(data.length, 0, 'no reply: the client is just closed');
      assert.ok(closed);
    } finally {
      await admin.call(['CONFIG', 'SET', 'client-query-buffer-limit', '1gb']);
      admin.close();
    }
    await assertServerHealthy();
  });
});

describe('process', () => {
  test('SIGTERM shuts down gracefully', async () => {
    const other = await startCachica();
    const port = other.port;
    const conn = await RawConnection.connect(port);
    conn.close();
    await other.stop();
    assert.match(other.logs(), /Received SIGTERM scheduling shutdown/);
    assert.match(other.logs(), /ready to exit, bye bye/);
  });

  test('an unknown setting refuses to start with a clear message', async () => {
    const result = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const p = spawn(process.execPath, [cachicaServerMain(), '--port', '0', '--no-such-setting', 'x']);
      let err = '';
      p.stderr.on('data', (d) => (err += d));
      p.on('close', (code) => resolve({ code, err }));
    });
    assert.equal(result.code, 1);
    assert.match(result.err, /Bad directive or wrong number of arguments/);
    assert.match(result.err, /no-such-setting/);
  });
});
