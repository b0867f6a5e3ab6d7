/**
 * Store: all the databases and the memory they share, with the background work that keeps them
 * tidy (active expiry, incremental rehash, lazy freeing), each run in bounded slices.
 *
 * The Store knows nothing of clients or the wire. The engine tells it the time once per command
 * (Redis caches its clock the same way, so one command sees one "now"), and subscribes to the
 * keys it expires so notifications and propagation can follow.
 */

import { performance } from 'node:perf_hooks';
import { Database } from './database.js';
import { base, ENTRY_WORDS, EXPIRE_SLOT, KEY_ADDR, KEY_LEN, META, VALUE, VALUE_CAP, ValueType, LRU_MASK, valueInHeap } from './entries.js';
import { Entries } from './entries.js';
import { Heap } from './heap.js';
import { lfuInitial, lfuMinutes, lfuTouched } from './lfu.js';
import { ObjectTable } from './objects.js';
import type { Dict } from './dict.js';
import type { ExpirySet } from './expires.js';

/**
 * Redis's encoding thresholds (list-max-listpack-size, set-max-intset-entries, ...), as numbers
 * the collection commands read on every write.
 */
export interface EncodingLimits {
  listMaxListpackSize: number;
  setMaxIntsetEntries: number;
  setMaxListpackEntries: number;
  setMaxListpackValue: number;
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
}

/** An expiry set slot: a deadline (double) and an entry id. */
const EXPIRY_SLOT_BYTES = 12;

/** Keys sampled per database per round of the active expire cycle (Redis: 20 at effort 1). */
const EXPIRE_KEYS_PER_LOOP = 20;

export class Store {
  readonly heap = new Heap();
  readonly entries = new Entries();
  readonly objects = new ObjectTable();
  databases: Database[] = [];
  /** Where collections switch from their compact to their table form (kept current from config). */
  readonly limits: EncodingLimits = {
    listMaxListpackSize: -2,
    setMaxIntsetEntries: 512,
    setMaxListpackEntries: 128,
    setMaxListpackValue: 64,
    hashMaxListpackEntries: 512,
    hashMaxListpackValue: 64,
    zsetMaxListpackEntries: 128,
    zsetMaxListpackValue: 64,
  };

  /** Redis's 24-bit LRU clock (seconds). */
  lruClock = 0;
  /**
   * Set while an LFU maxmemory-policy is selected: entries' clock bits then hold an LFU
   * counter (lfu.ts), bumped on access with these two settings.
   */
  lfu = false;
  lfuLogFactor = 10;
  lfuDecayTime = 1;
  private clock = Date.now();

  /** Set while loading a dataset or acting as a replica: expired keys are not deleted on read. */
  keepExpired = false;
  activeExpireEnabled = true;
  /** Set while a CLIENT NO-TOUCH client's command runs: lookups leave the LRU clock alone. */
  noTouch = false;
  activeExpireEffort = 1;

  expiredKeys = 0;
  keyspaceHits = 0;
  /** Where Dict.warm's loads land, so the optimizer keeps them. */
  warmSink = 0;
  keyspaceMisses = 0;
  expiredStalePercent = 0;
  expiredTimeCapReached = 0;
  /**
   * Asked before a bucket table doubles, with the bytes it would add: false while that would
   * take used memory over maxmemory (the engine sets it; null when there is no limit).
   */
  expandAllowed: ((moreBytes: number) => boolean) | null = null;
  /** Called when a read finds no key, while some listener wants "keymiss" events. */
  onKeyMiss: ((db: Database, b: Uint8Array, start: number, end: number) => void) | null = null;
  /** Called once a key expired and was deleted, with its name (latin1). */
  onExpired: ((db: Database, key: string) => void) | null = null;
  /**
   * Called after fields of a hash expired and were deleted (Redis 7.4's "hexpired"), with the
   * key (latin1) and whether the hash went with its last field.
   */
  onFieldsExpired: ((db: Database, key: string, keyDeleted: boolean) => void) | null = null;

  /**
   * Expiry that value types keep inside their values (Redis 7.4's hash field expiry): run at
   * the start of every active expire cycle, each given the cycle's deadline on
   * performance.now()'s clock and expected to stop by it.
   */
  readonly activeExpireHooks: ((deadline: number) => void)[] = [];

  private readonly lazyFree: { dict: Dict; expires: ExpirySet }[] = [];
  lazyFreedObjects = 0;

