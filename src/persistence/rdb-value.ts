/**
 * One value in Redis's RDB form (rdbSaveObject / rdbLoadObject): a type byte and the value's
 * encoding. DUMP and RESTORE carry exactly this; snapshots will write one per key.
 *
 * Written in the forms Redis 7.0 and 7.2 both load (RDB 10): compact collections keep their
 * listpack or intset image as Redis's own bytes; a small set that is a listpack in Redis 7.2
 * (RDB 11's type 20) is written as a plain set. Read: every form of RDB 10 and 11 (and the plain
 * forms of older versions). A listpack or intset read is taken apart and its elements checked
 * as they are read, so a damaged image is refused, never stored.
 */

import { ziplistElements, zipmapPairs } from './ziplist.js';
import { RdbFormatError, type RdbReader, type RdbWriter } from './rdb-encoding.js';
import { lpGet, lpPrev, lpSkip } from '../types/listpack.js';
import { encodeKey, Stream, StreamNode } from '../types/stream.js';
import { Consumer, ConsumerGroup, type Nack } from '../types/stream-groups.js';
import { compareIds, u64, U64_MAX, ZERO_ID, type StreamID, type U64 } from '../types/stream-id.js';

/** RDB_TYPE_* */
export const enum RdbType {
  String = 0,
  List = 1,
  Set = 2,
  ZSet = 3,
  Hash = 4,
  ZSet2 = 5,
  HashZipmap = 9,
  ListZiplist = 10,
  SetIntset = 11,
  ZSetZiplist = 12,
  HashZiplist = 13,
  ListQuicklist = 14,
  HashListpack = 16,
  ZSetListpack = 17,
  ListQuicklist2 = 18,
  StreamListpacks = 15,
  StreamListpacks2 = 19,
  SetListpack = 20,
  StreamListpacks3 = 21,
  HashMetadata = 24,
  HashListpackEx = 25,
}

/** The newest RDB version this reader takes (Redis 7.4's, for hashes with field expiry). */
export const RDB_VERSION_READ = 12;
/** The version of a payload or file that holds a hash with field expiry (types 24 and 25). */
export const RDB_VERSION_FIELD_EXPIRY = 12;
/** The version DUMP writes: the forms used are RDB 10's, which Redis 7.0 and 7.2 load. */
export const RDB_VERSION_WRITTEN = 10;

/** quicklist node containers (QUICKLIST_NODE_CONTAINER_*). */
const CONTAINER_PLAIN = 1;
const CONTAINER_PACKED = 2;
const EOF = 0xff;

/** A value read from RDB, as the elements the store builds it from. */
export type RdbValue =
  | { kind: 'string'; bytes: Buffer }
  | { kind: 'list'; elements: string[] }
  | { kind: 'set'; members: string[] }
  | { kind: 'hash'; pairs: string[]; deadlines?: number[] }
  | { kind: 'zset'; members: string[]; scores: number[] }
  | { kind: 'stream'; stream: Stream };

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

export function writeStringValue(w: RdbWriter, bytes: Uint8Array): void {
  w.byte(RdbType.String);
  w.string(bytes);
}

/** A listpack image as one quicklist node (how Redis saves a listpack-encoded list). */
export function writeListpackList(w: RdbWriter, image: Uint8Array): void {
  w.byte(RdbType.ListQuicklist2);
  w.len(1);
  w.len(CONTAINER_PACKED);
  w.string(image);
}

/** A list in quicklist nodes: `nodes` listpack images, head first. */
export function writeQuicklist(w: RdbWriter, nodes: readonly Uint8Array[]): void {
  w.byte(RdbType.ListQuicklist2);
  w.len(nodes.length);
  for (const node of nodes) {
    w.len(CONTAINER_PACKED);
    w.string(node);
  }
}

/** A compact image saved whole: an intset, or a hash or sorted set listpack. */
export function writeImage(w: RdbWriter, type: RdbType.SetIntset | RdbType.HashListpack | RdbType.ZSetListpack, image: Uint8Array): void {
  w.byte(type);
  w.string(image);
}

