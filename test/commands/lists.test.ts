/**
 * The list family through the embedded API: what the compat bed cannot check against Redis 7.0
 * (OBJECT ENCODING as Redis 7.2 reports it, listpack <-> quicklist conversions both ways, 7.2's
 * error texts for timeouts and LPOS RANK), lists far past a listpack (millions of elements),
 * every byte value, blocking commands in the embedded API (promises that resolve when served),
 * keys that become lists by RENAME, MOVE, COPY and SWAPDB waking waiters, and INFO's counters.
 * Replies are compared as raw RESP bytes.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyError } from '../../src/client/decoder.js';
import { Cachica, type Session } from '../../src/embedded/cachica.js';

type Arg = string | Buffer;

function bulk(v: string | Buffer): string {
  const s = typeof v === 'string' ? v : v.toString('latin1');
  return `$${s.length}\r\n${s}\r\n`;
}
const int = (n: number): string => `:${n}\r\n`;
const err = (message: string): string => `-${message}\r\n`;
const arr = (...items: string[]): string => `*${items.length}\r\n${items.join('')}`;
const OK = '+OK\r\n';
const WRONGTYPE = err('WRONGTYPE Operation against a key holding the wrong kind of value');
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** Run `args` and return the raw reply as latin1. */
function raw(s: Session, ...args: Arg[]): string {
  return s.raw(args).toString('latin1');
}

function encoding(s: Session, key: string): string {
  return raw(s, 'OBJECT', 'ENCODING', key);
}

function rpushAll(s: Session, key: string, elements: readonly string[]): void {
  raw(s, 'DEL', key);
  for (let i = 0; i < elements.length; i += 1000) raw(s, 'RPUSH', key, ...elements.slice(i, i + 1000));
}

function lrange(s: Session, key: string, start = 0, end = -1): string[] {
  return s.commandSync('LRANGE', key, start, end) as string[];
}

/** A RESP2 session (raw replies spelled as in Redis's RESP2) on a new store. */
function fresh(config: Record<string, string | number> = {}): { db: Cachica; s: Session } {
  const db = new Cachica({ config });
  const s = db.session();
  raw(s, 'HELLO', '2');
  return { db, s };
}

