/**
 * maxmemory and eviction through real sockets against cachica-server as it ships: every
 * maxmemory-policy, -OOM as Redis words it (alone, queued in MULTI, on EXEC), and what an
 * eviction shows the rest of the server: the "evicted" event, WATCH broken, tracking
 * invalidated, INFO's counters. How much memory a key takes differs between cachica and Redis,
 * so these are not differential tests; the wording of every reply is Redis 7.2's.
 */

import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawConnection } from '../helpers/raw-connection.js';
import { startCachica, type RunningServer } from '../helpers/servers.js';

let server: RunningServer;
let admin: RawConnection;

const OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
const text = (b: Buffer): string => b.toString('latin1');

before(async () => {
  server = await startCachica();
  admin = await RawConnection.connect(server.port, server.host);
});

after(async () => {
  await admin.close();
  await server.stop();
});

beforeEach(async () => {
  await admin.call(['CONFIG', 'SET', 'maxmemory', '0', 'maxmemory-policy', 'noeviction', 'notify-keyspace-events', '']);
  await admin.call(['FLUSHALL']);
  await admin.call(['CONFIG', 'RESETSTAT']);
});

async function info(field: string): Promise<number> {
  const m = new RegExp(`\\r\\n${field}:(\\d+)`).exec(text(await admin.call(['INFO', 'everything'])));
  assert.ok(m, `INFO has ${field}`);
  return Number(m[1]);
}

/** `count` SETs of `prefix:i` to a value of `size` bytes, pipelined; returns the replies. */
async function fill(conn: RawConnection, prefix: string, count: number, size: number, ttl = 0): Promise<string[]> {
  const value = 'v'.repeat(size);
  for (let i = 0; i < count; i++) {
    conn.send(ttl > 0 ? ['SET', `${prefix}:${i}`, value, 'EX', String(ttl)] : ['SET', `${prefix}:${i}`, value]);
  }
  return (await conn.readFrames(count)).map(text);
}

/** Set maxmemory to what is used now plus `headroom` bytes; returns the limit. */
async function limitAt(headroom: number, policy: string): Promise<number> {
  const limit = (await info('used_memory')) + headroom;
  await admin.call(['CONFIG', 'SET', 'maxmemory-policy', policy, 'maxmemory', String(limit)]);
  return limit;
}

async function exists(prefix: string, count: number): Promise<number> {
  let n = 0;
  for (let i = 0; i < count; i += 100) {
    const keys: string[] = [];
    for (let j = i; j < Math.min(count, i + 100); j++) keys.push(`${prefix}:${j}`);
    n += Number(text(await admin.call(['EXISTS', ...keys])).slice(1, -2));
  }
  return n;
}

describe('used_memory', () => {
  it('grows with the data and falls as soon as keys are deleted', async () => {
    const empty = await info('used_memory');
    await fill(admin, 's', 1000, 100);
    await admin.call(['RPUSH', 'list', ...Array.from({ length: 2000 }, (_, i) => `element-${i}`)]);
    await admin.call(['HSET', 'hash', ...Array.from({ length: 1200 }, (_, i) => `f${i}`)]);
    const full = await info('used_memory');
    // 1000 strings of 100 bytes, 2000 list elements, 600 fields: well over 100 KB, under 2 MB.
    assert.ok(full - empty > 100_000 && full - empty < 2_000_000, `grew by ${full - empty}`);
    await admin.call(['DEL', 'list', 'hash']);
    const strings = await info('used_memory');
    assert.ok(strings < full - 50_000, `deleting the collections gave back ${full - strings}`);
    await admin.call(['FLUSHALL']);
    assert.ok((await info('used_memory')) - empty < 20_000);
  });
});

