/**
 * ObjectTable: the JS objects behind non-string keys (lists, sets, hashes, ...), by handle.
 *
 * An entry's VALUE word can hold only a number, so collections are kept in this table and the
 * entry holds their index. Freed handles are reused.
 *
 * The table also keeps the sum of its objects' sizes for used_memory (see types/memory.ts).
 * Asking every object its size after every command would cost a lookup per key per command,
 * so every handle looked up or added is noted, and the noted objects are measured again when
 * the sum is read or when the notes fill up: a command that changes an object has looked it
 * up first, so the sum is never more than one pass over the notes behind.
 */

import type { MemorySized } from '../types/memory.js';

/** Handles noted before the objects behind them are measured again. */
const NOTES = 1024;

export class ObjectTable {
  private readonly items: unknown[] = [null]; // handle 0 is never used
  private readonly free: number[] = [];
  /** Each object's size when last measured, and the sum of them. */
  private readonly sizes: number[] = [0];
  private measured = 0;
  /** Handles used since the last measuring. */
  private readonly notes = new Int32Array(NOTES);
  private noted = 0;

  add(value: unknown): number {
    let h: number;
    if (this.free.length > 0) {
      h = this.free.pop() as number;
      this.items[h] = value;
      this.sizes[h] = 0;
    } else {
      h = this.items.length;
      this.items.push(value);
      this.sizes.push(0);
    }
    this.note(h);
    return h;
  }

  get(handle: number): unknown {
    this.note(handle);
    return this.items[handle];
  }

  set(handle: number, value: unknown): void {
    this.items[handle] = value;
    this.note(handle);
  }

  remove(handle: number): void {
    this.measured -= this.sizes[handle];
    this.sizes[handle] = 0;
    this.items[handle] = null;
    this.free.push(handle);
  }

  clear(): void {
    this.items.length = 1;
    this.sizes.length = 1;
    this.free.length = 0;
    this.measured = 0;
    this.noted = 0;
  }

  get size(): number {
    return this.items.length - 1 - this.free.length;
  }

  /** Estimated bytes of all the objects (their memoryBytes), as of now. */
  get bytes(): number {
    this.measure();
    return this.measured;
  }

  private note(handle: number): void {
    if (this.noted === NOTES) this.measure();
    this.notes[this.noted++] = handle;
  }

  private measure(): void {
    const { items, sizes, notes } = this;
    for (let i = 0; i < this.noted; i++) {
      const h = notes[i];
      const item = items[h] as MemorySized | null;
      if (item === null) continue;
      const bytes = item.memoryBytes ?? 0;
      this.measured += bytes - sizes[h];
      sizes[h] = bytes;
    }
    this.noted = 0;
  }
}
