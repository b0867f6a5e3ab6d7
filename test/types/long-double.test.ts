/**
 * LongDouble against what Redis 7.0.15 on x86-64 replied for INCRBYFLOAT: each row is a stored
 * value (null: no key), an increment, and the reply real Redis gave (recorded from a running
 * redis-server; GET returned the same string afterwards). Replies thousands of digits long are
 * recorded by length, SHA-256 and first digits. The rows cover decimal and hexadecimal input,
 * values beyond double range, subnormals, ties at the 17th decimal, overflow and underflow, and
 * every way string2ld refuses a string.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { LongDouble, MAX_LONG_DOUBLE_CHARS } from '../../src/types/long-double.js';

const NOT_FLOAT = 'ERR value is not a valid float';
const NAN_OR_INF = 'ERR increment would produce NaN or Infinity';

interface LongReply {
  length: number;
  sha256: string;
  head: string;
}

type Row = [stored: string | null, increment: string, reply: string | LongReply];

/** INCRBYFLOAT's computation, as strings.ts does it. */
function incrByFloat(stored: string | null, increment: string): string {
  const value = stored === null ? LongDouble.ZERO : LongDouble.parseString(stored);
  if (value === null) return NOT_FLOAT;
  const by = LongDouble.parseString(increment);
  if (by === null) return NOT_FLOAT;
  const sum = value.add(by);
  return sum.isFinite() ? sum.toHumanString() : NAN_OR_INF;
}

