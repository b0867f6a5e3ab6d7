/**
 * Set commands (Redis 7.2's t_set.c).
 *
 * A set has the three forms Redis 7.2 gives it, and OBJECT ENCODING names them as Redis does:
 * - "intset": every member is an integer (string2ll) and there are at most
 *   set-max-intset-entries of them: Redis's intset image in the Heap, sorted.
 * - "listpack": at most set-max-listpack-entries members of at most set-max-listpack-value
 *   bytes: a listpack image in the Heap, in insertion order.
 * - "hashtable": a MemberTable held by handle. Sets never go back to a compact form.
 * The conversions happen exactly where t_set.c's setTypeCreate, setTypeAdd and
 * setTypeMaybeConvert make them, so OBJECT ENCODING and the order SMEMBERS replies in (intset
 * ascending, listpack in insertion order) are Redis's.
 */

import type { Argv } from '../protocol/argv.js';
import { ClientFlag, type Client } from '../server/client.js';
import { Notify } from '../server/keyspace-events.js';
import { Lookup, type Database } from '../store/database.js';
import { ValueType } from '../store/entries.js';
import { globMatch } from '../store/glob.js';
import { isAdd, isBuild, isFind, isGet, isLength, isRemove, isScratch } from '../types/intset.js';
import {
  EMPTY_LISTPACK,
  ListpackBuilder,
  lpCount,
  lpDelete,
  lpFind,
  lpFirst,
  lpInsert,
  lpNext,
  lpScratch,
  lpSeek,
  lpString,
  lpWriteBulk,
} from '../types/listpack.js';
import { MemberTable } from '../types/member-table.js';
import { argInt64, INT64_MAX, parseInt64 } from './args.js';
import {
  COUNT_OUT_OF_RANGE,
  NOT_INTEGER,
  NOT_POSITIVE,
  NUMKEYS_NOT_POSITIVE,
  SYNTAX,
  WRONGTYPE,
  ZSET_LIMIT_NEGATIVE,
} from './errors.js';
import { collectionCopier, registerKeyType, startScan } from './keys.js';
import type { CommandEntry } from './types.js';

/** The META flag of a packed set whose image is an intset (a listpack otherwise). */
const INTSET = 1;

/** Redis's intsetMaxEntries: set-max-intset-entries, capped at 2^30 by the intset's internals. */
const INTSET_HARD_LIMIT = 2 ** 30;

/** SPOP's CASE 2/3 switch and SRANDMEMBER's CASE 3/4 switch (t_set.c). */
const SPOP_MOVE_STRATEGY_MUL = 5;
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;

/** Past this many reply bytes, a negative-count SRANDMEMBER closes the connection (see docs). */
const RANDOM_REPLY_LIMIT = 512 * 1024 * 1024;

const INT_MAX = 2147483647;

type SetTable = MemberTable<true>;

const EMPTY_INTSET = Buffer.from(isScratch.buf.subarray(0, isBuild([])));

/** Bytes of latin1 strings that must be compared as bytes. */
let scratch = Buffer.allocUnsafe(256);

function toScratch(s: string): number {
  if (s.length > scratch.length) scratch = Buffer.allocUnsafe(Math.max(s.length, scratch.length * 2));
  return scratch.latin1Write(s, 0, s.length);
}

// ---------------------------------------------------------------------------------------------
// The set type: encoding-neutral operations
// ---------------------------------------------------------------------------------------------

const enum Form {
  Intset,
  Listpack,
  Table,
}

/** Is set `id` an intset (its image is then Redis's intset bytes)? */
export function isIntsetSet(db: Database, id: number): boolean {
  return db.isPacked(id) && (db.flags(id) & INTSET) !== 0;
}

function formOf(db: Database, id: number): Form {
  if (!db.isPacked(id)) return Form.Table;
  return (db.flags(id) & INTSET) !== 0 ? Form.Intset : Form.Listpack;
}

/** The set at argv[i]: its entry, 0 when missing, -1 after replying WRONGTYPE. */
function lookupSet(c: Client, argv: Argv, i: number, flags: Lookup): number {
  const id = c.db.findArg(argv, i, flags);
  if (id !== 0 && c.db.type(id) !== ValueType.Set) {
    c.reply.error(WRONGTYPE);
    return -1;
  }
  return id;
}

export function setSize(db: Database, id: number): number {
  switch (formOf(db, id)) {
    case Form.Intset:
      return isLength(db.packedBuffer(id), db.packedOffset(id));
    case Form.Listpack:
      return lpCount(db.packedBuffer(id), db.packedOffset(id));
    default:
      return db.object<SetTable>(id).size;
  }
}

