/**
 * HyperLogLog in Redis's own bytes (hyperloglog.c), so that a value written by either server is
 * read by the other and every estimate agrees to the unit.
 *
 * A HyperLogLog is an ordinary string: a 16-byte header ("HYLL", the encoding, three unused
 * bytes, the cached cardinality as a little-endian 64-bit integer whose top bit marks it stale)
 * followed by 16384 six-bit registers, either
 *   - dense: 12288 bytes, register i in bits [6i, 6i + 6) counted from the least significant
 *     bit of each byte, or
 *   - sparse: run-length opcodes, each covering a run of registers:
 *       ZERO  00xxxxxx           xxxxxx + 1 registers (1..64) at zero
 *       XZERO 01xxxxxx yyyyyyyy  14-bit length + 1 registers (1..16384) at zero
 *       VAL   1vvvvvxx           xx + 1 registers (1..4) at vvvvv + 1 (1..32)
 * A value starts sparse and turns dense when a register needs more than 32 or the sparse form
 * would grow past `hll-sparse-max-bytes`.
 *
 * Every function here takes a value's bytes where they lie (buffer, offset, length); HllEditor
 * is the working copy the write commands change, since a sparse value changes length.
 */

export const HLL_P = 14;
export const HLL_REGISTERS = 1 << HLL_P;
/** Bits of the hash left after the register index; a run is at most HLL_Q + 1 long. */
const HLL_Q = 64 - HLL_P;
const HLL_BITS = 6;
const REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + (HLL_REGISTERS * HLL_BITS) / 8;
/** 0.5 / ln(2), the bias constant of Ertl's estimator. */
const ALPHA_INF = 0.72134752044448170368;

export const enum HllEncoding {
  Dense = 0,
  Sparse = 1,
}

const ENCODING_AT = 4;
const CARD_AT = 8;

const ZERO_MAX_LEN = 64;
const XZERO_MAX_LEN = 16384;
const VAL_MAX_VALUE = 32;
const VAL_MAX_LEN = 4;

// Opcode tests, on an opcode's first byte.
const isZero = (op: number): boolean => (op & 0xc0) === 0;
const isXZero = (op: number): boolean => (op & 0xc0) === 0x40;
const isVal = (op: number): boolean => (op & 0x80) !== 0;
const zeroLen = (op: number): number => (op & 0x3f) + 1;
const xzeroLen = (op: number, next: number): number => (((op & 0x3f) << 8) | next) + 1;
const valValue = (op: number): number => ((op >> 2) & 0x1f) + 1;
const valLen = (op: number): number => (op & 0x3) + 1;
const valOp = (value: number, len: number): number => 0x80 | ((value - 1) << 2) | (len - 1);

// ---------------------------------------------------------------------------------------------
// Hashing: MurmurHash64A (seed 0xadc83b19) over 32-bit halves, as V8 has no cheap 64-bit integer
// ---------------------------------------------------------------------------------------------

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const SEED = 0xadc83b19;

/** The 64-bit product of the last mulM() and the hash of the last murmur64(): [high, low]. */
const product = new Uint32Array(2);
const hash = new Uint32Array(2);
const HI = 0;
const LO = 1;

/** High 32 bits of the 64-bit product of two unsigned 32-bit numbers. */
function mulHigh32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const mid1 = a1 * b0 + ((a0 * b0) >>> 16);
  const mid2 = a0 * b1 + (mid1 & 0xffff);
  return a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16);
}

/**
 * (hi, lo) times Murmur's m, modulo 2^64, into `product`. (Typed arrays, not module-level
 * `let`s, carry the halves: V8 writes those through cells with checks, several times the cost.)
 */
function mulM(hi: number, lo: number): void {
  product[LO] = Math.imul(lo, M_LO);
  product[HI] = mulHigh32(lo, M_LO) + Math.imul(hi, M_LO) + Math.imul(lo, M_HI);
}

