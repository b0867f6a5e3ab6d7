/**
 * Keyspace commands (src/commands/keys.ts): every command, option, error and edge case through
 * the embedded API's raw replies, in RESP2 and RESP3, with the clock frozen where time matters;
 * SCAN's guarantee while the table grows; values of types that have no family yet, to hold the
 * handlers to being type-agnostic; and a seeded random differential run against a real
 * redis-server, byte for byte.
 */

import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cachica } from '../../src/embedded/cachica.js';
import { objectCopier, registerKeyType, type ModuleValue } from '../../src/commands/keys.js';
import { base, EntryFlag, LRU_MASK, META, ValueType } from '../../src/store/entries.js';
import type { Database } from '../../src/store/database.js';
import { decodeFrame, escapeBytes, RawConnection } from '../helpers/raw-connection.js';
import { startRedis, type RunningServer } from '../helpers/servers.js';
import { mulberry32 } from '../helpers/prng.js';

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

type Arg = string | Buffer;

/** Strings are latin1 (one char per byte) both ways, so binary keys read naturally. */
const latin1 = (a: Arg): Buffer => (typeof a === 'string' ? Buffer.from(a, 'latin1') : a);

class Harness {
  readonly db: Cachica;

  constructor(
    readonly protocol: 2 | 3,
    config: Record<string, string | number> = {},
  ) {
    this.db = new Cachica({ config });
    this.db.raw(['HELLO', String(protocol)]);
  }

  /** Run a command; the raw reply as a latin1 string. */
  run(...args: Arg[]): string {
    return this.db.raw(args.map(latin1)).toString('latin1');
  }

  get store() {
    return this.db.internals.store;
  }

  database(index = 0): Database {
    return this.store.databases[index];
  }

  /** The entry of `key` in database `index` (0 when missing). */
  entry(key: Arg, index = 0): number {
    const k = latin1(key);
    return this.database(index).find(k, 0, k.length);
  }

  get nil(): string {
    return this.protocol === 2 ? '$-1\r\n' : '_\r\n';
  }

  close(): void {
    this.db.close();
  }
}

const OK = '+OK\r\n';
const int = (n: number | bigint | string): string => `:${n}\r\n`;
const bulk = (s: Arg): string => `$${latin1(s).length}\r\n${latin1(s).toString('latin1')}\r\n`;
const arr = (...items: string[]): string => `*${items.length}\r\n${items.join('')}`;
const err = (message: string): string => `-${message}\r\n`;
const status = (s: string): string => `+${s}\r\n`;

/** The elements of an array reply of bulk strings, sorted (order is unspecified). */
function sortedBulks(reply: string): string[] {
  const frame = decodeFrame(Buffer.from(reply, 'latin1'));
  assert.equal(frame.type, '*', `not an array: ${reply}`);
  return (frame.items ?? []).map((item) => (item.data as Buffer).toString('latin1')).sort();
}

/** Follow SCAN from cursor 0 to the end; every key returned, with repeats. */
function scanAll(h: Harness, ...options: Arg[]): string[] {
  const keys: string[] = [];
  let cursor = '0';
  for (let calls = 0; ; calls++) {
    assert.ok(calls < 100_000, 'SCAN never returned cursor 0');
    const frame = decodeFrame(Buffer.from(h.run('SCAN', cursor, ...options), 'latin1'));
    const [next, batch] = frame.items ?? [];
    cursor = (next.data as Buffer).toString('latin1');
    for (const item of batch.items ?? []) keys.push((item.data as Buffer).toString('latin1'));
    if (cursor === '0') return keys;
  }
}

/**
 * Date.now frozen at a value the test moves by hand: the engine reads it once per command, so
 * TTL rounding, expiry and idle times become exact.
 */
class FrozenClock {
  private readonly realNow = Date.now;

  constructor(public now = Math.floor(Date.now() / 1000) * 1000) {
    Date.now = () => this.now;
  }

  advance(ms: number): void {
    this.now += ms;
  }

  restore(): void {
    Date.now = this.realNow;
  }
}

/** Overwrite the 24 LRU/LFU clock bits of `key`'s entry, as if it was last touched then. */
function setClockBits(h: Harness, key: string, bits: number): void {
  const id = h.entry(key);
  const chunk = h.store.entries.chunk(id);
  const meta = base(id) + META;
  chunk[meta] = (chunk[meta] & ~LRU_MASK) | bits;
}

