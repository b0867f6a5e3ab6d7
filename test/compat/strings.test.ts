/**
 * String commands against real Redis: fixed scenarios for every option, edge and error reply of
 * the string family, then seeded random sequences that mix them, each in RESP2 and RESP3. Also
 * the self-test of the bed (its comparison can fail, its frame scanner reads every RESP3 type),
 * because a differential test that cannot fail proves nothing.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareReplies,
  defineScenarios,
  raw,
  runScenario,
  sleep,
  sorted,
  ttl,
  useBed,
  type Scenario,
} from './bed.js';
import { ALL_BYTES, KEY_TEMPLATES, STRING_TEMPLATES, randomScenarios, uncovered } from './random.js';
import { RawConnection, RespFormatError, decodeFrame, frameEnd, splitFrames } from '../helpers/raw-connection.js';

const LONG = 'x'.repeat(10_000);

const scenarios: Scenario[] = [
  // ------------------------------------------------------------------------------------- SET
  {
    name: 'SET and GET round-trip empty, binary, long and unicode values',
    steps: [
      ['GET', 'k'],
      ['SET', 'k', 'v'],
      ['GET', 'k'],
      ['SET', 'k', ''],
      ['GET', 'k'],
      ['SET', 'bin', ALL_BYTES],
      ['GET', 'bin'],
      ['SET', ALL_BYTES, 'key of every byte'],
      ['GET', ALL_BYTES],
      ['SET', '', 'empty key'],
      ['GET', ''],
      ['SET', 'long', LONG],
      ['GET', 'long'],
      ['SET', 'uni', 'héllo wörld ✓'],
      ['GET', 'uni'],
      ['STRLEN', 'uni'],
    ],
  },
  {
    name: 'SET NX and XX',
    steps: [
      ['SET', 'k', 'a', 'XX'],
      ['GET', 'k'],
      ['SET', 'k', 'a', 'NX'],
      ['SET', 'k', 'b', 'NX'],
      ['GET', 'k'],
      ['SET', 'k', 'c', 'XX'],
      ['GET', 'k'],
      ['SET', 'k', 'd', 'nx'],
      ['SET', 'k', 'd', 'xx'],
      ['SET', 'k', 'e', 'NX', 'NX'],
      ['SET', 'k', 'e', 'NX', 'XX'],
      ['SET', 'k', 'e', 'XX', 'NX'],
    ],
  },
  {
    name: 'SET GET returns the old value, alone and with NX, XX and expiry',
    steps: [
      ['SET', 'k', 'a', 'GET'],
      ['SET', 'k', 'b', 'GET'],
      ['SET', 'k', 'c', 'get'],
      ['SET', 'k', 'd', 'NX', 'GET'],
      ['GET', 'k'],
      ['SET', 'missing', 'x', 'XX', 'GET'],
      ['EXISTS', 'missing'],
      ['SET', 'k', 'e', 'XX', 'GET'],
      ['SET', 'k', 'f', 'GET', 'EX', '1000'],
      ttl('TTL', 'k'),
      ['SET', 'k', 'g', 'GET', 'GET'],
      ['SET', 'k', 'h', 'GET', 'KEEPTTL'],
      ttl('TTL', 'k'),
      ['SET', 'fresh', 'x', 'NX', 'GET'],
      ['GET', 'fresh'],
    ],
  },
  {
    name: 'SET EX PX EXAT PXAT set the expiry',
    steps: [
      ['SET', 'k', 'v', 'EX', '100'],
      ttl('TTL', 'k'),
      ttl('PTTL', 'k'),
      ttl('EXPIRETIME', 'k'),
      ['SET', 'k', 'v', 'PX', '100000'],
      ttl('TTL', 'k'),
      ttl('PTTL', 'k'),
      ['SET', 'k', 'v', 'EXAT', '4000000000'],
      ['EXPIRETIME', 'k'],
      ['PEXPIRETIME', 'k'],
      ['SET', 'k', 'v', 'PXAT', '4000000000123'],
      ['PEXPIRETIME', 'k'],
      ['EXPIRETIME', 'k'],
      ['SET', 'k', 'v', 'ex', '100'],
      ttl('TTL', 'k'),
      ['SET', 'k', 'v'],
      ['TTL', 'k'],
      ['SET', 'k', 'v', 'EX', '100', 'NX'],
      ['SET', 'k', 'v', 'PX', '100000', 'XX'],
      ttl('PTTL', 'k'),
      ['SET', 'k', 'v', 'PXAT', '9223372036854775807'],
      ttl('PTTL', 'k'),
      ['PEXPIRETIME', 'k'],
      ['SET', 'k', 'v', 'EXAT', '9223372036854775'],
      ['PEXPIRETIME', 'k'],
    ],
  },
  {
    name: 'SET KEEPTTL keeps the expiry and plain SET clears it',
    steps: [
      ['SET', 'k', 'v', 'EX', '1000'],
      ['SET', 'k', 'w', 'KEEPTTL'],
      ttl('TTL', 'k'),
      ['GET', 'k'],
      ['SET', 'k', 'x', 'keepttl', 'XX'],
      ttl('TTL', 'k'),
      ['SET', 'k', 'y'],
      ['TTL', 'k'],
      ['SET', 'nottl', 'v', 'KEEPTTL'],
      ['TTL', 'nottl'],
    ],
  },
  {
    name: 'SET option combinations Redis rejects',
    steps: [
      ['SET', 'k', 'v', 'EX', '10', 'PX', '100'],
      ['SET', 'k', 'v', 'PX', '100', 'EX', '10'],
      ['SET', 'k', 'v', 'EX', '10', 'EXAT', '4000000000'],
      ['SET', 'k', 'v', 'PXAT', '4000000000000', 'EXAT', '4000000000'],
      ['SET', 'k', 'v', 'EX', '10', 'KEEPTTL'],
      ['SET', 'k', 'v', 'KEEPTTL', 'PX', '10'],
      ['SET', 'k', 'v', 'KEEPTTL', 'EXAT', '4000000000'],
      ['SET', 'k', 'v', 'EX', '10', 'EX', '20'],
      ['SET', 'k', 'v', 'KEEPTTL', 'KEEPTTL'],
      ['SET', 'k', 'v', 'EX'],
      ['SET', 'k', 'v', 'PX'],
      ['SET', 'k', 'v', 'EX', 'NX'],
      ['SET', 'k', 'v', 'FOO'],
      ['SET', 'k', 'v', 'NX', 'FOO'],
      ['SET', 'k', 'v', ''],
      ['SET', 'k', 'v', 'EX', '10', 'extra'],
      ['SET', 'k'],
      ['SET'],
      ['EXISTS', 'k'],
    ],
  },
  {
    name: 'SET expiry values that are not valid times',
    steps: [
      ['SET', 'k', 'v', 'EX', '0'],
      ['SET', 'k', 'v', 'EX', '-1'],
      ['SET', 'k', 'v', 'PX', '0'],
      ['SET', 'k', 'v', 'PX', '-100'],
      ['SET', 'k', 'v', 'EXAT', '0'],
      ['SET', 'k', 'v', 'PXAT', '-1'],
      ['SET', 'k', 'v', 'EX', 'abc'],
      ['SET', 'k', 'v', 'EX', '1.5'],
      ['SET', 'k', 'v', 'EX', ''],
      ['SET', 'k', 'v', 'EX', '+10'],
      ['SET', 'k', 'v', 'EX', ' 10'],
      ['SET', 'k', 'v', 'EX', '010'],
      ['SET', 'k', 'v', 'EX', '9223372036854775807'],
      ['SET', 'k', 'v', 'EX', '9223372036854776'],
      ['SET', 'k', 'v', 'EX', '9223372036854775'],
      ['SET', 'k', 'v', 'PX', '9223372036854775807'],
      ['SET', 'k', 'v', 'PX', '9223372036854775808'],
      ['SET', 'k', 'v', 'EXAT', '9223372036854776'],
      ['SET', 'k', 'v', 'PXAT', '-9223372036854775808'],
      ['EXISTS', 'k'],
    ],
  },
  {
    name: 'SET EXAT and PXAT in the past store a key that is already gone',
    steps: [
      ['SET', 'k', 'v', 'EXAT', '1'],
      ['GET', 'k'],
      ['SET', 'k', 'v', 'PXAT', '1000'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v'],
      ['SET', 'k', 'w', 'EXAT', '100', 'GET'],
      ['GET', 'k'],
      ['DBSIZE'],
    ],
  },
  {
    name: 'keys set with a 1 ms expiry are gone after a sleep',
    steps: [
      ['SET', 'a', 'v', 'PX', '1'],
      ['PSETEX', 'b', '1', 'v'],
      ['SET', 'c', 'v'],
      ['PEXPIRE', 'c', '1'],
      ['SET', 'd', 'v'],
      ['GETEX', 'd', 'PX', '1'],
      ['SET', 'keep', 'v', 'EX', '1000'],
      sleep(10),
      ['GET', 'a'],
      ['EXISTS', 'a', 'b', 'c', 'd', 'keep'],
      ['TTL', 'b'],
      ['PTTL', 'c'],
      ['STRLEN', 'd'],
      ['APPEND', 'a', 'new'],
      ['TTL', 'a'],
      ['INCR', 'b'],
      ['SETNX', 'c', 'again'],
      ['GET', 'c'],
      ['DBSIZE'],
      sorted('KEYS', '*'),
    ],
  },

  // ------------------------------------------------------------------------------ GET family
  {
    name: 'GET, GETDEL and GETSET arity and missing keys',
    steps: [
      ['GET'],
      ['GET', 'a', 'b'],
      ['GETDEL', 'missing'],
      ['SET', 'k', 'v', 'EX', '1000'],
      ['GETDEL', 'k'],
      ['EXISTS', 'k'],
      ['GETDEL'],
      ['GETDEL', 'a', 'b'],
      ['GETSET', 'k', 'first'],
      ['GETSET', 'k', 'second'],
      ['SET', 'k', 'v', 'EX', '1000'],
      ['GETSET', 'k', 'third'],
      ['TTL', 'k'],
      ['GETSET', 'k'],
      ['GETSET', 'k', 'a', 'b'],
      ['GETSET', 'n', '12'],
      ['OBJECT', 'ENCODING', 'n'],
    ],
  },
  {
    name: 'GETEX with every option',
    steps: [
      ['GETEX', 'missing'],
      ['GETEX', 'missing', 'EX', '100'],
      ['SET', 'k', 'v'],
      ['GETEX', 'k'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'EX', '100'],
      ttl('TTL', 'k'),
      ['GETEX', 'k', 'PX', '200000'],
      ttl('PTTL', 'k'),
      ['GETEX', 'k', 'EXAT', '4000000000'],
      ['EXPIRETIME', 'k'],
      ['GETEX', 'k', 'PXAT', '4000000000999'],
      ['PEXPIRETIME', 'k'],
      ['GETEX', 'k', 'PERSIST'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'persist'],
      ['GETEX', 'k', 'ex', '50'],
      ttl('TTL', 'k'),
      ['GETEX', 'k', 'EXAT', '1'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v'],
      ['GETEX', 'k', 'PXAT', '1'],
      ['GET', 'k'],
    ],
  },
  {
    name: 'GETEX option errors',
    steps: [
      ['SET', 'k', 'v'],
      ['GETEX', 'k', 'EX', '10', 'PX', '100'],
      ['GETEX', 'k', 'PERSIST', 'EX', '10'],
      ['GETEX', 'k', 'EX', '10', 'PERSIST'],
      ['GETEX', 'k', 'PERSIST', 'PERSIST'],
      ['GETEX', 'k', 'EX'],
      ['GETEX', 'k', 'EX', '0'],
      ['GETEX', 'k', 'EX', '-5'],
      ['GETEX', 'k', 'PX', 'abc'],
      ['GETEX', 'k', 'EX', '9223372036854775807'],
      ['GETEX', 'k', 'PXAT', '0'],
      ['GETEX', 'k', 'KEEPTTL'],
      ['GETEX', 'k', 'NX'],
      ['GETEX', 'k', 'FOO'],
      ['GETEX', 'missing', 'FOO'],
      ['GETEX', 'missing', 'EX', '0'],
      ['GETEX'],
      ['TTL', 'k'],
    ],
  },

  // ---------------------------------------------------------------- SETNX, SETEX, PSETEX
  {
    name: 'SETNX, SETEX and PSETEX',
    steps: [
      ['SETNX', 'k', 'a'],
      ['SETNX', 'k', 'b'],
      ['GET', 'k'],
      ['SETNX', 'k'],
      ['SETEX', 'k', '100', 'c'],
      ttl('TTL', 'k'),
      ['GET', 'k'],
      ['PSETEX', 'k', '100000', 'd'],
      ttl('PTTL', 'k'),
      ['GET', 'k'],
      ['SETEX', 'k', '100'],
      ['PSETEX', 'k', '1', 'v', 'extra'],
    ],
  },
  {
    name: 'SETEX and PSETEX with zero, negative, huge and invalid expire times',
    steps: [
      ['SETEX', 'k', '0', 'v'],
      ['SETEX', 'k', '-1', 'v'],
      ['PSETEX', 'k', '0', 'v'],
      ['PSETEX', 'k', '-1', 'v'],
      ['SETEX', 'k', 'abc', 'v'],
      ['SETEX', 'k', '1.5', 'v'],
      ['PSETEX', 'k', '', 'v'],
      ['SETEX', 'k', '9223372036854775807', 'v'],
      ['SETEX', 'k', '9223372036854776', 'v'],
      ['SETEX', 'k', '9223372036854775', 'v'],
      ['PSETEX', 'k', '9223372036854775807', 'v'],
      ['PSETEX', 'k', '9223372036854775808', 'v'],
      ['SETEX', 'k', '-9223372036854775808', 'v'],
      ['EXISTS', 'k'],
    ],
  },

  // ------------------------------------------------------------------------- MGET, MSET
  {
    name: 'MGET, MSET and MSETNX',
    steps: [
      ['MGET', 'a', 'b', 'c'],
      ['MSET', 'a', '1', 'b', '2'],
      ['MGET', 'a', 'missing', 'b', 'a'],
      ['MSET', 'a', 'x', 'a', 'y'],
      ['GET', 'a'],
      ['MSET', 'a', '1', 'b'],
      ['MSET', 'a'],
      ['MSET'],
      ['MGET'],
      ['MSETNX', 'a', '1', 'c', '3'],
      ['EXISTS', 'c'],
      ['MSETNX', 'c', '3', 'd', '4'],
      ['MGET', 'c', 'd'],
      ['MSETNX', 'e', '1', 'e', '2'],
      ['GET', 'e'],
      ['MSETNX', 'f'],
      ['MSETNX', 'f', '1', 'g'],
      ['SET', 't', 'v', 'EX', '1000'],
      ['MSET', 't', 'w'],
      ['TTL', 't'],
      ['MSET', 'bin', ALL_BYTES, 'long', LONG],
      ['MGET', 'bin', 'long'],
    ],
  },

  // ---------------------------------------------------------------------- APPEND, STRLEN
  {
    name: 'APPEND and STRLEN, including on integer-encoded values',
    steps: [
      ['STRLEN', 'k'],
      ['APPEND', 'k', 'hello'],
      ['APPEND', 'k', ' world'],
      ['GET', 'k'],
      ['STRLEN', 'k'],
      ['APPEND', 'k', ''],
      ['APPEND', 'empty', ''],
      ['EXISTS', 'empty'],
      ['GET', 'empty'],
      ['SET', 'n', '12345'],
      ['OBJECT', 'ENCODING', 'n'],
      ['STRLEN', 'n'],
      ['APPEND', 'n', '6'],
      ['OBJECT', 'ENCODING', 'n'],
      ['GET', 'n'],
      ['INCR', 'n'],
      ['SET', 'neg', '-9223372036854775808'],
      ['STRLEN', 'neg'],
      ['APPEND', 'bin', ALL_BYTES],
      ['APPEND', 'bin', ALL_BYTES],
      ['STRLEN', 'bin'],
      ['GET', 'bin'],
      ['SET', 't', 'v', 'EX', '1000'],
      ['APPEND', 't', 'w'],
      ttl('TTL', 't'),
      ['APPEND', 'k'],
      ['STRLEN'],
      ['STRLEN', 'a', 'b'],
    ],
  },

  // -------------------------------------------------------------- INCR, DECR, INCRBY, DECRBY
  {
    name: 'INCR and DECR on missing, integer and non-integer values',
    steps: [
      ['INCR', 'k'],
      ['INCR', 'k'],
      ['DECR', 'k'],
      ['DECR', 'missing'],
      ['GET', 'missing'],
      ['OBJECT', 'ENCODING', 'k'],
      ['SET', 's', 'abc'],
      ['INCR', 's'],
      ['SET', 's', ''],
      ['INCR', 's'],
      ['SET', 's', '1.0'],
      ['INCR', 's'],
      ['SET', 's', ' 1'],
      ['INCR', 's'],
      ['SET', 's', '1 '],
      ['INCR', 's'],
      ['SET', 's', '+1'],
      ['INCR', 's'],
      ['SET', 's', '007'],
      ['INCR', 's'],
      ['SET', 's', '-0'],
      ['DECR', 's'],
      ['SET', 's', '0x10'],
      ['INCR', 's'],
      ['SET', 's', '1e3'],
      ['INCR', 's'],
      ['SET', 's', '12345678901234567890'],
      ['INCR', 's'],
      ['SET', 's', 'x'.repeat(50)],
      ['DECR', 's'],
      ['SET', 't', '10', 'EX', '1000'],
      ['INCR', 't'],
      ttl('TTL', 't'),
      ['INCR'],
      ['INCR', 'a', 'b'],
      ['DECR'],
    ],
  },
  {
    name: 'INCRBY and DECRBY at the int64 edges',
    steps: [
      ['SET', 'k', '9223372036854775806'],
      ['INCR', 'k'],
      ['INCR', 'k'],
      ['GET', 'k'],
      ['INCRBY', 'k', '0'],
      ['INCRBY', 'k', '-1'],
      ['INCRBY', 'k', '2'],
      ['SET', 'k', '-9223372036854775807'],
      ['DECR', 'k'],
      ['DECR', 'k'],
      ['DECRBY', 'k', '-1'],
      ['GET', 'k'],
      ['SET', 'z', '0'],
      ['INCRBY', 'z', '9223372036854775807'],
      ['INCRBY', 'z', '1'],
      ['SET', 'z', '0'],
      ['INCRBY', 'z', '-9223372036854775808'],
      ['DECRBY', 'z', '1'],
      ['SET', 'z', '0'],
      ['DECRBY', 'z', '-9223372036854775808'],
      ['DECRBY', 'z', '9223372036854775807'],
      ['DECRBY', 'z', '9223372036854775807'],
      ['SET', 'z', '-1'],
      ['DECRBY', 'z', '-9223372036854775808'],
      ['SET', 'z', '1'],
      ['INCRBY', 'z', '9223372036854775808'],
      ['INCRBY', 'z', '-9223372036854775809'],
      ['INCRBY', 'z', '18446744073709551616'],
      ['INCRBY', 'z', '9007199254740993'],
      ['INCRBY', 'z', '9007199254740993'],
      ['DECRBY', 'z', '123456789012345678'],
      ['GET', 'z'],
      ['INCRBY', 'neg', '-5'],
      ['DECRBY', 'neg', '-7'],
      ['GET', 'neg'],
    ],
  },
  {
    name: 'INCRBY and DECRBY with increments that are not integers',
    steps: [
      ['SET', 'k', '1'],
      ['INCRBY', 'k', 'abc'],
      ['INCRBY', 'k', ''],
      ['INCRBY', 'k', '+1'],
      ['INCRBY', 'k', ' 1'],
      ['INCRBY', 'k', '1 '],
      ['INCRBY', 'k', '0x10'],
      ['INCRBY', 'k', '1e3'],
      ['INCRBY', 'k', '-0'],
      ['INCRBY', 'k', '007'],
      ['INCRBY', 'k', '1.5'],
      ['DECRBY', 'k', '1.0'],
      ['INCRBY', 'k', '٣'],
      ['INCRBY', 'k'],
      ['DECRBY', 'k', '1', '2'],
      ['GET', 'k'],
    ],
  },

  // ------------------------------------------------------------------------- INCRBYFLOAT
  {
    name: 'INCRBYFLOAT result formatting',
    steps: [
      ['INCRBYFLOAT', 'a', '10.5'],
      ['INCRBYFLOAT', 'a', '0.1'],
      ['SET', 'b', '1.1'],
      ['INCRBYFLOAT', 'b', '2.2'],
      ['SET', 'c', '3.0e3'],
      ['INCRBYFLOAT', 'c', '1'],
      ['INCRBYFLOAT', 'c', '200'],
      ['INCRBYFLOAT', 'd', '3.0e3'],
      ['INCRBYFLOAT', 'e', '-0'],
      ['INCRBYFLOAT', 'e', '-0.0'],
      ['GET', 'e'],
      ['SET', 'g', '-0'],
      ['INCRBYFLOAT', 'g', '0'],
      ['INCRBYFLOAT', 'h', '3.0e-5'],
      ['INCRBYFLOAT', 'h', '1e-17'],
      ['INCRBYFLOAT', 'i', '5e-324'],
      ['INCRBYFLOAT', 'i2', '1e-320'],
      ['INCRBYFLOAT', 'j', '0.1'],
      ['INCRBYFLOAT', 'j', '0.2'],
      ['INCRBYFLOAT', 'l', '1.5'],
      ['INCRBYFLOAT', 'l', '-1.5'],
      ['INCRBYFLOAT', 'm', '-10.25'],
      ['INCRBYFLOAT', 'n', '123456789.123456789'],
      ['INCRBYFLOAT', 'o', '.5'],
      ['INCRBYFLOAT', 'o', '5.'],
      ['INCRBYFLOAT', 'p', '+1.5'],
      ['INCRBYFLOAT', 'q', '0x10'],
      ['INCRBYFLOAT', 'q', '0x1p3'],
      ['INCRBYFLOAT', 'r', '1E2'],
      ['INCRBYFLOAT', 's', '1.7976931348623157e308'],
      ['SET', 'int', '9223372036854775807'],
      ['INCRBYFLOAT', 'int', '1'],
      ['INCRBYFLOAT', 'int2', '9007199254740993'],
      ['OBJECT', 'ENCODING', 'a'],
      ['INCRBYFLOAT', 'enc', '5'],
      ['OBJECT', 'ENCODING', 'enc'],
    ],
  },
  {
    name: 'INCRBYFLOAT with huge and tiny magnitudes',
    steps: [
      ['INCRBYFLOAT', 'a', '1e308'],
      ['INCRBYFLOAT', 'a', '1e308'],
      ['STRLEN', 'a'],
      ['INCRBYFLOAT', 'b', '-1e308'],
      ['INCRBYFLOAT', 'b', '-1e308'],
      ['SET', 'c', '1e4000'],
      ['INCRBYFLOAT', 'c', '1'],
      ['STRLEN', 'c'],
      ['INCRBYFLOAT', 'd', '1e-300'],
      ['INCRBYFLOAT', 'e', '1e300'],
      ['INCRBYFLOAT', 'e', '1e-300'],
    ],
  },
  {
    name: 'INCRBYFLOAT errors for infinity, NaN and non-numbers',
    steps: [
      ['INCRBYFLOAT', 'k', 'inf'],
      ['INCRBYFLOAT', 'k', '-inf'],
      ['INCRBYFLOAT', 'k', '+inf'],
      ['INCRBYFLOAT', 'k', 'infinity'],
      ['INCRBYFLOAT', 'k', 'nan'],
      ['INCRBYFLOAT', 'k', '-nan'],
      ['INCRBYFLOAT', 'k', 'NaN'],
      ['INCRBYFLOAT', 'k', '1e309'],
      ['INCRBYFLOAT', 'k', 'abc'],
      ['INCRBYFLOAT', 'k', ''],
      ['INCRBYFLOAT', 'k', ' 1'],
      ['INCRBYFLOAT', 'k', '1 '],
      ['INCRBYFLOAT', 'k', '1,5'],
      ['INCRBYFLOAT', 'k', '1e'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'inf'],
      ['INCRBYFLOAT', 'k', '1'],
      ['SET', 'k', 'nan'],
      ['INCRBYFLOAT', 'k', '1'],
      ['SET', 'k', 'abc'],
      ['INCRBYFLOAT', 'k', '1'],
      ['SET', 'k', ''],
      ['INCRBYFLOAT', 'k', '1'],
      ['SET', 'k', '1e308'],
      ['INCRBYFLOAT', 'k', '1e308'],
      ['SET', 'k', '1.7976931348623157e308'],
      ['INCRBYFLOAT', 'k', '1.7976931348623157e308'],
      ['SET', 'k', ' 1'],
      ['INCRBYFLOAT', 'k', '1'],
      ['SET', 'k', 'x'.repeat(6000)],
      ['INCRBYFLOAT', 'k', '1'],
      ['INCRBYFLOAT', 'k'],
      ['INCRBYFLOAT', 'k', '1', '2'],
    ],
  },

  // ------------------------------------------------------------------ GETRANGE, SUBSTR
  {
    name: 'GETRANGE and SUBSTR with negative and out-of-range indexes',
    steps: [
      ['SET', 'k', 'Hello World'],
      ['GETRANGE', 'k', '0', '4'],
      ['GETRANGE', 'k', '-5', '-1'],
      ['GETRANGE', 'k', '0', '-1'],
      ['GETRANGE', 'k', '0', '100'],
      ['GETRANGE', 'k', '-100', '3'],
      ['GETRANGE', 'k', '-100', '-50'],
      ['GETRANGE', 'k', '5', '3'],
      ['GETRANGE', 'k', '-1', '-5'],
      ['GETRANGE', 'k', '11', '20'],
      ['GETRANGE', 'k', '10', '10'],
      ['GETRANGE', 'k', '3', '-100'],
      ['GETRANGE', 'k', '9223372036854775807', '9223372036854775807'],
      ['GETRANGE', 'k', '-9223372036854775808', '9223372036854775807'],
      ['GETRANGE', 'k', '0', '9223372036854775808'],
      ['GETRANGE', 'k', 'a', '1'],
      ['GETRANGE', 'k', '0', '1.5'],
      ['GETRANGE', 'missing', '0', '-1'],
      ['GETRANGE', 'missing', '0', 'x'],
      ['SET', 'e', ''],
      ['GETRANGE', 'e', '0', '-1'],
      ['GETRANGE', 'e', '-1', '0'],
      ['SET', 'n', '1234567'],
      ['GETRANGE', 'n', '2', '4'],
      ['GETRANGE', 'n', '-3', '-1'],
      ['SET', 'bin', ALL_BYTES],
      ['GETRANGE', 'bin', '250', '-1'],
      ['GETRANGE', 'bin', '0', '15'],
      ['SUBSTR', 'k', '0', '4'],
      ['SUBSTR', 'k', '-3', '-1'],
      ['SUBSTR', 'k', '5', '1'],
      ['SUBSTR', 'missing', '0', '1'],
      ['SUBSTR', 'k', 'a', 'b'],
      ['GETRANGE', 'k', '0'],
      ['GETRANGE', 'k', '0', '1', '2'],
      ['SUBSTR', 'k'],
    ],
  },

  // --------------------------------------------------------------------------- SETRANGE
  {
    name: 'SETRANGE padding, overwriting and empty values',
    steps: [
      ['SETRANGE', 'k', '0', 'Hello'],
      ['SETRANGE', 'k', '6', 'World'],
      ['GET', 'k'],
      ['SETRANGE', 'k', '0', 'J'],
      ['GET', 'k'],
      ['SETRANGE', 'k', '11', '!'],
      ['GET', 'k'],
      ['SETRANGE', 'k', '3', ''],
      ['SETRANGE', 'pad', '5', 'x'],
      ['GET', 'pad'],
      ['SETRANGE', 'none', '0', ''],
      ['EXISTS', 'none'],
      ['SETRANGE', 'none', '100', ''],
      ['EXISTS', 'none'],
      ['SET', 'n', '12345'],
      ['OBJECT', 'ENCODING', 'n'],
      ['SETRANGE', 'n', '1', '9'],
      ['GET', 'n'],
      ['OBJECT', 'ENCODING', 'n'],
      ['SETRANGE', 'bin', '3', ALL_BYTES],
      ['GET', 'bin'],
      ['SETRANGE', 'big', '10000', 'end'],
      ['STRLEN', 'big'],
      ['SET', 't', 'v', 'EX', '1000'],
      ['SETRANGE', 't', '1', 'w'],
      ttl('TTL', 't'),
    ],
  },
  {
    name: 'SETRANGE offset limits',
    steps: [
      ['SETRANGE', 'k', '-1', 'x'],
      ['SETRANGE', 'k', '536870912', 'x'],
      ['SETRANGE', 'k', '536870911', 'xy'],
      ['SETRANGE', 'k', '4294967296', 'x'],
      ['SETRANGE', 'k', '9223372036854775806', 'x'],
      ['SETRANGE', 'k', '9223372036854775807', 'x'],
      ['SETRANGE', 'k', '9223372036854775808', 'x'],
      ['SETRANGE', 'k', '-9223372036854775808', 'x'],
      ['SETRANGE', 'k', 'abc', 'x'],
      ['SETRANGE', 'k', '1.5', 'x'],
      ['SETRANGE', 'k', '', 'x'],
      ['SETRANGE', 'k', '536870912', ''],
      ['SETRANGE', 'k', '9223372036854775807', ''],
      ['SETRANGE', 'k', '-1', ''],
      ['EXISTS', 'k'],
      ['SET', 'k', 'abc'],
      ['SETRANGE', 'k', '536870912', ''],
      ['SETRANGE', 'k', '536870912', 'x'],
      ['SETRANGE', 'k', '-1', ''],
      ['GET', 'k'],
      ['SETRANGE', 'k', '0'],
      ['SETRANGE', 'k'],
      ['SETRANGE', 'k', '0', 'a', 'b'],
    ],
  },

  // -------------------------------------------------------------------------------- LCS
  {
    name: 'LCS with LEN, IDX, MINMATCHLEN and WITHMATCHLEN',
    steps: [
      ['MSET', 'a', 'ohmytext', 'b', 'mynewtext'],
      ['LCS', 'a', 'b'],
      ['LCS', 'a', 'b', 'LEN'],
      ['LCS', 'a', 'b', 'IDX'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4'],
      ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'],
      ['LCS', 'a', 'b', 'WITHMATCHLEN', 'IDX', 'MINMATCHLEN', '2'],
      ['LCS', 'a', 'b', 'idx', 'minmatchlen', '0'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '-1'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '100'],
      ['LCS', 'a', 'b', 'MINMATCHLEN', '4'],
      ['LCS', 'a', 'b', 'WITHMATCHLEN'],
      ['LCS', 'a', 'b', 'LEN', 'MINMATCHLEN', '2'],
      ['LCS', 'b', 'a', 'IDX', 'WITHMATCHLEN'],
      ['LCS', 'a', 'a', 'IDX', 'WITHMATCHLEN'],
      ['LCS', 'a', 'missing'],
      ['LCS', 'missing', 'a', 'IDX'],
      ['LCS', 'missing', 'other', 'LEN'],
      ['MSET', 'x', 'ACGTACGTTTGA', 'y', 'TTACGGATTACA'],
      ['LCS', 'x', 'y'],
      ['LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN'],
      ['MSET', 'e', '', 'n', '12345'],
      ['LCS', 'e', 'n', 'IDX'],
      ['SET', 'm', '1234'],
      ['LCS', 'n', 'm', 'IDX', 'WITHMATCHLEN'],
      ['MSET', 'p', ALL_BYTES, 'q', Buffer.from([...ALL_BYTES].reverse())],
      ['LCS', 'p', 'q', 'LEN'],
    ],
  },
  {
    name: 'LCS option errors',
    steps: [
      ['MSET', 'a', 'abc', 'b', 'bcd'],
      ['LCS', 'a', 'b', 'LEN', 'IDX'],
      ['LCS', 'a', 'b', 'IDX', 'LEN'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', 'abc'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '9223372036854775808'],
      ['LCS', 'a', 'b', 'FOO'],
      ['LCS', 'a', 'b', 'IDX', 'FOO'],
      ['LCS', 'a', 'b', 'LEN', 'LEN'],
      ['LCS', 'a'],
      ['LCS'],
    ],
  },

  // -------------------------------------------------------------- OBJECT ENCODING of strings
  {
    name: 'OBJECT ENCODING of strings: int, embstr and raw',
    steps: [
      ['SET', 'a', '123'],
      ['SET', 'b', '-1'],
      ['SET', 'c', '0'],
      ['SET', 'd', '12345678901234567890'],
      ['SET', 'e', '9223372036854775807'],
      ['SET', 'f', '-9223372036854775808'],
      ['SET', 'g', '9223372036854775808'],
      ['SET', 'h', '007'],
      ['SET', 'i', '-0'],
      ['SET', 'j', ' 1'],
      ['SET', 'k', '1.5'],
      ['SET', 'l', 'e'.repeat(44)],
      ['SET', 'm', 'e'.repeat(45)],
      ['SET', 'n', ''],
      ['SET', 'o', LONG],
      ['SET', 'p', '10000'],
      ['SET', 'q', '+1'],
      ...'abcdefghijklmnopq'.split('').map((k) => ['OBJECT', 'ENCODING', k]),
      ['APPEND', 'a', '4'],
      ['OBJECT', 'ENCODING', 'a'],
      ['APPEND', 'l', 'x'],
      ['OBJECT', 'ENCODING', 'l'],
      ['SETRANGE', 'n', '0', 'x'],
      ['OBJECT', 'ENCODING', 'n'],
      ['SET', 'r', 'short'],
      ['SETRANGE', 'r', '0', 'S'],
      ['OBJECT', 'ENCODING', 'r'],
      ['INCR', 'i2'],
      ['OBJECT', 'ENCODING', 'i2'],
      ['INCRBYFLOAT', 'fl', '1.5'],
      ['OBJECT', 'ENCODING', 'fl'],
      ['MSET', 's', '42', 't', 'e'.repeat(45)],
      ['OBJECT', 'ENCODING', 's'],
      ['OBJECT', 'ENCODING', 't'],
      ['GETSET', 'u', '17'],
      ['OBJECT', 'ENCODING', 'u'],
      ['SETEX', 'v', '1000', '99'],
      ['OBJECT', 'ENCODING', 'v'],
      ['OBJECT', 'ENCODING', 'missing'],
    ],
  },

  // ------------------------------------------------------------------- wire-level behaviour
  {
    name: 'string commands pipelined in one write and sent inline',
    steps: [
      raw('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n1\r\n*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n', 4),
      raw('SET inline "hello world"\r\nGET inline\r\nAPPEND inline \'!\'\r\n', 3),
      raw('INCRBY k 10\r\nMGET k inline nothing\r\n', 2),
      raw('SET "a\\x00b" "\\x01\\xff"\r\nGET "a\\x00b"\r\n', 2),
      ['GET', Buffer.from('a\x00b', 'latin1')],
    ],
  },
];

/** Wrong-type replies, on a list key. */
const wrongTypeScenarios: Scenario[] = [
  {
    name: 'string commands on a list key reply WRONGTYPE',
    steps: [
      ['RPUSH', 'l', 'a', 'b'],
      ['GET', 'l'],
      ['GETEX', 'l'],
      ['GETEX', 'l', 'EX', '100'],
      ['GETEX', 'l', 'EX', '0'],
      ['GETDEL', 'l'],
      ['GETSET', 'l', 'x'],
      ['SET', 'l', 'x', 'GET'],
      ['SET', 'l', 'x', 'NX', 'GET'],
      ['SET', 'l', 'x', 'XX', 'GET', 'EX', '0'],
      ['APPEND', 'l', 'x'],
      ['STRLEN', 'l'],
      ['INCR', 'l'],
      ['DECR', 'l'],
      ['INCRBY', 'l', '1'],
      ['INCRBY', 'l', 'abc'],
      ['DECRBY', 'l', '1'],
      ['INCRBYFLOAT', 'l', '1.5'],
      ['INCRBYFLOAT', 'l', 'abc'],
      ['GETRANGE', 'l', '0', '-1'],
      ['SUBSTR', 'l', '0', '-1'],
      ['SETRANGE', 'l', '0', 'x'],
      ['SETRANGE', 'l', '0', ''],
      ['SETRANGE', 'l', '-1', 'x'],
      ['SET', 's', 'ohmytext'],
      ['LCS', 'l', 's'],
      ['LCS', 's', 'l', 'LEN'],
      ['MGET', 's', 'l', 'missing'],
      ['SETNX', 'l', 'x'],
      ['MSETNX', 'l', 'x', 'n', 'y'],
      ['TYPE', 'l'],
      ['SET', 'l', 'x'],
      ['TYPE', 'l'],
      ['RPUSH', 'l2', 'a'],
      ['MSET', 'l2', 'y'],
      ['GET', 'l2'],
      ['RPUSH', 'l3', 'a'],
      ['SETEX', 'l3', '100', 'z'],
      ['GET', 'l3'],
    ],
  },
];

