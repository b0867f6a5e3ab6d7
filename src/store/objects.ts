/**
 * ObjectTable: the JS objects behind non-string keys (lists, sets, hashes, ...), by handle.
 *
 * An entry's VALUE word can hold only a number, so collections are kept in this table and the
 * entry holds their index. Freed handles are reused.
 */

export class ObjectTable {
  private readonly items: unknown[] = [null]; // handle 0 is never used
  private readonly free: number[] = [];

  add(value: unknown): number {
    if (this.free.length > 0) {
      const h = this.free.pop() as number;
      this.items[h] = value;
      return h;
    }
    this.items.push(value);
    return this.items.length - 1;
  }

  get(handle: number): unknown {
    return this.items[handle];
  }

  set(handle: number, value: unknown): void {
    this.items[handle] = value;
  }

  remove(handle: number): void {
    this.items[handle] = null;
    this.free.push(handle);
  }

  clear(): void {
    this.items.length = 1;
    this.free.length = 0;
  }

  get size(): number {
    return this.items.length - 1 - this.free.length;
  }
}
