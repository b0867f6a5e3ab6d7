/**
 * RDB snapshot files between cachica and Debian's redis-server: a dump.rdb Redis saved loads
 * into cachica and one cachica saved loads into Redis, every type in several databases with TTLs,
 * compared key by key; SAVE, LASTSAVE and INFO persistence; DEBUG RELOAD; SHUTDOWN and SIGTERM
 * saving; damaged and truncated files refused at start-up with the offset named, and found by
 * cachica-check-rdb.
 */

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawConnection, type Arg } from '../helpers/raw-connection.js';
import { cachicaServerMain, freePort, startCachica, startRedis, type RunningServer } from '../helpers/servers.js';

const checkRdbMain = path.join(path.dirname(cachicaServerMain()), 'check-rdb-main.js');

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cachica-rdb-'));
  dirs.push(dir);
  return dir;
}

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const text = (b: Buffer): string => b.toString('latin1');
const many = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** Data of every type, small and large, in databases 0 and 5. */
const DATA: Arg[][] = [
  ['SET', 'str', 'hello'],
  ['SET', 'int', '-42'],
  ['SET', 'bin', Buffer.from([0, 1, 2, 255, 13, 10])],
  ['SET', 'compressible', 'abc'.repeat(1000)],
  ['SET', 'ttl', 'soon', 'PX', '500000'],
  ['RPUSH', 'list', 'a', 'b', '3'],
  ['RPUSH', 'biglist', ...many('element-', 3000)],
  ['SADD', 'intset', '1', '-5', '100000'],
  ['SADD', 'set', 'x', 'y'],
  ['SADD', 'bigset', ...many('m', 700)],
  ['HSET', 'hash', 'f', 'v', 'n', '1'],
  ['HSET', 'bighash', ...many('f', 1400)],
  ['ZADD', 'zset', '1', 'a', '-2.5', 'b'],
  ['ZADD', 'bigzset', ...many('z', 300).flatMap((m, i) => [String(i / 3), m])],
  ['PFADD', 'hll', 'a', 'b', 'c'],
  ['XADD', 'stream', '1-1', 'f', 'v'],
  ['XADD', 'stream', '1-2', 'g', 'w'],
  ['XGROUP', 'CREATE', 'stream', 'grp', '0'],
  ['XREADGROUP', 'GROUP', 'grp', 'alice', 'COUNT', '1', 'STREAMS', 'stream', '>'],
  ['SELECT', '5'],
  ['SET', 'in5', 'five'],
  ['HSET', 'h5', 'a', 'b'],
  ['SELECT', '0'],
];

/** What is read back of each key, sorted where the order is the table's. */
const READS: [number, Arg[]][] = [
  [0, ['GET', 'str']],
  [0, ['GET', 'int']],
  [0, ['GET', 'bin']],
  [0, ['GET', 'compressible']],
  [0, ['EXISTS', 'ttl']],
  [0, ['LRANGE', 'list', '0', '-1']],
  [0, ['LRANGE', 'biglist', '0', '-1']],
  [0, ['SMEMBERS', 'intset']],
  [0, ['SMEMBERS', 'set']],
  [0, ['SMEMBERS', 'bigset']],
  [0, ['HGETALL', 'hash']],
  [0, ['HGETALL', 'bighash']],
  [0, ['ZRANGE', 'zset', '0', '-1', 'WITHSCORES']],
  [0, ['ZRANGE', 'bigzset', '0', '-1', 'WITHSCORES']],
  [0, ['GET', 'hll']],
  [0, ['XRANGE', 'stream', '-', '+']],
  [0, ['XINFO', 'GROUPS', 'stream']],
  [0, ['XPENDING', 'stream', 'grp']],
  [0, ['DBSIZE']],
  [5, ['GET', 'in5']],
  [5, ['HGETALL', 'h5']],
  [5, ['DBSIZE']],
];

async function fill(server: RunningServer): Promise<void> {
  const conn = await RawConnection.connect(server.port, server.host);
  for (const cmd of DATA) await conn.call(cmd);
  await conn.close();
}

async function readAll(server: RunningServer): Promise<string[]> {
  const conn = await RawConnection.connect(server.port, server.host);
  const out: string[] = [];
  for (const [db, cmd] of READS) {
    await conn.call(['SELECT', String(db)]);
    out.push(text(await conn.call(cmd)).split('\r\n').sort().join('|'));
  }
  await conn.call(['SELECT', '0']);
  const ttl = Number(text(await conn.call(['PTTL', 'ttl'])).slice(1, -2));
  assert.ok(ttl > 400_000 && ttl <= 500_000, `TTL carried: ${ttl}`);
  await conn.close();
  return out;
}

