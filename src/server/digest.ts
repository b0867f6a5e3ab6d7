/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE (debug.c's computeDatasetDigest and xorObjectDigest): a
 * SHA1-based fingerprint of the dataset, equal to Redis's for equal data whatever the
 * encodings. Unordered things (keys, set members, hash fields, sorted set members) are
 * combined by xor, ordered ones (list elements, stream entries) by mixing: SHA1 of the digest
 * xor SHA1 of the data. Scores are written as Redis 7.0 writes them ("%.17g").
 */

import { createHash } from 'node:crypto';
import { readStoredValue } from '../commands/dump.js';
import { formatDouble } from '../protocol/format.js';
import type { Database } from '../store/database.js';
import { hashBytes } from '../store/hash.js';
import { ValueType } from '../store/entries.js';
import { Stream, StreamIterator } from '../types/stream.js';
import { MAX_ID, ZERO_ID } from '../types/stream-id.js';
import type { Engine } from './engine.js';

type Digest = Uint8Array;

function sha1(data: Uint8Array | string): Buffer {
  return createHash('sha1').update(typeof data === 'string' ? Buffer.from(data, 'latin1') : data).digest();
}

function xorDigest(digest: Digest, data: Uint8Array | string): void {
  const h = sha1(data);
  for (let j = 0; j < 20; j++) digest[j] ^= h[j];
}

function mixDigest(digest: Digest, data: Uint8Array | string): void {
  xorDigest(digest, data);
  digest.set(sha1(digest));
}

/** Redis's OBJ_* numbering, which the digest mixes in as a big-endian u32. */
const OBJ_TYPE: Record<number, number> = {
  [ValueType.String]: 0,
  [ValueType.List]: 1,
  [ValueType.Set]: 2,
  [ValueType.ZSet]: 3,
  [ValueType.Hash]: 4,
  [ValueType.Stream]: 6,
};

const iterator = new StreamIterator();

/** xorObjectDigest: key `id`'s value (and whether it has a TTL) into `digest`. */
function objectDigest(engine: Engine, db: Database, id: number, digest: Digest): void {
  const type = db.type(id);
  const aux = Buffer.alloc(4);
  aux.writeUInt32BE(OBJ_TYPE[type] ?? 5);
  mixDigest(digest, aux);
  if (type === ValueType.Stream) {
    const it = iterator.begin(db.object<Stream>(id), ZERO_ID, MAX_ID, false);
    while (it.next()) {
      const e = it.entry;
      mixDigest(digest, `${e.id.ms}.${e.id.seq}`);
      for (const part of e.fieldsAndValues()) mixDigest(digest, part);
    }
  } else {
    const value = readStoredValue(engine.store, db, id);
    switch (value.kind) {
      case 'string':
        mixDigest(digest, value.bytes);
        break;
      case 'list':
        for (const e of value.elements) mixDigest(digest, e);
        break;
      case 'set':
        for (const m of value.members) xorDigest(digest, m);
        break;
      case 'zset':
        for (let i = 0; i < value.members.length; i++) {
          const ele = new Uint8Array(20);
          mixDigest(ele, value.members[i]);
          mixDigest(ele, formatDouble(value.scores[i]));
          xorDigest(digest, ele);
        }
        break;
      case 'hash':
        for (let i = 0; i < value.pairs.length; i += 2) {
          const ele = new Uint8Array(20);
          mixDigest(ele, value.pairs[i]);
          mixDigest(ele, value.pairs[i + 1]);
          xorDigest(digest, ele);
        }
        break;
      case 'stream':
        break;
    }
  }
  if (db.expireAtExact(id) !== 0) xorDigest(digest, '!!expire!!');
}

function hex(d: Digest): string {
  return Buffer.from(d).toString('hex');
}

/** DEBUG DIGEST: the whole dataset, 40 zeros when it is empty. */
export function datasetDigest(engine: Engine): string {
  const final = new Uint8Array(20);
  for (const db of engine.store.databases) {
    if (db.size === 0) continue;
    const aux = Buffer.alloc(4);
    aux.writeUInt32BE(db.id);
    mixDigest(final, aux);
    db.dict.forEach((id) => {
      const digest = new Uint8Array(20);
      mixDigest(digest, db.keyBuffer(id).subarray(db.keyOffset(id), db.keyOffset(id) + db.keyLength(id)));
      objectDigest(engine, db, id, digest);
      xorDigest(final, digest);
    });
  }
  return hex(final);
}

/** DEBUG DIGEST-VALUE: one value's digest (the key not mixed in); zeros for a missing key. */
export function valueDigest(engine: Engine, db: Database, key: Uint8Array): string {
  const digest = new Uint8Array(20);
  // A debug command sees logically expired keys too: the table, not a lookup.
  const id = db.dict.find(hashBytes(key, 0, key.length), key, 0, key.length);
  if (id !== 0) objectDigest(engine, db, id, digest);
  return hex(digest);
}
