/**
 * The append-only file through real sockets: a workload of every type, with the commands whose
 * effects depend on time or chance (SPOP, XADD *, EXPIRE, INCRBYFLOAT, XREADGROUP, ...), replays
 * after SIGKILL to the same dataset; BGREWRITEAOF and CONFIG SET appendonly yes keep it whole;
 * Redis 7.0 loads cachica's AOF directory and cachica loads Redis's; truncated and damaged files
 * are cut back or refused as Redis does; BGSAVE writes a point-in-time snapshot while writes go on.
 */

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { cachicaServerMain, startCachica, startRedis, type RunningServer } from '../helpers/servers.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cachica-aof-'));
  dirs.push(dir);
  return dir;
}

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const AOF_ALWAYS = ['--appendonly', 'yes', '--appendfsync', 'always'];

function connect(server: RunningServer): Redis {
  return new Redis({ port: server.port, host: server.host, lazyConnect: false, maxRetriesPerRequest: 0, enableOfflineQueue: true, commandTimeout: 10_000 });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Cmd = (string | number | Buffer)[];

/** Commands Redis 7.0 and cachica both run; the random and timed ones are rewritten when propagated. */
function portableWorkload(): Cmd[] {
  const members = Array.from({ length: 200 }, (_, i) => `m${i}`);
  return [
    ['SET', 's1', 'v1'],
    ['SET', 's2', 'v2', 'EX', 1000],
    ['SET', 's3', 'v3', 'PX', 5_000_000],
    ['SETEX', 's4', 1000, 'v4'],
    ['PSETEX', 's5', 1_000_000, 'v5'],
    ['GETEX', 's1', 'EX', 500],
    ['GETEX', 's2', 'PERSIST'],
    ['SET', 'gone', 'x'],
    ['EXPIRE', 'gone', 0],
    ['SET', 'e1', 'x'],
    ['EXPIRE', 'e1', 100],
    ['PEXPIRE', 'e1', 200_000, 'GT'],
    ['INCRBYFLOAT', 'f', '1.1'],
    ['INCRBYFLOAT', 'f', '2.25'],
    ['INCRBYFLOAT', 'f', '-0.05'],
    ['INCR', 'n'],
    ['APPEND', 's1', '-more'],
    ['SETRANGE', 's4', 1, 'XYZ'],
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f'],
    ['LPOP', 'l'],
    ['LMOVE', 'l', 'l2', 'LEFT', 'RIGHT'],
    ['LINSERT', 'l', 'BEFORE', 'd', 'dd'],
    ['LSET', 'l', 0, 'first'],
    ['LTRIM', 'l', 0, 3],
    ['SADD', 'bigset', ...members],
    ['SPOP', 'bigset'],
    ['SPOP', 'bigset', 5],
    ['SADD', 'drain', ...members.slice(0, 150)],
    ['SPOP', 'drain', 140],
    ['SADD', 'small', 'a', 'b', 'c', 'd', 'e', 'f', 'g'],
    ['SPOP', 'small', 3],
    ['SADD', 'ints', 1, 2, 3, 4, 5, 6],
    ['SPOP', 'ints', 2],
    ['SMOVE', 'small', 'small2', 'a'],
    ['HSET', 'h', 'f1', 'v1', 'f2', 'v2'],
    ['HINCRBYFLOAT', 'h', 'f3', '0.1'],
    ['HINCRBYFLOAT', 'h', 'f3', '0.2'],
    ['HINCRBY', 'h', 'n', 7],
    ['HDEL', 'h', 'f2'],
    ['HSET', 'bighash', ...members.flatMap((m) => [m, 'x'.repeat(70)]).slice(0, 1200)],
    ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c'],
    ['ZINCRBY', 'z', '1.5', 'a'],
    ['ZPOPMIN', 'z'],
    ['ZADD', 'z2', 10, 'b', 20, 'x'],
    ['ZADD', 'zinf', 'inf', 'a', '-inf', 'b', '0.1', 'c'],
    ['ZUNIONSTORE', 'zu', 2, 'z', 'z2', 'WEIGHTS', 2, 3],
    ['XADD', 'x', '1-*', 'f', 'v0'],
    ['XADD', 'x', '*', 'f', 'v1'],
    ['XADD', 'x', '*', 'f', 'v2'],
    ['XADD', 'x', '*', 'f', 'v3'],
    ['XADD', 'x', '*', 'f', 'v5'],
    ['XGROUP', 'CREATE', 'x', 'g', '0'],
    ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', 2, 'STREAMS', 'x', '>'],
    ['XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', 1, 'STREAMS', 'x', '>'],
    ['XREADGROUP', 'GROUP', 'g', 'carol', 'NOACK', 'COUNT', 1, 'STREAMS', 'x', '>'],
    ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 'x', '0'],
    ['XAUTOCLAIM', 'x', 'g', 'dave', 0, '0-0', 'COUNT', 1],
    ['XGROUP', 'CREATECONSUMER', 'x', 'g', 'erin'],
    ['XADD', 'x', 'MAXLEN', '~', 2, '*', 'f', 'v6'],
    ['XADD', 'x2', '*', 'a', 1],
    ['XTRIM', 'x2', 'MAXLEN', 0],
    ['PFADD', 'hll', 'a', 'b', 'c'],
    ['SETBIT', 'bm', 100, 1],
    ['BITFIELD', 'bf', 'INCRBY', 'u8', 0, 200, 'INCRBY', 'u8', 0, 100],
    ['GEOADD', 'geo', '13.361389', '38.115556', 'Palermo'],
    ['SORT', 'l', 'ALPHA', 'STORE', 'sorted'],
    ['RENAME', 's3', 's3r'],
    ['DEL', 's5'],
    ['COPY', 's1', 's1copy', 'DB', 3],
    ['SELECT', 3],
    ['SET', 'in3', 'three', 'PX', 9_000_000],
    ['MOVE', 'in3', 0],
    ['SET', 'stay3', 'x'],
    ['SELECT', 5],
    ['SET', 'flushme', 'x'],
    ['FLUSHDB'],
    ['SELECT', 0],
  ];
}