/** Is s[ss, se) a member of set `id`? */
function hasMember(db: Database, id: number, s: Uint8Array, ss: number, se: number): boolean {
  switch (formOf(db, id)) {
    case Form.Intset: {
      const v = parseInt64(s, ss, se);
      return v !== null && isFind(db.packedBuffer(id), db.packedOffset(id), v);
    }
    case Form.Listpack: {
      const b = db.packedBuffer(id);
      return lpFind(b, lpFirst(b, db.packedOffset(id)), s, ss, se, 0) !== -1;
    }
    default:
      return db.object<SetTable>(id).hasBytes(s, ss, se);
  }
}

function hasMemberString(db: Database, id: number, member: string): boolean {
  if (formOf(db, id) === Form.Table) return db.object<SetTable>(id).has(member);
  const n = toScratch(member);
  return hasMember(db, id, scratch, 0, n);
}

/** The member at position `i` (iteration order) of a packed set, as a latin1 string. */
function packedMemberAt(db: Database, id: number, form: Form, i: number): string {
  const b = db.packedBuffer(id);
  const o = db.packedOffset(id);
  return form === Form.Intset ? String(isGet(b, o, i)) : lpString(b, lpSeek(b, o, i));
}

/** Every member, in the set's iteration order (exported for SORT). */
export function setMembers(db: Database, id: number): string[] {
  const out: string[] = [];
  const form = formOf(db, id);
  if (form === Form.Table) {
    const t = db.object<SetTable>(id);
    for (let i = 0; i < t.size; i++) out.push(t.memberAt(i));
    return out;
  }
  const b = db.packedBuffer(id);
  const o = db.packedOffset(id);
  if (form === Form.Intset) {
    const n = isLength(b, o);
    for (let i = 0; i < n; i++) out.push(String(isGet(b, o, i)));
  } else {
    for (let p = lpFirst(b, o); p !== -1; p = lpNext(b, p)) out.push(lpString(b, p));
  }
  return out;
}

/** Convert set `id` to its table form (setTypeConvert to OBJ_ENCODING_HT). */
function convertToTable(db: Database, id: number): SetTable {
  const table: SetTable = new MemberTable();
  for (const m of setMembers(db, id)) table.set(m, true);
  db.replaceObject(id, table);
  return table;
}

/** Create the key argv[keyIndex] as an empty set fit for `first` and `sizeHint` members (setTypeCreate). */
function createSet(c: Client, k: Uint8Array, ks: number, ke: number, first: string, sizeHint: number): number {
  const db = c.db;
  const limits = c.engine.store.limits;
  const n = toScratch(first);
  if (parseInt64(scratch, 0, n) !== null && sizeHint <= limits.setMaxIntsetEntries) {
    const id = db.setPacked(k, ks, ke, ValueType.Set, EMPTY_INTSET, 0, EMPTY_INTSET.length);
    db.setFlags(id, db.flags(id) | INTSET);
    return id;
  }
  if (sizeHint <= limits.setMaxListpackEntries) return db.setPacked(k, ks, ke, ValueType.Set, EMPTY_LISTPACK, 0, EMPTY_LISTPACK.length);
  return db.setObject(k, ks, ke, ValueType.Set, new MemberTable<true>());
}

/** setTypeMaybeConvert: about to add `sizeHint` members. */
function maybeConvert(c: Client, id: number, sizeHint: number): void {
  const form = formOf(c.db, id);
  const limits = c.engine.store.limits;
  if ((form === Form.Listpack && sizeHint > limits.setMaxListpackEntries) || (form === Form.Intset && sizeHint > limits.setMaxIntsetEntries)) {
    convertToTable(c.db, id);
  }
}

/** Decimal digits of an int64, with the sign (sdigits10). */
function digits(v: number | bigint): number {
  return String(v).length;
}

/** Bytes a listpack entry holding integer `v` takes (lpEstimateBytesRepeatedInteger per entry). */
function intEntryBytes(v: number | bigint): number {
  if (v >= 0 && v <= 127) return 2;
  if (v >= -4096 && v <= 4095) return 3;
  if (v >= -32768 && v <= 32767) return 4;
  if (v >= -8388608 && v <= 8388607) return 5;
  if (v >= -2147483648 && v <= 2147483647) return 6;
  return 10;
}

/** Redis's LISTPACK_MAX_SAFETY_SIZE: an image never grows past 1 GB. */
const LISTPACK_MAX_SAFETY_SIZE = 1 << 30;

