/**
 * Database: one of the numbered keyspaces (SELECT n), and the API every command family uses to
 * find, create, overwrite, expire, rename and delete keys.
 *
 * Keys are passed as byte ranges (usually straight from the client's Argv). String values live
 * in the Heap; other types are JS objects held by handle in the Store's object table, so the
 * keyspace itself stays off the collector's heap. Expiry follows Redis: a key past its deadline
 * is deleted when it is looked up (lazy expiry) and by the active cycle that samples the
 * database's ExpirySet.
 */

import type { Argv } from '../protocol/argv.js';
import { Dict, WARM_MAX } from './dict.js';
import {
  base,
  EntryFlag,
  EXPIRE_SLOT,
  HASH,
  INLINE_KEY_MAX,
  INLINE_VALUE_MAX,
  keyInlineOffset,
  valueInlineOffset,
  KEY_ADDR,
  KEY_LEN,
  LRU_MASK,
  META,
  VALUE,
  VALUE_CAP,
  VALUE_LEN,
  ValueType,
  valueInHeap,
} from './entries.js';
import { ExpirySet } from './expires.js';
import { hashBytes } from './hash.js';
import { blockCapacity } from './heap.js';
import type { Store } from './store.js';

/** Options of a lookup, as Redis's LOOKUP_* flags. */
export const enum Lookup {
  Normal = 0,
  /** Do not update the LRU/LFU clock (OBJECT, TYPE under CLIENT NO-TOUCH, SCAN's filtering). */
  NoTouch = 1,
  /** Do not delete an expired key; report it missing (used while the caller must not write). */
  NoExpire = 2,
  /** A read by a command: counts in keyspace_hits / keyspace_misses. */
  Read = 4,
  /** A miss raises no "keymiss" event (OBJECT, as Redis's LOOKUP_NONOTIFY). */
  NoNotify = 8,
}

const WARM_HASHES = new Int32Array(WARM_MAX);

/**
 * Told when a key comes into being (created, renamed, moved in) and when SWAPDB exchanges two
 * databases' contents: Redis signals clients blocked on a key from dbAdd, and rescans their
 * keys on SWAPDB. The engine's BlockingManager and its KeyspaceEvents ("new") are watchers.
 */
export interface KeyspaceWatcher {
  keyAdded(db: Database, id: number): void;
  contentsSwapped(db: Database, other: Database): void;
  /** A stream value is going away (deleted, expired or overwritten): Redis's signalDeletedKeyAsReady. */
  streamRemoved?(db: Database, id: number): void;
  /** The database was emptied (FLUSHDB, FLUSHALL): Redis's scanDatabaseForDeletedKeys. */
  emptied?(db: Database): void;
}

/** Copy src[start, end) to dst at `at`; short runs in a loop, as the Heap does. */
function copyBytes(dst: Buffer, at: number, src: Uint8Array, start: number, end: number): void {
  for (let i = start; i < end; i++) dst[at++] = src[i];
}

export class Database {
  dict: Dict;
  expires = new ExpirySet();
  /** Sum of TTLs sampled by the active cycle, smoothed, for INFO's avg_ttl. */
  avgTtl = 0;
  /**
   * Deadlines past 2^53 ms (year 287,396) by entry: a double cannot hold them exactly, and
   * PEXPIRETIME must return exactly what PEXPIREAT set.
   */
  private hugeDeadlines: Map<number, bigint> | null = null;
  /** Told of keys coming into being and of SWAPDB (blocking, the "new" event). */
  readonly watchers: KeyspaceWatcher[] = [];

  constructor(
    readonly id: number,
    private readonly store: Store,
  ) {
    this.dict = new Dict(store.entries, store.heap, store);
  }

  get size(): number {
    return this.dict.size;
  }

  /** Start over empty (the old table is the caller's to free). */
  reset(): void {
    const hadKeys = this.dict.size > 0;
    this.dict = new Dict(this.store.entries, this.store.heap, this.store);
    this.expires = new ExpirySet();
    this.avgTtl = 0;
    this.hugeDeadlines = null;
    if (hadKeys) for (const w of this.watchers) w.emptied?.(this);
  }