/** cachica only: Redis 7.4's hash field expiry (the 7.0 oracle has no HPEXPIREAT). */
const FIELD_EXPIRY: Cmd[] = [
  ['HSET', 'hx', 'a', '1', 'b', '2', 'c', '3'],
  ['HEXPIRE', 'hx', 1000, 'FIELDS', 1, 'a'],
  ['HPEXPIRE', 'hx', 5_000_000, 'NX', 'FIELDS', 2, 'b', 'zz'],
  ['HEXPIRE', 'hx', 0, 'FIELDS', 1, 'c'],
];

async function run(conn: Redis, cmds: Cmd[]): Promise<void> {
  for (const [name, ...args] of cmds) await conn.call(String(name), ...args);
}

/** The data a transaction, a served blocked client and an expiry write. */
async function runConcurrent(server: RunningServer, conn: Redis): Promise<void> {
  const multi = conn.multi();
  multi.set('m1', '1').incr('m1').lpush('ml', 'x', 'y');
  await multi.exec();
  const waiter = connect(server);
  const popped = waiter.blpop('bl', 0);
  await sleep(50);
  await conn.rpush('bl', 'p', 'q');
  assert.deepEqual(await popped, ['bl', 'p']);
  waiter.disconnect();
  await conn.set('short', 'x', 'PX', 20);
  await sleep(250); // the active expiry deletes it: a DEL goes into the AOF
}

