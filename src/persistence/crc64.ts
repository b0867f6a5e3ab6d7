/**
 * Redis's CRC-64 (crc64.c): the Jones polynomial 0xad93d23594c935a9, reflected, initial value 0,
 * no final xor. It closes RDB files and DUMP payloads; crc64("123456789") is 0xe9c6d914c4b8d9ca.
 *
 * The 64-bit state is kept as two 32-bit halves (V8 has no cheap 64-bit integer) and the input
 * is taken a byte at a time through one 256-entry table per half.
 */

/** The reflected polynomial. */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let hi = 0;
  let lo = n;
  for (let k = 0; k < 8; k++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | (hi << 31)) >>> 0;
    hi >>>= 1;
    if (carry !== 0) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  TABLE_HI[n] = hi;
  TABLE_LO[n] = lo;
}

/** A running CRC-64: feed it bytes with update(), read it with value or bytes(). */
export class Crc64 {
  private hi = 0;
  private lo = 0;

  update(b: Uint8Array, start = 0, end = b.length): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = start; i < end; i++) {
      const t = (lo ^ b[i]) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ TABLE_LO[t];
      hi = (hi >>> 8) ^ TABLE_HI[t];
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return this;
  }

  get value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** The CRC as RDB files and DUMP payloads store it: eight bytes, little-endian. */
  bytes(): Uint8Array {
    const out = new Uint8Array(8);
    for (let i = 0; i < 4; i++) {
      out[i] = this.lo >>> (8 * i);
      out[4 + i] = this.hi >>> (8 * i);
    }
    return out;
  }
}

/** The CRC-64 of b[start, end). */
export function crc64(b: Uint8Array, start = 0, end = b.length): bigint {
  return new Crc64().update(b, start, end).value;
}
