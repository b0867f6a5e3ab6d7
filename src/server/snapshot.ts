/**
 * RDB snapshot files (rdb.c's rdbSave and rdbLoad), written in one go: SAVE, SHUTDOWN's save,
 * DEBUG RELOAD, and the load at start-up. The file is Redis's: "REDIS0010", aux fields, then per
 * database SELECTDB and RESIZEDB and each key (with EXPIRETIME_MS, and IDLE or FREQ under an
 * LRU or LFU policy), EOF and the CRC64 of everything before it. Values are written and read by
 * the same code as DUMP and RESTORE (commands/dump.ts, persistence/rdb-value.ts).
 *
 * A save writes to temp-<pid>.rdb in `dir`, fsyncs it and renames it over `dbfilename`, so a
 * crash never leaves half a snapshot under the real name. BGSAVE writes the same bytes in
 * slices (background-save.ts).
 */

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Argv } from '../protocol/argv.js';
import { storeValue, writeValue } from '../commands/dump.js';
import { anyFieldDeadlines } from '../commands/hashes.js';
import { Crc64 } from '../persistence/crc64.js';
import { RdbFormatError, RdbReader, RdbWriter } from '../persistence/rdb-encoding.js';
import { readValue } from '../persistence/rdb-value.js';
import { Lookup, type Database } from '../store/database.js';
import { lfuDecayed } from '../store/lfu.js';
import { Client } from './client.js';
import type { Engine } from './engine.js';
import { FunctionError } from '../scripting/functions.js';
import { SERVER_VERSION } from './version.js';

const enum Opcode {
  Function2 = 245,
  Function = 246,
  ModuleAux = 247,
  Idle = 248,
  Freq = 249,
  Aux = 250,
  ResizeDb = 251,
  ExpireTimeMs = 252,
  ExpireTime = 253,
  SelectDb = 254,
  Eof = 255,
}

/** Bytes gathered before they are written out. */
const FLUSH_AT = 1 << 20;

/** The snapshot's path: `dir` joined with `dbfilename` (config strings are latin1 bytes). */
export function snapshotPath(engine: Engine): string {
  return path.join(engine.config.getPath('dir'), engine.config.getPath('dbfilename'));
}

export class SnapshotError extends Error {}

/** rdbSave: write every database to the snapshot file. Throws SnapshotError on failure. */
export function saveSnapshot(engine: Engine): void {
  const target = snapshotPath(engine);
  const started = Date.now();
  writeSnapshotFile(engine, target, snapshotTempPath(target), false);
  snapshotSaved(engine, engine.dirty);
  engine.log.notice(`DB saved on disk (${Date.now() - started} ms)`);
}

/** A save succeeded: LASTSAVE, INFO's counters, and the changes it covered are no longer dirty. */
export function snapshotSaved(engine: Engine, dirtyCovered: number): void {
  const p = engine.persistence;
  p.lastSaveTime = Math.floor(Date.now() / 1000);
  p.lastSaveOk = true;
  p.saves++;
  engine.dirty = Math.max(0, engine.dirty - dirtyCovered);
}

/**
 * Write every database to `temp`, fsync it and rename it to `target` (the AOF's base files are
 * written this way too, with `aofBase`). Throws SnapshotError on failure, the temp file removed.
 */
export function writeSnapshotFile(engine: Engine, target: string, temp: string, aofBase: boolean): void {
  let fd = -1;
  try {
    fd = openSync(temp, 'w');
    const file = fd;
    const writer = new SnapshotWriter(engine, aofBase, (b) => {
      let at = 0;
      while (at < b.length) at += writeSync(file, b, at, b.length - at);
    });
    for (const db of engine.store.databases) {
      let failure: string | null = null;
      db.dict.forEach((id) => {
        if (failure === null) failure = writer.key(db, id);
      });
      if (failure !== null) throw new SnapshotError(failure);
    }
    writer.finish();
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(temp, target);
  } catch (e) {
    if (fd !== -1) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // never created
    }
    const message = tempFileFailure(temp, e as Error);
    engine.log.warning(message);
    engine.persistence.lastSaveOk = false;
    throw new SnapshotError(message);
  }
}

/** Where a save of `target` is written before it is renamed (Redis's temp-<pid>.rdb). */
export function snapshotTempPath(target: string): string {
  return path.join(path.dirname(target), `temp-${process.pid}.rdb`);
}

/** What Redis logs when it cannot write a save's temp file. */
export function tempFileFailure(temp: string, e: Error): string {
  return `Failed opening the temp RDB file ${path.basename(temp)} (in server root dir ${path.dirname(temp)}) for saving: ${e.message}`;
}

