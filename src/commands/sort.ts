/**
 * SORT and SORT_RO (Redis's sort.c): sort a list, set or sorted set numerically or
 * lexicographically, optionally by the values of other keys (BY pattern, with `nosort` and
 * hash fields `->`), fetch other keys per element (GET pattern, `#` for the element itself),
 * slice the result (LIMIT), and store it as a list (STORE).
 *
 * Comparisons are Redis's: numeric scores with ties broken by the elements' bytes; ALPHA by
 * strcoll in the C locale (byte order up to the first NUL), except that STORE compares whole
 * byte strings, as Redis does to make stored results deterministic.
 */

import type { Argv } from '../protocol/argv.js';
import { ClientFlag, type Client } from '../server/client.js';
import { Lookup, type Database } from '../store/database.js';
import { ValueType } from '../store/entries.js';
import { argInt64 } from './args.js';
import { NOT_INTEGER, SYNTAX, WRONGTYPE } from './errors.js';
import { hashFieldValue } from './hashes.js';
import { listElements, storeList } from './lists.js';
import { setMembers } from './sets.js';
import type { CommandEntry } from './types.js';
import { convertToTable, cursorAtRank, zsetLength } from './zset-ops.js';

const SCORES_NOT_DOUBLE = "ERR One or more scores can't be converted into double";

interface SortItem {
  element: string;
  score: number;
  /** The BY value of an ALPHA sort by pattern (null: the key was missing). */
  by: string | null;
}

/** The value `pattern` names for `element` (lookupKeyByPattern), or null. */
function lookupByPattern(db: Database, pattern: string, element: string, now: number): string | null {
  // C string functions stop at the first NUL: Redis sees the pattern only up to there.
  const nul = pattern.indexOf('\0');
  const spat = nul === -1 ? pattern : pattern.slice(0, nul);
  if (spat === '#') return element;
  const star = spat.indexOf('*');
  if (star === -1) return null;
  const arrow = spat.indexOf('->', star + 1);
  const hasField = arrow !== -1 && arrow + 2 < spat.length;
  const field = hasField ? pattern.slice(arrow + 2) : '';
  // The postfix runs to the end of the whole pattern (sdslen), less the field part.
  const postfixEnd = hasField ? pattern.length - field.length - 2 : pattern.length;
  const key = Buffer.from(spat.slice(0, star) + element + pattern.slice(star + 1, postfixEnd), 'latin1');
  const id = db.find(key, 0, key.length, Lookup.Read);
  if (id === 0) return null;
  const type = db.type(id);
  if (hasField) return type === ValueType.Hash ? hashFieldValue(db, id, field, now) : null;
  return type === ValueType.String ? db.stringValue(id) : null;
}

/** strtod over the whole string, as sort.c requires: null when Redis counts a conversion error. */
function toScore(s: string): number | null {
  const t = s.trimStart();
  if (t.length === 0) return s.length === 0 ? 0 : null;
  // strtod accepts what Number() does for decimal forms, plus inf/infinity/nan words and hex.
  const lower = t.toLowerCase();
  let v: number;
  if (/^[+-]?(inf|infinity)$/.test(lower)) v = lower.startsWith('-') ? -Infinity : Infinity;
  else if (/^[+-]?nan$/.test(lower)) return null;
  else if (/^[+-]?0x/.test(lower)) v = parseHexFloat(lower);
  else if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(lower)) v = Number(t);
  else return null;
  if (Number.isNaN(v)) return null;
  // ERANGE: overflow to infinity from a finite literal, or underflow (to zero or a subnormal)
  // of a non-zero literal.
  if (!Number.isFinite(v) && !/inf/.test(lower)) return null;
  if (Math.abs(v) < 2.2250738585072014e-308 && /[1-9a-f]/.test(lower.replace(/^[+-]?0x/, '').replace(/[ep][+-]?\d+$/, ''))) return null;
  return v;
}

function parseHexFloat(s: string): number {
  const m = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/.exec(s);
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) return NaN;
  let v = 0;
  for (const ch of m[2]) v = v * 16 + parseInt(ch, 16);
  let scale = 1 / 16;
  for (const ch of m[3] ?? '') {
    v += parseInt(ch, 16) * scale;
    scale /= 16;
  }
  v *= 2 ** Number(m[4] ?? 0);
  return m[1] === '-' ? -v : v;
}

/** memcmp order, then length (compareStringObjects). */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll in the C locale: strcmp, which stops at the first NUL. */
function compareCStrings(a: string, b: string): number {
  const na = a.indexOf('\0');
  const nb = b.indexOf('\0');
  return compareBytes(na === -1 ? a : a.slice(0, na), nb === -1 ? b : b.slice(0, nb));
}

/** The elements of the list, set or sorted set at entry `id` (sorted sets in order). */
function elementsOf(db: Database, id: number): string[] {
  switch (db.type(id)) {
    case ValueType.List:
      return listElements(db, id);
    case ValueType.Set:
      return setMembers(db, id);
    default: {
      const out: string[] = [];
      const n = zsetLength(db, id);
      const cursor = cursorAtRank(db, id, 0);
      for (let i = 0; i < n && cursor.valid; i++, cursor.next()) out.push(cursor.member);
      return out;
    }
  }
}

