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
import { ReplyWriter } from '../protocol/reply-writer.js';

const MULTI = Buffer.from('*1\r\n$5\r\nMULTI\r\n', 'latin1');
const EXEC = Buffer.from('*1\r\n$4\r\nEXEC\r\n', 'latin1');

export type Part = string | Uint8Array;

export class Propagation {
  /** Whether anything reads the stream; when false every call here is skipped by the engine. */
  active = false;
  /** The stream's bytes, encoded as RESP2 requests by the reply writer. */
  private readonly out = new ReplyWriter(64 * 1024);
  /** The database the stream is in, or -1 when the next command must SELECT first. */
  private db = -1;
  /** Where the open unit's first command begins (-1: no unit open), and its commands so far. */
  private unitStart = -1;
  private unitCommands = 0;
  /** What the running command's handler asked to propagate instead of its arguments. */
  private replacement: Part[][] | null = null;
  private suppressed = false;
  /** The running command's database, and the change counters when it began. */
  private commandDb = 0;
  private dirtyBefore = 0;
  private changesBefore = 0;
  /** A script's redis.set_repl left the AOF out: its commands are not propagated. */
  muted = false;

  /** The bytes written so far are buf[0, pos); the AOF empties it by setting pos to 0. */
  get buf(): Buffer {
    return this.out.buf;
  }

  get pos(): number {
    return this.out.pos;
  }

  set pos(n: number) {
    this.out.pos = n;
  }

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

  /**
   * Before a write command's handler runs (the engine calls it while active): its database,
   * and the engine's change counter and signalled-key count, to tell afterwards whether it
   * changed anything.
   */
  beforeCommand(db: number, dirty: number, changes: number): void {
    this.replacement = null;
    this.suppressed = false;
    this.commandDb = db;
    this.dirtyBefore = dirty;
    this.changesBefore = changes;
  }

  /** The write command ran: into the stream if it changed something, or as its handler asked. */
  afterCommand(argv: Argv, dirty: number, changes: number): void {
    const db = this.commandDb;
    const changed = dirty !== this.dirtyBefore || changes !== this.changesBefore;
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
    const out = this.out;
    out.arrayLen(parts.length);
    for (const p of parts) {
      if (typeof p === 'string') out.bulk(p);
      else out.bulkBytes(p);
    }
  }

  /** One command as it arrived. */
  addArgv(db: number, argv: Argv): void {
    this.beginCommand(db);
    const out = this.out;
    out.arrayLen(argv.count);
    for (let i = 0; i < argv.count; i++) out.bulkBytes(argv.bufs[i], argv.starts[i], argv.ends[i]);
  }

  /** The unit is over: EXEC after a wrapped unit. */
  endUnit(): void {
    if (this.unitCommands > 1) this.out.rawBytes(EXEC, 0, EXEC.length);
    this.unitStart = -1;
    this.unitCommands = 0;
  }

  /**
   * Drop the unit still open (a busy script's writes at SHUTDOWN NOSAVE): Redis propagates a
   * script's effects only when it ends.
   */
  discardOpenUnit(): void {
    if (this.unitStart >= 0) this.out.pos = this.unitStart;
    this.unitStart = -1;
    this.unitCommands = 0;
    this.db = -1;
  }

  /** The next command begins a new file: it SELECTs its database first. */
  forgetDb(): void {
    this.db = -1;
  }

  private beginCommand(db: number): void {
    if (this.unitCommands === 0) this.unitStart = this.out.pos;
    else if (this.unitCommands === 1) this.insertMulti();
    this.unitCommands++;
    if (db !== this.db) {
      this.db = db;
      this.out.arrayLen(2);
      this.out.bulk('SELECT');
      this.out.bulk(String(db));
    }
  }

  /** A second command joined the unit: MULTI goes before the first. */
  private insertMulti(): void {
    const out = this.out;
    out.ensure(MULTI.length);
    out.buf.copyWithin(this.unitStart + MULTI.length, this.unitStart, out.pos);
    MULTI.copy(out.buf, this.unitStart);
    out.pos += MULTI.length;
  }
}
