/**
 * Streams through real sockets where the differential bed cannot reach: Redis 7.2's behaviours
 * that the 7.0 oracle lacks (a blocked XREADGROUP woken with NOGROUP when its key or group goes,
 * `$` fixed to the ID it stood for when the client blocked), several clients blocked on one
 * stream served in order, and a consumer-group workflow through ioredis.
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

async function connect(): Promise<RawConnection> {
  const conn = await RawConnection.connect(server.port, server.host);
  open.push(conn);
  return conn;
}

const text = (reply: Buffer): string => reply.toString('latin1');

async function blockedClients(n: number): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const m = /blocked_clients:(\d+)/.exec(text(await admin.call(['INFO', 'clients'])));
    assert.ok(m);
    if (Number(m[1]) === n) return;
    assert.ok(Date.now() < deadline, `expected ${n} blocked clients, the server has ${m[1]}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('blocking stream reads', () => {
  it('wakes a blocked XREADGROUP with NOGROUP when its key is deleted (7.2)', async () => {
    await admin.call(['FLUSHALL']);
    await admin.call(['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM']);
    const reader = await connect();
    reader.send(['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>']);
    await blockedClients(1);
    assert.equal(text(await admin.call(['DEL', 's'])), ':1\r\n');
    assert.equal(
      text(await reader.readFrame()),
      "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n",
    );
    await blockedClients(0);
  });

  it('wakes it when its group is destroyed, and when the key becomes another type', async () => {
    await admin.call(['FLUSHALL']);
    await admin.call(['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM']);
    const a = await connect();
    a.send(['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>']);
    await blockedClients(1);
    assert.equal(text(await admin.call(['XGROUP', 'DESTROY', 's', 'g'])), ':1\r\n');
    assert.match(text(await a.readFrame()), /^-NOGROUP No such key 's' or consumer group 'g'/);

    await admin.call(['XGROUP', 'CREATE', 's', 'g', '$']);
    a.send(['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>']);
    await blockedClients(1);
    assert.equal(text(await admin.call(['SET', 's', 'now a string'])), '+OK\r\n');
    assert.match(text(await a.readFrame()), /^-WRONGTYPE/);
    await blockedClients(0);
  });

  it('wakes it on FLUSHDB and FLUSHALL, and on a SWAPDB that takes the stream away or puts a list there', async () => {
    for (const flush of [['FLUSHDB'], ['FLUSHALL'], ['FLUSHALL', 'ASYNC']]) {
      await admin.call(['FLUSHALL']);
      await admin.call(['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM']);
      const reader = await connect();
      reader.send(['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>']);
      await blockedClients(1);
      assert.equal(text(await admin.call(flush)), '+OK\r\n');
      assert.match(text(await reader.readFrame()), /^-NOGROUP No such key 's' or consumer group 'g'/, flush.join(' '));
      await blockedClients(0);
    }
    for (const [other, expected] of [[null, /^-NOGROUP/], [['LPUSH', 's', 'e1'], /^-WRONGTYPE/]] as const) {
      await admin.call(['FLUSHALL']);
      if (other !== null) {
        await admin.call(['SELECT', '4']);
        await admin.call(other);
        await admin.call(['SELECT', '0']);
      }
      await admin.call(['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM']);
      const reader = await connect();
      reader.send(['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>']);
      await blockedClients(1);
      assert.equal(text(await admin.call(['SWAPDB', '4', '0'])), '+OK\r\n');
      assert.match(text(await reader.readFrame()), expected);
      await blockedClients(0);
    }
    // A plain XREAD stays blocked through a flush: it waits for data, not for a group.
    const plain = await connect();
    await admin.call(['FLUSHALL']);
    await admin.call(['XADD', 's', '1-1', 'f', 'v']);
    plain.send(['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$']);
    await blockedClients(1);
    await admin.call(['FLUSHALL']);
    assert.equal(await plain.tryReadFrame(100), null);
    await admin.call(['XADD', 's', '2-1', 'f', 'v']);
    assert.match(text(await plain.readFrame()), /2-1/);
    await admin.call(['FLUSHALL']);
  });

  it('counts keys with XREADGROUP waiters in INFO total_blocking_keys_on_nokey', async () => {
    const info = async (field: string): Promise<string | undefined> =>
      new RegExp(`${field}:(\\d+)`).exec(text(await admin.call(['INFO', 'clients'])))?.[1];
    await admin.call(['FLUSHALL']);
    const list = await connect();
    list.send(['BLPOP', 's', '0']);
    await blockedClients(1);
    assert.deepEqual([await info('total_blocking_keys'), await info('total_blocking_keys_on_nokey')], ['1', '0']);
    await admin.call(['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM']);
    const group = await connect();
    group.send(['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>']);
    await blockedClients(2);
    assert.deepEqual([await info('total_blocking_keys'), await info('total_blocking_keys_on_nokey')], ['1', '1']);
    await admin.call(['DEL', 's']);
    assert.match(text(await group.readFrame()), /^-NOGROUP/);
    await blockedClients(1);
    assert.deepEqual([await info('total_blocking_keys'), await info('total_blocking_keys_on_nokey')], ['1', '0']);
    await admin.call(['RPUSH', 's', 'x']);
    assert.equal(text(await list.readFrame()), '*2\r\n$1\r\ns\r\n$1\r\nx\r\n');
    await blockedClients(0);
    assert.deepEqual([await info('total_blocking_keys'), await info('total_blocking_keys_on_nokey')], ['0', '0']);
  });

  it('keeps a plain XREAD blocked when its key is deleted, and serves it once the stream returns', async () => {
    await admin.call(['FLUSHALL']);
    await admin.call(['XADD', 's', '5-0', 'a', '1']);
    const reader = await connect();
    reader.send(['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$']);
    await blockedClients(1);
    await admin.call(['DEL', 's']);
    await admin.call(['XADD', 's', '3-0', 'old', 'id']);
    // `$` meant 5-0 when the client blocked: 3-0 is not news to it.
    await blockedClients(1);
    await admin.call(['XADD', 's', '6-0', 'new', 'id']);
    assert.equal(text(await reader.readFrame()), '*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n6-0\r\n*2\r\n$3\r\nnew\r\n$2\r\nid\r\n');
    await blockedClients(0);
  });

  it('serves several blocked group readers one entry each, in the order they blocked', async () => {
    await admin.call(['FLUSHALL']);
    await admin.call(['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM']);
    const readers = [await connect(), await connect(), await connect()];
    for (const [i, r] of readers.entries()) {
      r.send(['XREADGROUP', 'GROUP', 'g', `c${i}`, 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 's', '>']);
      await blockedClients(i + 1);
    }
    // One XADD of two entries in a MULTI: the first two readers get one each, the third waits.
    await admin.call(['MULTI']);
    await admin.call(['XADD', 's', '1-0', 'n', '1']);
    await admin.call(['XADD', 's', '2-0', 'n', '2']);
    await admin.call(['EXEC']);
    assert.match(text(await readers[0].readFrame()), /\$3\r\n1-0\r\n/);
    assert.match(text(await readers[1].readFrame()), /\$3\r\n2-0\r\n/);
    await blockedClients(1);
    await admin.call(['XADD', 's', '3-0', 'n', '3']);
    assert.match(text(await readers[2].readFrame()), /\$3\r\n3-0\r\n/);
    const pending = text(await admin.call(['XPENDING', 's', 'g']));
    assert.equal(pending, '*4\r\n:3\r\n$3\r\n1-0\r\n$3\r\n3-0\r\n*3\r\n*2\r\n$2\r\nc0\r\n$1\r\n1\r\n*2\r\n$2\r\nc1\r\n$1\r\n1\r\n*2\r\n$2\r\nc2\r\n$1\r\n1\r\n');
  });

  it('times out a BLOCK in milliseconds with a null reply', async () => {
    await admin.call(['FLUSHALL']);
    const reader = await connect();
    const t0 = Date.now();
    assert.equal(text(await reader.call(['XREAD', 'BLOCK', '50', 'STREAMS', 's', '$'])), '*-1\r\n');
    const waited = Date.now() - t0;
    assert.ok(waited >= 45 && waited < 1000, `waited ${waited} ms`);
  });
});

describe('a consumer group through ioredis', () => {
  it('produces, consumes, acknowledges and claims as a worker pool would', async () => {
    const client = new Redis({ port: server.port, host: server.host, lazyConnect: true });
    await client.connect();
    try {
      await client.flushall();
      await client.xgroup('CREATE', 'jobs', 'workers', '$', 'MKSTREAM');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await client.xadd('jobs', '*', 'job', String(i))) as string);
      assert.equal(await client.xlen('jobs'), 5);
      const batch = (await client.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', '3', 'STREAMS', 'jobs', '>')) as [string, [string, string[]][]][];
      assert.deepEqual(
        batch[0][1].map(([, fields]) => fields[1]),
        ['0', '1', '2'],
      );
      assert.equal(await client.xack('jobs', 'workers', ids[0], ids[1]), 2);
      const claimed = (await client.xautoclaim('jobs', 'workers', 'w2', 0, '0', 'COUNT', 10)) as [string, [string, string[]][], string[]];
      assert.equal(claimed[0], '0-0');
      assert.deepEqual(
        claimed[1].map(([id]) => id),
        [ids[2]],
      );
      const summary = (await client.xpending('jobs', 'workers')) as [number, string, string, [string, string][]];
      assert.deepEqual(summary, [1, ids[2], ids[2], [['w2', '1']]]);
      const groups = (await client.xinfo('GROUPS', 'jobs')) as unknown[][];
      assert.deepEqual(groups[0].slice(0, 2), ['name', 'workers']);
      assert.deepEqual(groups[0].slice(8), ['entries-read', 3, 'lag', 2]);
    } finally {
      client.disconnect();
    }
  });
});