describe('list encodings (Redis 7.2: listpack, quicklist)', () => {
  it('a small list is a listpack, one past 8 KB (the default -2) a quicklist, and back under 4 KB a listpack', () => {
    const { db, s } = fresh();
    raw(s, 'RPUSH', 'l', 'a', 'b', '1', '2');
    assert.equal(encoding(s, 'l'), bulk('listpack'));
    const element = 'x'.repeat(100);
    for (let i = 0; i < 80; i++) raw(s, 'RPUSH', 'l', element);
    assert.equal(encoding(s, 'l'), bulk('quicklist'));
    assert.equal(raw(s, 'LLEN', 'l'), int(84));
    // 84 entries of ~103 bytes: below half of 8 KB (4096) only once about 40 are left.
    raw(s, 'RPOP', 'l', '40');
    assert.equal(encoding(s, 'l'), bulk('quicklist'));
    raw(s, 'RPOP', 'l', '5');
    assert.equal(encoding(s, 'l'), bulk('listpack'));
    assert.deepEqual(lrange(s, 'l').slice(0, 4), ['a', 'b', '1', '2']);
    db.close();
  });

  it('converts as Redis 7.2 does with a count limit (list-max-listpack-size 3)', () => {
    const { db, s } = fresh({ 'list-max-listpack-size': 3 });
    rpushAll(s, 'lst', ['a', 'b', 'c']);
    assert.equal(encoding(s, 'lst'), bulk('listpack'));
    // Growing: RPUSH, LINSERT, LSET, LMOVE each convert before adding.
    raw(s, 'RPUSH', 'lst', 'd');
    assert.equal(encoding(s, 'lst'), bulk('quicklist'));
    rpushAll(s, 'lst', ['a', 'b', 'c']);
    raw(s, 'LINSERT', 'lst', 'AFTER', 'b', 'x');
    assert.equal(encoding(s, 'lst'), bulk('quicklist'));
    // Shrinking: only once the list is down to half the limit (1 element).
    rpushAll(s, 'lst', ['a', 'b', 'c', 'd']);
    raw(s, 'RPOP', 'lst', '2');
    assert.equal(encoding(s, 'lst'), bulk('quicklist'));
    raw(s, 'RPOP', 'lst');
    assert.equal(encoding(s, 'lst'), bulk('listpack'));
    rpushAll(s, 'lst', ['a', 'a', 'a', 'd']);
    raw(s, 'LREM', 'lst', '3', 'a');
    assert.equal(encoding(s, 'lst'), bulk('listpack'));
    rpushAll(s, 'lst', ['a', 'b', 'c', 'd']);
    raw(s, 'LTRIM', 'lst', '1', '1');
    assert.equal(encoding(s, 'lst'), bulk('listpack'));
    assert.deepEqual(lrange(s, 'lst'), ['b']);
    db.close();
  });

  it('converts as Redis 7.2 does with a size limit (list-max-listpack-size -1: 4 KB)', () => {
    const { db, s } = fresh({ 'list-max-listpack-size': -1 });
    const large = 'L'.repeat(8192);
    rpushAll(s, 'lst', ['a', 'b', 'c']);
    raw(s, 'RPUSH', 'lst', large);
    assert.equal(encoding(s, 'lst'), bulk('quicklist'));
    rpushAll(s, 'lst', ['a', 'b', 'c']);
    raw(s, 'LSET', 'lst', '0', large);
    assert.equal(encoding(s, 'lst'), bulk('quicklist'));
    // LMOVE of a large element into a listpack converts the destination.
    rpushAll(s, 'src', ['a', 'b', 'c', large]);
    rpushAll(s, 'dst', ['d', 'e', 'f']);
    raw(s, 'LMOVE', 'src', 'dst', 'RIGHT', 'RIGHT');
    assert.equal(encoding(s, 'dst'), bulk('quicklist'));
    assert.equal(encoding(s, 'src'), bulk('listpack'));
    // The large element alone keeps a quicklist; replacing it by a small one converts.
    rpushAll(s, 'lst', [large, 'a', 'b']);
    raw(s, 'RPOP', 'lst', '2');
    assert.equal(encoding(s, 'lst'), bulk('quicklist'));
    raw(s, 'LSET', 'lst', '-1', 'c');
    assert.equal(encoding(s, 'lst'), bulk('listpack'));
    rpushAll(s, 'lst', ['a', large]);
    raw(s, 'LREM', 'lst', '1', large);
    assert.equal(encoding(s, 'lst'), bulk('listpack'));
    db.close();
  });

  it('judges growth by the raw lengths pushed, so a listpack may end up past the limit, as in 7.2', () => {
    const { db, s } = fresh({ 'list-max-listpack-size': -5 });
    // 20,000 elements of 3 bytes: 60,000 raw bytes fit 64 KB, but take 5 bytes each encoded.
    const elements = Array.from({ length: 20_000 }, (_, i) => `e${String(i % 100).padStart(2, '0')}`);
    raw(s, 'RPUSH', 'l', ...elements);
    assert.equal(encoding(s, 'l'), bulk('listpack'));
    const model = [...elements];
    // The first write of this 100 KB image needs a larger scratch buffer than any before it.
    for (let i = 0; i < 5; i++) {
      assert.equal(raw(s, 'RPOPLPUSH', 'l', 'other'), bulk(model.pop() as string));
      assert.equal(raw(s, 'LPOP', 'l'), bulk(model.shift() as string));
    }
    raw(s, 'LSET', 'l', '100', 'X');
    model[100] = 'X';
    assert.deepEqual(lrange(s, 'l'), model);
    assert.equal(raw(s, 'RPUSH', 'l', 'z'), int(model.length + 1));
    assert.equal(encoding(s, 'l'), bulk('quicklist'));
    db.close();
  });

  it('LINSERT converts before it looks for the pivot, so a missed pivot still converts (7.2)', () => {
    const { db, s } = fresh({ 'list-max-listpack-size': -1 });
    rpushAll(s, 'lst', ['a', 'b']);
    assert.equal(raw(s, 'LINSERT', 'lst', 'BEFORE', 'nope', 'y'.repeat(5000)), int(-1));
    assert.equal(encoding(s, 'lst'), bulk('quicklist'));
    assert.deepEqual(lrange(s, 'lst'), ['a', 'b']);
    db.close();
  });

  it('COPY keeps the encoding and copies independently', () => {
    const { db, s } = fresh();
    rpushAll(s, 'big', Array.from({ length: 3000 }, (_, i) => `e${i}`));
    raw(s, 'RPUSH', 'small', 'a', 'b');
    assert.equal(raw(s, 'COPY', 'big', 'big2'), int(1));
    assert.equal(raw(s, 'COPY', 'small', 'small2'), int(1));
    assert.equal(encoding(s, 'big2'), bulk('quicklist'));
    assert.equal(encoding(s, 'small2'), bulk('listpack'));
    raw(s, 'LSET', 'big', '0', 'changed');
    raw(s, 'RPOP', 'small');
    assert.equal(raw(s, 'LINDEX', 'big2', '0'), bulk('e0'));
    assert.equal(raw(s, 'LLEN', 'small2'), int(2));
    assert.deepEqual(lrange(s, 'big2', -2), ['e2998', 'e2999']);
    db.close();
  });
});

