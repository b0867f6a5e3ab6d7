/**
 * Hash commands (Redis's t_hash.c), with Redis 7.4's per-field expiry (HEXPIRE and friends).
 *
 * A hash has the forms Redis gives it, and OBJECT ENCODING names them as Redis does:
 * - "listpack": field, value pairs packed in one listpack image in the Heap, in insertion order,
 *   while it has at most hash-max-listpack-entries fields and no field or value is longer than
 *   hash-max-listpack-value bytes. No JS object at all: a small hash costs its bytes.
 * - "listpackex": the same with a deadline after each pair, once a field of a small hash was
 *   given one (see types/hash-listpack.ts for the order of its triplets).
 * - "hashtable": a HashTable (types/hash-table.ts) held by handle, past those limits. Once a
 *   hash is a table it stays one, as in Redis.
 *
 * The first section below is the type's encoding-neutral API (find, set, delete, length,
 * convert), so the commands after it rarely care which form they have.
 *
 * Field expiry: a field past its deadline is invisible to every read, and the first command
 * that meets it deletes it (lazy expiry); HLEN alone still counts it until then, as Redis 7.4
 * does. Hashes whose fields have deadlines are also scheduled by their earliest deadline, and a
 * slice of the store's active expire cycle deletes due fields (at most FIELDS_PER_CYCLE per
 * cycle, as Redis's HFE_DB_BASE_ACTIVE_EXPIRE_FIELDS_PER_SEC / hz). A hash whose last field
 * expires is deleted.
 */

import { performance } from 'node:perf_hooks';
import type { Argv } from '../protocol/argv.js';
import { ClientFlag, type Client } from '../server/client.js';
import { Notify } from '../server/keyspace-events.js';
import { Lookup, type Database } from '../store/database.js';
import { base, CHUNK_SHIFT, EntryFlag, HASH, META, ValueType } from '../store/entries.js';
import { globMatch } from '../store/glob.js';
import type { EncodingLimits, Store } from '../store/store.js';
import { DueHashes } from '../types/field-expiry.js';
import {
  hashLpCountDue,
  hashLpDeadline,
  hashLpFind,
  hashLpLength,
  hashLpMinDeadline,
  ListpackEdit,
  type Stride,
} from '../types/hash-listpack.js';
import { HashTable } from '../types/hash-table.js';
import { EMPTY_LISTPACK, ListpackBuilder, lpCount, lpFirst, lpGet, lpNext, lpString, lpWriteBulk } from '../types/listpack.js';
import { LongDouble } from '../types/long-double.js';
import { addInt64, argInt64, parseInt64, randomCountArgs } from './args.js';
import {
  EXPIRE_NUMFIELDS_NOT_POSITIVE,
  FIELDS_KEYWORD_MISSING,
  HASH_VALUE_NOT_FLOAT,
  HASH_VALUE_NOT_INTEGER,
  invalidExpireTime,
  NAN_OR_INFINITY,
  NAN_OR_INFINITY_VALUE,
  NEGATIVE_EXPIRE_TIME,
  NOT_FLOAT,
  NOT_INTEGER,
  NUMFIELDS_MISMATCH,
  NUMFIELDS_NOT_POSITIVE,
  OVERFLOW,
  wrongArity,
  WRONGTYPE,
} from './errors.js';
import { collectionCopier, registerKeyType, startScan } from './keys.js';
import type { CommandEntry } from './types.js';

/**
 * The META flag of a packed hash whose image is a listpackex. Flags 1, 2 and 4 describe string
 * encodings only, so on a hash the first is free for this.
 */
const LISTPACK_EX = 1;

/** Redis 7.4's HFE_MAX_ABS_TIME_MSEC: deadlines stop at 2^46 - 1 ms (EB_EXPIRE_TIME_MAX >> 2). */
const MAX_DEADLINE = 2 ** 46 - 1;

/** Fields the active expiry deletes per cycle at most. */
const FIELDS_PER_CYCLE = 1000;

/** Redis's LISTPACK_MAX_SAFETY_SIZE: a listpack never grows past 1 GB. */
const LISTPACK_SAFETY_SIZE = 2 ** 30;

/**
 * HRANDFIELD with a negative count repeats fields as often as asked. Redis writes until the
 * client's output limit closes it; past this many reply bytes the client is closed here too.
 */
const RANDOM_REPLY_LIMIT = 512 * 1024 * 1024;

/** Redis's HRANDFIELD_SUB_STRATEGY_MUL. */
const SUB_STRATEGY_MUL = 3;

const EMPTY = new Uint8Array(0);

/** The one edit of a hash image in progress (commands run one at a time). */
const edit = new ListpackEdit();

/** Bytes of strings that must be read as bytes (a table's values, fields to match). */
let scratch = Buffer.allocUnsafe(256);

function toScratch(s: string): number {
  if (s.length > scratch.length) scratch = Buffer.allocUnsafe(Math.max(s.length, scratch.length * 2));
  return scratch.latin1Write(s, 0, s.length);
}

// ---------------------------------------------------------------------------------------------
// The hash type: lookups and the encoding-neutral API
// ---------------------------------------------------------------------------------------------

/** The hash at argv[i]: its entry, 0 when the key is missing, -1 after replying WRONGTYPE. */
function lookupHash(c: Client, argv: Argv, i: number, flags: Lookup): number {
  const db = c.db;
  const id = db.findArg(argv, i, flags);
  if (id !== 0 && db.type(id) !== ValueType.Hash) {
    c.reply.error(WRONGTYPE);
    return -1;
  }
  return id;
}

/** Does packed hash `id` keep deadlines beside its fields (three entries a field)? */
export function isListpackEx(db: Database, id: number): boolean {
  return (db.flags(id) & LISTPACK_EX) !== 0;
}

/** Entries per field of packed hash `id`. */
function strideOf(db: Database, id: number): Stride {
  return isListpackEx(db, id) ? 3 : 2;
}

/** Fields of hash `id`, those past their deadline but not yet deleted included (HLEN). */
function hashLength(db: Database, id: number): number {
  if (!db.isPacked(id)) return db.object<HashTable>(id).size;
  return hashLpLength(db.packedBuffer(id), db.packedOffset(id), strideOf(db, id));
}

/** Start the edit of packed hash `id`'s image. */
function beginEdit(db: Database, id: number): ListpackEdit {
  return edit.begin(db.packedBuffer(id), db.packedOffset(id));
}

/** Store what the edit made as hash `id`'s image. */
function commitEdit(db: Database, id: number): void {
  if (edit.edited) db.replacePacked(id, edit.b, edit.lp, edit.lp + edit.length);
}

/**
 * Set key argv[keyIndex] to a hash of `pairs` (field, value, ...; fields unique), replacing any
 * value and TTL, in the encoding Redis gives a hash loaded whole: a listpack within
 * hash-max-listpack-entries and -value, else a table.
 */
export function storeHash(c: Client, argv: Argv, keyIndex: number, pairs: readonly string[]): number {
  const k = argv.bufs[keyIndex];
  const ks = argv.starts[keyIndex];
  const ke = argv.ends[keyIndex];
  if (fitsListpack(c.engine.store.limits, pairs)) {
    wholeBuilder.reset();
    for (const s of pairs) wholeBuilder.pushString(s);
    const n = wholeBuilder.finish();
    return c.db.setPacked(k, ks, ke, ValueType.Hash, wholeBuilder.buf, 0, n);
  }
  const table = new HashTable();
  for (let i = 0; i < pairs.length; i += 2) table.fields.set(pairs[i], pairs[i + 1]);
  return c.db.setObject(k, ks, ke, ValueType.Hash, table);
}

