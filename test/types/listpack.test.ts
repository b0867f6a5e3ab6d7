/**
 * The listpack and intset codecs: round trips, edits, and the images themselves compared with
 * the ones real Redis writes (read out of DUMP payloads, which carry them unchanged when
 * rdbcompression is off).
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMPTY_LISTPACK,
  ListpackBuilder,
  lpBytes,
  lpCount,
  lpDelete,
  lpEquals,
  lpEqualsString,
  lpFind,
  lpFirst,
  lpGet,
  lpInsertString,
  lpLast,
  lpNext,
  lpPrev,
  lpReplaceString,
  lpScratch,
  lpSeek,
  lpString,
  lpToNumber,
} from '../../src/types/listpack.js';
import { isAdd, isBuild, isBytes, isFind, isGet, isLength, isRemove, isScratch } from '../../src/types/intset.js';
import { RawConnection } from '../helpers/raw-connection.js';
import { startRedis, type RunningServer } from '../helpers/servers.js';
import { mulberry32 } from '../helpers/prng.js';

/** Elements chosen to hit every encoding and its edges. */
const EDGE_ELEMENTS: string[] = [
  '',
  '0',
  '127',
  '128',
  '-1',
  '4095',
  '-4096',
  '4096',
  '32767',
  '-32768',
  '32768',
  '8388607',
  '-8388608',
  '8388608',
  '2147483647',
  '-2147483648',
  '2147483648',
  '9007199254740993',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808', // past int64: a string
  '007', // leading zero: a string
  '-0',
  '+1',
  'a'.repeat(63),
  'b'.repeat(64),
  'c'.repeat(127),
  'd'.repeat(128),
  'e'.repeat(4095),
  'f'.repeat(4096),
  'g'.repeat(20000),
  '\x00\xff\r\n',
];

function build(items: readonly string[]): Buffer {
  const b = new ListpackBuilder();
  for (const s of items) b.pushString(s);
  const n = b.finish();
  return Buffer.from(b.buf.subarray(0, n));
}

function decode(lp: Uint8Array): string[] {
  const out: string[] = [];
  for (let p = lpFirst(lp, 0); p !== -1; p = lpNext(lp, p)) out.push(lpString(lp, p));
  return out;
}

function decodeBackwards(lp: Uint8Array): string[] {
  const out: string[] = [];
  for (let p = lpLast(lp, 0); p !== -1; p = lpPrev(lp, 0, p)) out.push(lpString(lp, p));
  return out.reverse();
}

function scratch(n: number): Buffer {
  return Buffer.from(lpScratch.buf.subarray(0, n));
}