/** Every key of databases 0 and 3, read the same way on any server (stream times masked). */
async function fingerprint(conn: Redis, withEncodings: boolean): Promise<string[]> {
  const out: string[] = [];
  for (const db of [0, 3, 5]) {
    await conn.select(db);
    const keys = ((await conn.keys('*')) as string[]).sort();
    for (const key of keys) {
      const type = await conn.type(key);
      let value: unknown;
      if (type === 'string') value = await conn.get(key);
      else if (type === 'list') value = await conn.lrange(key, 0, -1);
      else if (type === 'set') value = ((await conn.smembers(key)) as string[]).sort();
      else if (type === 'hash') value = Object.entries(await conn.hgetall(key)).sort();
      else if (type === 'zset') value = await conn.zrange(key, 0, -1, 'WITHSCORES');
      else value = maskStreamTimes(await conn.call('XINFO', 'STREAM', key, 'FULL'));
      const expire = await conn.call('PEXPIRETIME', key);
      const encoding = withEncodings ? await conn.call('OBJECT', 'ENCODING', key) : '';
      out.push(`${db} ${key} ${type} ${encoding} ${expire} ${JSON.stringify(value)}`);
      if (key === 'hx') out.push(`hx fields ${JSON.stringify(await conn.call('HPEXPIRETIME', 'hx', 'FIELDS', 3, 'a', 'b', 'c'))}`);
    }
  }
  await conn.select(0);
  return out;
}

/**
 * A consumer's seen-time says when a replay ran, not what it holds; active-time likewise, and
 * Redis 7.0 does not report it at all.
 */
function maskStreamTimes(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  const out: unknown[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === 'seen-time' && i + 1 < v.length) {
      out.push(v[i], '*');
      i++;
    } else if (v[i] === 'active-time' && i + 1 < v.length) i++;
    else out.push(maskStreamTimes(v[i]));
  }
  return out;
}

/** Every kind of write: the portable workload, field expiry, a transaction, a blocked client. */
async function runWorkload(server: RunningServer, conn: Redis): Promise<void> {
  await run(conn, portableWorkload());
  await run(conn, FIELD_EXPIRY);
  await runConcurrent(server, conn);
}

/** Start cachica with `args`, run `fn` on a connection, then SIGKILL it: what it saw comes back. */
async function untilCrash<T>(args: string[], fn: (server: RunningServer, conn: Redis) => Promise<T>): Promise<T> {
  const server = await startCachica({ args });
  const conn = connect(server);
  try {
    return await fn(server, conn);
  } finally {
    conn.disconnect();
    await server.kill();
  }
}

/** Start on the same files, after a crash: the dataset must read as `before`. */
async function restartAndCompare(args: string[], before: string[]): Promise<void> {
  const server = await startCachica({ args });
  const conn = connect(server);
  try {
    assert.deepEqual(await fingerprint(conn, false), before);
  } finally {
    conn.disconnect();
    await server.stop();
  }
}

async function waitFor(conn: Redis, field: string, value: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const info = (await conn.info('persistence')) as string;
    if (info.includes(`\r\n${field}:${value}\r\n`)) return;
    await sleep(25);
  }
  assert.fail(`INFO persistence never showed ${field}:${value}`);
}

