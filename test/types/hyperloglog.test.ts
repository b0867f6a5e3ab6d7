import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HllEditor,
  HllEncoding,
  cachedCardinality,
  decodeSparse,
  denseGet,
  denseSetRegister,
  emptySparse,
  hashElement,
  hllCount,
  invalidateCache,
  isHll,
  mergeRegisters,
  patternRegister,
  patternRun,
  rawCount,
  sparseToDense,
  storeCardinality,
} from '../../src/types/hyperloglog.js';
import { Rng } from '../compat/random.js';

/** MurmurHash64A written plainly over BigInt: the reference the 32-bit-halves version must equal. */
function murmurReference(data: Uint8Array): bigint {
  const mask = (1n << 64n) - 1n;
  const m = 0xc6a4a7935bd1e995n;
  let h = (0xadc83b19n ^ (BigInt(data.length) * m)) & mask;
  const blocks = data.length - (data.length & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(data[i + j]);
    k = (k * m) & mask;
    k ^= k >> 47n;
    k = (k * m) & mask;
    h ^= k;
    h = (h * m) & mask;
  }
  const rest = data.length & 7;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) h ^= BigInt(data[blocks + j]) << BigInt(8 * j);
    h = (h * m) & mask;
  }
  h ^= h >> 47n;
  h = (h * m) & mask;
  h ^= h >> 47n;
  return h;
}

/** hllPatLen from the reference hash. */
function patternReference(data: Uint8Array): [number, number] {
  let hash = murmurReference(data);
  const index = Number(hash & 16383n);
  hash >>= 14n;
  hash |= 1n << 50n;
  let run = 1;
  while ((hash & 1n) === 0n) {
    run++;
    hash >>= 1n;
  }
  return [index, run];
}

/** Every register of a value, by way of its dense form. */
function registersOf(bytes: Uint8Array, length: number): number[] {
  let dense = bytes;
  if (bytes[4] === HllEncoding.Sparse) {
    dense = new Uint8Array(HLL_DENSE_SIZE);
    assert.ok(sparseToDense(bytes, 0, length, dense));
  }
  return Array.from({ length: HLL_REGISTERS }, (_, i) => denseGet(dense, HLL_HDR_SIZE, i));
}

describe('HyperLogLog hashing', () => {
  it('equals MurmurHash64A and hllPatLen computed over 64-bit integers, for every length 0..40', () => {
    const rng = new Rng('hll-hash');
    for (let len = 0; len <= 40; len++) {
      for (let n = 0; n < 25; n++) {
        const data = rng.bytes(len);
        const packed = hashElement(data, 0, len);
        assert.deepEqual([patternRegister(packed), patternRun(packed)], patternReference(data), `input ${data.toString('hex')}`);
      }
    }
  });

  it('hashes the bytes in place, wherever they lie in a buffer', () => {
    const data = Buffer.from('xxhello worldyy');
    assert.equal(hashElement(data, 2, 13), hashElement(Buffer.from('hello world'), 0, 11));
  });
});

describe('HyperLogLog registers and header', () => {
  it('keeps every six-bit register without disturbing its neighbours', () => {
    const rng = new Rng('hll-registers');
    const b = new Uint8Array(HLL_DENSE_SIZE);
    const expected = new Uint8Array(HLL_REGISTERS);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < HLL_REGISTERS; i++) {
        expected[i] = rng.int(64);
        denseSetRegister(b, HLL_HDR_SIZE, i, expected[i]);
      }
      for (let i = 0; i < HLL_REGISTERS; i++) assert.equal(denseGet(b, HLL_HDR_SIZE, i), expected[i]);
    }
  });

  it('creates an empty sparse value as Redis does: the magic, sparse, a valid zero cache, one XZERO', () => {
    const empty = emptySparse();
    assert.deepEqual(Buffer.from(empty), Buffer.concat([Buffer.from('HYLL\x01', 'latin1'), Buffer.alloc(11), Buffer.from([0x7f, 0xff])]));
    assert.ok(isHll(empty, 0, empty.length));
    assert.equal(cachedCardinality(empty, 0), 0);
    assert.equal(hllCount(empty, 0, empty.length), 0);
    assert.equal(decodeSparse(empty, 0, empty.length), 'Z:16384');
  });

  it('recognises values by length, magic, encoding and dense size', () => {
    const empty = emptySparse();
    assert.equal(isHll(empty, 0, 15), false);
    assert.equal(isHll(Buffer.from('HYLX\x01' + '\0'.repeat(11), 'latin1'), 0, 16), false);
    assert.equal(isHll(Buffer.from('HYLL\x02' + '\0'.repeat(11), 'latin1'), 0, 16), false);
    const dense = new Uint8Array(HLL_DENSE_SIZE + 1);
    dense.set(Buffer.from('HYLL', 'latin1'));
    assert.equal(isHll(dense, 0, HLL_DENSE_SIZE), true);
    assert.equal(isHll(dense, 0, HLL_DENSE_SIZE + 1), false);
    assert.equal(isHll(dense, 0, HLL_DENSE_SIZE - 1), false);
  });

  it('stores the cached cardinality little-endian, marks it stale with the top bit, and reads 63-bit values exactly', () => {
    const b = emptySparse();
    storeCardinality(b, 0, 123456789012);
    assert.equal(cachedCardinality(b, 0), 123456789012);
    assert.deepEqual([...b.subarray(8, 16)], [0x14, 0x1a, 0x99, 0xbe, 0x1c, 0, 0, 0]);
    invalidateCache(b, 0);
    assert.equal(cachedCardinality(b, 0), -1);
    b.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], 8);
    assert.equal(cachedCardinality(b, 0), 0x7fffffffffffffffn);
  });
});