const wholeBuilder = new ListpackBuilder();

/** Can a hash of `pairs` (field, value, ...) be a listpack under the hash-max-listpack limits? */
function fitsListpack(limits: EncodingLimits, pairs: readonly string[]): boolean {
  if (pairs.length / 2 > limits.hashMaxListpackEntries) return false;
  let total = 0;
  for (const s of pairs) {
    total += s.length;
    if (s.length > limits.hashMaxListpackValue || total > LISTPACK_SAFETY_SIZE) return false;
  }
  return true;
}

/**
 * storeHash() for fields of which some have deadlines (`deadlines[i]` for field i, 0 for none;
 * none in the past): a listpackex, its triplets in deadline order as Redis 7.4 keeps them, when
 * within the listpack limits, else a table; either way scheduled for the active expiry.
 */
export function storeHashWithDeadlines(c: Client, argv: Argv, keyIndex: number, pairs: readonly string[], deadlines: readonly number[]): number {
  if (deadlines.every((at) => at === 0)) return storeHash(c, argv, keyIndex, pairs);
  const db = c.db;
  const k = argv.bufs[keyIndex];
  const ks = argv.starts[keyIndex];
  const ke = argv.ends[keyIndex];
  let id: number;
  if (fitsListpack(c.engine.store.limits, pairs)) {
    const order = deadlines.map((_, i) => i);
    // Earliest first, fields without a deadline last (stable).
    order.sort((a, b) => (deadlines[a] === 0 ? Infinity : deadlines[a]) - (deadlines[b] === 0 ? Infinity : deadlines[b]) || a - b);
    wholeBuilder.reset();
    for (const i of order) {
      wholeBuilder.pushString(pairs[2 * i]);
      wholeBuilder.pushString(pairs[2 * i + 1]);
      wholeBuilder.pushNumber(deadlines[i]);
    }
    const n = wholeBuilder.finish();
    id = db.setPacked(k, ks, ke, ValueType.Hash, wholeBuilder.buf, 0, n);
    db.setFlags(id, EntryFlag.Packed | LISTPACK_EX);
  } else {
    const table = new HashTable();
    for (let i = 0; i < pairs.length; i += 2) {
      table.fields.set(pairs[i], pairs[i + 1]);
      if (deadlines[i / 2] !== 0) table.setDeadline(pairs[i], deadlines[i / 2]);
    }
    id = db.setObject(k, ks, ke, ValueType.Hash, table);
  }
  fieldExpiryState(c.engine.store).due.schedule(id, minDeadline(db, id));
  return id;
}

/** Does any hash of the store have field deadlines (so a snapshot needs RDB 12's types)? */
export function anyFieldDeadlines(store: Store): boolean {
  const state = stateByStore.get(store);
  return state !== undefined && state.due.size > 0;
}

/** Convert packed hash `id` to its table form (Redis's hashTypeConvert to OBJ_ENCODING_HT). */
function convertToTable(db: Database, id: number): HashTable {
  const b = db.packedBuffer(id);
  const lp = db.packedOffset(id);
  const ex = isListpackEx(db, id);
  const table = new HashTable();
  for (let p = lpFirst(b, lp); p !== -1; ) {
    const field = lpString(b, p);
    const v = lpNext(b, p);
    table.fields.set(field, lpString(b, v));
    p = lpNext(b, v);
    if (ex) {
      const at = Number(lpGet(b, p).int);
      if (at !== 0) table.setDeadline(field, at);
      p = lpNext(b, p);
    }
  }
  db.replaceObject(id, table);
  return table;
}

/**
 * hashTypeTryConversion: may the pairs argv[from], argv[from + 1], ... join a listpack of
 * `bytes` bytes? Not when there are more of them than hash-max-listpack-entries, one is longer
 * than hash-max-listpack-value, or the listpack would pass 1 GB.
 */
function pairsFitListpack(c: Client, argv: Argv, from: number, bytes: number): boolean {
  const limits = c.engine.store.limits;
  if ((argv.count - from) / 2 > limits.hashMaxListpackEntries) return false;
  let sum = 0;
  for (let j = from; j < argv.count; j++) {
    const n = argv.len(j);
    if (n > limits.hashMaxListpackValue) return false;
    sum += n;
  }
  return bytes + sum <= LISTPACK_SAFETY_SIZE;
}

/**
 * Set a field in the image being edited; returns true when the field is new. A new field goes
 * last; a listpackex field loses its deadline unless `keepDeadline` (and is then moved to the
 * end, as Redis moves it).
 */
function editSet(
  stride: Stride,
  f: Uint8Array,
  fs: number,
  fe: number,
  v: Uint8Array,
  vs: number,
  ve: number,
  keepDeadline: boolean,
): boolean {
  const p = hashLpFind(edit.b, edit.lp, f, fs, fe, stride);
  if (p === -1) {
    if (stride === 2) edit.appendPair(f, fs, fe, v, vs, ve);
    else edit.insertTriplet(f, fs, fe, v, vs, ve, 0);
    return true;
  }
  const vp = lpNext(edit.b, p);
  if (stride === 3 && !keepDeadline && hashLpDeadline(edit.b, vp) !== 0) {
    edit.delete(p, 3);
    edit.insertTriplet(f, fs, fe, v, vs, ve, 0);
  } else {
    edit.replace(vp, v, vs, ve);
  }
  return false;
}

/** After a write that added fields: past hash-max-listpack-entries a listpack becomes a table. */
function convertIfLong(c: Client, id: number): void {
  const db = c.db;
  if (db.isPacked(id) && hashLength(db, id) > c.engine.store.limits.hashMaxListpackEntries) convertToTable(db, id);
}

/**
 * hashTypeSet for one field: set field argv[fi] of hash `id` (0: create the key argv[1]) to
 * v[vs, ve), keeping the field's deadline when `keepDeadline` (HINCRBY, HINCRBYFLOAT).
 */
function setField(c: Client, argv: Argv, id: number, fi: number, v: Uint8Array, vs: number, ve: number, keepDeadline: boolean): void {
  const db = c.db;
  const limits = c.engine.store.limits;
  const short = argv.len(fi) <= limits.hashMaxListpackValue && ve - vs <= limits.hashMaxListpackValue;
  if (id === 0) {
    if (short && limits.hashMaxListpackEntries >= 1) {
      edit.begin(EMPTY_LISTPACK, 0);
      editSet(2, argv.bufs[fi], argv.starts[fi], argv.ends[fi], v, vs, ve, false);
      db.setPacked(argv.bufs[1], argv.starts[1], argv.ends[1], ValueType.Hash, edit.b, edit.lp, edit.lp + edit.length);
    } else {
      const table = new HashTable();
      table.set(argv.str(fi), latin1(v, vs, ve));
      db.setObject(argv.bufs[1], argv.starts[1], argv.ends[1], ValueType.Hash, table);
    }
    return;
  }
  if (db.isPacked(id) && (!short || db.packedLength(id) + argv.len(fi) + ve - vs > LISTPACK_SAFETY_SIZE)) convertToTable(db, id);
  if (db.isPacked(id)) {
    beginEdit(db, id);
    editSet(strideOf(db, id), argv.bufs[fi], argv.starts[fi], argv.ends[fi], v, vs, ve, keepDeadline);
    commitEdit(db, id);
    convertIfLong(c, id);
    return;
  }
  db.object<HashTable>(id).set(argv.str(fi), latin1(v, vs, ve), keepDeadline);
}