/** MurmurHash64A of b[start, end), into `hash`; 8-byte blocks read little-endian. */
function murmur64(b: Uint8Array, start: number, end: number): void {
  const len = end - start;
  mulM(0, len);
  let hHi = product[HI];
  let hLo = (product[LO] ^ SEED) >>> 0;
  const blocksEnd = start + (len - (len & 7));
  for (let i = start; i < blocksEnd; i += 8) {
    mulM(
      (b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24)) >>> 0,
      (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0,
    );
    // k ^= k >> 47 touches only the low half.
    mulM(product[HI], (product[LO] ^ (product[HI] >>> 15)) >>> 0);
    mulM((hHi ^ product[HI]) >>> 0, (hLo ^ product[LO]) >>> 0);
    hHi = product[HI];
    hLo = product[LO];
  }
  const rest = len & 7;
  if (rest > 0) {
    const t = blocksEnd;
    if (rest >= 7) hHi ^= b[t + 6] << 16;
    if (rest >= 6) hHi ^= b[t + 5] << 8;
    if (rest >= 5) hHi ^= b[t + 4];
    if (rest >= 4) hLo ^= b[t + 3] << 24;
    if (rest >= 3) hLo ^= b[t + 2] << 16;
    if (rest >= 2) hLo ^= b[t + 1] << 8;
    hLo ^= b[t];
    mulM(hHi >>> 0, hLo >>> 0);
    hHi = product[HI];
    hLo = product[LO];
  }
  mulM(hHi, (hLo ^ (hHi >>> 15)) >>> 0);
  hash[HI] = product[HI];
  hash[LO] = product[LO] ^ (product[HI] >>> 15);
}

/** Number of trailing zero bits of a non-zero 32-bit number. */
const ctz32 = (x: number): number => 31 - Math.clz32(x & -x);

/**
 * hllPatLen: the register element b[start, end) falls in and the length of the run of zeros
 * ending in a one that follows the index bits in its hash (1..51), packed as
 * `run << HLL_P | register`.
 */
export function hashElement(b: Uint8Array, start: number, end: number): number {
  murmur64(b, start, end);
  const hashLo = hash[LO];
  const hashHi = hash[HI];
  const index = hashLo & (HLL_REGISTERS - 1);
  const low = hashLo >>> HLL_P;
  let run: number;
  if (low !== 0) run = ctz32(low) + 1;
  else if (hashHi !== 0) run = 32 - HLL_P + ctz32(hashHi) + 1;
  else run = HLL_Q + 1;
  return (run << HLL_P) | index;
}

export const patternRegister = (packed: number): number => packed & (HLL_REGISTERS - 1);
export const patternRun = (packed: number): number => packed >>> HLL_P;

// ---------------------------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------------------------

/** isHLLObjectOrReply's test: long enough, the magic, a known encoding, a dense value's exact size. */
export function isHll(b: Uint8Array, start: number, length: number): boolean {
  if (length < HLL_HDR_SIZE) return false;
  if (b[start] !== 0x48 || b[start + 1] !== 0x59 || b[start + 2] !== 0x4c || b[start + 3] !== 0x4c) return false;
  const encoding = b[start + ENCODING_AT];
  if (encoding > HllEncoding.Sparse) return false;
  return encoding !== HllEncoding.Dense || length === HLL_DENSE_SIZE;
}

export const hllEncoding = (b: Uint8Array, start: number): HllEncoding => b[start + ENCODING_AT];

/**
 * The cached cardinality, or -1 when it is stale. Any 63-bit value may be there (the bytes are a
 * user's to write): past 2^53 it comes back as a bigint.
 */
