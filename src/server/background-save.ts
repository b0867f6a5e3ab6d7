/**
 * A point-in-time RDB file written on the event loop in slices, while clients are served: what
 * BGSAVE writes, and the base file of an AOF rewrite. Redis forks and lets the kernel keep the
 * parent's pages as they were; a Node.js process cannot fork, so the copy is kept per key:
 *
 * - the save walks each database with the SCAN cursor (dictScan), which visits every key that
 *   stays through the walk, resizes included, at least once;
 * - a bitmap over entry ids marks the keys already written, so none is written twice;
 * - before a write command runs, the keys it names that are not yet written are written first,
 *   as they still are (preserve()), so the file holds them as they were when the save began;
 * - an entry id handed out after the start is a key that did not exist then: it is marked at
 *   once and never written;
 * - a command that changes keys it does not name (FLUSHALL, FLUSHDB, SWAPDB, DEBUG) completes
 *   the save first (finishNow()).
 *
 * Chunks go to the file through a write stream, so the disk never holds the event loop; a slice
 * waits while more than OUTPUT_HIGH_WATER bytes are queued. At the end the file is fsynced and
 * renamed, both off the event loop.
 */

import { close, closeSync, createWriteStream, fsync, openSync, rename, unlink, type WriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Argv } from '../protocol/argv.js';
import { commandMeta, getKeys } from '../commands/meta/index.js';
import { CommandBit, type Command } from '../commands/types.js';
import { Lookup, type Database } from '../store/database.js';
import type { Engine } from './engine.js';
import { AofRewriteWriter } from './aof-rewrite.js';
import { SnapshotWriter } from './snapshot.js';

/** Longest a slice of the save holds the event loop. */
const SLICE_MS = 2;
/** Bytes handed to the file per chunk: small enough that each chunk's CRC is quick. */
const CHUNK_BYTES = 256 * 1024;
/** Queued output beyond which the save waits for the disk. */
const OUTPUT_HIGH_WATER = 8 * 1024 * 1024;

export type SaveOutcome = { ok: true; keys: number } | { ok: false; error: string };

/** What a save writes: an RDB file, an AOF base in RDB form, or an AOF base of commands. */
export type SaveFormat = 'rdb' | 'aof-rdb' | 'aof-commands';

/** Writes keys in any order, then the end (SnapshotWriter, AofRewriteWriter). */
interface KeyWriter {
  readonly keys: number;
  key(db: Database, id: number): string | null;
  finish(): void;
}

export class BackgroundSave {
  readonly startedAt = Date.now();
  /** Keys in the databases when the save began (INFO current_save_keys_total). */
  readonly keysTotal: number;
  /** The change counter when the save began: what a successful save leaves not dirty. */
  readonly dirtyAtStart: number;
  private readonly writer: KeyWriter;
  private readonly out: WriteStream;
  private fd: number;
  /** Bit per entry id: written, or created after the start. Ids from `idLimit` on are new. */
  private readonly done: Uint8Array;
  private readonly idLimit: number;
  private dbIndex = 0;
  private cursor = 0;
  private readonly batch: number[] = [];
  private walked = false;
  private failure: string | null = null;
  private settled = false;
  private scheduled = false;

  /**
   * Start writing every database to `temp`; `onDone` is called once, after the file was
   * fsynced and renamed to `target`, or after a failure (the temp file then removed).
   */
  constructor(
    private readonly engine: Engine,
    private readonly target: string,
    private readonly temp: string,
    format: SaveFormat,
    private readonly onDone: (outcome: SaveOutcome) => void,
  ) {
    const entries = engine.store.entries;
    this.idLimit = entries.idLimit;
    this.done = new Uint8Array((this.idLimit >>> 3) + 1);
    let keys = 0;
    for (const db of engine.store.databases) keys += db.size;
    this.keysTotal = keys;
    this.dirtyAtStart = engine.dirty;
    // Opened here so a save that cannot create its file fails at once, as BGSAVE reports it.
    this.fd = openSync(temp, 'w');
    this.out = createWriteStream('', { fd: this.fd, autoClose: false });
    this.out.on('error', (e) => this.fail(e.message));
    const sink = (chunk: Buffer): void => void this.out.write(chunk);
    this.writer = format === 'aof-commands' ? new AofRewriteWriter(engine, sink) : new SnapshotWriter(engine, format === 'aof-rdb', sink, CHUNK_BYTES);
    const done = this.done;
    const limit = this.idLimit;
    entries.onAllocate = (id) => {
      // A reused id is a new key: the one it held was written (or had expired) before it went.
      if (id < limit) done[id >>> 3] |= 1 << (id & 7);
    };
    this.schedule();
  }

  /** Keys written so far (INFO current_save_keys_processed). */
  get keysProcessed(): number {
    return this.writer.keys;
  }

  get running(): boolean {
    return !this.settled;
  }

