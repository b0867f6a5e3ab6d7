/**
 * A growable byte buffer: what the RDB writer and the encoders scripts call (cjson.encode,
 * cmsgpack.pack, struct.pack) write into.
 */
export class ByteBuilder {
  buf = Buffer.allocUnsafe(256);
  length = 0;

  room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.length + n, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }

  byte(v: number): void {
    this.room(1);
    this.buf[this.length++] = v;
  }

  bytes(b: Uint8Array, start = 0, end = b.length): void {
    this.room(end - start);
    this.buf.set(b.subarray(start, end), this.length);
    this.length += end - start;
  }

  /** ASCII text (digits, punctuation), one byte per character. */
  ascii(s: string): void {
    this.room(s.length);
    this.length += this.buf.latin1Write(s, this.length, s.length);
  }

  /** The bytes so far; valid until the builder is written again. */
  get view(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
  }
}
