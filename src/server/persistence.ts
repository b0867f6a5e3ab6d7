/**
 * Persistence: what Redis's server struct keeps of RDB saves and the AOF, and the decisions its
 * serverCron makes about them: save points (`save 3600 1 300 100`), BGSAVE and BGREWRITEAOF one
 * at a time with the other scheduled behind it, the start-up load (the AOF when appendonly is
 * on, else the snapshot), and the -MISCONF refusal of writes after a failed save or AOF write.
 */

import type { Argv } from '../protocol/argv.js';
import type { Command } from '../commands/types.js';
import type { Database } from '../store/database.js';
import { Aof, AofState } from './aof.js';
import { BackgroundSave, type SaveOutcome } from './background-save.js';
import type { Engine } from './engine.js';
import { loadAtStartup, runSlicedLoad, snapshotPath, snapshotSaved, snapshotTempPath, tempFileFailure } from './snapshot.js';

/** A failed background save is retried by the save points only after this long (seconds). */
const BGSAVE_RETRY_DELAY = 5;

const RDB_MISCONF =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

export class Persistence {
  lastSaveTime = Math.floor(Date.now() / 1000);
  /** rdb_last_bgsave_status. */
  lastSaveOk = true;
  saves = 0;
  lastLoadKeysLoaded = 0;
  lastLoadKeysExpired = 0;
  /** The BGSAVE running, one scheduled behind an AOF rewrite, and the last one's outcome. */
  bgsave: BackgroundSave | null = null;
  bgsaveScheduled = false;
  private lastBgsaveTry = 0;
  lastBgsaveSeconds = -1;
  readonly aof: Aof;

  constructor(private readonly engine: Engine) {
    this.aof = new Aof(engine);
    engine.config.watch('appendonly', (v) => (v === 'yes' ? this.aof.enable() : this.aof.disable()));
  }

  /**
   * loadDataFromDisk: the AOF when appendonly is on (it is then the whole truth, as in Redis),
   * else the snapshot. Rejects when the files cannot be loaded.
   */
  async loadAtStartup(): Promise<void> {
    const { engine, aof } = this;
    if (!engine.config.getBool('appendonly')) {
      await loadAtStartup(engine);
      return;
    }
    const loader = aof.loaderAtStartup();
    if (loader !== null) {
      const started = Date.now();
      await runSlicedLoad(engine, { loader, startedAt: started, rdbUsedMem: 0 });
      this.lastLoadKeysLoaded = loader.keys;
      engine.log.notice(`DB loaded from append only file: ${((Date.now() - started) / 1000).toFixed(3)} seconds`);
    }
    aof.openAtStartup();
  }

  /** rdbSaveBackground; 'started', 'scheduled' (behind an AOF rewrite), or an error message. */
  startBgsave(schedule: boolean): string {
    const { engine } = this;
    if (this.bgsave !== null) return 'ERR Background save already in progress';
    if (this.aof.rewrite !== null) {
      if (!schedule) {
        return 'ERR Another child process is active (AOF?): can\'t BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.';
      }
      this.bgsaveScheduled = true;
      return 'scheduled';
    }
    this.lastBgsaveTry = Math.floor(Date.now() / 1000);
    const target = snapshotPath(engine);
    const temp = snapshotTempPath(target);
    try {
      this.bgsave = new BackgroundSave(engine, target, temp, 'rdb', (outcome) => this.bgsaveDone(outcome));
    } catch (e) {
      this.lastSaveOk = false;
      engine.log.warning(tempFileFailure(temp, e as Error));
      return 'ERR';
    }
    engine.log.notice('Background saving started');
    return 'started';
  }

  private bgsaveDone(outcome: SaveOutcome): void {
    const save = this.bgsave!;
    this.bgsave = null;
    const log = this.engine.log;
    this.lastBgsaveSeconds = Math.round((Date.now() - save.startedAt) / 1000);
    if (outcome.ok) {
      log.notice(`DB saved on disk`);
      log.notice('Background saving terminated with success');
      snapshotSaved(this.engine, save.dirtyAtStart);
    } else {
      log.warning(`Background saving error: ${outcome.error}`);
      this.lastSaveOk = false;
    }
  }

  /** The running background save's age, or -1 (rdb_current_bgsave_time_sec). */
  get bgsaveSeconds(): number {
    return this.bgsave === null ? -1 : Math.round((Date.now() - this.bgsave.startedAt) / 1000);
  }

  /** Each cron run: save points, scheduled saves, the AOF's own duties. */
  cron(now: number): void {
    this.aof.cron(now);
    if (this.bgsave !== null || this.aof.rewrite !== null) return;
    const seconds = Math.floor(now / 1000);
    if (this.bgsaveScheduled) {
      this.bgsaveScheduled = false;
      this.startBgsave(false);
      return;
    }
    const points = this.engine.config.get('save');
    if (points === '') return;
    const words = points.split(' ');
    const dirty = this.engine.dirty;
    for (let i = 0; i + 1 < words.length; i += 2) {
      const after = Number(words[i]);
      const changes = Number(words[i + 1]);
      if (dirty >= changes && seconds - this.lastSaveTime > after && (seconds - this.lastBgsaveTry > BGSAVE_RETRY_DELAY || this.lastSaveOk)) {
        this.engine.log.notice(`${changes} changes in ${after} seconds. Saving...`);
        this.startBgsave(false);
        return;
      }
    }
  }

  /** A write command is about to run: background saves keep what it will change. */
  beforeWrite(cmd: Command, argv: Argv, db: Database): void {
    this.bgsave?.beforeWrite(cmd, argv, db);
    this.aof.rewrite?.beforeWrite(cmd, argv, db);
  }

  /** Key `id` is about to change or go without a command naming it (eviction). */
  preserve(db: Database, id: number): void {
    this.bgsave?.preserve(db, id);
    this.aof.rewrite?.preserve(db, id);
  }

  /** The databases are about to be replaced wholesale (DEBUG RELOAD, LOADAOF): saves finish first. */
  finishSavesNow(): void {
    this.bgsave?.finishNow();
    this.aof.rewrite?.finishNow();
  }

  /** Whether a background save or rewrite runs (the engine's hooks are skipped otherwise). */
  get saving(): boolean {
    return this.bgsave !== null || this.aof.rewrite !== null;
  }

  /** writeCommandsDeniedByDiskError: the -MISCONF error for writes, or null. */
  writeRefusal(): string | null {
    const config = this.engine.config;
    if (!this.lastSaveOk && config.getBool('stop-writes-on-bgsave-error') && config.get('save') !== '') return RDB_MISCONF;
    if (this.aof.state !== AofState.Off && !this.aof.lastWriteOk) return `MISCONF Errors writing to the AOF file: ${this.aof.lastWriteError}`;
    return null;
  }

  /**
   * prepareForShutdown's first steps: background saves stop (their temp files removed), the
   * AOF is written and fsynced. The final snapshot, if any, comes after.
   */
  prepareShutdown(): void {
    const log = this.engine.log;
    if (this.bgsave !== null) {
      log.warning('There is a child saving an .rdb. Killing it!');
      this.bgsave.abort();
      this.bgsave = null;
    }
    const aof = this.aof;
    if (aof.rewrite !== null) {
      log.warning('There is a child rewriting the AOF. Killing it!');
      aof.rewrite.abort();
      aof.rewrite = null;
    }
    if (aof.state !== AofState.Off) {
      log.notice('Calling fsync() on the AOF file.');
      aof.flush(true);
    }
  }

  /** The process is about to exit: the AOF closed. */
  shutdown(): void {
    this.aof.close();
  }
}