/** Add s[ss, se) to set `id` (setTypeAddAux); returns whether it was new. */
function addMember(c: Client, id: number, s: Uint8Array, ss: number, se: number): boolean {
  const db = c.db;
  const limits = c.engine.store.limits;
  const form = formOf(db, id);
  const len = se - ss;
  if (form === Form.Table) return db.object<SetTable>(id).setBytes(s, ss, se, true);
  const b = db.packedBuffer(id);
  const o = db.packedOffset(id);
  if (form === Form.Listpack) {
    if (lpFind(b, lpFirst(b, o), s, ss, se, 0) !== -1) return false;
    const count = lpCount(b, o);
    if (count < limits.setMaxListpackEntries && len <= limits.setMaxListpackValue && db.packedLength(id) + len + 11 < LISTPACK_MAX_SAFETY_SIZE) {
      const n = lpInsert(b, o, -1, s, ss, se);
      db.replacePacked(id, lpScratch.buf, 0, n);
      return true;
    }
    convertToTable(db, id).setBytes(s, ss, se, true);
    return true;
  }
  // Intset.
  const v = parseInt64(s, ss, se);
  if (v !== null) {
    const n = isAdd(b, o, v);
    if (n === -1) return false;
    db.replacePacked(id, isScratch.buf, 0, n);
    if (isLength(isScratch.buf, 0) > Math.min(limits.setMaxIntsetEntries, INTSET_HARD_LIMIT)) convertToTable(db, id);
    return true;
  }
  // A non-integer: a listpack if every member would fit one, else a table.
  const count = isLength(b, o);
  let maxLen = 0;
  let total = 0;
  if (count !== 0) {
    const max = isGet(b, o, count - 1);
    const min = isGet(b, o, 0);
    maxLen = Math.max(digits(max), digits(min));
    total = Math.max(intEntryBytes(max), intEntryBytes(min)) * count;
  }
  const member = Buffer.prototype.latin1Slice.call(s, ss, se) as string;
  if (count < limits.setMaxListpackEntries && len < limits.setMaxListpackValue && maxLen < limits.setMaxListpackValue && total + len < LISTPACK_MAX_SAFETY_SIZE) {
    const members = setMembers(db, id);
    members.push(member);
    const image = buildListpack(members);
    db.replacePacked(id, image.buf, 0, image.length);
    db.setFlags(id, db.flags(id) & ~INTSET);
    return true;
  }
  convertToTable(db, id).set(member, true);
  return true;
}

function addMemberString(c: Client, id: number, member: string): boolean {
  if (formOf(c.db, id) === Form.Table) return c.db.object<SetTable>(id).set(member, true);
  const n = toScratch(member);
  return addMember(c, id, scratch, 0, n);
}

const builder = new ListpackBuilder();

/** A listpack image of `members`, in builder.buf[0, length). */
function buildListpack(members: readonly string[]): { buf: Buffer; length: number } {
  builder.reset();
  for (const m of members) builder.pushString(m);
  const length = builder.finish();
  return { buf: builder.buf, length };
}

/** Remove s[ss, se) from set `id`; returns whether it was there. The caller deletes an empty set. */
function removeMember(db: Database, id: number, s: Uint8Array, ss: number, se: number): boolean {
  const form = formOf(db, id);
  if (form === Form.Table) return db.object<SetTable>(id).deleteBytes(s, ss, se);
  const b = db.packedBuffer(id);
  const o = db.packedOffset(id);
  if (form === Form.Intset) {
    const v = parseInt64(s, ss, se);
    if (v === null) return false;
    const n = isRemove(b, o, v);
    if (n === -1) return false;
    db.replacePacked(id, isScratch.buf, 0, n);
    return true;
  }
  const p = lpFind(b, lpFirst(b, o), s, ss, se, 0);
  if (p === -1) return false;
  const n = lpDelete(b, o, p, 1);
  db.replacePacked(id, lpScratch.buf, 0, n);
  return true;
}

function removeMemberString(db: Database, id: number, member: string): boolean {
  const n = toScratch(member);
  return removeMember(db, id, scratch, 0, n);
}

/** Delete set `id` if it is empty; returns whether it was. */
function deleteIfEmpty(db: Database, id: number): boolean {
  if (setSize(db, id) !== 0) return false;
  db.delete(id);
  return true;
}

