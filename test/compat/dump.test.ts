/**
 * DUMP and RESTORE against real Redis: payloads byte for byte where both servers hold a value
 * in the same encoding (strings, intsets, listpacks, quicklists, skiplists), RESTORE's options
 * and errors, and payloads carried both ways between the servers for every type, compared by
 * content where the encodings differ (hash tables iterate in another order; a small set of
 * strings is a listpack in Redis 7.2 and cachica, a hashtable in the 7.0 oracle).
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineScenarios, useBed, type Scenario } from './bed.js';
import { crc64 } from '../../src/persistence/crc64.js';
import type { RawConnection } from '../helpers/raw-connection.js';

const many = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

// ---------------------------------------------------------------------------------------------
// Payloads in the compact forms of Redis 2.6 to 6.2 (ziplist, zipmap), built here by their spec
// ---------------------------------------------------------------------------------------------

/** One ziplist entry's encoding and data (ziplist.c's zipStoreEntryEncoding). */
function zipEntry(v: string): Buffer {
  if (/^-?[0-9]+$/.test(v) && String(BigInt(v)) === v) {
    const n = BigInt(v);
    if (n >= 0n && n <= 12n) return Buffer.from([0xf1 + Number(n)]);
    if (n >= -128n && n <= 127n) return Buffer.from([0xfe, Number(n) & 0xff]);
    if (n >= -32768n && n <= 32767n) return Buffer.concat([Buffer.from([0xc0]), int(2, n)]);
    if (n >= -8388608n && n <= 8388607n) return Buffer.concat([Buffer.from([0xf0]), int(3, n)]);
    if (n >= -2147483648n && n <= 2147483647n) return Buffer.concat([Buffer.from([0xd0]), int(4, n)]);
    return Buffer.concat([Buffer.from([0xe0]), int(8, n)]);
  }
  // A ziplist string's header has the form of an RDB length: 6, 14 or 32 bits.
  return rdbBlob(Buffer.from(v, 'latin1'));
}

function int(bytes: number, n: bigint): Buffer {
  const b = Buffer.alloc(bytes);
  let u = BigInt.asUintN(bytes * 8, n);
  for (let i = 0; i < bytes; i++, u >>= 8n) b[i] = Number(u & 0xffn);
  return b;
}

function ziplist(values: string[]): Buffer {
  const entries: Buffer[] = [];
  let prev = 0;
  let tail = 10;
  let at = 10;
  for (const v of values) {
    const prevlen = prev < 254 ? Buffer.from([prev]) : Buffer.concat([Buffer.from([0xfe]), int(4, BigInt(prev))]);
    const entry = Buffer.concat([prevlen, zipEntry(v)]);
    tail = at;
    at += entry.length;
    prev = entry.length;
    entries.push(entry);
  }
  const body = Buffer.concat(entries);
  const head = Buffer.alloc(10);
  head.writeUInt32LE(10 + body.length + 1, 0);
  head.writeUInt32LE(values.length === 0 ? 10 : tail, 4);
  head.writeUInt16LE(values.length, 8);
  return Buffer.concat([head, body, Buffer.from([0xff])]);
}

function zipmap(pairs: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from([pairs.length / 2])];
  for (let i = 0; i < pairs.length; i += 2) {
    const f = Buffer.from(pairs[i], 'latin1');
    const v = Buffer.from(pairs[i + 1], 'latin1');
    parts.push(Buffer.from([f.length]), f, Buffer.from([v.length, 2]), v, Buffer.alloc(2));
  }
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

/** An RDB string holding `blob` verbatim (length-prefixed). */
function rdbBlob(blob: Buffer): Buffer {
  if (blob.length < 64) return Buffer.concat([Buffer.from([blob.length]), blob]);
  if (blob.length < 16384) return Buffer.concat([Buffer.from([0x40 | (blob.length >> 8), blob.length & 0xff]), blob]);
  const head = Buffer.alloc(5);
  head[0] = 0x80;
  head.writeUInt32BE(blob.length, 1);
  return Buffer.concat([head, blob]);
}

/** A DUMP payload of RDB version 9 (Redis 5 and 6): the value, the version, the CRC64. */
function payload(value: Buffer): Buffer {
  const body = Buffer.concat([value, Buffer.from([9, 0])]);
  const crc = Buffer.alloc(8);
  crc.writeBigUInt64LE(crc64(body));
  return Buffer.concat([body, crc]);
}

