/**
 * Counting set bits (BITCOUNT), with a WebAssembly kernel for long runs.
 *
 * JavaScript has no 64-bit popcount: a 32-bit SWAR count costs about five times what
 * WebAssembly's `i64.popcnt` does, which compiles to the CPU's POPCNT. Bytes are copied into the
 * kernel's memory in 64 KB chunks (a memcpy, cheap beside counting them) and counted there; short
 * runs and the last few bytes are counted in JavaScript. Measured on a 125 KB bitmap: 53 us in
 * SWAR, 10.5 us through the kernel.
 */

/**
 * The kernel, hand-assembled (99 bytes). In WebAssembly text:
 *
 *   (module
 *     (memory (export "mem") 1)
 *     (func (export "count") (param $p i32) (param $words i32) (result i32)
 *       (local $acc i64) (local $end i32)
 *       (local.set $end (i32.add (local.get $p) (i32.shl (local.get $words) (i32.const 3))))
 *       (block (loop
 *         (br_if 1 (i32.ge_u (local.get $p) (local.get $end)))
 *         (local.set $acc (i64.add (local.get $acc) (i64.popcnt (i64.load (local.get $p)))))
 *         (local.set $p (i32.add (local.get $p) (i32.const 8)))
 *         (br 0)))
 *       (i32.wrap_i64 (local.get $acc))))
 */
const KERNEL =
  '0061736d0100000001070160027f7f017f030201000503010001070f02036d656d020005636f756e7400000a3601' +
  '3402017e017f200020014103746a210302400340200020034f0d01200220002903007b7c2102200041086a21000c000b0b2002a70b';

/** The kernel's memory is one 64 KB page: longer runs go through it in chunks. */
const CHUNK = 65536;
/** Below this many bytes the copy is not worth it. */
const KERNEL_FROM = 256;

interface Kernel {
  memory: Uint8Array;
  count: (ptr: number, words: number) => number;
}

function loadKernel(): Kernel | null {
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(KERNEL, 'hex')));
    const exports = instance.exports as { mem: WebAssembly.Memory; count: (ptr: number, words: number) => number };
    return { memory: new Uint8Array(exports.mem.buffer), count: exports.count };
  } catch {
    return null;
  }
}

const kernel = loadKernel();

export const BYTE_BITS = new Uint8Array(256);
for (let i = 1; i < 256; i++) BYTE_BITS[i] = (i & 1) + BYTE_BITS[i >> 1];

/** Set bits in b[start, end). */
export function popcount(b: Uint8Array, start: number, end: number): number {
  if (kernel === null || end - start < KERNEL_FROM) return popcountSwar(b, start, end);
  let count = 0;
  let i = start;
  while (end - i >= 8) {
    const n = Math.min(CHUNK, (end - i) & ~7);
    kernel.memory.set(b.subarray(i, i + n), 0);
    count += kernel.count(0, n >> 3);
    i += n;
  }
  while (i < end) count += BYTE_BITS[b[i++]];
  return count;
}

/** The JavaScript count: bytes up to a 4-byte boundary of the underlying memory, then 32-bit SWAR. */
export function popcountSwar(b: Uint8Array, start: number, end: number): number {
  let count = 0;
  let i = start;
  const base = b.byteOffset;
  while (i < end && ((base + i) & 3) !== 0) count += BYTE_BITS[b[i++]];
  const words = (end - i) >> 2;
  if (words > 0) {
    const w = new Int32Array(b.buffer, base + i, words);
    for (let k = 0; k < words; k++) {
      let v = w[k];
      v = v - ((v >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      count += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    i += words << 2;
  }
  while (i < end) count += BYTE_BITS[b[i++]];
  return count;
}
