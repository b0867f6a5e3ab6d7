/**
 * FieldExpiry: the deadlines of a hash's fields in its table form (Redis 7.4's hash field
 * expiry, HEXPIRE and friends).
 *
 * Two views of the same deadlines: a map field -> deadline, which every read consults to hide
 * an expired field, and a binary min-heap of (deadline, field), which the active expiry pops
 * fields from in deadline order. Changing or removing a deadline only updates the map; the
 * heap keeps the old pair until it surfaces and is found stale (its deadline no longer the
 * map's), and is rebuilt from the map when stale pairs outnumber live ones, so it never holds
 * more than about twice the fields that have a deadline.
 *
 * Deadlines are milliseconds since the epoch below 2^48 (Redis caps them there), exact as
 * doubles.
 */

import { BigMap } from './big-map.js';

/** Stale heap pairs tolerated beyond twice the live deadlines before the heap is rebuilt. */
const HEAP_SLACK = 64;

/** DueHashes keeps ids in one Map per 2^22 of them, well below V8's 2^24 entries per Map. */
const ID_SHARD_BITS = 22;

export class FieldExpiry {
  private readonly deadlines = new BigMap<number>();
  private heap = new TimeHeap<string>();

  /** Fields that have a deadline. */
  get size(): number {
    return this.deadlines.size;
  }

  /** The deadline of `field`, or undefined when it has none. */
  get(field: string): number | undefined {
    return this.deadlines.get(field);
  }

  /** Give `field` the deadline `at`. */
  set(field: string, at: number): void {
    if (this.deadlines.get(field) === at) return;
    this.deadlines.set(field, at);
    this.heap.push(at, field);
    if (this.heap.size > 2 * this.deadlines.size + HEAP_SLACK) this.rebuild();
  }

  /** Remove the deadline of `field`; returns whether it had one. */
  delete(field: string): boolean {
    if (!this.deadlines.delete(field)) return false;
    if (this.heap.size > 2 * this.deadlines.size + HEAP_SLACK) this.rebuild();
    return true;
  }

  /** The earliest deadline, or 0 when no field has one. */
  min(): number {
    this.dropStale();
    return this.heap.size === 0 ? 0 : this.heap.topTime;
  }

  /**
   * Remove and return the field with the earliest deadline if that deadline is at most
   * `limit`; null otherwise. The field loses its deadline here; the caller deletes the field.
   */
  popDue(limit: number): string | null {
    this.dropStale();
    if (this.heap.size === 0 || this.heap.topTime > limit) return null;
    const field = this.heap.topItem;
    this.heap.pop();
    this.deadlines.delete(field);
    return field;
  }

  /** Every field with its deadline, in no particular order. */
  forEach(visit: (at: number, field: string) => void): void {
    this.deadlines.forEach(visit);
  }

  /** An independent copy (COPY). */
  clone(): FieldExpiry {
    const copy = new FieldExpiry();
    this.deadlines.forEach((at, field) => copy.set(field, at));
    return copy;
  }

  /** Pop heap pairs whose deadline the map no longer holds. */
  private dropStale(): void {
    const heap = this.heap;
    while (heap.size > 0 && this.deadlines.get(heap.topItem) !== heap.topTime) heap.pop();
  }

  private rebuild(): void {
    const heap = new TimeHeap<string>();
    this.deadlines.forEach((at, field) => heap.push(at, field));
    this.heap = heap;
  }
}

/**
 * DueHashes: the hashes of a store that have fields with deadlines, by entry id, in the order
 * their first field falls due; what the active expiry of fields works through.
 *
 * Redis takes a hash out of its equivalent (db->hexpires) whenever the key is deleted. Here
 * nothing tells this schedule that a key went, so it is a schedule of hints: whoever pops an id
 * checks that the entry is still a hash with deadlines and asks it when it is due next. An id
 * is held once, at its earliest known due time (scheduling it later changes nothing); a heap
 * pair whose time is no longer the id's is stale and skipped, and the heap is rebuilt when
 * stale pairs outnumber live ones.
 */
export class DueHashes {
  private heap = new TimeHeap<number>();
  /** id -> the time it is scheduled at, in Maps by id >>> ID_SHARD_BITS (each below V8's 2^24). */
  private readonly scheduled: Map<number, number>[] = [];
  private count = 0;

  /** Hashes scheduled. */
  get size(): number {
    return this.count;
  }

  /** Make sure hash `id` is looked at once `due` (ms) has passed, or earlier. */
  schedule(id: number, due: number): void {
    const shard = (this.scheduled[id >>> ID_SHARD_BITS] ??= new Map());
    const current = shard.get(id);
    if (current !== undefined && current <= due) return;
    if (current === undefined) this.count++;
    shard.set(id, due);
    this.heap.push(due, id);
    if (this.heap.size > 2 * this.count + HEAP_SLACK) this.rebuild();
  }

  /** The id of a hash due at or before `now`, taken off the schedule; 0 when none is. */
  popDue(now: number): number {
    const heap = this.heap;
    while (heap.size > 0 && heap.topTime <= now) {
      const at = heap.topTime;
      const id = heap.topItem;
      heap.pop();
      const shard = this.scheduled[id >>> ID_SHARD_BITS];
      if (shard !== undefined && shard.get(id) === at) {
        shard.delete(id);
        this.count--;
        return id;
      }
    }
    return 0;
  }

  private rebuild(): void {
    const heap = new TimeHeap<number>();
    for (const shard of this.scheduled) shard?.forEach((at, id) => heap.push(at, id));
    this.heap = heap;
  }
}

/** A binary min-heap of (time, item) pairs. */
class TimeHeap<T> {
  private readonly times: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.times.length;
  }

  /** The earliest time (the heap must not be empty). */
  get topTime(): number {
    return this.times[0];
  }

  /** The item of the earliest time (the heap must not be empty). */
  get topItem(): T {
    return this.items[0];
  }

  push(time: number, item: T): void {
    const times = this.times;
    const items = this.items;
    let i = times.length;
    times.push(time);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent] <= time) break;
      times[i] = times[parent];
      items[i] = items[parent];
      i = parent;
    }
    times[i] = time;
    items[i] = item;
  }

  /** Remove the earliest pair. */
  pop(): void {
    const times = this.times;
    const items = this.items;
    const lastTime = times.pop() as number;
    const lastItem = items.pop() as T;
    const n = times.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && times[child + 1] < times[child]) child++;
      if (times[child] >= lastTime) break;
      times[i] = times[child];
      items[i] = items[child];
      i = child;
    }
    times[i] = lastTime;
    items[i] = lastItem;
  }
}
