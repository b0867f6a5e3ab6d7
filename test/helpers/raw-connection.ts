/**
 * A TCP connection that speaks RESP at the byte level, for tests that must see exactly what a
 * server wrote. Client libraries decode replies into values and so hide the differences a
 * compatibility test exists to catch (`$-1` against `*-1`, `,1` against `,1.0`, a map against a
 * flat array). This connection sends the bytes it is given and hands back each complete reply
 * frame as the raw Buffer it arrived as. It finds frame boundaries with its own small scanner
 * rather than the project's parser or client decoder, so a bug there cannot hide itself here.
 *
 * The scanner knows every RESP2 and RESP3 type, including streamed strings and aggregates
 * (`$?`, `*?`, `;N` chunks, `.` end marker), pushes (`>`) and attributes (`|`, kept in the same
 * frame as the reply they annotate).
 */

import net from 'node:net';

export type Arg = string | Buffer;

const CRLF = Buffer.from('\r\n', 'latin1');

/** Encode a command as a RESP multibulk; strings are sent as UTF-8. */
export function encodeCommand(args: readonly Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`, 'latin1'), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

export class RespFormatError extends Error {}

// ---------------------------------------------------------------------------------------------
// Frame scanner and decoder
// ---------------------------------------------------------------------------------------------

/** One decoded RESP value, kept close to the wire: the type byte, its header and its parts. */
export interface RespFrame {
  /** The type byte as a character: `+ - : $ * _ , # ! = ( % ~ > |`. */
  type: string;
  /** The exact bytes of this value, attribute included. */
  raw: Buffer;
  /** The header line after the type byte: the text of simple types, the length of the others. */
  line: string;
  /** True for `$-1`, `*-1` and `_`. */
  isNull: boolean;
  /** The payload of `$`, `!` and `=` (the chunks joined when streamed). */
  data?: Buffer;
  /** The elements of aggregates; maps and attributes list key, value, key, value. */
  items?: RespFrame[];
  /** An attribute (`|`) that preceded this value. */
  attribute?: RespFrame;
}

const INCOMPLETE = -1;

/**
 * Where the frame starting at `start` ends (exclusive), or -1 while bytes are missing.
 * Throws RespFormatError for bytes that cannot be RESP.
 */
export function frameEnd(buf: Buffer, start = 0): number {
  return scan(buf, start, null);
}

/** Decode one complete frame (as returned by readFrame) into its parts. */
export function decodeFrame(buf: Buffer): RespFrame {
  const out: RespFrame[] = [];
  const end = scan(buf, 0, out);
  if (end === INCOMPLETE) throw new RespFormatError(`incomplete frame: ${escapeBytes(buf, 200)}`);
  if (end !== buf.length) throw new RespFormatError(`trailing bytes after frame: ${escapeBytes(buf, 200)}`);
  return out[0];
}

/** Split bytes into complete frames; throws if the bytes end mid-frame. */
export function splitFrames(buf: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const end = scan(buf, pos, null);
    if (end === INCOMPLETE) throw new RespFormatError(`incomplete frame at byte ${pos}: ${escapeBytes(buf.subarray(pos), 200)}`);
    frames.push(buf.subarray(pos, end));
    pos = end;
  }
  return frames;
}

