/**
 * ReplyWriter: encodes replies straight into a client's output buffer.
 *
 * Handlers speak RESP3 (maps, sets, doubles, booleans, nulls); the writer down-converts to RESP2
 * exactly as Redis does when the client has not said HELLO 3. Everything is appended to one
 * growable Buffer so the server can flush a whole input batch with a single socket write, and so
 * a reply never allocates a Buffer or an intermediate string of its own.
 */

import { formatDouble } from './format.js';

const CRLF0 = 13;
const CRLF1 = 10;
const INITIAL_SIZE = 16 * 1024;

export type Protocol = 2 | 3;

/** Stands in ReplyWriter.errors for an error that is not to be counted again. */
export const UNCOUNTED_ERROR = '';

export class ReplyWriter {
  protocol: Protocol = 2;
  buf: Buffer;
  pos = 0;
  /** Error replies written so far; the engine drains them into INFO errorstats. */
  errors: string[] = [];

  constructor(initialSize = INITIAL_SIZE) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written since the last reset. */
  get length(): number {
    return this.pos;
  }

  /** Make room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /**
   * Hand the written bytes to the caller and start over. When `keep` is false the buffer may
   * still be referenced by a pending socket write, so a fresh one is allocated.
   */
  take(keep: boolean): Buffer {
    const out = this.buf.subarray(0, this.pos);
    if (!keep) this.buf = Buffer.allocUnsafe(INITIAL_SIZE);
    this.pos = 0;
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Low-level byte writers
  // ---------------------------------------------------------------------------------------------

  /** Append a string whose chars are all < 256 (latin1 / binary string). */
  raw(s: string): void {
    const n = s.length;
    this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    if (n < 64) {
      for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    } else {
      p += b.latin1Write(s, p, n);
    }
    this.pos = p;
  }

  rawBytes(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    if (n < 64) {
      const b = this.buf;
      let p = this.pos;
      for (let i = start; i < end; i++) b[p++] = src[i];
      this.pos = p;
    } else {
      this.buf.set(src.subarray(start, end), this.pos);
      this.pos += n;
    }
  }

  private crlf(): void {
    this.buf[this.pos++] = CRLF0;
    this.buf[this.pos++] = CRLF1;
  }

  /** `<prefix><integer>\r\n`. */
  private prefixedInt(prefix: number, n: number): void {
    this.ensure(24);
    const b = this.buf;
    b[this.pos++] = prefix;
    if (n >= 0 && n < 10) {
      b[this.pos++] = 48 + n;
    } else if (n > 0 && n <= 0x7fffffff && n === (n | 0)) {
      // Counts and lengths: 32-bit integer arithmetic instead of floored float division.
      let v = n | 0;
      let digits = 1;
      for (let t = v; t >= 10; t = (t / 10) | 0) digits++;
      let p = this.pos + digits;
      this.pos = p;
      do {
        const q = (v / 10) | 0;
        b[--p] = 48 + (v - q * 10);
        v = q;
      } while (v > 0);
    } else if (Number.isSafeInteger(n)) {
      let v = n;
      if (v < 0) {
        b[this.pos++] = 45;
        v = -v;
      }
      let digits = 1;
      for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
      let p = this.pos + digits;
      this.pos = p;
      do {
        const q = Math.floor(v / 10);
        b[--p] = 48 + (v - q * 10);
        v = q;
      } while (v > 0);
    } else {
      this.raw(String(n));
      this.ensure(2);
    }
    this.crlf();
  }

  // ---------------------------------------------------------------------------------------------
  // RESP replies
  // ---------------------------------------------------------------------------------------------

  /** `+text` status reply. `text` must not contain CR or LF. */
  simple(text: string): void {
    this.ensure(text.length + 3);
    this.buf[this.pos++] = 43; // '+'
    this.raw(text);
    this.crlf();
  }

  ok(): void {
    this.simple('OK');
  }

  /**
   * `-CODE message` error reply. As Redis does, CR and LF inside the message become spaces so
   * a message can never break the protocol.
   */
  error(message: string): void {
    this.errors.push(message);
    let text = message;
    if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) text = text.replace(/[\r\n]/g, ' ');
    this.ensure(text.length + 3);
    this.buf[this.pos++] = 45; // '-'
    this.raw(text);
    this.crlf();
  }

  /**
   * An error reply the statistics hold already (a script replying the error one of its
   * commands gave): it marks its command failed without counting the error again.
   */
  errorUncounted(message: string): void {
    this.error(message);
    this.errors[this.errors.length - 1] = UNCOUNTED_ERROR;
  }

  integer(n: number): void {
    this.prefixedInt(58, n); // ':'
  }

  /** An integer held as a BigInt (values past 2^53). */
  bigInteger(n: bigint): void {
    this.ensure(1);
    this.buf[this.pos++] = 58;
    this.raw(n.toString());
    this.ensure(2);
    this.crlf();
  }

  /** Bulk string from a latin1 string (one char per byte). */
  bulk(s: string): void {
    this.prefixedInt(36, s.length); // '$'
    this.raw(s);
    this.ensure(2);
    this.crlf();
  }