  constructor(databaseCount: number) {
    for (let i = 0; i < databaseCount; i++) this.databases.push(new Database(i, this));
    this.tick(Date.now());
  }

  /** The clock bits of a key accessed now that had `bits` (LRU: the clock; LFU: a hit counted). */
  touchedClock(bits: number): number {
    return this.lfu ? lfuTouched(bits, this.clock, this.lfuDecayTime, this.lfuLogFactor) : this.lruClock;
  }

  /**
   * The clock bits of a value stored now in an entry that had `bits`: the LRU clock, or under
   * LFU the old counter kept (Redis's dbSetValue keeps it on overwrite), or a new key's start.
   */
  storedClock(bits: number): number {
    if (!this.lfu) return this.lruClock;
    return bits !== 0 ? bits : lfuInitial(this.clock);
  }

  /** estimateObjectIdleTime, in seconds: how long ago an LRU clock of `lru` was now. */
  idleSeconds(lru: number): number {
    const clock = this.lruClock;
    return clock >= lru ? clock - lru : clock + (LRU_MASK - lru);
  }

  /**
   * objectSetLRUOrLFU for a value just loaded (RESTORE, a snapshot): under an LFU policy a
   * given frequency, else a given idle time in seconds; -1 leaves the entry's clock as it is.
   */
  setAccessInfo(db: Database, id: number, idle: number, freq: number): void {
    if (this.lfu) {
      if (freq >= 0) db.setClock(id, (lfuMinutes(this.clock) << 8) | freq);
    } else if (idle >= 0) {
      let clock = this.lruClock - idle;
      if (clock < 0) clock += LRU_MASK;
      db.setClock(id, clock);
    }
  }

  /** The current command's time in ms. */
  now(): number {
    return this.clock;
  }

  /** Advance the cached clock (once per command, and from the cron). */
  tick(ms: number): void {
    this.clock = ms;
    this.lruClock = Math.floor(ms / 1000) & LRU_MASK;
  }

  /** Delete an expired key met on lookup; false when expired keys must be kept (replica). */
  expireLazily(db: Database, id: number): boolean {
    if (this.keepExpired) return false;
    this.expire(db, id);
    return true;
  }

  private expire(db: Database, id: number): void {
    const hook = this.onExpired;
    const key = hook === null ? '' : db.keyString(id);
    db.delete(id);
    this.expiredKeys++;
    if (hook !== null) hook(db, key);
  }

  get pendingLazyFree(): number {
    let n = 0;
    for (const item of this.lazyFree) n += item.dict.size;
    return n;
  }

  // -----------------------------------------------------------------------------------------
  // Whole-database operations
  // -----------------------------------------------------------------------------------------

  /** FLUSHDB: empty one database. With `lazy`, its keys are freed in background slices. */
  flushDatabase(db: Database, lazy: boolean): void {
    const old = { dict: db.dict, expires: db.expires };
    db.reset();
    if (old.dict.size === 0) return;
    this.lazyFree.push(old);
    if (!lazy) while (this.freeSome(1 << 30)) {}
  }

  /** FLUSHALL: when every database goes, the memory goes back in one step. */
  flushAll(): void {
    for (const db of this.databases) db.reset();
    this.lazyFree.length = 0;
    this.heap.clear();
    this.entries.clear();
    this.objects.clear();
  }

  /** SWAPDB: the two databases exchange their contents; clients stay on their numbers. */
  swap(a: number, b: number): void {
    this.databases[a].swapContents(this.databases[b]);
  }

  /** Free up to `limit` keys of detached databases; returns true while work remains. */
  freeSome(limit: number): boolean {
    const ids: number[] = [];
    while (this.lazyFree.length > 0 && limit > 0) {
      const item = this.lazyFree[0];
      ids.length = 0;
      const more = item.dict.drain(Math.min(limit, 4096), ids);
      for (const id of ids) this.releaseEntry(id);
      this.lazyFreedObjects += ids.length;
      limit -= ids.length;
      if (!more) this.lazyFree.shift();
    }
    return this.lazyFree.length > 0;
  }

  /** Free an entry that is no longer in any table. */
  private releaseEntry(id: number): void {
    const c = this.entries.chunk(id);
    const o = base(id);
    const meta = c[o + META];
    if (valueInHeap(meta)) this.heap.free(c[o + VALUE], c[o + VALUE_CAP]);
    else if (meta >>> 28 !== ValueType.None) this.objects.remove(c[o + VALUE]);
    this.heap.free(c[o + KEY_ADDR], c[o + KEY_LEN]);
    c[o + EXPIRE_SLOT] = 0;
    this.entries.release(id);
  }

