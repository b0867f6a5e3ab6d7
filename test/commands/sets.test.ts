/**
 * Set commands where Redis 7.2 differs from the 7.0 oracle (small sets of non-integers are
 * listpacks, kept in insertion order), the conversions between encodings, random picks, and
 * sets beyond what the oracle tests cover (past the first Map of a table).
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Cachica } from '../../src/embedded/cachica.js';

function fresh(): Cachica {
  return new Cachica();
}

describe('set encodings (Redis 7.2)', () => {
  it('a small set of strings is a listpack in insertion order', () => {
    const db = fresh();
    assert.equal(db.commandSync('SADD', 's', 'c', 'a', 'b', 'a'), 3);
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 's'), 'listpack');
    assert.deepEqual(db.commandSync('SMEMBERS', 's'), ['c', 'a', 'b']);
    assert.equal(db.commandSync('SREM', 's', 'a'), 1);
    assert.deepEqual(db.commandSync('SMEMBERS', 's'), ['c', 'b']);
    assert.deepEqual(db.commandSync('SSCAN', 's', '0', 'COUNT', '1'), ['0', ['c', 'b']]);
  });

  it('an intset meeting a string becomes a listpack (small) or a hashtable (past the limits)', () => {
    const db = fresh();
    db.commandSync('SADD', 's', '3', '1', '2');
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 's'), 'intset');
    db.commandSync('SADD', 's', 'x');
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 's'), 'listpack');
    // The intset's order (ascending), then the new member.
    assert.deepEqual(db.commandSync('SMEMBERS', 's'), ['1', '2', '3', 'x']);
    const many = Array.from({ length: 200 }, (_, i) => String(i));
    db.commandSync('SADD', 't', ...many);
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 't'), 'intset');
    db.commandSync('SADD', 't', 'x');
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 't'), 'hashtable');
    assert.equal(db.commandSync('SCARD', 't'), 201);
  });

  it('SADD of more members than set-max-listpack-entries creates a hashtable at once', () => {
    const db = fresh();
    const members = Array.from({ length: 129 }, (_, i) => `m${i}`);
    db.commandSync('SADD', 's', ...members);
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 's'), 'hashtable');
    db.commandSync('SADD', 'l', ...members.slice(0, 128));
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 'l'), 'listpack');
    db.commandSync('SADD', 'l', 'one-more');
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 'l'), 'hashtable');
  });

  it('a member longer than set-max-listpack-value makes a hashtable; the limits are configurable', () => {
    const db = fresh();
    db.commandSync('SADD', 's', 'a');
    db.commandSync('SADD', 's', 'x'.repeat(65));
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 's'), 'hashtable');
    db.commandSync('SADD', 'ok', 'a', 'x'.repeat(64));
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 'ok'), 'listpack');
    db.commandSync('CONFIG', 'SET', 'set-max-listpack-entries', '2');
    db.commandSync('SADD', 'two', 'a', 'b');
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 'two'), 'listpack');
    db.commandSync('SADD', 'two', 'c');
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 'two'), 'hashtable');
    db.commandSync('CONFIG', 'SET', 'set-max-intset-entries', '2');
    db.commandSync('SADD', 'ints', '1', '2');
    db.commandSync('SADD', 'ints', '3');
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 'ints'), 'hashtable');
  });

  it('SINTERSTORE/SUNIONSTORE build their result as Redis does: intset, then listpack or hashtable', () => {
    const db = fresh();
    db.commandSync('SADD', 'a', '1', '2', 'x', 'y');
    db.commandSync('SADD', 'b', '2', '1', 'y');
    assert.equal(db.commandSync('SINTERSTORE', 'i', 'a', 'b'), 3);
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 'i'), 'listpack');
    db.commandSync('SADD', 'n', '5', '4');
    assert.equal(db.commandSync('SUNIONSTORE', 'u', 'n', 'n'), 2);
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 'u'), 'intset');
    assert.deepEqual(db.commandSync('SMEMBERS', 'u'), ['4', '5']);
    // SUNION replies in the order of the set it builds: ascending for integers.
    assert.deepEqual(db.commandSync('SUNION', 'n'), ['4', '5']);
    assert.deepEqual(db.commandSync('SDIFF', 'a', 'b'), ['x']);
  });

  it('COPY keeps the encoding and makes an independent set', () => {
    const db = fresh();
    db.commandSync('SADD', 'ints', '1', '2');
    db.commandSync('SADD', 'strs', 'a', 'b');
    db.commandSync('SADD', 'big', ...Array.from({ length: 300 }, (_, i) => `m${i}`));
    for (const k of ['ints', 'strs', 'big']) {
      assert.equal(db.commandSync('COPY', k, `${k}2`), 1);
      assert.equal(db.commandSync('OBJECT', 'ENCODING', `${k}2`), db.commandSync('OBJECT', 'ENCODING', k));
      db.commandSync('SADD', `${k}2`, 'added');
      assert.equal(db.commandSync('SISMEMBER', k, 'added'), 0);
    }
  });
});

describe('random picks', () => {
  it('SRANDMEMBER with a positive count returns distinct members, with a negative one may repeat', () => {
    const db = fresh();
    db.commandSync('SADD', 'big', ...Array.from({ length: 1000 }, (_, i) => `m${i}`));
    db.commandSync('SADD', 'small', 'a', 'b', 'c', 'd', 'e');
    for (const key of ['big', 'small']) {
      for (const count of [1, 2, 4, 200]) {
        const got = db.commandSync('SRANDMEMBER', key, String(count)) as string[];
        const size = db.commandSync('SCARD', key) as number;
        assert.equal(got.length, Math.min(count, size));
        assert.equal(new Set(got).size, got.length, `${key} ${count}: distinct`);
      }
      const repeated = db.commandSync('SRANDMEMBER', key, '-3000') as string[];
      assert.equal(repeated.length, 3000);
      assert.ok(new Set(repeated).size < 3000);
    }
  });

  it('picks are roughly uniform', () => {
    const db = fresh();
    db.commandSync('SADD', 's', 'a', 'b', 'c', 'd');
    const counts = new Map<string, number>();
    for (const m of db.commandSync('SRANDMEMBER', 's', '-40000') as string[]) counts.set(m, (counts.get(m) ?? 0) + 1);
    for (const m of ['a', 'b', 'c', 'd']) assert.ok(Math.abs((counts.get(m) ?? 0) - 10000) < 800, `${m}: ${counts.get(m)}`);
  });

  it('SPOP with a count removes exactly what it returns, in every encoding and case', () => {
    const db = fresh();
    const cases: [string, string[], number][] = [
      ['ints', Array.from({ length: 50 }, (_, i) => String(i)), 7],
      ['strs', ['a', 'b', 'c', 'd', 'e', 'f'], 4],
      ['table-few', Array.from({ length: 500 }, (_, i) => `m${i}`), 10],
      ['table-most', Array.from({ length: 500 }, (_, i) => `m${i}`), 450],
    ];
    for (const [key, members, count] of cases) {
      db.commandSync('SADD', key, ...members);
      const popped = db.commandSync('SPOP', key, String(count)) as string[];
      assert.equal(popped.length, count);
      assert.equal(new Set(popped).size, count);
      const left = db.commandSync('SMEMBERS', key) as string[];
      assert.equal(left.length, members.length - count);
      assert.deepEqual([...popped, ...left].sort(), [...members].sort());
    }
  });
});

describe('large sets', () => {
  it('a set past 2^21 members (more than one Map) adds, finds, removes and scans correctly', () => {
    const db = fresh();
    const n = (1 << 21) + 5000;
    const batch = 10000;
    for (let i = 0; i < n; i += batch) {
      db.commandSync('SADD', 'big', ...Array.from({ length: Math.min(batch, n - i) }, (_, j) => `m${i + j}`));
    }
    assert.equal(db.commandSync('SCARD', 'big'), n);
    assert.equal(db.commandSync('SISMEMBER', 'big', 'm0'), 1);
    assert.equal(db.commandSync('SISMEMBER', 'big', `m${n - 1}`), 1);
    assert.equal(db.commandSync('SADD', 'big', 'm0', `m${n - 1}`), 0);
    assert.equal(db.commandSync('SREM', 'big', 'm1', `m${n - 2}`, 'absent'), 2);
    assert.equal(db.commandSync('SCARD', 'big'), n - 2);
    let cursor = '0';
    let seen = 0;
    do {
      const [next, items] = db.commandSync('SSCAN', 'big', cursor, 'COUNT', '100000') as [string, string[]];
      cursor = next;
      seen += items.length;
    } while (cursor !== '0');
    assert.equal(seen, n - 2);
  });
});