describe('AOF', () => {
  it('replays every type after SIGKILL, and again after BGREWRITEAOF', async () => {
    const dir = tempDir();
    const args = ['--dir', dir, ...AOF_ALWAYS];
    let before = await untilCrash(args, async (server, conn) => {
      await runWorkload(server, conn);
      const seen = await fingerprint(conn, true);
      assert.ok(seen.length > 30, `a full workload: ${seen.length} keys`);
      assert.ok(!seen.some((l) => l.includes(' short ')), 'the short-lived key expired');
      return seen;
    });
    before = await untilCrash(args, async (server, conn) => {
      assert.deepEqual(await fingerprint(conn, true), before);
      assert.match(server.logs(), /DB loaded from append only file/);
      // A rewrite: one base and one incremental file remain, the older ones deleted.
      assert.equal(await conn.bgrewriteaof(), 'Background append only file rewriting started');
      await waitFor(conn, 'aof_rewrite_in_progress', '0');
      await conn.set('after-rewrite', 'yes');
      await conn.spop('bigset');
      const files = readdirSync(path.join(dir, 'appendonlydir')).sort();
      assert.deepEqual(files, ['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
      assert.equal(
        readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'utf8'),
        'file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n',
      );
      const info = (await conn.info('persistence')) as string;
      assert.match(info, /aof_enabled:1\r\n/);
      assert.match(info, /aof_rewrites:1\r\n/);
      assert.match(info, /aof_last_bgrewrite_status:ok\r\n/);
      // Values loaded from the RDB base take the encodings a load gives (embstr, listpack).
      return fingerprint(conn, false);
    });
    await restartAndCompare(args, before);
  });

  it('with aof-use-rdb-preamble no, a rewrite writes the dataset as commands that replay to it', async () => {
    const dir = tempDir();
    const args = ['--dir', dir, ...AOF_ALWAYS, '--aof-use-rdb-preamble', 'no'];
    const before = await untilCrash(args, async (server, conn) => {
      await runWorkload(server, conn);
      await conn.xadd('emptied', '5-5', 'f', 'v');
      await conn.xdel('emptied', '5-5');
      await conn.rpush('biglist', ...Array.from({ length: 300 }, (_, i) => `e${i}`));
      assert.equal(await conn.bgrewriteaof(), 'Background append only file rewriting started');
      await waitFor(conn, 'aof_rewrite_in_progress', '0');
      const base = readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.2.base.aof'), 'latin1');
      assert.ok(base.startsWith('*2\r\n$6\r\nSELECT\r\n'), 'a base of commands');
      assert.match(base, /XSETID\r\n\$7\r\nemptied\r\n\$3\r\n5-5\r\n/);
      return fingerprint(conn, false);
    });
    await restartAndCompare(args, before);
  });

  it('auto-aof-rewrite-percentage and -min-size start a rewrite as the files grow', async () => {
    const dir = tempDir();
    const server = await startCachica({ args: ['--dir', dir, '--appendonly', 'yes', '--auto-aof-rewrite-min-size', '100kb', '--auto-aof-rewrite-percentage', '50'] });
    const conn = connect(server);
    try {
      for (let i = 0; i < 40; i++) await conn.set(`k${i % 5}`, 'x'.repeat(4096));
      await waitFor(conn, 'aof_rewrites', '1');
      await waitFor(conn, 'aof_rewrite_in_progress', '0');
      assert.match(server.logs(), /Starting automatic rewriting of AOF on \d+% growth/);
      // Five keys remain: the new base is far smaller than the 160 KB that were written.
      const info = (await conn.info('persistence')) as string;
      assert.ok(Number(/aof_current_size:(\d+)/.exec(info)?.[1]) < 100_000, info);
    } finally {
      conn.disconnect();
      await server.stop();
    }
  });

  it('CONFIG SET appendonly yes writes the dataset as the first base, and later writes follow it', async () => {
    const dir = tempDir();
    let server = await startCachica({ args: ['--dir', dir] });
    let conn = connect(server);
    let before: string[];
    try {
      await run(conn, portableWorkload());
      assert.equal(await conn.config('SET', 'appendonly', 'yes'), 'OK');
      await waitFor(conn, 'aof_rewrite_in_progress', '0');
      await conn.set('later', 'x');
      await conn.incrbyfloat('f', '10');
      // Values loaded from the RDB base take the encodings a load gives (embstr, listpack).
      before = await fingerprint(conn, false);
      await server.kill();
    } finally {
      conn.disconnect();
    }
    server = await startCachica({ args: ['--dir', dir, '--appendonly', 'yes'] });
    conn = connect(server);
    try {
      assert.deepEqual(await fingerprint(conn, false), before);
      assert.equal(await conn.config('SET', 'appendonly', 'no'), 'OK');
      assert.match((await conn.info('persistence')) as string, /aof_enabled:0\r\n/);
    } finally {
      conn.disconnect();
      await server.stop();
    }
  });

  it("Redis 7.0 loads cachica's AOF directory, and cachica loads Redis's", async () => {
    const ours = tempDir();
    const theirs = tempDir();
    const cachica = await startCachica({ args: ['--dir', ours, ...AOF_ALWAYS] });
    const redis = await startRedis({ args: ['--dir', theirs, ...AOF_ALWAYS] });
    const c1 = connect(cachica);
    const r1 = connect(redis);
    let fromCachica: string[];
    let fromRedis: string[];
    try {
      await run(c1, portableWorkload());
      await runConcurrent(cachica, c1);
      await run(r1, portableWorkload());
      await runConcurrent(redis, r1);
      fromCachica = await fingerprint(c1, false);
      await cachica.kill();
      await redis.kill();
    } finally {
      c1.disconnect();
      r1.disconnect();
    }
    // What Redis's own replay of its files gives: Redis 7.0 does not propagate every change
    // (a consumer's history read keeps its new delivery count only in memory).
    const redisReplay = await startRedis({ args: ['--dir', theirs, '--appendonly', 'yes'] });
    const r3 = connect(redisReplay);
    try {
      fromRedis = await fingerprint(r3, false);
    } finally {
      r3.disconnect();
      await redisReplay.kill();
    }
    // Each starts on the other's directory.
    const intoRedis = tempDir();
    const intoCachica = tempDir();
    cpSync(path.join(ours, 'appendonlydir'), path.join(intoRedis, 'appendonlydir'), { recursive: true });
    cpSync(path.join(theirs, 'appendonlydir'), path.join(intoCachica, 'appendonlydir'), { recursive: true });
    const redis2 = await startRedis({ args: ['--dir', intoRedis, '--appendonly', 'yes'] });
    const cachica2 = await startCachica({ args: ['--dir', intoCachica, '--appendonly', 'yes'] });
    const r2 = connect(redis2);
    const c2 = connect(cachica2);
    try {
      assert.deepEqual(await fingerprint(r2, false), fromCachica, "cachica's AOF in Redis");
      assert.deepEqual(await fingerprint(c2, false), fromRedis, "Redis's AOF in cachica");
    } finally {
      r2.disconnect();
      c2.disconnect();
      await redis2.stop();
      await cachica2.stop();
    }
  });

  it('keeps every acknowledged write with appendfsync always, through 20 SIGKILLs', async () => {
    const dir = tempDir();
    const args = ['--dir', dir, ...AOF_ALWAYS];
    let acked = 0;
    for (let round = 0; round < 20; round++) {
      const server = await startCachica({ args });
      const conn = connect(server);
      conn.on('error', () => undefined);
      const present = Number(await conn.llen('log'));
      assert.ok(present >= acked, `round ${round}: ${present} entries after restart, ${acked} acknowledged`);
      assert.equal(Number(await conn.get('counter')), present, 'the counter and the log agree (one MULTI each)');
      acked = present;
      // Writers keep 8 transactions in flight; the kill comes at a random moment among them.
      let stop = false;
      const writer = async (): Promise<void> => {
        while (!stop) {
          const n = acked + 1;
          try {
            await conn.multi().rpush('log', String(n)).incr('counter').exec();
          } catch {
            return;
          }
          if (!stop) acked = Math.max(acked, n);
        }
      };
      const writers = Array.from({ length: 8 }, writer);
      await sleep(20 + Math.floor(Math.random() * 150));
      await server.kill();
      stop = true;
      await Promise.all(writers);
      conn.disconnect();
    }
    assert.ok(acked > 100, `writes were acknowledged between the kills: ${acked}`);
  });

  it('a truncated tail is cut back with aof-load-truncated yes, refused with no; damage is refused', async () => {
    const dir = tempDir();
    const args = ['--dir', dir, ...AOF_ALWAYS];
    let server = await startCachica({ args });
    let conn = connect(server);
    await conn.set('a', '1');
    await conn.set('b', '2');
    conn.disconnect();
    await server.kill();
    const incr = path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    const whole = statSync(incr).size;
    // Half a command, then an unfinished MULTI: both go.
    appendFileSync(incr, '*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1');
    const refused = spawnSync(process.execPath, [cachicaServerMain(), '--port', '0', ...args, '--aof-load-truncated', 'no', '--save', ''], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(refused.status, 1);
    assert.match(refused.stdout + refused.stderr, new RegExp(`Unexpected end of file reading the append only file appendonly\\.aof\\.1\\.incr\\.aof \\(the last whole command ends at offset ${whole}\\)`));
    server = await startCachica({ args });
    conn = connect(server);
    try {
      assert.equal(await conn.get('b'), '2');
      assert.equal(await conn.exists('c'), 0);
      assert.match(server.logs(), /Truncating the AOF appendonly\.aof\.1\.incr\.aof at offset \d+/);
      await conn.set('d', '4');
    } finally {
      conn.disconnect();
      await server.kill();
    }
    assert.ok(statSync(incr).size > whole, 'the file was cut back, then written after');
    appendFileSync(incr, '*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\ne\r\n$1\r\n5\r\n');
    server = await startCachica({ args });
    conn = connect(server);
    try {
      assert.equal(await conn.get('d'), '4');
      assert.equal(await conn.exists('e'), 0, 'an unfinished MULTI is reverted');
      assert.match(server.logs(), /Revert incomplete MULTI\/EXEC transaction/);
    } finally {
      conn.disconnect();
      await server.kill();
    }
    writeFileSync(incr, Buffer.concat([readFileSync(incr), Buffer.from('garbage\r\n')]));
    const bad = spawnSync(process.execPath, [cachicaServerMain(), '--port', '0', ...args, '--save', ''], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(bad.status, 1);
    assert.match(bad.stdout + bad.stderr, /Bad file format reading the append only file appendonly\.aof\.1\.incr\.aof \(at offset \d+\)/);
    const unknown = tempDir();
    cpSync(path.join(dir, 'appendonlydir'), path.join(unknown, 'appendonlydir'), { recursive: true });
    writeFileSync(path.join(unknown, 'appendonlydir', 'appendonly.aof.1.incr.aof'), '*1\r\n$6\r\nNOSUCH\r\n');
    const unknownRun = spawnSync(process.execPath, [cachicaServerMain(), '--port', '0', '--dir', unknown, '--appendonly', 'yes', '--save', ''], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(unknownRun.status, 1);
    assert.match(unknownRun.stdout + unknownRun.stderr, /Unknown command 'NOSUCH' reading the append only file/);
  });
});

describe('cachica-check-aof', () => {
  const checkAof = path.join(path.dirname(cachicaServerMain()), 'check-aof-main.js');
  const check = (args: string[], input = ''): { status: number | null; out: string } => {
    const r = spawnSync(process.execPath, [checkAof, ...args], { encoding: 'utf8', input, timeout: 20_000 });
    return { status: r.status, out: r.stdout + r.stderr };
  };

  it('checks every file of the manifest, and --fix cuts a damaged tail', async () => {
    const dir = tempDir();
    const server = await startCachica({ args: ['--dir', dir, ...AOF_ALWAYS] });
    const conn = connect(server);
    await conn.rpush('l', 'a', 'b');
    await conn.multi().set('x', '1').incr('x').exec();
    conn.disconnect();
    await server.kill();
    const manifest = path.join(dir, 'appendonlydir', 'appendonly.aof.manifest');
    const incr = path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof');
    const good = check([manifest]);
    assert.equal(good.status, 0, good.out);
    assert.match(good.out, /BASE AOF appendonly\.aof\.1\.base\.rdb is valid/);
    assert.match(good.out, /INCR AOF appendonly\.aof\.1\.incr\.aof is valid/);
    assert.match(good.out, /All AOF files and manifest are valid/);
    const whole = statSync(incr).size;
    appendFileSync(incr, '*2\r\n$3\r\nDEL\r\n$1');
    const bad = check([manifest]);
    assert.equal(bad.status, 1);
    assert.match(bad.out, new RegExp(`ok_up_to=${whole}, ok_up_to_line=\\d+, diff=15`));
    assert.match(bad.out, /is not valid\. Use the --fix option to try fixing it\./);
    const refused = check(['--fix', manifest], 'n\n');
    assert.equal(refused.status, 1);
    assert.equal(statSync(incr).size, whole + 15, 'nothing cut without a yes');
    const fixed = check(['--fix', manifest], 'y\n');
    assert.equal(fixed.status, 0, fixed.out);
    assert.match(fixed.out, /Successfully truncated AOF appendonly\.aof\.1\.incr\.aof/);
    assert.equal(statSync(incr).size, whole);
    assert.equal(check([manifest]).status, 0);
    // A file that is not the last cannot be fixed by truncation.
    const single = path.join(dir, 'single.aof');
    writeFileSync(single, '*1\r\n$5\r\nMULTI\r\n*1\r\n$4\r\nPING\r\n');
    const open = check([single]);
    assert.equal(open.status, 1);
    assert.match(open.out, /Reached EOF before reading EXEC for MULTI/);
  });
});

describe('BGSAVE', () => {
  it('writes the dataset as it was when it began, while writes go on', async () => {
    const dir = tempDir();
    const server = await startCachica({ args: ['--dir', dir] });
    const conn = connect(server);
    try {
      await conn.call('DEBUG', 'POPULATE', 200_000, 'k', 64);
      await conn.rpush('list', 'a', 'b');
      assert.equal(await conn.bgsave(), 'Background saving started');
      await assert.rejects(conn.bgsave(), /Background save already in progress/);
      await assert.rejects(conn.save(), /Background save already in progress/);
      // Changes after the start: none of them may be in the file.
      await conn.set('k:0', 'changed');
      await conn.del('k:1');
      await conn.set('new-key', 'x');
      await conn.rpush('list', 'c');
      await conn.rename('k:2', 'renamed');
      await conn.call('MOVE', 'k:3', 4);
      await waitFor(conn, 'rdb_bgsave_in_progress', '0');
      const info = (await conn.info('persistence')) as string;
      assert.match(info, /rdb_last_bgsave_status:ok\r\n/);
      assert.match(info, /rdb_saves:1\r\n/);
    } finally {
      conn.disconnect();
      await server.stop();
    }
    const again = await startCachica({ args: ['--dir', dir] });
    const check = connect(again);
    try {
      assert.equal(await check.dbsize(), 200_001);
      assert.equal((await check.get('k:0'))?.slice(0, 7), 'value:0');
      assert.equal(await check.exists('k:1', 'k:2', 'k:3'), 3);
      assert.equal(await check.exists('new-key', 'renamed'), 0);
      assert.deepEqual(await check.lrange('list', 0, -1), ['a', 'b']);
    } finally {
      check.disconnect();
      await again.stop();
    }
  });

  it('save points start a BGSAVE from the cron; BGSAVE SCHEDULE waits behind a rewrite', async () => {
    const dir = tempDir();
    const server = await startCachica({ args: ['--dir', dir, '--save', '1 3'] });
    const conn = connect(server);
    try {
      await conn.mset('a', '1', 'b', '2', 'c', '3');
      await sleep(2100);
      await waitFor(conn, 'rdb_changes_since_last_save', '0');
      assert.ok(existsSync(path.join(dir, 'dump.rdb')));
      assert.match(server.logs(), /3 changes in 1 seconds\. Saving\.\.\./);
      await conn.call('DEBUG', 'POPULATE', 100_000);
      assert.equal(await conn.config('SET', 'appendonly', 'yes'), 'OK');
      const during = (await conn.info('persistence')) as string;
      if (during.includes('aof_rewrite_in_progress:1')) {
        await assert.rejects(conn.bgsave(), /Another child process is active \(AOF\?\): can't BGSAVE right now/);
        assert.equal(await conn.call('BGSAVE', 'SCHEDULE'), 'Background saving scheduled');
      }
      await assert.rejects(conn.call('BGSAVE', 'NOW'), /syntax error/);
      await waitFor(conn, 'aof_rewrite_in_progress', '0');
      await waitFor(conn, 'rdb_bgsave_in_progress', '0');
    } finally {
      conn.disconnect();
      await server.stop();
    }
  });
});
