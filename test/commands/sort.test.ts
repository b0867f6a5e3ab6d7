/**
 * SORT where Redis 7.2 differs from the 7.0 oracle, and inputs the oracle tests do not reach:
 * the encoding of a stored list, binary elements, strcoll's stop at NUL, and large inputs.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Cachica } from '../../src/embedded/cachica.js';

describe('SORT', () => {
  it('STORE makes a listpack of a small result and a quicklist of a large one (7.2)', () => {
    const db = new Cachica();
    db.commandSync('RPUSH', 'l', '3', '1', '2');
    assert.equal(db.commandSync('SORT', 'l', 'STORE', 'small'), 3);
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 'small'), 'listpack');
    db.commandSync('RPUSH', 'big', ...Array.from({ length: 5000 }, (_, i) => String(5000 - i)));
    assert.equal(db.commandSync('SORT', 'big', 'STORE', 'sorted'), 5000);
    assert.equal(db.commandSync('OBJECT', 'ENCODING', 'sorted'), 'quicklist');
    assert.deepEqual(db.commandSync('LRANGE', 'sorted', '0', '2'), ['1', '2', '3']);
  });

  it('ALPHA compares bytes up to a NUL without STORE (strcoll), and whole bytes with it', () => {
    const db = new Cachica();
    db.commandSync('RPUSH', 'l', Buffer.from('a\x00z', 'latin1'), Buffer.from('a\x00b', 'latin1'), 'b');
    // Without STORE both "a\0..." compare equal (a stable order keeps them as they were).
    const plain = db.commandSync('SORT', 'l', 'ALPHA') as string[];
    assert.deepEqual(plain.slice(2), ['b']);
    db.commandSync('SORT', 'l', 'ALPHA', 'STORE', 'out');
    assert.deepEqual(db.commandSync('LRANGE', 'out', '0', '-1'), ['a\x00b', 'a\x00z', 'b']);
  });

  it('sorts 100,000 elements numerically, and stops at scores that are not numbers', () => {
    const db = new Cachica();
    const values = Array.from({ length: 100_000 }, (_, i) => String((i * 7919) % 100_003));
    for (let i = 0; i < values.length; i += 10_000) db.commandSync('RPUSH', 'l', ...values.slice(i, i + 10_000));
    const got = db.commandSync('SORT', 'l', 'LIMIT', '0', '5') as string[];
    assert.deepEqual(got, [...values].map(Number).sort((a, b) => a - b).slice(0, 5).map(String));
    db.commandSync('RPUSH', 'bad', '1', '1e400');
    assert.throws(() => db.commandSync('SORT', 'bad'), /One or more scores can't be converted into double/);
    db.commandSync('RPUSH', 'tiny', '1', '1e-400');
    assert.throws(() => db.commandSync('SORT', 'tiny'), /One or more scores can't be converted into double/);
  });
});
