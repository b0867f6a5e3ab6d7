/**
 * RDB snapshot files (rdb.c's rdbSave and rdbLoad), written in one go: SAVE, SHUTDOWN's save,
 * DEBUG RELOAD, and the load at start-up. The file is Redis's: "REDIS0010", aux fields, then per
 * database SELECTDB and RESIZEDB and each key (with EXPIRETIME_MS, and IDLE or FREQ under an
 * LRU or LFU policy), EOF and the CRC64 of everything before it. Values are written and read by
 * the same code as DUMP and RESTORE (commands/dump.ts, persistence/rdb-value.ts).
 *
 * A save writes to temp-<pid>.rdb in `dir`, fsyncs it and renames it over `dbfilename`, so a
 * crash never leaves half a snapshot under the real name. Saving in the background without
 * fork (BGSAVE) is still to come.
 */

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Argv } from '../protocol/argv.js';
import { storeValue, writeValue } from '../commands/dump.js';
import { anyFieldDeadlines } from '../commands/hashes.js';
import { Crc64 } from '../persistence/crc64.js';
import { RdbFormatError, RdbReader, RdbWriter } from '../persistence/rdb-encoding.js';
import { readValue } from '../persistence/rdb-value.js';
import { Lookup } from '../store/database.js';
import { lfuDecayed } from '../store/lfu.js';
import { Client } from './client.js';
import type { Engine } from './engine.js';
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
  const dir = Buffer.from(engine.config.get('dir'), 'latin1').toString('utf8');
  return path.join(dir, Buffer.from(engine.config.get('dbfilename'), 'latin1').toString('utf8'));
}

export class SnapshotError extends Error {}

/** rdbSave: write every database to the snapshot file. Throws SnapshotError on failure. */
export function saveSnapshot(engine: Engine): void {
  const target = snapshotPath(engine);
  const temp = path.join(path.dirname(target), `temp-${process.pid}.rdb`);
  const started = Date.now();
  let fd = -1;
  try {
    fd = openSync(temp, 'w');
    writeSnapshot(engine, fd);
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
    const message = `Failed opening the temp RDB file ${path.basename(temp)} (in server root dir ${path.dirname(temp)}) for saving: ${(e as Error).message}`;
    engine.log.warning(message);
    engine.persistence.lastSaveOk = false;
    throw new SnapshotError(message);
  }
  const p = engine.persistence;
  p.lastSaveTime = Math.floor(Date.now() / 1000);
  p.lastSaveOk = true;
  p.saves++;
  engine.dirty = 0;
  engine.log.notice(`DB saved on disk (${Date.now() - started} ms)`);
}