async function saveAndStop(server: RunningServer): Promise<void> {
  const conn = await RawConnection.connect(server.port, server.host);
  assert.equal(text(await conn.call(['SAVE'])), '+OK\r\n');
  await conn.close();
  await server.stop();
}

describe('RDB snapshots', () => {
  it("loads Redis's dump.rdb, and Redis loads cachica's", async () => {
    const fromRedis = tempDir();
    const fromCachica = tempDir();
    const redis = await startRedis({ args: ['--dir', fromRedis] });
    const cachica = await startCachica({ args: ['--dir', fromCachica] });
    let expected: string[];
    try {
      await fill(redis);
      await fill(cachica);
      expected = await readAll(redis);
      assert.deepEqual(await readAll(cachica), expected);
      await saveAndStop(redis);
      await saveAndStop(cachica);
    } finally {
      await redis.stop();
      await cachica.stop();
    }
    // Each now starts on the other's file.
    const intoCachica = tempDir();
    const intoRedis = tempDir();
    copyFileSync(path.join(fromRedis, 'dump.rdb'), path.join(intoCachica, 'dump.rdb'));
    copyFileSync(path.join(fromCachica, 'dump.rdb'), path.join(intoRedis, 'dump.rdb'));
    const cachica2 = await startCachica({ args: ['--dir', intoCachica] });
    const redis2 = await startRedis({ args: ['--dir', intoRedis] });
    try {
      assert.deepEqual(await readAll(cachica2), expected, "Redis's file in cachica");
      assert.deepEqual(await readAll(redis2), expected, "cachica's file in Redis");
      assert.match(cachica2.logs(), /Done loading RDB, keys loaded: 18, keys expired: 0\./);
      const info = text(await (await RawConnection.connect(cachica2.port, cachica2.host)).call(['INFO', 'persistence']));
      assert.match(info, /rdb_last_load_keys_loaded:18\r\n/);
    } finally {
      await cachica2.stop();
      await redis2.stop();
    }
  });

  it('SAVE, LASTSAVE, INFO persistence, DEBUG RELOAD and SHUTDOWN SAVE', async () => {
    const dir = tempDir();
    const server = await startCachica({ args: ['--dir', dir] });
    const conn = await RawConnection.connect(server.port, server.host);
    try {
      const before = Number(text(await conn.call(['LASTSAVE'])).slice(1, -2));
      await conn.call(['SET', 'a', '1']);
      await conn.call(['RPUSH', 'l', 'x', 'y']);
      assert.match(text(await conn.call(['INFO', 'persistence'])), /rdb_changes_since_last_save:3\r\n/);
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal(text(await conn.call(['SAVE'])), '+OK\r\n');
      assert.ok(existsSync(path.join(dir, 'dump.rdb')));
      const info = text(await conn.call(['INFO', 'persistence']));
      assert.match(info, /rdb_changes_since_last_save:0\r\n/);
      assert.match(info, /rdb_saves:1\r\n/);
      assert.ok(Number(text(await conn.call(['LASTSAVE'])).slice(1, -2)) > before);
      // DEBUG RELOAD: saved, emptied, loaded back.
      await conn.call(['SET', 'b', '2', 'EX', '1000']);
      assert.equal(text(await conn.call(['DEBUG', 'RELOAD'])), '+OK\r\n');
      assert.equal(text(await conn.call(['MGET', 'a', 'b'])), '*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
      assert.equal(text(await conn.call(['LRANGE', 'l', '0', '-1'])), '*2\r\n$1\r\nx\r\n$1\r\ny\r\n');
      assert.ok(Number(text(await conn.call(['TTL', 'b'])).slice(1, -2)) > 990);
      // NOSAVE loads what is on disk: the key set since is gone.
      await conn.call(['SET', 'c', '3']);
      assert.equal(text(await conn.call(['DEBUG', 'RELOAD', 'NOSAVE'])), '+OK\r\n');
      assert.equal(text(await conn.call(['EXISTS', 'c'])), ':0\r\n');
      await conn.call(['SET', 'last', 'words']);
      conn.send(['SHUTDOWN', 'SAVE']);
      await conn.expectClosed(5000);
    } finally {
      await conn.close();
      await server.stop();
    }
    const again = await startCachica({ args: ['--dir', dir] });
    try {
      const c2 = await RawConnection.connect(again.port, again.host);
      assert.equal(text(await c2.call(['GET', 'last'])), '$5\r\nwords\r\n');
      await c2.close();
    } finally {
      await again.stop();
    }
  });

  it('SIGTERM saves when save points are set', async () => {
    const dir = tempDir();
    const server = await startCachica({ args: ['--dir', dir, '--save', '3600 1'] });
    const conn = await RawConnection.connect(server.port, server.host);
    await conn.call(['SET', 'k', 'v']);
    await conn.close();
    await server.stop();
    assert.ok(existsSync(path.join(dir, 'dump.rdb')));
    assert.match(server.logs(), /DB saved on disk/);
  });

  it('loads at start-up while answering: -LOADING, INFO loading_*, then the data', async () => {
    const dir = tempDir();
    const first = await startCachica({ args: ['--dir', dir] });
    const admin = await RawConnection.connect(first.port, first.host);
    await admin.call(['DEBUG', 'POPULATE', '1000000']);
    await saveAndStop(first);
    await admin.close().catch(() => {});
    const port = await freePort();
    const child = spawn(process.execPath, [cachicaServerMain(), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''], { stdio: 'ignore' });
    try {
      let conn: RawConnection | null = null;
      for (let i = 0; i < 500 && conn === null; i++) {
        conn = await RawConnection.connect(port, '127.0.0.1').catch(() => null);
        if (conn === null) await new Promise((r) => setTimeout(r, 10));
      }
      assert.ok(conn !== null, 'the server listens');
      const replies = new Set<string>();
      let sawProgress = false;
      for (;;) {
        const reply = text(await conn.call(['GET', 'key:7']));
        replies.add(reply);
        if (reply !== '-LOADING Redis is loading the dataset in memory\r\n') break;
        const info = text(await conn.call(['INFO', 'persistence']));
        if (/\r\nloading:1\r\n/.test(info) && /\r\nloading_loaded_perc:\d+\.\d\d\r\n/.test(info) && /\r\nloading_total_bytes:\d+\r\n/.test(info)) sawProgress = true;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.deepEqual([...replies], ['-LOADING Redis is loading the dataset in memory\r\n', '$7\r\nvalue:7\r\n']);
      assert.ok(sawProgress, 'INFO showed the load in progress');
      assert.match(text(await conn.call(['INFO', 'persistence'])), /\r\nloading:0\r\n/);
      assert.equal(text(await conn.call(['DBSIZE'])), ':1000000\r\n');
      await conn.close();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses a damaged or truncated file at start-up, naming the offset', async () => {
    const dir = tempDir();
    const server = await startCachica({ args: ['--dir', dir] });
    await fill(server);
    await saveAndStop(server);
    const good = readFileSync(path.join(dir, 'dump.rdb'));
    const cases: [string, Buffer, RegExp][] = [
      ['a flipped byte', Buffer.from(good.map((b, i) => (i === good.length >> 1 ? b ^ 0x20 : b))), /offset \d+/],
      ['a truncated file', good.subarray(0, good.length >> 1), /unexpected end of input at offset \d+|offset \d+/],
      ['a wrong signature', Buffer.concat([Buffer.from('RODIS'), good.subarray(5)]), /Wrong signature/],
    ];
    const check = (file: string) => spawnSync(process.execPath, [checkRdbMain, file], { encoding: 'utf8', timeout: 20_000 });
    const ok = check(path.join(dir, 'dump.rdb'));
    assert.equal(ok.status, 0, ok.stdout);
    assert.match(ok.stdout, /AUX FIELD redis-ver = '7\.2\.4'\n[\s\S]*Selecting DB ID 5\n[\s\S]*Checksum OK\n.*RDB looks OK! \\o\/\n\[info\] 18 keys read\n\[info\] 1 expires\n\[info\] 0 already expired\n$/);
    for (const [name, bytes, message] of cases) {
      const bad = tempDir();
      writeFileSync(path.join(bad, 'dump.rdb'), bytes);
      const run = spawnSync(process.execPath, [cachicaServerMain(), '--port', '0', '--dir', bad, '--save', ''], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(run.status, 1, `${name}: exit status, output ${run.stdout}${run.stderr}`);
      assert.match(run.stdout + run.stderr, message, name);
      // cachica-check-rdb finds the same damage.
      const checked = check(path.join(bad, 'dump.rdb'));
      assert.equal(checked.status, 1, `${name}: cachica-check-rdb ${checked.stdout}`);
      assert.match(checked.stdout, /--- RDB ERROR DETECTED ---\n\[offset \d+\] /, name);
    }
  });
});