function latin1(b: Uint8Array, start: number, end: number): string {
  return Buffer.prototype.latin1Slice.call(b, start, end) as string;
}

// ---------------------------------------------------------------------------------------------
// Finding a field, with lazy expiry
// ---------------------------------------------------------------------------------------------

const enum Found {
  /** No such field (or it had expired and was deleted). */
  Missing,
  /** In the packed image: the value entry is at `foundAt` in db.packedBuffer(id). */
  Packed,
  /** In the table: the value is `foundValue`. */
  Table,
  /** The field had expired, and with it deleted, the hash was empty and is gone. */
  HashDeleted,
}

let foundAt = 0;
let foundValue = '';

/** hashTypeGetValue: look field argv[i] up in hash `id`, deleting it if it has expired. */
function findField(c: Client, id: number, argv: Argv, i: number): Found {
  const db = c.db;
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    const ex = isListpackEx(db, id);
    const p = hashLpFind(b, lp, argv.bufs[i], argv.starts[i], argv.ends[i], ex ? 3 : 2);
    if (p === -1) return Found.Missing;
    const v = lpNext(b, p);
    if (ex) {
      const at = hashLpDeadline(b, v);
      if (at !== 0 && at < c.engine.store.now()) return expireFieldLazily(c, id, p, '');
    }
    foundAt = v;
    return Found.Packed;
  }
  const table = db.object<HashTable>(id);
  const value = table.fields.getBytes(argv.bufs[i], argv.starts[i], argv.ends[i]);
  if (value === undefined) return Found.Missing;
  if (table.expiry !== null) {
    const field = argv.str(i);
    const at = table.expiry.get(field);
    if (at !== undefined && at < c.engine.store.now()) return expireFieldLazily(c, id, -1, field);
  }
  foundValue = value;
  return Found.Table;
}

/**
 * Delete an expired field met by a read (at `p` in the image, or `field` of the table), and the
 * hash with it when it was the last. Where expired data must stay (a replica), nothing is
 * deleted and the field only reads as missing.
 */
function expireFieldLazily(c: Client, id: number, p: number, field: string): Found {
  if (c.engine.store.keepExpired) return Found.Missing;
  const db = c.db;
  if (p >= 0) {
    beginEdit(db, id).delete(p, 3);
    commitEdit(db, id);
  } else {
    db.object<HashTable>(id).delete(field);
  }
  const key = db.keyString(id);
  const emptied = hashLength(db, id) === 0;
  if (emptied) db.delete(id);
  fieldsExpired(c.engine.store, db, key, emptied);
  return emptied ? Found.HashDeleted : Found.Missing;
}

function fieldsExpired(store: Store, db: Database, key: string, keyDeleted: boolean): void {
  const hook = store.onFieldsExpired;
  if (hook !== null) hook(db, key, keyDeleted);
}

/** The field entry after field entry `p` of a hash image of `stride` entries per field, or -1. */
function nextField(b: Uint8Array, p: number, stride: Stride): number {
  const q = lpNext(b, lpNext(b, p));
  return stride === 3 && q !== -1 ? lpNext(b, q) : q;
}

/**
 * The first field entry from `p` on (-1 included) that is live at `now`: in a listpackex, one
 * without a deadline or whose deadline has not passed.
 */
function liveField(b: Uint8Array, p: number, stride: Stride, now: number): number {
  if (stride === 2) return p;
  while (p !== -1) {
    const at = hashLpDeadline(b, lpNext(b, p));
    if (at === 0 || at >= now) return p;
    p = nextField(b, p, 3);
  }
  return -1;
}

/**
 * The value of `field` in hash `id` as a latin1 string, or null when it is missing or past its
 * deadline (SORT's BY and GET patterns read hash fields through this; nothing is deleted).
 */
export function hashFieldValue(db: Database, id: number, field: string, now: number): string | null {
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    const ex = isListpackEx(db, id);
    const n = toScratch(field);
    const p = hashLpFind(b, lp, scratch, 0, n, ex ? 3 : 2);
    if (p === -1) return null;
    const v = lpNext(b, p);
    if (ex) {
      const at = hashLpDeadline(b, v);
      if (at !== 0 && at < now) return null;
    }
    return lpString(b, v);
  }
  const table = db.object<HashTable>(id);
  const value = table.fields.get(field);
  if (value === undefined) return null;
  const at = table.expiry?.get(field);
  return at !== undefined && at < now ? null : value;
}

/** Reply with what findField found. */
function replyFound(c: Client, id: number, found: Found): void {
  if (found === Found.Packed) lpWriteBulk(c.reply, c.db.packedBuffer(id), foundAt);
  else if (found === Found.Table) c.reply.bulk(foundValue);
  else c.reply.nullBulk();
}

// ---------------------------------------------------------------------------------------------
// Field expiry: deadlines per hash, and the active expiry of due fields
// ---------------------------------------------------------------------------------------------

/** The hashes of a store whose fields have deadlines, for its active expire cycle. */
interface FieldExpiryState {
  readonly store: Store;
  readonly due: DueHashes;
}

const stateByStore = new WeakMap<Store, FieldExpiryState>();
const stateByDatabase = new WeakMap<Database, FieldExpiryState>();

/** The store's schedule of hashes with deadlines, created (and hooked into expiry) on first use. */
function fieldExpiryState(store: Store): FieldExpiryState {
  const known = stateByStore.get(store);
  if (known !== undefined) return known;
  const state: FieldExpiryState = { store, due: new DueHashes() };
  stateByStore.set(store, state);
  for (const db of store.databases) stateByDatabase.set(db, state);
  store.activeExpireHooks.push((deadline) => activeExpireFields(state, deadline));
  return state;
}

/** The earliest deadline of hash `id`'s fields, or 0 when none has one. */
export function minDeadline(db: Database, id: number): number {
  if (db.isPacked(id)) return isListpackEx(db, id) ? hashLpMinDeadline(db.packedBuffer(id), db.packedOffset(id)) : 0;
  const expiry = db.object<HashTable>(id).expiry;
  return expiry === null ? 0 : expiry.min();
}

/** Schedule hash `id` of `db` for the active expiry if any of its fields has a deadline. */
function scheduleExpiry(db: Database, id: number): void {
  const state = stateByDatabase.get(db);
  const at = minDeadline(db, id);
  if (state !== undefined && at !== 0) state.due.schedule(id, at);
}

/** Delete up to `quota` fields of hash `id` due at `now` (deadline <= now); returns how many. */
function deleteDueFields(db: Database, id: number, now: number, quota: number): number {
  if (db.isPacked(id)) {
    if (!isListpackEx(db, id)) return 0;
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    const due = Math.min(quota, hashLpCountDue(b, lp, now + 1));
    if (due > 0) {
      beginEdit(db, id).delete(lpFirst(b, lp), 3 * due);
      commitEdit(db, id);
    }
    return due;
  }
  const table = db.object<HashTable>(id);
  const expiry = table.expiry;
  if (expiry === null) return 0;
  let deleted = 0;
  for (; deleted < quota; deleted++) {
    const field = expiry.popDue(now);
    if (field === null) break;
    table.fields.delete(field);
  }
  return deleted;
}

/**
 * Delete every field of hash `id` that is past its deadline, and the hash if none is left
 * (hashTypeExpireIfNeeded, before HRANDFIELD). Returns true when the hash was deleted.
 */
