/**
 * The append-only file, as Redis 7 keeps it (aof.c): a directory (`appenddirname`) holding a
 * base file, incremental files and a manifest naming them (aof-manifest.ts).
 *
 * - Every effect the propagation stream carries is written to the newest incremental file
 *   before any reply goes out (flush(), called before the server writes to clients, as Redis's
 *   beforeSleep flushes the AOF buffer first). With `appendfsync always` it is also fsynced
 *   there, so a client never hears of a write the disk does not hold; with `everysec` the
 *   cron fsyncs once a second off the event loop; with `no` the kernel decides.
 * - BGREWRITEAOF opens a new incremental file for what follows, and writes a point-in-time RDB
 *   of the dataset as the next base (background-save.ts) in slices; when that is on disk the
 *   manifest names the new base and the new incremental file, and the older files are deleted.
 *   auto-aof-rewrite-percentage and -min-size start it from the cron.
 * - At start-up the files are replayed (aof-loader.ts); `CONFIG SET appendonly yes` builds the
 *   first base from the dataset in memory.
 *
 * A failed write keeps the unwritten bytes and retries from the cron; meanwhile write commands
 * get -MISCONF, as Redis refuses them. Under `appendfsync always` a failed write or fsync ends
 * the process, as it ends Redis: a reply would otherwise promise what the disk does not hold.
 */

import { closeSync, existsSync, fdatasync, fdatasyncSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AofLoader } from './aof-loader.js';
import { Manifest, type AofFileInfo } from './aof-manifest.js';
import { BackgroundSave, type SaveOutcome } from './background-save.js';
import type { Engine } from './engine.js';
import { writeSnapshotFile } from './snapshot.js';

export const enum AofState {
  Off,
  On,
  /** Turned on at run time: on once its first rewrite has written a base. */
  WaitRewrite,
}

/** How long a failed rewrite waits before the cron tries again (Redis: 1 s for the same). */
const REWRITE_RETRY_MS = 5000;

export class Aof {
  state = AofState.Off;
  manifest = new Manifest();
  private fd = -1;
  /** Bytes the last write could not put on disk, retried before anything newer. */
  private unwritten: Buffer | null = null;
  lastWriteOk = true;
  lastWriteError = '';
  /** Sizes for INFO and for auto rewrite (aof_current_size, aof_base_size, aof_rewrite_base_size). */
  currentSize = 0;
  baseSize = 0;
  private rewriteBaseSize = 0;
  private fsyncInProgress = false;
  private lastFsync = 0;
  delayedFsyncs = 0;
  /** The rewrite running, or scheduled for when the RDB save ends. */
  rewrite: BackgroundSave | null = null;
  rewriteScheduled = false;
  private rewriteStartedAt = 0;
  lastRewriteOk = true;
  lastRewriteSeconds = -1;
  rewrites = 0;
  rewriteFailures = 0;
  private lastRewriteFailedAt = 0;

  constructor(private readonly engine: Engine) {}

  get dir(): string {
    const config = this.engine.config;
    return path.join(config.getPath('dir'), config.getPath('appenddirname'));
  }

  private get fileName(): string {
    return this.engine.config.getPath('appendfilename');
  }

  get manifestName(): string {
    return `${this.fileName}.manifest`;
  }

  /** Start-up with appendonly yes: a loader for what the directory holds, or null when empty. */
  loaderAtStartup(): AofLoader | null {
    const file = path.join(this.dir, this.manifestName);
    if (!existsSync(file)) return null;
    this.manifest = Manifest.parse(readFileSync(file, 'utf8'));
    if (this.manifest.base === null && this.manifest.incrs.length === 0) return null;
    return new AofLoader(this.engine, this.dir, this.manifest);
  }