describe('lists far past a listpack', () => {
  it('keep every operation right on a quicklist of 300,000 elements', () => {
    const { db, s } = fresh();
    const n = 300_000;
    const model = Array.from({ length: n }, (_, i) => String(i));
    rpushAll(s, 'l', model);
    assert.equal(encoding(s, 'l'), bulk('quicklist'));
    assert.equal(raw(s, 'LLEN', 'l'), int(n));
    assert.deepEqual(lrange(s, 'l', 150_000, 150_004), model.slice(150_000, 150_005));
    assert.deepEqual(lrange(s, 'l', -3, -1), model.slice(-3));
    assert.equal(raw(s, 'LINDEX', 'l', '-300000'), bulk('0'));
    assert.equal(raw(s, 'LINDEX', 'l', '-300001'), '$-1\r\n');
    assert.equal(raw(s, 'LSET', 'l', '123456', 'X'), OK);
    model[123_456] = 'X';
    assert.equal(raw(s, 'LINSERT', 'l', 'AFTER', 'X', 'Y'), int(n + 1));
    model.splice(123_457, 0, 'Y');
    assert.equal(raw(s, 'LPOS', 'l', 'Y'), int(123_457));
    assert.equal(raw(s, 'LPOS', 'l', '299999', 'RANK', '-1'), int(n));
    assert.equal(raw(s, 'LREM', 'l', '0', 'X'), int(1));
    model.splice(123_456, 1);
    assert.equal(raw(s, 'LPUSH', 'l', 'h1', 'h2'), int(n + 2));
    model.unshift('h2', 'h1');
    assert.equal(raw(s, 'LTRIM', 'l', '1', '-2'), OK);
    model.shift();
    model.pop();
    assert.deepEqual(lrange(s, 'l'), model);
    assert.equal(raw(s, 'LPOP', 'l', '3'), arr(bulk('h1'), bulk('0'), bulk('1')));
    assert.equal(raw(s, 'RPOP', 'l', '2'), arr(bulk('299998'), bulk('299997')));
    db.close();
  });

  it('push and pop at both ends of a list of two million elements quickly', () => {
    const { db, s } = fresh();
    const batch = Array.from({ length: 1000 }, (_, i) => `v${i}`);
    const started = Date.now();
    for (let i = 0; i < 1000; i++) raw(s, 'LPUSH', 'big', ...batch);
    for (let i = 0; i < 1000; i++) raw(s, 'RPUSH', 'big', ...batch);
    assert.equal(raw(s, 'LLEN', 'big'), int(2_000_000));
    let worst = 0;
    for (let i = 0; i < 20_000; i++) {
      const t0 = performance.now();
      raw(s, i % 2 ? 'LPOP' : 'RPOP', 'big');
      raw(s, i % 2 ? 'RPUSH' : 'LPUSH', 'big', 'z');
      worst = Math.max(worst, performance.now() - t0);
    }
    assert.equal(raw(s, 'LLEN', 'big'), int(2_000_000));
    assert.ok(worst < 100, `worst push+pop took ${worst.toFixed(1)} ms`);
    assert.ok(Date.now() - started < 30_000);
    db.close();
  });
});