/** RDB_TYPE_SET: the members one by one. */
export function writePlainSet(w: RdbWriter, members: readonly string[]): void {
  w.byte(RdbType.Set);
  w.len(members.length);
  for (const m of members) w.string(Buffer.from(m, 'latin1'));
}

/** RDB_TYPE_HASH: field, value, field, value, ... */
export function writePlainHash(w: RdbWriter, pairs: readonly string[]): void {
  w.byte(RdbType.Hash);
  w.len(pairs.length / 2);
  for (const s of pairs) w.string(Buffer.from(s, 'latin1'));
}

/**
 * A hash with field expiry (Redis 7.4, RDB 12). A listpackex image goes whole after its earliest
 * deadline (RDB_TYPE_HASH_LISTPACK_EX); a table as RDB_TYPE_HASH_METADATA: the earliest deadline,
 * then each field's deadline as an offset from it plus one (0 for none), field and value.
 */
export function writeListpackExHash(w: RdbWriter, minDeadline: number, image: Uint8Array): void {
  w.byte(RdbType.HashListpackEx);
  w.millis(minDeadline);
  w.string(image);
}

export function writeHashWithDeadlines(w: RdbWriter, minDeadline: number, pairs: readonly string[], deadlines: readonly number[]): void {
  w.byte(RdbType.HashMetadata);
  w.millis(minDeadline);
  w.len(pairs.length / 2);
  for (let i = 0; i < pairs.length; i += 2) {
    const at = deadlines[i / 2];
    w.len(at === 0 ? 0 : at - minDeadline + 1);
    w.string(Buffer.from(pairs[i], 'latin1'));
    w.string(Buffer.from(pairs[i + 1], 'latin1'));
  }
}

/** RDB_TYPE_ZSET_2: members with binary scores, from the greatest to the smallest, as Redis. */
export function writeZSet2(w: RdbWriter, membersDescending: readonly string[], scoresDescending: readonly number[]): void {
  w.byte(RdbType.ZSet2);
  w.len(membersDescending.length);
  for (let i = 0; i < membersDescending.length; i++) {
    w.string(Buffer.from(membersDescending[i], 'latin1'));
    w.double(scoresDescending[i]);
  }
}

/** A stream ID's raw form: two big-endian 64-bit numbers (the radix tree's key). */
function rawId(id: StreamID): Buffer {
  return Buffer.from(encodeKey(id));
}

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * RDB_TYPE_STREAM_LISTPACKS_2 (RDB 10): the nodes as they are (key: the master ID), the
 * stream's counters, then each group with its pending entries and consumers, in name order.
 * Consumers' active times are RDB 11's and are not written; Redis 7.2 reads the seen time
 * for both.
 */