/**
 * The bytes of an RDB file, produced key by key and handed to `sink` in chunks: the header and
 * aux fields at once, then key() for each key in any order (a database change writes SELECTDB
 * and RESIZEDB again, which loaders accept anywhere), then finish() for EOF and the CRC64.
 * SAVE drives it over every key in one go; a background save drives it in slices and out of
 * order (background-save.ts). A chunk handed to `sink` is the sink's to keep.
 */
export class SnapshotWriter {
  private readonly w = new RdbWriter();
  private readonly crc: Crc64 | null;
  private readonly saveIdle: boolean;
  private readonly saveFreq: boolean;
  private db: Database | null = null;
  /** Keys written so far. */
  keys = 0;

  constructor(
    private readonly engine: Engine,
    aofBase: boolean,
    private readonly sink: (chunk: Buffer) => void,
    private readonly flushAt = FLUSH_AT,
  ) {
    const w = this.w;
    w.compress = engine.config.getBool('rdbcompression');
    this.crc = engine.config.getBool('rdbchecksum') ? new Crc64() : null;
    this.saveIdle = engine.config.get('maxmemory-policy').endsWith('-lru');
    this.saveFreq = engine.store.lfu;
    // RDB 10 loads in Redis 7.0 and 7.2; hashes with field expiry need 7.4's RDB 12.
    w.bytes(Buffer.from(anyFieldDeadlines(engine.store) ? 'REDIS0012' : 'REDIS0010', 'latin1'));
    this.aux('redis-ver', SERVER_VERSION);
    this.aux('redis-bits', '64');
    this.aux('ctime', String(Math.floor(Date.now() / 1000)));
    this.aux('used-mem', String(engine.usedMemory()));
    this.aux('aof-base', aofBase ? '1' : '0');
    engine.scripting.functions.writeRecords(w);
  }

  private aux(key: string, value: string): void {
    const w = this.w;
    w.byte(Opcode.Aux);
    w.string(Buffer.from(key, 'latin1'));
    w.string(Buffer.from(value, 'latin1'));
  }

  /** Write key `id` of `db` with its TTL and access clock; returns an error message or null. */
  key(db: Database, id: number): string | null {
    const { w, engine } = this;
    const store = engine.store;
    if (db !== this.db) {
      this.db = db;
      w.byte(Opcode.SelectDb);
      w.len(db.id);
      w.byte(Opcode.ResizeDb);
      w.len(db.size);
      w.len(db.expires.size);
    }
    const expire = db.expireAtExact(id);
    if (expire !== 0) {
      w.byte(Opcode.ExpireTimeMs);
      w.millis(expire);
    }
    if (this.saveIdle) {
      w.byte(Opcode.Idle);
      w.len(store.idleSeconds(db.lru(id)));
    } else if (this.saveFreq) {
      w.byte(Opcode.Freq);
      w.byte(lfuDecayed(db.lru(id), store.now(), store.lfuDecayTime));
    }
    // The type byte comes first, then the key, then the value: written to a side buffer.
    const value = valueWriter;
    value.length = 0;
    value.compress = w.compress;
    const failure = writeValue(store, value, db, id);
    if (failure !== null) return failure;
    w.byte(value.buf[0]);
    w.string(db.keyBuffer(id), db.keyOffset(id), db.keyOffset(id) + db.keyLength(id));
    w.bytes(value.buf, 1, value.length);
    this.keys++;
    if (w.length >= this.flushAt) this.flush();
    return null;
  }

  /** EOF and the checksum (zero when rdbchecksum is off); everything goes to the sink. */
  finish(): void {
    this.w.byte(Opcode.Eof);
    this.flush();
    this.sink(Buffer.from(this.crc !== null ? this.crc.bytes() : new Uint8Array(8)));
  }

  private flush(): void {
    const w = this.w;
    if (w.length === 0) return;
    this.crc?.update(w.buf, 0, w.length);
    this.sink(Buffer.from(w.buf.subarray(0, w.length)));
    w.length = 0;
  }
}

const valueWriter = new RdbWriter();

export interface LoadResult {
  /** Keys loaded, and keys skipped because their time had passed. */
  keys: number;
  expired: number;
  /** Keys read with a time to live (loaded or not). */
  withExpire: number;
  /** Where the file's EOF opcode ended (the checksum follows). */
  end: number;
  /** Whether the CRC64 was checked, or the file was saved without one (zero). */
  checksum: 'ok' | 'disabled';
}