  /** Exchange contents with `other` (SWAPDB). */
  swapContents(other: Database): void {
    [this.dict, other.dict] = [other.dict, this.dict];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.avgTtl, other.avgTtl] = [other.avgTtl, this.avgTtl];
    [this.hugeDeadlines, other.hugeDeadlines] = [other.hugeDeadlines, this.hugeDeadlines];
    for (const w of this.watchers) w.contentsSwapped(this, other);
  }

  // -----------------------------------------------------------------------------------------
  // Lookup
  // -----------------------------------------------------------------------------------------

  /** The live entry for key b[start, end), or 0. An expired key is deleted on the way. */
  find(b: Uint8Array, start: number, end: number, flags: Lookup = Lookup.Normal): number {
    const id = this.dict.find(hashBytes(b, start, end), b, start, end);
    if (id === 0) {
      if ((flags & Lookup.Read) !== 0) this.missed(b, start, end, flags);
      return 0;
    }
    const c = this.store.entries.chunk(id);
    const o = base(id);
    const slot = c[o + EXPIRE_SLOT];
    // Redis's keyIsExpired: a key lives through its deadline millisecond (now > when).
    if (slot !== 0 && this.expires.deadline(slot) < this.store.now()) {
      // An expired key reads as missing; it is deleted too unless the caller forbids it (or the
      // store keeps expired keys, as a replica does).
      if ((flags & Lookup.NoExpire) === 0) this.store.expireLazily(this, id);
      if ((flags & Lookup.Read) !== 0) this.missed(b, start, end, flags);
      return 0;
    }
    if ((flags & Lookup.NoTouch) === 0 && !this.store.noTouch) {
      const meta = c[o + META];
      c[o + META] = (meta & ~LRU_MASK) | (this.store.lfu ? this.store.touchedClock(meta & LRU_MASK) : this.store.lruClock);
    }
    if ((flags & Lookup.Read) !== 0) this.store.keyspaceHits++;
    return id;
  }

  /** Is key b[start, end) in the table, expired or not (Redis's dictFind on db->dict)? */
  holds(b: Uint8Array, start = 0, end = b.length): boolean {
    return this.dict.find(hashBytes(b, start, end), b, start, end) !== 0;
  }

  /** Redis's keyIsExpired: the key is in the table and its deadline has passed. */
  keyIsExpired(b: Uint8Array, start: number, end: number): boolean {
    const id = this.dict.find(hashBytes(b, start, end), b, start, end);
    if (id === 0) return false;
    const slot = this.store.entries.chunk(id)[base(id) + EXPIRE_SLOT];
    return slot !== 0 && this.expires.deadline(slot) < this.store.now();
  }

  /** A read found no key: keyspace_misses, and the "keymiss" event when some listener wants it. */
  private missed(b: Uint8Array, start: number, end: number, flags: Lookup): void {
    this.store.keyspaceMisses++;
    const hook = this.store.onKeyMiss;
    if (hook !== null && (flags & Lookup.NoNotify) === 0) hook(this, b, start, end);
  }

  /** find() for the key in argv[i]. */
  findArg(argv: Argv, i: number, flags: Lookup = Lookup.Normal): number {
    return this.find(argv.bufs[i], argv.starts[i], argv.ends[i], flags);
  }

  /**
   * Before a multi-key command works through keys argv[from], argv[from + step], ...: bring
   * what their lookups will read into the CPU cache together (Dict.warm), so the misses of
   * different keys overlap.
   */
  warmArgs(argv: Argv, from: number, step: number): void {
    let n = 0;
    for (let i = from; i < argv.count && n < WARM_MAX; i += step) {
      WARM_HASHES[n++] = hashBytes(argv.bufs[i], argv.starts[i], argv.ends[i]);
    }
    if (n > 1) this.store.warmSink ^= this.dict.warm(WARM_HASHES, n);
  }

  // -----------------------------------------------------------------------------------------
  // Entry accessors
  // -----------------------------------------------------------------------------------------

  type(id: number): ValueType {
    return this.store.entries.chunk(id)[base(id) + META] >>> 28;
  }

  flags(id: number): number {
    return (this.store.entries.chunk(id)[base(id) + META] >>> 24) & 0xf;
  }

  setFlags(id: number, flags: number): void {
    const c = this.store.entries.chunk(id);
    const o = base(id);
    c[o + META] = (c[o + META] & ~(0xf << 24)) | ((flags & 0xf) << 24);
  }

  /** Set entry `id`'s 24 clock bits (LRU clock, or LFU data under an LFU policy). */
  setClock(id: number, bits: number): void {
    const c = this.store.entries.chunk(id);
    const o = base(id);
    c[o + META] = (c[o + META] & ~LRU_MASK) | (bits & LRU_MASK);
  }

  lru(id: number): number {
    return this.store.entries.chunk(id)[base(id) + META] & LRU_MASK;
  }

  /** Deadline in ms since the epoch, or 0 when the key does not expire. */
  expireAt(id: number): number {
    const slot = this.store.entries.chunk(id)[base(id) + EXPIRE_SLOT];
    return slot === 0 ? 0 : this.expires.deadline(slot);
  }

  keyLength(id: number): number {
    return this.store.entries.chunk(id)[base(id) + KEY_LEN];
  }

  /** The key's bytes, as [buffer, offset, length]; valid until the next write to the store. */
  keyBuffer(id: number): Buffer {
    const c = this.store.entries.chunk(id);
    const o = base(id);
    if (c[o + KEY_LEN] <= INLINE_KEY_MAX) return this.store.entries.bytes(id);
    return this.store.heap.bufferOf(c[o + KEY_ADDR]);
  }

  keyOffset(id: number): number {
    const c = this.store.entries.chunk(id);
    const o = base(id);
    if (c[o + KEY_LEN] <= INLINE_KEY_MAX) return keyInlineOffset(id);
    return this.store.heap.offsetOf(c[o + KEY_ADDR]);
  }

  /** The key as a latin1 string (one char per byte). */
  keyString(id: number): string {
    const b = this.keyBuffer(id);
    const o = this.keyOffset(id);
    return b.latin1Slice(o, o + this.keyLength(id));
  }

  // -----------------------------------------------------------------------------------------
  // String values
  // -----------------------------------------------------------------------------------------

  stringLength(id: number): number {
    return this.store.entries.chunk(id)[base(id) + VALUE_LEN];
  }

  /** Buffer holding a string value; read stringLength(id) bytes from stringOffset(id). */
  stringBuffer(id: number): Buffer {
    const c = this.store.entries.chunk(id);
    const o = base(id);
    if (c[o + VALUE_CAP] === 0) return this.store.entries.bytes(id);
    return this.store.heap.bufferOf(c[o + VALUE]);
  }

  stringOffset(id: number): number {
    const c = this.store.entries.chunk(id);
    const o = base(id);
    if (c[o + VALUE_CAP] === 0) return valueInlineOffset(id);
    return this.store.heap.offsetOf(c[o + VALUE]);
  }

  /** A copy of a string value. */
  stringBytes(id: number): Buffer {
    const n = this.stringLength(id);
    if (n === 0) return Buffer.alloc(0);
    const b = this.stringBuffer(id);
    const o = this.stringOffset(id);
    return Buffer.from(b.subarray(o, o + n));
  }

  /** A string value as a latin1 string. */
  stringValue(id: number): string {
    const n = this.stringLength(id);
    if (n === 0) return '';
    return this.stringBuffer(id).latin1Slice(this.stringOffset(id), this.stringOffset(id) + n);
  }

  /**
   * Set key k[ks, ke) to the string v[vs, ve), creating the key or replacing its value of any
   * type. The TTL is removed unless `keepTtl`. Returns the entry.
   */
  setString(
    k: Uint8Array,
    ks: number,
    ke: number,
    v: Uint8Array,
    vs: number,
    ve: number,
    keepTtl = false,
  ): number {
    let id = this.find(k, ks, ke, Lookup.NoTouch);
    if (id === 0) {
      id = this.create(k, ks, ke, ValueType.String);
    } else {
      if (!keepTtl) this.removeExpire(id);
      const c = this.store.entries.chunk(id);
      const o = base(id);
      const n = ve - vs;
      // Overwriting a string with one that fits the same place (inline, or a block of the same
      // size class) reuses that place.
      if (c[o + META] >>> 28 === ValueType.String) {
        const cap = c[o + VALUE_CAP];
        if (cap === 0 && n <= INLINE_VALUE_MAX) {
          this.setTypeAndFlags(id, ValueType.String, 0);
          c[o + VALUE_LEN] = n;
          copyBytes(this.store.entries.bytes(id), valueInlineOffset(id), v, vs, ve);
          return id;
        }
        if (cap !== 0 && n > INLINE_VALUE_MAX && blockCapacity(n) === cap) {
          this.setTypeAndFlags(id, ValueType.String, 0);
          c[o + VALUE_LEN] = n;
          this.store.heap.write(c[o + VALUE], 0, v, vs, ve);
          return id;
        }
      }
      this.releaseValue(id);
      this.setTypeAndFlags(id, ValueType.String, 0);
    }
    this.writeString(id, v, vs, ve);
    return id;
  }

  /**
   * Add key k[ks, ke), which the caller knows to be absent, as the string v[vs, ve): one
   * lookup fewer than setString (loading a snapshot).
   */
  addString(k: Uint8Array, ks: number, ke: number, v: Uint8Array, vs: number, ve: number): number {
    const id = this.create(k, ks, ke, ValueType.String);
    this.writeString(id, v, vs, ve);
    return id;
  }

  /** setString() with the key and value taken from argv. */
  setStringArg(argv: Argv, keyIndex: number, valueIndex: number, keepTtl = false): number {
    return this.setString(
      argv.bufs[keyIndex],
      argv.starts[keyIndex],
      argv.ends[keyIndex],
      argv.bufs[valueIndex],
      argv.starts[valueIndex],
      argv.ends[valueIndex],
      keepTtl,
    );
  }

  /** Replace the bytes of the string at entry `id` (keeps TTL and key). */
  replaceString(id: number, v: Uint8Array, vs: number, ve: number): void {
    this.releaseValue(id);
    this.setTypeAndFlags(id, ValueType.String, 0);
    this.writeString(id, v, vs, ve);
  }

  /**
   * Make the string at entry `id` exactly `length` bytes long (new bytes are zero), reserving
   * room to grow as Redis's sds does, and return nothing: callers then write through
   * stringBuffer/stringOffset. Used by APPEND, SETRANGE and SETBIT.
   */
  resizeString(id: number, length: number): void {
    const heap = this.store.heap;
    const c = this.store.entries.chunk(id);
    const o = base(id);
    const oldLen = c[o + VALUE_LEN];
    const cap = c[o + VALUE_CAP];
    if (cap === 0 && length <= INLINE_VALUE_MAX) {
      const bytes = this.store.entries.bytes(id);
      const at = valueInlineOffset(id);
      if (length > oldLen) bytes.fill(0, at + oldLen, at + length);
      c[o + VALUE_LEN] = length;
      return;
    }
    if (length <= cap) {
      if (length > oldLen) heap.bufferOf(c[o + VALUE]).fill(0, heap.offsetOf(c[o + VALUE]) + oldLen, heap.offsetOf(c[o + VALUE]) + length);
      c[o + VALUE_LEN] = length;
      return;
    }
    // Grow with headroom: double below 1 MB, then 1 MB at a time (sdsMakeRoomFor's greed).
    const want = length < 1024 * 1024 ? length * 2 : length + 1024 * 1024;
    const newCap = blockCapacity(want);
    const addr = heap.alloc(newCap);
    const dst = heap.bufferOf(addr);
    const dstOff = heap.offsetOf(addr);
    if (oldLen > 0) {
      const src = this.stringBuffer(id);
      const srcOff = this.stringOffset(id);
      src.copy(dst, dstOff, srcOff, srcOff + oldLen);
    }
    dst.fill(0, dstOff + oldLen, dstOff + length);
    if (cap !== 0) heap.free(c[o + VALUE], cap);
    c[o + VALUE] = addr;
    c[o + VALUE_CAP] = newCap;
    c[o + VALUE_LEN] = length;
  }

  private writeString(id: number, v: Uint8Array, vs: number, ve: number): void {
    const heap = this.store.heap;
    const c = this.store.entries.chunk(id);
    const o = base(id);
    const n = ve - vs;
    c[o + VALUE_LEN] = n;
    if (n <= INLINE_VALUE_MAX) {
      c[o + VALUE] = 0;
      c[o + VALUE_CAP] = 0;
      copyBytes(this.store.entries.bytes(id), valueInlineOffset(id), v, vs, ve);
      return;
    }
    const cap = blockCapacity(n);
    c[o + VALUE] = heap.alloc(cap);
    c[o + VALUE_CAP] = cap;
    heap.write(c[o + VALUE], 0, v, vs, ve);
  }

  // -----------------------------------------------------------------------------------------
  // Packed values: a collection's compact form (listpack, intset), bytes in the Heap
  // -----------------------------------------------------------------------------------------

  /** Does entry `id` hold a collection in its compact form? */
  isPacked(id: number): boolean {
    return (this.flags(id) & EntryFlag.Packed) !== 0;
  }

  /** The buffer holding a packed value; read packedLength(id) bytes from packedOffset(id). */
  packedBuffer(id: number): Buffer {
    return this.stringBuffer(id);
  }

  packedOffset(id: number): number {
    return this.stringOffset(id);
  }

  packedLength(id: number): number {
    return this.stringLength(id);
  }

  /**
   * Set key k[ks, ke) to a collection of `type` in compact form, whose image is src[ss, se),
   * replacing any value. The TTL is removed unless `keepTtl`. Returns the entry.
   */
  setPacked(
    k: Uint8Array,
    ks: number,
    ke: number,
    type: ValueType,
    src: Uint8Array,
    ss: number,
    se: number,
    keepTtl = false,
  ): number {
    let id = this.find(k, ks, ke, Lookup.NoTouch);
    if (id === 0) id = this.create(k, ks, ke, type);
    else {
      this.releaseValue(id);
      if (!keepTtl) this.removeExpire(id);
    }
    this.setTypeAndFlags(id, type, EntryFlag.Packed);
    this.writeString(id, src, ss, se);
    return id;
  }

  /**
   * Give the packed value at entry `id` the image src[ss, se) (type, TTL and key stay). The
   * image is written in place when it fits the value's block (or the record) without wasting a
   * size class; the source must not be the value's own bytes.
   */
  replacePacked(id: number, src: Uint8Array, ss: number, se: number): void {
    const c = this.store.entries.chunk(id);
    const o = base(id);
    const n = se - ss;
    const cap = c[o + VALUE_CAP];
    if (cap === 0 ? n <= INLINE_VALUE_MAX : n > INLINE_VALUE_MAX && blockCapacity(n) === cap) {
      c[o + VALUE_LEN] = n;
      if (cap === 0) copyBytes(this.store.entries.bytes(id), valueInlineOffset(id), src, ss, se);
      else this.store.heap.write(c[o + VALUE], 0, src, ss, se);
      return;
    }
    if (cap !== 0) this.store.heap.free(c[o + VALUE], cap);
    this.writeString(id, src, ss, se);
  }

  /**
   * Convert the collection at entry `id` to its table form, the JS object `value` (the packed
   * image, if any, is freed). Type, TTL and key stay.
   */
  replaceObject(id: number, value: unknown): void {
    const type = this.type(id);
    this.releaseValue(id);
    this.setTypeAndFlags(id, type, 0);
    this.store.entries.chunk(id)[base(id) + VALUE] = this.store.objects.add(value);
  }

  // -----------------------------------------------------------------------------------------
  // Object values (collections): held by handle
  // -----------------------------------------------------------------------------------------

  /** The JS object held by a non-string key. */
  object<T>(id: number): T {
    return this.store.objects.get(this.store.entries.chunk(id)[base(id) + VALUE]) as T;
  }

  /** Set key k[ks, ke) to a new object value of `type`, replacing any value. Returns the entry. */
  setObject(k: Uint8Array, ks: number, ke: number, type: ValueType, value: unknown, keepTtl = false): number {
    let id = this.find(k, ks, ke, Lookup.NoTouch);
    if (id === 0) id = this.create(k, ks, ke, type);
    else {
      this.releaseValue(id);
      if (!keepTtl) this.removeExpire(id);
    }
    this.setTypeAndFlags(id, type, 0);
    const c = this.store.entries.chunk(id);
    c[base(id) + VALUE] = this.store.objects.add(value);
    return id;
  }

  // -----------------------------------------------------------------------------------------
  // Expiry
  // -----------------------------------------------------------------------------------------

  /** The deadline of entry `id` exactly (a bigint only beyond 2^53), or 0 without a TTL. */
  expireAtExact(id: number): number | bigint {
    const at = this.expireAt(id);
    if (at > Number.MAX_SAFE_INTEGER && this.hugeDeadlines !== null) return this.hugeDeadlines.get(id) ?? at;
    return at;
  }

  /** Give entry `id` the deadline `at` (ms since the epoch; a bigint beyond 2^53). */
  setExpire(id: number, at: number | bigint): void {
    if (typeof at === 'bigint') {
      (this.hugeDeadlines ??= new Map()).set(id, at);
      this.setExpireMs(id, Number(at));
      return;
    }
    this.hugeDeadlines?.delete(id);
    this.setExpireMs(id, at);
  }

  private setExpireMs(id: number, at: number): void {
    const c = this.store.entries.chunk(id);
    const o = base(id);
    const slot = c[o + EXPIRE_SLOT];
    if (slot !== 0) this.expires.setDeadline(slot, at);
    else c[o + EXPIRE_SLOT] = this.expires.add(id, at);
  }

  /** Remove the TTL of entry `id`; returns whether it had one. */
  removeExpire(id: number): boolean {
    const entries = this.store.entries;
    const c = entries.chunk(id);
    const o = base(id);
    const slot = c[o + EXPIRE_SLOT];
    if (slot === 0) return false;
    this.hugeDeadlines?.delete(id);
    c[o + EXPIRE_SLOT] = 0;
    const moved = this.expires.remove(slot);
    if (moved !== 0) entries.chunk(moved)[base(moved) + EXPIRE_SLOT] = slot;
    return true;
  }

  // -----------------------------------------------------------------------------------------
  // Delete, rename, move
  // -----------------------------------------------------------------------------------------

  /** Delete entry `id` and free its key and value. */
  delete(id: number): void {
    this.dict.remove(id);
    this.removeExpire(id);
    this.releaseValue(id);
    const c = this.store.entries.chunk(id);
    const o = base(id);
    this.store.heap.free(c[o + KEY_ADDR], c[o + KEY_LEN]);
    this.store.entries.release(id);
  }

  /** Delete the key b[start, end) if present (and live); returns whether it was deleted. */
  deleteKey(b: Uint8Array, start: number, end: number): boolean {
    const id = this.find(b, start, end, Lookup.NoTouch);
    if (id === 0) return false;
    this.delete(id);
    return true;
  }

  /**
   * Give entry `id` the key b[start, end) (RENAME). The caller has removed any key of that name.
   * The value, TTL and LRU clock stay with the entry.
   */
  rekey(id: number, b: Uint8Array, start: number, end: number): void {
    this.dict.remove(id);
    this.setKey(id, b, start, end);
    this.dict.insert(id);
    for (const w of this.watchers) w.keyAdded(this, id);
  }

  /** Move entry `id` into database `target` (MOVE, SWAPDB helpers). The key must not exist there. */
  moveTo(id: number, target: Database): void {
    const at = this.expireAtExact(id);
    this.removeExpire(id);
    this.dict.remove(id);
    target.dict.insert(id);
    if (at !== 0) target.setExpire(id, at);
    for (const w of target.watchers) w.keyAdded(target, id);
  }

  /** Create an entry for a key known to be absent. */
  create(k: Uint8Array, ks: number, ke: number, type: ValueType): number {
    const id = this.store.entries.allocate();
    this.setKey(id, k, ks, ke);
    this.setTypeAndFlags(id, type, 0);
    this.dict.insert(id);
    for (const w of this.watchers) w.keyAdded(this, id);
    return id;
  }

  private setKey(id: number, k: Uint8Array, ks: number, ke: number): void {
    const heap = this.store.heap;
    const c = this.store.entries.chunk(id);
    const o = base(id);
    if (c[o + KEY_ADDR] !== 0) heap.free(c[o + KEY_ADDR], c[o + KEY_LEN]);
    const n = ke - ks;
    c[o + HASH] = hashBytes(k, ks, ke);
    c[o + KEY_LEN] = n;
    if (n <= INLINE_KEY_MAX) {
      c[o + KEY_ADDR] = 0;
      copyBytes(this.store.entries.bytes(id), keyInlineOffset(id), k, ks, ke);
    } else {
      c[o + KEY_ADDR] = heap.store(k, ks, ke);
    }
  }

  private setTypeAndFlags(id: number, type: ValueType, flags: number): void {
    const c = this.store.entries.chunk(id);
    const o = base(id);
    c[o + META] = ((type & 0xf) << 28) | ((flags & 0xf) << 24) | this.store.storedClock(c[o + META] & LRU_MASK);
  }

  /** Free whatever value entry `id` holds (the entry keeps its key). */
  private releaseValue(id: number): void {
    const c = this.store.entries.chunk(id);
    const o = base(id);
    const meta = c[o + META];
    if (meta >>> 28 === ValueType.Stream) for (const w of this.watchers) w.streamRemoved?.(this, id);
    if (valueInHeap(meta)) {
      this.store.heap.free(c[o + VALUE], c[o + VALUE_CAP]);
    } else if (meta >>> 28 !== ValueType.None) {
      this.store.objects.remove(c[o + VALUE]);
    }
    c[o + VALUE] = 0;
    c[o + VALUE_LEN] = 0;
    c[o + VALUE_CAP] = 0;
  }

  /** Is the string's encoding pinned to "raw" (modified in place)? */
  isRawEncoded(id: number): boolean {
    return (this.flags(id) & EntryFlag.RawEncoding) !== 0;
  }
}
