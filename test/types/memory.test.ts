/**
 * The collections' memory estimates (types/memory.ts) against what V8 really spends on them:
 * the heap's growth after a full collection, for 200,000 members of each table form. An
 * estimate within a third of the truth keeps used_memory, and so maxmemory, honest enough;
 * beyond that the constants need measuring again. Also: estimates follow deletes.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MemberTable } from '../../src/types/member-table.js';
import { HashTable } from '../../src/types/hash-table.js';
import { SortedSet } from '../../src/types/sorted-set.js';
import { QuickList } from '../../src/types/quicklist.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const N = 200_000;

/** A flat one-byte string of `n` characters, as the server slices them from requests. */
function member(prefix: string, i: number, n: number): string {
  return Buffer.from(`${prefix}${i}`.padEnd(n, '.'), 'latin1').toString('latin1');
}

function heapGrowth<T>(build: () => T): { value: T; bytes: number } {
  gc();
  gc();
  const before = process.memoryUsage();
  const value = build();
  gc();
  gc();
  const after = process.memoryUsage();
  const bytes = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
  return { value, bytes };
}

function assertClose(name: string, estimate: number, measured: number): void {
  const ratio = estimate / measured;
  assert.ok(ratio > 0.67 && ratio < 1.5, `${name}: estimated ${estimate}, measured ${measured} (ratio ${ratio.toFixed(2)})`);
}

describe('memory estimates', () => {
  it('a set (MemberTable) of 16-byte members', () => {
    const { value, bytes } = heapGrowth(() => {
      const t = new MemberTable<true>();
      for (let i = 0; i < N; i++) t.set(member('m', i, 16), true);
      return t;
    });
    assertClose('set', value.memoryBytes, bytes);
  });

  it('a hash of 16-byte fields and 40-byte values', () => {
    const { value, bytes } = heapGrowth(() => {
      const t = new HashTable();
      for (let i = 0; i < N; i++) t.set(member('f', i, 16), member('v', i, 40));
      return t;
    });
    assertClose('hash', value.memoryBytes, bytes);
  });

  it('a sorted set of 16-byte members', () => {
    const { value, bytes } = heapGrowth(() => {
      const z = new SortedSet();
      for (let i = 0; i < N; i++) z.set(member('z', i, 16), i * 1.5);
      return z;
    });
    assertClose('zset', value.memoryBytes, bytes);
  });

  it('a list of 30-byte elements', () => {
    const { value, bytes } = heapGrowth(() => {
      const l = new QuickList();
      for (let i = 0; i < N; i++) l.pushTail(member('e', i, 30));
      return l;
    });
    assertClose('list', value.memoryBytes, bytes);
  });

  it('follows deletes and value changes', () => {
    const t = new HashTable();
    const empty = t.memoryBytes;
    t.set('field', 'x'.repeat(1000));
    const one = t.memoryBytes;
    assert.ok(one - empty >= 1000);
    t.set('field', 'short');
    assert.ok(t.memoryBytes < one - 900);
    t.delete('field');
    assert.equal(t.memoryBytes, empty);
    const l = new QuickList();
    for (let i = 0; i < 1000; i++) l.pushTail('element');
    const full = l.memoryBytes;
    for (let i = 0; i < 1000; i++) l.popHead();
    assert.ok(l.memoryBytes < full / 100);
  });
});