function sortGeneric(c: Client, argv: Argv, readOnly: boolean): void {
  const db = c.db;
  const now = c.engine.store.now();
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let sortBy: string | null = null;
  let dontSort = false;
  let storeIndex = -1;
  const getPatterns: string[] = [];
  for (let j = 2; j < argv.count; j++) {
    const left = argv.count - j - 1;
    if (argv.is(j, 'ASC')) desc = false;
    else if (argv.is(j, 'DESC')) desc = true;
    else if (argv.is(j, 'ALPHA')) alpha = true;
    else if (argv.is(j, 'LIMIT') && left >= 2) {
      const start = argInt64(argv, j + 1);
      const count = start === null ? null : argInt64(argv, j + 2);
      if (start === null || count === null || typeof start === 'bigint' || typeof count === 'bigint') {
        c.reply.error(NOT_INTEGER);
        return;
      }
      limitStart = start;
      limitCount = count;
      j += 2;
    } else if (!readOnly && argv.is(j, 'STORE') && left >= 1) {
      storeIndex = j + 1;
      j++;
    } else if (argv.is(j, 'BY') && left >= 1) {
      sortBy = argv.str(j + 1);
      // A BY pattern without '*' names no per-element key: the caller wants no sorting.
      if (!sortBy.split('\0')[0].includes('*')) dontSort = true;
      j++;
    } else if (argv.is(j, 'GET') && left >= 1) {
      getPatterns.push(argv.str(j + 1));
      j++;
    } else {
      c.reply.error(SYNTAX);
      return;
    }
  }

  const id = db.findArg(argv, 1, Lookup.Read);
  const type = id === 0 ? ValueType.List : db.type(id);
  if (type !== ValueType.List && type !== ValueType.Set && type !== ValueType.ZSet) {
    c.reply.error(WRONGTYPE);
    return;
  }
  // A set's order is not defined: STORE and scripts get it sorted so the result is deterministic.
  if (dontSort && type === ValueType.Set && (storeIndex !== -1 || (c.flags & ClientFlag.Script) !== 0)) {
    dontSort = false;
    alpha = true;
    sortBy = null;
  }
  // Redis converts a small sorted set to its table form before sorting it (zsetConvert), and
  // OBJECT ENCODING shows it afterwards.
  if (id !== 0 && type === ValueType.ZSet && db.isPacked(id)) convertToTable(db, id);
  let elements = id === 0 ? [] : elementsOf(db, id);
  // A list or sorted set left unsorted keeps its order, read from the end for DESC.
  if (dontSort && type !== ValueType.Set && desc) elements = elements.reverse();

  const n = elements.length;
  let start = limitStart < 0 ? 0 : limitStart;
  let end = limitCount < 0 ? n - 1 : start + limitCount - 1;
  if (start >= n) {
    start = n - 1;
    end = n - 2;
  }
  if (end >= n) end = n - 1;

  const items: SortItem[] = elements.map((element) => ({ element, score: 0, by: null }));
  if (!dontSort) {
    for (const item of items) {
      if (sortBy !== null) {
        const by = lookupByPattern(db, sortBy, item.element, now);
        if (by === null) continue;
        if (alpha) item.by = by;
        else {
          const score = toScore(by);
          if (score === null) {
            c.reply.error(SCORES_NOT_DOUBLE);
            return;
          }
          item.score = score;
        }
      } else if (!alpha) {
        const score = toScore(item.element);
        if (score === null) {
          c.reply.error(SCORES_NOT_DOUBLE);
          return;
        }
        item.score = score;
      }
    }
    const storing = storeIndex !== -1;
    const compare = (a: SortItem, b: SortItem): number => {
      let cmp: number;
      if (!alpha) cmp = a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.element, b.element);
      else if (sortBy !== null) {
        if (a.by === null || b.by === null) cmp = a.by === b.by ? 0 : a.by === null ? -1 : 1;
        else cmp = storing ? compareBytes(a.by, b.by) : compareCStrings(a.by, b.by);
      } else cmp = storing ? compareBytes(a.element, b.element) : compareCStrings(a.element, b.element);
      return desc ? -cmp : cmp;
    };
    items.sort(compare);
  }

  const count = end >= start ? end - start + 1 : 0;
  const outputLength = getPatterns.length > 0 ? getPatterns.length * count : count;
  if (storeIndex === -1) {
    c.reply.arrayLen(outputLength);
    for (let j = start; j <= end; j++) {
      if (getPatterns.length === 0) c.reply.bulk(items[j].element);
      for (const pattern of getPatterns) {
        const v = lookupByPattern(db, pattern, items[j].element, now);
        if (v === null) c.reply.nullBulk();
        else c.reply.bulk(v);
      }
    }
    return;
  }
  const values: string[] = [];
  for (let j = start; j <= end; j++) {
    if (getPatterns.length === 0) values.push(items[j].element);
    for (const pattern of getPatterns) values.push(lookupByPattern(db, pattern, items[j].element, now) ?? '');
  }
  storeList(c, argv, storeIndex, values);
  c.reply.integer(outputLength);
}

function sort(c: Client, argv: Argv): void {
  sortGeneric(c, argv, false);
}

function sortRo(c: Client, argv: Argv): void {
  sortGeneric(c, argv, true);
}

export const sortCommands: CommandEntry[] = [
  { name: 'sort', handler: sort },
  { name: 'sort_ro', handler: sortRo },
];