  // -----------------------------------------------------------------------------------------
  // Background work
  // -----------------------------------------------------------------------------------------

  /**
   * Redis's active expire cycle: per database, sample volatile keys and delete the expired ones,
   * repeating while more than a tenth of a sample had expired, within `budgetMs`.
   */
  activeExpireCycle(budgetMs: number): void {
    if (!this.activeExpireEnabled || this.keepExpired) return;
    const deadline = performance.now() + budgetMs;
    for (let i = 0; i < this.activeExpireHooks.length; i++) this.activeExpireHooks[i](deadline);
    const effort = this.activeExpireEffort - 1;
    const perLoop = EXPIRE_KEYS_PER_LOOP + (EXPIRE_KEYS_PER_LOOP / 4) * effort;
    const acceptableStale = 10 - effort;
    let sampledTotal = 0;
    let expiredTotal = 0;
    for (const db of this.databases) {
      const set = db.expires;
      let repeat = true;
      let ttlSum = 0;
      let ttlSamples = 0;
      while (repeat && set.size > 0) {
        const now = this.now();
        let sampled = 0;
        let expired = 0;
        const n = Math.min(perLoop, set.size);
        for (let k = 0; k < n && set.size > 0; k++) {
          if (set.cursor > set.size) set.cursor = 1;
          const slot = set.cursor;
          const at = set.deadline(slot);
          sampled++;
          if (at < now) {
            // The last slot moves into this one, so the cursor stays to look at it next.
            this.expire(db, set.owner(slot));
            expired++;
          } else {
            ttlSum += at - now;
            ttlSamples++;
            set.cursor++;
          }
        }
        sampledTotal += sampled;
        expiredTotal += expired;
        repeat = sampled > 0 && (expired * 100) / sampled > acceptableStale;
        if (performance.now() >= deadline) {
          this.expiredTimeCapReached++;
          this.updateAvgTtl(db, ttlSum, ttlSamples);
          this.updateStale(sampledTotal, expiredTotal);
          return;
        }
      }
      this.updateAvgTtl(db, ttlSum, ttlSamples);
    }
    this.updateStale(sampledTotal, expiredTotal);
  }

  private updateAvgTtl(db: Database, sum: number, samples: number): void {
    if (samples === 0) return;
    const avg = sum / samples;
    // The same running average Redis keeps: 2% weight for each new sample.
    db.avgTtl = db.avgTtl === 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50;
  }

  private updateStale(sampled: number, expired: number): void {
    const current = sampled > 0 ? expired / sampled : 0;
    this.expiredStalePercent = this.expiredStalePercent * 0.95 + current * 0.05;
  }

  /** Move rehashing tables along and free detached ones, for up to `budgetMs`. */
  backgroundWork(budgetMs: number): boolean {
    const deadline = performance.now() + budgetMs;
    let more = false;
    for (const db of this.databases) {
      if (db.dict.rehashing) {
        more = db.dict.rehashFor(Math.max(0, deadline - performance.now())) || more;
      }
    }
    while (this.lazyFree.length > 0 && performance.now() < deadline) this.freeSome(4096);
    return more || this.lazyFree.length > 0;
  }

  /** Shrink sparse tables (the cron, as Redis's tryResizeHashTables). */
  shrinkTables(): void {
    for (const db of this.databases) db.dict.shrinkIfSparse();
  }

  /**
   * The keyspace's bytes as used_memory counts them, and as maxmemory limits them: the blocks
   * and entry records in use, the bucket tables, the expiry sets, and the collections'
   * estimated sizes. Unlike the JS heap's figure, it falls as soon as a key is deleted.
   */
  get datasetBytes(): number {
    let n = this.heap.usedBytes + this.entries.live * ENTRY_WORDS * 4 + this.objects.bytes;
    for (const db of this.databases) n += db.dict.reservedBytes + db.expires.size * EXPIRY_SLOT_BYTES;
    return n;
  }

  /** Bytes the keyspace occupies outside the JS heap (blocks in use, entries, buckets). */
  get offHeapBytes(): number {
    let n = this.heap.usedBytes + this.entries.reservedBytes;
    for (const db of this.databases) n += db.dict.reservedBytes;
    return n;
  }

  get totalKeys(): number {
    let n = 0;
    for (const db of this.databases) n += db.size;
    return n;
  }
}
