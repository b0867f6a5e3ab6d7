import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Crc64, crc64 } from '../../src/persistence/crc64.js';
import { lzfCompress, lzfDecompress } from '../../src/persistence/lzf.js';
import { Rng } from '../compat/random.js';

// DUMP of a 105-byte string from Redis 7.0.15: type 0, LZF (0xc3) with compressed length 68 and
// length 105 (two-byte RDB lengths), the compressed bytes, RDB version 10, the CRC-64.
const TEXT = 'The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog again and again.';
const REDIS_DUMP = Buffer.from(
  '00c3404440691f54686520717569636b2062726f776e20666f78206a756d7073206f7665722074201e0a6c617a7920646f672e2054200de01e2c0920616761696e20616e646009016e2e0a00854cc1651d3a2bb4',
  'hex',
);
const COMPRESSED = REDIS_DUMP.subarray(6, 6 + 68);

describe('CRC-64', () => {
  it('is the Jones CRC-64 Redis uses: crc64("123456789") = 0xe9c6d914c4b8d9ca', () => {
    assert.equal(crc64(Buffer.from('123456789')), 0xe9c6d914c4b8d9can);
    assert.equal(crc64(Buffer.alloc(0)), 0n);
  });

  it("checks a DUMP payload of Redis's, and runs the same in pieces as whole", () => {
    const body = REDIS_DUMP.subarray(0, REDIS_DUMP.length - 8);
    assert.equal(crc64(body), REDIS_DUMP.readBigUInt64LE(REDIS_DUMP.length - 8));
    const pieces = new Crc64().update(body, 0, 7).update(body, 7, 40).update(body, 40);
    assert.deepEqual(Buffer.from(pieces.bytes()), REDIS_DUMP.subarray(REDIS_DUMP.length - 8));
  });
});

describe('LZF', () => {
  it("compresses as Redis does, and reads Redis's compression back", () => {
    const out = new Uint8Array(TEXT.length);
    const n = lzfCompress(Buffer.from(TEXT, 'latin1'), 0, TEXT.length, out, TEXT.length - 4);
    assert.deepEqual(Buffer.from(out.subarray(0, n)), COMPRESSED);
    const back = new Uint8Array(TEXT.length);
    assert.equal(lzfDecompress(COMPRESSED, 0, COMPRESSED.length, back, TEXT.length), TEXT.length);
    assert.equal(Buffer.from(back).toString('latin1'), TEXT);
  });

  it('round-trips random and repetitive data of every size up to 70 KB', () => {
    const rng = new Rng('lzf');
    for (let n = 0; n < 200; n++) {
      const size = n < 40 ? n : rng.range(40, 70_000);
      const data =
        n % 3 === 0
          ? rng.bytes(size)
          : Buffer.from(Array.from({ length: size }, (_, i) => (n % 3 === 1 ? i % 7 : rng.int(4)) + 97));
      // Incompressible input grows by a byte per 32-byte literal run.
      const out = new Uint8Array(size + Math.ceil(size / 32) + 16);
      const c = lzfCompress(data, 0, size, out, out.length);
      if (size === 0) {
        assert.equal(c, 0);
        continue;
      }
      assert.ok(c > 0, `size ${size} fits`);
      const back = new Uint8Array(size);
      assert.equal(lzfDecompress(out, 0, c, back, size), size);
      assert.deepEqual(Buffer.from(back), Buffer.from(data));
    }
  });

  it('gives up when the output would not fit, as RDB saving expects', () => {
    const random = new Rng('lzf-incompressible').bytes(1000);
    const out = new Uint8Array(1000);
    assert.equal(lzfCompress(random, 0, 1000, out, 996), 0);
    assert.ok(lzfCompress(Buffer.alloc(1000, 120), 0, 1000, out, 996) > 0);
  });

  it('refuses corrupt input: runs and references past either end', () => {
    const out = new Uint8Array(200);
    assert.equal(lzfDecompress(COMPRESSED, 0, COMPRESSED.length, out, 50), -1, 'output too small');
    assert.equal(lzfDecompress(COMPRESSED, 0, 10, out, 200), -1, 'a literal run cut short');
    assert.equal(lzfDecompress(Buffer.from([0x00, 0x61, 0x20, 0x05]), 0, 4, out, 200), -1, 'a reference before the start');
    assert.equal(lzfDecompress(Buffer.from([0x00, 0x61, 0xe0]), 0, 3, out, 200), -1, 'a long reference cut short');
  });
});