function expireAllDue(c: Client, id: number): boolean {
  const db = c.db;
  const store = c.engine.store;
  const first = minDeadline(db, id);
  if (first === 0 || first >= store.now() || store.keepExpired) return false;
  deleteDueFields(db, id, store.now(), Infinity);
  const key = db.keyString(id);
  const emptied = hashLength(db, id) === 0;
  if (emptied) db.delete(id);
  fieldsExpired(store, db, key, emptied);
  return emptied;
}

/** The database whose keyspace holds entry `id` as a hash, or null (deleted, reused, retyped). */
function databaseOfHash(store: Store, id: number): Database | null {
  const entries = store.entries;
  if (id >>> CHUNK_SHIFT >= entries.chunks.length) return null;
  const c = entries.chunk(id);
  const o = base(id);
  if (c[o + META] >>> 28 !== ValueType.Hash) return null;
  const databases = store.databases;
  const len = databases[0].keyLength(id);
  const key = len === 0 ? EMPTY : databases[0].keyBuffer(id);
  const off = databases[0].keyOffset(id);
  for (let i = 0; i < databases.length; i++) {
    if (databases[i].dict.find(c[o + HASH], key, off, off + len) === id) return databases[i];
  }
  return null;
}

/** One slice of field expiry: due hashes in deadline order, until the quota or the deadline. */
function activeExpireFields(state: FieldExpiryState, deadline: number): void {
  const store = state.store;
  const now = store.now();
  let quota = FIELDS_PER_CYCLE;
  for (let visited = 1; quota > 0; visited++) {
    const id = state.due.popDue(now);
    if (id === 0) return;
    const db = databaseOfHash(store, id);
    // A hash whose key has expired goes with its key.
    if (db !== null && !(db.expireAt(id) !== 0 && db.expireAt(id) < now)) {
      quota -= deleteDueFields(db, id, now, quota);
      const key = store.onFieldsExpired === null ? '' : db.keyString(id);
      const emptied = hashLength(db, id) === 0;
      if (emptied) db.delete(id);
      else {
        const next = minDeadline(db, id);
        if (next !== 0) state.due.schedule(id, next);
      }
      fieldsExpired(store, db, key, emptied);
    }
    if ((visited & 15) === 0 && performance.now() >= deadline) return;
  }
}

// ---------------------------------------------------------------------------------------------
// HSET, HMSET, HSETNX
// ---------------------------------------------------------------------------------------------

function hsetGeneric(c: Client, argv: Argv, name: string): void {
  if (argv.count % 2 !== 0) {
    c.reply.error(wrongArity(name));
    return;
  }
  const db = c.db;
  let id = lookupHash(c, argv, 1, Lookup.Normal);
  if (id < 0) return;
  let created = 0;
  if (id === 0 || db.isPacked(id)) {
    const bytes = id === 0 ? 0 : db.packedLength(id);
    if (pairsFitListpack(c, argv, 2, bytes)) {
      const stride = id === 0 ? 2 : strideOf(db, id);
      if (id === 0) edit.begin(EMPTY_LISTPACK, 0);
      else beginEdit(db, id);
      for (let j = 2; j < argv.count; j += 2) {
        if (editSet(stride, argv.bufs[j], argv.starts[j], argv.ends[j], argv.bufs[j + 1], argv.starts[j + 1], argv.ends[j + 1], false)) created++;
      }
      if (id === 0) id = db.setPacked(argv.bufs[1], argv.starts[1], argv.ends[1], ValueType.Hash, edit.b, edit.lp, edit.lp + edit.length);
      else commitEdit(db, id);
      convertIfLong(c, id);
      replyHset(c, argv, name, created);
      return;
    }
    if (id === 0) id = db.setObject(argv.bufs[1], argv.starts[1], argv.ends[1], ValueType.Hash, new HashTable());
    else convertToTable(db, id);
  }
  const table = db.object<HashTable>(id);
  const fields = table.fields;
  for (let j = 2; j < argv.count; j += 2) {
    const i = fields.indexOfBytes(argv.bufs[j], argv.starts[j], argv.ends[j]);
    if (i < 0) {
      fields.add(argv.str(j), argv.str(j + 1));
      created++;
      continue;
    }
    // Rewriting a value with the same bytes (a cache refreshing a field) allocates nothing.
    if (!argEquals(argv, j + 1, fields.valueAt(i))) fields.setValueAt(i, argv.str(j + 1));
    if (table.expiry !== null) table.removeDeadline(fields.memberAt(i));
  }
  replyHset(c, argv, name, created);
}

/** Are the bytes of argv[i] those of the latin1 string `s`? */
function argEquals(argv: Argv, i: number, s: string): boolean {
  const b = argv.bufs[i];
  const start = argv.starts[i];
  const n = argv.ends[i] - start;
  if (n !== s.length) return false;
  for (let k = 0; k < n; k++) if (b[start + k] !== s.charCodeAt(k)) return false;
  return true;
}

function replyHset(c: Client, argv: Argv, name: string, created: number): void {
  c.engine.events.changedArg(c.db, argv, 1, Notify.Hash, 'hset');
  c.engine.dirty += (argv.count - 2) / 2;
  if (name === 'hset') c.reply.integer(created);
  else c.reply.ok();
}

function hset(c: Client, argv: Argv): void {
  hsetGeneric(c, argv, 'hset');
}

function hmset(c: Client, argv: Argv): void {
  hsetGeneric(c, argv, 'hmset');
}

function hsetnx(c: Client, argv: Argv): void {
  let id = lookupHash(c, argv, 1, Lookup.Normal);
  if (id < 0) return;
  if (id !== 0) {
    const found = findField(c, id, argv, 2);
    if (found === Found.Packed || found === Found.Table) {
      c.reply.integer(0);
      return;
    }
    if (found === Found.HashDeleted) id = 0;
  }
  setField(c, argv, id, 2, argv.bufs[3], argv.starts[3], argv.ends[3], false);
  c.engine.events.changedArg(c.db, argv, 1, Notify.Hash, 'hset');
  c.engine.dirty++;
  c.reply.integer(1);
}

// ---------------------------------------------------------------------------------------------
// HGET, HMGET, HEXISTS, HSTRLEN, HLEN, HDEL
// ---------------------------------------------------------------------------------------------

