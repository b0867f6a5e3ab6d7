/**
 * ReplyDecoder: the client side of RESP, turning the bytes a server sends into replies.
 *
 * A reply can arrive cut at any byte and many replies can share one chunk, so the decoder keeps
 * its place between chunks instead of re-reading what it has seen: a stack of the aggregates
 * still open, the part of a header line read so far, and the body of a bulk still arriving
 * (written into a buffer sized once from its declared length). Every byte is looked at once,
 * which keeps a 500 MB bulk in 64 KB chunks linear.
 *
 * One parser serves three readers: `next()` builds plain JavaScript values for the client
 * library, `nextNode()` keeps every RESP type apart (status vs bulk, set vs array, a double's
 * own text) for the CLI, which must print what redis-cli prints, and `nextRaw()` returns each
 * top-level frame's bytes untouched for tests that compare wire output byte for byte.
 */

/** An error reply (`-ERR ...` or `!`), with `code` the first word as Redis uses it. */
export class ReplyError extends Error {
  readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = 'ReplyError';
    const space = message.indexOf(' ');
    this.code = space < 0 ? message : message.slice(0, space);
  }
}

/** A RESP3 push (`>`): out-of-band data such as pub/sub messages, never a command's reply. */
export class PushFrame {
  constructor(public data: unknown[]) {}
}

export interface ReplyMap {
  [key: string]: ReplyValue;
}

/** What `next()` returns for one reply. */
export type ReplyValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Buffer
  | ReplyError
  | PushFrame
  | ReplyValue[]
  | ReplyMap;

export type DecodedFrame = ReplyValue;

/** The RESP types as hiredis names them; what `nextNode()` tells apart. */
export type ReplyType =
  | 'status'
  | 'error'
  | 'integer'
  | 'string'
  | 'nil'
  | 'array'
  | 'map'
  | 'set'
  | 'push'
  | 'double'
  | 'bool'
  | 'bignum'
  | 'verbatim';

/**
 * One reply with its RESP type kept. `str` holds the reply's bytes as a latin1 string (one char
 * per byte, so binary safe): the text of a status, error, bulk or verbatim string (without its
 * "txt:" prefix), a double or big number as the server spelled it, "t"/"f" for booleans, "" for
 * nil and aggregates. Aggregates list their `elements`; a map's keys and values alternate.
 */
export interface ReplyNode {
  type: ReplyType;
  str: string;
  elements: ReplyNode[];
  /** The three-letter format of a verbatim string ("txt", "mkd"); "" otherwise. */
  format: string;
}

export interface ReplyDecoderOptions {
  /** How `next()` returns bulk and verbatim strings: UTF-8 decoded (default) or as bytes. */
  bulkAs?: 'string' | 'buffer';
}

const enum Mode {
  Idle,
  Value,
  Node,
  Raw,
}

const CR = 13;
const LF = 10;
const EMPTY = Buffer.alloc(0);
/** Returned by a step that needs more bytes. */
const INCOMPLETE = Symbol('incomplete');
/** An aggregate header was read: its elements follow. */
const OPENED = Symbol('opened');
/** A finished attribute: it annotates the next element and is not one itself. */
const DROPPED = Symbol('dropped');

interface OpenAggregate {
  type: number;
  /** Elements still to come; a map or attribute counts keys and values. */
  remaining: number;
  /** Null where nothing is built: in raw mode, and for attributes. */
  items: unknown[] | null;
}

function protocolError(what: string): Error {
  return new Error(`Protocol error: ${what}`);
}

function typeName(byte: number): string {
  return JSON.stringify(String.fromCharCode(byte));
}