describe('noeviction', () => {
  it('refuses commands that may grow memory with -OOM, and runs the rest', async () => {
    await fill(admin, 'k', 200, 100);
    await limitAt(-1000, 'noeviction');
    assert.equal(text(await admin.call(['SET', 'new', 'x'])), OOM);
    assert.equal(text(await admin.call(['LPUSH', 'l', 'x'])), OOM);
    assert.equal(text(await admin.call(['GET', 'k:1'])), `$100\r\n${'v'.repeat(100)}\r\n`);
    assert.equal(text(await admin.call(['DBSIZE'])), ':200\r\n');
    assert.equal(await info('evicted_keys'), 0);
    // DEL is not denyoom, and once enough is gone SET works again.
    const keys = Array.from({ length: 100 }, (_, i) => `k:${i}`);
    assert.equal(text(await admin.call(['DEL', ...keys])), ':100\r\n');
    assert.equal(text(await admin.call(['SET', 'new', 'x'])), '+OK\r\n');
    assert.ok((await info('total_eviction_exceeded_time')) >= 0);
    assert.equal(await info('current_eviction_exceeded_time'), 0);
  });

  it('refuses every command in MULTI but EXEC and DISCARD, and EXEC of queued writes', async () => {
    const c = await RawConnection.connect(server.port, server.host);
    try {
      await fill(admin, 'k', 200, 100);
      // Queued while under the limit, then the limit drops: EXEC is refused, the transaction gone.
      assert.equal(text(await c.call(['MULTI'])), '+OK\r\n');
      assert.equal(text(await c.call(['SET', 'a', '1'])), '+QUEUED\r\n');
      await limitAt(-1000, 'noeviction');
      assert.equal(
        text(await c.call(['EXEC'])),
        "-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.\r\n",
      );
      assert.equal(text(await c.call(['EXEC'])), '-ERR EXEC without MULTI\r\n');
      // Over the limit, queueing itself is refused, reads included, and dooms the transaction.
      assert.equal(text(await c.call(['MULTI'])), '+OK\r\n');
      assert.equal(text(await c.call(['GET', 'k:1'])), OOM);
      assert.equal(text(await c.call(['EXEC'])), '-EXECABORT Transaction discarded because of previous errors.\r\n');
      // An empty transaction may still be executed, and discarded.
      assert.equal(text(await c.call(['MULTI'])), '+OK\r\n');
      assert.equal(text(await c.call(['EXEC'])), '*0\r\n');
      assert.equal(text(await c.call(['MULTI'])), '+OK\r\n');
      assert.equal(text(await c.call(['DISCARD'])), '+OK\r\n');
      const errorstats = text(await c.call(['INFO', 'errorstats']));
      assert.ok(errorstats.includes('errorstat_OOM:count=1') && errorstats.includes('errorstat_EXECABORT:count=2'), errorstats);
    } finally {
      await c.close();
    }
  });
});

