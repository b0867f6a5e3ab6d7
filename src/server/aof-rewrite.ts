/**
 * An AOF base made of commands (aof.c's rewriteAppendOnlyFileRio), written when
 * `aof-use-rdb-preamble` is no: for each key the commands that rebuild it, at most 64 items a
 * command (AOF_REWRITE_ITEMS_PER_CMD), then PEXPIREAT for its TTL.
 *
 * - strings: SET;
 * - lists: RPUSH; sets: SADD; sorted sets: ZADD with "%.17g" scores;
 * - hashes: HMSET, then HPEXPIREAT for fields with deadlines;
 * - streams: XADD per entry (or XADD MAXLEN 0 for an empty stream) and XSETID with its
 *   counters; per group XGROUP CREATE ... ENTRIESREAD, a forced XCLAIM per pending entry, and
 *   XGROUP CREATECONSUMER for consumers with nothing pending.
 *
 * Collections are read through their RDB form (the same code as DUMP), so every encoding is
 * covered by one reader; a stream is read as it is held.
 */

import { readStoredValue } from '../commands/dump.js';
import { formatDouble } from '../protocol/format.js';
import type { RdbValue } from '../persistence/rdb-value.js';
import type { Database } from '../store/database.js';
import { ValueType } from '../store/entries.js';
import { Stream, StreamIterator } from '../types/stream.js';
import { formatId, MAX_ID, ZERO_ID } from '../types/stream-id.js';
import type { Engine } from './engine.js';
import { Propagation, type Part } from './propagation.js';

const ITEMS_PER_CMD = 64;
const FLUSH_AT = 256 * 1024;

export class AofRewriteWriter {
  keys = 0;
  private readonly out = new Propagation();
  private readonly iterator = new StreamIterator();

  constructor(
    private readonly engine: Engine,
    private readonly sink: (chunk: Buffer) => void,
  ) {
    // rewriteFunctions: the libraries first, as FUNCTION LOAD commands.
    for (const library of engine.scripting.functions.libraries.values()) {
      this.out.add(0, ['FUNCTION', 'LOAD', library.code]);
      this.out.endUnit();
    }
  }

  /** The commands for key `id` of `db`; returns an error message or null. */
  key(db: Database, id: number): string | null {
    const key = Buffer.from(db.keyBuffer(id).subarray(db.keyOffset(id), db.keyOffset(id) + db.keyLength(id)));
    const error = db.type(id) === ValueType.Stream ? this.stream(db, key, db.object<Stream>(id)) : this.collection(db, id, key);
    if (error !== null) return error;
    const expire = db.expireAtExact(id);
    if (expire !== 0) this.emit(db, ['PEXPIREAT', key, String(expire)]);
    this.keys++;
    if (this.out.pos >= FLUSH_AT) this.flush();
    return null;
  }

  finish(): void {
    this.flush();
  }

  private flush(): void {
    if (this.out.pos === 0) return;
    this.sink(Buffer.from(this.out.buf.subarray(0, this.out.pos)));
    this.out.pos = 0;
  }

  private emit(db: Database, parts: readonly Part[]): void {
    this.out.add(db.id, parts);
    this.out.endUnit();
  }

  /** `head` followed by `items`, in commands of at most ITEMS_PER_CMD items (`width` parts each). */
  private batched(db: Database, head: readonly Part[], items: readonly Part[], width: number): void {
    const step = ITEMS_PER_CMD * width;
    for (let i = 0; i < items.length; i += step) this.emit(db, [...head, ...items.slice(i, i + step)]);
  }

  private collection(db: Database, id: number, key: Buffer): string | null {
    let value: RdbValue;
    try {
      value = readStoredValue(this.engine.store, db, id);
    } catch (e) {
      return (e as Error).message;
    }
    switch (value.kind) {
      case 'string':
        this.emit(db, ['SET', key, value.bytes]);
        break;
      case 'list':
        this.batched(db, ['RPUSH', key], value.elements, 1);
        break;
      case 'set':
        this.batched(db, ['SADD', key], value.members, 1);
        break;
      case 'zset': {
        const items: string[] = [];
        for (let i = 0; i < value.members.length; i++) items.push(formatDouble(value.scores[i]), value.members[i]);
        this.batched(db, ['ZADD', key], items, 2);
        break;
      }
      case 'hash':
        this.batched(db, ['HMSET', key], value.pairs, 2);
        if (value.deadlines !== undefined) {
          for (let i = 0; i < value.deadlines.length; i++) {
            const at = value.deadlines[i];
            if (at > 0) this.emit(db, ['HPEXPIREAT', key, String(at), 'FIELDS', '1', value.pairs[i * 2]]);
          }
        }
        break;
      case 'stream':
        return 'a stream read as a collection';
    }
    return null;
  }

  private stream(db: Database, key: Buffer, s: Stream): string | null {
    if (s.length === 0) {
      // An empty stream: XADD one entry, trimmed away at once; XSETID then sets its last ID.
      this.emit(db, ['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y']);
    } else {
      const it = this.iterator.begin(s, ZERO_ID, MAX_ID, false);
      while (it.next()) this.emit(db, ['XADD', key, formatId(it.entry.id), ...it.entry.fieldsAndValues()]);
    }
    this.emit(db, ['XSETID', key, formatId(s.lastId), 'ENTRIESADDED', String(s.entriesAdded), 'MAXDELETEDID', formatId(s.maxDeletedId)]);
    if (s.groups === null) return null;
    for (const group of s.groups.values()) {
      this.emit(db, ['XGROUP', 'CREATE', key, group.name, formatId(group.lastId), 'ENTRIESREAD', String(group.entriesRead)]);
      for (const nack of group.pel.items) {
        const consumer = nack.consumer;
        if (consumer === null) continue;
        this.emit(db, [
          'XCLAIM', key, group.name, consumer.name, '0', formatId(nack.id),
          'TIME', String(nack.deliveryTime), 'RETRYCOUNT', String(nack.deliveryCount), 'JUSTID', 'FORCE',
        ]);
      }
      for (const consumer of group.sortedConsumers()) {
        if (consumer.pel.items.length === 0) this.emit(db, ['XGROUP', 'CREATECONSUMER', key, group.name, consumer.name]);
      }
    }
    return null;
  }
}