  /**
   * A write command is about to run: write the keys it names as they are now, or, when its
   * keys cannot be told from its arguments, finish the whole save first.
   */
  beforeWrite(cmd: Command, argv: Argv, db: Database): void {
    if (this.walked || (cmd.bits & CommandBit.Write) === 0) return;
    const meta = commandMeta(cmd.name);
    const args = argv.strs(0);
    const found = meta === undefined ? null : getKeys(meta, args);
    if (found === null || 'error' in found || NAMES_NO_KEYS.has(cmd.name)) {
      this.finishNow();
      return;
    }
    for (const i of found.keys) {
      const key = argv.buffer(i);
      const id = db.find(key, 0, key.length, NO_SIDE_EFFECTS);
      if (id !== 0) this.preserve(db, id);
    }
    // MOVE and COPY ... DB write into another database: its key there is preserved too.
    const other = targetDatabase(cmd.name, argv, this.engine);
    if (other !== null) {
      const key = argv.buffer(cmd.name === 'move' ? 1 : 2);
      const id = other.find(key, 0, key.length, NO_SIDE_EFFECTS);
      if (id !== 0) this.preserve(other, id);
    }
  }

  /** Key `id` of `db` is about to change or go (a command, eviction): write it first. */
  preserve(db: Database, id: number): void {
    if (this.walked || id >= this.idLimit) return;
    const bit = 1 << (id & 7);
    if ((this.done[id >>> 3] & bit) !== 0) return;
    this.done[id >>> 3] |= bit;
    const error = this.writer.key(db, id);
    if (error !== null) this.fail(error);
  }

  /** Write everything not yet written, now (before a change the save cannot follow key by key). */
  finishNow(): void {
    if (this.walked) return;
    this.engine.log.notice('Background save completed in the foreground: a command changes keys it does not name');
    this.step(Infinity);
  }

  /** Stop, removing the temp file; onDone is not called (SHUTDOWN, FLUSHALL's abort). */
  abort(): void {
    if (this.settled) return;
    this.settled = true;
    this.release();
    this.closeFile();
    unlink(this.temp, () => undefined);
  }

  private schedule(): void {
    if (this.scheduled || this.walked || this.settled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.settled || this.walked) return;
      if (this.out.writableLength > OUTPUT_HIGH_WATER) {
        this.out.once('drain', () => this.schedule());
        return;
      }
      // Replies to commands read since the last slice go out before this one, not after it.
      this.engine.flushReplies?.();
      this.step(performance.now() + SLICE_MS);
      this.schedule();
    });
  }

  /** Walk the databases until `deadline` (performance.now()) or the end. */
  private step(deadline: number): void {
    const dbs = this.engine.store.databases;
    const batch = this.batch;
    const done = this.done;
    while (this.dbIndex < dbs.length && this.failure === null) {
      const db = dbs[this.dbIndex];
      if (db.size !== 0) {
        batch.length = 0;
        this.cursor = db.dict.scan(this.cursor, batch);
        for (const id of batch) {
          const bit = 1 << (id & 7);
          if (id >= this.idLimit || (done[id >>> 3] & bit) !== 0) continue;
          done[id >>> 3] |= bit;
          const error = this.writer.key(db, id);
          if (error !== null) this.fail(error);
        }
      }
      if (db.size === 0 || this.cursor === 0) {
        this.dbIndex++;
        this.cursor = 0;
      }
      if (performance.now() > deadline) return;
    }
    if (this.failure !== null) return;
    this.walked = true;
    this.release();
    this.writer.finish();
    this.out.end(() => this.complete());
  }

  /** The bytes are in the file: fsync, rename, report. */
  private complete(): void {
    if (this.settled) return;
    const fd = this.fd;
    fsync(fd, (error) => {
      if (error !== null) {
        this.fail(error.message);
        return;
      }
      this.fd = -1;
      close(fd, () => {
        rename(this.temp, this.target, (e) => {
          if (e !== null) this.fail(e.message);
          else this.settle({ ok: true, keys: this.writer.keys });
        });
      });
    });
  }

  private closeFile(): void {
    if (this.fd === -1) return;
    this.out.destroy();
    closeSync(this.fd);
    this.fd = -1;
  }

  private fail(message: string): void {
    if (this.settled) return;
    this.failure = message;
    this.release();
    this.closeFile();
    unlink(this.temp, () => undefined);
    this.settle({ ok: false, error: message });
  }

  private settle(outcome: SaveOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.onDone(outcome);
  }

  private release(): void {
    const entries = this.engine.store.entries;
    if (entries.onAllocate !== null) entries.onAllocate = null;
  }
}

/** Lookups that neither delete an expired key nor move its clock. */
const NO_SIDE_EFFECTS = Lookup.NoTouch | Lookup.NoExpire;

/** Write commands whose key arguments do not cover what they change. */
const NAMES_NO_KEYS = new Set(['flushall', 'flushdb', 'swapdb', 'debug', 'restore-asking']);

/** The database MOVE key db, or COPY src dst DB db, writes into. */
function targetDatabase(name: string, argv: Argv, engine: Engine): Database | null {
  let index: number | null = null;
  if (name === 'move' && argv.count === 3) index = Number(argv.str(2));
  if (name === 'copy') {
    for (let i = 3; i < argv.count - 1; i++) if (argv.is(i, 'DB')) index = Number(argv.str(i + 1));
  }
  if (index === null || !Number.isInteger(index)) return null;
  return engine.store.databases[index] ?? null;
}