/** Every byte value once: a key no text encoding would survive. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const INT64_MAX = '9223372036854775807';

// ---------------------------------------------------------------------------------------------
// Unit tests, each in RESP2 and RESP3
// ---------------------------------------------------------------------------------------------

for (const protocol of [2, 3] as const) {
  describe(`keyspace commands [RESP${protocol}]`, () => {
    let h: Harness;
    let clock: FrozenClock | null = null;

    const fresh = (config: Record<string, string | number> = {}): Harness => {
      h?.close();
      h = new Harness(protocol, config);
      return h;
    };
    const freeze = (at?: number): FrozenClock => (clock = new FrozenClock(at));

    afterEach(() => {
      clock?.restore();
      clock = null;
      h?.close();
    });

    // ------------------------------------------------------------------ DEL, UNLINK, EXISTS
    test('DEL and UNLINK count each key they removed once', () => {
      fresh();
      h.run('SET', 'a', '1');
      h.run('SET', 'b', '2');
      assert.equal(h.run('DEL', 'a', 'missing', 'a'), int(1));
      assert.equal(h.run('UNLINK', 'b', 'b'), int(1));
      assert.equal(h.run('DEL', 'a'), int(0));
      assert.equal(h.run('DBSIZE'), int(0));
    });

    test('binary keys: every byte value, NUL bytes and the empty key', () => {
      fresh();
      for (const key of [ALL_BYTES, Buffer.from([0]), Buffer.from([0xff, 0, 0x61]), Buffer.alloc(0)]) {
        assert.equal(h.run('SET', key, 'v'), OK);
        assert.equal(h.run('EXISTS', key), int(1));
        assert.equal(h.run('TYPE', key), status('string'));
        assert.deepEqual(sortedBulks(h.run('KEYS', key.toString('latin1').replace(/[*?[\\]/g, '\\$&'))), [key.toString('latin1')]);
        assert.equal(h.run('RENAME', key, 'tmp'), OK);
        assert.equal(h.run('RENAME', 'tmp', key), OK);
        assert.equal(h.run('DEL', key), int(1));
      }
      h.run('SET', '', 'empty');
      h.run('SET', ALL_BYTES, 'all');
      assert.deepEqual(sortedBulks(h.run('KEYS', '*')), ['', ALL_BYTES.toString('latin1')].sort());
      assert.deepEqual(scanAll(h).sort(), ['', ALL_BYTES.toString('latin1')].sort());
      assert.equal(h.run('RANDOMKEY').startsWith('$'), true);
    });

    test('the empty key holding an empty value, before the store has any slab', () => {
      fresh();
      h.run('FLUSHALL');
      assert.equal(h.run('SET', '', ''), OK);
      assert.equal(h.store.heap.slabs.length, 0);
      assert.equal(h.run('KEYS', '*'), arr(bulk('')));
      assert.equal(h.run('KEYS', ''), arr(bulk('')));
      assert.equal(h.run('SCAN', '0', 'MATCH', '', 'TYPE', 'string'), arr(bulk('0'), arr(bulk(''))));
      assert.equal(h.run('RANDOMKEY'), bulk(''));
      assert.equal(h.run('OBJECT', 'ENCODING', ''), bulk('embstr'));
      assert.equal(h.run('COPY', '', '', 'DB', '1'), int(1));
      assert.equal(h.run('MOVE', '', '2'), int(1));
      h.run('SELECT', '2');
      assert.equal(h.run('GET', ''), bulk(''));
    });

    test('EXISTS counts a key once per time it is named, and not once expired', () => {
      const c = freeze();
      fresh();
      h.run('SET', 'k', 'v');
      assert.equal(h.run('EXISTS', 'k', 'k', 'missing', 'k'), int(3));
      h.run('PEXPIRE', 'k', '10');
      c.advance(11);
      assert.equal(h.run('EXISTS', 'k'), int(0));
    });

    test('EXISTS, TYPE, TTL and OBJECT count keyspace hits and misses; RENAME does not', () => {
      fresh();
      h.run('SET', 'k', 'v');
      const s = h.store;
      const before = [s.keyspaceHits, s.keyspaceMisses];
      h.run('EXISTS', 'k', 'nope');
      h.run('TYPE', 'k');
      h.run('TTL', 'nope');
      h.run('OBJECT', 'ENCODING', 'k');
      assert.deepEqual([s.keyspaceHits - before[0], s.keyspaceMisses - before[1]], [3, 2]);
      h.run('RENAME', 'k', 'j');
      h.run('PERSIST', 'nope');
      assert.deepEqual([s.keyspaceHits - before[0], s.keyspaceMisses - before[1]], [3, 2]);
    });

    // --------------------------------------------------------------------------------- TYPE
    test('TYPE names strings, missing keys and every other type by its ValueType', () => {
      fresh();
      assert.equal(h.run('TYPE', 'k'), status('none'));
      h.run('SET', 'k', '12');
      assert.equal(h.run('TYPE', 'k'), status('string'));
      const names: [ValueType, string][] = [
        [ValueType.List, 'list'],
        [ValueType.Set, 'set'],
        [ValueType.ZSet, 'zset'],
        [ValueType.Hash, 'hash'],
        [ValueType.Stream, 'stream'],
      ];
      for (const [type, name] of names) {
        const k = Buffer.from(name);
        h.database().setObject(k, 0, k.length, type, []);
        assert.equal(h.run('TYPE', name), status(name));
      }
      const m = Buffer.from('mod');
      h.database().setObject(m, 0, m.length, ValueType.Module, { typeName: 'ReJSON-RL' } satisfies ModuleValue);
      assert.equal(h.run('TYPE', 'mod'), status('ReJSON-RL'));
    });

    // ------------------------------------------------------------------- RENAME, RENAMENX
    test('RENAME of a missing key is an error, even onto itself', () => {
      fresh();
      assert.equal(h.run('RENAME', 'a', 'b'), err('ERR no such key'));
      assert.equal(h.run('RENAME', 'a', 'a'), err('ERR no such key'));
      assert.equal(h.run('RENAMENX', 'a', 'a'), err('ERR no such key'));
    });

    test('RENAME onto itself is OK (RENAMENX: 0) and changes nothing', () => {
      fresh();
      h.run('SET', 'a', 'v');
      h.run('EXPIRE', 'a', '100');
      assert.equal(h.run('RENAME', 'a', 'a'), OK);
      assert.equal(h.run('RENAMENX', 'a', 'a'), int(0));
      assert.equal(h.run('GET', 'a'), bulk('v'));
      assert.equal(h.run('TTL', 'a'), int(100));
    });

    test("RENAME overwrites the target and the target's TTL gives way to the source's", () => {
      fresh();
      h.run('SET', 'src', 'value');
      h.run('SET', 'dst', 'old');
      h.run('EXPIRE', 'dst', '500');
      assert.equal(h.run('RENAME', 'src', 'dst'), OK);
      assert.equal(h.run('GET', 'dst'), bulk('value'));
      assert.equal(h.run('TTL', 'dst'), int(-1), 'the source had no TTL');
      assert.equal(h.run('EXISTS', 'src'), int(0));
      h.run('SET', 'src', 'v2');
      h.run('PEXPIREAT', 'src', '99999999999999');
      assert.equal(h.run('RENAME', 'src', 'dst'), OK);
      assert.equal(h.run('PEXPIRETIME', 'dst'), int(99999999999999));
      assert.equal(h.run('DBSIZE'), int(1));
    });

    test('RENAMENX renames only onto a free name', () => {
      fresh();
      h.run('SET', 'a', '1');
      h.run('SET', 'b', '2');
      assert.equal(h.run('RENAMENX', 'a', 'b'), int(0));
      assert.equal(h.run('GET', 'b'), bulk('2'));
      assert.equal(h.run('RENAMENX', 'a', 'c'), int(1));
      assert.equal(h.run('GET', 'c'), bulk('1'));
      assert.equal(h.run('EXISTS', 'a'), int(0));
    });

    test('RENAME treats an expired target as absent and an expired source as missing', () => {
      const c = freeze();
      fresh();
      h.run('SET', 'a', '1');
      h.run('SET', 'b', '2');
      h.run('PEXPIRE', 'b', '5');
      h.run('SET', 'gone', 'x');
      h.run('PEXPIRE', 'gone', '5');
      c.advance(6);
      assert.equal(h.run('RENAMENX', 'a', 'b'), int(1));
      assert.equal(h.run('RENAME', 'gone', 'z'), err('ERR no such key'));
    });

    // --------------------------------------------------------------------------------- MOVE
    test('MOVE checks the index, then the database, then the key, as Redis', () => {
      fresh();
      h.run('SET', 'a', '1');
      assert.equal(h.run('MOVE', 'a', 'x'), err('ERR value is not an integer or out of range'));
      assert.equal(h.run('MOVE', 'a', '1.5'), err('ERR value is not an integer or out of range'));
      assert.equal(h.run('MOVE', 'a', '99999999999999999999'), err('ERR value is not an integer or out of range'));
      assert.equal(h.run('MOVE', 'a', '2147483648'), err('ERR value is out of range, value must between -2147483648 and 2147483647'));
      assert.equal(h.run('MOVE', 'a', '-2147483649'), err('ERR value is out of range, value must between -2147483648 and 2147483647'));
      assert.equal(h.run('MOVE', 'a', '16'), err('ERR DB index is out of range'));
      assert.equal(h.run('MOVE', 'a', '-1'), err('ERR DB index is out of range'));
      assert.equal(h.run('MOVE', 'a', '0'), err('ERR source and destination objects are the same'));
      assert.equal(h.run('MOVE', 'missing', '0'), err('ERR source and destination objects are the same'));
      assert.equal(h.run('MOVE', 'missing', '1'), int(0));
    });

    test('MOVE carries the value and TTL, and refuses a key present in the target', () => {
      fresh();
      h.run('SET', 'a', 'v');
      h.run('PEXPIREAT', 'a', INT64_MAX);
      assert.equal(h.run('MOVE', 'a', '3'), int(1));
      assert.equal(h.run('EXISTS', 'a'), int(0));
      h.run('SELECT', '3');
      assert.equal(h.run('GET', 'a'), bulk('v'));
      assert.equal(h.run('PEXPIRETIME', 'a'), int(INT64_MAX));
      h.run('SELECT', '0');
      h.run('SET', 'a', 'other');
      assert.equal(h.run('MOVE', 'a', '3'), int(0));
      assert.equal(h.run('GET', 'a'), bulk('other'));
    });

    // --------------------------------------------------------------------------------- COPY
    test('COPY option errors and the same-key check', () => {
      fresh();
      h.run('SET', 'a', '1');
      assert.equal(h.run('COPY', 'a', 'a'), err('ERR source and destination objects are the same'));
      assert.equal(h.run('COPY', 'a', 'a', 'DB', '0'), err('ERR source and destination objects are the same'));
      assert.equal(h.run('COPY', 'missing', 'missing'), err('ERR source and destination objects are the same'));
      assert.equal(h.run('COPY', 'a', 'b', 'DB'), err('ERR syntax error'));
      assert.equal(h.run('COPY', 'a', 'b', 'FOO'), err('ERR syntax error'));
      assert.equal(h.run('COPY', 'a', 'b', 'DB', 'x'), err('ERR value is not an integer or out of range'));
      assert.equal(h.run('COPY', 'a', 'b', 'DB', '16'), err('ERR DB index is out of range'));
      assert.equal(h.run('COPY', 'a', 'b', 'DB', '2147483648'), err('ERR value is out of range, value must between -2147483648 and 2147483647'));
      assert.equal(h.run('COPY', 'a', 'b', 'replace', 'REPLACE'), int(1));
      assert.equal(h.run('COPY', 'missing', 'b'), int(0));
    });

    test('COPY duplicates bytes and TTL, refuses an existing target without REPLACE', () => {
      fresh();
      h.run('SET', 'a', ALL_BYTES);
      h.run('PEXPIREAT', 'a', '99999999999999');
      h.run('SET', 'b', 'old');
      assert.equal(h.run('COPY', 'a', 'b'), int(0));
      assert.equal(h.run('COPY', 'a', 'b', 'REPLACE'), int(1));
      assert.equal(h.run('GET', 'b'), bulk(ALL_BYTES));
      assert.equal(h.run('PEXPIRETIME', 'b'), int(99999999999999));
      assert.equal(h.run('COPY', 'a', 'a', 'DB', '1'), int(1));
      h.run('SELECT', '1');
      assert.equal(h.run('GET', 'a'), bulk(ALL_BYTES));
      assert.equal(h.run('PEXPIRETIME', 'a'), int(99999999999999));
      h.run('SELECT', '0');
      // The copy is independent of its source.
      h.run('SET', 'a', 'changed');
      assert.equal(h.run('GET', 'b'), bulk(ALL_BYTES));
      h.run('SET', 'empty', '');
      assert.equal(h.run('COPY', 'empty', 'empty2'), int(1));
      assert.equal(h.run('GET', 'empty2'), bulk(''));
      assert.equal(h.run('TTL', 'empty2'), int(-1));
    });

    test('COPY keeps the string encoding but never shares an integer', () => {
      fresh();
      h.run('SET', 'n', '5000');
      h.run('SET', 'big', '123456');
      h.run('SET', 'raw', 'abc');
      const db = h.database();
      db.setFlags(h.entry('raw'), EntryFlag.RawEncoding);
      for (const k of ['n', 'big', 'raw']) h.run('COPY', k, `${k}2`);
      assert.equal(h.run('OBJECT', 'ENCODING', 'n2'), bulk('int'));
      assert.equal(h.run('OBJECT', 'REFCOUNT', 'n'), int(2147483647));
      assert.equal(h.run('OBJECT', 'REFCOUNT', 'n2'), int(1));
      assert.equal(h.run('OBJECT', 'ENCODING', 'big2'), bulk('int'));
      assert.equal(h.run('OBJECT', 'ENCODING', 'raw2'), bulk('raw'));
      // Overwriting the copy makes an ordinary string again.
      h.run('SET', 'n2', '7');
      assert.equal(h.run('OBJECT', 'REFCOUNT', 'n2'), int(2147483647));
    });

    test('COPY of a type with no copier registered is refused', () => {
      fresh();
      const k = Buffer.from('s');
      // Type 9 is one no family registers (the META word has room for 16 types).
      h.database().setObject(k, 0, k.length, 9 as ValueType, {});
      assert.equal(h.run('COPY', 's', 't'), err('ERR unknown type object'));
      assert.equal(h.run('EXISTS', 't'), int(0));
    });

    // ----------------------------------------------------------------- EXPIRE and friends
    test('EXPIRE options: unknown ones, and the incompatible pairs', () => {
      fresh();
      h.run('SET', 'k', 'v');
      assert.equal(h.run('EXPIRE', 'k', '10', 'foo'), err('ERR Unsupported option foo'));
      assert.equal(h.run('EXPIRE', 'k', 'abc', 'foo'), err('ERR Unsupported option foo'), 'options are parsed first');
      assert.equal(h.run('EXPIRE', 'k', '10', Buffer.from('a\0b')), err('ERR Unsupported option a'));
      assert.equal(h.run('EXPIRE', 'k', 'abc', 'NX'), err('ERR value is not an integer or out of range'));
      const nxWith = err('ERR NX and XX, GT or LT options at the same time are not compatible');
      assert.equal(h.run('EXPIRE', 'k', '10', 'NX', 'XX'), nxWith);
      assert.equal(h.run('PEXPIRE', 'k', '10', 'gt', 'nx'), nxWith);
      assert.equal(h.run('EXPIREAT', 'k', '10', 'NX', 'LT'), nxWith);
      assert.equal(h.run('PEXPIREAT', 'k', '10', 'GT', 'LT'), err('ERR GT and LT options at the same time are not compatible'));
      assert.equal(h.run('EXPIRE', 'k', '10', 'NX', 'NX'), int(1), 'repeating an option is fine');
      assert.equal(h.run('EXPIRE', 'k', '1e3'), err('ERR value is not an integer or out of range'));
      assert.equal(h.run('EXPIRE', 'k', ' 10'), err('ERR value is not an integer or out of range'));
    });

    test('NX, XX, GT and LT; a key without TTL counts as infinite for GT and LT', () => {
      const c = freeze();
      fresh();
      h.run('SET', 'k', 'v');
      assert.equal(h.run('EXPIRE', 'k', '100', 'XX'), int(0));
      assert.equal(h.run('EXPIRE', 'k', '100', 'GT'), int(0), 'nothing is greater than no TTL');
      assert.equal(h.run('EXPIRE', 'k', '100', 'LT'), int(1));
      assert.equal(h.run('EXPIRE', 'k', '200', 'NX'), int(0));
      assert.equal(h.run('EXPIRE', 'k', '100', 'GT'), int(0), 'equal is not greater');
      assert.equal(h.run('EXPIRE', 'k', '100', 'LT'), int(0), 'equal is not less');
      assert.equal(h.run('EXPIRE', 'k', '200', 'gt'), int(1));
      assert.equal(h.run('PEXPIRE', 'k', '150000', 'lt', 'xx'), int(1));
      assert.equal(h.run('PTTL', 'k'), int(150000));
      assert.equal(h.run('EXPIREAT', 'k', String(c.now / 1000 + 300), 'GT', 'XX'), int(1));
      assert.equal(h.run('TTL', 'k'), int(300));
      assert.equal(h.run('PERSIST', 'k'), int(1));
      assert.equal(h.run('EXPIRE', 'k', '-5', 'LT'), int(1), 'LT with no TTL deletes with a past time');
      assert.equal(h.run('EXISTS', 'k'), int(0));
      assert.equal(h.run('EXPIRE', 'missing', '100'), int(0));
    });

    test('a deadline now or in the past deletes the key and replies 1', () => {
      const c = freeze();
      fresh();
      for (const args of [['EXPIRE', '0'], ['EXPIRE', '-1'], ['PEXPIRE', '0'], ['PEXPIREAT', String(c.now)], ['EXPIREAT', '1'], ['PEXPIREAT', '-9223372036854775808'], ['EXPIRE', '-9223372036854775']]) {
        h.run('SET', 'k', 'v');
        assert.equal(h.run(args[0], 'k', args[1]), int(1), args.join(' '));
        assert.equal(h.run('EXISTS', 'k'), int(0), args.join(' '));
      }
      h.run('SET', 'k', 'v');
      assert.equal(h.run('PEXPIREAT', 'k', String(c.now + 1)), int(1));
      assert.equal(h.run('EXISTS', 'k'), int(1));
    });

    test('int64 edges: overflow is an invalid expire time, naming the command', () => {
      fresh();
      h.run('SET', 'k', 'v');
      const invalid = (cmd: string): string => err(`ERR invalid expire time in '${cmd}' command`);
      assert.equal(h.run('EXPIRE', 'k', '9223372036854776'), invalid('expire'));
      assert.equal(h.run('EXPIRE', 'k', '9223372036854775'), invalid('expire'), 'fits *1000, but not plus now');
      assert.equal(h.run('EXPIREAT', 'k', '9223372036854776'), invalid('expireat'));
      assert.equal(h.run('EXPIRE', 'k', '-9223372036854776'), invalid('expire'));
      assert.equal(h.run('PEXPIRE', 'k', INT64_MAX), invalid('pexpire'));
      assert.equal(h.run('EXPIRE', 'k', '9223372036854775808'), err('ERR value is not an integer or out of range'));
      assert.equal(h.run('EXISTS', 'k'), int(1));
      assert.equal(h.run('EXPIREAT', 'k', '9223372036854775'), int(1));
      assert.equal(h.run('PEXPIRETIME', 'k'), int('9223372036854775000'));
      assert.equal(h.run('EXPIRETIME', 'k'), int('9223372036854775'));
      assert.equal(h.run('PEXPIREAT', 'k', INT64_MAX), int(1));
      assert.equal(h.run('PEXPIRETIME', 'k'), int(INT64_MAX));
      // Redis's (t+500)/1000 does not wrap: its compiler divides unsigned.
      assert.equal(h.run('EXPIRETIME', 'k'), int('9223372036854776'));
      assert.equal(h.run('PEXPIREAT', 'k', '9007199254740993'), int(1), 'just past 2^53');
      assert.equal(h.run('PEXPIRETIME', 'k'), int('9007199254740993'));
      // 2^53 and 2^53+1 are one double: only exact arithmetic tells them apart.
      assert.equal(h.run('PEXPIREAT', 'k', '9007199254740992', 'GT'), int(0));
      assert.equal(h.run('PEXPIREAT', 'k', '9007199254740992', 'LT'), int(1));
      assert.equal(h.run('PEXPIRETIME', 'k'), int('9007199254740992'));
    });

    test('TTL rounds to the nearest second; PTTL, EXPIRETIME and PEXPIRETIME are exact', () => {
      const c = freeze();
      fresh();
      assert.equal(h.run('TTL', 'missing'), int(-2));
      assert.equal(h.run('PTTL', 'missing'), int(-2));
      assert.equal(h.run('EXPIRETIME', 'missing'), int(-2));
      assert.equal(h.run('PEXPIRETIME', 'missing'), int(-2));
      h.run('SET', 'k', 'v');
      for (const cmd of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) assert.equal(h.run(cmd, 'k'), int(-1), cmd);
      for (const [ms, seconds] of [[499, 0], [500, 1], [1499, 1], [1500, 2], [100_000, 100]]) {
        h.run('PEXPIRE', 'k', String(ms));
        assert.equal(h.run('TTL', 'k'), int(seconds), `${ms} ms`);
        assert.equal(h.run('PTTL', 'k'), int(ms));
        assert.equal(h.run('PEXPIRETIME', 'k'), int(c.now + ms));
        assert.equal(h.run('EXPIRETIME', 'k'), int(Math.floor((c.now + ms + 500) / 1000)));
      }
      c.advance(99_999);
      assert.equal(h.run('PTTL', 'k'), int(1));
      c.advance(2);
      assert.equal(h.run('TTL', 'k'), int(-2), 'expired past its deadline');
    });

    test('PERSIST removes a TTL once', () => {
      fresh();
      assert.equal(h.run('PERSIST', 'missing'), int(0));
      h.run('SET', 'k', 'v');
      assert.equal(h.run('PERSIST', 'k'), int(0));
      h.run('EXPIRE', 'k', '100');
      assert.equal(h.run('PERSIST', 'k'), int(1));
      assert.equal(h.run('TTL', 'k'), int(-1));
      assert.equal(h.run('PERSIST', 'k'), int(0));
    });

    test('where expired keys are kept (a replica), a past deadline is set, not a delete', () => {
      fresh();
      h.run('SET', 'k', 'v');
      h.store.keepExpired = true;
      assert.equal(h.run('EXPIRE', 'k', '-10'), int(1));
      assert.equal(h.run('DBSIZE'), int(1));
      assert.equal(h.run('EXISTS', 'k'), int(0), 'but it reads as missing');
      h.store.keepExpired = false;
    });

    // --------------------------------------------------------------------------------- KEYS
    test('KEYS matches globs over bytes; "*" alone matches the empty key, "**" does not', () => {
      fresh();
      for (const k of ['hello', 'hallo', 'hxllo', 'hllo', 'heeeello', '', 'a*b', 'a\\b', '[', 'k1', 'k10', 'K1']) h.run('SET', k, '1');
      assert.deepEqual(sortedBulks(h.run('KEYS', 'h?llo')), ['hallo', 'hello', 'hxllo']);
      assert.deepEqual(sortedBulks(h.run('KEYS', 'h*llo')), ['hallo', 'heeeello', 'hello', 'hllo', 'hxllo']);
      assert.deepEqual(sortedBulks(h.run('KEYS', 'h[^e]llo')), ['hallo', 'hxllo']);
      assert.deepEqual(sortedBulks(h.run('KEYS', 'h[b-a]llo')), ['hallo']);
      assert.deepEqual(sortedBulks(h.run('KEYS', 'a\\*b')), ['a*b']);
      assert.deepEqual(sortedBulks(h.run('KEYS', 'a\\\\b')), ['a\\b']);
      assert.deepEqual(sortedBulks(h.run('KEYS', '\\[')), ['[']);
      assert.deepEqual(sortedBulks(h.run('KEYS', 'k[0-9]')), ['k1']);
      assert.deepEqual(sortedBulks(h.run('KEYS', '')), ['']);
      assert.equal(sortedBulks(h.run('KEYS', '*')).length, 12);
      assert.equal(sortedBulks(h.run('KEYS', '**')).length, 11);
      assert.equal(h.run('KEYS', 'nomatch'), arr());
    });

    test('KEYS leaves out expired keys without deleting them', () => {
      const c = freeze();
      fresh();
      h.run('SET', 'live', '1');
      h.run('SET', 'dead', '1');
      h.run('PEXPIRE', 'dead', '1');
      c.advance(2);
      assert.equal(h.run('KEYS', '*'), arr(bulk('live')));
      assert.equal(h.run('KEYS', 'd*'), arr());
      assert.equal(h.run('DBSIZE'), int(2), 'DBSIZE counts what no lookup has removed yet');
    });

    // --------------------------------------------------------------------------------- SCAN
    test('SCAN cursor parsing follows strtoul', () => {
      fresh();
      h.run('SET', 'k', 'v');
      const invalid = err('ERR invalid cursor');
      for (const bad of [' 0', '\t1', 'x', '1x', '0x10', '-', '+', '18446744073709551616', '-18446744073709551616', '1.0', '99999999999999999999999']) {
        assert.equal(h.run('SCAN', bad), invalid, JSON.stringify(bad));
      }
      for (const good of ['0', '', '+0', '-0', '00', '18446744073709551615', '-1', '-18446744073709551615', '4294967296', Buffer.from('0\0junk')]) {
        assert.match(h.run('SCAN', good), /^\*2\r\n\$\d+\r\n\d+\r\n\*\d+\r\n/, JSON.stringify(good));
      }
      assert.equal(h.run('SCAN', ''), h.run('SCAN', '0'), 'an empty cursor is 0');
      assert.equal(h.run('SCAN', '4294967296'), h.run('SCAN', '0'), 'bits above the table mask do not matter');
    });

    test('SCAN options: COUNT must be a positive integer, unknown words are syntax errors', () => {
      fresh();
      assert.equal(h.run('SCAN', '0', 'COUNT', '0'), err('ERR syntax error'));
      assert.equal(h.run('SCAN', '0', 'COUNT', '-1'), err('ERR syntax error'));
      assert.equal(h.run('SCAN', '0', 'COUNT', 'x'), err('ERR value is not an integer or out of range'));
      assert.equal(h.run('SCAN', '0', 'MATCH'), err('ERR syntax error'));
      assert.equal(h.run('SCAN', '0', 'COUNT'), err('ERR syntax error'));
      assert.equal(h.run('SCAN', '0', 'FOO', 'bar'), err('ERR syntax error'));
      assert.equal(h.run('SCAN', 'x', 'FOO'), err('ERR invalid cursor'), 'the cursor is checked first');
      assert.equal(h.run('SCAN', '0'), arr(bulk('0'), arr()));
      assert.equal(h.run('SCAN', '0', 'count', INT64_MAX, 'match', '*', 'type', 'string'), arr(bulk('0'), arr()));
    });

    test('SCAN returns every key exactly once on a stable keyspace, with MATCH and COUNT', () => {
      fresh();
      const all: string[] = [];
      for (let i = 0; i < 1000; i++) {
        all.push(`key:${i}`);
        h.run('SET', `key:${i}`, String(i));
      }
      for (const count of ['1', '10', '97', '5000']) {
        assert.deepEqual(scanAll(h, 'COUNT', count).sort(), [...all].sort(), `COUNT ${count}`);
      }
      const ones = all.filter((k) => /^key:1\d*$/.test(k)).sort();
      assert.deepEqual(scanAll(h, 'MATCH', 'key:1*').sort(), ones);
      assert.deepEqual(scanAll(h, 'MATCH', 'key:1*', 'COUNT', '3').sort(), ones);
      // COUNT 5000 visits every bucket in one call.
      const one = decodeFrame(Buffer.from(h.run('SCAN', '0', 'COUNT', '5000'), 'latin1'));
      assert.equal((one.items?.[0].data as Buffer).toString(), '0');
      assert.equal(one.items?.[1].items?.length, 1000);
    });

    test('SCAN returns every key present for the whole scan while the table grows and shrinks', () => {
      fresh();
      const stable = new Set<string>();
      for (let i = 0; i < 500; i++) {
        stable.add(`stable:${i}`);
        h.run('SET', `stable:${i}`, '1');
      }
      let added = 0;
      for (const step of [50, -1] as const) {
        const seen = new Set<string>();
        let cursor = '0';
        let calls = 0;
        do {
          const frame = decodeFrame(Buffer.from(h.run('SCAN', cursor, 'COUNT', '5'), 'latin1'));
          cursor = (frame.items?.[0].data as Buffer).toString();
          for (const item of frame.items?.[1].items ?? []) seen.add((item.data as Buffer).toString('latin1'));
          if (step > 0) {
            // Grow through several resizes (500 -> 20,000 keys), mid-rehash between calls.
            for (let i = 0; i < step && added < 20_000; i++) h.run('SET', `new:${added++}`, '1');
          } else if (added > 0) {
            // Then shrink: delete the new keys again while scanning.
            for (let i = 0; i < 400 && added > 0; i++) h.run('DEL', `new:${--added}`);
            h.store.shrinkTables();
          }
          calls++;
        } while (cursor !== '0');
        const missing = [...stable].filter((k) => !seen.has(k));
        assert.deepEqual(missing, [], `${step > 0 ? 'growing' : 'shrinking'}: ${calls} calls`);
      }
    });

    test('SCAN drops expired keys and deletes them; TYPE filters by type name', () => {
      const c = freeze();
      fresh();
      h.run('SET', 'live', '1');
      h.run('SET', 'dead', '1');
      h.run('PEXPIRE', 'dead', '1');
      const k = Buffer.from('list');
      h.database().setObject(k, 0, k.length, ValueType.List, []);
      const m = Buffer.from('json');
      h.database().setObject(m, 0, m.length, ValueType.Module, { typeName: 'ReJSON-RL' } satisfies ModuleValue);
      c.advance(2);
      assert.deepEqual(scanAll(h, 'TYPE', 'string'), ['live']);
      assert.deepEqual(scanAll(h, 'TYPE', 'STRING'), ['live']);
      assert.deepEqual(scanAll(h, 'TYPE', 'list'), ['list']);
      assert.deepEqual(scanAll(h, 'TYPE', 'rejson-rl'), ['json']);
      assert.deepEqual(scanAll(h, 'TYPE', 'none'), []);
      assert.deepEqual(scanAll(h, 'TYPE', 'nosuchtype'), []);
      assert.equal(h.run('DBSIZE'), int(3), 'the TYPE lookup deleted the expired key');
      h.run('SET', 'dead2', '1');
      h.run('PEXPIRE', 'dead2', '1');
      c.advance(2);
      assert.deepEqual(scanAll(h).sort(), ['json', 'list', 'live']);
      assert.equal(h.run('DBSIZE'), int(3));
      assert.equal(h.store.expiredKeys >= 2, true);
    });

    test('SCAN on a sparse table stops after COUNT*10 buckets', () => {
      fresh();
      for (let i = 0; i < 4000; i++) h.run('SET', `k${i}`, '1');
      for (let i = 10; i < 4000; i++) h.run('DEL', `k${i}`);
      const frame = decodeFrame(Buffer.from(h.run('SCAN', '0', 'COUNT', '1'), 'latin1'));
      assert.notEqual((frame.items?.[0].data as Buffer).toString(), '0', 'a sparse table is not done in 10 buckets');
      assert.ok((frame.items?.[1].items?.length ?? 0) <= 10);
      assert.equal(scanAll(h, 'COUNT', '1').length, 10);
    });

    // ---------------------------------------------------------------------------- RANDOMKEY
    test('RANDOMKEY: nil on an empty database, never an expired key', () => {
      const c = freeze();
      fresh();
      assert.equal(h.run('RANDOMKEY'), h.nil);
      h.run('SET', 'only', '1');
      assert.equal(h.run('RANDOMKEY'), bulk('only'));
      for (let i = 0; i < 50; i++) {
        h.run('SET', `dead${i}`, '1');
        h.run('PEXPIRE', `dead${i}`, '1');
      }
      c.advance(2);
      for (let i = 0; i < 20; i++) assert.equal(h.run('RANDOMKEY'), bulk('only'));
      h.run('DEL', 'only');
      assert.equal(h.run('RANDOMKEY'), h.nil, 'a database of expired keys is empty');
      assert.equal(h.run('DBSIZE'), int(0), 'and RANDOMKEY deleted them on the way');
    });

    test('RANDOMKEY where expired keys are kept returns one after 100 draws instead of looping', () => {
      const c = freeze();
      fresh();
      h.run('SET', 'a', '1');
      h.run('PEXPIRE', 'a', '1');
      c.advance(2);
      h.store.keepExpired = true;
      try {
        assert.equal(h.run('RANDOMKEY'), bulk('a'));
      } finally {
        h.store.keepExpired = false;
      }
    });

    test('RANDOMKEY returns each key of a small database', () => {
      fresh();
      for (const k of ['a', 'b', 'c']) h.run('SET', k, '1');
      const seen = new Set<string>();
      for (let i = 0; i < 300 && seen.size < 3; i++) seen.add(h.run('RANDOMKEY'));
      assert.deepEqual([...seen].sort(), [bulk('a'), bulk('b'), bulk('c')]);
    });

    // ----------------------------------------------------------------------- TOUCH, OBJECT
    test('TOUCH counts existing keys and refreshes their idle time; OBJECT, EXISTS and TYPE do not', () => {
      const c = freeze();
      fresh();
      h.run('SET', 'k', 'v');
      c.advance(10_000);
      assert.equal(h.run('OBJECT', 'IDLETIME', 'k'), int(10));
      h.run('EXISTS', 'k');
      h.run('TYPE', 'k');
      h.run('TTL', 'k');
      assert.equal(h.run('OBJECT', 'IDLETIME', 'k'), int(10));
      assert.equal(h.run('TOUCH', 'k', 'missing', 'k'), int(2));
      assert.equal(h.run('OBJECT', 'IDLETIME', 'k'), int(0));
      c.advance(5_000);
      h.run('GET', 'k');
      assert.equal(h.run('OBJECT', 'IDLETIME', 'k'), int(0));
    });

    test('OBJECT IDLETIME wraps around the 24-bit LRU clock', () => {
      // 50 s after the LRU clock (seconds, 24 bits) wrapped to 0, for a key last touched 50 s
      // before the wrap: 100 s idle.
      freeze((104 * 2 ** 24 + 50) * 1000);
      fresh();
      h.run('SET', 'k', 'v');
      assert.equal(h.store.lruClock, 50);
      setClockBits(h, 'k', LRU_MASK - 50);
      assert.equal(h.run('OBJECT', 'IDLETIME', 'k'), int(100));
    });

    test('OBJECT ENCODING of strings: int, embstr and raw as tryObjectEncoding decides', () => {
      fresh();
      const cases: [string, string][] = [
        ['0', 'int'],
        ['-1', 'int'],
        ['12345', 'int'],
        [INT64_MAX, 'int'],
        ['-9223372036854775808', 'int'],
        ['9223372036854775808', 'embstr'],
        ['01', 'embstr'],
        ['-0', 'embstr'],
        ['+1', 'embstr'],
        [' 1', 'embstr'],
        ['', 'embstr'],
        ['x'.repeat(44), 'embstr'],
        ['x'.repeat(45), 'raw'],
        ['1'.repeat(45), 'raw'],
      ];
      for (const [value, encoding] of cases) {
        h.run('SET', 'k', value);
        assert.equal(h.run('OBJECT', 'ENCODING', 'k'), bulk(encoding), JSON.stringify(value));
      }
      h.run('SET', 'k', '42');
      h.database().setFlags(h.entry('k'), EntryFlag.NotIntEncoded);
      assert.equal(h.run('OBJECT', 'ENCODING', 'k'), bulk('embstr'), 'made by INCRBYFLOAT');
      h.database().setFlags(h.entry('k'), EntryFlag.RawEncoding);
      assert.equal(h.run('OBJECT', 'ENCODING', 'k'), bulk('raw'), 'modified in place');
      assert.equal(h.run('OBJECT', 'ENCODING', 'missing'), h.nil);
    });

    test('OBJECT REFCOUNT: shared integers 0..9999 unless maxmemory is set with an LRU/LFU policy', () => {
      fresh();
      const cases: [string, number][] = [
        ['0', 2147483647],
        ['9999', 2147483647],
        ['10000', 1],
        ['-1', 1],
        ['abc', 1],
        ['007', 1],
      ];
      for (const [value, refcount] of cases) {
        h.run('SET', 'k', value);
        assert.equal(h.run('OBJECT', 'REFCOUNT', 'k'), int(refcount), value);
      }
      assert.equal(h.run('OBJECT', 'REFCOUNT', 'missing'), h.nil);
      fresh({ 'maxmemory-policy': 'allkeys-lru' });
      h.run('SET', 'k', '5');
      assert.equal(h.run('OBJECT', 'REFCOUNT', 'k'), int(2147483647), 'without maxmemory the policy does not matter');
      if (h.db.internals.config.has('maxmemory')) {
        for (const [policy, refcount] of [['allkeys-lru', 1], ['volatile-lfu', 1], ['allkeys-random', 2147483647]] as const) {
          fresh({ 'maxmemory-policy': policy, maxmemory: '100mb' });
          h.run('SET', 'k', '5');
          assert.equal(h.run('OBJECT', 'REFCOUNT', 'k'), int(refcount), policy);
        }
      }
    });

    test('OBJECT IDLETIME and FREQ depend on the maxmemory policy', () => {
      fresh();
      h.run('SET', 'k', 'v');
      const lfuNotSelected =
        'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';
      assert.equal(h.run('OBJECT', 'FREQ', 'k'), err(lfuNotSelected));
      assert.equal(h.run('OBJECT', 'FREQ', 'missing'), h.nil, 'a missing key is nil before the policy is checked');
      assert.equal(h.run('OBJECT', 'IDLETIME', 'missing'), h.nil);
      for (const policy of ['allkeys-lfu', 'volatile-lfu']) {
        fresh({ 'maxmemory-policy': policy });
        h.run('SET', 'k', 'v');
        assert.equal(
          h.run('OBJECT', 'IDLETIME', 'k'),
          err('ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.'),
        );
        assert.match(h.run('OBJECT', 'FREQ', 'k'), /^:\d+\r\n$/);
      }
    });

    test('OBJECT FREQ decays the LFU counter by one per minute since the last access', () => {
      // Under LFU Redis reads the clock bits as 16 bits of minutes and an 8-bit counter.
      const minutes = 1000;
      freeze((447 * 65536 + minutes) * 60_000);
      fresh({ 'maxmemory-policy': 'allkeys-lfu' });
      h.run('SET', 'k', 'v');
      setClockBits(h, 'k', (minutes << 8) | 5);
      assert.equal(h.run('OBJECT', 'FREQ', 'k'), int(5));
      setClockBits(h, 'k', ((minutes - 3) << 8) | 5);
      assert.equal(h.run('OBJECT', 'FREQ', 'k'), int(2));
      setClockBits(h, 'k', ((minutes - 30) << 8) | 200);
      assert.equal(h.run('OBJECT', 'FREQ', 'k'), int(170));
      setClockBits(h, 'k', ((minutes - 300) << 8) | 200);
      assert.equal(h.run('OBJECT', 'FREQ', 'k'), int(0));
    });

    test('OBJECT HELP and wrong subcommands', () => {
      fresh();
      const help = [
        'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
        'ENCODING <key>',
        '    Return the kind of internal representation used in order to store the value',
        '    associated with a <key>.',
        'FREQ <key>',
        '    Return the access frequency index of the <key>. The returned integer is',
        '    proportional to the logarithm of the recent access frequency of the key.',
        'IDLETIME <key>',
        '    Return the idle time of the <key>, that is the approximated number of',
        '    seconds elapsed since the last access to the key.',
        'REFCOUNT <key>',
        '    Return the number of references of the value associated with the specified',
        '    <key>.',
        'HELP',
        '    Print this help.', // Redis 7.2's wording; 7.0 said "Prints"
      ];
      assert.equal(h.run('OBJECT', 'help'), arr(...help.map(status)));
      assert.equal(h.run('OBJECT', 'foo'), err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
      assert.equal(h.run('OBJECT', 'ENCODING'), err("ERR wrong number of arguments for 'object|encoding' command"));
      assert.equal(h.run('OBJECT', 'HELP', 'x'), err("ERR wrong number of arguments for 'object|help' command"));
    });

    // -------------------------------------------------- DBSIZE, FLUSHDB, FLUSHALL, SWAPDB
    test('FLUSHDB empties only the selected database; FLUSHALL empties them all', () => {
      fresh();
      h.run('SET', 'a', '1');
      h.run('SELECT', '1');
      h.run('SET', 'b', '1');
      h.run('SET', 'c', '1');
      assert.equal(h.run('DBSIZE'), int(2));
      assert.equal(h.run('FLUSHDB', 'x'), err('ERR syntax error'));
      assert.equal(h.run('FLUSHDB', 'ASYNC', 'SYNC'), err('ERR syntax error'));
      assert.equal(h.run('FLUSHDB', 'async'), OK);
      assert.equal(h.run('DBSIZE'), int(0));
      h.run('SELECT', '0');
      assert.equal(h.run('DBSIZE'), int(1));
      assert.equal(h.run('FLUSHDB', 'SYNC'), OK);
      assert.equal(h.run('DBSIZE'), int(0));
      h.run('SET', 'a', '1');
      h.run('SELECT', '5');
      h.run('SET', 'b', '1');
      assert.equal(h.run('FLUSHALL', 'ASYNC', 'x'), err('ERR syntax error'));
      assert.equal(h.run('FLUSHALL'), OK);
      assert.equal(h.store.totalKeys, 0);
      assert.equal(h.run('SET', 'again', '1'), OK, 'the store works after FLUSHALL');
      assert.equal(h.run('GET', 'again'), bulk('1'));
    });

    test('FLUSHDB with no argument follows lazyfree-lazy-user-flush', () => {
      fresh({ 'lazyfree-lazy-user-flush': 'yes' });
      for (let i = 0; i < 100; i++) h.run('SET', `k${i}`, 'v');
      assert.equal(h.run('FLUSHDB'), OK);
      assert.equal(h.run('DBSIZE'), int(0));
      assert.equal(h.store.pendingLazyFree, 100, 'freed in the background');
      h.store.freeSome(1000);
      assert.equal(h.store.pendingLazyFree, 0);
    });

    test('SWAPDB index errors, and the swap seen from another connection', () => {
      fresh();
      assert.equal(h.run('SWAPDB', 'x', '0'), err('ERR invalid first DB index'));
      assert.equal(h.run('SWAPDB', '0', 'x'), err('ERR invalid second DB index'));
      assert.equal(h.run('SWAPDB', '2147483648', '0'), err('ERR invalid first DB index'));
      assert.equal(h.run('SWAPDB', '0', '16'), err('ERR DB index is out of range'));
      assert.equal(h.run('SWAPDB', '-1', '0'), err('ERR DB index is out of range'));
      assert.equal(h.run('SWAPDB', '0', '0'), OK);
      h.run('SET', 'a', 'zero');
      h.run('EXPIRE', 'a', '100');
      const other = h.db.session();
      other.raw(['SELECT', '1']);
      assert.equal(h.run('SWAPDB', '0', '1'), OK);
      assert.equal(other.raw(['GET', 'a']).toString(), '$4\r\nzero\r\n');
      assert.equal(other.raw(['TTL', 'a']).toString(), ':100\r\n');
      assert.equal(h.run('EXISTS', 'a'), int(0));
      other.close();
    });

    // --------------------------------------------------------------- values of other types
    test('the handlers move, expire, find and copy values of any type', () => {
      fresh();
      const db = h.database();
      const k = Buffer.from('mylist');
      db.setObject(k, 0, k.length, ValueType.List, ['x', 'y']);
      registerKeyType(ValueType.Module, {
        encoding: () => 'fake',
        copy: objectCopier<{ typeName: string; items: string[] }>((v) => ({ typeName: v.typeName, items: [...v.items] })),
      });
      const m = Buffer.from('mod');
      db.setObject(m, 0, m.length, ValueType.Module, { typeName: 'fakemod', items: ['a'] });
      assert.equal(h.run('EXPIRE', 'mylist', '100'), int(1));
      assert.equal(h.run('RENAME', 'mylist', 'l2'), OK);
      assert.equal(h.run('TYPE', 'l2'), status('list'));
      assert.equal(h.run('TTL', 'l2'), int(100));
      assert.equal(h.run('OBJECT', 'REFCOUNT', 'l2'), int(1));
      assert.equal(h.run('MOVE', 'l2', '2'), int(1));
      h.run('SELECT', '2');
      assert.deepEqual(h.database(2).object(h.entry('l2', 2)), ['x', 'y']);
      assert.deepEqual(sortedBulks(h.run('KEYS', '*')), ['l2']);
      assert.equal(h.run('DEL', 'l2'), int(1));
      assert.equal(h.store.objects.size, 1, 'the list object was released');
      h.run('SELECT', '0');
      assert.equal(h.run('COPY', 'mod', 'mod2'), int(1));
      assert.equal(h.run('TYPE', 'mod2'), status('fakemod'));
      assert.equal(h.run('OBJECT', 'ENCODING', 'mod2'), bulk('fake'));
      const original = db.object<{ items: string[] }>(h.entry('mod'));
      const copied = db.object<{ items: string[] }>(h.entry('mod2'));
      assert.notEqual(original, copied);
      assert.deepEqual(copied.items, ['a']);
      assert.equal(h.run('COPY', 'mod', 'mod2', 'REPLACE'), int(1));
      assert.equal(h.store.objects.size, 2, 'REPLACE released the old copy');
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Differential: seeded random command sequences against a real redis-server
// ---------------------------------------------------------------------------------------------

type Compare = 'exact' | 'sorted' | 'scan' | 'nil-or-not' | 'ttl';

interface Step {
  args: Arg[];
  compare: Compare;
}

const KEY_POOL: Arg[] = ['k1', 'k2', 'k3', 'key:a', 'key:b', '', 'h\xe9llo', ALL_BYTES, Buffer.from([0, 0xff, 0x2a])];
const VALUE_POOL: Arg[] = ['v', '0', '42', '9999', '10000', '-5', INT64_MAX, '9223372036854775808', '01', 'x'.repeat(44), 'x'.repeat(45), '', ALL_BYTES];
const PATTERN_POOL: Arg[] = ['*', '**', 'k?', 'k*', 'key:*', 'key:[ab]', 'key:[^a]', '[k]*', '*\\**', '?', '', 'h?llo', 'h[\xe0-\xef]llo', '*\x00*', 'k[2-1]', 'key:[a-'];
const NUMBER_POOL = ['0', '-1', '1', 'x', '', '1.5', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '2147483648'];
/** Awkward expire times: invalid, overflowing, past, or far ahead (never a few ms: a race). */
const EXPIRE_NUMBER_POOL = NUMBER_POOL.filter((n) => n !== '1');

