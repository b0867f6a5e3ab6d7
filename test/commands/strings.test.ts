/**
 * The string family through the embedded API, byte for byte. Fixed scenarios cover every
 * command, option and error reply, each run in RESP2 and RESP3 against replies written out
 * here; the same scenarios then run against a real redis-server, so every expectation written
 * here is checked to be what Redis replies. Last, seeded random command sequences (int64
 * edges, floats, every byte value, empty strings, wrong arity, expired keys) run on both and
 * their raw replies are compared. Without redis-server those last suites fail, not skip.
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Cachica } from '../../src/embedded/cachica.js';
import { Lookup } from '../../src/store/database.js';
import { EntryFlag, ValueType } from '../../src/store/entries.js';
import { isStrictInt64 } from '../../src/commands/args.js';
import { RawConnection, escapeBytes } from '../helpers/raw-connection.js';
import { startRedis, type RunningServer } from '../helpers/servers.js';
import { mulberry32 } from '../helpers/prng.js';

type Proto = 2 | 3;
type Arg = string | Buffer;
/** An expected reply: exact bytes (latin1), or bytes that depend on the protocol. */
type Expect = string | ((proto: Proto) => string);

type Step =
  | [args: Arg[], expect: Expect]
  /** Make `list` a key of another type (a list). */
  | { list: string }
  | { sleep: number }
  /** Remaining TTL in ms within [min, max]; -1: none, -2: no key. */
  | { ttl: string; min: number; max: number }
  /** OBJECT ENCODING as Redis would report it. */
  | { encoding: string; is: 'int' | 'embstr' | 'raw' };

interface Scenario {
  name: string;
  config?: Record<string, string>;
  steps: Step[];
}

// ---------------------------------------------------------------------------------------------
// Reply builders
// ---------------------------------------------------------------------------------------------

const OK = '+OK\r\n';
const NIL: Expect = (p) => (p === 3 ? '_\r\n' : '$-1\r\n');
const EMPTY = '$0\r\n\r\n';
const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
const SYNTAX = '-ERR syntax error\r\n';
const NOT_INTEGER = '-ERR value is not an integer or out of range\r\n';
const NOT_FLOAT = '-ERR value is not a valid float\r\n';
const OVERFLOW = '-ERR increment or decrement would overflow\r\n';
const TOO_LONG = '-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n';
const LCS_TYPES = '-ERR The specified keys must contain string values\r\n';

function bulk(v: string | Buffer): string {
  const s = typeof v === 'string' ? v : v.toString('latin1');
  return `$${s.length}\r\n${s}\r\n`;
}
const int = (n: number | bigint | string): string => `:${n}\r\n`;
const err = (message: string): string => `-${message}\r\n`;
const arity = (name: string): string => err(`ERR wrong number of arguments for '${name}' command`);
const expireErr = (name: string): string => err(`ERR invalid expire time in '${name}' command`);

function resolve(e: Expect, p: Proto): string {
  return typeof e === 'string' ? e : e(p);
}
const arr =
  (...items: Expect[]): Expect =>
  (p) =>
    `*${items.length}\r\n${items.map((i) => resolve(i, p)).join('')}`;
const map =
  (...kv: Expect[]): Expect =>
  (p) =>
    `${p === 3 ? '%' + kv.length / 2 : '*' + kv.length}\r\n${kv.map((i) => resolve(i, p)).join('')}`;
/** One LCS IDX match: [[a0, a1], [b0, b1]] (+ length). */
const match = (a0: number, a1: number, b0: number, b1: number, len?: number): Expect =>
  len === undefined ? arr(arr(int(a0), int(a1)), arr(int(b0), int(b1))) : arr(arr(int(a0), int(a1)), arr(int(b0), int(b1)), int(len));

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const FUTURE_S = '4102444800'; // 2100-01-01
const FUTURE_MS = '4102444800000';
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