describe('binary elements', () => {
  it('keeps every byte value, in both encodings, and compares elements as bytes', () => {
    const { db, s } = fresh();
    const bytes = Array.from({ length: 256 }, (_, i) => Buffer.from([i]));
    for (const key of ['packed', 'table']) {
      raw(s, 'RPUSH', key, ALL_BYTES, ...bytes);
      if (key === 'table') raw(s, 'RPUSH', key, 'x'.repeat(9000));
      assert.equal(encoding(s, key), bulk(key === 'table' ? 'quicklist' : 'listpack'));
      assert.equal(raw(s, 'LINDEX', key, '0'), bulk(ALL_BYTES));
      for (const i of [0, 10, 13, 127, 128, 255]) {
        assert.equal(raw(s, 'LINDEX', key, String(i + 1)), bulk(bytes[i]));
        assert.equal(raw(s, 'LPOS', key, bytes[i]), int(i + 1));
      }
      assert.equal(raw(s, 'LREM', key, '0', Buffer.from([0xff])), int(1));
      assert.equal(raw(s, 'LINSERT', key, 'BEFORE', Buffer.from([0]), ALL_BYTES), int(key === 'table' ? 258 : 257));
      assert.equal(raw(s, 'LPOS', key, ALL_BYTES, 'COUNT', '0'), arr(int(0), int(1)));
    }
    db.close();
  });
});