function hget(c: Client, argv: Argv): void {
  const id = lookupHash(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  if (id === 0) c.reply.nullBulk();
  else replyFound(c, id, findField(c, id, argv, 2));
}

function hmget(c: Client, argv: Argv): void {
  let id = lookupHash(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  c.reply.arrayLen(argv.count - 2);
  for (let j = 2; j < argv.count; j++) {
    if (id === 0) {
      c.reply.nullBulk();
      continue;
    }
    const found = findField(c, id, argv, j);
    // Once the last field expired the hash is gone: the rest are nulls.
    if (found === Found.HashDeleted) id = 0;
    replyFound(c, id, found);
  }
}

function hexists(c: Client, argv: Argv): void {
  const id = lookupHash(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  if (id === 0) {
    c.reply.integer(0);
    return;
  }
  const found = findField(c, id, argv, 2);
  c.reply.integer(found === Found.Packed || found === Found.Table ? 1 : 0);
}

function hstrlen(c: Client, argv: Argv): void {
  const id = lookupHash(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  const found = id === 0 ? Found.Missing : findField(c, id, argv, 2);
  if (found === Found.Packed) {
    const e = lpGet(c.db.packedBuffer(id), foundAt);
    c.reply.integer(e.isInt ? String(e.int).length : e.end - e.start);
  } else if (found === Found.Table) {
    c.reply.integer(foundValue.length);
  } else {
    c.reply.integer(0);
  }
}

function hlen(c: Client, argv: Argv): void {
  const id = lookupHash(c, argv, 1, Lookup.Read);
  if (id >= 0) c.reply.integer(id === 0 ? 0 : hashLength(c.db, id));
}

/** HDEL deletes a field whether or not it has expired (Redis does not look). */
function hdel(c: Client, argv: Argv): void {
  const id = lookupHash(c, argv, 1, Lookup.Normal);
  if (id < 0) return;
  if (id === 0) {
    c.reply.integer(0);
    return;
  }
  const db = c.db;
  let deleted = 0;
  let keyRemoved = false;
  if (db.isPacked(id)) {
    const stride = strideOf(db, id);
    beginEdit(db, id);
    for (let j = 2; j < argv.count; j++) {
      const p = hashLpFind(edit.b, edit.lp, argv.bufs[j], argv.starts[j], argv.ends[j], stride);
      if (p === -1) continue;
      edit.delete(p, stride);
      deleted++;
      if (lpCount(edit.b, edit.lp) === 0) {
        keyRemoved = true;
        break;
      }
    }
    if (keyRemoved) db.delete(id);
    else commitEdit(db, id);
  } else {
    const table = db.object<HashTable>(id);
    for (let j = 2; j < argv.count; j++) {
      if (!table.delete(argv.str(j))) continue;
      deleted++;
      if (table.size === 0) {
        db.delete(id);
        keyRemoved = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    const events = c.engine.events;
    events.changedArg(db, argv, 1, Notify.Hash, 'hdel');
    if (keyRemoved) events.notifyArg(Notify.Generic, 'del', db, argv, 1);
    c.engine.dirty += deleted;
  }
  c.reply.integer(deleted);
}

// ---------------------------------------------------------------------------------------------
// HGETALL, HKEYS, HVALS
// ---------------------------------------------------------------------------------------------

const enum Part {
  Fields = 1,
  Values = 2,
  Both = 3,
}

/** genericHgetallCommand: every live field and/or value (expired ones skipped, not deleted). */
function hgetallGeneric(c: Client, argv: Argv, part: Part): void {
  const id = lookupHash(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  const r = c.reply;
  if (id === 0) {
    if (part === Part.Both) r.mapLen(0);
    else r.arrayLen(0);
    return;
  }
  const db = c.db;
  const now = c.engine.store.now();
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    const stride = strideOf(db, id);
    const n = hashLpLength(b, lp, stride) - (stride === 3 ? hashLpCountDue(b, lp, now) : 0);
    if (part === Part.Both) r.mapLen(n);
    else r.arrayLen(n);
    for (let p = liveField(b, lpFirst(b, lp), stride, now); p !== -1; p = liveField(b, nextField(b, p, stride), stride, now)) {
      if ((part & Part.Fields) !== 0) lpWriteBulk(r, b, p);
      if ((part & Part.Values) !== 0) lpWriteBulk(r, b, lpNext(b, p));
    }
    return;
  }
  const table = db.object<HashTable>(id);
  const fields = table.fields;
  const expiry = table.hasDeadlines ? table.expiry : null;
  let expired = 0;
  expiry?.forEach((at) => {
    if (at < now) expired++;
  });
  if (part === Part.Both) r.mapLen(fields.size - expired);
  else r.arrayLen(fields.size - expired);
  for (let i = 0; i < fields.size; i++) {
    if (expiry !== null) {
      const at = expiry.get(fields.memberAt(i));
      if (at !== undefined && at < now) continue;
    }
    if ((part & Part.Fields) !== 0) r.bulk(fields.memberAt(i));
    if ((part & Part.Values) !== 0) r.bulk(fields.valueAt(i));
  }
}

function hgetall(c: Client, argv: Argv): void {
  hgetallGeneric(c, argv, Part.Both);
}

function hkeys(c: Client, argv: Argv): void {
  hgetallGeneric(c, argv, Part.Fields);
}

function hvals(c: Client, argv: Argv): void {
  hgetallGeneric(c, argv, Part.Values);
}

// ---------------------------------------------------------------------------------------------
// HINCRBY, HINCRBYFLOAT
// ---------------------------------------------------------------------------------------------

/** Room for any int64 in decimal. */
const digits = Buffer.alloc(24);

/**
 * The hash for an increment of field argv[2]: the entry (0 when the key is missing or its last
 * field just expired), -1 after an error reply. The field's current value is left by findField.
 */
function incrementTarget(c: Client, argv: Argv): [id: number, found: Found] {
  const id = lookupHash(c, argv, 1, Lookup.Normal);
  if (id <= 0) return [id, Found.Missing];
  const found = findField(c, id, argv, 2);
  return [found === Found.HashDeleted ? 0 : id, found];
}

function hincrby(c: Client, argv: Argv): void {
  const by = argInt64(argv, 3);
  if (by === null) {
    c.reply.error(NOT_INTEGER);
    return;
  }
  const [id, found] = incrementTarget(c, argv);
  if (id < 0) return;
  let value: number | bigint | null = 0;
  if (found === Found.Packed) {
    const b = c.db.packedBuffer(id);
    const e = lpGet(b, foundAt);
    value = e.isInt ? e.int : parseInt64(b, e.start, e.end);
  } else if (found === Found.Table) {
    value = foundValue.length > 20 ? null : parseInt64(scratch, 0, toScratch(foundValue));
  }
  if (value === null) {
    c.reply.error(HASH_VALUE_NOT_INTEGER);
    return;
  }
  const result = addInt64(value, by);
  if (result === null) {
    c.reply.error(OVERFLOW);
    return;
  }
  const text = String(result);
  const n = digits.latin1Write(text, 0, text.length);
  setField(c, argv, id, 2, digits, 0, n, true);
  c.engine.events.changedArg(c.db, argv, 1, Notify.Hash, 'hincrby');
  c.engine.dirty++;
  if (typeof result === 'number') c.reply.integer(result);
  else c.reply.bigInteger(result);
}

function hincrbyfloat(c: Client, argv: Argv): void {
  const by = LongDouble.parse(argv.bufs[3], argv.starts[3], argv.ends[3]);
  if (by === null) {
    c.reply.error(NOT_FLOAT);
    return;
  }
  if (!by.isFinite()) {
    c.reply.error(NAN_OR_INFINITY_VALUE);
    return;
  }
  const [id, found] = incrementTarget(c, argv);
  if (id < 0) return;
  let value: LongDouble | null = LongDouble.ZERO;
  if (found === Found.Packed) {
    const b = c.db.packedBuffer(id);
    const e = lpGet(b, foundAt);
    value = e.isInt ? LongDouble.fromInteger(e.int) : LongDouble.parse(b, e.start, e.end);
  } else if (found === Found.Table) {
    value = LongDouble.parse(scratch, 0, toScratch(foundValue));
  }
  if (value === null) {
    c.reply.error(HASH_VALUE_NOT_FLOAT);
    return;
  }
  const sum = value.add(by);
  if (!sum.isFinite()) {
    c.reply.error(NAN_OR_INFINITY);
    return;
  }
  const text = sum.toHumanString();
  const n = toScratch(text);
  setField(c, argv, id, 2, scratch, 0, n, true);
  c.engine.events.changedArg(c.db, argv, 1, Notify.Hash, 'hincrbyfloat');
  c.engine.dirty++;
  // The sum replays exactly, whatever the float arithmetic of the replaying server.
  const propagation = c.engine.propagation;
  if (propagation.active) propagation.replaceWith(['HSET', argv.buffer(1), argv.buffer(2), text]);
  c.reply.bulk(text);
}

// ---------------------------------------------------------------------------------------------
// HRANDFIELD
// ---------------------------------------------------------------------------------------------

/** Offsets of a listpack's field entries, for random picks. */
let fieldOffsets = new Int32Array(128);

function collectFieldOffsets(b: Uint8Array, lp: number, stride: Stride): number {
  const n = hashLpLength(b, lp, stride);
  if (fieldOffsets.length < n) fieldOffsets = new Int32Array(Math.max(n, fieldOffsets.length * 2));
  let i = 0;
  for (let p = lpFirst(b, lp); p !== -1; p = nextField(b, p, stride)) fieldOffsets[i++] = p;
  return n;
}

function randomIndex(n: number): number {
  return Math.floor(Math.random() * n);
}

/** A field (and its value) of hash `id`, as one element of HRANDFIELD's reply. */
function replyPackedPair(c: Client, b: Uint8Array, p: number, withValues: boolean): void {
  if (withValues && c.protocol === 3) c.reply.arrayLen(2);
  lpWriteBulk(c.reply, b, p);
  if (withValues) lpWriteBulk(c.reply, b, lpNext(b, p));
}

function replyTablePair(c: Client, table: HashTable, i: number, withValues: boolean): void {
  if (withValues && c.protocol === 3) c.reply.arrayLen(2);
  c.reply.bulk(table.fields.memberAt(i));
  if (withValues) c.reply.bulk(table.fields.valueAt(i));
}

/** The reply's array header for `count` picks (RESP2 flattens the pairs). */
function replyRandomHeader(c: Client, count: number | bigint, withValues: boolean): void {
  const n = withValues && c.protocol === 2 ? (typeof count === 'bigint' ? count * 2n : count * 2) : count;
  if (typeof n === 'number' && Number.isSafeInteger(n)) c.reply.arrayLen(n);
  else c.reply.raw(`*${BigInt(n)}\r\n`);
}

/** HRANDFIELD key count [WITHVALUES]: the cases of Redis 7.2's hrandfieldWithCountCommand. */
function hrandfieldWithCount(c: Client, argv: Argv, count: number | bigint, withValues: boolean): void {
  const id = lookupHash(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  if (id === 0 || count === 0 || count === 0n || expireAllDue(c, id)) {
    c.reply.arrayLen(0);
    return;
  }
  const db = c.db;
  const size = hashLength(db, id);
  const unique = count > 0;
  const wanted = unique ? count : -count;
  // CASE 1: a negative count, or 1: independent picks, repeats allowed, in random order.
  if (!unique || wanted === 1) {
    replyRandomHeader(c, wanted, withValues);
    const n = typeof wanted === 'bigint' ? Number.MAX_SAFE_INTEGER : wanted;
    if (db.isPacked(id)) {
      const b = db.packedBuffer(id);
      const fields = collectFieldOffsets(b, db.packedOffset(id), strideOf(db, id));
      for (let k = 0; k < n; k++) {
        replyPackedPair(c, b, fieldOffsets[randomIndex(fields)], withValues);
        if (c.reply.length > RANDOM_REPLY_LIMIT) break;
      }
    } else {
      const table = db.object<HashTable>(id);
      for (let k = 0; k < n; k++) {
        replyTablePair(c, table, table.fields.randomIndex(), withValues);
        if (c.reply.length > RANDOM_REPLY_LIMIT) break;
      }
    }
    if (c.reply.length > RANDOM_REPLY_LIMIT) c.flags |= ClientFlag.CloseAsap;
    return;
  }
  const pick = Number(wanted);
  // CASE 2: as many as the hash has or more: the whole hash, in its order.
  if (pick >= size) {
    replyRandomHeader(c, size, withValues);
    if (db.isPacked(id)) {
      const b = db.packedBuffer(id);
      const stride = strideOf(db, id);
      for (let p = lpFirst(b, db.packedOffset(id)); p !== -1; p = nextField(b, p, stride)) replyPackedPair(c, b, p, withValues);
    } else {
      const table = db.object<HashTable>(id);
      for (let i = 0; i < size; i++) replyTablePair(c, table, i, withValues);
    }
    return;
  }
  replyRandomHeader(c, pick, withValues);
  // CASE 2.5, a listpack: a uniform sample of distinct fields, in the listpack's order.
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const fields = collectFieldOffsets(b, db.packedOffset(id), strideOf(db, id));
    let needed = pick;
    for (let i = 0; i < fields && needed > 0; i++) {
      if (Math.random() * (fields - i) < needed) {
        replyPackedPair(c, b, fieldOffsets[i], withValues);
        needed--;
      }
    }
    return;
  }
  const table = db.object<HashTable>(id);
  // CASE 3: most of the hash: drop random fields from a copy of the indexes.
  if (pick * SUB_STRATEGY_MUL > size) {
    const order = new Uint32Array(size);
    for (let i = 0; i < size; i++) order[i] = i;
    for (let i = 0; i < pick; i++) {
      const j = i + randomIndex(size - i);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
      replyTablePair(c, table, order[i], withValues);
    }
    return;
  }
  // CASE 4: a few of many: draw until that many distinct fields came out.
  const seen = new Set<number>();
  while (seen.size < pick) {
    const i = table.fields.randomIndex();
    if (seen.has(i)) continue;
    seen.add(i);
    replyTablePair(c, table, i, withValues);
  }
}

function hrandfield(c: Client, argv: Argv): void {
  if (argv.count >= 3) {
    const args = randomCountArgs(c, argv, 'WITHVALUES');
    if (args !== null) hrandfieldWithCount(c, argv, args.count, args.withWord);
    return;
  }
  const id = lookupHash(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  if (id === 0 || expireAllDue(c, id)) {
    c.reply.nullBulk();
    return;
  }
  const db = c.db;
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const fields = collectFieldOffsets(b, db.packedOffset(id), strideOf(db, id));
    lpWriteBulk(c.reply, b, fieldOffsets[randomIndex(fields)]);
  } else {
    const table = db.object<HashTable>(id);
    c.reply.bulk(table.fields.memberAt(table.fields.randomIndex()));
  }
}

// ---------------------------------------------------------------------------------------------
// HSCAN
// ---------------------------------------------------------------------------------------------

/** Fields (and values) one HSCAN call gathers from a table. */
const scanned: string[] = [];

/**
 * HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES] (NOVALUES is Redis 7.4's). A
 * listpack is returned whole with cursor 0; a table in steps of its cursor. Expired fields are
 * left out.
 */
function hscan(c: Client, argv: Argv): void {
  const start = startScan(c, argv, lookupHash, true);
  if (start === null) return;
  const { cursor, id } = start;
  const { count, pattern, noValues } = start.options;
  const db = c.db;
  const now = c.engine.store.now();
  const r = c.reply;
  if (db.isPacked(id)) {
    const b = db.packedBuffer(id);
    const lp = db.packedOffset(id);
    const stride = strideOf(db, id);
    // Two passes over the image, one to count and one to reply, so nothing is copied.
    let n = 0;
    for (let pass = 0; pass < 2; pass++) {
      if (pass === 1) {
        r.arrayLen(2);
        r.bulk('0');
        r.arrayLen(noValues ? n : 2 * n);
      }
      for (let p = liveField(b, lpFirst(b, lp), stride, now); p !== -1; p = liveField(b, nextField(b, p, stride), stride, now)) {
        if (pattern >= 0 && !packedMatches(argv, pattern, b, p)) continue;
        if (pass === 0) n++;
        else {
          lpWriteBulk(r, b, p);
          if (!noValues) lpWriteBulk(r, b, lpNext(b, p));
        }
      }
    }
    return;
  }
  const table = db.object<HashTable>(id);
  const expiry = table.hasDeadlines ? table.expiry : null;
  const out = scanned;
  out.length = 0;
  const next = table.fields.scan(cursor, count, (field, value) => {
    if (pattern >= 0 && !globMatch(argv.bufs[pattern], argv.starts[pattern], argv.ends[pattern], scratch, 0, toScratch(field))) return;
    if (expiry !== null) {
      const at = expiry.get(field);
      if (at !== undefined && at < now) return;
    }
    out.push(field);
    if (!noValues) out.push(value);
  });
  r.arrayLen(2);
  r.bulk(String(next));
  r.bulkArray(out);
  out.length = 0;
}

/** Does the field entry at `p` match the glob in argv[i]? */
function packedMatches(argv: Argv, i: number, b: Uint8Array, p: number): boolean {
  const e = lpGet(b, p);
  if (e.isInt) {
    const n = toScratch(String(e.int));
    return globMatch(argv.bufs[i], argv.starts[i], argv.ends[i], scratch, 0, n);
  }
  return globMatch(argv.bufs[i], argv.starts[i], argv.ends[i], b, e.start, e.end);
}

// ---------------------------------------------------------------------------------------------
// HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT (Redis 7.4)
// ---------------------------------------------------------------------------------------------

const enum Condition {
  None,
  NX,
  XX,
  GT,
  LT,
}

/** What HEXPIRE replies per field. */
const enum SetResult {
  NoField = -2,
  ConditionNotMet = 0,
  Set = 1,
  Deleted = 2,
}

/**
 * argv[i] as the number of fields of a FIELDS block, checked against the arguments that follow
 * it; null after replying the error (`notPositive` for a count below 1 or not a number).
 */
function numFieldsArg(c: Client, argv: Argv, i: number, notPositive: string): number | null {
  if (!argv.is(i - 1, 'FIELDS')) {
    c.reply.error(FIELDS_KEYWORD_MISSING);
    return null;
  }
  const n = argInt64(argv, i);
  if (n === null || n < 1) {
    c.reply.error(notPositive);
    return null;
  }
  if (n !== argv.count - i - 1) {
    c.reply.error(NUMFIELDS_MISMATCH);
    return null;
  }
  return n as number;
}

/**
 * Does a field whose deadline is `prev` (0: none) take the new deadline `at` under `cond`?
 * Without a deadline, XX and GT refuse and LT accepts (Redis counts "none" as infinite).
 */
function conditionMet(cond: Condition, prev: number, at: number): boolean {
  if (prev === 0) return cond !== Condition.XX && cond !== Condition.GT;
  return !(cond === Condition.NX || (cond === Condition.GT && prev >= at) || (cond === Condition.LT && prev <= at));
}

/**
 * hexpireGenericCommand. `basetime` is now for the relative forms and 0 for the absolute ones;
 * `seconds` says the time argument's unit.
 */
function hexpireGeneric(c: Client, argv: Argv, name: string, relative: boolean, seconds: boolean): void {
  const db = c.db;
  const store = c.engine.store;
  let id = lookupHash(c, argv, 1, Lookup.Normal);
  if (id < 0) return;
  const given = argInt64(argv, 2);
  if (given === null) {
    c.reply.error(NOT_INTEGER);
    return;
  }
  if (given < 0) {
    c.reply.error(NEGATIVE_EXPIRE_TIME);
    return;
  }
  const basetime = relative ? store.now() : 0;
  // Anything past 2^53 is past MAX_DEADLINE too: both checks below refuse it.
  let at = typeof given === 'bigint' ? Infinity : given;
  if (seconds) {
    if (at > Math.floor(MAX_DEADLINE / 1000)) {
      c.reply.error(invalidExpireTime(name));
      return;
    }
    at *= 1000;
  }
  if (at > MAX_DEADLINE - basetime) {
    c.reply.error(invalidExpireTime(name));
    return;
  }
  at += basetime;
  let cond = Condition.None;
  if (argv.is(3, 'NX')) cond = Condition.NX;
  else if (argv.is(3, 'XX')) cond = Condition.XX;
  else if (argv.is(3, 'GT')) cond = Condition.GT;
  else if (argv.is(3, 'LT')) cond = Condition.LT;
  const numFieldsAt = cond === Condition.None ? 4 : 5;
  const numFields = numFieldsArg(c, argv, numFieldsAt, EXPIRE_NUMFIELDS_NOT_POSITIVE);
  if (numFields === null) return;
  const r = c.reply;
  r.arrayLen(numFields);
  if (id === 0) {
    for (let i = 0; i < numFields; i++) r.integer(SetResult.NoField);
    return;
  }
  // Redis 7.4's checkAlreadyExpired: a deadline already reached deletes the field, except
  // where expired data must stay (a replica).
  const past = at <= store.now() && !store.keepExpired;
  let updated = 0;
  let deleted = 0;
  if (db.isPacked(id)) {
    beginEdit(db, id);
    if (!isListpackEx(db, id)) {
      // Any HEXPIRE makes a listpack a listpackex, even one that sets nothing.
      edit.addDeadlineSlots();
      db.setFlags(id, EntryFlag.Packed | LISTPACK_EX);
    }
    for (let j = numFieldsAt + 1; j < argv.count; j++) {
      const f = argv.bufs[j];
      const fs = argv.starts[j];
      const fe = argv.ends[j];
      const p = hashLpFind(edit.b, edit.lp, f, fs, fe, 3);
      if (p === -1) {
        r.integer(SetResult.NoField);
      } else if (!conditionMet(cond, hashLpDeadline(edit.b, lpNext(edit.b, p)), at)) {
        r.integer(SetResult.ConditionNotMet);
      } else if (past) {
        edit.delete(p, 3);
        deleted++;
        r.integer(SetResult.Deleted);
      } else {
        edit.moveTriplet(p, f, fs, fe, at);
        updated++;
        r.integer(SetResult.Set);
      }
    }
    if (deleted > 0 && lpCount(edit.b, edit.lp) === 0) {
      db.delete(id);
      id = 0;
    } else {
      commitEdit(db, id);
    }
  } else {
    const table = db.object<HashTable>(id);
    for (let j = numFieldsAt + 1; j < argv.count; j++) {
      const field = argv.str(j);
      if (!table.fields.has(field)) {
        r.integer(SetResult.NoField);
      } else if (!conditionMet(cond, table.deadline(field), at)) {
        r.integer(SetResult.ConditionNotMet);
      } else if (past) {
        table.delete(field);
        deleted++;
        r.integer(SetResult.Deleted);
      } else {
        table.setDeadline(field, at);
        updated++;
        r.integer(SetResult.Set);
      }
    }
    if (deleted > 0 && table.size === 0) {
      db.delete(id);
      id = 0;
    }
  }
  if (updated > 0 && id !== 0) fieldExpiryState(store).due.schedule(id, at);
  // hashTypeSetExDone: one event for the whole call.
  if (deleted + updated > 0) {
    const events = c.engine.events;
    c.engine.dirty += deleted + updated;
    events.changedArg(db, argv, 1, Notify.Hash, deleted > 0 ? 'hdel' : 'hexpire');
    if (id === 0) events.notifyArg(Notify.Generic, 'del', db, argv, 1);
    // Replays as the deadline it set (a replay after it has passed deletes the fields).
    const propagation = c.engine.propagation;
    if (propagation.active && (relative || seconds)) propagation.replaceWith(['HPEXPIREAT', argv.buffer(1), String(at), ...argv.strs(3)]);
  }
}

function hexpire(c: Client, argv: Argv): void {
  hexpireGeneric(c, argv, 'hexpire', true, true);
}

function hpexpire(c: Client, argv: Argv): void {
  hexpireGeneric(c, argv, 'hpexpire', true, false);
}

function hexpireat(c: Client, argv: Argv): void {
  hexpireGeneric(c, argv, 'hexpireat', false, true);
}

function hpexpireat(c: Client, argv: Argv): void {
  hexpireGeneric(c, argv, 'hpexpireat', false, false);
}

// ---------------------------------------------------------------------------------------------
// HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME, HPERSIST (Redis 7.4)
// ---------------------------------------------------------------------------------------------

const NO_FIELD = -2;
const NO_DEADLINE = -1;

/**
 * httlGenericCommand: per field -2 (no such field, or expired), -1 (no deadline), or the time
 * left (`basetime` now) or the deadline (`basetime` 0), seconds rounded up.
 */
function httlGeneric(c: Client, argv: Argv, relative: boolean, seconds: boolean): void {
  const id = lookupHash(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  const numFields = numFieldsArg(c, argv, 3, NUMFIELDS_NOT_POSITIVE);
  if (numFields === null) return;
  const r = c.reply;
  r.arrayLen(numFields);
  const db = c.db;
  const now = c.engine.store.now();
  const basetime = relative ? now : 0;
  for (let j = 4; j < argv.count; j++) {
    if (id === 0) {
      r.integer(NO_FIELD);
      continue;
    }
    let at: number;
    if (db.isPacked(id)) {
      const b = db.packedBuffer(id);
      const ex = isListpackEx(db, id);
      const p = hashLpFind(b, db.packedOffset(id), argv.bufs[j], argv.starts[j], argv.ends[j], ex ? 3 : 2);
      if (p === -1) {
        r.integer(NO_FIELD);
        continue;
      }
      at = ex ? hashLpDeadline(b, lpNext(b, p)) : 0;
      // Redis 7.4 calls a listpackex deadline of exactly now expired here (a table's not).
      if (at !== 0 && at <= now) {
        r.integer(NO_FIELD);
        continue;
      }
    } else {
      const table = db.object<HashTable>(id);
      const field = argv.str(j);
      if (!table.fields.has(field)) {
        r.integer(NO_FIELD);
        continue;
      }
      at = table.deadline(field);
      if (at !== 0 && at < now) {
        r.integer(NO_FIELD);
        continue;
      }
    }
    if (at === 0) r.integer(NO_DEADLINE);
    else r.integer(seconds ? Math.floor((at + 999 - basetime) / 1000) : at - basetime);
  }
}

function httl(c: Client, argv: Argv): void {
  httlGeneric(c, argv, true, true);
}

function hpttl(c: Client, argv: Argv): void {
  httlGeneric(c, argv, true, false);
}

function hexpiretime(c: Client, argv: Argv): void {
  httlGeneric(c, argv, false, true);
}

function hpexpiretime(c: Client, argv: Argv): void {
  httlGeneric(c, argv, false, false);
}

/** HPERSIST: per field 1 (deadline removed), -1 (had none), -2 (no such field, or expired). */
function persistDone(c: Client, argv: Argv, persisted: number): void {
  if (persisted === 0) return;
  c.engine.events.changedArg(c.db, argv, 1, Notify.Hash, 'hpersist');
  c.engine.dirty++;
}

function hpersist(c: Client, argv: Argv): void {
  const id = lookupHash(c, argv, 1, Lookup.Normal);
  if (id < 0) return;
  const numFields = numFieldsArg(c, argv, 3, NUMFIELDS_NOT_POSITIVE);
  if (numFields === null) return;
  const r = c.reply;
  r.arrayLen(numFields);
  const db = c.db;
  const now = c.engine.store.now();
  if (id === 0) {
    for (let i = 0; i < numFields; i++) r.integer(NO_FIELD);
    return;
  }
  let persisted = 0;
  if (db.isPacked(id)) {
    const stride = strideOf(db, id);
    beginEdit(db, id);
    for (let j = 4; j < argv.count; j++) {
      const f = argv.bufs[j];
      const fs = argv.starts[j];
      const fe = argv.ends[j];
      const p = hashLpFind(edit.b, edit.lp, f, fs, fe, stride);
      if (p === -1) {
        r.integer(NO_FIELD);
        continue;
      }
      const at = stride === 3 ? hashLpDeadline(edit.b, lpNext(edit.b, p)) : 0;
      if (at === 0) r.integer(NO_DEADLINE);
      else if (at < now) r.integer(NO_FIELD);
      else {
        edit.moveTriplet(p, f, fs, fe, 0);
        persisted++;
        r.integer(1);
      }
    }
    commitEdit(db, id);
    persistDone(c, argv, persisted);
    return;
  }
  const table = db.object<HashTable>(id);
  for (let j = 4; j < argv.count; j++) {
    const field = argv.str(j);
    if (!table.fields.has(field)) {
      r.integer(NO_FIELD);
      continue;
    }
    const at = table.deadline(field);
    if (at === 0) r.integer(NO_DEADLINE);
    else if (at < now) r.integer(NO_FIELD);
    else {
      table.removeDeadline(field);
      persisted++;
      r.integer(1);
    }
  }
  persistDone(c, argv, persisted);
}

// ---------------------------------------------------------------------------------------------
// Keyspace integration and the family's table
// ---------------------------------------------------------------------------------------------

const copyCollection = collectionCopier((table: HashTable) => table.clone());

registerKeyType(ValueType.Hash, {
  encoding(db, id) {
    if (!db.isPacked(id)) return 'hashtable';
    return isListpackEx(db, id) ? 'listpackex' : 'listpack';
  },
  copy(src, id, dst, k, ks, ke) {
    const copy = copyCollection(src, id, dst, k, ks, ke);
    if (src.isPacked(id) && isListpackEx(src, id)) dst.setFlags(copy, EntryFlag.Packed | LISTPACK_EX);
    scheduleExpiry(dst, copy);
    return copy;
  },
});

export const hashCommands: CommandEntry[] = [
  { name: 'hset', handler: hset },
  { name: 'hmset', handler: hmset },
  { name: 'hsetnx', handler: hsetnx },
  { name: 'hget', handler: hget },
  { name: 'hmget', handler: hmget },
  { name: 'hexists', handler: hexists },
  { name: 'hstrlen', handler: hstrlen },
  { name: 'hlen', handler: hlen },
  { name: 'hdel', handler: hdel },
  { name: 'hgetall', handler: hgetall },
  { name: 'hkeys', handler: hkeys },
  { name: 'hvals', handler: hvals },
  { name: 'hincrby', handler: hincrby },
  { name: 'hincrbyfloat', handler: hincrbyfloat },
  { name: 'hrandfield', handler: hrandfield },
  { name: 'hscan', handler: hscan },
  { name: 'hexpire', handler: hexpire },
  { name: 'hpexpire', handler: hpexpire },
  { name: 'hexpireat', handler: hexpireat },
  { name: 'hpexpireat', handler: hpexpireat },
  { name: 'httl', handler: httl },
  { name: 'hpttl', handler: hpttl },
  { name: 'hexpiretime', handler: hexpiretime },
  { name: 'hpexpiretime', handler: hpexpiretime },
  { name: 'hpersist', handler: hpersist },
];