/** Reply with the member at iteration position `i`. */
function replyMemberAt(c: Client, db: Database, id: number, form: Form, i: number): void {
  if (form === Form.Table) {
    c.reply.bulk(db.object<SetTable>(id).memberAt(i));
    return;
  }
  const b = db.packedBuffer(id);
  const o = db.packedOffset(id);
  if (form === Form.Intset) c.reply.bulk(String(isGet(b, o, i)));
  else lpWriteBulk(c.reply, b, lpSeek(b, o, i));
}

function randomIndex(n: number): number {
  return Math.floor(Math.random() * n);
}

registerKeyType(ValueType.Set, {
  encoding(db, id) {
    const form = formOf(db, id);
    return form === Form.Intset ? 'intset' : form === Form.Listpack ? 'listpack' : 'hashtable';
  },
  copy: (src, id, dst, k, ks, ke) => {
    const copy = collectionCopier<SetTable>((t) => t.clone())(src, id, dst, k, ks, ke);
    if (src.isPacked(id)) dst.setFlags(copy, (dst.flags(copy) & ~INTSET) | (src.flags(id) & INTSET));
    return copy;
  },
});

// ---------------------------------------------------------------------------------------------
// SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SMOVE
// ---------------------------------------------------------------------------------------------

function sadd(c: Client, argv: Argv): void {
  let id = lookupSet(c, argv, 1, Lookup.Normal);
  if (id === -1) return;
  if (id === 0) id = createSet(c, argv.bufs[1], argv.starts[1], argv.ends[1], argv.str(2), argv.count - 2);
  else maybeConvert(c, id, argv.count - 2);
  let added = 0;
  for (let j = 2; j < argv.count; j++) if (addMember(c, id, argv.bufs[j], argv.starts[j], argv.ends[j])) added++;
  if (added > 0) {
    c.engine.events.changedArg(c.db, argv, 1, Notify.Set, 'sadd');
    c.engine.dirty += added;
  }
  c.reply.integer(added);
}

function srem(c: Client, argv: Argv): void {
  const db = c.db;
  const id = lookupSet(c, argv, 1, Lookup.Normal);
  if (id === -1) return;
  if (id === 0) {
    c.reply.integer(0);
    return;
  }
  let removed = 0;
  let keyRemoved = false;
  for (let j = 2; j < argv.count; j++) {
    if (removeMember(db, id, argv.bufs[j], argv.starts[j], argv.ends[j])) {
      removed++;
      if ((keyRemoved = deleteIfEmpty(db, id))) break;
    }
  }
  if (removed > 0) {
    const events = c.engine.events;
    events.changedArg(db, argv, 1, Notify.Set, 'srem');
    if (keyRemoved) events.notifyArg(Notify.Generic, 'del', db, argv, 1);
    c.engine.dirty += removed;
  }
  c.reply.integer(removed);
}

function scard(c: Client, argv: Argv): void {
  const id = lookupSet(c, argv, 1, Lookup.Read);
  if (id === -1) return;
  c.reply.integer(id === 0 ? 0 : setSize(c.db, id));
}

function sismember(c: Client, argv: Argv): void {
  const id = lookupSet(c, argv, 1, Lookup.Read);
  if (id === -1) return;
  c.reply.integer(id !== 0 && hasMember(c.db, id, argv.bufs[2], argv.starts[2], argv.ends[2]) ? 1 : 0);
}

function smismember(c: Client, argv: Argv): void {
  const id = lookupSet(c, argv, 1, Lookup.Read);
  if (id === -1) return;
  c.reply.arrayLen(argv.count - 2);
  for (let j = 2; j < argv.count; j++) {
    c.reply.integer(id !== 0 && hasMember(c.db, id, argv.bufs[j], argv.starts[j], argv.ends[j]) ? 1 : 0);
  }
}

function smembers(c: Client, argv: Argv): void {
  const id = lookupSet(c, argv, 1, Lookup.Read);
  if (id === -1) return;
  if (id === 0) {
    c.reply.setLen(0);
    return;
  }
  replyMembers(c, c.db, id);
}

/** Reply with every member of set `id` as a set, in iteration order. */
function replyMembers(c: Client, db: Database, id: number): void {
  const form = formOf(db, id);
  const n = setSize(db, id);
  c.reply.setLen(n);
  if (form === Form.Table) {
    const t = db.object<SetTable>(id);
    for (let i = 0; i < n; i++) c.reply.bulk(t.memberAt(i));
    return;
  }
  const b = db.packedBuffer(id);
  const o = db.packedOffset(id);
  if (form === Form.Intset) for (let i = 0; i < n; i++) c.reply.bulk(String(isGet(b, o, i)));
  else for (let p = lpFirst(b, o); p !== -1; p = lpNext(b, p)) lpWriteBulk(c.reply, b, p);
}