// Recorded from redis-server 7.0.15 (x86-64, glibc).
const ROWS: Row[] = [
  ["10.5", "0.1", "10.6"],
  ["1.1", "2.2", "3.3"],
  [null, "3.0e3", "3000"],
  ["5.0e3", "2.0e2", "5200"],
  ["0.1", "0.2", "0.3"],
  [null, "1e308", "99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048"],
  ["1e308", "9e308", "999999999999999999986349424581256454766307763249906048699722933664407363742116431635427166600418245409398702382304152749971957328402423172341126484032370375772746974788657214625693651444984012739133113268869496442311034817571120406763557498021655642425941543468850939783228659030453659621446207643423114002432"],
  ["1e4000", "1", { length: 4000, sha256: "5b56729d9b9cbc79bf6bfea495c4bb22394d8fd34e39109c79c13afa3dc3efa0", head: "999999999999999999996546387309" }],
  [null, "1e-4000", "0"],
  [null, "18446744073709551617", "18446744073709551616"],
  ["36893488147419103232", "1", "36893488147419103232"],
  [null, "  1", NOT_FLOAT],
  [null, "1 ", NOT_FLOAT],
  [null, "0x10", "16"],
  [null, "inf", NAN_OR_INF],
  [null, "nan", NOT_FLOAT],
  [null, "1e", NOT_FLOAT],
  [null, "-0", "0"],
  ["-0", "-0", "0"],
  ["-0", "0", "0"],
  [null, "0.000003814697265625", "0.00000381469726562"],
  ["1", "0.000003814697265625", "1.00000381469726562"],
  [null, "0.000011444091796875", "0.00001144409179688"],
  [null, "1e-4950", "0"],
  [null, "1.8e-4951", NOT_FLOAT],
  [null, "1.9e-4951", "0"],
  [null, "3.6e-4951", "0"],
  ["1.18973149535723176502e+4932", "0", { length: 4933, sha256: "39319dad6400899a3385cef1c62991c21106f7f12a7dea6f3849a857ad9131a6", head: "118973149535723176502126385303" }],
  ["1.18973149535723176502e+4932", "1e4932", NAN_OR_INF],
  [null, "1.2e4932", NOT_FLOAT],
  [null, "1e5000", NOT_FLOAT],
  [null, "1e-5000", NOT_FLOAT],
  [null, "0.123456789012345675", "0.12345678901234567"],
  [null, "0.123456789012345665", "0.12345678901234567"],
  [null, "9.99999999999999999", "9.99999999999999999"],
  [null, "9.999999999999999995", "9.99999999999999999"],
  [null, "0.000000000000000005", "0"],
  [null, "0.000000000000000015", "0.00000000000000002"],
  [null, "-0.000000000000000005", "0"],
  [null, "-1e-18", "0"],
  ["9223372036854775807", "1", "9223372036854775808"],
  ["-9223372036854775808", "-1", "-9223372036854775809"],
  ["18446744073709551615", "1", "18446744073709551616"],
  ["3.0", "-3", "0"],
  ["1e-30", "-1e-30", "0"],
  [null, "5e-324", "0"],
  [null, "1e-400", "0"],
  [null, "0x1.fffffffffffffffep16383", { length: 4933, sha256: "39319dad6400899a3385cef1c62991c21106f7f12a7dea6f3849a857ad9131a6", head: "118973149535723176502126385303" }],
  [null, "0x1p-16445", "0"],
  [null, "0x1p-16446", NOT_FLOAT],
  [null, "0x1.8p-16446", "0"],
  [null, "0X1P3", "8"],
  [null, "0x.8", "0.5"],
  [null, "0x1p", NOT_FLOAT],
  [null, "0x", NOT_FLOAT],
  [null, "0x.", NOT_FLOAT],
  [null, "+inf", NAN_OR_INF],
  [null, "-infinity", NAN_OR_INF],
  [null, "infinit", NOT_FLOAT],
  [null, "nan(123)", NOT_FLOAT],
  [null, "-nan", NOT_FLOAT],
  [null, "1e+5", "100000"],
  [null, "1E5", "100000"],
  [null, "1.e5", "100000"],
  [null, ".e5", NOT_FLOAT],
  [null, "+.5", "0.5"],
  [null, "-.5e1", "-5"],
  [null, "+-1", NOT_FLOAT],
  [null, "-", NOT_FLOAT],
  [null, "+", NOT_FLOAT],
  [null, "1e99999999999999999999", NOT_FLOAT],
  [null, "0e99999999999999999999", "0"],
  [null, "1e-99999999999999999999", NOT_FLOAT],
  [null, "1_000", NOT_FLOAT],
  [null, "1,5", NOT_FLOAT],
  [null, "\u00001", NOT_FLOAT],
  [null, "1\u0000", NOT_FLOAT],
  [null, "\t1", NOT_FLOAT],
  [null, "1\n", NOT_FLOAT],
  [null, "", NOT_FLOAT],
  ["abc", "1", NOT_FLOAT],
  [" 1", "1", NOT_FLOAT],
  ["", "1", NOT_FLOAT],
  ["123", "0.5", "123.5"],
  [null, "0".repeat(5118) + "1", "1"],
  [null, "0".repeat(5119) + "1", NOT_FLOAT],
  [null, "0." + "0".repeat(4940) + "1", "0"],
  [null, "0." + "0".repeat(4955) + "1", NOT_FLOAT],
  ["1e4000", "-1e4000", "0"],
  [null, "1e4931", { length: 4932, sha256: "46b21ee182105649032b7a53e428575b942cc70683b8c6ef8392477eb3e11f81", head: "100000000000000000000601894938" }],
  ["1", "1e-17", "1.00000000000000001"],
  ["1", "5e-18", "1"],
  ["1", "4.9e-18", "1"],
  ["0.1", "0.7", "0.8"],
  ["1.5", "-0.25", "1.25"],
  ["-1", "0.1", "-0.9"],
  ["123456789012345678901234567890", "0.5", "123456789012345678899921813504"],
  [null, "3.14159265358979323846264338327950288", "3.14159265358979324"],
  ["2.5", "2.5", "5"],
  [null, "1.00000000000000000000000000000000000000000000000000000000000000000000000000000001", "1"],
  [null, "0.1e1", "1"],
  [null, "00012.50", "12.5"],
  [null, "7e-18", "0.00000000000000001"],
  [null, "-7e-18", "-0.00000000000000001"],
  ["100", "-100.00000000000000001", "-0.00000000000000001"],
];

describe('LongDouble reproduces Redis INCRBYFLOAT results', () => {
  for (const [stored, increment, reply] of ROWS) {
    const name = `${stored === null ? '(none)' : JSON.stringify(stored.length > 40 ? `${stored.slice(0, 20)}...` : stored)} + ${JSON.stringify(increment.length > 40 ? `${increment.slice(0, 20)}...(${increment.length})` : increment)}`;
    it(name, () => {
      const got = incrByFloat(stored, increment);
      if (typeof reply === 'string') {
        assert.equal(got, reply);
      } else {
        assert.equal(got.length, reply.length);
        assert.equal(got.slice(0, reply.head.length), reply.head);
        assert.equal(createHash('sha256').update(got, 'latin1').digest('hex'), reply.sha256);
      }
    });
  }
});

