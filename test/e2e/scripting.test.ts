/**
 * Scripts over sockets: a script past busy-reply-threshold goes on between events while other
 * clients get -BUSY, SCRIPT KILL and FUNCTION KILL stop read-only ones, SHUTDOWN NOSAVE is the
 * way out after writes; a script's writes reach the AOF as their effects, so they survive a
 * crash.
 */

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startCachica, startRedis } from '../helpers/servers.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('scripts over sockets', () => {
  /** A connection of its own for `fn`, closed after. */
  const withClient = async <T>(port: number, fn: (c: Redis) => Promise<T>): Promise<T> => {
    // No ready check: its INFO would get -BUSY while a script is busy.
    const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, enableReadyCheck: false });
    try {
      return await fn(c);
    } finally {
      c.disconnect();
    }
  };

  it('past busy-reply-threshold others get -BUSY; SCRIPT KILL stops a read-only script, whose caller goes on', async () => {
    const server = await startCachica();
    const conn = new Redis({ port: server.port, host: server.host, maxRetriesPerRequest: 0 });
    const other = new Redis({ port: server.port, host: server.host, maxRetriesPerRequest: 0 });
    try {
      assert.equal(await conn.config('SET', 'lua-time-limit', '100'), 'OK');
      await other.rpush('waiting-list', 'x');
      // The script's caller sends more behind it: those run once the script is over.
      const script = conn.eval('local i = 0 while true do i = i + 1 end', 0).catch((e: Error) => e);
      const behind = conn.get('waiting-list').catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 300));
      await assert.rejects(other.ping(), /^ReplyError: BUSY Redis is busy running a script\. You can only call SCRIPT KILL or SHUTDOWN NOSAVE\.$/);
      await assert.rejects(other.get('k'), /BUSY/);
      await assert.rejects(other.call('FUNCTION', 'KILL'), /BUSY Redis is busy running a script\. You can only call SCRIPT KILL/);
      await assert.rejects(other.call('SHUTDOWN'), /BUSY/);
      assert.equal(await other.call('SCRIPT', 'KILL'), 'OK');
      const error = await script;
      assert.ok(error instanceof Error);
      assert.match(error.message, /^ERR Script killed by user with SCRIPT KILL\.\.\. script: [0-9a-f]{40}, on @user_script:1\.$/);
      assert.match(String(await behind), /WRONGTYPE/);
      assert.equal(await other.ping(), 'PONG');
      await assert.rejects(other.call('SCRIPT', 'KILL'), /^ReplyError: NOTBUSY No scripts in execution right now\.$/);
      assert.equal(await conn.eval('local n = 0 for i = 1, 100000 do n = n + i end return n', 0), 5000050000);
      assert.match(server.logs(), /Slow script detected: still in execution after \d+ milliseconds/);
    } finally {
      conn.disconnect();
      other.disconnect();
      await server.stop();
    }
  });

  it('a busy script that ends replies late; a blocked client is served only after it', async () => {
    const server = await startCachica();
    try {
      await withClient(server.port, (c) => c.config('SET', 'lua-time-limit', '50'));
      const blocked = withClient(server.port, (c) => c.blpop('queue', 0));
      await new Promise((r) => setTimeout(r, 100));
      const slow = withClient(server.port, (c) =>
        c.eval("redis.call('rpush', KEYS[1], 'a') local t = redis.call('time') local s = t[1] * 1000000 + t[2] local n = 0 while n < 40000000 do n = n + 1 end return redis.call('llen', KEYS[1])", 1, 'queue'),
      );
      await new Promise((r) => setTimeout(r, 150));
      const during = await withClient(server.port, (c) => c.ping().catch((e: Error) => e.message));
      assert.match(String(during), /^BUSY/, 'others are refused while it runs');
      assert.equal(await slow, 1, 'the push is still there when the script ends: BLPOP waited');
      assert.deepEqual(await blocked, ['queue', 'a']);
    } finally {
      await server.stop();
    }
  });

  it('a busy script that wrote cannot be killed; SHUTDOWN NOSAVE ends it and its writes are not kept', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cachica-script-busy-'));
    dirs.push(dir);
    const args = ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'];
    const server = await startCachica({ args });
    try {
      await withClient(server.port, async (c) => {
        await c.config('SET', 'lua-time-limit', '100');
        await c.set('before', '1');
      });
      const caller = new Redis({ port: server.port, host: server.host, maxRetriesPerRequest: 0, retryStrategy: () => null });
      caller.on('error', () => {});
      const script = caller.eval("redis.call('set', 'half', 'done') while true do end", 0).catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 300));
      await withClient(server.port, async (c) => {
        await assert.rejects(c.call('SCRIPT', 'KILL'), /^ReplyError: UNKILLABLE Sorry the script already executed write commands against the dataset\./);
        await assert.rejects(c.call('SHUTDOWN'), /BUSY/);
        await c.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
      });
      assert.ok((await script) instanceof Error);
      caller.disconnect();
      for (let i = 0; i < 100 && server.exitStatus() === null; i++) await new Promise((r) => setTimeout(r, 50));
      assert.notEqual(server.exitStatus(), null, 'the server exited');
      const incr = readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');
      assert.match(incr, /before/);
      assert.doesNotMatch(incr, /half/, "the killed script's write never reached the AOF");
    } finally {
      await server.stop();
    }
  });

  it('a busy function answers to FUNCTION KILL, not SCRIPT KILL; FUNCTION STATS shows it', async () => {
    const server = await startCachica();
    try {
      await withClient(server.port, async (c) => {
        await c.config('SET', 'lua-time-limit', '100');
        await c.call('FUNCTION', 'LOAD', "#!lua name=spin\nredis.register_function{function_name='spin', callback=function() while true do end end, flags={'no-writes'}}");
      });
      const call = withClient(server.port, (c) => c.call('FCALL', 'spin', '0').catch((e: Error) => e.message));
      await new Promise((r) => setTimeout(r, 300));
      await withClient(server.port, async (c) => {
        await assert.rejects(c.ping(), /BUSY Redis is busy running a script\. You can only call FUNCTION KILL or SHUTDOWN NOSAVE\./);
        await assert.rejects(c.call('SCRIPT', 'KILL'), /You can only call FUNCTION KILL/);
        const stats = (await c.call('FUNCTION', 'STATS')) as unknown[];
        const running = stats[1] as unknown[];
        assert.deepEqual(running.slice(0, 4), ['name', 'spin', 'command', ['FCALL', 'spin', '0']]);
        assert.equal(await c.call('FUNCTION', 'KILL'), 'OK');
      });
      assert.match(String(await call), /^ERR Script killed by user with FUNCTION KILL\.\.\. script: spin, on @user_function:2\.$/);
    } finally {
      await server.stop();
    }
  });

  it("a script's writes go to the AOF as their effects and survive SIGKILL", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cachica-script-aof-'));
    dirs.push(dir);
    const args = ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'];
    let server = await startCachica({ args });
    let conn = new Redis({ port: server.port, host: server.host, maxRetriesPerRequest: 0 });
    try {
      await conn.sadd('pool', 'a', 'b', 'c', 'd');
      const script = "local m = redis.call('spop', KEYS[1]) redis.call('set', KEYS[2], m) redis.call('expire', KEYS[2], 1000) return m";
      const popped = (await conn.eval(script, 2, 'pool', 'taken')) as string;
      assert.ok(['a', 'b', 'c', 'd'].includes(popped));
      const incr = readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');
      assert.match(incr, /MULTI[\s\S]*SREM[\s\S]*PEXPIREAT[\s\S]*EXEC/, 'the effects, in one transaction');
      assert.doesNotMatch(incr, /EVAL/);
      // redis.set_repl(REPL_NONE): the write is made, and not propagated.
      assert.equal(await conn.eval("redis.set_repl(redis.REPL_NONE) return redis.call('set', 'unlogged', 'x')", 0), 'OK');
      assert.doesNotMatch(readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1'), /unlogged/);
      await server.kill();
      conn.disconnect();
      server = await startCachica({ args });
      conn = new Redis({ port: server.port, host: server.host, maxRetriesPerRequest: 0 });
      assert.equal(await conn.get('taken'), popped);
      assert.equal(await conn.sismember('pool', popped), 0);
      assert.equal(await conn.scard('pool'), 3);
      assert.ok((await conn.ttl('taken')) > 990);
      assert.equal(await conn.exists('unlogged'), 0, 'not in the AOF, so gone after the crash');
    } finally {
      conn.disconnect();
      await server.stop();
    }
  });

  it('libraries persist: in RDB files (which Redis 7.0 loads), in the AOF across SIGKILL and after a rewrite', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cachica-functions-'));
    dirs.push(dir);
    const library = "#!lua name=kept\nredis.register_function('kept', function(keys, args) return 'kept:' .. args[1] end)";
    // RDB: SAVE, restart, and the same file in Redis 7.0.
    let server = await startCachica({ args: ['--dir', dir] });
    await withClient(server.port, async (c) => {
      assert.equal(await c.call('FUNCTION', 'LOAD', library), 'kept');
      assert.equal(await c.call('SAVE'), 'OK');
      assert.equal(await c.call('DEBUG', 'RELOAD'), 'OK');
      assert.equal(await c.call('FCALL', 'kept', '0', 'a'), 'kept:a');
    });
    await server.stop();
    server = await startCachica({ args: ['--dir', dir] });
    assert.equal(await withClient(server.port, (c) => c.call('FCALL', 'kept', '0', 'b')), 'kept:b');
    await server.stop();
    const redis = await startRedis({ args: ['--dir', dir] });
    try {
      assert.equal(await withClient(redis.port, (c) => c.call('FCALL', 'kept', '0', 'c')), 'kept:c');
    } finally {
      await redis.stop();
    }
    // AOF: FUNCTION LOAD and DELETE replay after SIGKILL, and a rewritten AOF keeps the library.
    const aofDir = mkdtempSync(path.join(os.tmpdir(), 'cachica-functions-aof-'));
    dirs.push(aofDir);
    const args = ['--dir', aofDir, '--appendonly', 'yes', '--appendfsync', 'always', '--aof-use-rdb-preamble', 'no'];
    server = await startCachica({ args });
    await withClient(server.port, async (c) => {
      await c.call('FUNCTION', 'LOAD', library);
      await c.call('FUNCTION', 'LOAD', "#!lua name=gone\nredis.register_function('gone', function() return 1 end)");
      await c.call('FUNCTION', 'DELETE', 'gone');
    });
    await server.kill();
    server = await startCachica({ args });
    await withClient(server.port, async (c) => {
      assert.equal(await c.call('FCALL', 'kept', '0', 'd'), 'kept:d');
      await assert.rejects(c.call('FCALL', 'gone', '0'), /Function not found/);
      await c.call('BGREWRITEAOF');
      for (let i = 0; i < 100; i++) {
        if (/aof_rewrite_in_progress:0/.test(await c.info('persistence'))) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    await server.kill();
    server = await startCachica({ args });
    try {
      assert.equal(await withClient(server.port, (c) => c.call('FCALL', 'kept', '0', 'e')), 'kept:e');
    } finally {
      await server.stop();
    }
  });

  it("MONITOR shows EVAL and FCALL before their scripts' commands, which come from [0 lua]", async () => {
    const server = await startCachica();
    try {
      const monitor = new Redis({ port: server.port, host: server.host });
      const seen: string[] = [];
      const feed = await monitor.monitor();
      feed.on('monitor', (_time: string, args: string[], source: string) => seen.push(`${source} ${args.join(' ')}`));
      await withClient(server.port, async (c) => {
        await c.eval("redis.call('set', 'x', '1') return redis.call('get', 'x')", 0);
        await c.call('FUNCTION', 'LOAD', "#!lua name=mon\nredis.register_function('mon', function() return redis.call('incr', 'n') end)");
        await c.call('FCALL', 'mon', '0');
      });
      for (let i = 0; i < 100 && !seen.some((l) => l.endsWith('incr n')); i++) await new Promise((r) => setTimeout(r, 20));
      feed.disconnect();
      monitor.disconnect();
      const lines = seen
        .map((l) => l.replace(/^[0-9.:]+ /, ''))
        .map((l) => l.replace(/^\S+/, (name) => name.toLowerCase()))
        .filter((l) => /^(eval|fcall|lua) /.test(l));
      assert.deepEqual(lines, [
        "eval redis.call('set', 'x', '1') return redis.call('get', 'x') 0",
        'lua set x 1',
        'lua get x',
        'fcall mon 0',
        'lua incr n',
      ]);
    } finally {
      await server.stop();
    }
  });

  it('a FUNCTION RESTORE REPLACE that fails part way leaves the libraries it replaced working', async () => {
    const server = await startCachica();
    try {
      await withClient(server.port, async (c) => {
        await c.call('FUNCTION', 'LOAD', "#!lua name=libA\nredis.register_function('f_a', function() return 'a' end)");
        await c.call('FUNCTION', 'LOAD', "#!lua name=libB\nredis.register_function('f_b', function() return 'b' end)");
        const dump = (await c.callBuffer('FUNCTION', 'DUMP')) as Buffer;
        await c.call('FUNCTION', 'FLUSH');
        await c.call('FUNCTION', 'LOAD', "#!lua name=libA\nredis.register_function('f_a2', function() return 'a2' end)");
        await c.call('FUNCTION', 'LOAD', "#!lua name=libC\nredis.register_function('f_b', function() return 'c' end)");
        // libA is replaced first, then libB collides with libC's f_b: nothing of the dump stays.
        await assert.rejects(c.call('FUNCTION', 'RESTORE', dump, 'REPLACE'), /^ReplyError: ERR Function f_b already exists$/);
        assert.equal(await c.call('FCALL', 'f_a2', '0'), 'a2');
        assert.equal(await c.call('FCALL', 'f_b', '0'), 'c');
        await assert.rejects(c.call('FCALL', 'f_a', '0'), /Function not found/);
      });
    } finally {
      await server.stop();
    }
  });
});