function smove(c: Client, argv: Argv): void {
  const db = c.db;
  const src = db.findArg(argv, 1, Lookup.Normal);
  const dst = db.findArg(argv, 2, Lookup.Normal);
  if (src === 0) {
    c.reply.integer(0);
    return;
  }
  if (db.type(src) !== ValueType.Set || (dst !== 0 && db.type(dst) !== ValueType.Set)) {
    c.reply.error(WRONGTYPE);
    return;
  }
  const m = argv.bufs[3];
  const ms = argv.starts[3];
  const me = argv.ends[3];
  if (src === dst) {
    c.reply.integer(hasMember(db, src, m, ms, me) ? 1 : 0);
    return;
  }
  if (!removeMember(db, src, m, ms, me)) {
    c.reply.integer(0);
    return;
  }
  const events = c.engine.events;
  events.notifyArg(Notify.Set, 'srem', db, argv, 1);
  if (deleteIfEmpty(db, src)) events.notifyArg(Notify.Generic, 'del', db, argv, 1);
  const to = dst !== 0 ? dst : createSet(c, argv.bufs[2], argv.starts[2], argv.ends[2], argv.str(3), 1);
  events.modifiedArg(db, argv, 1);
  c.engine.dirty++;
  if (addMember(c, to, m, ms, me)) {
    c.engine.dirty++;
    events.changedArg(db, argv, 2, Notify.Set, 'sadd');
  }
  c.reply.integer(1);
}

// ---------------------------------------------------------------------------------------------
// SPOP SRANDMEMBER
// ---------------------------------------------------------------------------------------------

/** Remove and return one random member of set `id`. */
function popRandom(db: Database, id: number): string {
  const form = formOf(db, id);
  if (form === Form.Table) {
    const t = db.object<SetTable>(id);
    const i = t.randomIndex();
    const m = t.memberAt(i);
    t.deleteAt(i);
    return m;
  }
  const m = packedMemberAt(db, id, form, randomIndex(setSize(db, id)));
  removeMemberString(db, id, m);
  return m;
}

function spop(c: Client, argv: Argv): void {
  if (argv.count === 3) {
    spopWithCount(c, argv);
    return;
  }
  if (argv.count > 3) {
    c.reply.error(SYNTAX);
    return;
  }
  const db = c.db;
  const id = lookupSet(c, argv, 1, Lookup.Normal);
  if (id === -1) return;
  if (id === 0) {
    c.reply.nullBulk();
    return;
  }
  const member = popRandom(db, id);
  const events = c.engine.events;
  // The random choice replays as the member chosen.
  const propagation = c.engine.propagation;
  if (propagation.active) propagation.replaceWith(['SREM', argv.buffer(1), member]);
  events.notifyArg(Notify.Set, 'spop', db, argv, 1);
  c.reply.bulk(member);
  if (deleteIfEmpty(db, id)) events.notifyArg(Notify.Generic, 'del', db, argv, 1);
  events.modifiedArg(db, argv, 1);
  c.engine.dirty++;
}