  /** Bulk string from a JS (UTF-16) string, sent as UTF-8. */
  bulkUtf8(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.prefixedInt(36, n);
    this.ensure(n + 2);
    this.pos += this.buf.utf8Write(s, this.pos, n);
    this.crlf();
  }

  /** Bulk string from bytes. */
  bulkBytes(src: Uint8Array, start = 0, end = src.length): void {
    this.prefixedInt(36, end - start);
    this.rawBytes(src, start, end);
    this.ensure(2);
    this.crlf();
  }

  /** The null of a missing value: `$-1` in RESP2, `_` in RESP3. */
  nullBulk(): void {
    if (this.protocol === 3) this.raw('_\r\n');
    else this.raw('$-1\r\n');
  }

  /** The null of a missing aggregate: `*-1` in RESP2, `_` in RESP3. */
  nullArray(): void {
    if (this.protocol === 3) this.raw('_\r\n');
    else this.raw('*-1\r\n');
  }

  /**
   * Mark where an aggregate's header goes when its length is known only after its elements are
   * written (Redis's addReplyDeferredLen); setDeferredLen() inserts it there.
   */
  deferLen(): number {
    return this.pos;
  }

  /** Insert the header of an array (`map`: a map of n pairs) at `at`, from deferLen(). */
  setDeferredLen(at: number, n: number, map = false): void {
    this.insertHeader(at, map && this.protocol === 3 ? `%${n}\r\n` : `*${map ? n * 2 : n}\r\n`);
  }

  /** Insert the header of a set of `n` elements at `at`, from deferLen(); RESP2 sees an array. */
  setDeferredSetLen(at: number, n: number): void {
    this.insertHeader(at, `${this.protocol === 3 ? '~' : '*'}${n}\r\n`);
  }

  private insertHeader(at: number, header: string): void {
    this.ensure(header.length);
    this.buf.copyWithin(at + header.length, at, this.pos);
    this.buf.latin1Write(header, at, header.length);
    this.pos += header.length;
  }

  arrayLen(n: number): void {
    this.prefixedInt(42, n); // '*'
  }

  /** A map of `n` pairs; RESP2 sees a flat array of 2n elements. */
  mapLen(n: number): void {
    if (this.protocol === 3) this.prefixedInt(37, n); // '%'
    else this.prefixedInt(42, n * 2);
  }

  /** A set; RESP2 sees an array. */
  setLen(n: number): void {
    if (this.protocol === 3) this.prefixedInt(126, n); // '~'
    else this.prefixedInt(42, n);
  }

  /** An out-of-band push; RESP2 (pub/sub) sees an array. */
  pushLen(n: number): void {
    if (this.protocol === 3) this.prefixedInt(62, n); // '>'
    else this.prefixedInt(42, n);
  }

  /** A double: `,1.5` in RESP3, a bulk string in RESP2, formatted as Redis formats it. */
  double(d: number): void {
    this.doubleText(formatDouble(d));
  }

  /** A double already formatted (GEOPOS's "%.17Lf" coordinates): `,text` in RESP3, a bulk string in RESP2. */
  doubleText(text: string): void {
    if (this.protocol === 3) {
      this.ensure(text.length + 3);
      this.buf[this.pos++] = 44; // ','
      this.raw(text);
      this.crlf();
    } else {
      this.bulk(text);
    }
  }

  /** A boolean: `#t`/`#f` in RESP3, `:1`/`:0` in RESP2. */
  boolean(b: boolean): void {
    if (this.protocol === 3) this.raw(b ? '#t\r\n' : '#f\r\n');
    else this.raw(b ? ':1\r\n' : ':0\r\n');
  }

  /** A big number: `(digits` in RESP3, a bulk string in RESP2. */
  bigNumber(digits: string): void {
    if (this.protocol === 3) {
      this.ensure(digits.length + 3);
      this.buf[this.pos++] = 40; // '('
      this.raw(digits);
      this.crlf();
    } else {
      this.bulk(digits);
    }
  }

  /** A verbatim string (`=len\r\ntxt:...`) in RESP3, a bulk string in RESP2. `text` is UTF-8. */
  verbatim(text: string, format = 'txt'): void {
    if (this.protocol !== 3) {
      this.bulkUtf8(text);
      return;
    }
    const n = Buffer.byteLength(text, 'utf8');
    this.prefixedInt(61, n + 4); // '='
    this.raw(format);
    this.raw(':');
    this.ensure(n + 2);
    this.pos += this.buf.utf8Write(text, this.pos, n);
    this.crlf();
  }

  /** A verbatim string of bytes with a 3-byte `format`; RESP2 sees a bulk string. */
  verbatimBytes(bytes: Uint8Array, format: string): void {
    if (this.protocol !== 3) {
      this.bulkBytes(bytes);
      return;
    }
    this.prefixedInt(61, bytes.length + 4); // '='
    this.raw(format);
    this.raw(':');
    this.rawBytes(bytes, 0, bytes.length);
    this.crlf();
  }

  /** An array of latin1 bulk strings. */
  bulkArray(items: readonly string[]): void {
    this.arrayLen(items.length);
    for (let i = 0; i < items.length; i++) this.bulk(items[i]);
  }
}
