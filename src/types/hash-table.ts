/**
 * HashTable: the table form of a hash (Redis's OBJ_ENCODING_HT), for hashes past
 * hash-max-listpack-entries fields or with a field or value longer than hash-max-listpack-value.
 *
 * Fields and values are latin1 strings (one char per byte) in a MemberTable, which gives the
 * O(1) random field HRANDFIELD needs and HSCAN's cursor, and holds more than 2^24 fields. The
 * deadlines of fields (Redis 7.4's hash field expiry) live beside it in a FieldExpiry, created
 * only when a field first gets one, so a hash without them pays nothing for the feature.
 */

import { FieldExpiry } from './field-expiry.js';
import { MemberTable } from './member-table.js';
import { SLOT_BYTES } from './memory.js';

/** A field's deadline: its entry in the deadline map and in the time heap. */
const DEADLINE_BYTES = 6 * SLOT_BYTES;

export class HashTable {
  readonly fields = new MemberTable<string>();
  /** Deadlines of fields that have one; null until a field first gets one. */
  expiry: FieldExpiry | null = null;

  get size(): number {
    return this.fields.size;
  }

  /** Estimated bytes held: fields and values, and a deadline per field that has one. */
  get memoryBytes(): number {
    return this.fields.memoryBytes + (this.expiry === null ? 0 : this.expiry.size * DEADLINE_BYTES);
  }

  /** The deadline of `field` (ms since the epoch), or 0 when it has none. */
  deadline(field: string): number {
    return this.expiry === null ? 0 : (this.expiry.get(field) ?? 0);
  }

  /** Does any field have a deadline? */
  get hasDeadlines(): boolean {
    return this.expiry !== null && this.expiry.size > 0;
  }

  /**
   * Set `field` to `value`; returns true when the field is new. Unless `keepDeadline`, the
   * field loses its deadline, as an HSET does in Redis 7.4.
   */
  set(field: string, value: string, keepDeadline = false): boolean {
    const added = this.fields.set(field, value);
    if (!added && !keepDeadline && this.expiry !== null) this.expiry.delete(field);
    return added;
  }

  /** Remove `field` (and its deadline); returns whether it was there. */
  delete(field: string): boolean {
    if (!this.fields.delete(field)) return false;
    if (this.expiry !== null) this.expiry.delete(field);
    return true;
  }

  /** Give `field` (which must exist) the deadline `at`. */
  setDeadline(field: string, at: number): void {
    (this.expiry ??= new FieldExpiry()).set(field, at);
  }

  /** Remove the deadline of `field`; returns whether it had one. */
  removeDeadline(field: string): boolean {
    return this.expiry !== null && this.expiry.delete(field);
  }

  /** An independent copy, deadlines included (COPY). */
  clone(): HashTable {
    const copy = new HashTable();
    const fields = this.fields;
    for (let i = 0; i < fields.size; i++) copy.fields.set(fields.memberAt(i), fields.valueAt(i));
    if (this.expiry !== null && this.expiry.size > 0) copy.expiry = this.expiry.clone();
    return copy;
  }
}
