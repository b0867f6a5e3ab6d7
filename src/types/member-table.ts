/**
 * MemberTable: the table form of sets and hashes. Members (latin1 strings) map to values, with
 * O(1) insert, lookup, delete and uniform random member, and a SCAN cursor.
 *
 * Members sit in a dense array (their index in a BigMap), so a random member is a random index
 * (SPOP, SRANDMEMBER, HRANDFIELD need that; a JS Map cannot give it) and a delete moves the last
 * member into the hole.
 *
 * The cursor keeps SCAN's promise, that a member present for the whole scan is returned at
 * least once, by walking indexes downwards: cursor c means indexes [0, c) are still to visit.
 * A delete moves only the last member, and a member at an index below c can be last only once
 * the table has shrunk below c, in which case it lands at another index below c. New members go
 * to the end and need not be returned.
 */

import { BigMap } from './big-map.js';

export class MemberTable<V> {
  private readonly index = new BigMap<number>();
  private readonly members: string[] = [];
  private readonly values: V[] = [];

  get size(): number {
    return this.members.length;
  }

  has(member: string): boolean {
    return this.index.has(member);
  }

  get(member: string): V | undefined {
    const i = this.index.get(member);
    return i === undefined ? undefined : this.values[i];
  }

  /** Set `member` to `value`; returns true when the member is new. */
  set(member: string, value: V): boolean {
    const i = this.index.get(member);
    if (i !== undefined) {
      this.values[i] = value;
      return false;
    }
    this.index.set(member, this.members.length);
    this.members.push(member);
    this.values.push(value);
    return true;
  }

  /** Remove `member`; returns whether it was there. */
  delete(member: string): boolean {
    const i = this.index.get(member);
    if (i === undefined) return false;
    this.index.delete(member);
    this.removeAt(i);
    return true;
  }

  /** Remove the member at index `i` (the last member takes its place). */
  deleteAt(i: number): void {
    this.index.delete(this.members[i]);
    this.removeAt(i);
  }

  private removeAt(i: number): void {
    const last = this.members.length - 1;
    if (i !== last) {
      const moved = this.members[last];
      this.members[i] = moved;
      this.values[i] = this.values[last];
      this.index.set(moved, i);
    }
    this.members.pop();
    this.values.pop();
  }

  /** A uniformly random index in [0, size). */
  randomIndex(random: () => number = Math.random): number {
    return Math.floor(random() * this.members.length);
  }

  memberAt(i: number): string {
    return this.members[i];
  }

  valueAt(i: number): V {
    return this.values[i];
  }

  /** Replace the value at index `i`. */
  setValueAt(i: number, value: V): void {
    this.values[i] = value;
  }

  /** Index of `member`, or -1. */
  indexOf(member: string): number {
    return this.index.get(member) ?? -1;
  }

  /**
   * Visit up to `count` members from `cursor` (0 starts a scan) and return the cursor to
   * continue from, 0 when the scan is complete.
   */
  scan(cursor: number, count: number, visit: (member: string, value: V) => void): number {
    const size = this.members.length;
    const start = cursor === 0 || cursor > size ? size : cursor;
    const stop = Math.max(0, start - Math.max(1, count));
    for (let i = start - 1; i >= stop; i--) visit(this.members[i], this.values[i]);
    return stop;
  }

  clear(): void {
    this.index.clear();
    this.members.length = 0;
    this.values.length = 0;
  }

  /** An independent copy (COPY). */
  clone(): MemberTable<V> {
    const copy = new MemberTable<V>();
    for (let i = 0; i < this.members.length; i++) copy.set(this.members[i], this.values[i]);
    return copy;
  }
}