const LEGACY_LIST = ['a', '1', '-5', '12', '13', '300', '-70000', '5000000000', 'x'.repeat(70), '-9223372036854775808'];

const scenarios: Scenario[] = [
  {
    name: 'DEBUG DIGEST and DIGEST-VALUE are Redis\'s, whatever the encodings',
    steps: [
      ['DEBUG', 'DIGEST'],
      ['SET', 'str', 'hello'],
      ['SET', 'int', '12345'],
      ['SET', 'ttl', 'x', 'EX', '1000'],
      ['RPUSH', 'list', 'a', '1', '-2', 'x'.repeat(70)],
      ['RPUSH', 'biglist', ...many('e', 200)],
      ['SADD', 'iset', '5', '-1', '70000'],
      ['SADD', 'sset', 'a', 'b', 'c'],
      ['SADD', 'bigset', ...many('m', 600)],
      ['HSET', 'hash', 'f1', 'v1', 'f2', '2'],
      ['HSET', 'bighash', ...many('f', 1200)],
      ['ZADD', 'zset', '1', 'a', '0.1', 'b', '-1e300', 'c', 'inf', 'd'],
      ['ZADD', 'bigzset', ...many('z', 300).flatMap((m, i) => [String(i / 7), m])],
      ['XADD', 'stream', '1-1', 'f', 'v', 'n', '7'],
      ['XADD', 'stream', '1-2', 'f', 'w', 'n', '8'],
      ['XADD', 'stream', '2-0', 'other', 'field'],
      ['SELECT', '3'],
      ['SET', 'str', 'hello'],
      ['SELECT', '0'],
      ['DEBUG', 'DIGEST'],
      ['DEBUG', 'DIGEST-VALUE', 'str', 'int', 'ttl', 'list', 'biglist', 'iset', 'sset', 'bigset', 'hash', 'bighash', 'zset', 'bigzset', 'stream', 'missing'],
      ['DEBUG', 'DIGEST-VALUE'],
    ],
  },
  {
    name: 'RESTORE reads the ziplist, quicklist and zipmap payloads of Redis 2.6 to 6.2',
    steps: [
      ['RESTORE', 'zl-list', '0', payload(Buffer.concat([Buffer.from([10]), rdbBlob(ziplist(LEGACY_LIST))]))],
      ['LRANGE', 'zl-list', '0', '-1'],
      ['RESTORE', 'ql-list', '0', payload(Buffer.concat([Buffer.from([14, 2]), rdbBlob(ziplist(['p', 'q'])), rdbBlob(ziplist(LEGACY_LIST))]))],
      ['LRANGE', 'ql-list', '0', '-1'],
      ['RESTORE', 'zl-hash', '0', payload(Buffer.concat([Buffer.from([13]), rdbBlob(ziplist(['f1', 'v1', 'f2', '12', 'f3', '-70000']))]))],
      ['HGETALL', 'zl-hash'],
      ['RESTORE', 'zl-zset', '0', payload(Buffer.concat([Buffer.from([12]), rdbBlob(ziplist(['m1', '-2', 'm2', '1.5', 'm3', '300']))]))],
      ['ZRANGE', 'zl-zset', '0', '-1', 'WITHSCORES'],
      ['RESTORE', 'zm-hash', '0', payload(Buffer.concat([Buffer.from([9]), rdbBlob(zipmap(['name', 'ann', 'age', '42']))]))],
      ['HGETALL', 'zm-hash'],
      // Damaged: a ziplist whose size field lies, and a hash ziplist with an odd entry count.
      ['RESTORE', 'bad1', '0', payload(Buffer.concat([Buffer.from([10]), rdbBlob(Buffer.concat([ziplist(['a', 'b']).subarray(0, -1), Buffer.from([0, 0xff])]))]))],
      ['RESTORE', 'bad2', '0', payload(Buffer.concat([Buffer.from([13]), rdbBlob(ziplist(['f1', 'v1', 'f2']))]))],
      ['EXISTS', 'bad1', 'bad2'],
    ],
  },
  {
    name: 'DUMP payloads of strings and compact collections are Redis\'s bytes',
    steps: [
      ['SET', 'str', 'hello'],
      ['SET', 'int', '12345'],
      ['SET', 'neg', '-7'],
      ['SET', 'long', 'abc'.repeat(40)],
      ['SET', 'bin', Buffer.from([0, 255, 13, 10, 128])],
      ['RPUSH', 'list', 'a', 'b', '1', '-2', 'x'.repeat(70)],
      ['SADD', 'iset', '5', '-1', '70000', '9223372036854775807'],
      ['HSET', 'hash', 'f1', 'v1', 'f2', '2'],
      ['ZADD', 'zset', '1', 'a', '2.5', 'b', '-1', 'c', 'inf', 'd'],
      ['PFADD', 'hll', 'a', 'b', 'c'],
      ['SETBIT', 'bits', '100', '1'],
      ['DUMP', 'str'],
      ['DUMP', 'int'],
      ['DUMP', 'neg'],
      ['DUMP', 'long'],
      ['DUMP', 'bin'],
      ['DUMP', 'iset'],
      ['DUMP', 'hash'],
      ['DUMP', 'zset'],
      ['DUMP', 'hll'],
      ['DUMP', 'bits'],
      ['DUMP', 'missing'],
    ],
  },
  {
    name: 'DUMP payloads of a quicklist and a skiplist are Redis\'s bytes',
    steps: [
      ['RPUSH', 'big', ...many('element-', 3000)],
      ['ZADD', 'bz', ...many('z', 300).flatMap((m, i) => [String(i % 17), m])],
      ['DUMP', 'big'],
      ['DUMP', 'bz'],
    ],
  },
  {
    name: 'RESTORE: options, TTLs, BUSYKEY, REPLACE, and what each error says',
    steps: [
      ['SET', 'src', 'value'],
      ['SET', 'taken', 'x'],
      // A payload Redis 7.0 wrote for the string "value".
      ['RESTORE', 'r1', '0', Buffer.from('000576616c75650a00d2c2e3b9c6d0c5b6', 'hex')],
      ['GET', 'r1'],
      ['RESTORE', 'taken', '0', Buffer.from('000576616c75650a00d2c2e3b9c6d0c5b6', 'hex')],
      ['RESTORE', 'taken', '0', Buffer.from('000576616c75650a00d2c2e3b9c6d0c5b6', 'hex'), 'REPLACE'],
      ['GET', 'taken'],
      ['RESTORE', 'ttl', '100000', Buffer.from('000576616c75650a00d2c2e3b9c6d0c5b6', 'hex')],
      { cmd: ['PTTL', 'ttl'], compare: 'ttl', tolerance: 1000 },
      ['RESTORE', 'past', '1', Buffer.from('000576616c75650a00d2c2e3b9c6d0c5b6', 'hex'), 'ABSTTL'],
      ['EXISTS', 'past'],
      ['RESTORE', 'taken', '1', Buffer.from('000576616c75650a00d2c2e3b9c6d0c5b6', 'hex'), 'ABSTTL', 'REPLACE'],
      ['EXISTS', 'taken'],
      ['RESTORE', 'idle', '0', Buffer.from('000576616c75650a00d2c2e3b9c6d0c5b6', 'hex'), 'IDLETIME', '1000'],
      ['OBJECT', 'IDLETIME', 'idle'],
      ['RESTORE', 'e', '-1', Buffer.from('000576616c75650a00d2c2e3b9c6d0c5b6', 'hex')],
      ['RESTORE', 'e', 'x', Buffer.from('000576616c75650a00d2c2e3b9c6d0c5b6', 'hex')],
      ['RESTORE', 'e', '0', Buffer.from('000576616c75650a00d2c2e3b9c6d0c5b7', 'hex')],
      ['RESTORE', 'e', '0', Buffer.from('0005766175650a00d2c2e3b9c6d0c5b6', 'hex')],
      ['RESTORE', 'e', '0', 'short'],
      ['RESTORE', 'e', '0', Buffer.from('000576616c75650c00d2c2e3b9c6d0c5b6', 'hex')],
      ['RESTORE', 'e', '0', Buffer.from('000576616c75650a00d2c2e3b9c6d0c5b6', 'hex'), 'IDLETIME', '-1'],
      ['RESTORE', 'e', '0', Buffer.from('000576616c75650a00d2c2e3b9c6d0c5b6', 'hex'), 'FREQ', '256'],
      ['RESTORE', 'e', '0', Buffer.from('000576616c75650a00d2c2e3b9c6d0c5b6', 'hex'), 'IDLETIME', '1', 'FREQ', '1'],
      ['RESTORE', 'e', '0', Buffer.from('000576616c75650a00d2c2e3b9c6d0c5b6', 'hex'), 'BOGUS'],
      ['RESTORE', 'e', '0', Buffer.from('000576616c75650a00d2c2e3b9c6d0c5b6', 'hex'), 'IDLETIME'],
      ['RESTORE', 'e', '0'],
      ['EXISTS', 'e'],
    ],
  },
  {
    name: 'DUMP payloads of streams, with deletions, trimming and consumer groups, are Redis\'s bytes',
    steps: [
      ['XADD', 's', '1-1', 'a', '1', 'b', '2'],
      ['XADD', 's', '1-2', 'a', '3', 'b', '4'],
      ['XADD', 's', '2-1', 'c', 'x'.repeat(50)],
      ['DUMP', 's'],
      ['XDEL', 's', '1-2'],
      ['DUMP', 's'],
      ['XGROUP', 'CREATE', 's', 'g1', '0'],
      ['XGROUP', 'CREATE', 's', 'g0', '$', 'ENTRIESREAD', '3'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g1', 'idle'],
      ['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '1', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g1', 'bob', 'STREAMS', 's', '>'],
      ['XACK', 's', 'g1', '2-1'],
      // The groups carry delivery and seen times, which are each server's clock: the bytes up
      // to them are compared here, the groups after a carry (below).
      { cmd: ['DUMP', 's'], compare: (r: Buffer) => r.subarray(0, r.indexOf('\x02g0', 0, 'latin1')).toString('latin1') },
      ...many('', 250).map((_, i) => ['XADD', 'long', 'MAXLEN', '150', `5-${i + 1}`, 'field', `value${i}`]),
      ['DUMP', 'long'],
      ['XADD', 'empty', '7-7', 'f', 'v'],
      ['XDEL', 'empty', '7-7'],
      ['DUMP', 'empty'],
    ],
  },
];

/** DUMP `key` on `from` and RESTORE it as `to` on `into`. */
async function carry(from: RawConnection, into: RawConnection, key: string, to: string): Promise<void> {
  const reply = await from.call(['DUMP', key]);
  const header = reply.indexOf('\r\n');
  assert.equal(String.fromCharCode(reply[0]), '$', `DUMP ${key}: ${reply.toString('latin1')}`);
  const payload = reply.subarray(header + 2, reply.length - 2);
  assert.equal((await into.call(['RESTORE', to, '0', payload])).toString('latin1'), '+OK\r\n', `RESTORE ${to}`);
}

describe('DUMP and RESTORE', () => {
  const bed = useBed();
  defineScenarios(bed, scenarios);

  it('carries every type from Redis to cachica and back, values intact', async () => {
    const redis = bed().oracle.admin;
    const cachica = bed().subject.admin;
    const setups: [string, string[], string[]][] = [
      ['string', ['SET', 'k', 'x'.repeat(300)], ['GET', 'k']],
      ['small list', ['RPUSH', 'k', 'a', '1', 'b'], ['LRANGE', 'k', '0', '-1']],
      ['big list', ['RPUSH', 'k', ...many('el', 5000)], ['LRANGE', 'k', '0', '-1']],
      ['intset', ['SADD', 'k', '3', '1', '2'], ['SMEMBERS', 'k']],
      ['small set', ['SADD', 'k', 'a', 'b', 'c'], ['SMEMBERS', 'k']],
      ['big set', ['SADD', 'k', ...many('m', 1000)], ['SMEMBERS', 'k']],
      ['small hash', ['HSET', 'k', 'a', '1', 'b', '2'], ['HGETALL', 'k']],
      ['big hash', ['HSET', 'k', ...many('f', 2000)], ['HGETALL', 'k']],
      ['long values', ['HSET', 'k', 'f', 'v'.repeat(100)], ['HGETALL', 'k']],
      ['small zset', ['ZADD', 'k', '1', 'a', '-2', 'b'], ['ZRANGE', 'k', '0', '-1', 'WITHSCORES']],
      ['big zset', ['ZADD', 'k', ...many('z', 500).flatMap((m, i) => [String(i / 7), m])], ['ZRANGE', 'k', '0', '-1', 'WITHSCORES']],
      ['stream', ['XADD', 'k', '3-1', 'a', '1'], ['XRANGE', 'k', '-', '+']],
      ['stream with a group', ['XGROUP', 'CREATE', 'k', 'g', '0', 'MKSTREAM'], ['XINFO', 'GROUPS', 'k']],
    ];
    const items = (b: Buffer): string[] => b.toString('latin1').split('\r\n').sort();
    try {
      for (const [name, setup, read] of setups) {
        await redis.call(['DEL', 'k', 'from-cachica', 'from-redis']);
        await cachica.call(['DEL', 'k', 'from-cachica', 'from-redis']);
        await redis.call(setup);
        await cachica.call(setup);
        await carry(redis, cachica, 'k', 'from-redis');
        await carry(cachica, redis, 'k', 'from-cachica');
        const at = (key: string): string[] => read.map((a) => (a === 'k' ? key : a));
        const expected = items(await redis.call(read));
        assert.deepEqual(items(await cachica.call(at('from-redis'))), expected, `${name}: Redis's payload restored in cachica`);
        assert.deepEqual(items(await redis.call(at('from-cachica'))), expected, `${name}: cachica's payload restored in Redis`);
        assert.deepEqual(
          await cachica.call(['OBJECT', 'ENCODING', 'from-redis']),
          await cachica.call(['OBJECT', 'ENCODING', 'k']),
          `${name}: encoding after RESTORE`,
        );
      }
    } finally {
      await redis.call(['FLUSHALL']);
      await cachica.call(['FLUSHALL']);
    }
  });

  it('carries a stream with consumer groups and pending entries both ways', async () => {
    const redis = bed().oracle.admin;
    const cachica = bed().subject.admin;
    const setup = [
      ['XADD', 'k', '1-1', 'a', '1'],
      ['XADD', 'k', '1-2', 'b', '2'],
      ['XADD', 'k', '2-1', 'c', '3', 'd', '4'],
      ['XDEL', 'k', '1-2'],
      ['XGROUP', 'CREATE', 'k', 'g', '0'],
      ['XGROUP', 'CREATE', 'k', 'h', '$'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '1', 'STREAMS', 'k', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 'k', '>'],
      ['XGROUP', 'CREATECONSUMER', 'k', 'h', 'carol'],
    ];
    const reads = (key: string): string[][] => [
      ['XRANGE', key, '-', '+'],
      ['XLEN', key],
      ['XINFO', 'GROUPS', key],
      ['XPENDING', key, 'g'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', key, '0'],
      ['XADD', key, '*', 'after', 'restore'],
    ];
    try {
      for (const cmd of setup) {
        await redis.call(cmd);
        await cachica.call(cmd);
      }
      await carry(redis, cachica, 'k', 'from-redis');
      await carry(cachica, redis, 'k', 'from-cachica');
      // XADD's new ID is the clock's, and XREADGROUP names the key: both normalized.
      const normal = (reply: Buffer, key: string): string =>
        reply.toString('latin1').replace(/\$15\r\n\d{13}-0/, 'ID').replace(`$${key.length}\r\n${key}\r\n`, 'KEY');
      const expected: string[] = [];
      for (const cmd of reads('k')) expected.push(normal(await redis.call(cmd), 'k'));
      for (const [conn, key] of [[cachica, 'from-redis'], [redis, 'from-cachica']] as const) {
        const got: string[] = [];
        for (const cmd of reads(key)) got.push(normal(await conn.call(cmd), key));
        assert.deepEqual(got, expected, key);
      }
    } finally {
      await redis.call(['FLUSHALL']);
      await cachica.call(['FLUSHALL']);
    }
  });

  it('carries hashes with field expiry (Redis 7.4, RDB 12), which the 7.0 oracle refuses', async () => {
    const redis = bed().oracle.admin;
    const cachica = bed().subject.admin;
    try {
      await cachica.call(['HSET', 'small', 'a', '1', 'b', '2', 'c', '3']);
      await cachica.call(['HPEXPIRE', 'small', '100000', 'FIELDS', '1', 'b']);
      await cachica.call(['HSET', 'big', ...many('f', 1200)]);
      await cachica.call(['HPEXPIRE', 'big', '200000', 'FIELDS', '2', 'f4', 'f8']);
      for (const [key, encoding] of [['small', 'listpackex'], ['big', 'hashtable']] as const) {
        const reply = await cachica.call(['DUMP', key]);
        const payload = reply.subarray(reply.indexOf('\r\n') + 2, reply.length - 2);
        assert.equal(payload[payload.length - 10], 12, 'RDB version 12');
        assert.equal((await cachica.call(['RESTORE', `${key}2`, '0', payload])).toString('latin1'), '+OK\r\n');
        assert.equal((await cachica.call(['OBJECT', 'ENCODING', `${key}2`])).toString('latin1'), `$${encoding.length}\r\n${encoding}\r\n`);
        assert.deepEqual(await cachica.call(['HGETALL', `${key}2`]), await cachica.call(['HGETALL', key]));
        assert.deepEqual(await cachica.call(['HEXPIRETIME', `${key}2`, 'FIELDS', '3', 'a', 'b', 'f4']), await cachica.call(['HEXPIRETIME', key, 'FIELDS', '3', 'a', 'b', 'f4']));
        assert.equal((await redis.call(['RESTORE', key, '0', payload])).toString('latin1'), '-ERR DUMP payload version or checksum are wrong\r\n');
      }
      // Fields whose deadline has passed are not restored; a hash left with none is not created.
      await cachica.call(['HSET', 'brief', 'x', '1']);
      await cachica.call(['HPEXPIRE', 'brief', '50', 'FIELDS', '1', 'x']);
      const reply = await cachica.call(['DUMP', 'brief']);
      const payload = reply.subarray(reply.indexOf('\r\n') + 2, reply.length - 2);
      await new Promise((r) => setTimeout(r, 120));
      assert.equal((await cachica.call(['RESTORE', 'brief2', '0', payload])).toString('latin1'), '+OK\r\n');
      assert.equal((await cachica.call(['EXISTS', 'brief2'])).toString('latin1'), ':0\r\n');
    } finally {
      await redis.call(['FLUSHALL']);
      await cachica.call(['FLUSHALL']);
    }
  });

  it('refuses damaged payloads without storing anything', async () => {
    const cachica = bed().subject.admin;
    await cachica.call(['RPUSH', 'k', 'a', 'b', 'c']);
    await cachica.call(['HSET', 'h', ...many('f', 20)]);
    await cachica.call(['XADD', 's', '1-1', 'a', '1', 'b', '2']);
    await cachica.call(['XADD', 's', '1-2', 'a', '3', 'c', '4']);
    await cachica.call(['XGROUP', 'CREATE', 's', 'g', '0']);
    await cachica.call(['XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', '1', 'STREAMS', 's', '>']);
    for (const key of ['k', 'h', 's']) {
      const reply = await cachica.call(['DUMP', key]);
      const payload = Buffer.from(reply.subarray(reply.indexOf('\r\n') + 2, reply.length - 2));
      for (let i = 0; i < payload.length - 10; i++) {
        // Change one byte of the value and fix the checksum, so the value's own checks must catch it.
        const damaged = Buffer.from(payload);
        damaged[i] ^= 0x5a;
        damaged.writeBigUInt64LE(crc64(damaged, 0, damaged.length - 8), damaged.length - 8);
        const r = (await cachica.call(['RESTORE', 'out', '0', damaged, 'REPLACE'])).toString('latin1');
        assert.ok(r === '+OK\r\n' || r === '-ERR Bad data format\r\n', `byte ${i} of ${key}: ${r}`);
        // Whatever was accepted must be readable whole.
        if (r === '+OK\r\n') {
          for (const cmd of [['DUMP', 'out'], ['TYPE', 'out'], ['XRANGE', 'out', '-', '+'], ['XREVRANGE', 'out', '+', '-'], ['XINFO', 'STREAM', 'out', 'FULL'], ['LRANGE', 'out', '-100', '100'], ['HGETALL', 'out']]) {
            await cachica.call(cmd);
          }
        }
        await cachica.call(['DEL', 'out']);
      }
      assert.equal((await cachica.call(['PING'])).toString('latin1'), '+PONG\r\n');
    }
    await cachica.call(['FLUSHALL']);
  });
});