describe('Redis 7.2 replies the 7.0 oracle does not give', () => {
  it('timeouts: out of range past LLONG_MAX ms (7.0 called them negative), negative, not a float', () => {
    const { db, s } = fresh();
    assert.equal(raw(s, 'BLPOP', 'k', 'inf'), err('ERR timeout is out of range'));
    assert.equal(raw(s, 'BLPOP', 'k', '1e300'), err('ERR timeout is out of range'));
    assert.equal(raw(s, 'BLPOP', 'k', '9223372036854775'), err('ERR timeout is out of range'));
    assert.equal(raw(s, 'BRPOP', 'k', '-inf'), err('ERR timeout is negative'));
    assert.equal(raw(s, 'BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '-0.5'), err('ERR timeout is negative'));
    assert.equal(raw(s, 'BRPOPLPUSH', 'a', 'b', 'nan'), err('ERR timeout is not a float or out of range'));
    assert.equal(raw(s, 'BLMPOP', ' 1', '1', 'k', 'LEFT'), err('ERR timeout is not a float or out of range'));
    assert.equal(raw(s, 'BLMPOP', '1e-5000', '1', 'k', 'LEFT'), err('ERR timeout is not a float or out of range'));
    db.close();
  });

  it('LPOS RANK refuses LONG_MIN (7.2 checks the range; 7.0 searched from the tail)', () => {
    const { db, s } = fresh();
    raw(s, 'RPUSH', 'l', 'a', 'b', 'a');
    assert.equal(
      raw(s, 'LPOS', 'l', 'a', 'RANK', '-9223372036854775808'),
      err('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807'),
    );
    assert.equal(raw(s, 'LPOS', 'l', 'a', 'RANK', '-9223372036854775807'), '$-1\r\n');
    assert.equal(raw(s, 'LPOS', 'l', 'a', 'RANK', '-1'), int(2));
    db.close();
  });
});

describe('blocking commands in the embedded API', () => {
  it('a synchronous call cannot wait: it replies as if the time were up', () => {
    const { db, s } = fresh();
    assert.equal(raw(s, 'BLPOP', 'q', '0'), '*-1\r\n');
    assert.equal(raw(s, 'BLMPOP', '0', '1', 'q', 'LEFT'), '*-1\r\n');
    // BLMOVE answers a null bulk there, as Redis does when it may not block.
    assert.equal(raw(s, 'BLMOVE', 'q', 'd', 'LEFT', 'LEFT', '0'), '$-1\r\n');
    assert.equal(raw(s, 'BRPOPLPUSH', 'q', 'd', '0'), '$-1\r\n');
    assert.equal(db.commandSync('BLPOP', 'q', 0), null);
    db.close();
  });

  it('resolves when served, in the order the sessions blocked, and runs what was sent behind it', async () => {
    const db = new Cachica();
    const first = db.session();
    const second = db.session();
    const p1 = first.command('BLPOP', 'q', 0);
    const p2 = second.command('BRPOP', 'q', 'other', 0);
    const behind = first.command('RPUSH', 'log', 'after-blpop');
    assert.deepEqual(await db.command('LPUSH', 'log', 'before'), 1);
    assert.equal(await db.command('RPUSH', 'q', 'x', 'y', 'z'), 3);
    assert.deepEqual(await p1, ['q', 'x']);
    assert.deepEqual(await p2, ['q', 'z']);
    assert.equal(await behind, 2);
    assert.deepEqual(await db.command('LRANGE', 'q', 0, -1), ['y']);
    assert.deepEqual(await db.command('LRANGE', 'log', 0, -1), ['before', 'after-blpop']);
    first.close();
    second.close();
    db.close();
  });

  it('times out with a null, and CLIENT UNBLOCK ends a wait either way', async () => {
    const db = new Cachica();
    const waiter = db.session();
    const t0 = Date.now();
    assert.equal(await waiter.command('BLPOP', 'q', '0.05'), null);
    assert.ok(Date.now() - t0 >= 50, 'not before its time');
    const id = (await waiter.command('CLIENT', 'ID')) as number;
    const timedOut = waiter.command('BLMOVE', 'q', 'd', 'LEFT', 'RIGHT', 0);
    assert.equal(await db.command('CLIENT', 'UNBLOCK', id), 1);
    assert.equal(await timedOut, null);
    const errored = waiter.command('BLMPOP', 0, 1, 'q', 'LEFT');
    assert.equal(await db.command('CLIENT', 'UNBLOCK', id, 'ERROR'), 1);
    await assert.rejects(errored, (e: unknown) => e instanceof ReplyError && /^UNBLOCKED client unblocked via CLIENT UNBLOCK/.test(e.message));
    assert.equal(await db.command('CLIENT', 'UNBLOCK', id), 0);
    assert.equal(await db.command('CLIENT', 'UNBLOCK', 999_999), 0);
    waiter.close();
    db.close();
  });

  it('a session closed while it waits rejects its commands and leaves no waiter behind', async () => {
    const db = new Cachica();
    const waiter = db.session();
    const pending = waiter.command('BLPOP', 'q', 0);
    const queued = waiter.command('PING');
    waiter.close();
    await assert.rejects(pending, /session closed/);
    await assert.rejects(queued, /session closed/);
    await db.command('RPUSH', 'q', 'kept');
    assert.deepEqual(await db.command('LRANGE', 'q', 0, -1), ['kept']);
    db.close();
  });

  it('keys that become lists by RENAME, MOVE, COPY and SWAPDB serve waiters, strings do not', async () => {
    const db = new Cachica();
    const waiter = db.session();
    const renamed = waiter.command('BLPOP', 'target', 0);
    await db.command('RPUSH', 'src', 'by-rename');
    await db.command('RENAME', 'src', 'target');
    assert.deepEqual(await renamed, ['target', 'by-rename']);

    const copied = waiter.command('BLPOP', 'target', 0);
    await db.command('SET', 'target', 'a string'); // no list: the waiter stays
    await db.command('RPUSH', 'src', 'by-copy');
    await db.command('DEL', 'target');
    await db.command('COPY', 'src', 'target');
    assert.deepEqual(await copied, ['target', 'by-copy']);

    const moved = waiter.command('BRPOP', 'moved', 0);
    await db.command('SELECT', 1);
    await db.command('RPUSH', 'moved', 'by-move');
    await db.command('MOVE', 'moved', 0);
    assert.deepEqual(await moved, ['moved', 'by-move']);

    const swapped = waiter.command('BLMOVE', 'swap', 'out', 'LEFT', 'LEFT', 0);
    await db.command('RPUSH', 'swap', 'by-swapdb');
    await db.command('SWAPDB', 0, 1);
    assert.equal(await swapped, 'by-swapdb');
    assert.deepEqual(await waiter.command('LRANGE', 'out', 0, -1), ['by-swapdb']);
    waiter.close();
    db.close();
  });

  it('INFO counts blocked clients, their keys and those with a deadline', async () => {
    const db = new Cachica();
    const a = db.session();
    const b = db.session();
    const info = async (): Promise<string> => (await db.command('INFO', 'clients')) as string;
    const pa = a.command('BLPOP', 'k1', 'k2', 0);
    const pb = b.command('BLPOP', 'k2', 'k3', 100);
    const text = await info();
    assert.match(text, /blocked_clients:2\r\n/);
    assert.match(text, /total_blocking_keys:3\r\n/);
    assert.match(text, /clients_in_timeout_table:1\r\n/);
    assert.match((await db.command('CLIENT', 'LIST')) as string, /flags=b /);
    await db.command('RPUSH', 'k2', 'x', 'y');
    assert.deepEqual(await pa, ['k2', 'x']);
    assert.deepEqual(await pb, ['k2', 'y']);
    const after = await info();
    assert.match(after, /blocked_clients:0\r\n/);
    assert.match(after, /total_blocking_keys:0\r\n/);
    assert.match(after, /clients_in_timeout_table:0\r\n/);
    a.close();
    b.close();
    db.close();
  });
});

describe('list commands on other types and edge cases', () => {
  it('reply WRONGTYPE on a string key and change nothing', () => {
    const { db, s } = fresh();
    raw(s, 'SET', 'str', 'v');
    const commands: Arg[][] = [
      ['LPUSH', 'str', 'a'], ['RPUSH', 'str', 'a'], ['LPUSHX', 'str', 'a'], ['RPUSHX', 'str', 'a'],
      ['LPOP', 'str'], ['RPOP', 'str', '2'], ['LLEN', 'str'], ['LRANGE', 'str', '0', '-1'], ['LINDEX', 'str', '0'],
      ['LSET', 'str', '0', 'a'], ['LINSERT', 'str', 'BEFORE', 'a', 'b'], ['LREM', 'str', '0', 'a'], ['LTRIM', 'str', '0', '1'],
      ['LPOS', 'str', 'a'], ['LMOVE', 'str', 'd', 'LEFT', 'LEFT'], ['RPOPLPUSH', 'str', 'd'], ['LMPOP', '1', 'str', 'LEFT'],
      ['BLPOP', 'str', '0'], ['BRPOP', 'str', '0'], ['BLMOVE', 'str', 'd', 'LEFT', 'LEFT', '0'], ['BRPOPLPUSH', 'str', 'd', '0'],
      ['BLMPOP', '0', '1', 'str', 'LEFT'],
    ];
    for (const cmd of commands) assert.equal(raw(s, ...cmd), WRONGTYPE, cmd.join(' '));
    raw(s, 'RPUSH', 'l', 'a');
    assert.equal(raw(s, 'LMOVE', 'l', 'str', 'LEFT', 'LEFT'), WRONGTYPE);
    assert.equal(raw(s, 'LRANGE', 'l', '0', '-1'), arr(bulk('a')));
    assert.equal(raw(s, 'GET', 'str'), bulk('v'));
    db.close();
  });

  it('treat an expired list as missing', async () => {
    const { db, s } = fresh();
    raw(s, 'RPUSH', 'l', 'a', 'b');
    raw(s, 'PEXPIRE', 'l', '1');
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(raw(s, 'RPUSHX', 'l', 'c'), int(0));
    assert.equal(raw(s, 'LLEN', 'l'), int(0));
    assert.equal(raw(s, 'LPOP', 'l', '1'), '*-1\r\n');
    assert.equal(raw(s, 'RPUSH', 'l', 'c'), int(1));
    assert.equal(raw(s, 'TTL', 'l'), int(-1));
    db.close();
  });

  it('LMOVE of a list onto itself rotates it, a one-element list included', () => {
    const { db, s } = fresh();
    raw(s, 'RPUSH', 'l', 'a', 'b', 'c');
    assert.equal(raw(s, 'LMOVE', 'l', 'l', 'LEFT', 'RIGHT'), bulk('a'));
    assert.equal(raw(s, 'LRANGE', 'l', '0', '-1'), arr(bulk('b'), bulk('c'), bulk('a')));
    raw(s, 'RPUSH', 'one', 'x');
    assert.equal(raw(s, 'RPOPLPUSH', 'one', 'one'), bulk('x'));
    assert.equal(raw(s, 'LRANGE', 'one', '0', '-1'), arr(bulk('x')));
    db.close();
  });

  it('keeps a TTL across conversions in both directions', () => {
    const { db, s } = fresh({ 'list-max-listpack-size': 2 });
    raw(s, 'RPUSH', 'l', 'a');
    raw(s, 'EXPIRE', 'l', '1000');
    raw(s, 'RPUSH', 'l', 'b', 'c');
    assert.equal(encoding(s, 'l'), bulk('quicklist'));
    raw(s, 'RPOP', 'l', '2');
    assert.equal(encoding(s, 'l'), bulk('listpack'));
    assert.equal(raw(s, 'TTL', 'l'), int(1000));
    db.close();
  });
});
