import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyWriter } from '../../src/protocol/reply-writer.js';
import { formatDouble } from '../../src/protocol/format.js';

function written(protocol: 2 | 3, fn: (w: ReplyWriter) => void): string {
  const w = new ReplyWriter(8);
  w.protocol = protocol;
  fn(w);
  return w.buf.subarray(0, w.pos).toString('latin1');
}

test('RESP3 types down-convert to RESP2 as Redis does', () => {
  const both = (fn: (w: ReplyWriter) => void): [string, string] => [written(2, fn), written(3, fn)];
  assert.deepEqual(both((w) => w.nullBulk()), ['$-1\r\n', '_\r\n']);
  assert.deepEqual(both((w) => w.nullArray()), ['*-1\r\n', '_\r\n']);
  assert.deepEqual(both((w) => w.mapLen(2)), ['*4\r\n', '%2\r\n']);
  assert.deepEqual(both((w) => w.setLen(3)), ['*3\r\n', '~3\r\n']);
  assert.deepEqual(both((w) => w.pushLen(3)), ['*3\r\n', '>3\r\n']);
  assert.deepEqual(both((w) => w.double(1.5)), ['$3\r\n1.5\r\n', ',1.5\r\n']);
  assert.deepEqual(both((w) => w.double(-Infinity)), ['$4\r\n-inf\r\n', ',-inf\r\n']);
  assert.deepEqual(both((w) => w.boolean(true)), [':1\r\n', '#t\r\n']);
  assert.deepEqual(both((w) => w.bigNumber('123')), ['$3\r\n123\r\n', '(123\r\n']);
  assert.deepEqual(both((w) => w.verbatim('héllo')), ['$6\r\nhéllo\r\n'.replace('é', 'Ã©'), '=10\r\ntxt:hÃ©llo\r\n']);
});

test('integers of every size', () => {
  for (const n of [0, 7, 10, -1, -10, 123456789, -9007199254740991, 9007199254740991]) {
    assert.equal(written(2, (w) => w.integer(n)), `:${n}\r\n`);
  }
  assert.equal(written(2, (w) => w.bigInteger(-9223372036854775808n)), ':-9223372036854775808\r\n');
});

test('bulk strings grow the buffer and stay binary safe', () => {
  const big = 'x'.repeat(100000);
  assert.equal(written(2, (w) => w.bulk(big)), `$100000\r\n${big}\r\n`);
  const bytes = Buffer.from([0, 255, 13, 10]);
  assert.equal(written(2, (w) => w.bulkBytes(bytes)), '$4\r\n\x00\xff\r\n\r\n');
});

test('errors never carry CR or LF', () => {
  assert.equal(written(2, (w) => w.error('ERR bad\r\nthing')), '-ERR bad  thing\r\n');
});

test('doubles print as %.17g', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [1.5, '1.5'],
    [0.1, '0.10000000000000001'],
    [1.1, '1.1000000000000001'],
    [3.0e-5, '3.0000000000000001e-05'],
    [1e20, '1e+20'],
    [123456789012345680, '1.2345678901234568e+17'],
    [12345678901234567, '12345678901234568'],
    [0.0001, '0.0001'],
    [1e-5, '1.0000000000000001e-05'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [5e-324, '4.9406564584124654e-324'],
    [NaN, 'nan'],
  ];
  for (const [d, s] of cases) assert.equal(formatDouble(d), s, String(d));
});