/** What cachica-check-rdb shows as a file is read. */
export interface LoadObserver {
  aux?(key: string, value: string, offset: number): void;
  selectDb?(index: number, offset: number): void;
}

/**
 * rdbLoad as a resumable reader: step() loads records until a deadline, so the server can load
 * at start-up while it answers clients (-LOADING, and INFO's loading_* fields). A key already
 * in the databases is an error, or with `replaceExisting` is replaced (DEBUG RELOAD MERGE).
 * step() throws RdbFormatError when the file cannot be loaded whole.
 */
export class SnapshotLoader {
  readonly result: LoadResult = { keys: 0, expired: 0, withExpire: 0, end: 0, checksum: 'disabled' };
  private readonly data: Buffer;
  private readonly version: number;
  private readonly r: RdbReader;
  private readonly loader: Client;
  private expire = 0;
  private idle = -1;
  private freq = -1;
  private finished = false;

  constructor(
    private readonly engine: Engine,
    file: string | Buffer,
    private readonly replaceExisting = false,
    private readonly observer: LoadObserver = {},
  ) {
    const data = typeof file === 'string' ? readFileSync(file) : file;
    if (data.length < 9 || data.toString('latin1', 0, 5) !== 'REDIS') throw new RdbFormatError('Wrong signature trying to load DB from file', 0);
    this.version = Number(data.toString('latin1', 5, 9));
    if (!(this.version >= 1 && this.version <= 12)) throw new RdbFormatError(`Can't handle RDB format version ${data.toString('latin1', 5, 9)}`, 5);
    this.data = data;
    this.r = new RdbReader(data, 9);
    this.loader = new Client(engine, 0);
  }

  /** Bytes of the file, and bytes read so far. */
  get totalBytes(): number {
    return this.data.length;
  }

  get loadedBytes(): number {
    return this.r.pos;
  }

  /** Load until performance.now() passes `deadline` (checked every 64 records); true when done. */
  step(deadline: number): boolean {
    const { r, engine, result } = this;
    const store = engine.store;
    for (let n = 0; !this.finished; n++) {
      if ((n & 63) === 63 && performance.now() > deadline) return false;
      const at = r.pos;
      const type = r.byte();
      switch (type) {
        case Opcode.Eof:
          this.finish();
          continue;
        case Opcode.ExpireTimeMs:
          this.expire = Number(r.millis());
          continue;
        case Opcode.ExpireTime: {
          const b = r.bytes(4);
          this.expire = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) * 1000;
          continue;
        }
        case Opcode.Idle:
          this.idle = r.len();
          continue;
        case Opcode.Freq:
          this.freq = r.byte();
          continue;
        case Opcode.SelectDb: {
          const index = r.len();
          if (index >= store.databases.length) throw new RdbFormatError(`FATAL: Data file was created with a Redis server configured to handle more than ${store.databases.length} databases. Exiting`, at);
          this.loader.selectDb(index);
          this.observer.selectDb?.(index, at);
          continue;
        }
        case Opcode.ResizeDb:
          r.len();
          r.len();
          continue;
        case Opcode.Aux: {
          const key = r.string();
          const value = r.string();
          this.observer.aux?.(Buffer.from(key).toString('latin1'), Buffer.from(value).toString('latin1'), at);
          continue;
        }
        case Opcode.Function2: {
          const code = Buffer.from(r.string());
          try {
            engine.scripting.functions.loadFromRdb(code, this.replaceExisting);
          } catch (e) {
            if (!(e instanceof FunctionError)) throw e;
            throw new RdbFormatError(`Failed loading library: ${e.message}`, at);
          }
          continue;
        }
        case Opcode.ModuleAux:
        case Opcode.Function:
          throw new RdbFormatError('the file holds modules or Redis 7.0 release candidate functions, which cachica cannot load', at);
      }
      this.loadKey(type, at);
    }
    return true;
  }

  private loadKey(type: number, at: number): void {
    const { r, result } = this;
    const store = this.engine.store;
    const key = r.string();
    const value = readValue(r, type);
    const keyExpire = this.expire;
    const keyIdle = this.idle;
    const keyFreq = this.freq;
    this.expire = 0;
    this.idle = -1;
    this.freq = -1;
    if (keyExpire !== 0) result.withExpire++;
    // A master does not load keys that have already expired.
    if (keyExpire !== 0 && keyExpire < Date.now() && !store.keepExpired) {
      result.expired++;
      return;
    }
    const db = this.loader.db;
    const existing = db.find(key, 0, key.length, Lookup.NoTouch);
    if (existing !== 0) {
      if (!this.replaceExisting) throw new RdbFormatError(`Duplicate key '${Buffer.from(key).toString('latin1')}' found in RDB file`, at);
      db.delete(existing);
    }
    // Strings, most keys, skip the argument vector the collection builders take.
    const id =
      value.kind === 'string' ? db.addString(key, 0, key.length, value.bytes, 0, value.bytes.length) : storeValue(this.loader, Argv.from([key]), 0, value);
    if (id === 0) {
      result.expired++;
      return;
    }
    if (keyExpire !== 0) db.setExpire(id, keyExpire);
    store.setAccessInfo(db, id, keyIdle, keyFreq);
    result.keys++;
  }

  /** After EOF: the checksum, when the file has one and the configuration checks it. */
  private finish(): void {
    const { r, data, result } = this;
    this.finished = true;
    result.end = r.pos;
    if (this.version < 5) return;
    if (r.pos + 8 > data.length) throw new RdbFormatError('Short read loading the RDB checksum', r.pos);
    const stored = data.readBigUInt64LE(r.pos);
    if (stored !== 0n && this.engine.config.getBool('rdbchecksum')) {
      const computed = new Crc64().update(data, 0, r.pos).value;
      if (computed !== stored) throw new RdbFormatError('Wrong RDB checksum', r.pos);
      result.checksum = 'ok';
    }
  }
}

