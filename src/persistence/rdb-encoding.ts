/**
 * The encodings RDB files and DUMP payloads are built from (rdb.c): lengths in 1, 2, 5 or 9
 * bytes, strings stored as small integers, LZF-compressed or verbatim, binary doubles and
 * millisecond times. RdbWriter writes them as Redis 7.2 writes them; RdbReader reads every form
 * Redis has written, and says where a damaged input stops making sense.
 */

import { parseInt64 } from '../commands/args.js';
import { lzfCompress, lzfDecompress } from './lzf.js';
import { ByteBuilder } from '../protocol/byte-builder.js';

// The top two bits of a length's first byte.
const LEN_6BIT = 0;
const LEN_14BIT = 1;
/** 10xxxxxx: a 32-bit (0x80) or 64-bit (0x81) big-endian length follows. */
const LEN_32BIT = 0x80;
const LEN_64BIT = 0x81;
/** 11xxxxxx: not a length but a special encoding of a string. */
const ENCVAL = 3;

export const enum RdbStringEncoding {
  Int8 = 0,
  Int16 = 1,
  Int32 = 2,
  Lzf = 3,
}

/** A damaged or truncated input, with the offset where reading failed. */
export class RdbFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

const DOUBLE = new DataView(new ArrayBuffer(8));

/** Where string() compresses, grown to the largest string met. */
let compressed = Buffer.allocUnsafe(1024);

export class RdbWriter extends ByteBuilder {
  /** rdbcompression: strings over 20 bytes are LZF-compressed when that saves 4 bytes or more. */
  compress = true;