function writeSnapshot(engine: Engine, fd: number): void {
  const w = new RdbWriter();
  w.compress = engine.config.getBool('rdbcompression');
  const checksum = engine.config.getBool('rdbchecksum');
  const crc = new Crc64();
  const flush = (): void => {
    if (checksum) crc.update(w.buf, 0, w.length);
    let at = 0;
    while (at < w.length) at += writeSync(fd, w.buf, at, w.length - at);
    w.length = 0;
  };
  // RDB 10 loads in Redis 7.0 and 7.2; hashes with field expiry need 7.4's RDB 12.
  w.bytes(Buffer.from(anyFieldDeadlines(engine.store) ? 'REDIS0012' : 'REDIS0010', 'latin1'));
  const aux = (key: string, value: string): void => {
    w.byte(Opcode.Aux);
    w.string(Buffer.from(key, 'latin1'));
    w.string(Buffer.from(value, 'latin1'));
  };
  aux('redis-ver', SERVER_VERSION);
  aux('redis-bits', '64');
  aux('ctime', String(Math.floor(Date.now() / 1000)));
  aux('used-mem', String(engine.usedMemory()));
  aux('aof-base', '0');
  const store = engine.store;
  const policy = engine.config.get('maxmemory-policy');
  const saveIdle = policy.endsWith('-lru');
  const saveFreq = policy.endsWith('-lfu');
  for (const db of store.databases) {
    if (db.size === 0) continue;
    w.byte(Opcode.SelectDb);
    w.len(db.id);
    w.byte(Opcode.ResizeDb);
    w.len(db.size);
    w.len(db.expires.size);
    let failure: string | null = null;
    db.dict.forEach((id) => {
      if (failure !== null) return;
      const expire = db.expireAtExact(id);
      if (expire !== 0) {
        w.byte(Opcode.ExpireTimeMs);
        w.millis(expire);
      }
      if (saveIdle) {
        w.byte(Opcode.Idle);
        w.len(store.idleSeconds(db.lru(id)));
      } else if (saveFreq) {
        w.byte(Opcode.Freq);
        w.byte(lfuDecayed(db.lru(id), store.now(), store.lfuDecayTime));
      }
      // The type byte comes first, then the key, then the value: written to a side buffer.
      const value = valueWriter;
      value.length = 0;
      value.compress = w.compress;
      failure = writeValue(store, value, db, id);
      if (failure !== null) return;
      w.byte(value.buf[0]);
      w.string(db.keyBuffer(id), db.keyOffset(id), db.keyOffset(id) + db.keyLength(id));
      w.bytes(value.buf, 1, value.length);
      if (w.length >= FLUSH_AT) flush();
    });
    if (failure !== null) throw new SnapshotError(failure);
  }
  w.byte(Opcode.Eof);
  flush();
  const tail = checksum ? crc.bytes() : new Uint8Array(8);
  writeSync(fd, tail);
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
 * rdbLoad: read the snapshot at `file` into the databases; a key already there is an error,
 * or with `replaceExisting` is replaced (DEBUG RELOAD MERGE). Throws RdbFormatError, or a file
 * system error, when the file cannot be loaded whole.
 */
export function loadSnapshot(engine: Engine, file: string, replaceExisting = false, observer: LoadObserver = {}): LoadResult {
  const data = readFileSync(file);
  if (data.length < 9 || data.toString('latin1', 0, 5) !== 'REDIS') throw new RdbFormatError('Wrong signature trying to load DB from file', 0);
  const version = Number(data.toString('latin1', 5, 9));
  if (!(version >= 1 && version <= 12)) throw new RdbFormatError(`Can't handle RDB format version ${data.toString('latin1', 5, 9)}`, 5);
  const r = new RdbReader(data, 9);
  const store = engine.store;
  const loader = new Client(engine, 0);
  const result: LoadResult = { keys: 0, expired: 0, withExpire: 0, end: 0, checksum: 'disabled' };
  let expire = 0;
  let idle = -1;
  let freq = -1;
  for (;;) {
    const at = r.pos;
    const type = r.byte();
    if (type === Opcode.Eof) break;
    switch (type) {
      case Opcode.ExpireTimeMs:
        expire = Number(r.millis());
        continue;
      case Opcode.ExpireTime: {
        const b = r.bytes(4);
        expire = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) * 1000;
        continue;
      }
      case Opcode.Idle:
        idle = r.len();
        continue;
      case Opcode.Freq:
        freq = r.byte();
        continue;
      case Opcode.SelectDb: {
        const index = r.len();
        if (index >= store.databases.length) throw new RdbFormatError(`FATAL: Data file was created with a Redis server configured to handle more than ${store.databases.length} databases. Exiting`, at);
        loader.selectDb(index);
        observer.selectDb?.(index, at);
        continue;
      }
      case Opcode.ResizeDb:
        r.len();
        r.len();
        continue;
      case Opcode.Aux: {
        const key = r.string();
        const value = r.string();
        observer.aux?.(Buffer.from(key).toString('latin1'), Buffer.from(value).toString('latin1'), at);
        continue;
      }
      case Opcode.ModuleAux:
      case Opcode.Function:
      case Opcode.Function2:
        throw new RdbFormatError('the file holds modules or functions, which cachica cannot load yet', at);
    }
    const key = r.string();
    const value = readValue(r, type);
    const keyExpire = expire;
    const keyIdle = idle;
    const keyFreq = freq;
    expire = 0;
    idle = -1;
    freq = -1;
    if (keyExpire !== 0) result.withExpire++;
    // A master does not load keys that have already expired.
    if (keyExpire !== 0 && keyExpire < Date.now() && !store.keepExpired) {
      result.expired++;
      continue;
    }
    const db = loader.db;
    const existing = db.find(key, 0, key.length, Lookup.NoTouch);
    if (existing !== 0) {
      if (!replaceExisting) throw new RdbFormatError(`Duplicate key '${Buffer.from(key).toString('latin1')}' found in RDB file`, at);
      db.delete(existing);
    }
    // Strings, most keys, skip the argument vector the collection builders take.
    const id =
      value.kind === 'string' ? db.addString(key, 0, key.length, value.bytes, 0, value.bytes.length) : storeValue(loader, Argv.from([key]), 0, value);
    if (id === 0) {
      result.expired++;
      continue;
    }
    if (keyExpire !== 0) db.setExpire(id, keyExpire);
    store.setAccessInfo(db, id, keyIdle, keyFreq);
    result.keys++;
  }
  result.end = r.pos;
  if (version >= 5 && r.pos + 8 <= data.length) {
    const stored = data.readBigUInt64LE(r.pos);
    if (stored !== 0n && engine.config.getBool('rdbchecksum')) {
      const computed = new Crc64().update(data, 0, r.pos).value;
      if (computed !== stored) throw new RdbFormatError('Wrong RDB checksum', r.pos);
      result.checksum = 'ok';
    }
  } else if (version >= 5) {
    throw new RdbFormatError('Short read loading the RDB checksum', r.pos);
  }
  return result;
}

/** Load the snapshot at start-up, if there is one (loadDataFromDisk). */
export function loadAtStartup(engine: Engine): void {
  const file = snapshotPath(engine);
  if (!existsSync(file)) return;
  const started = Date.now();
  const { keys, expired } = loadSnapshot(engine, file);
  const p = engine.persistence;
  p.lastLoadKeysLoaded = keys;
  p.lastLoadKeysExpired = expired;
  engine.log.notice(`Done loading RDB, keys loaded: ${keys}, keys expired: ${expired}.`);
  engine.log.notice(`DB loaded from disk: ${((Date.now() - started) / 1000).toFixed(3)} seconds`);
}