describe('HllEditor', () => {
  it('keeps the sparse registers equal to a plain max-per-register model, through the promotion to dense', () => {
    const rng = new Rng('hll-editor');
    const editor = new HllEditor();
    editor.loadEmpty();
    const model = new Array<number>(HLL_REGISTERS).fill(0);
    let sawSparse = false;
    for (let n = 0; n < 4000; n++) {
      const element = rng.bytes(rng.range(1, 20));
      const packed = hashElement(element, 0, element.length);
      const index = patternRegister(packed);
      const run = patternRun(packed);
      const changed = editor.add(element, 0, element.length, 3000);
      assert.equal(changed, run > model[index] ? 1 : 0);
      model[index] = Math.max(model[index], run);
      if (n % 97 === 0) {
        if (editor.encoding === HllEncoding.Sparse) sawSparse = true;
        assert.deepEqual(registersOf(editor.bytes, editor.length), model);
      }
    }
    assert.ok(sawSparse);
    assert.equal(editor.encoding, HllEncoding.Dense);
    assert.equal(editor.length, HLL_DENSE_SIZE);
    assert.deepEqual(registersOf(editor.bytes, editor.length), model);
  });

  it('promotes when a register needs more than 32, and when the sparse form would pass the byte limit', () => {
    const editor = new HllEditor();
    editor.loadEmpty();
    assert.equal(editor.set(10, 33, 3000), 1);
    assert.equal(editor.encoding, HllEncoding.Dense);
    assert.equal(denseGet(editor.bytes, HLL_HDR_SIZE, 10), 33);

    editor.loadEmpty();
    // Registers far apart make XZERO VAL XZERO splits: each adds bytes until the limit of 30.
    let i = 0;
    while ((editor.encoding as HllEncoding) === HllEncoding.Sparse) {
      assert.ok(editor.length <= 30);
      assert.equal(editor.set(i * 1000, 1, 30), 1);
      i++;
    }
    assert.ok(i > 1);
    assert.equal(registersOf(editor.bytes, editor.length).filter((v) => v === 1).length, i);
  });

  it('gives back a working buffer grown for an outsized value, and keeps a usual one', () => {
    const editor = new HllEditor();
    editor.load(new Uint8Array(200_000), 0, 200_000);
    assert.ok(editor.bytes.length >= 200_000);
    editor.trim();
    assert.ok(editor.bytes.length <= 64 * 1024);
    editor.loadEmpty();
    const kept = editor.bytes;
    editor.trim();
    assert.equal(editor.bytes, kept);
  });

  it('merges adjacent equal VAL runs: four neighbours at one value make one opcode', () => {
    const editor = new HllEditor();
    editor.loadEmpty();
    for (const index of [101, 103, 100, 102]) editor.set(index, 3, 3000);
    assert.equal(decodeSparse(editor.bytes, 0, editor.length), 'Z:100 v:3,4 Z:16280');
    assert.equal(editor.set(101, 2, 3000), 0);
    assert.equal(editor.set(101, 4, 3000), 1);
    assert.equal(decodeSparse(editor.bytes, 0, editor.length), 'Z:100 v:3,1 v:4,1 v:3,2 Z:16280');
  });
});

describe('HyperLogLog estimates and merging', () => {
  it('estimates a sparse value and its dense form alike, and the union of two values by rawCount', () => {
    const a = new HllEditor();
    a.loadEmpty();
    const max = new Uint8Array(HLL_REGISTERS);
    for (let n = 0; n < 500; n++) a.add(Buffer.from(`a${n}`), 0, `a${n}`.length, 3000);
    assert.equal(a.encoding, HllEncoding.Sparse);
    const sparseEstimate = hllCount(a.bytes, 0, a.length);
    assert.ok(Math.abs(sparseEstimate - 500) < 500 * 0.05, `estimate ${sparseEstimate}`);
    const dense = new Uint8Array(HLL_DENSE_SIZE);
    assert.ok(sparseToDense(a.bytes, 0, a.length, dense));
    assert.equal(hllCount(dense, 0, HLL_DENSE_SIZE), sparseEstimate);
    assert.ok(mergeRegisters(max, a.bytes, 0, a.length));
    assert.equal(rawCount(max), sparseEstimate);
    assert.ok(mergeRegisters(max, dense, 0, HLL_DENSE_SIZE));
    assert.equal(rawCount(max), sparseEstimate);
  });

  it('refuses sparse values whose runs do not cover exactly 16384 registers', () => {
    const header = Buffer.from('HYLL\x01' + '\0'.repeat(11), 'latin1');
    const max = new Uint8Array(HLL_REGISTERS);
    const out = new Uint8Array(HLL_DENSE_SIZE);
    for (const ops of [
      [0x7f, 0xfe], // XZERO 16383
      [0x7f, 0xff, 0x88], // XZERO 16384, then VAL 3x1 past the end
      [0x88, 0x7f, 0xff], // VAL then XZERO 16384
      [0x7f, 0xff, 0x00], // XZERO 16384, then ZERO 1
    ]) {
      const value = Buffer.concat([header, Buffer.from(ops)]);
      assert.equal(hllCount(value, 0, value.length), -1, `count of ${ops}`);
      assert.equal(mergeRegisters(max, value, 0, value.length), false, `merge of ${ops}`);
      assert.equal(sparseToDense(value, 0, value.length, out), false, `dense of ${ops}`);
    }
  });
});
