/**
 * Scripts over sockets: a script that runs past busy-reply-threshold is stopped and the server
 * serves again (it cannot answer others while a script holds its only thread), and a script's
 * writes reach the AOF as their effects, so they survive a crash.
 */

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startCachica } from '../helpers/servers.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('scripts over sockets', () => {
  it('a script past busy-reply-threshold is stopped with an error, and the server serves again', async () => {
    const server = await startCachica();
    const conn = new Redis({ port: server.port, host: server.host, maxRetriesPerRequest: 0 });
    try {
      assert.equal(await conn.config('SET', 'lua-time-limit', '150'), 'OK');
      const started = Date.now();
      await assert.rejects(conn.eval('while true do end', 0), /busy-reply-threshold \(150 ms\) and was stopped.* script: [0-9a-f]{40}, on @user_script:1\./);
      assert.ok(Date.now() - started < 5000, 'stopped soon after the threshold');
      assert.equal(await conn.ping(), 'PONG');
      assert.equal(await conn.eval('local n = 0 for i = 1, 100000 do n = n + i end return n', 0), 5000050000);
    } finally {
      conn.disconnect();
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
});