export function cachedCardinality(b: Uint8Array, start: number): number | bigint {
  const at = start + CARD_AT;
  if ((b[at + 7] & 0x80) !== 0) return -1;
  const lo = (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
  const hi = (b[at + 4] | (b[at + 5] << 8) | (b[at + 6] << 16) | (b[at + 7] << 24)) >>> 0;
  if (hi >= 1 << 21) return (BigInt(hi) << 32n) | BigInt(lo);
  return hi * 0x1_0000_0000 + lo;
}

/** Store a cardinality (a count of at most 2^53, in practice far less) as the valid cache. */
export function storeCardinality(b: Uint8Array, start: number, card: number): void {
  const at = start + CARD_AT;
  const lo = card >>> 0;
  const hi = Math.floor(card / 0x1_0000_0000);
  for (let i = 0; i < 4; i++) {
    b[at + i] = lo >>> (8 * i);
    b[at + 4 + i] = hi >>> (8 * i);
  }
}

export function invalidateCache(b: Uint8Array, start: number): void {
  b[start + CARD_AT + 7] |= 0x80;
}

// ---------------------------------------------------------------------------------------------
// Dense registers
// ---------------------------------------------------------------------------------------------

/** Register `index` of the dense registers starting at b[regs]. */
export function denseGet(b: Uint8Array, regs: number, index: number): number {
  const bit = index * HLL_BITS;
  const at = regs + (bit >>> 3);
  const shift = bit & 7;
  // A register starting at bit 0..2 of its byte lies in it whole: the last register does, so
  // no read goes past the value.
  if (shift <= 8 - HLL_BITS) return (b[at] >>> shift) & REGISTER_MAX;
  return ((b[at] >>> shift) | (b[at + 1] << (8 - shift))) & REGISTER_MAX;
}

export function denseSetRegister(b: Uint8Array, regs: number, index: number, value: number): void {
  const bit = index * HLL_BITS;
  const at = regs + (bit >>> 3);
  const shift = bit & 7;
  b[at] = (b[at] & ~(REGISTER_MAX << shift)) | (value << shift);
  if (shift > 8 - HLL_BITS) {
    const spill = 8 - shift;
    b[at + 1] = (b[at + 1] & ~(REGISTER_MAX >>> spill)) | (value >>> spill);
  }
}

/** hllDenseSet: raise register `index` to `run`; true when it changed. */
export function denseSet(b: Uint8Array, regs: number, index: number, run: number): boolean {
  if (run <= denseGet(b, regs, index)) return false;
  denseSetRegister(b, regs, index, run);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Estimating
// ---------------------------------------------------------------------------------------------

/** Register histogram; 64 slots so corrupt registers (52..63) land somewhere harmless. */
const histogram = new Float64Array(64);

function denseHistogram(b: Uint8Array, regs: number): void {
  // Four registers in every three bytes.
  for (let at = regs, end = regs + (HLL_REGISTERS * HLL_BITS) / 8; at < end; at += 3) {
    const b0 = b[at];
    const b1 = b[at + 1];
    const b2 = b[at + 2];
    if ((b0 | b1 | b2) === 0) {
      histogram[0] += 4;
      continue;
    }
    histogram[b0 & 63]++;
    histogram[((b0 >>> 6) | (b1 << 2)) & 63]++;
    histogram[((b1 >>> 4) | (b2 << 4)) & 63]++;
    histogram[b2 >>> 2]++;
  }
}

/**
 * The runs of the sparse opcodes in b[start, end), in order: `visit(value, first, count)` for
 * each (value 0 for ZERO and XZERO). False when the runs do not cover exactly the 16384
 * registers; the walk stops at a run that goes past them. That makes the value corrupt
 * everywhere it is read, as in Redis since the fix of CVE-2025-32023 (before it, a VAL run past
 * the end was ignored by hllSparseToDense and hllMerge).
 */
function walkSparse(b: Uint8Array, start: number, end: number, visit: (value: number, first: number, count: number) => void): boolean {
  let index = 0;
  let p = start;
  while (p < end) {
    const op = b[p];
    let value = 0;
    let count: number;
    if (isZero(op)) {
      count = zeroLen(op);
      p++;
    } else if (isXZero(op)) {
      count = xzeroLen(op, p + 1 < end ? b[p + 1] : 0);
      p += 2;
    } else {
      value = valValue(op);
      count = valLen(op);
      p++;
    }
    if (index + count > HLL_REGISTERS) return false;
    visit(value, index, count);
    index += count;
  }
  return index === HLL_REGISTERS;
}

const countRun = (value: number, _first: number, count: number): void => {
  histogram[value] += count;
};

/** hllSparseRegHisto into `histogram`; false for a corrupt value. */
function sparseHistogram(b: Uint8Array, start: number, end: number): boolean {
  return walkSparse(b, start, end, countRun);
}

/** Ertl's sigma (arXiv:1702.01284). */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous !== z);
  return z;
}