const SCENARIOS: Scenario[] = [
  {
    name: 'GET and SET round-trip empty, binary and every-byte values and keys',
    steps: [
      [['GET', 'k'], NIL],
      [['SET', 'k', 'v'], OK],
      [['GET', 'k'], bulk('v')],
      [['SET', 'k', ''], OK],
      [['GET', 'k'], EMPTY],
      [['SET', 'bin', ALL_BYTES], OK],
      [['GET', 'bin'], bulk(ALL_BYTES)],
      [['SET', ALL_BYTES, 'x'], OK],
      [['GET', ALL_BYTES], bulk('x')],
      [['SET', '', 'empty key'], OK],
      [['GET', ''], bulk('empty key')],
      [['GET'], arity('get')],
      [['GET', 'a', 'b'], arity('get')],
      [['SET', 'k'], arity('set')],
    ],
  },
  {
    name: 'SET NX and XX',
    steps: [
      [['SET', 'k', 'a', 'XX'], NIL],
      [['GET', 'k'], NIL],
      [['SET', 'k', 'a', 'NX'], OK],
      [['SET', 'k', 'b', 'nx'], NIL],
      [['SET', 'k', 'c', 'xx'], OK],
      [['GET', 'k'], bulk('c')],
      [['SET', 'k', 'd', 'NX', 'NX'], NIL],
      [['SET', 'k', 'd', 'NX', 'XX'], SYNTAX],
      [['SET', 'k', 'd', 'XX', 'NX'], SYNTAX],
    ],
  },
  {
    name: 'SET GET returns the old value, also with NX and XX, and refuses other types',
    steps: [
      [['SET', 'k', 'a', 'GET'], NIL],
      [['GET', 'k'], bulk('a')],
      [['SET', 'k', 'b', 'GET'], bulk('a')],
      [['SET', 'k', 'c', 'NX', 'GET'], bulk('b')],
      [['GET', 'k'], bulk('b')],
      [['SET', 'k', 'c', 'XX', 'GET', 'GET'], bulk('b')],
      [['SET', 'new', 'x', 'XX', 'GET'], NIL],
      [['GET', 'new'], NIL],
      [['SET', 'new', 'x', 'NX', 'GET'], NIL],
      [['GET', 'new'], bulk('x')],
      { list: 'l' },
      [['SET', 'l', 'x', 'GET'], WRONGTYPE],
      [['SET', 'l', 'x', 'NX', 'GET'], WRONGTYPE],
      [['GET', 'l'], WRONGTYPE],
      [['SET', 'l', 'x'], OK],
      [['GET', 'l'], bulk('x')],
    ],
  },
  {
    name: 'SET option syntax: conflicts are errors, repeats are not',
    steps: [
      [['SET', 'k', 'v', 'EX'], SYNTAX],
      [['SET', 'k', 'v', 'EX', '10', 'PX', '10'], SYNTAX],
      [['SET', 'k', 'v', 'PXAT', '10', 'EXAT', '10'], SYNTAX],
      [['SET', 'k', 'v', 'KEEPTTL', 'EX', '10'], SYNTAX],
      [['SET', 'k', 'v', 'EX', '10', 'KEEPTTL'], SYNTAX],
      [['SET', 'k', 'v', 'PERSIST'], SYNTAX],
      [['SET', 'k', 'v', 'FOO'], SYNTAX],
      [['SET', 'k', 'v', 'EX', '10', 'EX', '20'], OK],
      { ttl: 'k', min: 15_000, max: 20_000 },
      [['SET', 'k', 'v', 'KEEPTTL', 'KEEPTTL'], OK],
      { ttl: 'k', min: 15_000, max: 20_000 },
      [['SET', 'k', 'v', 'ex', '30', 'get', 'nx'], bulk('v')],
      { ttl: 'k', min: 15_000, max: 20_000 },
    ],
  },
  {
    name: 'SET expire values: invalid, overflowing and extreme',
    steps: [
      [['SET', 'k', 'v', 'EX', '0'], expireErr('set')],
      [['SET', 'k', 'v', 'EX', '-1'], expireErr('set')],
      [['SET', 'k', 'v', 'PX', '0'], expireErr('set')],
      [['SET', 'k', 'v', 'EXAT', '0'], expireErr('set')],
      [['SET', 'k', 'v', 'EX', 'abc'], NOT_INTEGER],
      [['SET', 'k', 'v', 'EX', '1.5'], NOT_INTEGER],
      [['SET', 'k', 'v', 'EX', '9223372036854775807'], expireErr('set')],
      [['SET', 'k', 'v', 'EX', '9223372036854775'], expireErr('set')],
      [['SET', 'k', 'v', 'PX', '9223372036854775807'], expireErr('set')],
      [['SET', 'k', 'v', 'EX', '9223372036854775808'], NOT_INTEGER],
      [['GET', 'k'], NIL],
      [['SET', 'k', 'v', 'PXAT', '9223372036854775807'], OK],
      [['GET', 'k'], bulk('v')],
      [['SET', 'k', 'v', 'EXAT', '9223372036854775'], OK],
      [['SET', 'k', 'v', 'GET', 'EX', '0'], expireErr('set')],
      [['GET', 'k'], bulk('v')],
    ],
  },
  {
    name: 'SET expiry: KEEPTTL keeps it, a plain SET drops it, a past EXAT expires the key',
    steps: [
      [['SET', 'k', 'v', 'EX', '100'], OK],
      { ttl: 'k', min: 95_000, max: 100_000 },
      [['SET', 'k', 'v2', 'KEEPTTL'], OK],
      { ttl: 'k', min: 95_000, max: 100_000 },
      [['SET', 'k', 'v3'], OK],
      { ttl: 'k', min: -1, max: -1 },
      [['SET', 'k', 'v', 'PX', '100000'], OK],
      { ttl: 'k', min: 95_000, max: 100_000 },
      [['SET', 'k', 'v', 'PXAT', FUTURE_MS], OK],
      { ttl: 'k', min: 100 * DAY, max: Number(FUTURE_MS) },
      [['SET', 'k', 'v', 'EXAT', '1'], OK],
      [['GET', 'k'], NIL],
      [['SET', 'k', 'v', 'PX', '1'], OK],
      { sleep: 5 },
      [['GET', 'k'], NIL],
      [['SET', 'k', 'v', 'KEEPTTL'], OK],
      { ttl: 'k', min: -1, max: -1 },
    ],
  },
  {
    name: 'SETNX sets only a missing key, of any type',
    steps: [
      [['SETNX', 'k', 'a'], int(1)],
      [['SETNX', 'k', 'b'], int(0)],
      [['GET', 'k'], bulk('a')],
      { list: 'l' },
      [['SETNX', 'l', 'b'], int(0)],
      [['SETNX', 'k'], arity('setnx')],
    ],
  },
  {
    name: 'SETEX and PSETEX',
    steps: [
      [['SETEX', 'k', '100', 'v'], OK],
      [['GET', 'k'], bulk('v')],
      { ttl: 'k', min: 95_000, max: 100_000 },
      [['PSETEX', 'k', '50000', 'w'], OK],
      { ttl: 'k', min: 45_000, max: 50_000 },
      [['SETEX', 'k', '0', 'v'], expireErr('setex')],
      [['SETEX', 'k', '-5', 'v'], expireErr('setex')],
      [['SETEX', 'k', 'abc', 'v'], NOT_INTEGER],
      [['SETEX', 'k', '9223372036854775807', 'v'], expireErr('setex')],
      [['PSETEX', 'k', '0', 'v'], expireErr('psetex')],
      [['PSETEX', 'k', '9223372036854775807', 'v'], expireErr('psetex')],
      [['GET', 'k'], bulk('w')],
      { list: 'l' },
      [['SETEX', 'l', '100', 'x'], OK],
      [['GET', 'l'], bulk('x')],
      [['SETEX', 'k', '100'], arity('setex')],
      [['PSETEX', 'k', '100', 'v', 'x'], arity('psetex')],
    ],
  },
  {
    name: 'GETEX reads and sets, removes or keeps the TTL',
    steps: [
      [['GETEX', 'k'], NIL],
      [['GETEX', 'k', 'EX', '0'], NIL],
      [['GETEX', 'k', 'EX', 'abc'], NIL],
      [['SET', 'k', 'v'], OK],
      [['GETEX', 'k'], bulk('v')],
      { ttl: 'k', min: -1, max: -1 },
      [['GETEX', 'k', 'EX', '100'], bulk('v')],
      { ttl: 'k', min: 95_000, max: 100_000 },
      [['GETEX', 'k'], bulk('v')],
      { ttl: 'k', min: 95_000, max: 100_000 },
      [['GETEX', 'k', 'PERSIST'], bulk('v')],
      { ttl: 'k', min: -1, max: -1 },
      [['GETEX', 'k', 'PX', '50000'], bulk('v')],
      { ttl: 'k', min: 45_000, max: 50_000 },
      [['GETEX', 'k', 'EXAT', FUTURE_S], bulk('v')],
      { ttl: 'k', min: 100 * DAY, max: Number(FUTURE_MS) },
      [['GETEX', 'k', 'ex', '10', 'ex', '20'], bulk('v')],
      { ttl: 'k', min: 15_000, max: 20_000 },
      [['GETEX', 'k', 'EX', '0'], expireErr('getex')],
      [['GETEX', 'k', 'PX', '9223372036854775807'], expireErr('getex')],
      [['GETEX', 'k', 'EX', 'abc'], NOT_INTEGER],
      [['GETEX', 'k', 'FOO'], SYNTAX],
      [['GETEX', 'k', 'EX'], SYNTAX],
      [['GETEX', 'k', 'EX', '10', 'PERSIST'], SYNTAX],
      [['GETEX', 'k', 'PERSIST', 'EX', '10'], SYNTAX],
      [['GETEX', 'k', 'KEEPTTL'], SYNTAX],
      [['GETEX', 'k', 'NX'], SYNTAX],
      [['GETEX', 'k', 'GET'], SYNTAX],
      [['GETEX', 'k', 'PXAT', '1'], bulk('v')],
      [['GET', 'k'], NIL],
      { list: 'l' },
      [['GETEX', 'l'], WRONGTYPE],
      [['GETEX', 'l', 'EX', '0'], WRONGTYPE],
      [['GETEX', 'l', 'FOO'], SYNTAX],
      [['GETEX'], arity('getex')],
    ],
  },
  {
    name: 'GETDEL and GETSET',
    steps: [
      [['GETDEL', 'k'], NIL],
      [['SET', 'k', ALL_BYTES], OK],
      [['GETDEL', 'k'], bulk(ALL_BYTES)],
      [['GET', 'k'], NIL],
      [['GETSET', 'k', 'a'], NIL],
      [['GETSET', 'k', 'b'], bulk('a')],
      [['SET', 'k', 'c', 'EX', '100'], OK],
      [['GETSET', 'k', 'd'], bulk('c')],
      { ttl: 'k', min: -1, max: -1 },
      { list: 'l' },
      [['GETDEL', 'l'], WRONGTYPE],
      [['GETSET', 'l', 'x'], WRONGTYPE],
      [['GET', 'l'], WRONGTYPE],
      [['GETDEL', 'k', 'x'], arity('getdel')],
      [['GETSET', 'k'], arity('getset')],
    ],
  },
  {
    name: 'MGET replies nil for missing keys and keys of other types',
    steps: [
      [['MSET', 'a', '1', 'b', ''], OK],
      { list: 'l' },
      [['MGET', 'a', 'missing', 'l', 'b', 'a'], arr(bulk('1'), NIL, NIL, EMPTY, bulk('1'))],
      [['MGET', 'missing'], arr(NIL)],
      [['MGET'], arity('mget')],
    ],
  },
  {
    name: 'MSET and MSETNX',
    steps: [
      [['SET', 'a', 'old', 'EX', '100'], OK],
      { list: 'l' },
      [['MSET', 'a', '1', 'l', '2', 'a', '3'], OK],
      [['MGET', 'a', 'l'], arr(bulk('3'), bulk('2'))],
      { ttl: 'a', min: -1, max: -1 },
      [['MSET', 'a', '1', 'b'], arity('mset')],
      [['MSET', 'a'], arity('mset')],
      [['MSETNX', 'x', '1', 'a', '2'], int(0)],
      [['GET', 'x'], NIL],
      [['MSETNX', 'x', '1', 'y', '2', 'x', '3'], int(1)],
      [['MGET', 'x', 'y'], arr(bulk('3'), bulk('2'))],
      { list: 'l2' },
      [['MSETNX', 'z', '1', 'l2', '2'], int(0)],
      [['MSETNX', 'z', '1', 'y'], arity('msetnx')],
    ],
  },
  {
    name: 'APPEND creates, extends and pins the raw encoding',
    steps: [
      [['APPEND', 'n', '123'], int(3)],
      { encoding: 'n', is: 'int' },
      [['APPEND', 'n', '4'], int(4)],
      { encoding: 'n', is: 'raw' },
      [['GET', 'n'], bulk('1234')],
      [['APPEND', 'k', 'abc'], int(3)],
      { encoding: 'k', is: 'embstr' },
      [['APPEND', 'k', ''], int(3)],
      { encoding: 'k', is: 'raw' },
      [['APPEND', 'k', ALL_BYTES], int(259)],
      [['GET', 'k'], bulk(Buffer.concat([Buffer.from('abc'), ALL_BYTES]))],
      [['APPEND', 'e', ''], int(0)],
      [['GET', 'e'], EMPTY],
      [['SET', 't', 'x', 'EX', '100'], OK],
      [['APPEND', 't', 'y'], int(2)],
      { ttl: 't', min: 95_000, max: 100_000 },
      { list: 'l' },
      [['APPEND', 'l', 'x'], WRONGTYPE],
      [['APPEND', 'k'], arity('append')],
    ],
  },
  {
    name: 'STRLEN',
    steps: [
      [['STRLEN', 'k'], int(0)],
      [['SET', 'k', ALL_BYTES], OK],
      [['STRLEN', 'k'], int(256)],
      [['SET', 'k', '-12345'], OK],
      [['STRLEN', 'k'], int(6)],
      [['SET', 'k', ''], OK],
      [['STRLEN', 'k'], int(0)],
      { list: 'l' },
      [['STRLEN', 'l'], WRONGTYPE],
    ],
  },
  {
    name: 'INCR, DECR, INCRBY, DECRBY count in int64 and keep the TTL',
    steps: [
      [['INCR', 'k'], int(1)],
      [['INCR', 'k'], int(2)],
      [['DECR', 'k'], int(1)],
      [['INCRBY', 'k', '10'], int(11)],
      [['DECRBY', 'k', '20'], int(-9)],
      [['DECR', 'new'], int(-1)],
      [['DECRBY', 'new2', '-5'], int(5)],
      [['INCRBY', 'k', '0'], int(-9)],
      { encoding: 'k', is: 'int' },
      [['SET', 'k', '9007199254740991'], OK],
      [['INCR', 'k'], int('9007199254740992')],
      [['INCR', 'k'], int('9007199254740993')],
      [['INCRBY', 'k', '-9007199254740993'], int(0)],
      [['SET', 't', '5', 'EX', '100'], OK],
      [['INCR', 't'], int(6)],
      { ttl: 't', min: 95_000, max: 100_000 },
      [['INCR', 'k', 'x'], arity('incr')],
      [['INCRBY', 'k'], arity('incrby')],
    ],
  },
  {
    name: 'INCR family at the int64 edges',
    steps: [
      [['SET', 'k', '9223372036854775806'], OK],
      [['INCR', 'k'], int('9223372036854775807')],
      [['INCR', 'k'], OVERFLOW],
      [['INCRBY', 'k', '1'], OVERFLOW],
      [['DECRBY', 'k', '-1'], OVERFLOW],
      [['GET', 'k'], bulk('9223372036854775807')],
      [['INCRBY', 'k', '-9223372036854775808'], int(-1)],
      [['INCRBY', 'k', '9223372036854775807'], int('9223372036854775806')],
      [['SET', 'k', '-9223372036854775807'], OK],
      [['DECR', 'k'], int('-9223372036854775808')],
      [['DECR', 'k'], OVERFLOW],
      [['INCRBY', 'k', '-1'], OVERFLOW],
      [['INCRBY', 'k', '9223372036854775807'], int(-1)],
      [['DECRBY', 'k', '9223372036854775807'], int('-9223372036854775808')],
      [['DECRBY', 'k', '-9223372036854775808'], err('ERR decrement would overflow')],
      [['DECRBY', 'missing', '-9223372036854775808'], err('ERR decrement would overflow')],
      [['DECRBY', 'missing', '-9223372036854775807'], int('9223372036854775807')],
      { list: 'l' },
      [['DECRBY', 'l', '-9223372036854775808'], err('ERR decrement would overflow')],
    ],
  },
  {
    name: 'INCR family refuses what is not an int64, stored or given',
    steps: [
      { list: 'l' },
      [['INCR', 'l'], WRONGTYPE],
      [['INCRBY', 'l', 'abc'], NOT_INTEGER],
      [['INCRBY', 'k', 'abc'], NOT_INTEGER],
      [['INCRBY', 'k', '1.5'], NOT_INTEGER],
      [['INCRBY', 'k', '+1'], NOT_INTEGER],
      [['INCRBY', 'k', ' 1'], NOT_INTEGER],
      [['INCRBY', 'k', '01'], NOT_INTEGER],
      [['INCRBY', 'k', '-0'], NOT_INTEGER],
      [['INCRBY', 'k', ''], NOT_INTEGER],
      [['INCRBY', 'k', '9223372036854775808'], NOT_INTEGER],
      [['DECRBY', 'k', '-9223372036854775809'], NOT_INTEGER],
      [['SET', 'k', '1.5'], OK],
      [['INCR', 'k'], NOT_INTEGER],
      [['SET', 'k', ' 1'], OK],
      [['INCR', 'k'], NOT_INTEGER],
      [['SET', 'k', ''], OK],
      [['DECR', 'k'], NOT_INTEGER],
      [['SET', 'k', '-0'], OK],
      [['INCR', 'k'], NOT_INTEGER],
      [['SET', 'k', '9223372036854775808'], OK],
      [['INCR', 'k'], NOT_INTEGER],
      [['SET', 'k', '1\x002'], OK],
      [['INCR', 'k'], NOT_INTEGER],
      [['GET', 'k'], bulk('1\x002')],
    ],
  },
  {
    name: 'INCR turns an appended (raw) number back into an int',
    steps: [
      [['SET', 'k', '1'], OK],
      [['APPEND', 'k', '0'], int(2)],
      { encoding: 'k', is: 'raw' },
      [['INCR', 'k'], int(11)],
      { encoding: 'k', is: 'int' },
    ],
  },
  {
    name: 'INCRBYFLOAT computes in long double and replies a bulk string',
    steps: [
      [['INCRBYFLOAT', 'f', '10.5'], bulk('10.5')],
      [['INCRBYFLOAT', 'f', '0.1'], bulk('10.6')],
      [['GET', 'f'], bulk('10.6')],
      [['SET', 'f', '1.1'], OK],
      [['INCRBYFLOAT', 'f', '2.2'], bulk('3.3')],
      [['INCRBYFLOAT', 'g', '3'], bulk('3')],
      { encoding: 'g', is: 'embstr' },
      [['INCRBYFLOAT', 'g', '5.0e3'], bulk('5003')],
      [['INCRBYFLOAT', 'g', '-5003'], bulk('0')],
      [['INCRBYFLOAT', 'h', '0x10'], bulk('16')],
      [['INCRBYFLOAT', 'h', '-0.000000000000000001'], bulk('16')],
      [['INCRBYFLOAT', 'h', '-0.00000000000000001'], bulk('15.99999999999999999')],
      [['SET', 'i', '9223372036854775807'], OK],
      [['INCRBYFLOAT', 'i', '1'], bulk('9223372036854775808')],
      [['INCRBYFLOAT', 'big', '1e40'], bulk('9999999999999999999783686092270256259072')],
      [['SET', 't', '1', 'EX', '100'], OK],
      [['INCRBYFLOAT', 't', '1.5'], bulk('2.5')],
      { ttl: 't', min: 95_000, max: 100_000 },
      { encoding: 't', is: 'embstr' },
    ],
  },
  {
    name: 'INCRBYFLOAT errors',
    steps: [
      [['INCRBYFLOAT', 'f', 'abc'], NOT_FLOAT],
      [['INCRBYFLOAT', 'f', ''], NOT_FLOAT],
      [['INCRBYFLOAT', 'f', ' 1'], NOT_FLOAT],
      [['INCRBYFLOAT', 'f', '1 '], NOT_FLOAT],
      [['INCRBYFLOAT', 'f', 'nan'], NOT_FLOAT],
      [['INCRBYFLOAT', 'f', '1e5000'], NOT_FLOAT],
      [['INCRBYFLOAT', 'f', 'inf'], err('ERR increment would produce NaN or Infinity')],
      [['GET', 'f'], NIL],
      [['SET', 'f', 'abc'], OK],
      [['INCRBYFLOAT', 'f', '1'], NOT_FLOAT],
      [['SET', 'f', ''], OK],
      [['INCRBYFLOAT', 'f', '1'], NOT_FLOAT],
      [['SET', 'f', '0x1.fffffffffffffffep16383'], OK],
      [['INCRBYFLOAT', 'f', '0x1p16319'], err('ERR increment would produce NaN or Infinity')],
      [['GET', 'f'], bulk('0x1.fffffffffffffffep16383')],
      { list: 'l' },
      [['INCRBYFLOAT', 'l', '1'], WRONGTYPE],
      [['INCRBYFLOAT', 'l', 'abc'], WRONGTYPE],
      [['INCRBYFLOAT', 'f'], arity('incrbyfloat')],
    ],
  },
  {
    name: 'GETRANGE and SUBSTR with negative and out-of-range indexes',
    steps: [
      [['GETRANGE', 'missing', '0', '-1'], EMPTY],
      [['GETRANGE', 'missing', 'a', '-1'], NOT_INTEGER],
      [['SET', 's', 'Hello World'], OK],
      [['GETRANGE', 's', '0', '-1'], bulk('Hello World')],
      [['GETRANGE', 's', '0', '4'], bulk('Hello')],
      [['GETRANGE', 's', '-3', '-1'], bulk('rld')],
      [['GETRANGE', 's', '-1', '-5'], EMPTY],
      [['GETRANGE', 's', '5', '3'], EMPTY],
      [['GETRANGE', 's', '-100', '100'], bulk('Hello World')],
      [['GETRANGE', 's', '-100', '-50'], bulk('H')],
      [['GETRANGE', 's', '0', '0'], bulk('H')],
      [['GETRANGE', 's', '11', '20'], EMPTY],
      [['GETRANGE', 's', '3', '-100'], EMPTY],
      [['GETRANGE', 's', '-9223372036854775807', '-9223372036854775808'], EMPTY],
      [['GETRANGE', 's', '-9223372036854775808', '-9223372036854775807'], bulk('H')],
      [['GETRANGE', 's', '9223372036854775807', '9223372036854775807'], EMPTY],
      [['GETRANGE', 's', '0', '9223372036854775807'], bulk('Hello World')],
      [['GETRANGE', 's', '0', '9223372036854775808'], NOT_INTEGER],
      [['GETRANGE', 's', '1.5', '2'], NOT_INTEGER],
      [['SUBSTR', 's', '6', '-1'], bulk('World')],
      [['SUBSTR', 's', '-1', '-5'], EMPTY],
      [['SET', 'n', '-12345'], OK],
      [['GETRANGE', 'n', '1', '2'], bulk('12')],
      [['SET', 'e', ''], OK],
      [['GETRANGE', 'e', '0', '-1'], EMPTY],
      [['GETRANGE', 'e', '-1', '0'], EMPTY],
      [['SET', 'bin', ALL_BYTES], OK],
      [['GETRANGE', 'bin', '-3', '-1'], bulk(ALL_BYTES.subarray(253))],
      { list: 'l' },
      [['GETRANGE', 'l', '0', '-1'], WRONGTYPE],
      [['GETRANGE', 'l', 'x', '-1'], NOT_INTEGER],
      [['GETRANGE', 's', '0'], arity('getrange')],
      [['SUBSTR', 's', '0'], arity('substr')],
    ],
  },
  {
    name: 'SETRANGE pads with zero bytes, never creates an empty key, pins raw',
    steps: [
      [['SETRANGE', 'k', '0', ''], int(0)],
      [['GET', 'k'], NIL],
      [['SETRANGE', 'k', '9223372036854775807', ''], int(0)],
      [['SETRANGE', 'k', '5', 'x'], int(6)],
      [['GET', 'k'], bulk('\0\0\0\0\0x')],
      { encoding: 'k', is: 'raw' },
      [['SET', 's', 'Hello World'], OK],
      [['SETRANGE', 's', '6', 'Redis'], int(11)],
      [['GET', 's'], bulk('Hello Redis')],
      { encoding: 's', is: 'raw' },
      [['SETRANGE', 's', '10', 'ing!'], int(14)],
      [['GET', 's'], bulk('Hello Rediing!')],
      [['SETRANGE', 's', '3', ''], int(14)],
      [['SETRANGE', 's', '0', ALL_BYTES], int(256)],
      [['GET', 's'], bulk(ALL_BYTES)],
      [['SET', 'n', '12345'], OK],
      [['SETRANGE', 'n', '1', '9'], int(5)],
      [['GET', 'n'], bulk('19345')],
      [['SET', 't', 'abc', 'EX', '100'], OK],
      [['SETRANGE', 't', '1', 'X'], int(3)],
      { ttl: 't', min: 95_000, max: 100_000 },
      [['SETRANGE', 'k', '-1', 'x'], err('ERR offset is out of range')],
      [['SETRANGE', 'k', 'abc', 'x'], NOT_INTEGER],
      [['SETRANGE', 'k', '9223372036854775808', 'x'], NOT_INTEGER],
      [['SETRANGE', 'k', '9223372036854775807', 'x'], TOO_LONG],
      [['SETRANGE', 'k', '536870912', 'x'], TOO_LONG],
      [['SETRANGE', 'new', '536870912', 'x'], TOO_LONG],
      [['GET', 'new'], NIL],
      { list: 'l' },
      [['SETRANGE', 'l', '0', 'x'], WRONGTYPE],
      [['SETRANGE', 'l', '0', ''], WRONGTYPE],
      [['SETRANGE', 'l', '-1', 'x'], err('ERR offset is out of range')],
      [['SETRANGE', 'k', '0'], arity('setrange')],
    ],
  },
  {
    name: 'APPEND and SETRANGE stop at proto-max-bulk-len',
    config: { 'proto-max-bulk-len': '1048576' },
    steps: [
      [['SETRANGE', 'k', '1048575', 'ab'], TOO_LONG],
      [['SETRANGE', 'k', '1048574', 'ab'], int(1048576)],
      [['APPEND', 'k', 'x'], TOO_LONG],
      [['APPEND', 'k', ''], int(1048576)],
      [['STRLEN', 'k'], int(1048576)],
      [['SETRANGE', 'k', '1048575', 'b'], int(1048576)],
      [['SETRANGE', 'k', '1048576', 'b'], TOO_LONG],
      [['GETRANGE', 'k', '-3', '-1'], bulk('\0ab')],
    ],
  },
  {
    name: 'LCS: the string, LEN, IDX with MINMATCHLEN and WITHMATCHLEN',
    steps: [
      [['MSET', 'a', 'ohmytext', 'b', 'mynewtext'], OK],
      [['LCS', 'a', 'b'], bulk('mytext')],
      [['LCS', 'a', 'b', 'LEN'], int(6)],
      [['LCS', 'a', 'b', 'len', 'LEN'], int(6)],
      [['LCS', 'a', 'b', 'IDX'], map(bulk('matches'), arr(match(4, 7, 5, 8), match(2, 3, 0, 1)), bulk('len'), int(6))],
      [['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4'], map(bulk('matches'), arr(match(4, 7, 5, 8)), bulk('len'), int(6))],
      [['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'], map(bulk('matches'), arr(match(4, 7, 5, 8, 4), match(2, 3, 0, 1, 2)), bulk('len'), int(6))],
      [
        ['LCS', 'a', 'b', 'WITHMATCHLEN', 'MINMATCHLEN', '-5', 'IDX'],
        map(bulk('matches'), arr(match(4, 7, 5, 8, 4), match(2, 3, 0, 1, 2)), bulk('len'), int(6)),
      ],
      [['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '10'], map(bulk('matches'), arr(), bulk('len'), int(6))],
      [['LCS', 'a', 'b', 'WITHMATCHLEN'], bulk('mytext')],
      [['LCS', 'a', 'b', 'MINMATCHLEN', '2', 'LEN'], int(6)],
      [['LCS', 'a', 'b', 'LEN', 'IDX'], err('ERR If you want both the length and indexes, please just use IDX.')],
      [['LCS', 'a', 'b', 'MINMATCHLEN'], SYNTAX],
      [['LCS', 'a', 'b', 'MINMATCHLEN', 'x'], NOT_INTEGER],
      [['LCS', 'a', 'b', 'LEN', 'IDX', 'MINMATCHLEN', 'x'], NOT_INTEGER],
      [['LCS', 'a', 'b', 'FOO'], SYNTAX],
      [['LCS', 'a', 'missing'], EMPTY],
      [['LCS', 'missing', 'b', 'LEN'], int(0)],
      [['LCS', 'missing', 'other', 'IDX'], map(bulk('matches'), arr(), bulk('len'), int(0))],
      [['LCS', 'a', 'a', 'IDX', 'WITHMATCHLEN'], map(bulk('matches'), arr(match(0, 7, 0, 7, 8)), bulk('len'), int(8))],
      [['SET', 'bin', ALL_BYTES], OK],
      [['SET', 'rev', Buffer.from([...ALL_BYTES].reverse())], OK],
      [['LCS', 'bin', 'rev', 'LEN'], int(1)],
      [['LCS', 'bin', 'bin'], bulk(ALL_BYTES)],
      { list: 'l' },
      [['LCS', 'a', 'l'], LCS_TYPES],
      [['LCS', 'l', 'missing', 'FOO'], LCS_TYPES],
      [['LCS', 'a'], arity('lcs')],
    ],
  },
  {
    name: 'LCS refuses a table larger than proto-max-bulk-len',
    config: { 'proto-max-bulk-len': '1048576' },
    steps: [
      [['SET', 'a', 'x'.repeat(600)], OK],
      [['SET', 'b', 'x'.repeat(400)], OK],
      [['LCS', 'a', 'b', 'LEN'], int(400)],
      [['SET', 'b', 'x'.repeat(600)], OK],
      [['LCS', 'a', 'b', 'LEN'], err('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len')],
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Running scenarios on cachica
// ---------------------------------------------------------------------------------------------

function toBuffer(a: Arg): Buffer {
  return typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
}

function show(args: Arg[]): string {
  return args.map((a) => escapeBytes(toBuffer(a), 40)).join(' ');
}

/** The key's entry in database 0, or 0. */
function entryOf(db: Cachica, key: string): number {
  const k = Buffer.from(key, 'latin1');
  return db.internals.store.databases[0].find(k, 0, k.length, Lookup.NoTouch);
}

/** OBJECT ENCODING of a string key from its bytes and flags, as Redis decides it. */
function encodingOf(db: Cachica, key: string): string {
  const database = db.internals.store.databases[0];
  const id = entryOf(db, key);
  assert.notEqual(id, 0, `key ${key} missing`);
  const flags = database.flags(id);
  if ((flags & EntryFlag.RawEncoding) !== 0) return 'raw';
  const bytes = database.stringBytes(id);
  if ((flags & EntryFlag.NotIntEncoded) === 0 && isStrictInt64(bytes, 0, bytes.length)) return 'int';
  return bytes.length <= 44 ? 'embstr' : 'raw';
}

function ttlOf(db: Cachica, key: string): number {
  const id = entryOf(db, key);
  if (id === 0) return -2;
  const at = db.internals.store.databases[0].expireAt(id);
  return at === 0 ? -1 : at - Date.now();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function runOnCachica(scenario: Scenario, proto: Proto): Promise<void> {
  const db = new Cachica(scenario.config ? { config: scenario.config } : {});
  try {
    if (proto === 2) db.raw(['HELLO', '2']);
    for (const step of scenario.steps) {
      if (Array.isArray(step)) {
        const [args, expect] = step;
        const got = db.raw(args).toString('latin1');
        assert.equal(got, resolve(expect, proto), `${show(args)} (RESP${proto})`);
      } else if ('list' in step) {
        const k = Buffer.from(step.list, 'latin1');
        db.internals.store.databases[0].setObject(k, 0, k.length, ValueType.List, ['x']);
      } else if ('sleep' in step) {
        await sleep(step.sleep);
      } else if ('ttl' in step) {
        const ttl = ttlOf(db, step.ttl);
        assert.ok(ttl >= step.min && ttl <= step.max, `TTL of ${step.ttl} is ${ttl}, expected [${step.min}, ${step.max}]`);
      } else {
        assert.equal(encodingOf(db, step.encoding), step.is, `encoding of ${step.encoding}`);
      }
    }
  } finally {
    db.close();
  }
}

describe('string commands (embedded, against recorded replies)', () => {
  for (const scenario of SCENARIOS) {
    for (const proto of [2, 3] as const) {
      it(`${scenario.name} (RESP${proto})`, () => runOnCachica(scenario, proto));
    }
  }

  it('INCR stays exact past 2^53 and refuses to leave int64', () => {
    const db = new Cachica();
    try {
      assert.equal(db.commandSync('SET', 'k', '9223372036854775800'), 'OK');
      assert.equal(db.commandSync('INCRBY', 'k', '7'), 9223372036854775807n);
      assert.throws(() => db.commandSync('INCR', 'k'), /increment or decrement would overflow/);
      assert.equal(db.commandSync('GET', 'k'), '9223372036854775807');
    } finally {
      db.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Against real Redis
// ---------------------------------------------------------------------------------------------

/** One connection to real Redis, speaking RESP2 or RESP3. */
class RedisSide {
  proto: Proto = 2;
  constructor(readonly conn: RawConnection) {}

  async call(args: Arg[]): Promise<string> {
    return (await this.conn.call(args.map(toBuffer))).toString('latin1');
  }

  async useProtocol(proto: Proto): Promise<void> {
    if (this.proto === proto) return;
    await this.call(['HELLO', String(proto)]);
    this.proto = proto;
  }

  async makeList(key: string): Promise<void> {
    await this.call(['DEL', key]);
    await this.call(['RPUSH', key, 'x']);
  }
}

let redis: RunningServer | null = null;
let side: RedisSide | null = null;

async function redisSide(): Promise<RedisSide> {
  if (side === null) {
    // Throws (and so fails the suite) when redis-server is not installed.
    redis = await startRedis();
    side = new RedisSide(await RawConnection.connect(redis.port, redis.host));
  }
  return side;
}

after(async () => {
  await side?.conn.close();
  await redis?.stop();
});

describe('string commands: the recorded replies are real Redis replies', () => {
  for (const scenario of SCENARIOS) {
    for (const proto of [2, 3] as const) {
      it(`${scenario.name} (RESP${proto})`, async () => {
        const r = await redisSide();
        await r.call(['FLUSHALL']);
        await r.useProtocol(proto);
        const saved: [string, string][] = [];
        for (const [name, value] of Object.entries(scenario.config ?? {})) {
          const reply = await r.call(['CONFIG', 'GET', name]);
          saved.push([name, reply.split('\r\n')[4]]);
          assert.equal(await r.call(['CONFIG', 'SET', name, value]), OK);
        }
        try {
          for (const step of scenario.steps) {
            if (Array.isArray(step)) {
              const [args, expect] = step;
              assert.equal(await r.call(args), resolve(expect, proto), `${show(args)} (RESP${proto})`);
            } else if ('list' in step) {
              await r.makeList(step.list);
            } else if ('sleep' in step) {
              await sleep(step.sleep);
            } else if ('ttl' in step) {
              const ttl = Number(/^:(-?\d+)/.exec(await r.call(['PTTL', step.ttl]))?.[1]);
              assert.ok(ttl >= step.min && ttl <= step.max, `TTL of ${step.ttl} is ${ttl}, expected [${step.min}, ${step.max}]`);
            } else {
              assert.equal(await r.call(['OBJECT', 'ENCODING', step.encoding]), bulk(step.is), `encoding of ${step.encoding}`);
            }
          }
        } finally {
          for (const [name, value] of saved) await r.call(['CONFIG', 'SET', name, value]);
        }
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Random differential test
// ---------------------------------------------------------------------------------------------

const INTS = [
  '0', '1', '-1', '2', '100', '-100', '9223372036854775807', '-9223372036854775808', '9223372036854775806',
  '-9223372036854775807', '9007199254740991', '9007199254740992', '-9007199254740993', '4611686018427387904',
  '9223372036854775808', '-9223372036854775809', '18446744073709551616', '1.5', '', ' 1', '+1', '01', '-0', 'abc',
];
const FLOATS = [
  '0.1', '1.1', '-2.2', '10.5', '3.0e3', '1e10', '1e-10', '1e308', '1e4000', '-1e4000', '1e-4000', 'inf', '-inf', 'nan',
  '0x10', '0x1p-3', '1e', '  1', '1 ', '-0', '7e-18', '123456789.123456789', '1.00000000000000000001', '5e-324',
  '0.000003814697265625', '9223372036854775807', '18446744073709551617',
];
const INDEXES = ['0', '1', '2', '-1', '-2', '-5', '5', '100', '-100', '9223372036854775807', '-9223372036854775808', '-9223372036854775807', 'x'];
const OFFSETS = ['0', '1', '3', '10', '100', '-1', '536870912', '9223372036854775807', 'abc'];
/** Seconds for EX and SETEX; for PSETEX only the long ones, so no key expires mid-run on one side only. */
const EXPIRES = ['100', '100000', '0', '-1', 'abc', '9223372036854775807'];
const PX_EXPIRES = ['100000', '0', '-1', 'abc', '9223372036854775807'];
const KEYS: Arg[] = ['a', 'b', 'c', 'n', 'f', 'l', '', Buffer.from([0, 255, 13, 10])];

function generate(seed: number, count: number): Step[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const chance = (p: number): boolean => rand() < p;
  const randomBytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
  const value = (): Arg => {
    const r = rand();
    if (r < 0.3) return pick(INTS);
    if (r < 0.5) return pick(FLOATS);
    if (r < 0.6) return ALL_BYTES;
    if (r < 0.7) return randomBytes(Math.floor(rand() * 40));
    if (r < 0.8) return '';
    return pick(['hello', 'world', 'ohmytext', 'mynewtext', 'x', 'abcabcabc', 'Hello World']);
  };
  const key = (): Arg => pick(KEYS);
  const setOptions = (): Arg[] => {
    const all: Arg[][] = [['NX'], ['XX'], ['GET'], ['KEEPTTL'], ['EX', '100'], ['PX', '100000'], ['EXAT', FUTURE_S], ['PXAT', FUTURE_MS], ['EXAT', '1'], ['EX', pick(EXPIRES)], ['FOO']];
    const out: Arg[] = [];
    const n = Math.floor(rand() * 3);
    for (let i = 0; i < n; i++) out.push(...pick(all));
    return out;
  };
  const steps: Step[] = [{ list: 'l' }];
  const noReply = (args: Arg[]): Step => [args, ''];
  for (let i = 0; i < count; i++) {
    const r = rand();
    let args: Arg[];
    if (r < 0.03) {
      steps.push({ list: 'l' });
      continue;
    } else if (r < 0.06) {
      // An expired key: both sides must have dropped it once 5 ms have passed.
      steps.push(noReply(['SET', key(), value(), 'PX', '1']), { sleep: 5 });
      continue;
    }
    switch (Math.floor(rand() * 24)) {
      case 0: args = ['GET', key()]; break;
      case 1: args = ['SET', key(), value(), ...setOptions()]; break;
      case 2: args = ['SETNX', key(), value()]; break;
      case 3: args = ['SETEX', key(), pick(EXPIRES), value()]; break;
      case 4: args = ['PSETEX', key(), pick(PX_EXPIRES), value()]; break;
      case 5: args = ['GETEX', key(), ...pick<Arg[]>([[], ['EX', '100'], ['PX', '100000'], ['EXAT', FUTURE_S], ['PXAT', '1'], ['PERSIST'], ['EX', pick(EXPIRES)], ['FOO'], ['EX']])]; break;
      case 6: args = ['GETDEL', key()]; break;
      case 7: args = ['GETSET', key(), value()]; break;
      case 8: args = ['MGET', ...Array.from({ length: 1 + Math.floor(rand() * 4) }, key)]; break;
      case 9: args = [chance(0.5) ? 'MSET' : 'MSETNX', ...Array.from({ length: 1 + Math.floor(rand() * 5) }, (_, j) => (j % 2 === 0 ? key() : value()))]; break;
      case 10: args = ['APPEND', key(), value()]; break;
      case 11: args = ['STRLEN', key()]; break;
      case 12: args = ['INCR', key()]; break;
      case 13: args = ['DECR', key()]; break;
      case 14: args = ['INCRBY', key(), pick(INTS)]; break;
      case 15: args = ['DECRBY', key(), pick(INTS)]; break;
      case 16: args = ['INCRBYFLOAT', key(), pick(FLOATS)]; break;
      case 17: args = [chance(0.7) ? 'GETRANGE' : 'SUBSTR', key(), pick(INDEXES), pick(INDEXES)]; break;
      case 18: args = ['SETRANGE', key(), pick(OFFSETS), value()]; break;
      case 19: args = ['LCS', key(), key(), ...pick<Arg[]>([[], ['LEN'], ['IDX'], ['IDX', 'WITHMATCHLEN'], ['IDX', 'MINMATCHLEN', pick(INTS)], ['LEN', 'IDX'], ['MINMATCHLEN']])]; break;
      case 20: args = ['SET', key(), pick(INTS)]; break;
      case 21: args = ['INCRBY', key(), pick(['1', '-1', '1000', '9223372036854775807', '-9223372036854775808'])]; break;
      default: {
        // Wrong arity: a command with an argument too few or too many.
        const name = pick(['GET', 'SET', 'SETNX', 'SETEX', 'GETDEL', 'GETSET', 'APPEND', 'STRLEN', 'INCR', 'INCRBY', 'INCRBYFLOAT', 'GETRANGE', 'SETRANGE', 'LCS', 'MSET', 'GETEX', 'MGET']);
        args = [name, ...Array.from({ length: Math.floor(rand() * 5) }, key)];
      }
    }
    steps.push([args, '']);
  }
  return steps;
}

async function differential(seed: number, count: number): Promise<void> {
  const r = await redisSide();
  await r.call(['FLUSHALL']);
  const db = new Cachica();
  const mismatches: string[] = [];
  try {
    const steps = generate(seed, count);
    for (let i = 0; i < steps.length; i++) {
      // The first half in RESP2, the rest in RESP3.
      if (i === 0 || i === Math.floor(steps.length / 2)) {
        const proto: Proto = i === 0 ? 2 : 3;
        db.raw(['HELLO', String(proto)]);
        await r.useProtocol(proto);
      }
      const step = steps[i];
      if (Array.isArray(step)) {
        const [args] = step;
        const ours = db.raw(args).toString('latin1');
        const theirs = await r.call(args);
        if (ours !== theirs) mismatches.push(`#${i} ${show(args)}\n    redis:   ${escapeBytes(theirs, 200)}\n    cachica: ${escapeBytes(ours, 200)}`);
      } else if ('list' in step) {
        const k = Buffer.from(step.list, 'latin1');
        db.internals.store.databases[0].setObject(k, 0, k.length, ValueType.List, ['x']);
        await r.makeList(step.list);
      } else if ('sleep' in step) {
        await sleep(step.sleep);
      }
    }
  } finally {
    db.close();
  }
  assert.deepEqual(mismatches.slice(0, 10), [], `${mismatches.length} replies differ from Redis`);
}

describe('string commands: random sequences against real Redis', () => {
  before(async () => {
    await redisSide();
  });
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 300 commands reply byte for byte as Redis`, () => differential(seed, 300));
  }
});
