/**
 * The hash family: its data structures on their own (hash listpacks and their edits, the table
 * form, field deadlines and the schedule of due hashes), then the commands through the
 * embedded API where Redis 7.0 cannot be the oracle: Redis 7.4's field expiry (HEXPIRE,
 * HPEXPIRE, HEXPIREAT, HPEXPIREAT, HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME, HPERSIST, lazy and
 * active expiry, the "listpackex" encoding), HSCAN NOVALUES, and Redis 7.2's encoding choices.
 * Expected values come from Redis 7.4's t_hash.c and tests/unit/type/hash-field-expire.tcl.
 * test/compat/hashes.test.ts compares everything Redis 7.0 has with a real server.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Cachica } from '../../src/embedded/cachica.js';
import { Lookup } from '../../src/store/database.js';
import { DueHashes, FieldExpiry } from '../../src/types/field-expiry.js';
import {
  hashLpCountDue,
  hashLpDeadline,
  hashLpFind,
  hashLpLength,
  hashLpMinDeadline,
  ListpackEdit,
} from '../../src/types/hash-listpack.js';
import { HashTable } from '../../src/types/hash-table.js';
import { EMPTY_LISTPACK, lpFirst, lpGet, lpNext, lpString } from '../../src/types/listpack.js';
import { RawConnection } from '../helpers/raw-connection.js';
import { startCachica } from '../helpers/servers.js';

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// Redis 7.4's reply codes (hash-field-expire.tcl's names).
const E_NO_FIELD = -2;
const E_FAIL = 0;
const E_OK = 1;
const E_DELETED = 2;
const T_NO_FIELD = -2;
const T_NO_EXPIRY = -1;
const P_OK = 1;
const P_NO_EXPIRY = -1;
const P_NO_FIELD = -2;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function bytes(s: string | Buffer): Buffer {
  return typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
}

/** Every entry of a listpack image as strings. */
function entries(b: Uint8Array, lp = 0): string[] {
  const out: string[] = [];
  for (let p = lpFirst(b, lp); p !== -1; p = lpNext(b, p)) out.push(lpString(b, p));
  return out;
}

/** A fresh edit of the image made of `items` (strings, in order). */
function imageOf(items: (string | Buffer)[]): ListpackEdit {
  const e = new ListpackEdit().begin(EMPTY_LISTPACK, 0);
  for (const item of items) {
    const b = bytes(item);
    e.insert(-1, b, 0, b.length);
  }
  return e;
}

/** A copy of the edit's current image (the edit's buffers are reused by the next write). */
function snapshot(e: ListpackEdit): Buffer {
  return Buffer.from(e.b.subarray(e.lp, e.lp + e.length));
}

function find(e: ListpackEdit, field: string | Buffer, stride: 2 | 3): number {
  const f = bytes(field);
  return hashLpFind(e.b, e.lp, f, 0, f.length, stride);
}

/** A server for one test; `run` gets the call helper (errors come back as Error values). */
async function withServer(fn: (call: (...args: (string | Buffer | number)[]) => unknown, db: Cachica) => Promise<void> | void, config?: Record<string, string>): Promise<void> {
  const db = new Cachica(config ? { config } : {});
  const call = (...args: (string | Buffer | number)[]): unknown => {
    try {
      return plain(db.commandSync(...args));
    } catch (e) {
      return e;
    }
  };
  try {
    await fn(call, db);
  } finally {
    db.close();
  }
}

/** A decoded map (a null-prototype object) as a plain object, for deepEqual. */
function plain(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || Buffer.isBuffer(v) || v instanceof Error) return v;
  return Object.fromEntries(Object.entries(v));
}

function errorText(v: unknown): string {
  assert.ok(v instanceof Error, `expected an error, got ${JSON.stringify(v)}`);
  return v.message;
}