/**
 * One random command. Expiry times are either past (deterministic deletes) or thousands of
 * seconds away and distinct (so no comparison depends on which millisecond each server ran in);
 * GT/LT only go with absolute times, never with relative ones that two servers compute apart.
 */
function randomStep(next: () => number, farFuture: number): Step {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const key = (): Arg => pick(KEY_POOL);
  const exact = (...args: Arg[]): Step => ({ args, compare: 'exact' });
  const pastOrFar = (): string => pick(['-1', '0', '-100', '5000', '86400', '1000000']);
  const absolute = (ms: boolean): string => {
    const at = farFuture + Math.floor(next() * 1000) * 60_000;
    return String(ms ? at : Math.floor(at / 1000));
  };
  switch (Math.floor(next() * 26)) {
    case 0:
    case 1:
    case 2:
      return exact('SET', key(), pick(VALUE_POOL));
    case 3:
      return exact(pick(['DEL', 'UNLINK']), key(), key());
    case 4:
      return exact('EXISTS', key(), key(), key());
    case 5:
      return exact('TYPE', key());
    case 6:
      return exact(pick(['RENAME', 'RENAMENX']), key(), key());
    case 7:
      return exact('MOVE', key(), pick(['0', '1', '2', ...NUMBER_POOL]));
    case 8: {
      const args: Arg[] = ['COPY', key(), key()];
      if (next() < 0.5) args.push('DB', pick(['0', '1', '16', 'x']));
      if (next() < 0.5) args.push('REPLACE');
      if (next() < 0.1) args.push('FOO');
      return exact(...args);
    }
    case 9:
      return exact(pick(['EXPIRE', 'PEXPIRE']), key(), pastOrFar(), ...(next() < 0.3 ? [pick(['NX', 'XX'])] : []));
    case 10: {
      const ms = next() < 0.5;
      const when = next() < 0.2 ? pick(['1', '-5', '0']) : absolute(ms);
      const opts = next() < 0.6 ? [pick(['NX', 'XX', 'GT', 'LT', 'gt', 'FOO'])] : next() < 0.3 ? ['GT', 'LT'] : [];
      return exact(ms ? 'PEXPIREAT' : 'EXPIREAT', key(), when, ...opts);
    }
    case 11:
      return exact(pick(['EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT']), key(), pick(EXPIRE_NUMBER_POOL));
    case 12:
    case 13:
      // Relative expiries were computed a moment apart on the two servers.
      return { args: [pick(['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']), key()], compare: 'ttl' };
    case 14:
      return exact('PERSIST', key());
    case 15:
      return { args: ['KEYS', pick(PATTERN_POOL)], compare: 'sorted' };
    case 16: {
      const args: Arg[] = ['SCAN', '0'];
      if (next() < 0.5) args.push('MATCH', pick(PATTERN_POOL));
      if (next() < 0.4) args.push('COUNT', pick(['1', '2', '10', '0', 'x']));
      if (next() < 0.3) args.push('TYPE', pick(['string', 'STRING', 'list']));
      if (next() < 0.05) args.push('BAD');
      return { args, compare: 'scan' };
    }
    case 17:
      return exact('SCAN', pick(['x', ' 1', '-', '18446744073709551616']));
    case 18:
      return { args: ['RANDOMKEY'], compare: 'nil-or-not' };
    case 19:
      return exact('TOUCH', key(), key());
    case 20:
      return exact('OBJECT', pick(['ENCODING', 'REFCOUNT', 'encoding', 'FREQ']), key());
    case 21:
      return exact('DBSIZE');
    case 22:
      return exact('SELECT', pick(['0', '1']));
    case 23:
      return next() < 0.3 ? exact('FLUSHDB', ...(next() < 0.5 ? [pick(['ASYNC', 'SYNC', 'bad'])] : [])) : exact('GET', key());
    case 24:
      return exact('SWAPDB', pick(['0', '1', 'x', '16']), pick(['0', '1', '-1']));
    default:
      return exact(pick(['OBJECT', 'EXPIRE', 'TTL', 'COPY']), ...(next() < 0.5 ? [] : [key()]));
  }
}