/** The integer after the type byte of a header line. */
function parseInteger(line: Buffer): number | bigint {
  const len = line.length;
  let i = 1;
  const negative = line[1] === 45;
  if (negative) i = 2;
  if (i >= len) throw protocolError('bad integer value');
  if (len - i > 15) {
    // Past 15 digits a double may round: let BigInt read it exactly, then keep the common
    // case a plain number.
    let big: bigint;
    try {
      big = BigInt(line.toString('latin1', 1, len));
    } catch {
      throw protocolError('bad integer value');
    }
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  let n = 0;
  for (; i < len; i++) {
    const d = line[i] - 48;
    if (d < 0 || d > 9) throw protocolError('bad integer value');
    n = n * 10 + d;
  }
  return negative ? 0 - n : n;
}

function parseLength(line: Buffer): number {
  const n = parseInteger(line);
  if (typeof n !== 'number' || n < -1) throw protocolError('bad length');
  return n;
}

function parseDouble(text: string): number {
  switch (text.toLowerCase()) {
    case 'inf':
    case '+inf':
      return Infinity;
    case '-inf':
      return -Infinity;
    case 'nan':
    case '-nan':
      return NaN;
  }
  const d = Number(text);
  if (text === '' || Number.isNaN(d)) throw protocolError('bad double value');
  return d;
}

function textNode(type: ReplyType, str: string): ReplyNode {
  return { type, str, elements: [], format: '' };
}

function aggregateType(byte: number): ReplyType {
  switch (byte) {
    case 37: // %
      return 'map';
    case 126: // ~
      return 'set';
    case 62: // >
      return 'push';
    default:
      return 'array';
  }
}

function mapKey(key: unknown): string {
  if (Buffer.isBuffer(key)) return key.toString('utf8');
  return String(key);
}

export class ReplyDecoder {
  private readonly bulkAsBuffer: boolean;

  /** Chunks pushed but not reached yet; `chunks[chunkHead]` is the next one. */
  private chunks: Buffer[] = [];
  private chunkHead = 0;
  private buf: Buffer = EMPTY;
  private pos = 0;

  /** The start of a header line that is cut by a chunk boundary. */
  private lineParts: Buffer[] = [];
  private stack: OpenAggregate[] = [];

  /** The bulk whose body is being read: -1 when none. `bulkGot` counts body and CRLF. */
  private bulkLength = -1;
  private bulkType = 0;
  private bulkGot = 0;
  private bulkBody: Buffer | null = null;

  /** Which reader the frame in progress is for: a frame is decoded for one reader only. */
  private mode = Mode.Idle;
  /** Some byte of the current frame has been consumed (a top-level attribute counts). */
  private inFrame = false;
  /** Raw mode: bytes of the frame in progress from chunks already left behind. */
  private rawParts: Buffer[] = [];
  private rawStart = 0;

  constructor(options: ReplyDecoderOptions = {}) {
    this.bulkAsBuffer = options.bulkAs === 'buffer';
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.pos >= this.buf.length && this.chunkHead === this.chunks.length) {
      this.leaveChunk();
      this.buf = chunk;
      this.pos = 0;
      this.rawStart = 0;
      this.chunks.length = 0;
      this.chunkHead = 0;
    } else {
      this.chunks.push(chunk);
    }
  }

  /** The next complete reply as a JavaScript value, or undefined until more bytes arrive. */
  next(): DecodedFrame | undefined {
    const value = this.decode(Mode.Value);
    return value === INCOMPLETE ? undefined : (value as DecodedFrame);
  }

  /** The next complete reply with its RESP type kept, or undefined until more bytes arrive. */
  nextNode(): ReplyNode | undefined {
    const value = this.decode(Mode.Node);
    return value === INCOMPLETE ? undefined : (value as ReplyNode);
  }

  /**
   * The bytes of the next complete top-level frame, exactly as received (an attribute is
   * returned together with the frame it annotates), or undefined until more bytes arrive.
   */
  nextRaw(): Buffer | undefined {
    const value = this.decode(Mode.Raw);
    return value === INCOMPLETE ? undefined : (value as Buffer);
  }

  // ---------------------------------------------------------------------------------------------
  // The parse loop
  // ---------------------------------------------------------------------------------------------

  private decode(mode: Mode): unknown {
    if (this.mode === Mode.Idle) {
      this.mode = mode;
      this.rawStart = this.pos;
    } else if (this.mode !== mode) {
      throw new Error('ReplyDecoder: a frame begun by one of next/nextNode/nextRaw must be finished by the same one');
    }
    for (;;) {
      let value: unknown;
      if (this.bulkLength >= 0) {
        value = this.readBulkBody();
      } else {
        const line = this.readLine();
        value = line === null ? INCOMPLETE : this.readFrameStart(line);
      }
      if (value === INCOMPLETE) {
        // Nothing of a frame consumed yet: the next call may be from another reader.
        if (!this.inFrame && this.lineParts.length === 0) this.mode = Mode.Idle;
        return INCOMPLETE;
      }
      if (value === OPENED) continue;
      // A complete element: add it to the aggregate it belongs to, closing every aggregate
      // it completes, until one is still open or the top-level frame is done.
      for (;;) {
        if (value === DROPPED) break;
        const top = this.stack[this.stack.length - 1];
        if (top === undefined) return this.finishFrame(value);
        if (top.items !== null) top.items.push(value);
        if (--top.remaining > 0) break;
        this.stack.pop();
        value = this.buildAggregate(top.type, top.items);
      }
    }
  }

  private finishFrame(value: unknown): unknown {
    const mode = this.mode;
    this.mode = Mode.Idle;
    this.inFrame = false;
    if (mode !== Mode.Raw) return value;
    const last = this.buf.subarray(this.rawStart, this.pos);
    this.rawStart = this.pos;
    if (this.rawParts.length === 0) return Buffer.from(last);
    this.rawParts.push(last);
    const raw = Buffer.concat(this.rawParts);
    this.rawParts = [];
    return raw;
  }

  /** Move to the next pushed chunk; false when there is none yet. */
  private advance(): boolean {
    if (this.chunkHead === this.chunks.length) return false;
    this.leaveChunk();
    this.buf = this.chunks[this.chunkHead];
    this.chunks[this.chunkHead++] = EMPTY;
    if (this.chunkHead === this.chunks.length) {
      this.chunks.length = 0;
      this.chunkHead = 0;
    }
    this.pos = 0;
    this.rawStart = 0;
    return true;
  }

  /** Keep the raw bytes of the frame in progress that lie in the chunk being left. */
  private leaveChunk(): void {
    if (this.mode === Mode.Raw && this.rawStart < this.buf.length) {
      this.rawParts.push(this.buf.subarray(this.rawStart));
    }
  }

  /** A header line without its CRLF, or null when its end has not arrived. */
  private readLine(): Buffer | null {
    for (;;) {
      const end = this.buf.indexOf(LF, this.pos);
      if (end >= 0) {
        let line = this.buf.subarray(this.pos, end);
        this.pos = end + 1;
        if (this.lineParts.length > 0) {
          this.lineParts.push(line);
          line = Buffer.concat(this.lineParts);
          this.lineParts = [];
        }
        if (line.length === 0 || line[line.length - 1] !== CR) throw protocolError('line not ended by CRLF');
        return line.subarray(0, line.length - 1);
      }
      if (this.pos < this.buf.length) this.lineParts.push(this.buf.subarray(this.pos));
      this.pos = this.buf.length;
      if (!this.advance()) return null;
    }
  }

  private readFrameStart(line: Buffer): unknown {
    if (line.length === 0) throw protocolError('empty reply line');
    this.inFrame = true;
    const type = line[0];
    switch (type) {
      case 36: // $ bulk string
      case 33: // ! blob error
      case 61: {
        // = verbatim string
        const length = parseLength(line);
        if (length < 0) return this.nil();
        this.bulkType = type;
        this.bulkLength = length;
        this.bulkGot = 0;
        return this.readBulkBody();
      }
      case 42: // * array
      case 37: // % map
      case 126: // ~ set
      case 62: // > push
      case 124: {
        // | attribute
        let count = parseLength(line);
        if (count < 0) return this.nil();
        if (type === 37 || type === 124) count *= 2;
        const items = this.mode === Mode.Raw || type === 124 ? null : [];
        if (count === 0) return this.buildAggregate(type, items);
        this.stack.push({ type, remaining: count, items });
        return OPENED;
      }
      default:
        return this.scalar(type, line);
    }
  }

  private nil(): unknown {
    return this.mode === Mode.Node ? textNode('nil', '') : null;
  }

  /** A one-line reply: simple string, error, integer, double, boolean, big number or null. */
  private scalar(type: number, line: Buffer): unknown {
    const mode = this.mode;
    switch (type) {
      case 43: // +
        if (mode === Mode.Node) return textNode('status', line.toString('latin1', 1, line.length));
        return mode === Mode.Value ? line.toString('utf8', 1) : null;
      case 45: // -
        if (mode === Mode.Node) return textNode('error', line.toString('latin1', 1, line.length));
        return mode === Mode.Value ? new ReplyError(line.toString('utf8', 1)) : null;
      case 58: {
        // :
        const n = parseInteger(line);
        if (mode === Mode.Node) return textNode('integer', String(n));
        return n;
      }
      case 44: {
        // ,
        const text = line.toString('latin1', 1, line.length);
        const d = parseDouble(text);
        return mode === Mode.Node ? textNode('double', text) : d;
      }
      case 35: {
        // #
        const c = line.length === 2 ? line[1] | 0x20 : 0;
        if (c !== 116 && c !== 102) throw protocolError('bad boolean value');
        if (mode === Mode.Node) return textNode('bool', c === 116 ? 't' : 'f');
        return c === 116;
      }
      case 40: {
        // ( big number
        const text = line.toString('latin1', 1, line.length);
        if (!/^-?[0-9]+$/.test(text)) throw protocolError('bad big number value');
        if (mode === Mode.Node) return textNode('bignum', text);
        return BigInt(text);
      }
      case 95: // _
        if (line.length !== 1) throw protocolError('bad null value');
        return this.nil();
      default:
        // hiredis's wording, which redis-cli users know.
        throw new Error(`Protocol error, got ${typeName(type)} as reply type byte`);
    }
  }

  /** Read (more of) the body of the current bulk; the whole bulk when it is all here. */
  private readBulkBody(): unknown {
    const length = this.bulkLength;
    const total = length + 2;
    const wantBody = this.mode !== Mode.Raw;
    if (this.bulkGot === 0 && this.buf.length - this.pos >= total) {
      const start = this.pos;
      this.pos += total;
      this.bulkLength = -1;
      return wantBody ? this.buildBulk(this.buf, start, start + length) : null;
    }
    if (wantBody && this.bulkBody === null) this.bulkBody = Buffer.allocUnsafe(length);
    while (this.bulkGot < total) {
      if (this.pos >= this.buf.length && !this.advance()) return INCOMPLETE;
      const take = Math.min(this.buf.length - this.pos, total - this.bulkGot);
      const bodyPart = Math.min(take, length - this.bulkGot);
      if (this.bulkBody !== null && bodyPart > 0) {
        this.buf.copy(this.bulkBody, this.bulkGot, this.pos, this.pos + bodyPart);
      }
      this.pos += take;
      this.bulkGot += take;
    }
    const body = this.bulkBody;
    this.bulkBody = null;
    this.bulkLength = -1;
    return body === null ? null : this.buildBulk(body, 0, length);
  }

  private buildBulk(bytes: Buffer, start: number, end: number): unknown {
    const type = this.bulkType;
    const verbatim = type === 61 && end - start >= 4;
    const textStart = verbatim ? start + 4 : start;
    if (this.mode === Mode.Node) {
      if (type === 33) return textNode('error', bytes.toString('latin1', start, end));
      const node = textNode(type === 61 ? 'verbatim' : 'string', bytes.toString('latin1', textStart, end));
      if (verbatim) node.format = bytes.toString('latin1', start, start + 3);
      return node;
    }
    if (type === 33) return new ReplyError(bytes.toString('utf8', start, end));
    if (!this.bulkAsBuffer) return bytes.toString('utf8', textStart, end);
    const copy = Buffer.allocUnsafe(end - textStart);
    bytes.copy(copy, 0, textStart, end);
    return copy;
  }

  private buildAggregate(type: number, items: unknown[] | null): unknown {
    if (type === 124) return DROPPED;
    if (this.mode === Mode.Raw) return null;
    const elements = items as unknown[];
    if (this.mode === Mode.Node) {
      const node = textNode(aggregateType(type), '');
      node.elements = elements as ReplyNode[];
      return node;
    }
    if (type === 62) return new PushFrame(elements);
    if (type === 37) {
      const map: ReplyMap = Object.create(null);
      for (let i = 0; i < elements.length; i += 2) map[mapKey(elements[i])] = elements[i + 1] as ReplyValue;
      return map;
    }
    return elements;
  }
}