/** Wait until `cond` holds (checked every 20 ms), at most `ms`. */
async function eventually(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Both encodings that hold field deadlines: listpackex and hashtable. */
const FORMS: readonly { name: string; config: Record<string, string> }[] = [
  { name: 'listpackex', config: {} },
  { name: 'hashtable', config: { 'hash-max-listpack-entries': '0' } },
];

// ---------------------------------------------------------------------------------------------
// Data structures
// ---------------------------------------------------------------------------------------------

describe('hash listpacks (types/hash-listpack.ts)', () => {
  it('appends pairs and finds fields by every other entry, integers included', () => {
    const e = new ListpackEdit().begin(EMPTY_LISTPACK, 0);
    const pairs: [string, string][] = [['a', '1'], ['1', 'a'], ['-9223372036854775808', 'x'], ['', ''], ['b', '-1']];
    for (const [f, v] of pairs) {
      const fb = bytes(f);
      const vb = bytes(v);
      e.appendPair(fb, 0, fb.length, vb, 0, vb.length);
    }
    assert.deepEqual(entries(e.b, e.lp), pairs.flat());
    assert.equal(hashLpLength(e.b, e.lp, 2), 5);
    // A value equal to a field is never taken for the field.
    assert.equal(lpString(e.b, lpNext(e.b, find(e, '1', 2))), 'a');
    assert.equal(lpString(e.b, lpNext(e.b, find(e, 'a', 2))), '1');
    assert.equal(find(e, 'x', 2), -1);
    assert.equal(find(e, '01', 2), -1);
    assert.equal(lpString(e.b, lpNext(e.b, find(e, '', 2))), '');
    assert.equal(lpGet(e.b, find(e, '-9223372036854775808', 2)).isInt, true);
  });

  it('chains replaces, inserts and deletes, each seeing the image the last one made', () => {
    const e = imageOf(['f1', 'v1', 'f2', 'v2', 'f3', 'v3']);
    const v2 = lpNext(e.b, find(e, 'f2', 2));
    const long = Buffer.alloc(5000, 0x61);
    e.replace(v2, long, 0, long.length);
    e.delete(find(e, 'f1', 2), 2);
    const x = bytes('new');
    const at = e.insert(find(e, 'f3', 2), x, 0, x.length);
    assert.equal(lpString(e.b, at), 'new');
    e.insert(-1, x, 0, x.length);
    const items = entries(e.b, e.lp);
    assert.deepEqual(items.slice(0, 1), ['f2']);
    assert.equal(items[1], 'a'.repeat(5000));
    assert.deepEqual(items.slice(2), ['new', 'f3', 'v3', 'new']);
    assert.equal(e.edited, true);
  });

  it('keeps listpackex triplets in deadline order, those without one last in insertion order', () => {
    const e = new ListpackEdit().begin(EMPTY_LISTPACK, 0);
    const add = (f: string, v: string, at: number): void => {
      const fb = bytes(f);
      const vb = bytes(v);
      e.insertTriplet(fb, 0, fb.length, vb, 0, vb.length, at);
    };
    add('plain1', 'x', 0);
    add('late', 'y', 3000);
    add('early', 'z', 1000);
    add('plain2', 'w', 0);
    add('same', 's', 3000);
    assert.deepEqual(entries(e.b, e.lp), ['early', 'z', '1000', 'same', 's', '3000', 'late', 'y', '3000', 'plain1', 'x', '0', 'plain2', 'w', '0']);
    assert.equal(hashLpMinDeadline(e.b, e.lp), 1000);
    assert.equal(hashLpDeadline(e.b, lpNext(e.b, find(e, 'late', 3))), 3000);
    assert.equal(hashLpCountDue(e.b, e.lp, 1000), 0);
    assert.equal(hashLpCountDue(e.b, e.lp, 1001), 1);
    assert.equal(hashLpCountDue(e.b, e.lp, 1e15), 3);
    // Moving a triplet: to the front with an earlier deadline, to the end without one.
    const f = bytes('plain2');
    e.moveTriplet(find(e, 'plain2', 3), f, 0, f.length, 500);
    const g = bytes('early');
    e.moveTriplet(find(e, 'early', 3), g, 0, g.length, 0);
    assert.deepEqual(entries(e.b, e.lp), ['plain2', 'w', '500', 'same', 's', '3000', 'late', 'y', '3000', 'plain1', 'x', '0', 'early', 'z', '0']);
  });

  it('moves a triplet with a long or integer value intact', () => {
    const long = Buffer.concat([ALL_BYTES, ALL_BYTES, ALL_BYTES]);
    const e = new ListpackEdit().begin(EMPTY_LISTPACK, 0);
    for (const [f, v] of [['a', long], ['b', bytes('-123')], ['c', bytes('x')]] as const) {
      const fb = bytes(f);
      e.insertTriplet(fb, 0, fb.length, v, 0, v.length, 0);
    }
    for (const f of ['c', 'a', 'b']) {
      const fb = bytes(f);
      e.moveTriplet(find(e, f, 3), fb, 0, fb.length, 100);
    }
    const image = snapshot(e);
    assert.deepEqual(entries(image).filter((_, i) => i % 3 === 0), ['b', 'a', 'c']);
    assert.equal(lpGet(image, lpNext(image, find(e, 'b', 3))).int, -123);
    const v = lpGet(image, lpNext(image, find(e, 'a', 3)));
    assert.ok(Buffer.from(image.subarray(v.start, v.end)).equals(long));
  });

  it('turns a listpack into a listpackex with a zero deadline after every pair', () => {
    const e = imageOf(['a', '1', '2', 'b', 'c', ALL_BYTES]);
    e.addDeadlineSlots();
    const items = entries(e.b, e.lp);
    assert.deepEqual(items.filter((_, i) => i % 3 !== 1), ['a', '0', '2', '0', 'c', '0']);
    assert.equal(hashLpLength(e.b, e.lp, 3), 3);
    assert.equal(hashLpMinDeadline(e.b, e.lp), 0);
    assert.equal(hashLpCountDue(e.b, e.lp, 1e15), 0);
  });

  it('reads an image in place until the first write', () => {
    const image = snapshot(imageOf(['a', '1']));
    const e = new ListpackEdit().begin(image, 0);
    assert.equal(e.edited, false);
    assert.equal(e.b, image);
    const v = bytes('2');
    e.replace(lpNext(e.b, find(e, 'a', 2)), v, 0, 1);
    assert.notEqual(e.b, image);
    assert.deepEqual(entries(image), ['a', '1']);
    assert.deepEqual(entries(e.b, e.lp), ['a', '2']);
  });
});

describe('field deadlines (types/field-expiry.ts)', () => {
  it('FieldExpiry pops due fields in deadline order and skips changed or removed ones', () => {
    const x = new FieldExpiry();
    x.set('a', 300);
    x.set('b', 100);
    x.set('c', 200);
    x.set('d', 50);
    x.delete('d');
    x.set('c', 400);
    assert.equal(x.size, 3);
    assert.equal(x.get('c'), 400);
    assert.equal(x.get('d'), undefined);
    assert.equal(x.min(), 100);
    assert.equal(x.popDue(99), null);
    assert.equal(x.popDue(300), 'b');
    assert.equal(x.popDue(300), 'a');
    assert.equal(x.popDue(300), null);
    assert.equal(x.min(), 400);
    assert.equal(x.get('a'), undefined);
    assert.equal(x.size, 1);
    assert.equal(x.popDue(Infinity), 'c');
    assert.equal(x.min(), 0);
  });

  it('FieldExpiry stays small when deadlines change many times, and clones independently', () => {
    const x = new FieldExpiry();
    for (let i = 0; i < 100_000; i++) x.set('f' + (i % 10), 1000 + i);
    assert.equal(x.size, 10);
    const heapSize = (x as unknown as { heap: { size: number } }).heap.size;
    assert.ok(heapSize <= 2 * 10 + 64 + 1, `heap holds ${heapSize} pairs`);
    for (let i = 0; i < 10; i++) assert.equal(x.get('f' + i), 1000 + 99_990 + i);
    const copy = x.clone();
    copy.delete('f0');
    assert.equal(x.get('f0'), 100_990);
    assert.equal(copy.size, 9);
    assert.equal(x.min(), 100_990);
  });

  it('DueHashes keeps each hash at its earliest time and drops stale times', () => {
    const due = new DueHashes();
    due.schedule(7, 500);
    due.schedule(7, 900);
    due.schedule(3, 200);
    due.schedule(9, 300);
    due.schedule(9, 100);
    assert.equal(due.size, 3);
    assert.equal(due.popDue(50), 0);
    assert.equal(due.popDue(1000), 9);
    assert.equal(due.popDue(1000), 3);
    assert.equal(due.popDue(400), 0);
    assert.equal(due.popDue(1000), 7);
    assert.equal(due.popDue(Infinity), 0);
    assert.equal(due.size, 0);
    for (let i = 0; i < 10_000; i++) due.schedule(1, 10_000 - i);
    assert.equal(due.size, 1);
    assert.equal(due.popDue(1), 1);
    assert.equal(due.popDue(Infinity), 0);
  });

  it('DueHashes holds entry ids from the whole 32-bit range', () => {
    const due = new DueHashes();
    const ids = [1, (1 << 22) + 1, 2 ** 31 + 5, 2 ** 32 - 2, (1 << 22) - 1];
    ids.forEach((id, i) => due.schedule(id, 100 - i));
    ids.forEach((id) => due.schedule(id, 1000));
    assert.equal(due.size, ids.length);
    const popped: number[] = [];
    for (let id = due.popDue(200); id !== 0; id = due.popDue(200)) popped.push(id);
    assert.deepEqual(popped, [...ids].reverse());
    assert.equal(due.size, 0);
  });
});

describe('the table form (types/hash-table.ts)', () => {
  it('HashTable drops a deadline on set unless asked to keep it, and on delete', () => {
    const h = new HashTable();
    assert.equal(h.set('a', '1'), true);
    assert.equal(h.set('a', '2'), false);
    assert.equal(h.hasDeadlines, false);
    h.setDeadline('a', 1000);
    h.set('b', '3');
    h.setDeadline('b', 2000);
    assert.equal(h.deadline('a'), 1000);
    h.set('a', '4', true);
    assert.equal(h.deadline('a'), 1000);
    h.set('a', '5');
    assert.equal(h.deadline('a'), 0);
    assert.equal(h.removeDeadline('a'), false);
    assert.equal(h.delete('b'), true);
    assert.equal(h.deadline('b'), 0);
    assert.equal(h.hasDeadlines, false);
    assert.equal(h.fields.get('a'), '5');
    assert.equal(h.size, 1);
  });

  it('a clone is independent, deadlines included', () => {
    const h = new HashTable();
    for (let i = 0; i < 100; i++) h.set(`f${i}`, `v${i}`);
    h.setDeadline('f1', 5000);
    const copy = h.clone();
    copy.set('f2', 'changed');
    copy.delete('f3');
    copy.removeDeadline('f1');
    assert.equal(h.fields.get('f2'), 'v2');
    assert.equal(h.fields.get('f3'), 'v3');
    assert.equal(h.deadline('f1'), 5000);
    assert.equal(copy.size, 99);
    assert.equal(copy.deadline('f1'), 0);
  });

  it('holds more fields than one JS Map may, deadlines too', () => {
    // BigMap moves to a second Map past 2^21 entries; V8's own limit is 2^24.
    const h = new HashTable();
    const n = (1 << 21) + 1000;
    for (let i = 0; i < n; i++) h.fields.set(`field:${i}`, 'v');
    for (let i = n - 2000; i < n; i++) h.setDeadline(`field:${i}`, 1000 + i);
    assert.equal(h.size, n);
    assert.equal(h.fields.get('field:0'), 'v');
    assert.equal(h.fields.get(`field:${n - 1}`), 'v');
    assert.equal(h.deadline(`field:${n - 1}`), 1000 + n - 1);
    assert.equal(h.delete(`field:${n - 1}`), true);
    assert.equal(h.delete('field:5'), true);
    assert.equal(h.size, n - 2);
    assert.equal(h.expiry?.min(), 1000 + n - 2000);
  });
});

// ---------------------------------------------------------------------------------------------
// Commands: Redis 7.4 field expiry
// ---------------------------------------------------------------------------------------------

describe('HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT', () => {
  for (const form of FORMS) {
    it(`reply -2 per field on a missing key (${form.name})`, () =>
      withServer((call) => {
        assert.deepEqual(call('HEXPIRE', 'myhash', 1000, 'FIELDS', 1, 'a'), [E_NO_FIELD]);
        assert.deepEqual(call('HEXPIREAT', 'myhash', 1000, 'FIELDS', 1, 'a'), [E_NO_FIELD]);
        assert.deepEqual(call('HPEXPIRE', 'myhash', 1000, 'FIELDS', 2, 'a', 'b'), [E_NO_FIELD, E_NO_FIELD]);
        assert.deepEqual(call('HPEXPIREAT', 'myhash', 1000, 'NX', 'FIELDS', 2, 'a', 'b'), [E_NO_FIELD, E_NO_FIELD]);
        assert.equal(call('EXISTS', 'myhash'), 0);
      }, form.config));

    it(`refuse negative, too late and malformed times (${form.name})`, () =>
      withServer((call) => {
        call('HSET', 'myhash', 'f1', 'v1');
        const now = Date.now();
        const nowS = Math.floor(now / 1000);
        assert.equal(errorText(call('HEXPIRE', 'myhash', -1, 'FIELDS', 1, 'f1')), 'ERR invalid expire time, must be >= 0');
        assert.equal(errorText(call('HEXPIRE', 'myhash', '-9223372036854775808', 'FIELDS', 1, 'f1')), 'ERR invalid expire time, must be >= 0');
        assert.equal(errorText(call('HEXPIRE', 'myhash', String(Math.floor(2 ** 48 / 1000)), 'FIELDS', 1, 'f1')), "ERR invalid expire time in 'hexpire' command");
        assert.equal(errorText(call('HEXPIREAT', 'myhash', String(Math.floor(2 ** 48 / 1000) + nowS + 100), 'FIELDS', 1, 'f1')), "ERR invalid expire time in 'hexpireat' command");
        assert.equal(errorText(call('HPEXPIRE', 'myhash', String(2 ** 48), 'FIELDS', 1, 'f1')), "ERR invalid expire time in 'hpexpire' command");
        assert.equal(errorText(call('HPEXPIREAT', 'myhash', String(2 ** 48 + now + 100), 'FIELDS', 1, 'f1')), "ERR invalid expire time in 'hpexpireat' command");
        assert.equal(errorText(call('HPEXPIRE', 'myhash', '9223372036854775807', 'FIELDS', 1, 'f1')), "ERR invalid expire time in 'hpexpire' command");
        assert.equal(errorText(call('HPEXPIREAT', 'myhash', '9223372036854775808', 'FIELDS', 1, 'f1')), 'ERR value is not an integer or out of range');
        assert.equal(errorText(call('HEXPIRE', 'myhash', '1.5', 'FIELDS', 1, 'f1')), 'ERR value is not an integer or out of range');
        assert.equal(errorText(call('HEXPIRE', 'myhash', 'abc', 'FIELDS', 1, 'f1')), 'ERR value is not an integer or out of range');
        // Right below 2^46 is accepted, right above refused.
        assert.deepEqual(call('HPEXPIRE', 'myhash', String(2 ** 46 - Date.now() - 1000), 'FIELDS', 1, 'f1'), [E_OK]);
        assert.equal(errorText(call('HPEXPIRE', 'myhash', String(2 ** 46 - Date.now() + 100), 'FIELDS', 1, 'f1')), "ERR invalid expire time in 'hpexpire' command");
        assert.deepEqual(call('HPEXPIREAT', 'myhash', String(2 ** 46 - 1), 'FIELDS', 1, 'f1'), [E_OK]);
        assert.deepEqual(call('HPEXPIRETIME', 'myhash', 'FIELDS', 1, 'f1'), [2 ** 46 - 1]);
        assert.deepEqual(call('HEXPIRETIME', 'myhash', 'FIELDS', 1, 'f1'), [Math.floor((2 ** 46 - 1 + 999) / 1000)]);
        assert.equal(errorText(call('HPEXPIREAT', 'myhash', String(2 ** 46), 'FIELDS', 1, 'f1')), "ERR invalid expire time in 'hpexpireat' command");
        assert.deepEqual(call('HEXPIREAT', 'myhash', String(Math.floor((2 ** 46 - 1) / 1000)), 'FIELDS', 1, 'f1'), [E_OK]);
        assert.equal(errorText(call('HEXPIREAT', 'myhash', String(Math.floor((2 ** 46 - 1) / 1000) + 1), 'FIELDS', 1, 'f1')), "ERR invalid expire time in 'hexpireat' command");
      }, form.config));

    it(`check FIELDS and numfields as Redis 7.4 does (${form.name})`, () =>
      withServer((call) => {
        call('HSET', 'myhash', 'f1', 'v1');
        assert.equal(errorText(call('HPEXPIRE', 'myhash', 1000, 'NX', 'FIELDS', 0, 'f1', 'f2', 'f3')), 'ERR Parameter `numFields` should be greater than 0');
        assert.equal(errorText(call('HPEXPIRE', 'myhash', 1000, 'FIELDS', -1, 'f1')), 'ERR Parameter `numFields` should be greater than 0');
        assert.equal(errorText(call('HPEXPIRE', 'myhash', 1000, 'FIELDS', 'x', 'f1')), 'ERR Parameter `numFields` should be greater than 0');
        assert.equal(errorText(call('HPEXPIRE', 'myhash', 1000, 'NX', 'FIELDS', 4, 'f1', 'f2', 'f3')), 'ERR The `numfields` parameter must match the number of arguments');
        assert.equal(errorText(call('HPEXPIRE', 'myhash', 1000, 'NX', 'FIELDS', 2, 'f1', 'f2', 'f3')), 'ERR The `numfields` parameter must match the number of arguments');
        assert.equal(errorText(call('HPEXPIRE', 'myhash', 1000, 'NX', 'FIELDS', '9223372036854775808', 'f1')), 'ERR Parameter `numFields` should be greater than 0');
        assert.equal(errorText(call('HPEXPIRE', 'myhash', 1000, 'NX', 'FIELD', 1, 'f1')), 'ERR Mandatory argument FIELDS is missing or not at the right position');
        assert.equal(errorText(call('HPEXPIRE', 'myhash', 1000, 'XY', 'FIELDS', 1, 'f1')), 'ERR Mandatory argument FIELDS is missing or not at the right position');
        assert.equal(errorText(call('HPEXPIRE', 'myhash', 1000, 'NX', 'XX', 'FIELDS', 1, 'f1')), 'ERR Mandatory argument FIELDS is missing or not at the right position');
        assert.equal(errorText(call('HPEXPIRE', 'myhash', 1000, 'FIELDS', 1)), "ERR wrong number of arguments for 'hpexpire' command");
        assert.equal(errorText(call('HEXPIREAT', 'myhash', 1000, 'FIELDS')), "ERR wrong number of arguments for 'hexpireat' command");
        // Lower-case keywords are fine; errors leave the field alone.
        assert.deepEqual(call('HPEXPIRE', 'myhash', 100000, 'nx', 'fields', 1, 'f1'), [E_OK]);
        assert.deepEqual(call('HPERSIST', 'myhash', 'FIELDS', 1, 'f1'), [P_OK]);
        // On a missing key the arguments are checked all the same.
        assert.equal(errorText(call('HEXPIRE', 'nokey', 1000, 'FIELDS', 2, 'f1')), 'ERR The `numfields` parameter must match the number of arguments');
        assert.equal(errorText(call('HEXPIRE', 'nokey', -5, 'FIELDS', 1, 'f1')), 'ERR invalid expire time, must be >= 0');
        call('SET', 'str', 'v');
        assert.equal(errorText(call('HEXPIRE', 'str', -5, 'FIELDS', 1, 'f1')), 'WRONGTYPE Operation against a key holding the wrong kind of value');
        assert.equal(errorText(call('HPEXPIREAT', 'str', 100, 'FIELDS', 1, 'f1')), 'WRONGTYPE Operation against a key holding the wrong kind of value');
        assert.equal(call('GET', 'str'), 'v');
      }, form.config));

    it(`apply NX, XX, GT and LT per field (${form.name})`, () =>
      withServer((call) => {
        call('HSET', 'myhash', 'field1', 'value1', 'field2', 'value2', 'field3', 'value3');
        assert.deepEqual(call('HPEXPIRE', 'myhash', 1000, 'NX', 'FIELDS', 1, 'field1'), [E_OK]);
        assert.deepEqual(call('HPEXPIRE', 'myhash', 1000, 'NX', 'FIELDS', 2, 'field1', 'field2'), [E_FAIL, E_OK]);
        assert.deepEqual(call('HPEXPIRE', 'myhash', 1000, 'XX', 'FIELDS', 2, 'field1', 'field3'), [E_OK, E_FAIL]);
        call('DEL', 'myhash');
        call('HSET', 'myhash', 'field1', 'value1', 'field2', 'value2');
        assert.deepEqual(call('HPEXPIRE', 'myhash', 1000, 'NX', 'FIELDS', 1, 'field1'), [E_OK]);
        assert.deepEqual(call('HPEXPIRE', 'myhash', 2000, 'NX', 'FIELDS', 1, 'field2'), [E_OK]);
        assert.deepEqual(call('HPEXPIRE', 'myhash', 1500, 'GT', 'FIELDS', 2, 'field1', 'field2'), [E_OK, E_FAIL]);
        call('DEL', 'myhash');
        call('HSET', 'myhash', 'field1', 'value1', 'field2', 'value2', 'field3', 'value3');
        assert.deepEqual(call('HPEXPIRE', 'myhash', 1000, 'NX', 'FIELDS', 1, 'field1'), [E_OK]);
        assert.deepEqual(call('HPEXPIRE', 'myhash', 2000, 'NX', 'FIELDS', 1, 'field2'), [E_OK]);
        // A field without a deadline counts as never expiring: LT sets it, GT does not.
        assert.deepEqual(call('HPEXPIRE', 'myhash', 1500, 'LT', 'FIELDS', 3, 'field1', 'field2', 'field3'), [E_FAIL, E_OK, E_OK]);
        call('HSET', 'myhash', 'field4', 'v');
        assert.deepEqual(call('HPEXPIRE', 'myhash', 1500, 'GT', 'FIELDS', 1, 'field4'), [E_FAIL]);
        const nowS = Math.floor(Date.now() / 1000);
        call('DEL', 'myhash');
        call('HSET', 'myhash', 'field1', 'value1', 'field2', 'value2', 'field3', 'value3');
        assert.deepEqual(call('HPEXPIREAT', 'myhash', (nowS + 1000) * 1000, 'NX', 'FIELDS', 1, 'field1'), [E_OK]);
        assert.deepEqual(call('HPEXPIREAT', 'myhash', (nowS + 2000) * 1000, 'NX', 'FIELDS', 1, 'field2'), [E_OK]);
        assert.deepEqual(call('HPEXPIREAT', 'myhash', (nowS + 1500) * 1000, 'LT', 'FIELDS', 3, 'field1', 'field2', 'field3'), [E_FAIL, E_OK, E_OK]);
        assert.deepEqual(call('HEXPIREAT', 'myhash', nowS + 1500, 'GT', 'FIELDS', 2, 'field1', 'field2'), [E_OK, E_FAIL]);
        assert.deepEqual(call('HEXPIRETIME', 'myhash', 'FIELDS', 3, 'field1', 'field2', 'field3'), [nowS + 1500, nowS + 1500, nowS + 1500]);
        // The same field twice is two updates.
        assert.deepEqual(call('HEXPIRE', 'myhash', 5000, 'FIELDS', 2, 'field1', 'field1'), [E_OK, E_OK]);
      }, form.config));

    it(`delete fields given a time in the past, and the hash with its last one (${form.name})`, () =>
      withServer((call) => {
        call('HSET', 'myhash', 'f1', 'v1', 'f2', 'v2', 'f4', 'v4');
        call('HEXPIRE', 'myhash', 1000, 'NX', 'FIELDS', 1, 'f4');
        const past = (Math.floor(Date.now() / 1000) - 1) * 1000;
        assert.deepEqual(call('HPEXPIREAT', 'myhash', past, 'NX', 'FIELDS', 4, 'f1', 'f2', 'f3', 'f4'), [E_DELETED, E_DELETED, E_NO_FIELD, E_FAIL]);
        assert.equal(call('HEXISTS', 'myhash', 'f1'), 0);
        assert.deepEqual(call('HKEYS', 'myhash'), ['f4']);
        assert.deepEqual(call('HEXPIREAT', 'myhash', 1, 'FIELDS', 1, 'f4'), [E_DELETED]);
        assert.equal(call('EXISTS', 'myhash'), 0);
        call('HSET', 'h', 'a', '1', 'b', '2');
        assert.deepEqual(call('HEXPIRE', 'h', 0, 'FIELDS', 3, 'a', 'x', 'b'), [E_DELETED, E_NO_FIELD, E_DELETED]);
        assert.equal(call('EXISTS', 'h'), 0);
        call('HSET', 'h', 'a', '1');
        assert.deepEqual(call('HPEXPIRE', 'h', 0, 'XX', 'FIELDS', 1, 'a'), [E_FAIL]);
        assert.deepEqual(call('HPEXPIREAT', 'h', 0, 'FIELDS', 1, 'a'), [E_DELETED]);
        assert.equal(call('EXISTS', 'h'), 0);
      }, form.config));

    it(`keep a key's own TTL apart from its fields' (${form.name})`, () =>
      withServer((call) => {
        call('HSET', 'h', 'a', '1', 'b', '2');
        call('EXPIRE', 'h', 1000);
        assert.deepEqual(call('HEXPIRE', 'h', 100, 'FIELDS', 1, 'a'), [E_OK]);
        assert.ok((call('TTL', 'h') as number) > 990);
        call('PERSIST', 'h');
        assert.deepEqual(call('HTTL', 'h', 'FIELDS', 1, 'a'), [100]);
      }, form.config));
  }

  it('turn a listpack into a listpackex, even when no field is set', () =>
    withServer((call) => {
      call('HSET', 'h', 'f1', 'v1', 'f2', 'v2');
      assert.equal(call('OBJECT', 'ENCODING', 'h'), 'listpack');
      assert.deepEqual(call('HEXPIRE', 'h', 100, 'FIELDS', 1, 'nosuch'), [E_NO_FIELD]);
      assert.equal(call('OBJECT', 'ENCODING', 'h'), 'listpackex');
      assert.deepEqual(call('HGETALL', 'h'), { f1: 'v1', f2: 'v2' });
      call('HSET', 'g', 'f', 'v');
      assert.deepEqual(call('HPEXPIRE', 'g', 100000, 'FIELDS', 1, 'f'), [E_OK]);
      assert.deepEqual(call('HPERSIST', 'g', 'FIELDS', 1, 'f'), [P_OK]);
      // Redis never turns a listpackex back.
      assert.equal(call('OBJECT', 'ENCODING', 'g'), 'listpackex');
      assert.deepEqual(call('HEXPIRETIME', 'g', 'FIELDS', 1, 'f'), [T_NO_EXPIRY]);
    }));

  it('order a listpackex by deadline, fields without one last', () =>
    withServer((call) => {
      call('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5');
      call('HPEXPIRE', 'h', 300000, 'FIELDS', 1, 'd');
      call('HPEXPIRE', 'h', 100000, 'FIELDS', 1, 'b');
      call('HPEXPIRE', 'h', 200000, 'FIELDS', 1, 'e');
      assert.deepEqual(call('HKEYS', 'h'), ['b', 'e', 'd', 'a', 'c']);
      call('HPERSIST', 'h', 'FIELDS', 1, 'b');
      assert.deepEqual(call('HKEYS', 'h'), ['e', 'd', 'a', 'c', 'b']);
      // HSET of a field with a deadline drops it and moves the field last; HINCRBY keeps both.
      call('HSET', 'h', 'e', 'new');
      assert.deepEqual(call('HKEYS', 'h'), ['d', 'a', 'c', 'b', 'e']);
      call('HSET', 'h', 'n', '10');
      call('HPEXPIRE', 'h', 50000, 'FIELDS', 1, 'n');
      assert.deepEqual(call('HINCRBY', 'h', 'n', 5), 15);
      assert.deepEqual(call('HKEYS', 'h'), ['n', 'd', 'a', 'c', 'b', 'e']);
      assert.deepEqual(call('HSCAN', 'h', 0, 'NOVALUES'), ['0', ['n', 'd', 'a', 'c', 'b', 'e']]);
      assert.deepEqual(call('HRANDFIELD', 'h', 10), ['n', 'd', 'a', 'c', 'b', 'e']);
    }));

  it('carry deadlines into the hashtable a listpackex grows into', () =>
    withServer((call) => {
      call('HSET', 'h', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3');
      call('HPEXPIRE', 'h', 100000, 'FIELDS', 1, 'f2');
      for (let i = 4; i <= 11; i++) call('HSET', 'h', `f${i}`, `v${i}`);
      assert.equal(call('OBJECT', 'ENCODING', 'h'), 'hashtable');
      const [ttl] = call('HPTTL', 'h', 'FIELDS', 1, 'f2') as number[];
      assert.ok(ttl > 99_000 && ttl <= 100_000, `HPTTL ${ttl}`);
      assert.deepEqual(call('HTTL', 'h', 'FIELDS', 2, 'f1', 'f11'), [T_NO_EXPIRY, T_NO_EXPIRY]);
      call('HSET', 'big', 'long', 'x'.repeat(100));
      assert.equal(call('OBJECT', 'ENCODING', 'big'), 'hashtable');
    }, { 'hash-max-listpack-entries': '10' }));
});

describe('HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME', () => {
  for (const form of FORMS) {
    it(`reply the time left or the deadline per field, -1 and -2 otherwise (${form.name})`, () =>
      withServer((call) => {
        assert.deepEqual(call('HTTL', 'myhash', 'FIELDS', 1, 'a'), [T_NO_FIELD]);
        assert.deepEqual(call('HPTTL', 'myhash', 'FIELDS', 2, 'a', 'b'), [T_NO_FIELD, T_NO_FIELD]);
        assert.deepEqual(call('HEXPIRETIME', 'myhash', 'FIELDS', 1, 'a'), [T_NO_FIELD]);
        assert.deepEqual(call('HPEXPIRETIME', 'myhash', 'FIELDS', 2, 'a', 'b'), [T_NO_FIELD, T_NO_FIELD]);
        call('HSET', 'myhash', 'field1', 'value1', 'field2', 'value2');
        call('HPEXPIRE', 'myhash', 2000, 'NX', 'FIELDS', 1, 'field1');
        for (const cmd of ['HTTL', 'HPTTL', 'HEXPIRETIME', 'HPEXPIRETIME']) {
          assert.deepEqual(call(cmd, 'myhash', 'FIELDS', 2, 'field2', 'non_exists_field'), [T_NO_EXPIRY, T_NO_FIELD]);
          assert.equal(errorText(call(cmd, 'myhash', 'FIELDS', 1, 'a', 'b')), 'ERR The `numfields` parameter must match the number of arguments');
          assert.equal(errorText(call(cmd, 'myhash', 'FIELDS', 3, 'a', 'b')), 'ERR The `numfields` parameter must match the number of arguments');
          assert.equal(errorText(call(cmd, 'myhash', 'FIELDS', 0, 'a')), 'ERR Number of fields must be a positive integer');
          assert.equal(errorText(call(cmd, 'myhash', 'FIELDS', 'x', 'a')), 'ERR Number of fields must be a positive integer');
          assert.equal(errorText(call(cmd, 'myhash', 'FIELDX', 1, 'a')), 'ERR Mandatory argument FIELDS is missing or not at the right position');
          assert.equal(errorText(call(cmd, 'myhash', 'FIELDS', 1)), `ERR wrong number of arguments for '${cmd.toLowerCase()}' command`);
        }
        const [s] = call('HTTL', 'myhash', 'FIELDS', 1, 'field1') as number[];
        assert.ok(s >= 1 && s <= 2, `HTTL ${s}`);
        const [ms] = call('HPTTL', 'myhash', 'FIELDS', 1, 'field1') as number[];
        assert.ok(ms > 1000 && ms <= 2000, `HPTTL ${ms}`);
        const [at] = call('HPEXPIRETIME', 'myhash', 'FIELDS', 1, 'field1') as number[];
        assert.ok(Math.abs(at - (Date.now() + ms)) < 50);
        // Seconds round up, as Redis computes (deadline + 999 - base) / 1000.
        call('HPEXPIREAT', 'myhash', 4_000_000_000_001, 'FIELDS', 1, 'field2');
        assert.deepEqual(call('HEXPIRETIME', 'myhash', 'FIELDS', 1, 'field2'), [4_000_000_001]);
        assert.deepEqual(call('HPEXPIRETIME', 'myhash', 'FIELDS', 1, 'field2'), [4_000_000_000_001]);
        call('SET', 'str', 'x');
        assert.equal(errorText(call('HTTL', 'str', 'FIELDS', 1, 'a')), 'WRONGTYPE Operation against a key holding the wrong kind of value');
        assert.equal(errorText(call('HTTL', 'str', 'FIELDS', 9, 'a')), 'WRONGTYPE Operation against a key holding the wrong kind of value');
      }, form.config));

    it(`count down to -2 as the field expires (${form.name})`, async () =>
      withServer(async (call) => {
        call('HSET', 'myhash', 'field1', 'value1', 'field2', 'value2');
        // Long enough that a stalled machine cannot expire it between the two reads.
        call('HPEXPIRE', 'myhash', 3000, 'NX', 'FIELDS', 1, 'field1');
        const [first] = call('HPTTL', 'myhash', 'FIELDS', 1, 'field1') as number[];
        assert.ok(first > 2000 && first <= 3000);
        await sleep(100);
        const [later] = call('HPTTL', 'myhash', 'FIELDS', 1, 'field1') as number[];
        assert.ok(later < first && later > 0, `${later} after ${first}`);
        call('HPEXPIRE', 'myhash', 50, 'FIELDS', 1, 'field1');
        await sleep(200);
        assert.deepEqual(call('HPTTL', 'myhash', 'FIELDS', 1, 'field1'), [T_NO_FIELD]);
        assert.deepEqual(call('HTTL', 'myhash', 'FIELDS', 1, 'field1'), [T_NO_FIELD]);
      }, form.config));
  }

  it('a plain listpack has no deadlines', () =>
    withServer((call) => {
      call('HSET', 'h', 'a', '1');
      assert.deepEqual(call('HTTL', 'h', 'FIELDS', 2, 'a', 'b'), [T_NO_EXPIRY, T_NO_FIELD]);
      assert.deepEqual(call('HPERSIST', 'h', 'FIELDS', 2, 'a', 'b'), [P_NO_EXPIRY, P_NO_FIELD]);
      assert.equal(call('OBJECT', 'ENCODING', 'h'), 'listpack');
    }));
});

describe('HPERSIST', () => {
  for (const form of FORMS) {
    it(`removes deadlines and reports fields without one (${form.name})`, async () =>
      withServer(async (call) => {
        assert.deepEqual(call('HPERSIST', 'myhash', 'FIELDS', 2, 'a', 'b'), [P_NO_FIELD, P_NO_FIELD]);
        call('HSET', 'myhash', 'f1', 'v1', 'f2', 'v2');
        call('HEXPIRE', 'myhash', 1000, 'NX', 'FIELDS', 1, 'f1');
        assert.equal(errorText(call('HPERSIST', 'myhash')), "ERR wrong number of arguments for 'hpersist' command");
        assert.equal(errorText(call('HPERSIST', 'myhash', 'FIELDS', 1)), "ERR wrong number of arguments for 'hpersist' command");
        assert.deepEqual(call('HPERSIST', 'myhash', 'FIELDS', 2, 'f1', 'not-exists-field'), [P_OK, P_NO_FIELD]);
        assert.deepEqual(call('HPERSIST', 'myhash', 'FIELDS', 1, 'f2'), [P_NO_EXPIRY]);
        assert.equal(errorText(call('HPERSIST', 'myhash', 'FIELDS', 2, 'f1', 'f2', 'f3')), 'ERR The `numfields` parameter must match the number of arguments');
        assert.equal(errorText(call('HPERSIST', 'myhash', 'FIELDS', 4, 'f1', 'f2', 'f3')), 'ERR The `numfields` parameter must match the number of arguments');
        assert.equal(errorText(call('HPERSIST', 'myhash', 'FIELDS', 0, 'f1')), 'ERR Number of fields must be a positive integer');
        assert.equal(errorText(call('HPERSIST', 'myhash', 'FIELD', 1, 'f1')), 'ERR Mandatory argument FIELDS is missing or not at the right position');
        call('DEL', 'myhash');
        call('HSET', 'myhash', 'f1', 'v1', 'f2', 'v2');
        call('HPEXPIRE', 'myhash', 60, 'NX', 'FIELDS', 2, 'f1', 'f2');
        assert.deepEqual(call('HPERSIST', 'myhash', 'FIELDS', 2, 'f1', 'f2'), [P_OK, P_OK]);
        await sleep(100);
        assert.equal(call('HGET', 'myhash', 'f1'), 'v1');
        assert.equal(call('HGET', 'myhash', 'f2'), 'v2');
        assert.deepEqual(call('HTTL', 'myhash', 'FIELDS', 2, 'f1', 'f2'), [T_NO_EXPIRY, T_NO_EXPIRY]);
      }, form.config));

    it(`calls an expired field missing (${form.name})`, async () =>
      withServer(async (call) => {
        call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
        call('HSET', 'h', 'a', '1', 'b', '2');
        call('HPEXPIRE', 'h', 1, 'FIELDS', 1, 'a');
        await sleep(10);
        assert.deepEqual(call('HPERSIST', 'h', 'FIELDS', 1, 'a'), [P_NO_FIELD]);
        assert.deepEqual(call('HEXPIRE', 'h', 100, 'FIELDS', 1, 'b'), [E_OK]);
      }, form.config));
  }
});

describe('lazy expiry of fields', () => {
  for (const form of FORMS) {
    it(`deletes an expired field when a read meets it, and the hash with its last field (${form.name})`, async () =>
      withServer(async (call) => {
        call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
        call('HSET', 'myhash', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3');
        call('HPEXPIRE', 'myhash', 1, 'NX', 'FIELDS', 3, 'f1', 'f2', 'f3');
        await sleep(10);
        assert.equal(call('EXISTS', 'myhash'), 1);
        // HLEN counts fields that expired until something deletes them, as in Redis 7.4.
        assert.equal(call('HLEN', 'myhash'), 3);
        assert.equal(call('HEXISTS', 'myhash', 'f1'), 0);
        assert.equal(call('HLEN', 'myhash'), 2);
        assert.equal(call('HGET', 'myhash', 'f2'), null);
        assert.equal(call('HLEN', 'myhash'), 1);
        assert.equal(call('HSTRLEN', 'myhash', 'f3'), 0);
        assert.equal(call('HLEN', 'myhash'), 0);
        assert.equal(call('EXISTS', 'myhash'), 0);
      }, form.config));

    it(`hides expired fields from every read (${form.name})`, async () =>
      withServer(async (call) => {
        call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
        call('HSET', 'h1', '01', '01');
        call('HSET', 'h2', '01', '01', '02', '02');
        call('HSET', 'h3', '01', '01', '02', '02', '03', '03');
        call('HSET', 'h4', '1', '99', '2', '99', '3', '99', '4', '99');
        call('HSET', 'h5', '1', '1', '2', '22', '3', '333', '4', '4444', '5', '55555');
        call('HSET', 'h6', '01', '01', '02', '02', '03', '03', '04', '04', '05', '05', '06', '06');
        const h18: string[] = [];
        for (let i = 1; i <= 18; i++) h18.push(String(i).padStart(2, '0'), String(i).padStart(2, '0'));
        call('HSET', 'h18', ...h18);
        call('HPEXPIRE', 'h1', 1, 'NX', 'FIELDS', 1, '01');
        call('HPEXPIRE', 'h2', 1, 'NX', 'FIELDS', 1, '01');
        call('HPEXPIRE', 'h2', 1, 'NX', 'FIELDS', 1, '02');
        call('HPEXPIRE', 'h3', 1, 'NX', 'FIELDS', 1, '01');
        call('HPEXPIRE', 'h4', 1, 'NX', 'FIELDS', 1, '2');
        call('HPEXPIRE', 'h5', 1, 'NX', 'FIELDS', 1, '3');
        call('HPEXPIRE', 'h6', 1, 'NX', 'FIELDS', 1, '05');
        call('HPEXPIRE', 'h18', 1, 'NX', 'FIELDS', 17, ...h18.filter((_, i) => i % 2 === 0).slice(0, 17));
        await sleep(10);
        // HDEL deletes an expired field like any other.
        assert.equal(call('HDEL', 'h1', '01'), 1);
        assert.equal(call('HGET', 'h2', '01'), null);
        assert.equal(call('HGET', 'h2', '02'), null);
        assert.equal(call('EXISTS', 'h2'), 0);
        assert.equal(call('HGET', 'h3', '01'), null);
        assert.equal(call('HGET', 'h3', '02'), '02');
        assert.equal(call('HINCRBY', 'h4', '2', 1), 1);
        assert.equal(call('HINCRBY', 'h4', '3', 1), 100);
        assert.equal(call('HSTRLEN', 'h5', '3'), 0);
        assert.equal(call('HSTRLEN', 'h5', '4'), 4);
        assert.deepEqual((call('HKEYS', 'h6') as string[]).sort(), ['01', '02', '03', '04', '06']);
        // HKEYS skips the field but leaves it: it still counts.
        assert.equal(call('HLEN', 'h6'), 6);
        assert.equal(call('HEXISTS', 'h18', '07'), 0);
        assert.equal(call('HEXISTS', 'h18', '18'), 1);
        assert.deepEqual(call('HVALS', 'h18'), ['18']);
        assert.deepEqual(call('HGETALL', 'h18'), { '18': '18' });
        assert.deepEqual(call('HSCAN', 'h18', 0, 'COUNT', 100), ['0', ['18', '18']]);
        assert.deepEqual(call('HSCAN', 'h18', 0, 'NOVALUES', 'COUNT', 100), ['0', ['18']]);
        assert.deepEqual(call('HMGET', 'h6', '05', '06'), [null, '06']);
        assert.deepEqual(call('HSETNX', 'h6', '05', 'again'), 1);
        assert.equal(call('HGET', 'h6', '05'), 'again');
      }, form.config));

    it(`HMGET replies nulls once the last field expired and the hash went (${form.name})`, async () =>
      withServer(async (call) => {
        call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
        call('HSET', 'h1', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3');
        call('HSET', 'h2', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3');
        call('HPEXPIRE', 'h1', 10000000, 'NX', 'FIELDS', 1, 'f1');
        call('HPEXPIRE', 'h1', 1, 'NX', 'FIELDS', 2, 'f2', 'f3');
        call('HPEXPIRE', 'h2', 1, 'NX', 'FIELDS', 3, 'f1', 'f2', 'f3');
        await sleep(10);
        assert.deepEqual(call('HMGET', 'h1', 'f1', 'f2', 'f3'), ['v1', null, null]);
        assert.deepEqual(call('HMGET', 'h2', 'f1', 'f2', 'f3', 'f1'), [null, null, null, null]);
        assert.equal(call('EXISTS', 'h2'), 0);
      }, form.config));

    it(`HINCRBY and HINCRBYFLOAT start an expired field over, and keep a live field's deadline (${form.name})`, async () =>
      withServer(async (call) => {
        call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
        call('HSET', 'h1', 'f1', '10', 'f2', '2');
        call('HSET', 'h2', 'f1', '10');
        call('HSET', 'h3', 'f1', '10');
        call('HPEXPIRE', 'h1', 10, 'FIELDS', 1, 'f1');
        call('HPEXPIRE', 'h2', 10, 'FIELDS', 1, 'f1');
        call('HPEXPIRE', 'h3', 10, 'FIELDS', 1, 'f1');
        await sleep(20);
        assert.equal(call('HINCRBY', 'h1', 'f1', 1), 1);
        // The last field expiring deletes the hash, and the increment makes a new one.
        assert.equal(call('HINCRBY', 'h2', 'f1', 1), 1);
        assert.equal(call('HINCRBYFLOAT', 'h3', 'f1', '1.5'), '1.5');
        assert.deepEqual(call('HTTL', 'h2', 'FIELDS', 1, 'f1'), [T_NO_EXPIRY]);
        call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
        call('HSET', 'k', 'f1', '10', 'f2', '1.5');
        call('HPEXPIRE', 'k', 20000, 'FIELDS', 2, 'f1', 'f2');
        assert.equal(call('HINCRBY', 'k', 'f1', 2), 12);
        assert.equal(call('HINCRBYFLOAT', 'k', 'f2', '2.5'), '4');
        const ttls = call('HPTTL', 'k', 'FIELDS', 2, 'f1', 'f2') as number[];
        for (const t of ttls) assert.ok(t > 19_000 && t <= 20_000, `HPTTL ${t}`);
      }, form.config));

    it(`HSET of a field drops its deadline and counts it as existing (${form.name})`, async () =>
      withServer(async (call) => {
        call('HSET', 'myhash', 'field1', 'value1', 'field2', 'value2', 'field3', 'value3');
        call('HPEXPIRE', 'myhash', 10000, 'NX', 'FIELDS', 1, 'field1');
        call('HPEXPIRE', 'myhash', 1, 'NX', 'FIELDS', 1, 'field2');
        assert.equal(call('HSET', 'myhash', 'field2', 'value4'), 0);
        await sleep(10);
        assert.equal(call('HGET', 'myhash', 'field2'), 'value4');
        assert.deepEqual(call('HTTL', 'myhash', 'FIELDS', 2, 'field2', 'field3'), [T_NO_EXPIRY, T_NO_EXPIRY]);
        assert.notDeepEqual(call('HTTL', 'myhash', 'FIELDS', 1, 'field1'), [T_NO_EXPIRY]);
        call('DEL', 'myhash');
        call('HSET', 'myhash', 'f1', 'v1', 'f2', 'v2');
        call('HEXPIRE', 'myhash', 100000, 'FIELDS', 1, 'f1');
        assert.equal(call('HSET', 'myhash', 'f2', 'v2'), 0);
        assert.equal(call('HSET', 'myhash', 'f3', 'v3'), 1);
        assert.equal(call('HSET', 'myhash', 'f3', 'v3', 'f4', 'v4'), 1);
        assert.equal(call('HSET', 'myhash', 'f3', 'v3', 'f5', 'v5', 'f6', 'v6'), 2);
        assert.equal(call('HSETNX', 'myhash', 'f1', 'x'), 0);
        assert.equal(call('HMSET', 'myhash', 'f1', 'x'), 'OK');
        assert.deepEqual(call('HTTL', 'myhash', 'FIELDS', 1, 'f1'), [T_NO_EXPIRY]);
      }, form.config));

    it(`HRANDFIELD deletes every expired field first (${form.name})`, async () =>
      withServer(async (call) => {
        call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
        call('HSET', 'myhash', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3', 'f4', 'v4', 'f5', 'v5');
        call('HPEXPIRE', 'myhash', 1, 'FIELDS', 2, 'f1', 'f2');
        await sleep(10);
        assert.deepEqual((call('HRANDFIELD', 'myhash', 5) as string[]).sort(), ['f3', 'f4', 'f5']);
        assert.equal(call('HLEN', 'myhash'), 3);
        call('HPEXPIRE', 'myhash', 1, 'FIELDS', 3, 'f3', 'f4', 'f5');
        await sleep(10);
        assert.deepEqual(call('HRANDFIELD', 'myhash', 5), []);
        assert.deepEqual(call('KEYS', '*'), []);
        call('HSET', 'myhash', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3');
        call('HPEXPIRE', 'myhash', 1, 'FIELDS', 1, 'f1');
        await sleep(10);
        const one = call('HRANDFIELD', 'myhash');
        assert.ok(one === 'f2' || one === 'f3');
        call('HPEXPIRE', 'myhash', 1, 'FIELDS', 1, 'f2');
        await sleep(10);
        assert.deepEqual(call('HRANDFIELD', 'myhash', 5), ['f3']);
        assert.deepEqual(call('HRANDFIELD', 'myhash', -3, 'WITHVALUES'), [['f3', 'v3'], ['f3', 'v3'], ['f3', 'v3']]);
        call('HPEXPIRE', 'myhash', 1, 'FIELDS', 1, 'f3');
        await sleep(10);
        assert.equal(call('HRANDFIELD', 'myhash'), null);
        assert.deepEqual(call('KEYS', '*'), []);
      }, form.config));

    it(`HSCAN leaves out expired fields (${form.name})`, async () =>
      withServer(async (call) => {
        call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
        const args: string[] = [];
        for (let i = 1; i <= 20; i++) args.push(String(i).padStart(2, '0'), String(i).padStart(2, '0'));
        call('HSET', 'h20', ...args);
        call('HPEXPIRE', 'h20', 1, 'NX', 'FIELDS', 2, '01', '02');
        await sleep(10);
        const seen = new Set<string>();
        let cursor = '0';
        do {
          const [next, items] = call('HSCAN', 'h20', cursor, 'COUNT', 3) as [string, string[]];
          for (let i = 0; i < items.length; i += 2) seen.add(items[i]);
          cursor = next;
        } while (cursor !== '0');
        assert.deepEqual([...seen].sort(), args.filter((_, i) => i % 2 === 0).slice(2));
      }, form.config));
  }
});

describe('active expiry of fields', () => {
  for (const form of FORMS) {
    it(`deletes due fields in the background, and hashes left empty (${form.name})`, async () =>
      withServer(async (call, db) => {
        const sizes = [1, 15, 16, 17, 31, 32, 33, 40];
        for (const n of sizes) {
          for (let i = 1; i <= n; i++) {
            call('HSET', `hrand${n}`, `f${i}`, `v${i}`);
            call('HPEXPIRE', `hrand${n}`, 50 + Math.floor(Math.random() * 50), 'FIELDS', 1, `f${i}`);
            call('HSET', `same${n}`, `f${i}`, `v${i}`);
            call('HPEXPIRE', `same${n}`, 100, 'FIELDS', 1, `f${i}`);
            call('HSET', `mix${n}`, `f${i}`, `v${i}`, `fieldWithoutExpire${i}`, `v${i}`);
            call('HPEXPIRE', `mix${n}`, 100, 'FIELDS', 1, `f${i}`);
          }
        }
        const database = db.internals.store.databases[0];
        const raw = (key: string): number => {
          const k = Buffer.from(key);
          return database.find(k, 0, k.length, Lookup.NoTouch | Lookup.NoExpire);
        };
        // No reads: only the background can make these go.
        await eventually(() => sizes.every((n) => raw(`same${n}`) === 0 && raw(`hrand${n}`) === 0), 3000, 'the hashes to expire');
        for (const n of sizes) {
          await eventually(() => call('HLEN', `mix${n}`) === n, 3000, `mix${n} to lose its volatile fields`);
          for (let i = 1; i <= n; i++) assert.equal(call('HEXISTS', `mix${n}`, `f${i}`), 0);
        }
      }, form.config));

    it(`follows a hash through RENAME, MOVE, SWAPDB and COPY (${form.name})`, async () =>
      withServer(async (call) => {
        call('HSET', 'renamed', 'f', 'v', 'keep', 'k');
        call('HPEXPIRE', 'renamed', 60, 'FIELDS', 1, 'f');
        call('RENAME', 'renamed', 'renamed2');
        call('HSET', 'moved', 'f', 'v');
        call('HPEXPIRE', 'moved', 60, 'FIELDS', 1, 'f');
        call('MOVE', 'moved', 3);
        call('HSET', 'copied', 'f', 'v', 'keep', 'k');
        call('HPEXPIRE', 'copied', 60, 'FIELDS', 1, 'f');
        call('COPY', 'copied', 'copy');
        call('COPY', 'copied', 'copy5', 'DB', 5);
        assert.equal(call('OBJECT', 'ENCODING', 'copy'), form.name);
        const [ttl] = call('HPTTL', 'copy', 'FIELDS', 1, 'f') as number[];
        assert.ok(ttl > 0 && ttl <= 60);
        call('SELECT', 1);
        call('HSET', 'swapped', 'f', 'v');
        call('HPEXPIRE', 'swapped', 60, 'FIELDS', 1, 'f');
        call('SWAPDB', 1, 2);
        call('SELECT', 0);
        await sleep(120);
        /** DBSIZE and HLEN of `key` in database `index` (HLEN reads no field). */
        const sizes = (index: number, key: string): string => {
          call('SELECT', index);
          const found = JSON.stringify([call('DBSIZE'), call('HLEN', key)]);
          call('SELECT', 0);
          return found;
        };
        // DBSIZE and HLEN count what has not been deleted: only the background deletes here.
        await eventually(() => sizes(3, 'moved') === '[0,0]', 2000, 'the moved hash to expire');
        await eventually(() => sizes(2, 'swapped') === '[0,0]', 2000, 'the swapped hash to expire');
        await eventually(() => sizes(5, 'copy5') === '[1,1]', 2000, 'copy5 to lose a field');
        await eventually(() => call('HLEN', 'renamed2') === 1 && call('HLEN', 'copy') === 1 && call('HLEN', 'copied') === 1, 2000, 'the fields to expire');
        assert.deepEqual(call('HGETALL', 'renamed2'), { keep: 'k' });
      }, form.config));

    it(`never touches a key that took the place of an expiring hash (${form.name})`, async () =>
      withServer(async (call) => {
        call('HSET', 'h', 'f', 'v');
        call('HPEXPIRE', 'h', 50, 'FIELDS', 1, 'f');
        call('FLUSHALL');
        call('HSET', 'h', 'f', 'v', 'g', 'w');
        call('SET', 's', 'x');
        call('DEL', 'h');
        call('HSET', 'h2', 'f', 'v');
        call('HSET', 'h3', 'a', '1');
        call('HPEXPIRE', 'h3', 50, 'FIELDS', 1, 'a');
        call('DEL', 'h3');
        call('SET', 'h3', 'string now');
        await sleep(250);
        assert.deepEqual(call('HGETALL', 'h2'), { f: 'v' });
        assert.equal(call('GET', 's'), 'x');
        assert.equal(call('GET', 'h3'), 'string now');
      }, form.config));
  }

  it('waits while active expiry is off, and a hash whose key expired goes with its key', async () =>
    withServer(async (call, db) => {
      call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
      call('HSET', 'h', 'f', 'v');
      call('HPEXPIRE', 'h', 20, 'FIELDS', 1, 'f');
      await sleep(250);
      const k = Buffer.from('h');
      assert.notEqual(db.internals.store.databases[0].find(k, 0, 1, Lookup.NoTouch | Lookup.NoExpire), 0);
      call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
      await eventually(() => db.internals.store.databases[0].find(k, 0, 1, Lookup.NoTouch | Lookup.NoExpire) === 0, 2000, 'h to go');
    }));

  it('deletes a large hash of expiring fields in bounded slices', async () =>
    withServer(async (call) => {
      for (let i = 0; i < 1024; i++) {
        call('HSET', 'myhash', `f1_${i}`, `v1_${i}`, `f2_${i}`, `v2_${i}`, `f3_${i}`, `v3_${i}`, `f4_${i}`, `v4_${i}`);
        call('HPEXPIRE', 'myhash', 10, 'FIELDS', 4, `f1_${i}`, `f2_${i}`, `f3_${i}`, `f4_${i}`);
      }
      assert.equal(call('OBJECT', 'ENCODING', 'myhash'), 'hashtable');
      await eventually(() => call('EXISTS', 'myhash') === 0, 3000, 'myhash to expire');
    }));
});

// ---------------------------------------------------------------------------------------------
// Commands: Redis 7.2 / 7.4 replies the 7.0 oracle cannot check
// ---------------------------------------------------------------------------------------------

describe('hash replies newer than Redis 7.0', () => {
  it('HSCAN NOVALUES returns only fields, on both encodings', () =>
    withServer((call) => {
      call('HMSET', 'mykey', 'foo', '1', 'fab', '2', 'fiz', '3', 'foobar', '10', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
      assert.deepEqual(call('HSCAN', 'mykey', 0, 'NOVALUES'), ['0', ['foo', 'fab', 'fiz', 'foobar', '1', '2', '3', '4']]);
      assert.deepEqual(call('HSCAN', 'mykey', 0, 'novalues', 'MATCH', 'f*', 'COUNT', 2), ['0', ['foo', 'fab', 'fiz', 'foobar']]);
      const fields: string[] = [];
      for (let i = 0; i < 600; i++) fields.push(`f${i}`, 'x'.repeat(70));
      call('HSET', 'big', ...fields);
      const seen = new Set<string>();
      let cursor = '0';
      do {
        const [next, items] = call('HSCAN', 'big', cursor, 'COUNT', 50, 'NOVALUES') as [string, string[]];
        for (const f of items) {
          assert.match(f, /^f\d+$/);
          seen.add(f);
        }
        cursor = next;
      } while (cursor !== '0');
      assert.equal(seen.size, 600);
      assert.equal(errorText(call('HSCAN', 'mykey', 0, 'NOVALUES', 'COUNT')), 'ERR syntax error');
    }));

  it('HSET of more pairs than hash-max-listpack-entries makes a hashtable at once, duplicates or not', () =>
    withServer((call) => {
      const args: string[] = [];
      for (let i = 0; i < 5; i++) args.push('same', String(i));
      assert.equal(call('HSET', 'h', ...args), 1);
      assert.equal(call('OBJECT', 'ENCODING', 'h'), 'hashtable');
      assert.deepEqual(call('HGETALL', 'h'), { same: '4' });
      call('HSET', 'g', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
      assert.equal(call('OBJECT', 'ENCODING', 'g'), 'listpack');
    }, { 'hash-max-listpack-entries': '4' }));

  it('HRANDFIELD replies pairs as two-element arrays in RESP3 and flat in RESP2', () =>
    withServer((_call, db) => {
      db.raw(['HSET', 'h', 'a', '1']);
      assert.equal(db.raw(['HRANDFIELD', 'h', '2', 'WITHVALUES']).toString(), '*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n');
      assert.equal(db.raw(['HRANDFIELD', 'h', '-2', 'WITHVALUES']).toString(), '*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n');
      assert.equal(db.raw(['HGETALL', 'h']).toString(), '%1\r\n$1\r\na\r\n$1\r\n1\r\n');
      db.raw(['HELLO', '2']);
      assert.equal(db.raw(['HRANDFIELD', 'h', '-2', 'WITHVALUES']).toString(), '*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n1\r\n');
      assert.equal(db.raw(['HGETALL', 'h']).toString(), '*2\r\n$1\r\na\r\n$1\r\n1\r\n');
    }));

  it('HRANDFIELD samples every field of a listpack and of a hashtable uniformly', () =>
    withServer((call) => {
      for (const [key, big] of [['small', false], ['big', true]] as const) {
        const args: string[] = [];
        for (let i = 0; i < 10; i++) args.push(`f${i}`, big ? 'x'.repeat(100) : 'v');
        call('HSET', key, ...args);
        const counts = new Map<string, number>();
        for (const f of call('HRANDFIELD', key, -10000) as string[]) counts.set(f, (counts.get(f) ?? 0) + 1);
        assert.equal(counts.size, 10);
        for (const n of counts.values()) assert.ok(n > 800 && n < 1200, `a field came out ${n} times of 10000`);
        for (const size of [2, 8]) {
          const seen = new Map<string, number>();
          for (let k = 0; k < 500; k++) {
            const got = call('HRANDFIELD', key, size) as string[];
            assert.equal(new Set(got).size, size);
            for (const f of got) seen.set(f, (seen.get(f) ?? 0) + 1);
          }
          assert.equal(seen.size, 10);
          for (const n of seen.values()) assert.ok(n > (500 * size) / 10 / 2, `count ${size}: a field came out ${n} times`);
        }
      }
    }));

  it('COPY keeps the listpackex encoding and the field deadlines', () =>
    withServer((call) => {
      call('HSET', 'h1', 'f1', 'v1', 'f2', 'v2');
      call('HPEXPIREAT', 'h1', 4_000_000_000_000, 'FIELDS', 1, 'f1');
      call('COPY', 'h1', 'h1copy');
      assert.equal(call('OBJECT', 'ENCODING', 'h1copy'), 'listpackex');
      assert.deepEqual(call('HPEXPIRETIME', 'h1copy', 'FIELDS', 2, 'f1', 'f2'), [4_000_000_000_000, T_NO_EXPIRY]);
      call('HPERSIST', 'h1copy', 'FIELDS', 1, 'f1');
      assert.deepEqual(call('HPEXPIRETIME', 'h1', 'FIELDS', 1, 'f1'), [4_000_000_000_000]);
    }));

  it('wrong types and arities of the field expiry commands', () =>
    withServer((call) => {
      call('LPUSH', 'l', 'x');
      call('SET', 's', 'x');
      for (const cmd of [['HEXPIRE', 's', 10, 'FIELDS', 1, 'a'], ['HTTL', 's', 'FIELDS', 1, 'a'], ['HPERSIST', 's', 'FIELDS', 1, 'a'], ['HPEXPIRETIME', 's', 'FIELDS', 1, 'a']]) {
        assert.equal(errorText(call(...cmd)), 'WRONGTYPE Operation against a key holding the wrong kind of value');
      }
      for (const name of ['hexpire', 'hpexpire', 'hexpireat', 'hpexpireat']) {
        assert.equal(errorText(call(name, 'h', 10, 'FIELDS', 1)), `ERR wrong number of arguments for '${name}' command`);
      }
      for (const name of ['httl', 'hpttl', 'hexpiretime', 'hpexpiretime', 'hpersist']) {
        assert.equal(errorText(call(name, 'h', 'FIELDS', 1)), `ERR wrong number of arguments for '${name}' command`);
      }
    }));

  it('binary fields of every byte take deadlines', () =>
    withServer((call) => {
      call('HSET', 'h', ALL_BYTES, 'v', Buffer.from([0]), 'w');
      assert.deepEqual(call('HPEXPIRE', 'h', 100000, 'FIELDS', 2, ALL_BYTES, Buffer.from([0])), [E_OK, E_OK]);
      assert.deepEqual(call('HPERSIST', 'h', 'FIELDS', 1, ALL_BYTES), [P_OK]);
      assert.deepEqual(call('HTTL', 'h', 'FIELDS', 1, ALL_BYTES), [T_NO_EXPIRY]);
    }));

  it('COMMAND INFO describes the field expiry commands as Redis 7.4 does', () =>
    withServer((call) => {
      const [hexpire, httl, hpersist] = call('COMMAND', 'INFO', 'hexpire', 'httl', 'hpersist') as unknown[][];
      assert.deepEqual(hexpire.slice(0, 6), ['hexpire', -6, ['write', 'denyoom', 'fast'], 1, 1, 1]);
      assert.deepEqual(httl.slice(0, 6), ['httl', -5, ['readonly', 'fast'], 1, 1, 1]);
      assert.deepEqual(hpersist.slice(0, 6), ['hpersist', -5, ['write', 'fast'], 1, 1, 1]);
      assert.deepEqual(hexpire[6], ['@write', '@hash', '@fast']);
    }));
});

// ---------------------------------------------------------------------------------------------
// Through a socket
// ---------------------------------------------------------------------------------------------

describe('field expiry through a real socket', () => {
  it('every field expiry command replies Redis 7.4\'s bytes in RESP2 and RESP3', async () => {
    const server = await startCachica();
    const conn = await RawConnection.connect(server.port);
    const send = async (...args: (string | Buffer)[]): Promise<string> => (await conn.call(args)).toString('latin1');
    try {
      for (const resp of ['2', '3']) {
        await send('HELLO', resp);
        await send('FLUSHALL');
        assert.equal(await send('HSET', 'h', 'a', '1', 'b', '2', 'c', '3'), ':3\r\n');
        assert.equal(await send('HEXPIREAT', 'h', '4000000000', 'FIELDS', '2', 'a', 'x'), '*2\r\n:1\r\n:-2\r\n');
        assert.equal(await send('OBJECT', 'ENCODING', 'h'), '$10\r\nlistpackex\r\n');
        assert.equal(await send('HPEXPIREAT', 'h', '4000000000123', 'GT', 'FIELDS', '2', 'a', 'b'), '*2\r\n:1\r\n:0\r\n');
        assert.equal(await send('HEXPIRE', 'h', '1000', 'NX', 'FIELDS', '1', 'b'), '*1\r\n:1\r\n');
        assert.equal(await send('HPEXPIRE', 'h', '500000', 'LT', 'FIELDS', '1', 'b'), '*1\r\n:1\r\n');
        assert.equal(await send('HEXPIRETIME', 'h', 'FIELDS', '3', 'a', 'c', 'x'), '*3\r\n:4000000001\r\n:-1\r\n:-2\r\n');
        assert.equal(await send('HPEXPIRETIME', 'h', 'FIELDS', '1', 'a'), '*1\r\n:4000000000123\r\n');
        assert.match(await send('HTTL', 'h', 'FIELDS', '1', 'b'), /^\*1\r\n:(499|500)\r\n$/);
        assert.match(await send('HPTTL', 'h', 'FIELDS', '1', 'b'), /^\*1\r\n:(49\d{4}|500000)\r\n$/);
        assert.equal(await send('HPERSIST', 'h', 'FIELDS', '2', 'a', 'c'), '*2\r\n:1\r\n:-1\r\n');
        assert.equal(await send('HSCAN', 'h', '0', 'NOVALUES'), '*2\r\n$1\r\n0\r\n*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n');
        assert.equal(await send('HEXPIRE', 'h', '0', 'FIELDS', '3', 'a', 'b', 'c'), '*3\r\n:2\r\n:2\r\n:2\r\n');
        assert.equal(await send('EXISTS', 'h'), ':0\r\n');
        assert.equal(await send('HTTL', 'h', 'FIELDS', '1', 'a'), '*1\r\n:-2\r\n');
        assert.equal(await send('HTTL', 'h', 'FIELDS', '2', 'a'), '-ERR The `numfields` parameter must match the number of arguments\r\n');
      }
      // Active expiry in the server's own cron: the key goes without a read.
      await send('HSET', 'gone', 'f', 'v');
      await send('HPEXPIRE', 'gone', '30', 'FIELDS', '1', 'f');
      await eventuallyAsync(async () => (await send('DBSIZE')) === ':0\r\n', 2000, 'the hash to expire in the background');
    } finally {
      await conn.close();
      await server.stop();
    }
  });
});

async function eventuallyAsync(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