  /** rdbSaveLen. */
  len(n: number | bigint): void {
    this.room(9);
    const b = this.buf;
    if (typeof n === 'bigint') {
      b[this.length++] = LEN_64BIT;
      b.writeBigUInt64BE(n, this.length);
      this.length += 8;
    } else if (n < 1 << 6) {
      b[this.length++] = (LEN_6BIT << 6) | n;
    } else if (n < 1 << 14) {
      b[this.length++] = (LEN_14BIT << 6) | (n >>> 8);
      b[this.length++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      b[this.length++] = LEN_32BIT;
      b.writeUInt32BE(n, this.length);
      this.length += 4;
    } else {
      b[this.length++] = LEN_64BIT;
      b.writeBigUInt64BE(BigInt(n), this.length);
      this.length += 8;
    }
  }

  /** rdbEncodeInteger: true when `v` fits one of the integer encodings (and was written). */
  private encodedInteger(v: number): boolean {
    this.room(5);
    const b = this.buf;
    if (v >= -(1 << 7) && v <= (1 << 7) - 1) {
      b[this.length++] = (ENCVAL << 6) | RdbStringEncoding.Int8;
      b[this.length++] = v & 0xff;
    } else if (v >= -(1 << 15) && v <= (1 << 15) - 1) {
      b[this.length++] = (ENCVAL << 6) | RdbStringEncoding.Int16;
      b.writeInt16LE(v, this.length);
      this.length += 2;
    } else if (v >= -(2 ** 31) && v <= 2 ** 31 - 1) {
      b[this.length++] = (ENCVAL << 6) | RdbStringEncoding.Int32;
      b.writeInt32LE(v, this.length);
      this.length += 4;
    } else {
      return false;
    }
    return true;
  }

  /** rdbSaveRawString: a small integer, an LZF blob, or the bytes verbatim. */
  string(b: Uint8Array, start = 0, end = b.length): void {
    const n = end - start;
    // rdbTryIntegerEncoding: up to 11 bytes that are an integer's canonical text (string2ll's
    // strict form: no sign but '-', no leading zero, no "-0"), when it fits 32 bits.
    const int = n <= 11 ? parseInt64(b, start, end) : null;
    if (typeof int === 'number' && this.encodedInteger(int)) return;
    // Under 21 bytes LZF cannot win; it must save at least 4 bytes to be used.
    if (this.compress && n > 20) {
      // The shared scratch grows to 1 MB at most; a larger string gets one of its own.
      let out = compressed;
      if (out.length < n) {
        out = Buffer.allocUnsafe(n);
        if (n <= 1 << 20) compressed = out;
      }
      const clen = lzfCompress(b, start, end, out, n - 4);
      if (clen > 0) {
        this.byte((ENCVAL << 6) | RdbStringEncoding.Lzf);
        this.len(clen);
        this.len(n);
        this.bytes(out, 0, clen);
        return;
      }
    }
    this.len(n);
    this.bytes(b, start, end);
  }

  /** rdbSaveBinaryDoubleValue: eight bytes, little-endian. */
  double(v: number): void {
    DOUBLE.setFloat64(0, v, true);
    this.bytes(new Uint8Array(DOUBLE.buffer));
  }

  /** rdbSaveMillisecondTime: a signed 64-bit count, little-endian. */
  millis(v: number | bigint): void {
    this.room(8);
    this.buf.writeBigInt64LE(BigInt(v), this.length);
    this.length += 8;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

export class RdbReader {
  constructor(
    readonly buf: Uint8Array,
    public pos = 0,
    readonly end = buf.length,
  ) {}

  private need(n: number): void {
    if (this.pos + n > this.end) throw new RdbFormatError('unexpected end of input', this.pos);
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /**
   * rdbLoadLenByRef: a length, or a special string encoding (returned as -1 - encoding, so
   * -1..-4 for Int8, Int16, Int32, Lzf). Lengths past 2^53 are refused.
   */
  lenOrEncoding(): number {
    const at = this.pos;
    const first = this.byte();
    const type = first >>> 6;
    if (type === LEN_6BIT) return first & 0x3f;
    if (type === LEN_14BIT) return ((first & 0x3f) << 8) | this.byte();
    if (type === ENCVAL) return -1 - (first & 0x3f);
    if (first === LEN_32BIT) {
      this.need(4);
      const v = (this.buf[this.pos] * 0x1000000) + ((this.buf[this.pos + 1] << 16) | (this.buf[this.pos + 2] << 8) | this.buf[this.pos + 3]);
      this.pos += 4;
      return v;
    }
    if (first === LEN_64BIT) {
      this.need(8);
      const hi = (this.buf[this.pos] * 0x1000000) + ((this.buf[this.pos + 1] << 16) | (this.buf[this.pos + 2] << 8) | this.buf[this.pos + 3]);
      const lo = (this.buf[this.pos + 4] * 0x1000000) + ((this.buf[this.pos + 5] << 16) | (this.buf[this.pos + 6] << 8) | this.buf[this.pos + 7]);
      this.pos += 8;
      if (hi >= 1 << 21) throw new RdbFormatError('length too large', at);
      return hi * 0x1_0000_0000 + lo;
    }
    throw new RdbFormatError(`unknown length encoding 0x${first.toString(16)}`, at);
  }

  /** rdbLoadLen for a full unsigned 64-bit value (stream IDs and counters). */
  lenU64(): bigint {
    const at = this.pos;
    const first = this.buf[this.pos];
    if (first === LEN_64BIT) {
      this.pos++;
      this.need(8);
      const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getBigUint64(0, false);
      this.pos += 8;
      return v;
    }
    const n = this.lenOrEncoding();
    if (n < 0) throw new RdbFormatError('a length was expected, found a string encoding', at);
    return BigInt(n);
  }

  /** rdbLoadLen: a length, never a special encoding. */
  len(): number {
    const at = this.pos;
    const n = this.lenOrEncoding();
    if (n < 0) throw new RdbFormatError('a length was expected, found a string encoding', at);
    return n;
  }

  /** rdbGenericLoadStringObject: the bytes of a string in any of its forms. */
  string(): Uint8Array {
    const at = this.pos;
    const n = this.lenOrEncoding();
    if (n >= 0) return this.bytes(n);
    switch (-1 - n) {
      case RdbStringEncoding.Int8: {
        const v = (this.byte() << 24) >> 24;
        return Buffer.from(String(v), 'latin1');
      }
      case RdbStringEncoding.Int16: {
        const b = this.bytes(2);
        return Buffer.from(String(((b[0] | (b[1] << 8)) << 16) >> 16), 'latin1');
      }
      case RdbStringEncoding.Int32: {
        const b = this.bytes(4);
        return Buffer.from(String(b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)), 'latin1');
      }
      case RdbStringEncoding.Lzf: {
        const clen = this.len();
        const len = this.len();
        const compressed = this.bytes(clen);
        const out = Buffer.allocUnsafe(len);
        if (lzfDecompress(compressed, 0, clen, out, len) !== len) throw new RdbFormatError('invalid LZF compressed string', at);
        return out;
      }
      default:
        throw new RdbFormatError(`unknown string encoding ${-1 - n}`, at);
    }
  }

  /** rdbLoadBinaryDoubleValue. */
  double(): number {
    const b = this.bytes(8);
    return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
  }

  /** rdbLoadMillisecondTime. */
  millis(): bigint {
    const b = this.bytes(8);
    return new DataView(b.buffer, b.byteOffset, 8).getBigInt64(0, true);
  }
}