export function writeStream(w: RdbWriter, s: Stream): void {
  w.byte(RdbType.StreamListpacks2);
  w.len(s.nodes.length);
  for (const node of s.nodes) {
    w.string(rawId(node.master));
    w.string(node.buf, 0, node.bytes);
  }
  w.len(s.length);
  for (const id of [s.lastId, s.firstId, s.maxDeletedId]) {
    w.len(id.ms);
    w.len(id.seq);
  }
  w.len(s.entriesAdded);
  const groups = s.groups === null ? [] : [...s.groups.values()].sort(byName);
  w.len(groups.length);
  for (const g of groups) {
    w.string(Buffer.from(g.name, 'latin1'));
    w.len(g.lastId.ms);
    w.len(g.lastId.seq);
    // SCG_INVALID_ENTRIES_READ (-1) is saved as the unsigned 64-bit number it casts to.
    w.len(g.entriesRead < 0 ? U64_MAX : g.entriesRead);
    w.len(g.pel.size);
    for (const nack of g.pel.items) {
      w.bytes(rawId(nack.id));
      w.millis(nack.deliveryTime);
      w.len(nack.deliveryCount);
    }
    const consumers = [...g.consumers.values()].sort(byName);
    w.len(consumers.length);
    for (const consumer of consumers) {
      w.string(Buffer.from(consumer.name, 'latin1'));
      w.millis(consumer.seenTime);
      w.len(consumer.pel.size);
      for (const nack of consumer.pel.items) w.bytes(rawId(nack.id));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** rdbLoadObject for object type `type` (its byte already read). */
export function readValue(r: RdbReader, type: number): RdbValue {
  const at = r.pos;
  switch (type) {
    case RdbType.String: {
      // A view, not a copy: the store copies the bytes in.
      const b = r.string();
      return { kind: 'string', bytes: Buffer.from(b.buffer, b.byteOffset, b.length) };
    }
    case RdbType.List: {
      const elements: string[] = [];
      for (let n = nonEmpty(r); n > 0; n--) elements.push(latin1(r.string()));
      return { kind: 'list', elements };
    }
    case RdbType.ListQuicklist2:
      return { kind: 'list', elements: readQuicklist2(r) };
    // Redis 2.6 to 6.2's compact forms, converted on load as Redis 7 converts them.
    case RdbType.ListZiplist:
      return { kind: 'list', elements: nonEmptyList(ziplistElements(r.string(), at), at) };
    case RdbType.ListQuicklist: {
      const elements: string[] = [];
      for (let nodes = nonEmpty(r); nodes > 0; nodes--) {
        const nodeAt = r.pos;
        for (const e of ziplistElements(r.string(), nodeAt)) elements.push(e);
      }
      return { kind: 'list', elements: nonEmptyList(elements, at) };
    }
    case RdbType.HashZipmap:
    case RdbType.HashZiplist: {
      const pairs = type === RdbType.HashZipmap ? zipmapPairs(r.string(), at) : ziplistElements(r.string(), at);
      if (pairs.length % 2 !== 0) throw new RdbFormatError('hash ziplist with an odd number of entries', at);
      return { kind: 'hash', pairs: unique(pairs, 2, at) };
    }
    case RdbType.ZSetZiplist:
      return flatZSet(ziplistElements(r.string(), at), 'ziplist', at);
    case RdbType.Set: {
      const members: string[] = [];
      for (let n = nonEmpty(r); n > 0; n--) members.push(latin1(r.string()));
      return { kind: 'set', members: unique(members, 1, at) };
    }
    case RdbType.SetIntset:
      return { kind: 'set', members: intsetMembers(r.string(), at) };
    case RdbType.SetListpack:
      return { kind: 'set', members: unique(listpackElements(r.string(), at), 1, at) };
    case RdbType.Hash: {
      const pairs: string[] = [];
      for (let n = nonEmpty(r); n > 0; n--) pairs.push(latin1(r.string()), latin1(r.string()));
      unique(pairs, 2, at);
      return { kind: 'hash', pairs };
    }
    case RdbType.HashListpack: {
      const pairs = listpackElements(r.string(), at);
      if (pairs.length % 2 !== 0) throw new RdbFormatError('hash listpack with an odd number of entries', at);
      return { kind: 'hash', pairs: unique(pairs, 2, at) };
    }
    case RdbType.HashListpackEx: {
      r.millis();
      const flat = listpackElements(r.string(), at);
      if (flat.length % 3 !== 0) throw new RdbFormatError('hash listpack with field expiry of a wrong length', at);
      const pairs: string[] = [];
      const deadlines: number[] = [];
      for (let i = 0; i < flat.length; i += 3) {
        const deadline = Number(flat[i + 2]);
        if (!/^(0|[1-9][0-9]*)$/.test(flat[i + 2]) || !Number.isSafeInteger(deadline)) throw new RdbFormatError('bad field deadline', at);
        pairs.push(flat[i], flat[i + 1]);
        deadlines.push(deadline);
      }
      return { kind: 'hash', pairs: unique(pairs, 2, at), deadlines };
    }
    case RdbType.HashMetadata: {
      const min = Number(r.millis());
      const pairs: string[] = [];
      const deadlines: number[] = [];
      for (let n = nonEmpty(r); n > 0; n--) {
        const ttl = r.len();
        deadlines.push(ttl === 0 ? 0 : min + ttl - 1);
        pairs.push(latin1(r.string()), latin1(r.string()));
      }
      return { kind: 'hash', pairs: unique(pairs, 2, at), deadlines };
    }
    case RdbType.ZSet:
    case RdbType.ZSet2: {
      const members: string[] = [];
      const scores: number[] = [];
      for (let n = nonEmpty(r); n > 0; n--) {
        members.push(latin1(r.string()));
        scores.push(type === RdbType.ZSet2 ? r.double() : readScoreText(r, at));
        if (Number.isNaN(scores[scores.length - 1])) throw new RdbFormatError('NaN score', at);
      }
      unique(members, 1, at);
      return { kind: 'zset', members, scores };
    }
    case RdbType.ZSetListpack:
      return flatZSet(listpackElements(r.string(), at), 'listpack', at);
    case RdbType.StreamListpacks:
    case RdbType.StreamListpacks2:
    case RdbType.StreamListpacks3:
      return { kind: 'stream', stream: readStream(r, type) };
    default:
      throw new RdbFormatError(`unsupported object type ${type}`, at - 1);
  }
}

/** A sorted set from a compact image's flat member, score, member, score ... entries. */
function flatZSet(flat: string[], form: string, at: number): RdbValue {
  if (flat.length % 2 !== 0) throw new RdbFormatError(`sorted set ${form} with an odd number of entries`, at);
  const members: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    members.push(flat[i]);
    const score = scoreFromText(flat[i + 1]);
    if (Number.isNaN(score)) throw new RdbFormatError(`bad score in a sorted set ${form}`, at);
    scores.push(score);
  }
  unique(members, 1, at);
  return { kind: 'zset', members, scores };
}

/**
 * A score kept as text in a listpack or ziplist, read as zzlStrtod reads it (strtod): "inf"
 * and "-inf" are the infinities a ZADD of inf stores. NaN when it is not a number.
 */
function scoreFromText(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (text.trim() === '' || lower.includes('nan')) return NaN;
  return Number(text);
}

function nonEmptyList(elements: string[], at: number): string[] {
  if (elements.length === 0) throw new RdbFormatError('empty collection', at);
  return elements;
}

/** A collection's length, which RDB never writes as 0 (Redis refuses empty keys). */
function nonEmpty(r: RdbReader): number {
  const at = r.pos;
  const n = r.len();
  if (n === 0) throw new RdbFormatError('empty collection', at);
  return n;
}

/** RDB_TYPE_ZSET (version < 8): a score as a length-prefixed string of its text. */
function readScoreText(r: RdbReader, at: number): number {
  const n = r.byte();
  if (n === 253) return NaN;
  if (n === 254) return Infinity;
  if (n === 255) return -Infinity;
  const text = latin1(r.bytes(n));
  const v = Number(text);
  if (text.trim() === '' || Number.isNaN(v)) throw new RdbFormatError('bad score text', at);
  return v;
}

function readQuicklist2(r: RdbReader): string[] {
  const elements: string[] = [];
  for (let nodes = nonEmpty(r); nodes > 0; nodes--) {
    const at = r.pos;
    const container = r.len();
    const blob = r.string();
    if (container === CONTAINER_PLAIN) elements.push(latin1(blob));
    else if (container === CONTAINER_PACKED) {
      const part = listpackElements(blob, at);
      if (part.length === 0) throw new RdbFormatError('empty quicklist node', at);
      for (const e of part) elements.push(e);
    } else throw new RdbFormatError(`unknown quicklist container ${container}`, at);
  }
  return elements;
}

/**
 * The entries of a listpack image, each checked to lie within it and to be reachable backwards
 * from the next (lpValidateIntegrity, deep).
 */
export function listpackElements(b: Uint8Array, at: number): string[] {
  const end = b.length;
  if (end < 7 || b[end - 1] !== EOF) throw new RdbFormatError('listpack image is truncated', at);
  const total = (b[0] | (b[1] << 8) | (b[2] << 16)) + b[3] * 0x1000000;
  if (total !== end) throw new RdbFormatError('listpack header does not match its size', at);
  const declared = b[4] | (b[5] << 8);
  const out: string[] = [];
  let p = 6;
  while (p < end - 1) {
    const q = lpSkip(b, p);
    if (!(q > p && q <= end - 1)) throw new RdbFormatError('listpack entry runs past the image', at);
    // Its back-length must lead back to it, or a walk from the end would go astray.
    if (lpPrev(b, 0, q) !== p) throw new RdbFormatError('listpack entry with a wrong back-length', at);
    const e = lpGet(b, p);
    out.push(e.isInt ? String(e.int) : latin1(b.subarray(e.start, e.end)));
    p = q;
  }
  if (p !== end - 1) throw new RdbFormatError('listpack does not end where its header says', at);
  if (declared !== 65535 && declared !== out.length) throw new RdbFormatError('listpack entry count does not match its header', at);
  return out;
}

/** An intset image's members, in its (ascending) order. */
function intsetMembers(b: Uint8Array, at: number): string[] {
  if (b.length < 8) throw new RdbFormatError('intset image is truncated', at);
  const width = b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24);
  const n = (b[4] | (b[5] << 8) | (b[6] << 16)) + b[7] * 0x1000000;
  if ((width !== 2 && width !== 4 && width !== 8) || b.length !== 8 + width * n || n === 0) {
    throw new RdbFormatError('intset image is damaged', at);
  }
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  const out: string[] = [];
  let last: bigint | null = null;
  for (let i = 0; i < n; i++) {
    const o = 8 + i * width;
    const v = width === 2 ? BigInt(view.getInt16(o, true)) : width === 4 ? BigInt(view.getInt32(o, true)) : view.getBigInt64(o, true);
    if (last !== null && v <= last) throw new RdbFormatError('intset is not in ascending order', at);
    last = v;
    out.push(String(v));
  }
  return out;
}

/** Refuse a repeated key among `items` taken every `step` (set members, hash fields). */
function unique(items: string[], step: number, at: number): string[] {
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i += step) {
    if (seen.has(items[i])) throw new RdbFormatError('duplicate member', at);
    seen.add(items[i]);
  }
  if (seen.size === 0) throw new RdbFormatError('empty collection', at);
  return items;
}