/** Ertl's tau (arXiv:1702.01284). */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (previous !== z);
  return z / 3;
}

/** The estimate from the histogram now in `histogram`, which it clears. */
function estimate(): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histogram[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; j--) {
    z += histogram[j];
    z *= 0.5;
  }
  z += m * sigma(histogram[0] / m);
  histogram.fill(0);
  // llroundl: halves away from zero, and the quotient is never negative.
  return Math.round((ALPHA_INF * m * m) / z);
}

/** hllCount of the value b[start, start + length); -1 when a sparse value is corrupt. */
export function hllCount(b: Uint8Array, start: number, length: number): number {
  if (hllEncoding(b, start) === HllEncoding.Dense) {
    denseHistogram(b, start + HLL_HDR_SIZE);
  } else if (!sparseHistogram(b, start + HLL_HDR_SIZE, start + length)) {
    histogram.fill(0);
    return -1;
  }
  return estimate();
}

/** The estimate for registers held one per byte (PFCOUNT of several keys). */
export function rawCount(registers: Uint8Array): number {
  for (let i = 0; i < HLL_REGISTERS; i++) histogram[registers[i]]++;
  return estimate();
}

// ---------------------------------------------------------------------------------------------
// Merging and converting
// ---------------------------------------------------------------------------------------------

/** hllMerge: max[i] = max(max[i], register i of the value); false for a corrupt sparse value. */
export function mergeRegisters(max: Uint8Array, b: Uint8Array, start: number, length: number): boolean {
  const regs = start + HLL_HDR_SIZE;
  if (hllEncoding(b, start) === HllEncoding.Dense) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(b, regs, i);
      if (v > max[i]) max[i] = v;
    }
    return true;
  }
  return walkSparse(b, regs, start + length, (value, first, count) => {
    if (value === 0) return;
    for (let i = first; i < first + count; i++) if (value > max[i]) max[i] = value;
  });
}

/**
 * hllSparseToDense: the dense form of the sparse value b[start, start + length) written to
 * out[0, HLL_DENSE_SIZE) (header copied, cache included); false when the value is corrupt.
 */
export function sparseToDense(b: Uint8Array, start: number, length: number, out: Uint8Array): boolean {
  out.fill(0, 0, HLL_DENSE_SIZE);
  out.set(b.subarray(start, start + HLL_HDR_SIZE), 0);
  out[ENCODING_AT] = HllEncoding.Dense;
  return walkSparse(b, start + HLL_HDR_SIZE, start + length, (value, first, count) => {
    if (value === 0) return;
    for (let i = first; i < first + count; i++) denseSetRegister(out, HLL_HDR_SIZE, i, value);
  });
}

/** PFDEBUG DECODE's text of a sparse value: "z:n", "Z:n" and "v:value,n" separated by spaces. */
export function decodeSparse(b: Uint8Array, start: number, length: number): string {
  const parts: string[] = [];
  const end = start + length;
  let p = start + HLL_HDR_SIZE;
  while (p < end) {
    const op = b[p];
    if (isZero(op)) {
      parts.push(`z:${zeroLen(op)}`);
      p++;
    } else if (isXZero(op)) {
      parts.push(`Z:${xzeroLen(op, p + 1 < end ? b[p + 1] : 0)}`);
      p += 2;
    } else {
      parts.push(`v:${valValue(op)},${valLen(op)}`);
      p++;
    }
  }
  return parts.join(' ');
}

// ---------------------------------------------------------------------------------------------
// The working copy of a value being written
// ---------------------------------------------------------------------------------------------