/** Load the snapshot at `file` in one go (DEBUG RELOAD, cachica-check-rdb). */
export function loadSnapshot(engine: Engine, file: string, replaceExisting = false, observer: LoadObserver = {}): LoadResult {
  const loader = new SnapshotLoader(engine, file, replaceExisting, observer);
  loader.step(Infinity);
  return loader.result;
}

/** Longest a slice of the start-up load holds the event loop. */
const LOAD_SLICE_MS = 5;

/** A load that runs in slices: the snapshot loader, or the AOF's (aof-loader.ts). */
export interface SlicedLoad {
  readonly totalBytes: number;
  readonly loadedBytes: number;
  /** Load until performance.now() passes `deadline`; true when done. Throws on damage. */
  step(deadline: number): boolean;
}

/** What INFO shows of a load in progress (engine.loading). */
export interface LoadingState {
  loader: SlicedLoad;
  startedAt: number;
  rdbUsedMem: number;
}

/**
 * Run `state.loader` in slices while the server answers: commands not flagged `loading` get
 * -LOADING until it is done (engine.loading), INFO shows the progress. Resolves when done.
 */
export function runSlicedLoad(engine: Engine, state: LoadingState): Promise<void> {
  engine.loading = state;
  return new Promise((resolve, reject) => {
    const slice = (): void => {
      try {
        if (!state.loader.step(performance.now() + LOAD_SLICE_MS)) {
          setImmediate(slice);
          return;
        }
      } catch (e) {
        engine.loading = null;
        reject(e);
        return;
      }
      engine.loading = null;
      resolve();
    };
    slice();
  });
}

/**
 * loadDataFromDisk's RDB part: the snapshot, if there is one, loaded in slices. A file that
 * cannot be loaded ends the process, as it ends Redis.
 */
export async function loadAtStartup(engine: Engine): Promise<void> {
  const file = snapshotPath(engine);
  if (!existsSync(file)) return;
  const started = Date.now();
  const log = engine.log;
  const state: LoadingState = { loader: null as unknown as SlicedLoad, startedAt: started, rdbUsedMem: 0 };
  // The aux fields Redis reports as it starts a load (rdbLoadRioWithLoadingCtx).
  const loader = new SnapshotLoader(engine, file, false, {
    aux: (key, value) => {
      if (key === 'redis-ver') log.notice(`Loading RDB produced by version ${value}`);
      else if (key === 'ctime') log.notice(`RDB age ${Math.max(0, Math.floor(Date.now() / 1000) - Number(value))} seconds`);
      else if (key === 'used-mem') {
        state.rdbUsedMem = Number(value) || 0;
        log.notice(`RDB memory usage when created ${(state.rdbUsedMem / 1024 / 1024).toFixed(2)} Mb`);
      }
    },
  });
  state.loader = loader;
  await runSlicedLoad(engine, state);
  const { keys, expired } = loader.result;
  const p = engine.persistence;
  p.lastLoadKeysLoaded = keys;
  p.lastLoadKeysExpired = expired;
  log.notice(`Done loading RDB, keys loaded: ${keys}, keys expired: ${expired}.`);
  log.notice(`DB loaded from disk: ${((Date.now() - started) / 1000).toFixed(3)} seconds`);
}
