/**
 * BigMap: a Map from latin1 strings that holds more than 2^24 entries.
 *
 * V8's Map stops at 2^24 entries, and grows by rehashing everything at once (a stall that
 * grows with it). A hash, set or sorted set may be larger than either allows, so entries are
 * spread over a chain of Maps of at most SHARD_LIMIT each: lookups try each Map, inserts go to
 * the newest. Up to SHARD_LIMIT entries there is exactly one Map and no overhead.
 */

/** Entries per Map: bounds the rehash stall of one Map's growth (~2M entries moved at most). */
export const SHARD_LIMIT = 1 << 21;

export class BigMap<V> {
  private shards: Map<string, V>[] = [new Map()];
  private count = 0;

  /** `shardLimit` is for tests; real collections use SHARD_LIMIT. */
  constructor(private readonly shardLimit = SHARD_LIMIT) {}

  get size(): number {
    return this.count;
  }

  /** The Map holding `key`, or undefined. */
  private shardOf(key: string): Map<string, V> | undefined {
    const shards = this.shards;
    if (shards.length === 1) return shards[0].has(key) ? shards[0] : undefined;
    for (let i = shards.length - 1; i >= 0; i--) if (shards[i].has(key)) return shards[i];
    return undefined;
  }

  get(key: string): V | undefined {
    const shards = this.shards;
    if (shards.length === 1) return shards[0].get(key);
    for (let i = shards.length - 1; i >= 0; i--) {
      const v = shards[i].get(key);
      if (v !== undefined || shards[i].has(key)) return v;
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.shardOf(key) !== undefined;
  }

  set(key: string, value: V): this {
    if (this.shards.length === 1) {
      const only = this.shards[0];
      // One lookup instead of two when the key exists or the Map has room.
      if (only.size < this.shardLimit || only.has(key)) {
        const before = only.size;
        only.set(key, value);
        this.count += only.size - before;
        return this;
      }
    }
    const shard = this.shardOf(key);
    if (shard !== undefined) {
      shard.set(key, value);
      return this;
    }
    let last = this.shards[this.shards.length - 1];
    if (last.size >= this.shardLimit) {
      last = new Map();
      this.shards.push(last);
    }
    last.set(key, value);
    this.count++;
    return this;
  }

  delete(key: string): boolean {
    const shards = this.shards;
    for (let i = shards.length - 1; i >= 0; i--) {
      if (shards[i].delete(key)) {
        this.count--;
        if (shards[i].size === 0 && shards.length > 1) shards.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  clear(): void {
    this.shards = [new Map()];
    this.count = 0;
  }

  *entries(): IterableIterator<[string, V]> {
    for (const shard of this.shards) yield* shard.entries();
  }

  *keys(): IterableIterator<string> {
    for (const shard of this.shards) yield* shard.keys();
  }

  *values(): IterableIterator<V> {
    for (const shard of this.shards) yield* shard.values();
  }

  forEach(fn: (value: V, key: string) => void): void {
    for (const shard of this.shards) shard.forEach((v, k) => fn(v, k));
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }
}
