/**
 * MemberTable: the table form of sets and hashes. Members (latin1 strings) map to values, with
 * O(1) insert, lookup, delete and uniform random member, and a SCAN cursor.
 *
 * Members sit in a dense array, found by a MemberIndex, so a random member is a random index
 * (SPOP, SRANDMEMBER, HRANDFIELD need that; a JS Map cannot give it) and a delete moves the last
 * member into the hole. Lookups by the request's bytes (hasBytes, setBytes, ...) make no string.
 *
 * The cursor keeps SCAN's promise, that a member present for the whole scan is returned at
 * least once, by walking indexes downwards: cursor c means indexes [0, c) are still to visit.
 * A delete moves only the last member, and a member at an index below c can be last only once
 * the table has shrunk below c, in which case it lands at another index below c. New members go
 * to the end and need not be returned.
 */

import { hashBytes, hashLatin1 } from '../store/hash.js';
import { MemberIndex } from './member-index.js';
import { STRING_BYTES, SLOT_BYTES } from './memory.js';

/** The bytes of a value beside its slot: a string's own, nothing for a number or `true`. */
function valueBytes(value: unknown): number {
  return typeof value === 'string' ? STRING_BYTES + value.length : 0;
}

export class MemberTable<V> {
  private readonly members: string[] = [];
  private readonly values: V[] = [];
  private readonly index = new MemberIndex(this.members);
  /** Characters of the members plus valueBytes() of the values, kept for memoryBytes. */
  private payload = 0;

  get size(): number {
    return this.members.length;
  }

  /** Estimated bytes held: member strings, their slots, string values, the index. */
  get memoryBytes(): number {
    return this.members.length * (2 * SLOT_BYTES + STRING_BYTES) + this.payload + this.index.reservedBytes;
  }

  has(member: string): boolean {
    return this.index.findString(member, hashLatin1(member)) >= 0;
  }

  /** Is the member with bytes b[start, end) here? */
  hasBytes(b: Uint8Array, start: number, end: number): boolean {
    return this.index.findBytes(b, start, end, hashBytes(b, start, end)) >= 0;
  }

  get(member: string): V | undefined {
    const i = this.index.findString(member, hashLatin1(member));
    return i < 0 ? undefined : this.values[i];
  }

  getBytes(b: Uint8Array, start: number, end: number): V | undefined {
    const i = this.index.findBytes(b, start, end, hashBytes(b, start, end));
    return i < 0 ? undefined : this.values[i];
  }

  /** Set `member` to `value`; returns true when the member is new. */
  set(member: string, value: V): boolean {
    const h = hashLatin1(member);
    const i = this.index.findString(member, h);
    if (i >= 0) {
      this.setValueAt(i, value);
      return false;
    }
    this.append(h, member, value);
    return true;
  }

  /** set() for the member with bytes b[start, end): no string is made unless it is new. */
  setBytes(b: Uint8Array, start: number, end: number, value: V): boolean {
    const h = hashBytes(b, start, end);
    const i = this.index.findBytes(b, start, end, h);
    if (i >= 0) {
      this.setValueAt(i, value);
      return false;
    }
    this.append(h, Buffer.prototype.latin1Slice.call(b, start, end) as string, value);
    return true;
  }

  /** Add `member`, which the caller knows to be absent. */
  add(member: string, value: V): void {
    this.append(hashLatin1(member), member, value);
  }

  private append(h: number, member: string, value: V): void {
    this.index.insert(h, this.members.length);
    this.members.push(member);
    this.values.push(value);
    this.payload += member.length + valueBytes(value);
  }

  /** Remove `member`; returns whether it was there. */
  delete(member: string): boolean {
    const h = hashLatin1(member);
    const i = this.index.findString(member, h);
    if (i < 0) return false;
    this.removeAt(i, h);
    return true;
  }

  deleteBytes(b: Uint8Array, start: number, end: number): boolean {
    const h = hashBytes(b, start, end);
    const i = this.index.findBytes(b, start, end, h);
    if (i < 0) return false;
    this.removeAt(i, h);
    return true;
  }

  /** Remove the member at index `i` (the last member takes its place). */
  deleteAt(i: number): void {
    this.removeAt(i, hashLatin1(this.members[i]));
  }

  private removeAt(i: number, h: number): void {
    this.payload -= this.members[i].length + valueBytes(this.values[i]);
    this.index.remove(h, i);
    const last = this.members.length - 1;
    if (i !== last) {
      const moved = this.members[last];
      this.index.renumber(hashLatin1(moved), last, i);
      this.members[i] = moved;
      this.values[i] = this.values[last];
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
    this.payload += valueBytes(value) - valueBytes(this.values[i]);
    this.values[i] = value;
  }

  /** Index of `member`, or -1. */
  indexOf(member: string): number {
    return this.index.findString(member, hashLatin1(member));
  }

  indexOfBytes(b: Uint8Array, start: number, end: number): number {
    return this.index.findBytes(b, start, end, hashBytes(b, start, end));
  }

  /** Bytes the index takes beside the members and values. */
  get indexBytes(): number {
    return this.index.reservedBytes;
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
    this.payload = 0;
  }

  /** An independent copy (COPY). */
  clone(): MemberTable<V> {
    const copy = new MemberTable<V>();
    for (let i = 0; i < this.members.length; i++) copy.set(this.members[i], this.values[i]);
    return copy;
  }
}