/** createHLLObject: an empty sparse HyperLogLog (all registers in XZERO runs, cache 0). */
export function emptySparse(): Uint8Array {
  const runs = Math.ceil(HLL_REGISTERS / XZERO_MAX_LEN);
  const out = new Uint8Array(HLL_HDR_SIZE + runs * 2);
  out.set([0x48, 0x59, 0x4c, 0x4c, HllEncoding.Sparse]);
  for (let left = HLL_REGISTERS, p = HLL_HDR_SIZE; left > 0; p += 2) {
    const run = Math.min(left, XZERO_MAX_LEN);
    writeXZero(out, p, run);
    left -= run;
  }
  return out;
}

function writeXZero(b: Uint8Array, p: number, run: number): void {
  b[p] = ((run - 1) >>> 8) | 0x40;
  b[p + 1] = (run - 1) & 0xff;
}

/** Writes a ZERO or XZERO run of `run` registers at b[p]; returns the bytes written. */
function writeZeros(b: Uint8Array, p: number, run: number): number {
  if (run > ZERO_MAX_LEN) {
    writeXZero(b, p, run);
    return 2;
  }
  b[p] = run - 1;
  return 1;
}

/**
 * A copy of one HyperLogLog value being changed (PFADD, PFMERGE, PFDEBUG, PFSELFTEST). A sparse
 * value changes length as opcodes split and merge, so it is edited here and then stored back.
 * The byte after the value is always zero, as after an sds string: a truncated XZERO at the end
 * of a corrupt value reads the same here as in Redis.
 */
/** The working buffers an HllEditor keeps between commands. */
const KEPT_BYTES = 64 * 1024;

export class HllEditor {
  bytes = new Uint8Array(HLL_DENSE_SIZE + 1);
  length = 0;
  /** Set when the value went from sparse to dense during the edit. */
  promoted = false;
  private dense = new Uint8Array(HLL_DENSE_SIZE + 1);
  private readonly seq = new Uint8Array(5);

  load(b: Uint8Array, start: number, length: number): void {
    // The old contents are not wanted: a grown buffer need not copy them.
    this.length = 0;
    this.reserve(length);
    this.bytes.set(b.subarray(start, start + length), 0);
    this.length = length;
    this.bytes[length] = 0;
    this.promoted = false;
  }

  loadEmpty(): void {
    const empty = EMPTY_SPARSE;
    this.load(empty, 0, empty.length);
  }

  /** Let go of a working buffer grown for an outsized value (a sparse value can be any size). */
  trim(): void {
    if (this.bytes.length > KEPT_BYTES) this.bytes = new Uint8Array(HLL_DENSE_SIZE + 1);
    if (this.dense.length > KEPT_BYTES) this.dense = new Uint8Array(HLL_DENSE_SIZE + 1);
    this.length = 0;
  }

  get encoding(): HllEncoding {
    return this.bytes[ENCODING_AT];
  }

  get view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /** hllAdd: 1 when a register rose, 0 when not, -1 for a corrupt value. */
  add(b: Uint8Array, start: number, end: number, sparseMaxBytes: number): number {
    const packed = hashElement(b, start, end);
    return this.set(patternRegister(packed), patternRun(packed), sparseMaxBytes);
  }

  /** Raise register `index` to `run`: 1 when it rose, 0 when not, -1 for a corrupt value. */
  set(index: number, run: number, sparseMaxBytes: number): number {
    if (this.encoding === HllEncoding.Dense) return denseSet(this.bytes, HLL_HDR_SIZE, index, run) ? 1 : 0;
    if (this.encoding !== HllEncoding.Sparse) return -1;
    return this.sparseSet(index, run, sparseMaxBytes);
  }

  /** hllSparseToDense on the working copy; false when it is corrupt. */
  toDense(): boolean {
    if (this.encoding === HllEncoding.Dense) return true;
    if (!sparseToDense(this.bytes, 0, this.length, this.dense)) return false;
    [this.bytes, this.dense] = [this.dense, this.bytes];
    this.length = HLL_DENSE_SIZE;
    this.bytes[HLL_DENSE_SIZE] = 0;
    this.promoted = true;
    return true;
  }

