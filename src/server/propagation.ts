/**
 * The stream of effects (Redis's propagate and alsoPropagate): each write command that changed
 * the dataset, in RESP as a client would send it, with a SELECT whenever the database changes.
 * The AOF writes this stream; a replica would read it.
 *
 * A command goes into the stream as it was sent unless its handler gives the form that replays
 * to the same result (replaceWith): relative times become absolute (EXPIRE -> PEXPIREAT), random
 * choices become the choice made (SPOP -> SREM), a blocking command becomes the pop it did. The
 * commands of one execution unit (a command, an EXEC, a served blocked client) are wrapped in
 * MULTI/EXEC when there is more than one, so a replay applies them together or not at all.
 */

import type { Argv } from '../protocol/argv.js';

const MULTI = Buffer.from('*1\r\n$5\r\nMULTI\r\n', 'latin1');
const EXEC = Buffer.from('*1\r\n$4\r\nEXEC\r\n', 'latin1');

export type Part = string | Uint8Array;

export class Propagation {
  /** Whether anything reads the stream; when false every call here is skipped by the engine. */
  active = false;
  buf = Buffer.allocUnsafe(64 * 1024);
  pos = 0;
  /** The database the stream is in, or -1 when the next command must SELECT first. */
  private db = -1;
  /** Where the open unit's first command begins (-1: no unit open), and its commands so far. */
  private unitStart = -1;
  private unitCommands = 0;
  /** What the running command's handler asked to propagate instead of its arguments. */
  private replacement: Part[][] | null = null;
  private suppressed = false;
  /** A script's redis.set_repl left the AOF out: its commands are not propagated. */
  muted = false;

  /** A handler's command replays as `commands`, in this order (alsoPropagate with a rewrite). */
  replaceWith(...commands: Part[][]): void {
    if (!this.active) return;
    if (this.replacement === null) this.replacement = commands;
    else this.replacement.push(...commands);
  }

  /**
   * A handler's command is not repeated as sent (preventCommandPropagation); what it gives to
   * replaceWith still is.
   */
  suppress(): void {
    this.suppressed = true;
  }

  /** Called before each handler runs (the engine does it while active). */
  beforeCommand(): void {
    this.replacement = null;
    this.suppressed = false;
  }

  /** A write command ran in database `db`: into the stream if it changed something. */
  afterCommand(db: number, argv: Argv, changed: boolean): void {
    const replacement = this.replacement;
    const suppressed = this.suppressed;
    this.replacement = null;
    this.suppressed = false;
    if (this.muted) return;
    if (replacement !== null) {
      for (const parts of replacement) this.add(db, parts);
    } else if (changed && !suppressed) {
      this.addArgv(db, argv);
    }
  }

  /** One command given as its parts. */
  add(db: number, parts: readonly Part[]): void {
    this.beginCommand(db);
    this.header(parts.length);
    for (const p of parts) {
      if (typeof p === 'string') this.bulkString(p);
      else this.bulk(p, 0, p.length);
    }
  }

  /** One command as it arrived. */
  addArgv(db: number, argv: Argv): void {
    this.beginCommand(db);
    this.header(argv.count);
    for (let i = 0; i < argv.count; i++) this.bulk(argv.bufs[i], argv.starts[i], argv.ends[i]);
  }

  /** The unit is over: EXEC after a wrapped unit. */
  endUnit(): void {
    if (this.unitCommands > 1) this.raw(EXEC);
    this.unitStart = -1;
    this.unitCommands = 0;
  }

  /** The next command begins a new file: it SELECTs its database first. */
  forgetDb(): void {
    this.db = -1;
  }

  private beginCommand(db: number): void {
    if (this.unitCommands === 0) this.unitStart = this.pos;
    else if (this.unitCommands === 1) this.insertMulti();
    this.unitCommands++;
    if (db !== this.db) {
      this.db = db;
      const id = String(db);
      this.header(2);
      this.bulkString('SELECT');
      this.bulkString(id);
    }
  }

  /** A second command joined the unit: MULTI goes before the first. */
  private insertMulti(): void {
    this.room(MULTI.length);
    const at = this.unitStart;
    this.buf.copy(this.buf, at + MULTI.length, at, this.pos);
    MULTI.copy(this.buf, at);
    this.pos += MULTI.length;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.pos + n, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  private raw(b: Buffer): void {
    this.room(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  private header(n: number): void {
    this.room(24);
    this.buf[this.pos++] = 42; // '*'
    this.digits(n);
    this.buf[this.pos++] = 13;
    this.buf[this.pos++] = 10;
  }

  /** A non-negative length in decimal, without making a string of it. */
  private digits(n: number): void {
    const buf = this.buf;
    if (n < 10) {
      buf[this.pos++] = 48 + n;
      return;
    }
    if (n < 100) {
      buf[this.pos++] = 48 + Math.floor(n / 10);
      buf[this.pos++] = 48 + (n % 10);
      return;
    }
    this.pos += buf.latin1Write(String(n), this.pos, 20);
  }

  private bulk(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.room(n + 24);
    const buf = this.buf;
    buf[this.pos++] = 36; // '$'
    this.digits(n);
    buf[this.pos++] = 13;
    buf[this.pos++] = 10;
    if (n < 32) for (let i = start; i < end; i++) buf[this.pos++] = src[i];
    else {
      buf.set(src.subarray(start, end), this.pos);
      this.pos += n;
    }
    buf[this.pos++] = 13;
    buf[this.pos++] = 10;
  }

  private bulkString(s: string): void {
    const n = s.length;
    this.room(n + 24);
    const buf = this.buf;
    buf[this.pos++] = 36;
    this.digits(n);
    buf[this.pos++] = 13;
    buf[this.pos++] = 10;
    this.pos += buf.latin1Write(s, this.pos, n);
    buf[this.pos++] = 13;
    buf[this.pos++] = 10;
  }
}