describe('listpack', () => {
  it('round-trips every encoding forwards and backwards', () => {
    const lp = build(EDGE_ELEMENTS);
    assert.equal(lpCount(lp, 0), EDGE_ELEMENTS.length);
    assert.equal(lpBytes(lp, 0), lp.length);
    assert.deepEqual(decode(lp), EDGE_ELEMENTS);
    assert.deepEqual(decodeBackwards(lp), EDGE_ELEMENTS);
    for (let i = 0; i < EDGE_ELEMENTS.length; i++) {
      assert.equal(lpString(lp, lpSeek(lp, 0, i)), EDGE_ELEMENTS[i]);
      assert.equal(lpString(lp, lpSeek(lp, 0, i - EDGE_ELEMENTS.length)), EDGE_ELEMENTS[i]);
    }
    assert.equal(lpSeek(lp, 0, EDGE_ELEMENTS.length), -1);
    assert.equal(lpSeek(lp, 0, -EDGE_ELEMENTS.length - 1), -1);
  });

  it('stores integer-looking strings as integers, others as strings', () => {
    const lp = build(['5', '-5', '9223372036854775807', '05', 'x']);
    const kinds = [];
    for (let p = lpFirst(lp, 0); p !== -1; p = lpNext(lp, p)) kinds.push(lpGet(lp, p).isInt);
    assert.deepEqual(kinds, [true, true, true, false, false]);
    assert.equal(lpGet(lp, lpSeek(lp, 0, 2)).int, 9223372036854775807n);
  });

  it('an empty listpack has no entries', () => {
    assert.equal(lpFirst(EMPTY_LISTPACK, 0), -1);
    assert.equal(lpLast(EMPTY_LISTPACK, 0), -1);
    assert.equal(lpCount(EMPTY_LISTPACK, 0), 0);
    assert.deepEqual(decode(build([])), []);
    assert.deepEqual([...build([])], [...EMPTY_LISTPACK]);
  });

  it('compares entries with bytes without decoding them', () => {
    const lp = build(['10', 'abc', '-7', '']);
    const arg = (s: string) => Buffer.from(s, 'latin1');
    assert.ok(lpEquals(lp, lpSeek(lp, 0, 0), arg('10'), 0, 2));
    assert.ok(!lpEquals(lp, lpSeek(lp, 0, 0), arg('010'), 0, 3));
    assert.ok(lpEqualsString(lp, lpSeek(lp, 0, 1), 'abc'));
    assert.ok(!lpEqualsString(lp, lpSeek(lp, 0, 1), 'abd'));
    assert.ok(lpEqualsString(lp, lpSeek(lp, 0, 3), ''));
    assert.equal(lpFind(lp, lpFirst(lp, 0), arg('-7'), 0, 2, 0), lpSeek(lp, 0, 2));
    // skip 1 looks at entries 0 and 2 only: 'abc' at 1 is not found.
    assert.equal(lpFind(lp, lpFirst(lp, 0), arg('abc'), 0, 3, 1), -1);
    assert.equal(lpFind(lp, lpFirst(lp, 0), arg('-7'), 0, 2, 1), lpSeek(lp, 0, 2));
  });

  it('reads scores back as doubles', () => {
    const lp = build(['1.5', 'inf', '-inf', '3', '-0', '1e+300']);
    const got = [0, 1, 2, 3, 4, 5].map((i) => lpToNumber(lp, lpSeek(lp, 0, i)));
    assert.deepEqual(got, [1.5, Infinity, -Infinity, 3, -0, 1e300]);
  });

  it('inserts, replaces and deletes like an array (randomised against a model)', () => {
    const rand = mulberry32(7);
    let model: string[] = [];
    let lp = build([]);
    const pick = () => EDGE_ELEMENTS[Math.floor(rand() * EDGE_ELEMENTS.length)].slice(0, Math.floor(rand() * 300));
    for (let step = 0; step < 2000; step++) {
      const op = rand();
      if (op < 0.5 || model.length === 0) {
        const at = Math.floor(rand() * (model.length + 1));
        const v = pick();
        lp = scratch(lpInsertString(lp, 0, at === model.length ? -1 : lpSeek(lp, 0, at), v));
        model.splice(at, 0, v);
      } else if (op < 0.75) {
        const at = Math.floor(rand() * model.length);
        const v = pick();
        lp = scratch(lpReplaceString(lp, 0, lpSeek(lp, 0, at), v));
        model[at] = v;
      } else {
        const at = Math.floor(rand() * model.length);
        const n = 1 + Math.floor(rand() * 3);
        lp = scratch(lpDelete(lp, 0, lpSeek(lp, 0, at), n));
        model = model.slice(0, at).concat(model.slice(at + n));
      }
      assert.equal(lpBytes(lp, 0), lp.length);
      assert.equal(lpCount(lp, 0), model.length);
    }
    assert.deepEqual(decode(lp), model);
    assert.deepEqual(decodeBackwards(lp), model);
  });

  it('counts past 65535 entries by walking', () => {
    const items = Array.from({ length: 70000 }, (_, i) => String(i % 300));
    const lp = build(items);
    assert.equal(lp[4] | (lp[5] << 8), 65535);
    assert.equal(lpCount(lp, 0), 70000);
    assert.equal(lpString(lp, lpSeek(lp, 0, 69999)), String(69999 % 300));
  });

  it('works at an offset inside a larger buffer', () => {
    const lp = build(['x', '42']);
    const host = Buffer.concat([Buffer.from('garbage!'), lp, Buffer.from('tail')]);
    assert.equal(lpCount(host, 8), 2);
    assert.equal(lpString(host, lpSeek(host, 8, 1)), '42');
    assert.equal(lpString(host, lpLast(host, 8)), '42');
    assert.equal(lpString(host, lpPrev(host, 8, lpLast(host, 8))), 'x');
  });
});

