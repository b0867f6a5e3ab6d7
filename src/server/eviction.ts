/**
 * Eviction: Redis's maxmemory (evict.c).
 *
 * Before a command runs (processCommand), while used memory is over `maxmemory`, keys are
 * deleted as `maxmemory-policy` says until it is not: the LRU, LFU and TTL policies keep Redis's
 * pool of the 16 best candidates, refilled from `maxmemory-samples` keys sampled in every
 * database; the random ones pick a key of each database in turn. Each eviction is a deletion
 * the rest of the server sees as Redis shows it: an "evicted" keyspace event, WATCH broken,
 * tracking invalidated, INFO's evicted_keys. When the time allowed by
 * `maxmemory-eviction-tenacity` runs out, the rest is done in slices between events, and
 * commands keep running meanwhile; when nothing can be evicted, commands that may grow memory
 * are refused with -OOM.
 *
 * The memory counted is Store.datasetBytes plus the clients' buffers: see Engine.usedMemory.
 */

import { performance } from 'node:perf_hooks';
import type { Database } from '../store/database.js';
import { Lookup } from '../store/database.js';
import { lfuDecayed } from '../store/lfu.js';
import type { Engine } from './engine.js';
import { Notify } from './keyspace-events.js';

export const OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";

export const enum Evict {
  /** Under the limit (or nothing to do). */
  Ok,
  /** Over it, and the rest is being evicted in background slices. */
  Running,
  /** Over it, and nothing more can be evicted. */
  Fail,
}

const enum Policy {
  NoEviction,
  Lru,
  Lfu,
  Ttl,
  Random,
}

/** EVPOOL_SIZE */
const POOL_SIZE = 16;
/** Redis's LRU clock counts seconds. */
const LRU_RESOLUTION_MS = 1000;

interface Candidate {
  /** Higher is a better candidate: ms idle (LRU), 255 - frequency (LFU), or a TTL rank. */
  idle: number;
  db: number;
  /** The key, latin1. */
  key: string;
}

export class Eviction {
  private policy = Policy.NoEviction;
  private allKeys = false;
  /** Best candidates last; never more than POOL_SIZE. */
  private readonly pool: Candidate[] = [];
  private nextRandomDb = 0;
  private slicesScheduled = false;
  /** When used memory first went over the limit (performance.now), 0 while under it. */
  private exceededSince = 0;
  /** Time spent over the limit before the current stretch (INFO total_eviction_exceeded_time). */
  private exceededTotalMs = 0;

  constructor(private readonly engine: Engine) {
    const config = engine.config;
    this.configure(config.get('maxmemory-policy'));
    config.watch('maxmemory-policy', (v) => this.configure(v));
  }

  private configure(name: string): void {
    this.allKeys = name.startsWith('allkeys-');
    const kind = name.slice(name.indexOf('-') + 1);
    this.policy = name === 'noeviction' ? Policy.NoEviction : kind === 'lru' ? Policy.Lru : kind === 'lfu' ? Policy.Lfu : kind === 'ttl' ? Policy.Ttl : Policy.Random;
    this.pool.length = 0;
    const store = this.engine.store;
    store.lfu = this.policy === Policy.Lfu;
  }

  /** INFO stats: total_eviction_exceeded_time, in ms. */
  get totalExceededMs(): number {
    return Math.floor(this.exceededTotalMs + this.currentExceededMs);
  }

  /** INFO stats: current_eviction_exceeded_time, in ms. */
  get currentExceededMs(): number {
    return this.exceededSince === 0 ? 0 : Math.floor(performance.now() - this.exceededSince);
  }

  resetStats(): void {
    this.exceededTotalMs = 0;
    if (this.exceededSince !== 0) this.exceededSince = performance.now();
  }

  /** performEvictions: evict until used memory is within maxmemory, or time runs out. */
  perform(): Evict {
    const engine = this.engine;
    const maxmemory = engine.maxmemory;
    // isSafeToPerformEvictions: a paused server changes nothing, not even by evicting.
    if (maxmemory === 0 || engine.pause.active) return Evict.Ok;
    let used = engine.usedMemoryForEviction();
    if (used <= maxmemory) return this.settled(Evict.Ok);
    if (this.policy === Policy.NoEviction) return this.settled(Evict.Fail);
    const started = performance.now();
    const limitMs = this.timeLimitMs();
    let evicted = 0;
    const store = engine.store;
    let dataset = store.datasetBytes;
    while (used > maxmemory) {
      const pick = this.pick();
      if (pick === null) return this.settled(Evict.Fail);
      this.evict(pick.db, pick.id);
      const after = store.datasetBytes;
      used -= dataset - after;
      dataset = after;
      evicted++;
      if (evicted % 16 === 0 && performance.now() - started > limitMs) {
        this.scheduleSlices();
        return this.settled(Evict.Running);
      }
    }
    return this.settled(this.slicesScheduled ? Evict.Running : Evict.Ok);
  }