function spopWithCount(c: Client, argv: Argv): void {
  const db = c.db;
  const n = argInt64(argv, 2);
  if (n === null || n < 0) {
    c.reply.error(NOT_POSITIVE);
    return;
  }
  const id = lookupSet(c, argv, 1, Lookup.Normal);
  if (id === -1) return;
  if (id === 0 || n === 0 || n === 0n) {
    c.reply.setLen(0);
    return;
  }
  const size = setSize(db, id);
  const count = n >= size ? size : Number(n);
  const events = c.engine.events;
  events.notifyArg(Notify.Set, 'spop', db, argv, 1);
  events.modifiedArg(db, argv, 1);
  c.engine.dirty += count;
  // The random choices replay as the members chosen (SREM), the whole set as DEL.
  const propagation = c.engine.propagation;
  const popped: string[] | null = propagation.active ? [] : null;
  // CASE 1: the whole set.
  if (count >= size) {
    replyMembers(c, db, id);
    db.delete(id);
    events.notifyArg(Notify.Generic, 'del', db, argv, 1);
    if (popped !== null) propagation.replaceWith(['DEL', argv.buffer(1)]);
    return;
  }
  const remaining = size - count;
  c.reply.setLen(count);
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count || formOf(db, id) !== Form.Table) {
    // CASE 2: pop `count` members one by one.
    if (formOf(db, id) === Form.Table) {
      for (let i = 0; i < count; i++) {
        const member = popRandom(db, id);
        c.reply.bulk(member);
        popped?.push(member);
      }
      if (popped !== null) propagation.replaceWith(['SREM', argv.buffer(1), ...popped]);
      return;
    }
    // A compact set: pick the positions first, then rebuild once.
    const members = setMembers(db, id);
    const picked = pickDistinct(members.length, count);
    const keep: string[] = [];
    const drop = new Set(picked);
    for (let i = 0; i < members.length; i++) if (!drop.has(i)) keep.push(members[i]);
    for (const i of picked) c.reply.bulk(members[i]);
    if (popped !== null) propagation.replaceWith(['SREM', argv.buffer(1), ...picked.map((i) => members[i])]);
    rebuildPacked(c, db, id, keep);
    return;
  }
  // CASE 3: most of the set goes; keep `remaining` random members and reply with the rest.
  const t = db.object<SetTable>(id);
  const kept: SetTable = new MemberTable();
  for (let i = 0; i < remaining; i++) {
    const j = t.randomIndex();
    kept.set(t.memberAt(j), true);
    t.deleteAt(j);
  }
  for (let i = 0; i < t.size; i++) {
    c.reply.bulk(t.memberAt(i));
    popped?.push(t.memberAt(i));
  }
  if (popped !== null) propagation.replaceWith(['SREM', argv.buffer(1), ...popped]);
  db.replaceObject(id, kept);
}

/** Replace packed set `id` with the members `keep` (same form). */
function rebuildPacked(c: Client, db: Database, id: number, keep: readonly string[]): void {
  if (formOf(db, id) === Form.Intset) {
    const values = keep.map((m) => parseInt64(Buffer.from(m, 'latin1'), 0, m.length) as number | bigint);
    const n = isBuild(values);
    db.replacePacked(id, isScratch.buf, 0, n);
    return;
  }
  const image = buildListpack(keep);
  db.replacePacked(id, image.buf, 0, image.length);
}