  /**
   * After the start-up load (aofOpenIfNeededOnServerStart): a base when there is none (the
   * dataset is empty then), an incremental file to append to, the manifest saying so.
   */
  openAtStartup(): void {
    const dir = this.dir;
    mkdirSync(dir, { recursive: true });
    const m = this.manifest;
    if (m.base === null && m.incrs.length === 0) {
      // The dataset is empty here (nothing was loaded): the base says so in its format.
      const base = this.newBase(m);
      const temp = path.join(dir, `temp-rewriteaof-${process.pid}.aof`);
      if (this.rdbPreamble) writeSnapshotFile(this.engine, path.join(dir, base.name), temp, true);
      else writeFileSync(path.join(dir, base.name), '');
      m.base = base;
    }
    if (m.incrs.length === 0) m.incrs.push(this.newIncr(m));
    const last = m.incrs[m.incrs.length - 1];
    this.fd = openSync(path.join(dir, last.name), 'a');
    m.persist(dir, this.manifestName);
    this.deleteHistory();
    this.measure();
    this.rewriteBaseSize = this.currentSize;
    this.state = AofState.On;
    this.engine.propagation.forgetDb();
    this.engine.propagation.active = true;
  }

  /** CONFIG SET appendonly yes (startAppendOnly): on once a rewrite has written the base. */
  enable(): void {
    if (this.state !== AofState.Off) return;
    const dir = this.dir;
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, this.manifestName);
    // Sequence numbers go on from what an earlier run left.
    this.manifest = existsSync(file) ? Manifest.parse(readFileSync(file, 'utf8')) : new Manifest();
    this.state = AofState.WaitRewrite;
    const error = this.startRewrite();
    if (error === 'scheduled') this.rewriteScheduled = true;
    else if (error !== null) {
      this.state = AofState.Off;
      throw new Error(error);
    }
  }

  /** CONFIG SET appendonly no (stopAppendOnly): what is buffered goes to disk, then nothing. */
  disable(): void {
    if (this.state === AofState.Off) return;
    this.close();
    this.rewriteScheduled = false;
    this.state = AofState.Off;
    this.engine.propagation.active = false;
    this.engine.propagation.pos = 0;
  }

  /** Shutdown: everything on disk and fsynced. */
  close(): void {
    if (this.state === AofState.Off) return;
    this.flush(true);
    this.rewrite?.abort();
    this.rewrite = null;
    this.closeFile();
  }

  /** Close the current file; every caller has flushed and fsynced it first (flush(true)). */
  private closeFile(): void {
    if (this.fd === -1) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  /**
   * flushAppendOnlyFile: the propagated bytes into the current incremental file; fsynced too
   * under `always`, or when `force`.
   */
  flush(force = false): void {
    const p = this.engine.propagation;
    if (this.fd === -1) return;
    if (p.pos === 0 && this.unwritten === null && !force) return;
    p.endUnit();
    const always = this.engine.config.get('appendfsync') === 'always';
    // What an earlier write could not put on disk goes first; then the stream, from its buffer.
    if (this.unwritten !== null && !this.writeAll(this.unwritten, always)) return;
    if (p.pos !== 0) {
      const bytes = p.buf.subarray(0, p.pos);
      p.pos = 0;
      if (!this.writeAll(bytes, always)) return;
    }
    if (always || force) {
      if (always && this.rewrite !== null && this.engine.config.getBool('no-appendfsync-on-rewrite') && !force) return;
      try {
        fdatasyncSync(this.fd);
        this.lastFsync = Date.now();
      } catch (e) {
        this.writeFailed(e as Error, always);
      }
    }
  }

  /** Write `data` whole; on failure keep what is left (copied) for the retry, and say false. */
  private writeAll(data: Buffer, always: boolean): boolean {
    let at = 0;
    try {
      while (at < data.length) at += writeSync(this.fd, data, at, data.length - at);
    } catch (e) {
      this.unwritten = Buffer.from(data.subarray(at));
      this.currentSize += at;
      this.writeFailed(e as Error, always);
      return false;
    }
    if (data === this.unwritten) this.unwritten = null;
    this.currentSize += data.length;
    if (!this.lastWriteOk) {
      this.engine.log.warning('AOF write error looks solved, Redis can write again.');
      this.lastWriteOk = true;
    }
    return true;
  }

  private writeFailed(e: Error, always: boolean): void {
    const message = e.message;
    if (always) {
      this.engine.log.warning(`Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...`);
      this.engine.log.warning(`Error writing to the AOF file: ${message}`);
      process.exit(1);
    }
    if (this.lastWriteOk) this.engine.log.warning(`Error writing to the AOF file: ${message}`);
    this.lastWriteOk = false;
    this.lastWriteError = message;
  }

  /** Once per cron run: retry a failed write, everysec's fsync, scheduled and automatic rewrites. */
  cron(now: number): void {
    if (this.state === AofState.Off) return;
    if (this.unwritten !== null) this.flush();
    if (this.fd !== -1 && this.engine.config.get('appendfsync') === 'everysec' && now - this.lastFsync >= 1000) this.backgroundFsync(now);
    if (this.rewrite !== null || this.engine.persistence.bgsave !== null) return;
    if (this.rewriteScheduled || (this.state === AofState.WaitRewrite && now - this.lastRewriteFailedAt > REWRITE_RETRY_MS)) {
      if (!this.lastRewriteOk && now - this.lastRewriteFailedAt < REWRITE_RETRY_MS) return;
      this.rewriteScheduled = false;
      this.startRewrite();
      return;
    }
    const percentage = this.engine.config.getNumber('auto-aof-rewrite-percentage');
    if (this.state !== AofState.On || percentage === 0) return;
    if (this.currentSize <= this.engine.config.getNumber('auto-aof-rewrite-min-size')) return;
    if (!this.lastRewriteOk && now - this.lastRewriteFailedAt < REWRITE_RETRY_MS) return;
    const base = this.rewriteBaseSize || 1;
    const growth = Math.floor((this.currentSize * 100) / base) - 100;
    if (growth >= percentage) {
      this.engine.log.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
      this.startRewrite();
    }
  }

  /** everysec: fdatasync on the thread pool, one at a time (Redis's bio fsync). */
  private backgroundFsync(now: number): void {
    if (this.fsyncInProgress) {
      this.delayedFsyncs++;
      return;
    }
    if (this.rewrite !== null && this.engine.config.getBool('no-appendfsync-on-rewrite')) return;
    this.fsyncInProgress = true;
    this.lastFsync = now;
    fdatasync(this.fd, () => {
      this.fsyncInProgress = false;
    });
  }

  get pendingFsync(): boolean {
    return this.fsyncInProgress;
  }

  get bufferLength(): number {
    return this.engine.propagation.pos + (this.unwritten?.length ?? 0);
  }

  /**
   * rewriteAppendOnlyFileBackground. Returns null when started, 'scheduled' when an RDB save
   * runs (the cron starts it after), or an error message.
   */
  startRewrite(): string | null {
    const { engine } = this;
    if (this.rewrite !== null) return 'ERR Background append only file rewriting already in progress';
    if (engine.persistence.bgsave !== null) {
      this.rewriteScheduled = true;
      return 'scheduled';
    }
    const dir = this.dir;
    const m = this.manifest;
    const propagation = engine.propagation;
    let incr: AofFileInfo;
    try {
      mkdirSync(dir, { recursive: true });
      // What came before goes to the old file: the new base holds it.
      this.flush(true);
      incr = this.newIncr(m);
      const fd = openSync(path.join(dir, incr.name), 'a');
      this.closeFile();
      this.fd = fd;
      if (this.state === AofState.On) {
        m.incrs.push(incr);
        m.persist(dir, this.manifestName);
      } else {
        // Turning on: the dataset so far is the base; only what follows is incremental (the
        // manifest names the new file once the base is written).
        propagation.pos = 0;
      }
    } catch (e) {
      this.rewriteFinished({ ok: false, error: (e as Error).message });
      return `ERR ${(e as Error).message}`;
    }
    propagation.forgetDb();
    propagation.active = true;
    const base = this.newBase(m);
    this.rewriteStartedAt = Date.now();
    try {
      const format = this.rdbPreamble ? 'aof-rdb' : 'aof-commands';
      this.rewrite = new BackgroundSave(engine, path.join(dir, base.name), path.join(dir, `temp-rewriteaof-bg-${process.pid}.aof`), format, (outcome) =>
        this.rewriteDone(outcome, base, incr),
      );
    } catch (e) {
      this.rewriteFinished({ ok: false, error: (e as Error).message });
      return `ERR ${(e as Error).message}`;
    }
    engine.log.notice(`Background append only file rewriting started`);
    return null;
  }

  /** backgroundRewriteDoneHandler: the new base and incremental file replace the rest. */
  private rewriteDone(outcome: SaveOutcome, base: AofFileInfo, incr: AofFileInfo): void {
    this.rewrite = null;
    if (outcome.ok) {
      try {
        const m = this.manifest.clone();
        if (m.base !== null) m.history.push({ ...m.base, type: 'h' });
        for (const f of m.incrs) if (f.seq < incr.seq) m.history.push({ ...f, type: 'h' });
        m.base = base;
        m.baseSeq = base.seq;
        m.incrs = m.incrs.filter((f) => f.seq >= incr.seq);
        if (m.incrs.length === 0) m.incrs.push(incr);
        m.incrSeq = Math.max(m.incrSeq, incr.seq);
        m.persist(this.dir, this.manifestName);
        this.manifest = m;
      } catch (e) {
        this.rewriteFinished({ ok: false, error: (e as Error).message });
        return;
      }
      if (this.state === AofState.WaitRewrite) {
        this.state = AofState.On;
        this.engine.log.notice('Background AOF rewrite finished successfully');
      }
      this.deleteHistory();
      this.measure();
      this.rewriteBaseSize = this.currentSize;
    }
    this.rewriteFinished(outcome);
  }

  private rewriteFinished(outcome: SaveOutcome): void {
    const log = this.engine.log;
    this.lastRewriteSeconds = this.rewriteStartedAt === 0 ? -1 : Math.round((Date.now() - this.rewriteStartedAt) / 1000);
    this.rewriteStartedAt = 0;
    if (outcome.ok) {
      this.lastRewriteOk = true;
      this.rewriteFailures = 0;
      this.rewrites++;
      log.notice('Background AOF rewrite terminated with success');
    } else {
      this.lastRewriteOk = false;
      this.rewriteFailures++;
      this.lastRewriteFailedAt = Date.now();
      log.warning(`Background AOF rewrite failed: ${outcome.error}`);
    }
  }

  /** The running rewrite's age in seconds, or -1 (aof_current_rewrite_time_sec). */
  get rewriteSeconds(): number {
    return this.rewrite === null ? -1 : Math.round((Date.now() - this.rewriteStartedAt) / 1000);
  }

  private get rdbPreamble(): boolean {
    return this.engine.config.getBool('aof-use-rdb-preamble');
  }

  private newBase(m: Manifest): AofFileInfo {
    m.baseSeq++;
    return { name: `${this.fileName}.${m.baseSeq}.base.${this.rdbPreamble ? 'rdb' : 'aof'}`, seq: m.baseSeq, type: 'b' };
  }

  private newIncr(m: Manifest): AofFileInfo {
    m.incrSeq++;
    return { name: `${this.fileName}.${m.incrSeq}.incr.aof`, seq: m.incrSeq, type: 'i' };
  }

  /** aofDelHistoryFiles: the files a rewrite replaced, then the manifest without them. */
  private deleteHistory(): void {
    const m = this.manifest;
    if (m.history.length === 0) return;
    for (const f of m.history) {
      try {
        unlinkSync(path.join(this.dir, f.name));
      } catch {
        // already gone
      }
    }
    m.history = [];
    try {
      m.persist(this.dir, this.manifestName);
    } catch (e) {
      this.engine.log.warning(`Can't persist the AOF manifest after deleting history files: ${(e as Error).message}`);
    }
  }

  /** aof_current_size and aof_base_size from the files on disk. */
  private measure(): void {
    const m = this.manifest;
    const size = (f: AofFileInfo | null): number => {
      if (f === null) return 0;
      try {
        return statSync(path.join(this.dir, f.name)).size;
      } catch {
        return 0;
      }
    };
    this.baseSize = size(m.base);
    let total = this.baseSize;
    for (const f of m.incrs) total += size(f);
    this.currentSize = total;
  }
}
