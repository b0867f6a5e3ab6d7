/**
 * RequestParser: turns the bytes a client sends into commands, incrementally.
 *
 * It accepts what redis-server accepts (networking.c, processMultibulkBuffer and
 * processInlineBuffer): RESP multibulk requests, and inline commands as telnet and redis-cli send
 * them, with the same limits and the same `Protocol error: ...` texts. Commands are parsed in
 * place in the chunk they arrived in; only a command cut by a chunk boundary is carried over,
 * into an accumulation buffer that keeps the parse state, so a 500 MB command arriving in 64 KB
 * pieces is parsed in linear time, and its big bulk is received into a buffer sized once.
 */

import { Argv } from './argv.js';
import { splitInlineArgs } from './inline.js';

export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
const INT_MAX = 2147483647;

/** What `next()` found. */
export const enum ParseResult {
  Incomplete = 0,
  Command = 1,
  Error = -1,
}

const EMPTY = Buffer.alloc(0);

export class RequestParser {
  /** proto-max-bulk-len */
  maxBulkLen = 512 * 1024 * 1024;
  /** Set while the client must still authenticate: Redis then refuses large requests. */
  authRequired = false;
  /** The protocol error, without the leading "-", once next() returned Error. */
  error = '';

  private data: Buffer = EMPTY;
  private pos = 0;
  private end = 0;
  /** True when `data` is our own accumulation buffer rather than a chunk from the socket. */
  private accumulating = false;
  private spare: Buffer | null = null;

  // Resumable state of a multibulk request cut by a chunk boundary.
  private remaining = 0; // arguments still to read; 0 when between commands
  private bulkLen = -1; // length of the bulk being read, -1 before its header
  private cmdStart = 0;
  private nargs = 0;
  private argStarts: number[] = [];
  private argEnds: number[] = [];
  /** Bytes (from the start of the kept data) the pending bulk needs to be complete. */
  private want = 0;

  /** Bytes received and not yet consumed (CLIENT LIST qbuf, client-query-buffer-limit). */
  get pending(): number {
    return this.end - (this.remaining > 0 ? this.cmdStart : this.pos);
  }

  /**
   * Feed the next `length` bytes read from the socket (all of `chunk` by default). The parser
   * may keep pointing into `chunk` until preserve() is called.
   */
  push(chunk: Buffer, length = chunk.length): void {
    if (length === 0) return;
    if (this.remaining === 0 && this.pos >= this.end) {
      // Everything before was consumed: parse the new chunk in place.
      if (this.accumulating) this.releaseAccumulator();
      this.data = chunk;
      this.pos = 0;
      this.end = length;
      return;
    }
    this.append(chunk, length);
  }

  /**
   * Copy any unconsumed bytes out of the last pushed chunk, so the caller may reuse that chunk's
   * memory (the server reads every socket into one shared buffer).
   */
  preserve(): void {
    if (this.accumulating) return;
    if (this.remaining === 0 && this.pos >= this.end) {
      this.data = EMPTY;
      this.pos = this.end = 0;
      return;
    }
    this.append(EMPTY, 0);
  }

  /** Carry the unconsumed tail over and append `chunk` after it, keeping offsets valid. */
  private append(chunk: Buffer, length: number): void {
    const keepFrom = this.remaining > 0 ? this.cmdStart : this.pos;
    const kept = this.end - keepFrom;
    const need = Math.max(kept + length, this.want - keepFrom);
    let target: Buffer;
    if (this.accumulating && this.data.length >= need) {
      target = this.data;
      if (keepFrom > 0) target.copyWithin(0, keepFrom, this.end);
    } else {
      let size = Math.max(4096, this.accumulating ? this.data.length * 2 : 0);
      while (size < need) size *= 2;
      // A bulk of known size is received into a buffer sized once, not doubled up to it.
      if (this.want - keepFrom > kept + length) size = Math.max(need, kept + length);
      target = this.spare && this.spare.length >= size ? this.spare : Buffer.allocUnsafe(size);
      this.spare = null;
      this.data.copy(target, 0, keepFrom, this.end);
    }
    if (length > 0) chunk.copy(target, kept, 0, length);
    this.data = target;
    this.accumulating = true;
    this.end = kept + length;
    this.pos -= keepFrom;
    this.want = Math.max(0, this.want - keepFrom);
    if (this.remaining > 0) {
      this.cmdStart -= keepFrom;
      for (let i = 0; i < this.nargs; i++) {
        this.argStarts[i] -= keepFrom;
        this.argEnds[i] -= keepFrom;
      }
    }
  }

  private releaseAccumulator(): void {
    // Keep a modest buffer for the next split command; let a huge one be collected.
    if (this.data.length <= 1024 * 1024) this.spare = this.data;
    this.accumulating = false;
  }

  /** Drop everything buffered (after a protocol error, or when the client is closed). */
  reset(): void {
    this.data = EMPTY;
    this.pos = this.end = 0;
    this.remaining = 0;
    this.bulkLen = -1;
    this.nargs = 0;
    this.want = 0;
    this.accumulating = false;
    this.spare = null;
  }