// ---------------------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------------------

const STREAM_ITEM_FLAG_SAMEFIELDS = 2;

function readId(r: RdbReader): StreamID {
  const ms = u64(r.lenU64());
  return { ms, seq: u64(r.lenU64()) };
}

function readRawId(r: RdbReader): StreamID {
  const b = r.bytes(16);
  const view = new DataView(b.buffer, b.byteOffset, 16);
  return { ms: u64(view.getBigUint64(0, false)), seq: u64(view.getBigUint64(8, false)) };
}

function readStream(r: RdbReader, type: number): Stream {
  const s = new Stream();
  const at = r.pos;
  for (let n = r.len(); n > 0; n--) {
    const key = r.string();
    if (key.length !== 16) throw new RdbFormatError('stream node key is not the size of a stream ID', at);
    const view = new DataView(key.buffer, key.byteOffset, 16);
    const master: StreamID = { ms: u64(view.getBigUint64(0, false)), seq: u64(view.getBigUint64(8, false)) };
    const node = streamNode(master, r.string(), at);
    const last = s.nodes[s.nodes.length - 1];
    if (last !== undefined && compareIds(last.master, master) >= 0) throw new RdbFormatError('stream nodes out of order', at);
    s.nodes.push(node);
    s.nodeBytes += node.buf.length;
  }
  s.length = Number(r.lenU64());
  s.lastId = readId(r);
  if (type >= RdbType.StreamListpacks2) {
    s.firstId = readId(r);
    s.maxDeletedId = readId(r);
    s.entriesAdded = Number(r.lenU64());
  } else {
    s.maxDeletedId = ZERO_ID;
    s.entriesAdded = s.length;
    s.firstId = s.length === 0 ? ZERO_ID : s.edgeId(true, true);
  }
  if (s.length !== 0 && s.nodes.length === 0) throw new RdbFormatError('stream length inconsistent with its nodes', at);
  let live = 0;
  for (const node of s.nodes) live += node.live;
  if (live !== s.length) throw new RdbFormatError('stream length inconsistent with its nodes', at);
  for (let groups = r.len(); groups > 0; groups--) {
    const name = latin1(r.string());
    const lastId = readId(r);
    let entriesRead: number;
    if (type >= RdbType.StreamListpacks2) {
      const v = r.lenU64();
      entriesRead = v === U64_MAX ? -1 : Number(v);
    } else {
      // Before RDB 10 the counter was not kept: estimated from the group's last ID, as Redis does.
      entriesRead = s.estimateDistance(lastId);
    }
    s.groups ??= new Map();
    if (s.groups.has(name)) throw new RdbFormatError('duplicate consumer group', at);
    const group = new ConsumerGroup(name, lastId, entriesRead);
    s.groups.set(name, group);
    const nacks = new Map<string, Nack>();
    for (let pel = r.len(); pel > 0; pel--) {
      const id = readRawId(r);
      const deliveryTime = Number(r.millis());
      const nack: Nack = { id, deliveryTime, deliveryCount: r.len(), consumer: null };
      const items = group.pel.items;
      if (items.length > 0 && compareIds(items[items.length - 1].id, id) >= 0) throw new RdbFormatError('pending entries out of order', at);
      items.push(nack);
      nacks.set(idKey(id), nack);
    }
    for (let consumers = r.len(); consumers > 0; consumers--) {
      const cname = latin1(r.string());
      if (group.consumers.has(cname)) throw new RdbFormatError('duplicate consumer', at);
      const seen = Number(r.millis());
      const consumer = new Consumer(cname, seen);
      consumer.activeTime = type >= RdbType.StreamListpacks3 ? Number(r.millis()) : seen;
      group.consumers.set(cname, consumer);
      for (let pel = r.len(); pel > 0; pel--) {
        const nack = nacks.get(idKey(readRawId(r)));
        if (nack === undefined || nack.consumer !== null) throw new RdbFormatError('consumer entry not in the group PEL, or owned twice', at);
        nack.consumer = consumer;
        const items = consumer.pel.items;
        if (items.length > 0 && compareIds(items[items.length - 1].id, nack.id) >= 0) throw new RdbFormatError('pending entries out of order', at);
        items.push(nack);
      }
    }
    for (const nack of group.pel.items) if (nack.consumer === null) throw new RdbFormatError('pending entry without a consumer', at);
  }
  return s;
}