/** `count` distinct indexes of [0, n), in ascending order. */
function pickDistinct(n: number, count: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + randomIndex(n - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.slice(0, count).sort((a, b) => a - b);
}

function srandmember(c: Client, argv: Argv): void {
  if (argv.count === 3) {
    srandmemberWithCount(c, argv);
    return;
  }
  if (argv.count > 3) {
    c.reply.error(SYNTAX);
    return;
  }
  const id = lookupSet(c, argv, 1, Lookup.Read);
  if (id === -1) return;
  if (id === 0) {
    c.reply.nullBulk();
    return;
  }
  const db = c.db;
  replyMemberAt(c, db, id, formOf(db, id), randomIndex(setSize(db, id)));
}

function srandmemberWithCount(c: Client, argv: Argv): void {
  const db = c.db;
  const l = argInt64(argv, 2);
  if (l === null) {
    c.reply.error(NOT_INTEGER);
    return;
  }
  if (l < -INT64_MAX) {
    c.reply.error(COUNT_OUT_OF_RANGE);
    return;
  }
  const uniq = l >= 0;
  const count = uniq ? l : -l;
  const id = lookupSet(c, argv, 1, Lookup.Read);
  if (id === -1) return;
  if (id === 0 || count === 0 || count === 0n) {
    c.reply.arrayLen(0);
    return;
  }
  const size = setSize(db, id);
  const form = formOf(db, id);
  // CASE 1: with repetitions (or a single member).
  if (!uniq || count === 1) {
    const n = Number(count);
    c.reply.arrayLen(n);
    for (let i = 0; i < n; i++) {
      replyMemberAt(c, db, id, form, randomIndex(size));
      if (c.reply.length > RANDOM_REPLY_LIMIT) {
        // Redis would keep writing until memory runs out; stop, and drop the client.
        c.flags |= ClientFlag.CloseAsap;
        return;
      }
    }
    return;
  }
  // CASE 2: the whole set.
  if (count >= size) {
    c.reply.arrayLen(size);
    for (let i = 0; i < size; i++) replyMemberAt(c, db, id, form, i);
    return;
  }
  const n = Number(count);
  c.reply.arrayLen(n);
  // CASE 2.5 (compact sets) and CASE 3: distinct positions, emitted in the set's order.
  if (form !== Form.Table || n * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
    for (const i of pickDistinct(size, n)) replyMemberAt(c, db, id, form, i);
    return;
  }
  // CASE 4: a big set and a small count: sample until enough distinct members.
  const seen = new Set<number>();
  while (seen.size < n) seen.add(randomIndex(size));
  for (const i of seen) replyMemberAt(c, db, id, form, i);
}

// ---------------------------------------------------------------------------------------------
// SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE
// ---------------------------------------------------------------------------------------------

const NUMKEYS_TOO_MANY = "ERR Number of keys can't be greater than number of args";

/** The sets named by argv[from, to): entries (0 for a missing key), or null after WRONGTYPE. */
function lookupSets(c: Client, argv: Argv, from: number, to: number): number[] | null {
  const ids: number[] = [];
  for (let j = from; j < to; j++) {
    const id = lookupSet(c, argv, j, Lookup.Read);
    if (id === -1) return null;
    ids.push(id);
  }
  return ids;
}

/** Members of the intersection, iterating the smallest set (sinterGenericCommand). */
function intersection(db: Database, ids: number[], limit: number): string[] {
  if (ids.some((id) => id === 0)) return [];
  const order = [...ids].sort((a, b) => setSize(db, a) - setSize(db, b));
  const out: string[] = [];
  for (const m of setMembers(db, order[0])) {
    let inAll = true;
    for (let k = 1; k < order.length && inAll; k++) {
      // The same set twice needs no test (Redis skips sets[j] == sets[0]).
      if (order[k] !== order[0] && !hasMemberString(db, order[k], m)) inAll = false;
    }
    if (inAll) {
      out.push(m);
      if (limit > 0 && out.length >= limit) break;
    }
  }
  return out;
}

/** Build a new set from `members` the way the *STORE commands do: an intset, added to. */
function storeSet(c: Client, argv: Argv, keyIndex: number, members: readonly string[], event: string): number {
  const db = c.db;
  const old = db.findArg(argv, keyIndex, Lookup.NoTouch);
  if (members.length === 0) {
    if (old !== 0) {
      db.delete(old);
      c.engine.events.changedArg(db, argv, keyIndex, Notify.Generic, 'del');
      c.engine.dirty++;
    }
    return 0;
  }
  const size = buildStoredSet(c, argv, keyIndex, members);
  c.engine.events.changedArg(db, argv, keyIndex, Notify.Set, event);
  c.engine.dirty++;
  return size;
}

export function buildStoredSet(c: Client, argv: Argv, keyIndex: number, members: readonly string[]): number {
  const db = c.db;
  const k = argv.bufs[keyIndex];
  const ks = argv.starts[keyIndex];
  const ke = argv.ends[keyIndex];
  const id = db.setPacked(k, ks, ke, ValueType.Set, EMPTY_INTSET, 0, EMPTY_INTSET.length);
  db.setFlags(id, db.flags(id) | INTSET);
  for (const m of members) addMemberString(c, id, m);
  return setSize(db, id);
}

/** Reply with `members` as a set built as Redis builds it (so in the built set's order). */
function replyBuiltSet(c: Client, members: readonly string[]): void {
  // The reply order is the order of the temporary set Redis builds: ascending for an intset,
  // insertion order for a listpack. Build the same thing in a scratch database entry.
  const values: (number | bigint)[] = [];
  let allInts = members.length <= c.engine.store.limits.setMaxIntsetEntries;
  for (let i = 0; i < members.length && allInts; i++) {
    const n = toScratch(members[i]);
    const v = parseInt64(scratch, 0, n);
    if (v === null) allInts = false;
    else values.push(v);
  }
  c.reply.setLen(members.length);
  if (allInts) {
    values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const v of values) c.reply.bulk(String(v));
    return;
  }
  for (const m of members) c.reply.bulk(m);
}

function sinterGeneric(c: Client, argv: Argv, from: number, to: number, storeIndex: number): void {
  const ids = lookupSets(c, argv, from, to);
  if (ids === null) return;
  const members = intersection(c.db, ids, 0);
  if (storeIndex !== -1) c.reply.integer(storeSet(c, argv, storeIndex, members, 'sinterstore'));
  else if (ids.some((id) => id === 0)) c.reply.setLen(0);
  else {
    // Redis replies while it iterates the smallest set: its order, not a rebuilt one.
    c.reply.setLen(members.length);
    for (const m of members) c.reply.bulk(m);
  }
}

function sinter(c: Client, argv: Argv): void {
  sinterGeneric(c, argv, 1, argv.count, -1);
}

function sinterstore(c: Client, argv: Argv): void {
  sinterGeneric(c, argv, 2, argv.count, 1);
}

