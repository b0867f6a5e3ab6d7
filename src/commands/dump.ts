/**
 * DUMP and RESTORE (cluster.c's dumpCommand and restoreCommand): a key's value as Redis's
 * payload, the RDB form of the value (persistence/rdb-value.ts) followed by the RDB version
 * (two bytes) and a CRC64 of everything before (eight bytes, little-endian), so a payload
 * dumped by Redis 7.0 or 7.2 restores here and one dumped here restores there.
 */

import type { Argv } from '../protocol/argv.js';
import type { Client } from '../server/client.js';
import { Notify } from '../server/keyspace-events.js';
import { Crc64, crc64 } from '../persistence/crc64.js';
import { RdbFormatError, RdbReader, RdbWriter } from '../persistence/rdb-encoding.js';
import {
  RDB_VERSION_FIELD_EXPIRY,
  RDB_VERSION_READ,
  RDB_VERSION_WRITTEN,
  RdbType,
  readValue,
  type RdbValue,
  writeHashWithDeadlines,
  writeImage,
  writeListpackExHash,
  writeListpackList,
  writePlainHash,
  writePlainSet,
  writeQuicklist,
  writeStream,
  writeStringValue,
  writeZSet2,
} from '../persistence/rdb-value.js';
import { Lookup, type Database } from '../store/database.js';
import type { Store } from '../store/store.js';
import { ValueType } from '../store/entries.js';
import type { HashTable } from '../types/hash-table.js';
import type { QuickList } from '../types/quicklist.js';
import type { SortedSet } from '../types/sorted-set.js';
import type { Stream } from '../types/stream.js';
import { argInt64 } from './args.js';
import { NOT_INTEGER, SYNTAX } from './errors.js';
import { isListpackEx, minDeadline, storeHash, storeHashWithDeadlines } from './hashes.js';
import { quicklistNodes, writeWholeList } from './lists.js';
import { buildStoredSet, isIntsetSet, setMembers } from './sets.js';
import { storeZSet } from './zset-ops.js';
import type { CommandEntry } from './types.js';

const BAD_PAYLOAD = 'ERR DUMP payload version or checksum are wrong';
const BAD_FORMAT = 'ERR Bad data format';
const FOOTER_BYTES = 10;

const writer = new RdbWriter();

// ---------------------------------------------------------------------------------------------
// DUMP
// ---------------------------------------------------------------------------------------------

function dump(c: Client, argv: Argv): void {
  const db = c.db;
  const id = db.findArg(argv, 1, Lookup.Read);
  if (id === 0) {
    c.reply.nullBulk();
    return;
  }
  const w = writer;
  w.length = 0;
  const refusal = writeValue(c.engine.store, w, db, id);
  if (refusal !== null) {
    c.reply.error(refusal);
    return;
  }
  // A hash with field expiry needs RDB 12's types (Redis 7.4), which older servers refuse.
  const version = w.buf[0] === RdbType.HashMetadata || w.buf[0] === RdbType.HashListpackEx ? RDB_VERSION_FIELD_EXPIRY : RDB_VERSION_WRITTEN;
  w.byte(version & 0xff);
  w.byte(version >>> 8);
  w.bytes(new Crc64().update(w.buf, 0, w.length).bytes());
  c.reply.bulkBytes(w.buf, 0, w.length);
}

const readBackWriter = new RdbWriter();

/**
 * The elements of entry `id` whatever its encoding (its RDB form read back): what the AOF
 * rewrite without preamble and DEBUG DIGEST walk. A stream comes back as a Stream of its own.
 */
export function readStoredValue(store: Store, db: Database, id: number): RdbValue {
  const w = readBackWriter;
  w.length = 0;
  w.compress = false;
  const failure = writeValue(store, w, db, id);
  if (failure !== null) throw new Error(failure);
  return readValue(new RdbReader(w.buf.subarray(0, w.length), 1), w.buf[0]);
}

