/**
 * Intset: Redis's encoding of a small set of integers (intset.c), byte for byte.
 *
 *   <encoding: u32 LE, 2 | 4 | 8 bytes per value> <length: u32 LE> <values, sorted, LE>
 *
 * Every value uses the width the widest member needs; adding a wider value upgrades them all.
 * Values are numbers, or bigints beyond ±2^53 (JS compares the two correctly with < and ==).
 * Reads take the image where it lies (b, offset o); writes build the new image in `isScratch`
 * and return its length.
 */

type Int = number | bigint;

const HEADER_SIZE = 8;

/** Where every write's new image is built; valid until the next write. */
export const isScratch = { buf: Buffer.allocUnsafe(1024) };

function readU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000;
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

/** Bytes per value. */
function width(b: Uint8Array, o: number): number {
  return b[o];
}

/** The width a value needs (intset's _intsetValueEncoding). */
function widthFor(v: Int): number {
  if (v < -2147483648 || v > 2147483647) return 8;
  if (v < -32768 || v > 32767) return 4;
  return 2;
}

export function isLength(b: Uint8Array, o: number): number {
  return readU32(b, o + 4);
}

/** Total bytes of the image. */
export function isBytes(b: Uint8Array, o: number): number {
  return HEADER_SIZE + isLength(b, o) * width(b, o);
}

/** Value `i` (0-based, ascending). */
export function isGet(b: Uint8Array, o: number, i: number): Int {
  const w = width(b, o);
  const at = o + HEADER_SIZE + i * w;
  if (w === 2) return ((b[at] | (b[at + 1] << 8)) << 16) >> 16;
  if (w === 4) return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >> 0;
  const lo = readU32(b, at);
  const hi = (b[at + 4] | (b[at + 5] << 8) | (b[at + 6] << 16) | (b[at + 7] << 24)) >> 0;
  return hi >= -0x200000 && hi < 0x200000 ? hi * 0x100000000 + lo : (BigInt(hi) << 32n) | BigInt(lo);
}

function writeValue(out: Uint8Array, at: number, w: number, v: Int): void {
  if (w === 8) {
    const big = BigInt.asUintN(64, BigInt(v));
    writeU32(out, at, Number(big & 0xffffffffn));
    writeU32(out, at + 4, Number(big >> 32n));
    return;
  }
  const n = Number(v);
  out[at] = n & 0xff;
  out[at + 1] = (n >> 8) & 0xff;
  if (w === 4) {
    out[at + 2] = (n >> 16) & 0xff;
    out[at + 3] = (n >> 24) & 0xff;
  }
}

/** Index of `v`, or -(insertion point) - 1 when absent (binary search). */
export function isSearch(b: Uint8Array, o: number, v: Int): number {
  let lo = 0;
  let hi = isLength(b, o) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const x = isGet(b, o, mid);
    if (x < v) lo = mid + 1;
    else if (x > v) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

export function isFind(b: Uint8Array, o: number, v: Int): boolean {
  return widthFor(v) <= width(b, o) && isSearch(b, o, v) >= 0;
}

function ensureScratch(n: number): Buffer {
  if (isScratch.buf.length < n) isScratch.buf = Buffer.allocUnsafe(Math.max(n, isScratch.buf.length * 2));
  return isScratch.buf;
}

/** Add `v`: the new image's length, or -1 if `v` is already there. */
export function isAdd(b: Uint8Array, o: number, v: Int): number {
  const n = isLength(b, o);
  const w = width(b, o);
  const need = widthFor(v);
  let pos: number;
  if (need > w) {
    // A value too wide for the set is beyond every member: first or last (intsetUpgradeAndAdd).
    pos = v < 0 ? 0 : n;
  } else {
    const found = isSearch(b, o, v);
    if (found >= 0) return -1;
    pos = -found - 1;
  }
  const nw = Math.max(w, need);
  const total = HEADER_SIZE + (n + 1) * nw;
  const out = ensureScratch(total);
  writeU32(out, 0, nw);
  writeU32(out, 4, n + 1);
  let j = 0;
  for (let i = 0; i <= n; i++) {
    const x = i === pos ? v : isGet(b, o, j++);
    writeValue(out, HEADER_SIZE + i * nw, nw, x);
  }
  return total;
}

/** Remove `v`: the new image's length, or -1 if `v` is not there. */
export function isRemove(b: Uint8Array, o: number, v: Int): number {
  if (widthFor(v) > width(b, o)) return -1;
  const pos = isSearch(b, o, v);
  if (pos < 0) return -1;
  const n = isLength(b, o);
  const w = width(b, o);
  const total = HEADER_SIZE + (n - 1) * w;
  const out = ensureScratch(total);
  out[0] = w;
  out[1] = out[2] = out[3] = 0;
  writeU32(out, 4, n - 1);
  const src = o + HEADER_SIZE;
  out.set(b.subarray(src, src + pos * w), HEADER_SIZE);
  out.set(b.subarray(src + (pos + 1) * w, src + n * w), HEADER_SIZE + pos * w);
  return total;
}

/** The image of sorted, distinct `values`; returns its length. */
export function isBuild(values: readonly Int[]): number {
  let w = 2;
  for (const v of values) w = Math.max(w, widthFor(v));
  const total = HEADER_SIZE + values.length * w;
  const out = ensureScratch(total);
  writeU32(out, 0, w);
  writeU32(out, 4, values.length);
  for (let i = 0; i < values.length; i++) writeValue(out, HEADER_SIZE + i * w, w, values[i]);
  return total;
}