describe('strings', () => {
  const bed = useBed();

  describe('fixed scenarios', () => {
    defineScenarios(bed, scenarios);
  });

  describe('wrong type', () => {
    defineScenarios(bed, wrongTypeScenarios);
  });

  describe('seeded random sequences', () => {
    defineScenarios(bed, [
      ...randomScenarios('random strings', STRING_TEMPLATES, { runs: 6, steps: 1000 }),
      ...randomScenarios('random strings and keys', [...STRING_TEMPLATES, ...KEY_TEMPLATES], { runs: 3, steps: 1000 }),
    ]);

    it('the string templates cover every string command', () => {
      const required = ['SET', 'GET', 'GETEX', 'GETDEL', 'GETSET', 'SETNX', 'SETEX', 'PSETEX', 'MGET', 'MSET', 'MSETNX', 'APPEND', 'STRLEN',
        'INCR', 'DECR', 'INCRBY', 'DECRBY', 'INCRBYFLOAT', 'GETRANGE', 'SETRANGE', 'SUBSTR', 'LCS'];
      assert.deepEqual(uncovered(STRING_TEMPLATES, required), []);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The bed checks itself
// ---------------------------------------------------------------------------------------------

describe('compat bed self-test', () => {
  // Redis on both sides: the bed is checked against a known-good pair whatever the subject.
  const bed = useBed({ subject: 'redis' });

  // The parts of the scenario language the string scenarios do not use: several connections with
  // pushes read on another connection, and a server closing the connection after an error.
  defineScenarios(bed, [
    {
      name: 'self-test: a published message is read as a push on the subscriber',
      conns: { sub: {}, pub: {} },
      steps: [
        { conn: 'sub', cmd: ['SUBSCRIBE', 'ch', 'other'], frames: 2 },
        { conn: 'pub', cmd: ['PUBLISH', 'ch', 'hi'] },
        { pushes: 1, conn: 'sub' },
        { conn: 'pub', cmd: ['PUBLISH', 'other', ALL_BYTES] },
        { conn: 'pub', cmd: ['PUBLISH', 'nobody', 'x'] },
        { pushes: 1, conn: 'sub' },
        { conn: 'sub', cmd: ['PING'] },
      ],
    },
    {
      name: 'self-test: a protocol error is replied and the connection closed',
      steps: [['SET', 'k', 'v'], { raw: '*1\r\n$-5\r\n', closes: true }],
    },
  ]);

  it('every compare mode reports a difference it should see', () => {
    const b = (s: string): Buffer => Buffer.from(s, 'latin1');
    assert.notEqual(compareReplies('exact', b('+OK\r\n'), b('+Ok\r\n')), null);
    assert.equal(compareReplies('exact', b('$1\r\nx\r\n'), b('$1\r\nx\r\n')), null);
    const upper = (r: Buffer): string => r.toString('latin1').toUpperCase();
    assert.equal(compareReplies(upper, b('+ok\r\n'), b('+OK\r\n')), null);
    assert.notEqual(compareReplies(upper, b('+ok\r\n'), b('+no\r\n')), null);
    assert.equal(compareReplies('sorted', b('*2\r\n$1\r\na\r\n$1\r\nb\r\n'), b('*2\r\n$1\r\nb\r\n$1\r\na\r\n')), null);
    assert.notEqual(compareReplies('sorted', b('*2\r\n$1\r\na\r\n$1\r\na\r\n'), b('*2\r\n$1\r\na\r\n$1\r\nb\r\n')), null);
    assert.notEqual(compareReplies('sorted', b('*1\r\n$1\r\na\r\n'), b('~1\r\n$1\r\na\r\n')), null);
    assert.equal(compareReplies('ttl', b(':100\r\n'), b(':99\r\n'), 1), null);
    assert.notEqual(compareReplies('ttl', b(':100\r\n'), b(':98\r\n'), 1), null);
    assert.notEqual(compareReplies('ttl', b(':-1\r\n'), b(':0\r\n'), 5), null);
    assert.notEqual(compareReplies('ttl', b(':-2\r\n'), b(':-1\r\n'), 5), null);
    assert.equal(compareReplies('type', b('$3\r\nabc\r\n'), b('$1\r\nz\r\n')), null);
    assert.notEqual(compareReplies('type', b('$-1\r\n'), b('$1\r\nz\r\n')), null);
    assert.notEqual(compareReplies('type', b('_\r\n'), b('$-1\r\n')), null);
    assert.notEqual(compareReplies('type', b('-ERR a\r\n'), b('-ERR b\r\n')), null);
    assert.notEqual(compareReplies('type', b('*2\r\n$1\r\na\r\n$1\r\nb\r\n'), b('*1\r\n$1\r\na\r\n')), null);
  });

  it('a scenario whose replies differ fails with the step, the command, both replies and the context', async () => {
    // The two servers listen on different ports, so CONFIG GET port can never match.
    const scenario: Scenario = { name: 'deliberate mismatch', steps: [['SET', 'k', 'v'], ['GET', 'k'], ['CONFIG', 'GET', 'port']] };
    await assert.rejects(runScenario(bed(), scenario, 2), (e: Error) => {
      assert.match(e.message, /deliberate mismatch \[RESP2\]/);
      assert.match(e.message, /step #2/);
      assert.match(e.message, /command: CONFIG GET port/);
      assert.ok(e.message.includes(String(bed().oracle.server.port)), "the oracle's reply is shown");
      assert.ok(e.message.includes(String(bed().subject.server.port)), "the subject's reply is shown");
      assert.match(e.message, /#1 \[main\] GET k -> "\$1\\r\\nv\\r\\n"/);
      return true;
    });
  });

  it('the frame scanner reads every RESP3 type Redis produces (DEBUG PROTOCOL)', async () => {
    const { oracle } = bed();
    const conn = await RawConnection.connect(oracle.server.port, oracle.server.host);
    try {
      await conn.call(['HELLO', '3']);
      for (const type of ['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'attrib', 'push', 'verbatim', 'true', 'false']) {
        conn.send(['DEBUG', 'PROTOCOL', type]);
        conn.send(['PING']);
        const frames = await conn.readFrames(type === 'push' ? 3 : 2);
        const last = frames[frames.length - 1];
        assert.equal(last.toString('latin1'), '+PONG\r\n', `after DEBUG PROTOCOL ${type}: ${frames.map((f) => f.toString('latin1')).join(' | ')}`);
        for (const f of frames) decodeFrame(f);
      }
    } finally {
      await conn.close();
    }
  });

  it('the frame scanner finds boundaries of every RESP3 type, streamed and nested, at every split', () => {
    const frames = [
      '+OK\r\n', '-ERR x\r\n', ':-12\r\n', '$5\r\nhe\r\no\r\n', '$0\r\n\r\n', '$-1\r\n', '*-1\r\n', '_\r\n', ',1.5\r\n', ',-inf\r\n',
      '#t\r\n', '!3\r\nERR\r\n', '=8\r\ntxt:abcd\r\n', '(123456789012345678901234567890\r\n', '*0\r\n',
      '*2\r\n*1\r\n:1\r\n%1\r\n+a\r\n~2\r\n$1\r\nx\r\n_\r\n', '%2\r\n+a\r\n:1\r\n+b\r\n*1\r\n#f\r\n', '~0\r\n',
      '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n', '|1\r\n+key\r\n*1\r\n:1\r\n:42\r\n', '|1\r\n+a\r\n+b\r\n*2\r\n:1\r\n:2\r\n',
      '$?\r\n;4\r\nHell\r\n;1\r\no\r\n;0\r\n', '*?\r\n:1\r\n*?\r\n+x\r\n.\r\n$?\r\n;1\r\na\r\n;0\r\n.\r\n', '%?\r\n+a\r\n:1\r\n.\r\n', '~?\r\n.\r\n',
    ].map((f) => Buffer.from(f, 'latin1'));
    const all = Buffer.concat(frames);
    assert.deepEqual(splitFrames(all).map(String), frames.map(String));
    for (const f of frames) {
      for (let cut = 0; cut < f.length; cut++) assert.equal(frameEnd(f.subarray(0, cut)), -1, `${JSON.stringify(String(f))} cut at ${cut}`);
      assert.equal(frameEnd(f), f.length, JSON.stringify(String(f)));
    }
    const decoded = decodeFrame(Buffer.from('|1\r\n+key\r\n*1\r\n:1\r\n*2\r\n$?\r\n;2\r\nab\r\n;1\r\nc\r\n;0\r\n_\r\n', 'latin1'));
    assert.equal(decoded.type, '*');
    assert.equal(decoded.attribute?.type, '|');
    assert.equal(decoded.items?.[0].data?.toString(), 'abc');
    assert.equal(decoded.items?.[1].isNull, true);
    for (const bad of ['?x\r\n', '$3\r\nabcd\r\n', ':1.5\r\n', '*x\r\n', '#x\r\n', '$-2\r\n']) {
      assert.throws(() => frameEnd(Buffer.from(bad, 'latin1')), RespFormatError, bad);
    }
  });
});