describe('eviction policies', () => {
  it('allkeys-lru keeps the keys in use and evicts the idle ones', async () => {
    await admin.call(['CONFIG', 'SET', 'maxmemory-samples', '10']);
    await fill(admin, 'old', 1000, 200);
    await fill(admin, 'hot', 100, 200);
    // The LRU clock counts seconds: let the old keys age before the hot ones are read.
    await new Promise((r) => setTimeout(r, 2100));
    const limit = await limitAt(0, 'allkeys-lru');
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 100; i++) admin.send(['GET', `hot:${i}`]);
      await admin.readFrames(100);
      const replies = await fill(admin, `new${round}`, 60, 200);
      assert.deepEqual(new Set(replies), new Set(['+OK\r\n']));
    }
    assert.ok((await info('used_memory')) <= limit + 20_000);
    assert.ok((await info('evicted_keys')) >= 500);
    const hot = await exists('hot', 100);
    const old = await exists('old', 1000);
    assert.ok(hot >= 95, `hot keys kept: ${hot} of 100`);
    assert.ok(old <= 500, `old keys kept: ${old} of 1000`);
    await admin.call(['CONFIG', 'SET', 'maxmemory-samples', '5']);
  });

  it('allkeys-lfu keeps the keys read often', async () => {
    await admin.call(['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu', 'lfu-log-factor', '0']);
    await fill(admin, 'cold', 1000, 200);
    await fill(admin, 'hot', 100, 200);
    for (let r = 0; r < 20; r++) {
      for (let i = 0; i < 100; i++) admin.send(['GET', `hot:${i}`]);
      await admin.readFrames(100);
    }
    assert.ok(Number(text(await admin.call(['OBJECT', 'FREQ', 'hot:1'])).slice(1, -2)) > 20);
    assert.equal(text(await admin.call(['OBJECT', 'FREQ', 'cold:1'])), ':5\r\n');
    await limitAt(0, 'allkeys-lfu');
    for (let round = 0; round < 5; round++) await fill(admin, `new${round}`, 100, 200);
    assert.ok((await info('evicted_keys')) >= 400);
    assert.equal(await exists('hot', 100), 100);
    await admin.call(['CONFIG', 'SET', 'lfu-log-factor', '10']);
  });

  it('volatile-ttl evicts the keys closest to expiring, and never a key without a TTL', async () => {
    await fill(admin, 'persistent', 200, 200);
    for (let i = 0; i < 400; i++) admin.send(['SET', `ttl:${i}`, 'v'.repeat(200), 'EX', String(1000 + i * 10)]);
    await admin.readFrames(400);
    await limitAt(-40_000, 'volatile-ttl');
    assert.equal(text(await admin.call(['SET', 'trigger', 'x'])), '+OK\r\n');
    const evicted = await info('evicted_keys');
    assert.ok(evicted > 50 && evicted < 400, `evicted ${evicted}`);
    assert.equal(await exists('persistent', 200), 200);
    // The pool takes the best of its samples: the survivors are mostly the later deadlines.
    const early = await exists('ttl', 200);
    let late = 0;
    for (let i = 200; i < 400; i++) late += Number(text(await admin.call(['EXISTS', `ttl:${i}`])).slice(1, -2));
    assert.ok(late > early, `kept ${early} of the earlier half, ${late} of the later`);
  });

  for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random']) {
    it(`${policy} evicts only keys with a TTL, then answers -OOM`, async () => {
      await fill(admin, 'persistent', 200, 200);
      await fill(admin, 'volatile', 50, 200, 1000);
      // Half of what is used: more than the volatile keys hold.
      await limitAt(-Math.floor((await info('used_memory')) / 2), policy);
      assert.equal(text(await admin.call(['SET', 'trigger', 'x'])), OOM);
      assert.equal(await info('evicted_keys'), 50);
      assert.equal(await exists('volatile', 50), 0);
      assert.equal(await exists('persistent', 200), 200);
    });
  }

  it('allkeys-random keeps used memory at the limit while writes go on', async () => {
    await fill(admin, 'k', 500, 500);
    const limit = await limitAt(0, 'allkeys-random');
    for (let round = 0; round < 10; round++) {
      const replies = await fill(admin, `r${round}`, 100, 500);
      assert.deepEqual(new Set(replies), new Set(['+OK\r\n']));
    }
    assert.ok((await info('used_memory')) <= limit + 20_000);
    const kept = Number(text(await admin.call(['DBSIZE'])).slice(1, -2));
    assert.ok(kept > 300 && kept < 700, `dbsize ${kept}`);
  });

  it('a big collection is evicted as one key and gives its memory back', async () => {
    await admin.call(['RPUSH', 'big', ...Array.from({ length: 20_000 }, (_, i) => `element-${i}`)]);
    await fill(admin, 'small', 10, 10);
    await limitAt(-100_000, 'allkeys-random');
    for (let i = 0; i < 20 && text(await admin.call(['EXISTS', 'big'])) === ':1\r\n'; i++) {
      await admin.call(['SET', `more:${i}`, 'x']);
    }
    assert.equal(text(await admin.call(['EXISTS', 'big'])), ':0\r\n');
    assert.ok((await info('used_memory')) <= (await info('maxmemory')));
  });

  it('a lowered maxmemory evicts at once', async () => {
    await fill(admin, 'k', 300, 300);
    const before = await info('evicted_keys');
    const limit = await limitAt(-50_000, 'allkeys-lru');
    // 50 KB is well over 50 keys of 300 bytes, whatever other connections' buffers did meanwhile.
    assert.ok((await info('evicted_keys')) - before > 50);
    assert.ok((await info('used_memory')) <= limit + 16 * 1024, 'under the new limit, give or take one client buffer');
  });
});