/** rdbSaveObjectType and rdbSaveObject for entry `id`; an error message when it cannot. */
export function writeValue(store: Store, w: RdbWriter, db: Database, id: number): string | null {
  const packed = db.isPacked(id);
  const image = (): Uint8Array => db.packedBuffer(id).subarray(db.packedOffset(id), db.packedOffset(id) + db.packedLength(id));
  switch (db.type(id)) {
    case ValueType.String:
      writeStringValue(w, db.stringBytes(id));
      return null;
    case ValueType.List:
      if (packed) writeListpackList(w, image());
      else writeQuicklist(w, quicklistNodes(db.object<QuickList>(id).toArray(), store.limits.listMaxListpackSize));
      return null;
    case ValueType.Set:
      if (isIntsetSet(db, id)) writeImage(w, RdbType.SetIntset, image());
      else writePlainSet(w, setMembers(db, id));
      return null;
    case ValueType.Hash: {
      if (packed) {
        if (isListpackEx(db, id)) writeListpackExHash(w, minDeadline(db, id), image());
        else writeImage(w, RdbType.HashListpack, image());
        return null;
      }
      const table = db.object<HashTable>(id);
      const pairs: string[] = [];
      for (let i = 0; i < table.fields.size; i++) pairs.push(table.fields.memberAt(i), table.fields.valueAt(i));
      if (table.hasDeadlines) {
        const deadlines: number[] = [];
        for (let i = 0; i < pairs.length; i += 2) deadlines.push(table.deadline(pairs[i]));
        writeHashWithDeadlines(w, minDeadline(db, id), pairs, deadlines);
      } else {
        writePlainHash(w, pairs);
      }
      return null;
    }
    case ValueType.ZSet: {
      if (packed) {
        writeImage(w, RdbType.ZSetListpack, image());
        return null;
      }
      const zset = db.object<SortedSet>(id);
      const members: string[] = [];
      const scores: number[] = [];
      for (let rank = zset.size - 1; rank >= 0; rank--) {
        members.push(zset.memberAt(rank));
        scores.push(zset.scoreAt(rank));
      }
      writeZSet2(w, members, scores);
      return null;
    }
    case ValueType.Stream:
      writeStream(w, db.object<Stream>(id));
      return null;
    default:
      return 'ERR DUMP of this type is not supported';
  }
}


// ---------------------------------------------------------------------------------------------
// RESTORE
// ---------------------------------------------------------------------------------------------

/** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
function restore(c: Client, argv: Argv): void {
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.count; j++) {
    const more = argv.count - j - 1;
    if (argv.is(j, 'REPLACE')) replace = true;
    else if (argv.is(j, 'ABSTTL')) absttl = true;
    else if (argv.is(j, 'IDLETIME') && more >= 1 && freq === -1) {
      const v = argInt64(argv, ++j);
      if (v === null) return c.reply.error(NOT_INTEGER);
      if (v < 0) return c.reply.error('ERR Invalid IDLETIME value, must be >= 0');
      idle = Number(v);
    } else if (argv.is(j, 'FREQ') && more >= 1 && idle === -1) {
      const v = argInt64(argv, ++j);
      if (v === null) return c.reply.error(NOT_INTEGER);
      if (v < 0 || v > 255) return c.reply.error('ERR Invalid FREQ value, must be >= 0 and <= 255');
      freq = Number(v);
    } else {
      return c.reply.error(SYNTAX);
    }
  }
  const db = c.db;
  if (!replace && db.findArg(argv, 1) !== 0) return c.reply.error('BUSYKEY Target key name already exists.');
  const ttlArg = argInt64(argv, 2);
  if (ttlArg === null) return c.reply.error(NOT_INTEGER);
  if (ttlArg < 0) return c.reply.error('ERR Invalid TTL value, must be >= 0');
  const payload = argv.buffer(3);
  if (!payloadIsSound(payload)) return c.reply.error(BAD_PAYLOAD);
  let value;
  try {
    const r = new RdbReader(payload, 0, payload.length - FOOTER_BYTES);
    value = readValue(r, r.byte());
  } catch (e) {
    if (e instanceof RdbFormatError) return c.reply.error(BAD_FORMAT);
    throw e;
  }
  const store = c.engine.store;
  const events = c.engine.events;
  let deleted = false;
  if (replace) {
    const old = db.findArg(argv, 1, Lookup.NoTouch);
    if (old !== 0) {
      db.delete(old);
      deleted = true;
    }
  }
  let at = Number(ttlArg);
  if (at !== 0 && !absttl) at += store.now();
  // checkAlreadyExpired: the value is not stored, and a key it replaced is gone.
  if (at !== 0 && at <= store.now() && !store.keepExpired) {
    if (deleted) {
      events.changedArg(db, argv, 1, Notify.Generic, 'del');
      c.engine.dirty++;
    }
    return c.reply.ok();
  }
  const id = storeValue(c, argv, 1, value);
  if (id === 0) {
    // A hash whose fields had all passed their deadlines: nothing to store.
    if (deleted) {
      events.changedArg(db, argv, 1, Notify.Generic, 'del');
      c.engine.dirty++;
    }
    return c.reply.ok();
  }
  if (at !== 0) db.setExpire(id, at);
  store.setAccessInfo(db, id, idle, freq);
  events.changedArg(db, argv, 1, Notify.Generic, 'restore');
  c.engine.dirty++;
  // A relative TTL replays as the deadline it gave (Redis rewrites it and adds ABSTTL).
  const propagation = c.engine.propagation;
  if (at !== 0 && !absttl && propagation.active) {
    const parts = argv.strs(0).map((a) => Buffer.from(a, 'latin1') as Uint8Array);
    parts[2] = Buffer.from(String(at), 'latin1');
    parts.push(Buffer.from('ABSTTL', 'latin1'));
    propagation.replaceWith(parts);
  }
  c.reply.ok();
}

/**
 * Set key argv[keyIndex] of the client's database to `value`, replacing any value and TTL, in
 * the encoding Redis gives a value it loads. Returns the entry, or 0 when nothing was left to
 * store (a hash whose fields had all passed their deadlines).
 */