function idKey(id: StreamID): string {
  return `${id.ms}-${id.seq}`;
}

/** One entry of a listpack as the stream code reads it: an integer, or a string's bytes. */
function intOf(b: Uint8Array, p: number): U64 | null {
  const e = lpGet(b, p);
  if (e.isInt) return e.int;
  const text = latin1(b.subarray(e.start, e.end));
  return /^(0|-?[1-9][0-9]{0,18})$/.test(text) ? Number(text) : null;
}

/** streamValidateListpackIntegrity (deep): the master entry, then every entry's layout. */
function streamNode(master: StreamID, image: Uint8Array, at: number): StreamNode {
  // The listpack's own framing first (sizes, bounds, terminator, count).
  const elements = listpackElements(image, at).length;
  const bad = (): never => {
    throw new RdbFormatError('stream listpack integrity check failed', at);
  };
  const end = image.length - 1;
  let p = 6;
  const next = (): number => {
    if (p >= end) bad();
    const here = p;
    p = lpSkip(image, p);
    return here;
  };
  const int = (): number => {
    const v = intOf(image, next());
    if (v === null || typeof v === 'bigint') return bad();
    return v;
  };
  const live = int();
  const deleted = int();
  const masterFields = int();
  if (live < 0 || deleted < 0 || masterFields < 0 || live + deleted === 0) bad();
  for (let j = 0; j < masterFields; j++) next();
  if (int() !== 0) bad();
  const firstEntry = p;
  for (let n = live + deleted; n > 0; n--) {
    let fields = masterFields;
    let extra = 3;
    const flags = int();
    int();
    int();
    if ((flags & STREAM_ITEM_FLAG_SAMEFIELDS) === 0) {
      fields = int();
      if (fields < 0) bad();
      for (let j = 0; j < fields; j++) next();
      extra += fields + 1;
    }
    for (let j = 0; j < fields; j++) next();
    if (int() !== fields + extra) bad();
  }
  if (p !== end) bad();
  return StreamNode.fromImage(master, image, elements, firstEntry, live, deleted, masterFields);
}