  private reserve(length: number): void {
    if (this.bytes.length >= length + 4) return;
    const grown = new Uint8Array(Math.max(length + 4, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.length + 1));
    this.bytes = grown;
  }

  /** hllSparseSet, step for step, so the opcodes come out as Redis's do. */
  private sparseSet(index: number, run: number, sparseMaxBytes: number): number {
    if (run > VAL_MAX_VALUE) return this.promote(index, run);
    // Room for the worst case: XZERO split into XZERO VAL XZERO is three bytes longer.
    this.reserve(this.length + 3);
    const b = this.bytes;
    const sparse = HLL_HDR_SIZE;
    let end = this.length;

    // Step 1: find the opcode covering register `index`.
    let p = sparse;
    let first = 0;
    let prev = -1;
    let span = 0;
    while (p < end) {
      const op = b[p];
      let opLen = 1;
      if (isZero(op)) span = zeroLen(op);
      else if (isVal(op)) span = valLen(op);
      else {
        span = xzeroLen(op, b[p + 1]);
        opLen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      p += opLen;
      first += span;
    }
    if (span === 0 || p >= end) return -1;

    const op = b[p];
    let next = isXZero(op) ? p + 2 : p + 1;
    if (next >= end) next = -1;
    const opIsZero = isZero(op);
    const opIsXZero = isXZero(op);
    const runLength = opIsZero ? zeroLen(op) : opIsXZero ? xzeroLen(op, b[p + 1]) : valLen(op);

    // Step 2: the trivial cases change one opcode in place.
    let simple = false;
    if (!opIsZero && !opIsXZero) {
      if (valValue(op) >= run) return 0;
      if (runLength === 1) simple = true;
    } else if (opIsZero && runLength === 1) {
      simple = true;
    }
    if (simple) {
      b[p] = valOp(run, 1);
    } else {
      // The general case: split the opcode into up to three.
      const seq = this.seq;
      const last = first + span - 1;
      let n = 0;
      if (opIsZero || opIsXZero) {
        if (index !== first) n += writeZeros(seq, n, index - first);
        seq[n++] = valOp(run, 1);
        if (index !== last) n += writeZeros(seq, n, last - index);
      } else {
        const current = valValue(op);
        if (index !== first) seq[n++] = valOp(current, index - first);
        seq[n++] = valOp(run, 1);
        if (index !== last) seq[n++] = valOp(current, last - index);
      }
      // Step 3: put the new opcodes in place of the old one.
      const delta = n - (opIsXZero ? 2 : 1);
      if (delta > 0 && this.length + delta > sparseMaxBytes) return this.promote(index, run);
      if (delta !== 0 && next >= 0) b.copyWithin(next + delta, next, end);
      this.length += delta;
      b.set(seq.subarray(0, n), p);
      end += delta;
      b[end] = 0;
    }

    // Step 4: merge adjacent VAL opcodes of equal value, scanning at most five opcodes.
    p = prev >= 0 ? prev : sparse;
    let scan = 5;
    while (p < end && scan-- > 0) {
      const at = b[p];
      if (isXZero(at)) {
        p += 2;
        continue;
      }
      if (isZero(at)) {
        p++;
        continue;
      }
      if (p + 1 < end && isVal(b[p + 1])) {
        const v = valValue(at);
        if (v === valValue(b[p + 1])) {
          const len = valLen(at) + valLen(b[p + 1]);
          if (len <= VAL_MAX_LEN) {
            b[p + 1] = valOp(v, len);
            b.copyWithin(p, p + 1, end + 1);
            this.length--;
            end--;
            continue;
          }
        }
      }
      p++;
    }
    invalidateCache(b, 0);
    return 1;
  }

  /** The sparse form cannot take this register: turn dense, then set it (which always changes it). */
  private promote(index: number, run: number): number {
    if (!this.toDense()) return -1;
    denseSet(this.bytes, HLL_HDR_SIZE, index, run);
    return 1;
  }
}

const EMPTY_SPARSE = emptySparse();