  /** The stretch over the limit starts or ends with `result` (Redis's update_metrics). */
  private settled(result: Evict): Evict {
    if (result === Evict.Ok) {
      if (this.exceededSince !== 0) {
        this.exceededTotalMs += performance.now() - this.exceededSince;
        this.exceededSince = 0;
      }
    } else if (this.exceededSince === 0) {
      this.exceededSince = performance.now();
    }
    return result;
  }

  /** evictionTimeLimitUs: 50 us per tenacity step up to 10, then growing 15% a step; 100 is no limit. */
  private timeLimitMs(): number {
    const tenacity = this.engine.config.getNumber('maxmemory-eviction-tenacity');
    if (tenacity <= 10) return (50 * tenacity) / 1000;
    if (tenacity < 100) return (500 * Math.pow(1.15, tenacity - 10)) / 1000;
    return Infinity;
  }

  /** evictionTimeProc: keep evicting between events while over the limit. */
  private scheduleSlices(): void {
    if (this.slicesScheduled) return;
    this.slicesScheduled = true;
    const slice = (): void => {
      this.slicesScheduled = false;
      const result = this.perform();
      if (result === Evict.Running && !this.slicesScheduled) this.scheduleSlices();
    };
    setImmediate(slice);
  }

  /** The next key to evict as the policy chooses, or null when there is none. */
  private pick(): { db: Database; id: number } | null {
    return this.policy === Policy.Random ? this.pickRandom() : this.pickFromPool();
  }

  private pickRandom(): { db: Database; id: number } | null {
    const databases = this.engine.store.databases;
    for (let i = 0; i < databases.length; i++) {
      const db = databases[++this.nextRandomDb % databases.length];
      const id = this.allKeys ? db.dict.random() : this.randomVolatile(db);
      if (id !== 0) return { db, id };
    }
    return null;
  }

  private randomVolatile(db: Database): number {
    const n = db.expires.size;
    return n === 0 ? 0 : db.expires.owner(1 + Math.floor(Math.random() * n));
  }

  private pickFromPool(): { db: Database; id: number } | null {
    const databases = this.engine.store.databases;
    const pool = this.pool;
    for (;;) {
      let keys = 0;
      for (const db of databases) {
        const n = this.allKeys ? db.size : db.expires.size;
        if (n === 0) continue;
        this.populate(db);
        keys += n;
      }
      if (keys === 0) return null;
      // Best candidates are last; one deleted since it was pooled is a ghost, and skipped.
      while (pool.length > 0) {
        const best = pool.pop() as Candidate;
        const db = databases[best.db];
        const key = Buffer.from(best.key, 'latin1');
        const id = db.find(key, 0, key.length, Lookup.NoTouch | Lookup.NoExpire);
        if (id !== 0 && (this.allKeys || db.expireAt(id) !== 0)) return { db, id };
      }
    }
  }

  /** evictionPoolPopulate: sample keys of `db` and keep the best in the pool. */
  private populate(db: Database): void {
    // dictGetSomeKeys: never more samples than keys.
    const samples = Math.min(this.engine.config.getNumber('maxmemory-samples'), this.allKeys ? db.size : db.expires.size);
    for (let s = 0; s < samples; s++) {
      const id = this.allKeys ? db.dict.random() : this.randomVolatile(db);
      if (id === 0) return;
      this.offer(db, id, this.idleness(db, id));
    }
  }

  private idleness(db: Database, id: number): number {
    const store = this.engine.store;
    switch (this.policy) {
      case Policy.Lru: {
        return store.idleSeconds(db.lru(id)) * LRU_RESOLUTION_MS;
      }
      case Policy.Lfu:
        return 255 - lfuDecayed(db.lru(id), store.now(), store.lfuDecayTime);
      default:
        // volatile-ttl: the sooner it expires, the better a candidate.
        return Number.MAX_SAFE_INTEGER - db.expireAt(id);
    }
  }

  /** Insert into the pool, kept in ascending idleness, as evictionPoolPopulate does. */
  private offer(db: Database, id: number, idle: number): void {
    const pool = this.pool;
    let k = 0;
    while (k < pool.length && pool[k].idle < idle) k++;
    // Full, and no better than the worst kept: not taken.
    if (k === 0 && pool.length === POOL_SIZE) return;
    const key = db.keyString(id);
    // A key already pooled (sampled again) is not kept twice.
    for (const c of pool) if (c.db === db.id && c.key === key) return;
    const candidate: Candidate = { idle, db: db.id, key };
    if (pool.length < POOL_SIZE) pool.splice(k, 0, candidate);
    else {
      // No room on the right: drop the worst candidate on the left.
      pool.splice(k, 0, candidate);
      pool.shift();
    }
  }

  /** Delete one key as an eviction: what the rest of the server sees of it. */
  private evict(db: Database, id: number): void {
    const engine = this.engine;
    const key = db.keyString(id);
    if (engine.persistence.saving) engine.persistence.preserve(db, id);
    db.delete(id);
    if (engine.propagation.active) engine.propagateDeletion(db.id, key);
    engine.stats.evictedKeys++;
    engine.events.modified(db, key);
    engine.events.notify(Notify.Evicted, 'evicted', db, key);
  }
}