  /**
   * Parse the next command into `argv`. Returns Command when one is ready, Incomplete when more
   * bytes are needed, Error (with `this.error`) on a protocol error, after which the client is
   * to be closed as Redis closes it.
   */
  next(argv: Argv): ParseResult {
    const data = this.data;
    for (;;) {
      if (this.remaining === 0) {
        if (this.pos >= this.end) return ParseResult.Incomplete;
        if (data[this.pos] !== 42 /* '*' */) {
          const r = this.parseInline(argv);
          if (r === ParseResult.Command && argv.count === 0) continue; // empty line
          return r;
        }
        const r = this.parseMultibulkHeader();
        if (r !== ParseResult.Command) return r;
        if (this.remaining === 0) continue; // `*0` or negative: nothing to run
      }
      const r = this.parseBulks();
      if (r !== ParseResult.Command) return r;
      argv.count = 0;
      for (let i = 0; i < this.nargs; i++) argv.push(data, this.argStarts[i], this.argEnds[i]);
      this.nargs = 0;
      return ParseResult.Command;
    }
  }

  private fail(message: string): ParseResult {
    this.error = `ERR Protocol error: ${message}`;
    return ParseResult.Error;
  }

  /** Find the CR ending a header line, as strchr would: a NUL byte ends the search. */
  private findCR(from: number): number {
    const data = this.data;
    for (let i = from; i < this.end; i++) {
      const c = data[i];
      if (c === 13) return i;
      if (c === 0) return -1;
    }
    return -1;
  }

  private parseMultibulkHeader(): ParseResult {
    const start = this.pos;
    const cr = this.findCR(start);
    if (cr < 0) {
      if (this.end - start > PROTO_INLINE_MAX_SIZE) return this.fail('too big mbulk count string');
      return ParseResult.Incomplete;
    }
    if (cr + 1 >= this.end) return ParseResult.Incomplete; // the LF is not here yet
    const n = parseStrictInt(this.data, start + 1, cr);
    if (n === null || n > INT_MAX) return this.fail('invalid multibulk length');
    if (n > 10 && this.authRequired) return this.fail('unauthenticated multibulk length');
    this.pos = cr + 2;
    if (n <= 0) return ParseResult.Command;
    this.cmdStart = start;
    this.remaining = n;
    this.bulkLen = -1;
    this.nargs = 0;
    return ParseResult.Command;
  }

  private parseBulks(): ParseResult {
    const data = this.data;
    while (this.remaining > 0) {
      if (this.bulkLen < 0) {
        const start = this.pos;
        const cr = this.findCR(start);
        if (cr < 0) {
          if (this.end - start > PROTO_INLINE_MAX_SIZE) return this.fail('too big bulk count string');
          return ParseResult.Incomplete;
        }
        if (cr + 1 >= this.end) return ParseResult.Incomplete;
        if (data[start] !== 36 /* '$' */) {
          return this.fail(`expected '$', got '${String.fromCharCode(data[start])}'`);
        }
        const n = parseStrictInt(data, start + 1, cr);
        if (n === null || n < 0 || n > this.maxBulkLen) return this.fail('invalid bulk length');
        if (n > 16384 && this.authRequired) return this.fail('unauthenticated bulk length');
        this.pos = cr + 2;
        this.bulkLen = n;
      }
      const bodyEnd = this.pos + this.bulkLen;
      // Redis skips the two bytes after a bulk without checking that they are CRLF.
      if (bodyEnd + 2 > this.end) {
        this.want = bodyEnd + 2;
        return ParseResult.Incomplete;
      }
      this.argStarts[this.nargs] = this.pos;
      this.argEnds[this.nargs] = bodyEnd;
      this.nargs++;
      this.pos = bodyEnd + 2;
      this.bulkLen = -1;
      this.remaining--;
    }
    this.want = 0;
    return ParseResult.Command;
  }

  private parseInline(argv: Argv): ParseResult {
    const data = this.data;
    const start = this.pos;
    let lf = -1;
    for (let i = start; i < this.end; i++) {
      const c = data[i];
      if (c === 10) {
        lf = i;
        break;
      }
      if (c === 0) break; // strchr stops at NUL
    }
    if (lf < 0) {
      if (this.end - start > PROTO_INLINE_MAX_SIZE) return this.fail('too big inline request');
      return ParseResult.Incomplete;
    }
    const lineEnd = lf > start && data[lf - 1] === 13 ? lf - 1 : lf;
    const args = splitInlineArgs(data, start, lineEnd);
    if (args === null) return this.fail('unbalanced quotes in request');
    this.pos = lf + 1;
    argv.count = 0;
    for (const a of args) argv.push(a, 0, a.length);
    return ParseResult.Command;
  }
}

/**
 * Redis's string2ll over bytes: an optional '-', no '+', no spaces, no leading zeros, within
 * int64. Lengths never need more than a double's exact range, so the result is a number; values
 * past 2^53 only occur for malformed input and are reported as too large.
 */
export function parseStrictInt(b: Uint8Array, start: number, end: number): number | null {
  const len = end - start;
  if (len <= 0 || len > 20) return null;
  let i = start;
  let negative = false;
  if (b[i] === 45) {
    negative = true;
    i++;
    if (i === end) return null;
  }
  if (b[i] === 48) return len === 1 ? 0 : null; // "0" only; no leading zeros, no "-0"
  let v = 0;
  for (; i < end; i++) {
    const c = b[i] - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  if (v > Number.MAX_SAFE_INTEGER) return negative ? -Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  return negative ? -v : v;
}
