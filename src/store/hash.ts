/**
 * The keyspace hash: MurmurHash3 (x86, 32-bit) over raw bytes with a seed drawn at start-up.
 *
 * Keys are hashed where they lie (the client's input buffer, a slab) so no string is made. The
 * random seed keeps bucket positions, and so SCAN order, from being predictable across
 * processes, as Redis's seeded SipHash does. Members of sets, hashes and sorted sets are hashed
 * the same way, from the request bytes or from the latin1 string that holds them.
 */

import { randomBytes } from 'node:crypto';

export const HASH_SEED = randomBytes(4).readUInt32LE(0);

export function hashBytes(b: Uint8Array, start: number, end: number, seed: number = HASH_SEED): number {
  let h = seed | 0;
  const n = end - start;
  const blocksEnd = start + (n & ~3);
  let i = start;
  for (; i < blocksEnd; i += 4) h = mixBlock(h, b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24));
  const tail = n & 3;
  if (tail !== 0) {
    let k = 0;
    if (tail === 3) k ^= b[i + 2] << 16;
    if (tail >= 2) k ^= b[i + 1] << 8;
    h ^= scramble(k ^ b[i]);
  }
  return finish(h, n);
}

/** hashBytes of the bytes of a latin1 string (one char per byte). */
export function hashLatin1(s: string, seed: number = HASH_SEED): number {
  let h = seed | 0;
  const n = s.length;
  const blocksEnd = n & ~3;
  let i = 0;
  for (; i < blocksEnd; i += 4) {
    h = mixBlock(h, s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24));
  }
  const tail = n & 3;
  if (tail !== 0) {
    let k = 0;
    if (tail === 3) k ^= s.charCodeAt(i + 2) << 16;
    if (tail >= 2) k ^= s.charCodeAt(i + 1) << 8;
    h ^= scramble(k ^ s.charCodeAt(i));
  }
  return finish(h, n);
}

function scramble(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

function mixBlock(h: number, k: number): number {
  h ^= scramble(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, n: number): number {
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
