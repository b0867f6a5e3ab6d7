/**
 * BigMap (Maps chained past V8's 2^24 limit) and MemberTable (the table form of sets and
 * hashes): behaviour against plain-Map models, and SCAN's guarantee under concurrent change.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BigMap } from '../../src/types/big-map.js';
import { MemberTable } from '../../src/types/member-table.js';
import { mulberry32 } from '../helpers/prng.js';

describe('BigMap', () => {
  it('behaves as a Map across several chained shards', () => {
    const rand = mulberry32(3);
    const big = new BigMap<number>(16);
    const model = new Map<string, number>();
    for (let step = 0; step < 20000; step++) {
      const key = `k${Math.floor(rand() * 200)}`;
      const op = rand();
      if (op < 0.5) {
        big.set(key, step);
        model.set(key, step);
      } else if (op < 0.8) {
        assert.equal(big.delete(key), model.delete(key));
      } else {
        assert.equal(big.get(key), model.get(key));
        assert.equal(big.has(key), model.has(key));
      }
      assert.equal(big.size, model.size);
    }
    assert.deepEqual(new Map(big.entries()), model);
    assert.deepEqual([...big.keys()].sort(), [...model.keys()].sort());
  });

  it('keeps undefined values apart from missing keys', () => {
    const big = new BigMap<number | undefined>(2);
    for (let i = 0; i < 5; i++) big.set(`k${i}`, undefined);
    assert.equal(big.has('k0'), true);
    assert.equal(big.get('k0'), undefined);
    assert.equal(big.size, 5);
    big.set('k0', 1);
    assert.equal(big.size, 5);
    assert.equal(big.get('k0'), 1);
  });
});

describe('MemberTable', () => {
  it('matches a Map model and picks random members from the live ones', () => {
    const rand = mulberry32(11);
    const t = new MemberTable<number>();
    const model = new Map<string, number>();
    for (let step = 0; step < 20000; step++) {
      const m = `m${Math.floor(rand() * 500)}`;
      if (rand() < 0.6) assert.equal(t.set(m, step), !model.has(m)), model.set(m, step);
      else assert.equal(t.delete(m), model.delete(m));
      assert.equal(t.size, model.size);
    }
    for (let i = 0; i < t.size; i++) assert.equal(model.get(t.memberAt(i)), t.valueAt(i));
    for (let i = 0; i < 100; i++) assert.ok(model.has(t.memberAt(t.randomIndex(rand))));
    assert.equal(t.indexOf('absent'), -1);
    const copy = t.clone();
    t.clear();
    assert.equal(copy.size, model.size);
    assert.equal(t.size, 0);
  });

  it('SCAN returns every member present for the whole scan, while members come and go', () => {
    const rand = mulberry32(5);
    for (let round = 0; round < 50; round++) {
      const t = new MemberTable<true>();
      for (let i = 0; i < 300; i++) t.set(`s${i}`, true);
      const stable = new Set<string>();
      for (let i = 0; i < 300; i++) if (rand() < 0.5) stable.add(`s${i}`);
      const seen = new Set<string>();
      let cursor = 0;
      let calls = 0;
      do {
        cursor = t.scan(cursor, 1 + Math.floor(rand() * 20), (m) => seen.add(m));
        // Churn: delete members outside the stable set, add new ones.
        for (let k = 0; k < 10; k++) {
          const victim = `s${Math.floor(rand() * 300)}`;
          if (!stable.has(victim)) t.delete(victim);
          if (rand() < 0.5) t.set(`n${round}-${calls}-${k}`, true);
        }
        calls++;
      } while (cursor !== 0 && calls < 10000);
      assert.equal(cursor, 0);
      for (const m of stable) assert.ok(seen.has(m), `round ${round}: ${m} was never returned`);
    }
  });

  it('a scan of an empty table ends at once', () => {
    const t = new MemberTable<true>();
    let visited = 0;
    assert.equal(t.scan(0, 10, () => visited++), 0);
    assert.equal(visited, 0);
  });
});