describe('intset', () => {
  function image(n: number): Buffer {
    return Buffer.from(isScratch.buf.subarray(0, n));
  }
  function values(b: Buffer): (number | bigint)[] {
    return Array.from({ length: isLength(b, 0) }, (_, i) => isGet(b, 0, i));
  }

  it('keeps values sorted and upgrades its width when a wider value arrives', () => {
    let s = image(isBuild([]));
    for (const v of [5, -3, 100, 5, 40000, -70000, 2 ** 40, -(2 ** 40), 9223372036854775807n]) {
      const n = isAdd(s, 0, v);
      if (n !== -1) s = image(n);
    }
    assert.deepEqual(values(s), [-(2 ** 40), -70000, -3, 5, 100, 40000, 2 ** 40, 9223372036854775807n]);
    assert.equal(s[0], 8);
    assert.equal(isBytes(s, 0), s.length);
    assert.equal(isAdd(s, 0, 100), -1);
    assert.ok(isFind(s, 0, 9223372036854775807n));
    assert.ok(!isFind(s, 0, 6));
    s = image(isRemove(s, 0, 100));
    assert.deepEqual(values(s), [-(2 ** 40), -70000, -3, 5, 40000, 2 ** 40, 9223372036854775807n]);
    assert.equal(isRemove(s, 0, 100), -1);
  });

  it('a 16-bit set does not find a 32-bit value', () => {
    const s = image(isBuild([1, 2, 3]));
    assert.equal(s[0], 2);
    assert.ok(!isFind(s, 0, 65536 + 1));
    assert.equal(isRemove(s, 0, 70000), -1);
  });
});

describe('listpack and intset images equal Redis 7 DUMP payloads', () => {
  let redis: RunningServer;
  let conn: RawConnection;
  before(async () => {
    redis = await startRedis({ args: ['--rdbcompression', 'no', '--hash-max-listpack-value', '100000', '--hash-max-listpack-entries', '1000'] });
    conn = await RawConnection.connect(redis.port);
  });
  after(async () => {
    await conn.close();
    await redis.stop();
  });

  /** The RDB string inside a DUMP payload: [type][length][bytes][version:2][crc:8]. */
  async function dumpBlob(key: string): Promise<{ type: number; blob: Buffer }> {
    const frame = await conn.call(['DUMP', key]);
    const header = frame.indexOf('\r\n');
    const payload = frame.subarray(header + 2, frame.length - 2);
    const type = payload[0];
    let at = 1;
    let len: number;
    const first = payload[at];
    if (first >> 6 === 0) {
      len = first & 0x3f;
      at += 1;
    } else if (first >> 6 === 1) {
      len = ((first & 0x3f) << 8) | payload[at + 1];
      at += 2;
    } else {
      assert.equal(first, 0x80);
      len = payload.readUInt32BE(at + 1);
      at += 5;
    }
    return { type, blob: payload.subarray(at, at + len) };
  }

  it('a hash of every element encoding', async () => {
    const fields: string[] = [];
    const args: (string | Buffer)[] = ['HSET', 'h'];
    EDGE_ELEMENTS.forEach((v, i) => {
      fields.push(`f${i}`, v);
      args.push(`f${i}`, Buffer.from(v, 'latin1'));
    });
    await conn.call(['DEL', 'h']);
    await conn.call(args);
    const { type, blob } = await dumpBlob('h');
    assert.equal(type, 16); // RDB_TYPE_HASH_LISTPACK
    assert.deepEqual(build(fields), blob);
  });

  it('an intset', async () => {
    const ints = [7, -3, 300, 70000, -2147483649, 123];
    await conn.call(['DEL', 's']);
    await conn.call(['SADD', 's', ...ints.map(String)]);
    const { type, blob } = await dumpBlob('s');
    assert.equal(type, 11); // RDB_TYPE_SET_INTSET
    assert.deepEqual(Buffer.from(isScratch.buf.subarray(0, isBuild([...ints].sort((a, b) => a - b)))), blob);
  });
});