describe('what an eviction shows', () => {
  it('an "evicted" event, WATCH broken, tracking invalidated', async () => {
    const sub = await RawConnection.connect(server.port, server.host);
    const watcher = await RawConnection.connect(server.port, server.host);
    const tracker = await RawConnection.connect(server.port, server.host);
    try {
      await admin.call(['CONFIG', 'SET', 'notify-keyspace-events', 'Ee']);
      await sub.call(['SUBSCRIBE', '__keyevent@0__:evicted']);
      await admin.call(['SET', 'victim', 'v'.repeat(1000)]);
      await tracker.call(['HELLO', '3']);
      await tracker.call(['CLIENT', 'TRACKING', 'ON']);
      await tracker.call(['GET', 'victim']);
      await watcher.call(['WATCH', 'victim']);
      // The only key, and a limit it cannot fit under: the next write evicts it.
      await limitAt(-500, 'allkeys-lru');
      assert.equal(text(await admin.call(['EXISTS', 'victim'])), ':0\r\n');
      assert.equal(
        text(await sub.readFrame()),
        '*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:evicted\r\n$6\r\nvictim\r\n',
      );
      assert.equal(text(await tracker.readFrame()), '>2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nvictim\r\n');
      await admin.call(['CONFIG', 'SET', 'maxmemory', '0']);
      assert.equal(text(await watcher.call(['MULTI'])), '+OK\r\n');
      assert.equal(text(await watcher.call(['SET', 'victim', 'again'])), '+QUEUED\r\n');
      assert.equal(text(await watcher.call(['EXEC'])), '*-1\r\n');
      assert.equal(await info('evicted_keys'), 1);
    } finally {
      await Promise.all([sub.close(), watcher.close(), tracker.close()]);
    }
  });

  it('a paused server evicts nothing until it is unpaused', async () => {
    await fill(admin, 'k', 100, 300);
    await admin.call(['CLIENT', 'PAUSE', '100000', 'WRITE']);
    await limitAt(-10_000, 'allkeys-random');
    assert.equal(text(await admin.call(['GET', 'k:1'])), `$300\r\n${'v'.repeat(300)}\r\n`);
    assert.equal(await info('evicted_keys'), 0);
    await admin.call(['CLIENT', 'UNPAUSE']);
    await admin.call(['GET', 'k:1']);
    assert.ok((await info('evicted_keys')) > 0);
  });
});

describe('settings', () => {
  it('maxmemory-samples and maxmemory-eviction-tenacity with their bounds', async () => {
    assert.equal(text(await admin.call(['CONFIG', 'GET', 'maxmemory-samples'])), '*2\r\n$17\r\nmaxmemory-samples\r\n$1\r\n5\r\n');
    assert.equal(text(await admin.call(['CONFIG', 'GET', 'maxmemory-eviction-tenacity'])), '*2\r\n$27\r\nmaxmemory-eviction-tenacity\r\n$2\r\n10\r\n');
    assert.equal(
      text(await admin.call(['CONFIG', 'SET', 'maxmemory-samples', '0'])),
      "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-samples') - argument must be between 1 and 2147483647 inclusive\r\n",
    );
    assert.equal(
      text(await admin.call(['CONFIG', 'SET', 'maxmemory-eviction-tenacity', '101'])),
      "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-eviction-tenacity') - argument must be between 0 and 100 inclusive\r\n",
    );
  });

  it('DEBUG POPULATE makes the keys Redis makes', async () => {
    assert.equal(text(await admin.call(['DEBUG', 'POPULATE', '3'])), '+OK\r\n');
    assert.equal(text(await admin.call(['MGET', 'key:0', 'key:2'])), '*2\r\n$7\r\nvalue:0\r\n$7\r\nvalue:2\r\n');
    assert.equal(text(await admin.call(['SET', 'p:1', 'mine'])), '+OK\r\n');
    assert.equal(text(await admin.call(['DEBUG', 'POPULATE', '2', 'p', '10'])), '+OK\r\n');
    assert.equal(text(await admin.call(['GET', 'p:0'])), '$10\r\nvalue:0\x00\x00\x00\r\n');
    assert.equal(text(await admin.call(['GET', 'p:1'])), '$4\r\nmine\r\n');
    assert.equal(text(await admin.call(['DEBUG', 'POPULATE', '2', 'q', '3'])), '+OK\r\n');
    assert.equal(text(await admin.call(['GET', 'q:1'])), '$3\r\nval\r\n');
    assert.equal(text(await admin.call(['DEBUG', 'POPULATE', '-1'])), '-ERR value is out of range, must be positive\r\n');
    assert.equal(text(await admin.call(['DEBUG', 'POPULATE', 'x'])), '-ERR value is out of range, must be positive\r\n');
  });
});
