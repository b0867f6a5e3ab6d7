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

import { RdbFormatError, type RdbReader, type RdbWriter } from './rdb-encoding.js';
import { lpGet, lpSkip } from '../types/listpack.js';

/** RDB_TYPE_* */
export const enum RdbType {
  String = 0,
  List = 1,
  Set = 2,
  ZSet = 3,
  Hash = 4,
  ZSet2 = 5,
  SetIntset = 11,
  ListQuicklist = 14,
  HashListpack = 16,
  ZSetListpack = 17,
  ListQuicklist2 = 18,
  SetListpack = 20,
}

/** The newest RDB version this reader takes (Redis 7.2's). */
export const RDB_VERSION_READ = 11;
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
  | { kind: 'hash'; pairs: string[] }
  | { kind: 'zset'; members: string[]; scores: number[] };

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

/** RDB_TYPE_ZSET_2: members with binary scores, from the greatest to the smallest, as Redis. */
export function writeZSet2(w: RdbWriter, membersDescending: readonly string[], scoresDescending: readonly number[]): void {
  w.byte(RdbType.ZSet2);
  w.len(membersDescending.length);
  for (let i = 0; i < membersDescending.length; i++) {
    w.string(Buffer.from(membersDescending[i], 'latin1'));
    w.double(scoresDescending[i]);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** rdbLoadObject for object type `type` (its byte already read). */
export function readValue(r: RdbReader, type: number): RdbValue {
  const at = r.pos;
  switch (type) {
    case RdbType.String:
      return { kind: 'string', bytes: Buffer.from(r.string()) };
    case RdbType.List: {
      const elements: string[] = [];
      for (let n = nonEmpty(r); n > 0; n--) elements.push(latin1(r.string()));
      return { kind: 'list', elements };
    }
    case RdbType.ListQuicklist2:
      return { kind: 'list', elements: readQuicklist2(r) };
    case RdbType.Set: {
      const members: string[] = [];
      const seen = new Set<string>();
      for (let n = nonEmpty(r); n > 0; n--) {
        const m = latin1(r.string());
        if (seen.has(m)) throw new RdbFormatError('duplicate set member', at);
        seen.add(m);
        members.push(m);
      }
      return { kind: 'set', members };
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
    case RdbType.ZSetListpack: {
      const flat = listpackElements(r.string(), at);
      if (flat.length % 2 !== 0) throw new RdbFormatError('sorted set listpack with an odd number of entries', at);
      const members: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        members.push(flat[i]);
        const score = Number(flat[i + 1]);
        if (flat[i + 1] === '' || Number.isNaN(score)) throw new RdbFormatError('bad score in a sorted set listpack', at);
        scores.push(score);
      }
      unique(members, 1, at);
      return { kind: 'zset', members, scores };
    }
    default:
      throw new RdbFormatError(`unsupported object type ${type}`, at - 1);
  }
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
 * The entries of a listpack image, each checked to lie within it (lpValidateIntegrity). The
 * image itself is not kept (the store builds its own from the entries), so a wrong
 * back-length cannot mislead a later backward walk.
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
