/**
 * QuickList (the table form of lists): a seeded random walk of every operation against a
 * plain-array model, chunk boundaries crossed from both ends, lists far longer than a chunk,
 * and the listpack size it keeps for the encoding rules, checked against a real listpack built
 * from the same elements.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ListpackBuilder, lpBytes } from '../../src/types/listpack.js';
import { listpackEntrySize, QuickList } from '../../src/types/quicklist.js';
import { mulberry32 } from '../helpers/prng.js';

/** lpBytes of a listpack holding `elements`, built by the codec. */
function realListpackBytes(elements: readonly string[]): number {
  const builder = new ListpackBuilder();
  for (const e of elements) builder.pushString(e);
  const n = builder.finish();
  return lpBytes(builder.buf, 0) === n ? n : -1;
}

const SAMPLES = ['', 'a', 'hello', '0', '-1', '127', '128', '-4096', '4095', '4096', '32767', '-32769', '8388607', '8388608',
  '2147483647', '2147483648', '-2147483649', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '007',
  '-0', '+1', ' 1', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(4095), 'w'.repeat(4096), '\x00\xff'];

describe('QuickList', () => {
  it('pushes and pops at both ends across many chunk boundaries', () => {
    const list = new QuickList();
    const model: string[] = [];
    for (let i = 0; i < 3000; i++) {
      list.pushTail(`t${i}`);
      model.push(`t${i}`);
      list.pushHead(`h${i}`);
      model.unshift(`h${i}`);
    }
    assert.equal(list.length, 6000);
    assert.deepEqual(list.toArray(), model);
    for (let i = 0; i < 2999; i++) {
      assert.equal(list.popHead(), model.shift());
      assert.equal(list.popTail(), model.pop());
    }
    assert.deepEqual(list.toArray(), model);
    assert.equal(list.popHead(), 'h0');
    assert.equal(list.popTail(), 't0');
    assert.equal(list.length, 0);
    assert.deepEqual(list.toArray(), []);
  });

  it('goes to and fro over one chunk boundary from either end', () => {
    const list = new QuickList();
    for (let i = 0; i < 256; i++) list.pushTail(String(i));
    for (let round = 0; round < 10; round++) {
      list.pushTail('x');
      assert.equal(list.get(256), 'x');
      assert.equal(list.popTail(), 'x');
      list.pushHead('y');
      assert.equal(list.get(0), 'y');
      assert.equal(list.popHead(), 'y');
    }
    assert.equal(list.length, 256);
    assert.equal(list.get(0), '0');
    assert.equal(list.get(255), '255');
  });

  it('matches an array model under a random mix of every operation', () => {
    const rand = mulberry32(42);
    const list = new QuickList();
    const model: string[] = [];
    for (let step = 0; step < 40_000; step++) {
      const op = Math.floor(rand() * 11);
      const value = SAMPLES[Math.floor(rand() * SAMPLES.length)] + (rand() < 0.5 ? '' : String(step));
      const i = model.length === 0 ? 0 : Math.floor(rand() * model.length);
      switch (op) {
        case 0:
          list.pushHead(value);
          model.unshift(value);
          break;
        case 1:
        case 2:
          list.pushTail(value);
          model.push(value);
          break;
        case 3:
          if (model.length) assert.equal(list.popHead(), model.shift());
          break;
        case 4:
          if (model.length) assert.equal(list.popTail(), model.pop());
          break;
        case 5: {
          const at = Math.floor(rand() * (model.length + 1));
          list.insert(at, value);
          model.splice(at, 0, value);
          break;
        }
        case 6:
          if (model.length) {
            list.removeAt(i);
            model.splice(i, 1);
          }
          break;
        case 7:
          if (model.length) {
            list.set(i, value);
            model[i] = value;
          }
          break;
        case 8: {
          const n = Math.floor(rand() * 5);
          list.removeHead(Math.min(n, model.length));
          model.splice(0, Math.min(n, model.length));
          break;
        }
        case 9: {
          const n = Math.min(Math.floor(rand() * 5), model.length);
          list.removeTail(n);
          model.splice(model.length - n, n);
          break;
        }
        case 10: {
          if (!model.length) break;
          const target = model[i];
          const limit = Math.floor(rand() * 3);
          const fromTail = rand() < 0.5;
          const removed = list.removeWhere((v) => v === target, limit, fromTail);
          let expected = 0;
          if (fromTail) {
            for (let j = model.length - 1; j >= 0 && (limit === 0 || expected < limit); j--) {
              if (model[j] === target) {
                model.splice(j, 1);
                expected++;
              }
            }
          } else {
            for (let j = 0; j < model.length && (limit === 0 || expected < limit); ) {
              if (model[j] === target) {
                model.splice(j, 1);
                expected++;
              } else j++;
            }
          }
          assert.equal(removed, expected);
          break;
        }
      }
      assert.equal(list.length, model.length, `length after step ${step} (op ${op})`);
      if (step % 997 === 0) {
        assert.deepEqual(list.toArray(), model, `contents after step ${step}`);
        assert.equal(list.packedBytes, realListpackBytes(model), `packedBytes after step ${step}`);
      }
    }
    assert.deepEqual(list.toArray(), model);
    assert.equal(list.packedBytes, realListpackBytes(model));
  });

  it('inserts and removes in the middle, shifting towards the nearer end', () => {
    const list = new QuickList();
    const model: string[] = [];
    for (let i = 0; i < 1000; i++) {
      list.pushTail(String(i));
      model.push(String(i));
    }
    for (const at of [0, 1, 255, 256, 257, 500, 743, 999, 1000, 1003]) {
      list.insert(at, `in${at}`);
      model.splice(at, 0, `in${at}`);
    }
    assert.deepEqual(list.toArray(), model);
    for (const at of [0, 1, 300, 700, 1005, 255, 512]) {
      list.removeAt(at);
      model.splice(at, 1);
    }
    assert.deepEqual(list.toArray(), model);
    assert.equal(list.packedBytes, realListpackBytes(model));
  });

  it('holds more elements than one JavaScript array may (2^24) without copying them as it grows', () => {
    const list = new QuickList();
    const n = 2 ** 24 + 1000;
    for (let i = 0; i < n; i++) list.pushTail('v');
    list.pushHead('first');
    assert.equal(list.length, n + 1);
    assert.equal(list.get(0), 'first');
    assert.equal(list.get(n), 'v');
    assert.equal(list.popTail(), 'v');
    assert.equal(list.popHead(), 'first');
    assert.equal(list.length, n - 1);
    list.clear();
    assert.equal(list.length, 0);
  });

  it('clones into an independent list', () => {
    const list = new QuickList();
    for (let i = 0; i < 600; i++) list.pushTail(String(i));
    const copy = list.clone();
    list.set(0, 'changed');
    list.popTail();
    assert.equal(copy.get(0), '0');
    assert.equal(copy.length, 600);
    assert.equal(copy.packedBytes, realListpackBytes(copy.toArray()));
  });

  it('sizes each element as a listpack entry, integers included', () => {
    for (const s of SAMPLES) {
      assert.equal(listpackEntrySize(s), realListpackBytes([s]) - 7, `entry size of ${JSON.stringify(s.slice(0, 20))}`);
    }
    const big = 'b'.repeat(20_000);
    assert.equal(listpackEntrySize(big), realListpackBytes([big]) - 7);
  });
});