describe('keyspace commands against real Redis', () => {
  let redis: RunningServer;
  let conn: RawConnection;

  before(async () => {
    redis = await startRedis();
    conn = await RawConnection.connect(redis.port);
  });

  after(async () => {
    await conn?.close();
    await redis?.stop();
  });

  /** Follow a SCAN to cursor 0 on one side; the sorted keys gathered, or the error reply. */
  async function fullScan(run: (args: Arg[]) => Promise<string>, args: Arg[]): Promise<string> {
    const keys: string[] = [];
    let cursor = '0';
    for (let calls = 0; calls < 10_000; calls++) {
      const reply = await run(['SCAN', cursor, ...args.slice(2)]);
      if (reply.startsWith('-')) return reply;
      const frame = decodeFrame(Buffer.from(reply, 'latin1'));
      cursor = (frame.items?.[0].data as Buffer).toString('latin1');
      for (const item of frame.items?.[1].items ?? []) keys.push(escapeBytes(item.data as Buffer));
      if (cursor === '0') break;
    }
    return JSON.stringify(keys.sort());
  }

  function normalize(compare: Compare, reply: string): string {
    if (compare === 'sorted' && reply.startsWith('*')) return JSON.stringify(sortedBulks(reply));
    if (compare === 'nil-or-not') return reply.startsWith('$') && reply !== '$-1\r\n' ? 'a key' : reply;
    return reply;
  }

  // KEYS_TEST_SEED=<n> runs other sequences (a failure prints the seed to rerun it).
  const BASE_SEED = Number(process.env.KEYS_TEST_SEED ?? 20_250_000);
  const SEQUENCES = 5;
  const STEPS = 200;
  for (const protocol of [2, 3] as const) {
    for (let sequence = 0; sequence < SEQUENCES; sequence++) {
      const seed = BASE_SEED + sequence;
      test(`random sequence ${sequence} (seed ${seed}) [RESP${protocol}]`, async () => {
        const ours = new Harness(protocol);
        const theirs = async (args: Arg[]): Promise<string> => (await conn.call(args.map(latin1))).toString('latin1');
        const mine = async (args: Arg[]): Promise<string> => ours.run(...args);
        try {
          await theirs(['HELLO', String(protocol)]);
          await theirs(['FLUSHALL']);
          await theirs(['SELECT', '0']);
          const next = mulberry32(seed);
          const farFuture = Date.now() + 10 * 86_400_000;
          const history: string[] = [];
          for (let i = 0; i < STEPS; i++) {
            const step = randomStep(next, farFuture);
            let expected: string;
            let actual: string;
            if (step.compare === 'scan') {
              expected = await fullScan(theirs, step.args);
              actual = await fullScan(mine, step.args);
            } else {
              expected = normalize(step.compare, await theirs(step.args));
              actual = normalize(step.compare, await mine(step.args));
            }
            const shown = step.args.map((a) => escapeBytes(latin1(a), 40)).join(' ');
            if (step.compare === 'ttl' && /^:\d+\r\n$/.test(expected) && /^:\d+\r\n$/.test(actual)) {
              const tolerance = step.args[0].toString().startsWith('P') ? 1000 : 1;
              assert.ok(Math.abs(Number(expected.slice(1, -2)) - Number(actual.slice(1, -2))) <= tolerance, `${shown}: ${expected} vs ${actual}`);
            } else {
              assert.equal(
                actual,
                expected,
                `seed ${seed} step ${i}: ${shown}\n  redis:   ${JSON.stringify(expected)}\n  cachica: ${JSON.stringify(actual)}\n  before:\n    ${history.slice(-8).join('\n    ')}`,
              );
            }
            history.push(`${shown} -> ${JSON.stringify(expected).slice(0, 80)}`);
          }
        } finally {
          ours.close();
        }
      });
    }
  }

  test('every glob pattern of the pool selects the same keys through KEYS and SCAN MATCH', async () => {
    const ours = new Harness(2);
    try {
      await conn.call(['HELLO', '2']);
      await conn.call(['FLUSHALL']);
      const keys: Arg[] = [...KEY_POOL, 'hello', 'hallo', 'h\xeallo', '*', '?', '[', '\\', 'a*b', 'k12', 'K1', Buffer.from([0x2a, 0, 0x2a])];
      for (const k of keys) {
        await conn.call(['SET', latin1(k), '1']);
        ours.run('SET', k, '1');
      }
      for (const pattern of PATTERN_POOL) {
        const expected = JSON.stringify(sortedBulks((await conn.call(['KEYS', latin1(pattern)])).toString('latin1')));
        assert.equal(JSON.stringify(sortedBulks(ours.run('KEYS', pattern))), expected, `KEYS ${escapeBytes(latin1(pattern))}`);
        const scanned = JSON.stringify(scanAll(ours, 'MATCH', pattern).sort());
        assert.equal(scanned, expected, `SCAN MATCH ${escapeBytes(latin1(pattern))}`);
      }
    } finally {
      ours.close();
    }
  });
});
