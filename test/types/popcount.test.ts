/**
 * The bit count's two paths agree with a bit-by-bit count: the WebAssembly kernel (runs of 256
 * bytes and more, in 64 KB chunks) and the 32-bit SWAR count, at every alignment and across the
 * thresholds and chunk edges.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { popcount, popcountSwar } from '../../src/types/popcount.js';

function slowCount(b: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) for (let bit = 0; bit < 8; bit++) n += (b[i] >> bit) & 1;
  return n;
}

describe('popcount', () => {
  const data = new Uint8Array(200_003);
  let seed = 12345;
  for (let i = 0; i < data.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    data[i] = seed >>> 24;
  }

  it('agrees with a bit-by-bit count at every alignment, across thresholds and chunk edges', () => {
    const lengths = [0, 1, 7, 8, 9, 255, 256, 257, 1000, 65535, 65536, 65537, 65544, 131072 + 13, 200_000];
    for (const length of lengths) {
      for (let start = 0; start < 3 && start + length <= data.length; start++) {
        const expected = slowCount(data, start, start + length);
        assert.equal(popcount(data, start, start + length), expected, `length ${length} from ${start}`);
        assert.equal(popcountSwar(data, start, start + length), expected, `SWAR, length ${length} from ${start}`);
      }
    }
  });

  it('counts all-ones and all-zeros runs exactly', () => {
    assert.equal(popcount(new Uint8Array(100_000).fill(0xff), 0, 100_000), 800_000);
    assert.equal(popcount(new Uint8Array(100_000), 0, 100_000), 0);
  });
});