function sintercard(c: Client, argv: Argv): void {
  const numkeys = argInt64(argv, 1);
  if (numkeys === null || numkeys <= 0 || numkeys > INT_MAX) {
    c.reply.error(NUMKEYS_NOT_POSITIVE);
    return;
  }
  if (numkeys > argv.count - 2) {
    c.reply.error(NUMKEYS_TOO_MANY);
    return;
  }
  const n = Number(numkeys);
  let limit = 0;
  for (let j = 2 + n; j < argv.count; j++) {
    if (argv.is(j, 'LIMIT') && j + 1 < argv.count) {
      const l = argInt64(argv, j + 1);
      if (l === null || l < 0) {
        c.reply.error(ZSET_LIMIT_NEGATIVE);
        return;
      }
      limit = Number(l);
      j++;
    } else {
      c.reply.error(SYNTAX);
      return;
    }
  }
  const ids = lookupSets(c, argv, 2, 2 + n);
  if (ids === null) return;
  c.reply.integer(intersection(c.db, ids, limit).length);
}

function sunionDiffGeneric(c: Client, argv: Argv, from: number, to: number, storeIndex: number, diff: boolean): void {
  const db = c.db;
  const ids = lookupSets(c, argv, from, to);
  if (ids === null) return;
  let members: string[];
  if (!diff) {
    const seen = new Set<string>();
    members = [];
    for (const id of ids) {
      if (id === 0) continue;
      for (const m of setMembers(db, id)) {
        if (!seen.has(m)) {
          seen.add(m);
          members.push(m);
        }
      }
    }
  } else if (ids[0] === 0) {
    members = [];
  } else {
    members = setMembers(db, ids[0]).filter((m) => {
      for (let k = 1; k < ids.length; k++) {
        if (ids[k] === ids[0] || (ids[k] !== 0 && hasMemberString(db, ids[k], m))) return false;
      }
      return true;
    });
  }
  if (storeIndex !== -1) c.reply.integer(storeSet(c, argv, storeIndex, members, diff ? 'sdiffstore' : 'sunionstore'));
  else replyBuiltSet(c, members);
}

function sunion(c: Client, argv: Argv): void {
  sunionDiffGeneric(c, argv, 1, argv.count, -1, false);
}

function sunionstore(c: Client, argv: Argv): void {
  sunionDiffGeneric(c, argv, 2, argv.count, 1, false);
}

function sdiff(c: Client, argv: Argv): void {
  sunionDiffGeneric(c, argv, 1, argv.count, -1, true);
}

function sdiffstore(c: Client, argv: Argv): void {
  sunionDiffGeneric(c, argv, 2, argv.count, 1, true);
}

// ---------------------------------------------------------------------------------------------
// SSCAN
// ---------------------------------------------------------------------------------------------

function sscan(c: Client, argv: Argv): void {
  const start = startScan(c, argv, lookupSet, false);
  if (start === null) return;
  const { cursor, id, options } = start;
  const db = c.db;
  const found: string[] = [];
  let next = 0;
  if (formOf(db, id) === Form.Table) {
    next = db.object<SetTable>(id).scan(cursor, options.count, (m) => found.push(m));
  } else {
    // A compact set is returned whole, with cursor 0, whatever COUNT says.
    found.push(...setMembers(db, id));
  }
  c.reply.arrayLen(2);
  c.reply.bulk(String(next));
  const matched = options.pattern === -1 ? found : found.filter((m) => matches(argv, options.pattern, m));
  c.reply.arrayLen(matched.length);
  for (const m of matched) c.reply.bulk(m);
}

function matches(argv: Argv, patternIndex: number, member: string): boolean {
  const n = toScratch(member);
  return globMatch(argv.bufs[patternIndex], argv.starts[patternIndex], argv.ends[patternIndex], scratch, 0, n, false);
}

export const setCommands: CommandEntry[] = [
  { name: 'sadd', handler: sadd },
  { name: 'srem', handler: srem },
  { name: 'scard', handler: scard },
  { name: 'sismember', handler: sismember },
  { name: 'smismember', handler: smismember },
  { name: 'smembers', handler: smembers },
  { name: 'smove', handler: smove },
  { name: 'spop', handler: spop },
  { name: 'srandmember', handler: srandmember },
  { name: 'sinter', handler: sinter },
  { name: 'sintercard', handler: sintercard },
  { name: 'sinterstore', handler: sinterstore },
  { name: 'sunion', handler: sunion },
  { name: 'sunionstore', handler: sunionstore },
  { name: 'sdiff', handler: sdiff },
  { name: 'sdiffstore', handler: sdiffstore },
  { name: 'sscan', handler: sscan },
];