export function storeValue(c: Client, argv: Argv, keyIndex: number, value: RdbValue): number {
  const db = c.db;
  const k = argv.bufs[keyIndex];
  const ks = argv.starts[keyIndex];
  const ke = argv.ends[keyIndex];
  switch (value.kind) {
    case 'string':
      return db.setString(k, ks, ke, value.bytes, 0, value.bytes.length);
    case 'list':
      writeWholeList(c, argv, keyIndex, value.elements);
      break;
    case 'set':
      buildStoredSet(c, argv, keyIndex, value.members);
      break;
    case 'hash': {
      if (value.deadlines === undefined) return storeHash(c, argv, keyIndex, value.pairs);
      // Fields already past their deadline are not loaded.
      const now = c.engine.store.now();
      const pairs: string[] = [];
      const deadlines: number[] = [];
      for (let i = 0; i < value.deadlines.length; i++) {
        const at = value.deadlines[i];
        if (at !== 0 && at <= now) continue;
        pairs.push(value.pairs[2 * i], value.pairs[2 * i + 1]);
        deadlines.push(at);
      }
      if (pairs.length === 0) return 0;
      return storeHashWithDeadlines(c, argv, keyIndex, pairs, deadlines);
    }
    case 'stream':
      return db.setObject(k, ks, ke, ValueType.Stream, value.stream);
    case 'zset': {
      const order = value.members.map((_, i) => i);
      order.sort((a, b) => value.scores[a] - value.scores[b] || (value.members[a] < value.members[b] ? -1 : value.members[a] > value.members[b] ? 1 : 0));
      return storeZSet(c, k, ks, ke, order.map((i) => value.members[i]), order.map((i) => value.scores[i]), order.length);
    }
  }
  return db.findArg(argv, keyIndex, Lookup.NoTouch);
}

/** verifyDumpPayload: long enough, a version this server reads, and the CRC64 right. */
function payloadIsSound(p: Buffer): boolean {
  if (p.length < FOOTER_BYTES) return false;
  const footer = p.length - FOOTER_BYTES;
  const version = p[footer] | (p[footer + 1] << 8);
  if (version > RDB_VERSION_READ) return false;
  return crc64(p, 0, p.length - 8) === p.readBigUInt64LE(p.length - 8);
}

export const dumpCommands: CommandEntry[] = [
  { name: 'dump', handler: dump },
  { name: 'restore', handler: restore },
];