function parseLength(text: string, what: string, allowNegativeOne: boolean): number {
  if (!/^(0|[1-9][0-9]*|-1)$/.test(text) || (text === '-1' && !allowNegativeOne)) {
    throw new RespFormatError(`bad ${what} length ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/**
 * Scan one value at `pos`. With `out`, also decode it and push the result. Returns the end
 * offset or INCOMPLETE.
 */
function scan(buf: Buffer, pos: number, out: RespFrame[] | null): number {
  if (pos >= buf.length) return INCOMPLETE;
  const start = pos;
  const type = String.fromCharCode(buf[pos]);
  const cr = buf.indexOf(CRLF, pos + 1);
  if (cr < 0) {
    // A header line without CRLF is only legal while more bytes may come; refuse absurd ones
    // so that garbage from a broken server fails fast instead of timing out.
    if (buf.length - pos > 64 * 1024 && type !== '+' && type !== '-') {
      throw new RespFormatError(`header line too long at byte ${pos}`);
    }
    return INCOMPLETE;
  }
  const line = buf.toString('latin1', pos + 1, cr);
  let next = cr + 2;
  const frame: RespFrame | null = out ? { type, raw: buf, line, isNull: false } : null;

  switch (type) {
    case '+':
    case '-':
      break;
    case ':':
      if (!/^[+-]?[0-9]+$/.test(line)) throw new RespFormatError(`bad integer ${JSON.stringify(line)}`);
      break;
    case '(':
      if (!/^[+-]?[0-9]+$/.test(line)) throw new RespFormatError(`bad big number ${JSON.stringify(line)}`);
      break;
    case ',':
      if (line.length === 0) throw new RespFormatError('empty double');
      break;
    case '#':
      if (line !== 't' && line !== 'f') throw new RespFormatError(`bad boolean ${JSON.stringify(line)}`);
      break;
    case '_':
      if (line !== '') throw new RespFormatError(`bad null ${JSON.stringify(line)}`);
      if (frame) frame.isNull = true;
      break;
    case '$':
    case '!':
    case '=': {
      if (line === '?') {
        // Streamed string: `;N` chunks until `;0`.
        const chunks: Buffer[] = [];
        for (;;) {
          if (next >= buf.length) return INCOMPLETE;
          if (buf[next] !== 0x3b /* ; */) throw new RespFormatError(`expected ';' chunk at byte ${next}`);
          const ccr = buf.indexOf(CRLF, next + 1);
          if (ccr < 0) return INCOMPLETE;
          const n = parseLength(buf.toString('latin1', next + 1, ccr), 'chunk', false);
          next = ccr + 2;
          if (n === 0) break;
          if (buf.length < next + n + 2) return INCOMPLETE;
          if (buf[next + n] !== 0x0d || buf[next + n + 1] !== 0x0a) throw new RespFormatError(`chunk not followed by CRLF at byte ${next + n}`);
          if (frame) chunks.push(buf.subarray(next, next + n));
          next += n + 2;
        }
        if (frame) frame.data = Buffer.concat(chunks);
        break;
      }
      const n = parseLength(line, 'bulk', type === '$');
      if (n === -1) {
        if (frame) frame.isNull = true;
        break;
      }
      if (buf.length < next + n + 2) return INCOMPLETE;
      if (buf[next + n] !== 0x0d || buf[next + n + 1] !== 0x0a) throw new RespFormatError(`bulk of ${n} bytes not followed by CRLF at byte ${next + n}`);
      if (frame) frame.data = buf.subarray(next, next + n);
      next += n + 2;
      break;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      const perEntry = type === '%' || type === '|' ? 2 : 1;
      const items: RespFrame[] | null = frame ? [] : null;
      if (line === '?') {
        if (type === '>' || type === '|') throw new RespFormatError(`'${type}' cannot be streamed`);
        for (;;) {
          if (next >= buf.length) return INCOMPLETE;
          if (buf[next] === 0x2e /* . */) {
            if (buf.length < next + 3) return INCOMPLETE;
            if (buf[next + 1] !== 0x0d || buf[next + 2] !== 0x0a) throw new RespFormatError(`bad end marker at byte ${next}`);
            next += 3;
            break;
          }
          next = scan(buf, next, items);
          if (next === INCOMPLETE) return INCOMPLETE;
        }
        if (items && items.length % perEntry !== 0) throw new RespFormatError('streamed map with an odd number of elements');
      } else {
        const n = parseLength(line, 'aggregate', type === '*');
        if (n === -1) {
          if (frame) frame.isNull = true;
          break;
        }
        for (let i = 0; i < n * perEntry; i++) {
          next = scan(buf, next, items);
          if (next === INCOMPLETE) return INCOMPLETE;
        }
      }
      if (frame && items) frame.items = items;
      if (type === '|') {
        // An attribute annotates the value that follows it: both are one reply.
        const attributeEnd = next;
        const annotated: RespFrame[] | null = out ? [] : null;
        next = scan(buf, next, annotated);
        if (next === INCOMPLETE) return INCOMPLETE;
        if (out && annotated && frame) {
          const value = annotated[0];
          value.attribute = { ...frame, raw: buf.subarray(start, attributeEnd) };
          value.raw = buf.subarray(start, next);
          out.push(value);
        }
        return next;
      }
      break;
    }
    default:
      throw new RespFormatError(`unknown RESP type byte 0x${buf[pos].toString(16).padStart(2, '0')} at byte ${pos}: ${escapeBytes(buf.subarray(pos), 80)}`);
  }
  if (frame && out) {
    frame.raw = buf.subarray(start, next);
    out.push(frame);
  }
  return next;
}

// ---------------------------------------------------------------------------------------------
// Display
// ---------------------------------------------------------------------------------------------

/**
 * Bytes as a double-quoted, escaped string (printable ASCII kept, `\r \n \t \" \\` and `\xHH`
 * for the rest), cut after `max` bytes with the total length noted.
 */
export function escapeBytes(bytes: Buffer | string, max = 400): string {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const shown = buf.length > max ? buf.subarray(0, max) : buf;
  let s = '"';
  for (const b of shown) {
    if (b === 0x0d) s += '\\r';
    else if (b === 0x0a) s += '\\n';
    else if (b === 0x09) s += '\\t';
    else if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += '\\\\';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  s += '"';
  if (buf.length > max) s += `... (${buf.length} bytes)`;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Connection
// ---------------------------------------------------------------------------------------------

export class ConnectionClosedError extends Error {}
export class ReplyTimeoutError extends Error {}

export class RawConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private closed = false;
  private closeError: Error | null = null;
  private waiter: (() => void) | null = null;
  private readonly closedPromise: Promise<void>;

  private constructor(
    private readonly socket: net.Socket,
    readonly label: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.wake();
    });
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        this.closed = true;
        this.wake();
        resolve();
      });
    });
    socket.on('error', (e) => {
      this.closeError = e;
    });
  }

  /** Connect to host:port; rejects on refusal or after `timeoutMs`. */
  static connect(port: number, host = '127.0.0.1', timeoutMs = 5000, label = `${host}:${port}`): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const onError = (e: Error): void => {
        clearTimeout(timer);
        reject(e);
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeListener('error', onError);
        resolve(new RawConnection(socket, label));
      });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Send a command (args) or exact bytes (a Buffer or a latin1 string). */
  send(data: Buffer | string | readonly Arg[]): void {
    if (this.closed) throw new ConnectionClosedError(`${this.label}: send on a closed connection`);
    const bytes = Array.isArray(data) ? encodeCommand(data) : typeof data === 'string' ? Buffer.from(data, 'latin1') : (data as Buffer);
    this.socket.write(bytes);
  }

  /** Send a command and read its reply. */
  async call(args: readonly Arg[], timeoutMs = 5000): Promise<Buffer> {
    this.send(args);
    return this.readFrame(timeoutMs);
  }

  /** The next complete reply frame; rejects on timeout or when the server closes first. */
  async readFrame(timeoutMs = 5000): Promise<Buffer> {
    const frame = await this.tryReadFrame(timeoutMs);
    if (frame === null) {
      throw new ReplyTimeoutError(`${this.label}: no complete reply within ${timeoutMs} ms; buffered ${escapeBytes(this.buffered, 200)}`);
    }
    return frame;
  }

  /** The next `n` frames, read in order. */
  async readFrames(n: number, timeoutMs = 5000): Promise<Buffer[]> {
    const frames: Buffer[] = [];
    for (let i = 0; i < n; i++) frames.push(await this.readFrame(timeoutMs));
    return frames;
  }

  /** The next frame, or null if none is complete within `timeoutMs`. */
  async tryReadFrame(timeoutMs: number): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.takeFrame();
      if (frame) return frame;
      if (this.closed) {
        const tail = this.buffered.length ? `; ${this.buffered.length} bytes of an incomplete frame left: ${escapeBytes(this.buffered, 200)}` : '';
        throw new ConnectionClosedError(`${this.label}: connection closed by the server${tail}${this.closeError ? ` (${this.closeError.message})` : ''}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await this.waitForData(left);
    }
  }

  /** Frames already received in full and not yet read (does not wait). */
  takePending(): Buffer[] {
    const frames: Buffer[] = [];
    for (let f = this.takeFrame(); f; f = this.takeFrame()) frames.push(f);
    return frames;
  }

  /**
   * Wait for the server to close the connection. Resolves with any bytes that arrived unread;
   * rejects if it is still open after `timeoutMs`.
   */
  async expectClosed(timeoutMs = 2000): Promise<Buffer> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const r = await Promise.race([this.closedPromise.then(() => 'closed' as const), timeout]);
    clearTimeout(timer);
    if (r === 'timeout') throw new Error(`${this.label}: connection still open after ${timeoutMs} ms; buffered ${escapeBytes(this.buffered, 200)}`);
    const rest = this.buffered;
    this.buffered = Buffer.alloc(0);
    return rest;
  }

  /** Close our side and wait until the socket is gone. */
  async close(): Promise<void> {
    if (!this.closed) this.socket.destroy();
    await this.closedPromise;
  }

  private takeFrame(): Buffer | null {
    if (this.buffered.length === 0) return null;
    const end = frameEnd(this.buffered, 0);
    if (end === INCOMPLETE) return null;
    const frame = Buffer.from(this.buffered.subarray(0, end));
    this.buffered = this.buffered.subarray(end);
    return frame;
  }

  private waitForData(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve();
      }, timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