describe('LongDouble', () => {
  it('parses what strtold reads and refuses what string2ld refuses', () => {
    for (const s of ['1', '-1', '+1', '.5', '5.', '1e5', '1E-5', '0x1p3', '0X.8P+1', 'inf', '-INFINITY', '-0']) {
      assert.notEqual(LongDouble.parseString(s), null, s);
    }
    for (const s of ['', ' 1', '1 ', '1e', '1e+', '0x', '0x1p', '.', 'nan', 'NaN(1)', 'infinit', '--1', '1.2.3', '1e5000', '1e-5000']) {
      assert.equal(LongDouble.parseString(s), null, s);
    }
  });

  it('refuses strings of MAX_LONG_DOUBLE_CHARS bytes or more', () => {
    assert.equal(LongDouble.parseString('0'.repeat(MAX_LONG_DOUBLE_CHARS - 2) + '1')?.toHumanString(), '1');
    assert.equal(LongDouble.parseString('0'.repeat(MAX_LONG_DOUBLE_CHARS - 1) + '1'), null);
  });

  it('keeps 64 significant bits where a double keeps 53', () => {
    // 2^64 - 1 is exact in long double; as a double it would be 2^64.
    assert.equal(LongDouble.parseString('18446744073709551615')?.toFixed(0), '18446744073709551615');
    assert.equal(LongDouble.parseString('18446744073709551617')?.toFixed(0), '18446744073709551616');
    assert.equal(LongDouble.parseString('9007199254740993')?.toFixed(0), '9007199254740993');
  });

  it('prints with %.17Lf, rounding an exact tie to even', () => {
    // 2^-18 = 0.000003814697265625: the 18th decimal is a 5 with nothing after it.
    assert.equal(LongDouble.parseString('0.000003814697265625')?.toFixed(17), '0.00000381469726562');
    assert.equal(LongDouble.parseString('0.000011444091796875')?.toFixed(17), '0.00001144409179688');
    assert.equal(LongDouble.parseString('2.5')?.toFixed(0), '2');
    assert.equal(LongDouble.parseString('3.5')?.toFixed(0), '4');
    assert.equal(LongDouble.parseString('-0')?.toFixed(3), '-0.000');
  });

  it('trims trailing zeros and never writes -0 in the human form', () => {
    assert.equal(LongDouble.parseString('1.50')?.toHumanString(), '1.5');
    assert.equal(LongDouble.parseString('100')?.toHumanString(), '100');
    assert.equal(LongDouble.parseString('-0')?.toHumanString(), '0');
    assert.equal(LongDouble.parseString('-1e-30')?.toHumanString(), '0');
  });

  it('adds with the signs of zero IEEE gives', () => {
    const negZero = LongDouble.NEGATIVE_ZERO;
    assert.equal(negZero.add(negZero).negative, true);
    assert.equal(negZero.add(LongDouble.ZERO).negative, false);
    const one = LongDouble.fromInteger(1);
    assert.equal(one.add(one.negate()).negative, false);
  });

  it('makes NaN of opposite infinities and keeps an infinity otherwise', () => {
    assert.equal(LongDouble.INFINITY.add(LongDouble.NEGATIVE_INFINITY).isNaN(), true);
    assert.equal(LongDouble.INFINITY.add(LongDouble.fromInteger(-5)).isFinite(), false);
    assert.equal(LongDouble.INFINITY.add(LongDouble.fromInteger(-5)).toHumanString(), 'inf');
  });

  it('overflows to infinity past the largest long double', () => {
    const max = LongDouble.parseString('0x1.fffffffffffffffep16383');
    assert.ok(max !== null && max.isFinite());
    assert.equal(max.add(max).isFinite(), false);
    // Half an ulp of the maximum rounds to even (up), which is infinity.
    assert.equal(max.add(LongDouble.parseString('0x1p16319') as LongDouble).isFinite(), false);
    assert.equal(max.add(LongDouble.parseString('0x1p16318') as LongDouble).isFinite(), true);
  });

  it('represents integers of int64 exactly', () => {
    assert.equal(LongDouble.fromInteger(-9223372036854775808n).toHumanString(), '-9223372036854775808');
    assert.equal(LongDouble.fromInteger(9223372036854775807n).toHumanString(), '9223372036854775807');
  });
});
