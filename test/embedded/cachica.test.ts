import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cachica, ReplyError } from '../../src/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('typed helpers and command() give the replies a RESP3 client decodes', async () => {
  const db = new Cachica();
  try {
    assert.equal(await db.set('session:1', 'alice', { EX: 3600 }), 'OK');
    assert.equal(await db.get('session:1'), 'alice');
    assert.ok((await db.ttl('session:1')) > 3500);
    assert.equal(await db.set('session:1', 'bob', { NX: true }), null);
    assert.equal(await db.set('session:1', 'carol', { XX: true, GET: true }), 'alice');
    assert.equal(await db.incr('n'), 1);
    assert.equal(await db.incrBy('n', 9007199254740990n), 9007199254740991);
    assert.equal(await db.incrBy('n', 1), 9007199254740992n, 'past 2^53 the reply is a bigint, exactly');
    assert.equal(await db.command('INCRBYFLOAT', 'f', '0.1'), '0.1');
    assert.equal(await db.mset({ a: '1', b: '2' }), 'OK');
    assert.deepEqual(await db.mget('a', 'b', 'missing'), ['1', '2', null]);
    assert.equal(await db.exists('a', 'a', 'missing'), 2);
    assert.equal(await db.expire('a', 100), 1);
    assert.deepEqual((await db.keys('[ab]')).sort(), ['a', 'b']);
    assert.equal(await db.del('a', 'b'), 2);
    assert.equal(db.commandSync('GET', 'session:1'), 'carol');
    const hello = (await db.command('HELLO')) as Record<string, unknown>;
    assert.equal(hello.proto, 3, 'the embedded session speaks RESP3');
  } finally {
    db.close();
  }
});

test('error replies are thrown or rejected as ReplyError, and change nothing', async () => {
  const db = new Cachica();
  try {
    await db.set('k', 'not a number');
    await assert.rejects(db.command('INCR', 'k'), (e: unknown) => e instanceof ReplyError && e.code === 'ERR' && /not an integer/.test(e.message));
    assert.throws(() => db.commandSync('INCR', 'k', 'extra'), /wrong number of arguments for 'incr' command/);
    assert.throws(() => db.commandSync('NOSUCH'), /unknown command 'NOSUCH'/);
    assert.equal(await db.get('k'), 'not a number');
  } finally {
    db.close();
  }
});

test('sessions share the data but each has its own database and protocol', async () => {
  const db = new Cachica({ config: { databases: 4 } });
  const other = db.session();
  try {
    await db.set('shared', 'x');
    assert.equal(await other.get('shared'), 'x');
    assert.equal(await other.select(3), 'OK');
    assert.equal(await other.get('shared'), null);
    await other.set('in3', 'y');
    assert.equal(await db.get('in3'), null);
    assert.throws(() => db.commandSync('SELECT', 4), /DB index is out of range/);
    assert.equal(db.raw(['HELLO', '2']).subarray(0, 5).toString(), '*14\r\n', 'raw() returns the exact RESP bytes');
    assert.equal(db.raw(['GET', 'nothing']).toString(), '$-1\r\n');
  } finally {
    other.close();
    db.close();
  }
});

test('binary values round-trip with returnBuffers', async () => {
  const db = new Cachica({ returnBuffers: true });
  try {
    const bytes = Buffer.from([0, 255, 13, 10, 128]);
    await db.set(Buffer.from([1, 2]), bytes);
    assert.deepEqual(await db.get(Buffer.from([1, 2])), bytes);
  } finally {
    db.close();
  }
});

test('streams, HyperLogLog and geo run in-process as over a socket', async () => {
  const db = new Cachica();
  try {
    assert.equal(await db.command('XADD', 'orders', '1-1', 'item', 'book'), '1-1');
    assert.equal(await db.command('XGROUP', 'CREATE', 'orders', 'shipping', '0'), 'OK');
    // A RESP3 map decodes to an object without a prototype.
    const read = (await db.command('XREADGROUP', 'GROUP', 'shipping', 'w1', 'STREAMS', 'orders', '>')) as Record<string, unknown>;
    assert.deepEqual({ ...read }, { orders: [['1-1', ['item', 'book']]] });
    assert.equal(await db.command('XACK', 'orders', 'shipping', '1-1'), 1);
    assert.equal(await db.command('PFADD', 'visitors', 'ada', 'bob', 'ada'), 1);
    assert.equal(await db.command('PFCOUNT', 'visitors'), 2);
    assert.equal(await db.command('GEOADD', 'places', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'), 2);
    assert.equal(await db.command('GEODIST', 'places', 'Palermo', 'Catania', 'km'), '166.2742');
    assert.deepEqual(await db.command('GEOSEARCH', 'places', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC', 'WITHDIST'), [
      ['Catania', '56.4413'],
      ['Palermo', '190.4424'],
    ]);
    assert.deepEqual(await db.command('GEOPOS', 'places', 'Palermo'), [[13.361389338970184, 38.1155563954963]]);
  } finally {
    db.close();
  }
});

test('Cachica.open() loads the AOF and writes it; the constructor refuses appendonly yes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cachica-embedded-'));
  try {
    const options = { config: { dir, appendonly: 'yes', appendfsync: 'always' } };
    assert.throws(() => new Cachica(options), /use await Cachica\.open\(options\)/);
    const first = await Cachica.open(options);
    await first.command('RPUSH', 'jobs', 'a', 'b');
    await first.command('INCRBYFLOAT', 'f', '0.5');
    first.close();
    const second = await Cachica.open(options);
    assert.deepEqual(await second.command('LRANGE', 'jobs', '0', '-1'), ['a', 'b']);
    assert.equal(await second.command('GET', 'f'), '0.5');
    second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('EVAL runs in-process once Cachica.open() has started Lua', async () => {
  const db = await Cachica.open();
  try {
    assert.equal(await db.command('EVAL', "return redis.call('INCRBY', KEYS[1], ARGV[1])", 1, 'n', 5), 5);
    assert.deepEqual(await db.command('EVAL', 'return {KEYS[1], ARGV[1]}', 1, 'k', 'v'), ['k', 'v']);
  } finally {
    db.close();
  }
});

test('a script past busy-reply-threshold goes on for an awaited call, and stops for a synchronous one', async () => {
  const db = await Cachica.open({ config: { 'busy-reply-threshold': '50' } });
  try {
    const session = db.session();
    const running = session.command('EVAL', 'local n = 0 for i = 1, 30000000 do n = n + 1 end return n', '0');
    await new Promise((r) => setTimeout(r, 150));
    assert.throws(() => db.commandSync('PING'), /^ReplyError: BUSY Redis is busy running a script/);
    assert.equal(await running, 30000000);
    assert.throws(() => db.commandSync('EVAL', 'while true do end', '0'), /busy-reply-threshold \(50 ms\) and was stopped: its caller cannot wait for it/);
    assert.equal(db.commandSync('PING'), 'PONG');
  } finally {
    db.close();
  }
});
