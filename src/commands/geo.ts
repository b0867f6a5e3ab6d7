/**
 * Geospatial commands, as Redis 7.2's geo.c: GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH,
 * GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and their _RO forms.
 *
 * A geo key is an ordinary sorted set whose scores are 52-bit geohashes (types/geohash.ts):
 * GEOADD is ZADD with computed scores, and a search reads the score ranges of nine boxes around
 * the centre, keeping the members within the shape.
 */

import type { Argv } from '../protocol/argv.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import type { Client } from '../server/client.js';
import { Notify } from '../server/keyspace-events.js';
import { Lookup, type Database } from '../store/database.js';
import {
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  boxScores,
  decodeScore,
  decoded,
  distance,
  distanceWithin,
  exactDistance,
  isEmptyBox,
  sameBox,
  scoreOf,
  searchBoxes,
  standardGeohash,
  tooClose,
  type GeoShape,
} from '../types/geohash.js';
import { LongDouble } from '../types/long-double.js';
import { partialQuickSort } from '../types/pqsort.js';
import { argInt64 } from './args.js';
import { NOT_FLOAT, NOT_INTEGER, SYNTAX } from './errors.js';
import type { CommandEntry } from './types.js';
import { zaddElements } from './zsets.js';
import { AddFlag, argScore, firstInScoreRange, lookupZSet, newScoreRange, scoreOfArg, storeZSet, ZCursor, type ScoreRange } from './zset-ops.js';

const UNSUPPORTED_UNIT = 'ERR unsupported unit provided. please use M, KM, FT, MI';
const MEMBER_NOT_DECODED = 'ERR could not decode requested zset member';

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

/** getDoubleFromObjectOrReply: argv[i] as a double, or null after the error (`message` or Redis's default). */
function doubleArg(c: Client, argv: Argv, i: number, message = NOT_FLOAT): number | null {
  const v = argScore(argv, i);
  if (v === null) c.reply.error(message);
  return v;
}

/** printf's %f: six decimals, exact and rounded half-even as glibc prints. */
function printfF(d: number): string {
  return LongDouble.fromDouble(d).toFixed(6);
}

/** extractLongLatOrReply: the point in argv[i], argv[i + 1], or null after the error. */
function pointArgs(c: Client, argv: Argv, i: number): [number, number] | null {
  const longitude = doubleArg(c, argv, i);
  if (longitude === null) return null;
  const latitude = doubleArg(c, argv, i + 1);
  if (latitude === null) return null;
  if (longitude < GEO_LONG_MIN || longitude > GEO_LONG_MAX || latitude < GEO_LAT_MIN || latitude > GEO_LAT_MAX) {
    c.reply.error(`ERR invalid longitude,latitude pair ${printfF(longitude)},${printfF(latitude)}`);
    return null;
  }
  return [longitude, latitude];
}

/** extractUnitOrReply: metres per unit, or -1 after the error. */
function unitArg(c: Client, argv: Argv, i: number): number {
  if (argv.is(i, 'M')) return 1;
  if (argv.is(i, 'KM')) return 1000;
  if (argv.is(i, 'FT')) return 0.3048;
  if (argv.is(i, 'MI')) return 1609.34;
  c.reply.error(UNSUPPORTED_UNIT);
  return -1;
}

/** extractDistanceOrReply: radius and unit from argv[i], argv[i + 1] into `shape`; false after an error. */
function radiusArgs(c: Client, argv: Argv, i: number, shape: GeoShape): boolean {
  const radius = doubleArg(c, argv, i, 'ERR need numeric radius');
  if (radius === null) return false;
  if (radius < 0) {
    c.reply.error('ERR radius cannot be negative');
    return false;
  }
  shape.radius = radius;
  const conversion = unitArg(c, argv, i + 1);
  if (conversion < 0) return false;
  shape.conversion = conversion;
  return true;
}

/** extractBoxOrReply: width, height and unit from argv[i..i + 2] into `shape`; false after an error. */
function boxArgs(c: Client, argv: Argv, i: number, shape: GeoShape): boolean {
  const width = doubleArg(c, argv, i, 'ERR need numeric width');
  if (width === null) return false;
  const height = doubleArg(c, argv, i + 1, 'ERR need numeric height');
  if (height === null) return false;
  if (height < 0 || width < 0) {
    c.reply.error('ERR height or width cannot be negative');
    return false;
  }
  shape.width = width;
  shape.height = height;
  const conversion = unitArg(c, argv, i + 2);
  if (conversion < 0) return false;
  shape.conversion = conversion;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

/** llrint: nearest integer, halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** addReplyDoubleDistance (fixedpoint_d2string with 4 digits): "166.2742", "0.0000". */
function replyDistance(r: ReplyWriter, d: number): void {
  if (d === 0) {
    r.bulk('0.0000');
    return;
  }
  const scaled = roundHalfEven(d * 10000);
  const negative = scaled < 0;
  const digits = String(Math.abs(scaled)).padStart(5, '0');
  r.bulk(`${negative ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`);
}

/** addReplyHumanLongDouble: "%.17Lf" without trailing zeros, a bulk string in RESP2, a double in RESP3. */
function replyCoordinate(r: ReplyWriter, d: number): void {
  r.doubleText(LongDouble.fromDouble(d).toHumanString());
}

/** A score as addReplyLongLong((long long)score) writes it. */
function replyHash(r: ReplyWriter, score: number): void {
  const t = Math.trunc(score);
  if (Number.isSafeInteger(t)) r.integer(t);
  else r.bigInteger(BigInt.asIntN(64, BigInt(t)));
}

// ---------------------------------------------------------------------------------------------
// GEOADD, GEOPOS, GEODIST, GEOHASH
// ---------------------------------------------------------------------------------------------

const addScores: number[] = [];
const addMembers: number[] = [];

/**
 * GEOADD key [NX|XX] [CH] longitude latitude member ...: ZADD with the points' hashes as scores
 * (Redis rewrites the command into a ZADD; the scores go to ZADD's second half here, the double
 * a ZADD would parse from the integer Redis formats).
 */
function geoadd(c: Client, argv: Argv): void {
  let nx = false;
  let xx = false;
  let ch = false;
  let longIndex = 2;
  for (; longIndex < argv.count; longIndex++) {
    if (argv.is(longIndex, 'NX')) nx = true;
    else if (argv.is(longIndex, 'XX')) xx = true;
    else if (argv.is(longIndex, 'CH')) ch = true;
    else break;
  }
  const elements = (argv.count - longIndex) / 3;
  // No elements at all (options only) is ZADD's syntax error too.
  if (!Number.isInteger(elements) || elements === 0 || (xx && nx)) {
    c.reply.error(SYNTAX);
    return;
  }
  for (let j = 0; j < elements; j++) {
    const i = longIndex + 3 * j;
    const point = pointArgs(c, argv, i);
    if (point === null) return;
    addScores[j] = scoreOf(point[0], point[1]);
    addMembers[j] = i + 2;
  }
  zaddElements(c, argv, nx ? AddFlag.NX : xx ? AddFlag.XX : AddFlag.None, ch, elements, addScores, addMembers);
}

/** The member argv[i]'s decoded point into decoded[0]/decoded[1]; false when it is not there. */
function memberPoint(db: Database, id: number, argv: Argv, i: number): boolean {
  const score = scoreOfArg(db, id, argv, i);
  if (score === undefined) return false;
  decodeScore(score);
  return true;
}

function geopos(c: Client, argv: Argv): void {
  const id = lookupZSet(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  c.reply.arrayLen(argv.count - 2);
  for (let i = 2; i < argv.count; i++) {
    if (id === 0 || !memberPoint(c.db, id, argv, i)) {
      c.reply.nullArray();
      continue;
    }
    c.reply.arrayLen(2);
    replyCoordinate(c.reply, decoded[0]);
    replyCoordinate(c.reply, decoded[1]);
  }
}

function geodist(c: Client, argv: Argv): void {
  let toMeters = 1;
  if (argv.count === 5) {
    toMeters = unitArg(c, argv, 4);
    if (toMeters < 0) return;
  } else if (argv.count > 5) {
    c.reply.error(SYNTAX);
    return;
  }
  const id = lookupZSet(c, argv, 1, Lookup.Read);
  if (id <= 0) {
    if (id === 0) c.reply.nullBulk();
    return;
  }
  if (!memberPoint(c.db, id, argv, 2)) {
    c.reply.nullBulk();
    return;
  }
  const longitude = decoded[0];
  const latitude = decoded[1];
  if (!memberPoint(c.db, id, argv, 3)) {
    c.reply.nullBulk();
    return;
  }
  replyDistance(c.reply, distance(longitude, latitude, decoded[0], decoded[1]) / toMeters);
}

function geohash(c: Client, argv: Argv): void {
  const id = lookupZSet(c, argv, 1, Lookup.Read);
  if (id < 0) return;
  c.reply.arrayLen(argv.count - 2);
  for (let i = 2; i < argv.count; i++) {
    if (id === 0 || !memberPoint(c.db, id, argv, i)) c.reply.nullBulk();
    else c.reply.bulk(standardGeohash(decoded[0], decoded[1]));
  }
}

// ---------------------------------------------------------------------------------------------
// Searching
// ---------------------------------------------------------------------------------------------

/** A member found by a search. */
interface GeoPoint {
  member: string;
  score: number;
  longitude: number;
  latitude: number;
  dist: number;
  /** Whether `dist` was computed with correctly rounded functions (see byDistanceFrom). */
  exact: boolean;
}

/** georadiusGeneric's variants. */
const enum Search {
  /** GEORADIUS: a point given by coordinates. */
  Coords = 1,
  /** GEORADIUSBYMEMBER: a point given by a member. */
  Member = 2,
  /** The _RO forms: no STORE. */
  NoStore = 4,
  /** GEOSEARCH's arguments (FROMMEMBER/FROMLONLAT, BYRADIUS/BYBOX). */
  GeoSearch = 8,
  /** GEOSEARCHSTORE: the destination comes first; STOREDIST is a flag. */
  GeoSearchStore = 16,
}

const enum Sort {
  None,
  Asc,
  Desc,
}

const range: ScoreRange = newScoreRange();
const cursor = new ZCursor();

/**
 * geoGetPointsInRange: append the members with scores in [min, max) that lie in the shape,
 * stopping once `limit` points are held (0: no limit).
 */
function pointsInRange(db: Database, id: number, min: number, max: number, shape: GeoShape, out: GeoPoint[], limit: number): void {
  range.min = min;
  range.max = max;
  range.minex = false;
  range.maxex = true;
  firstInScoreRange(db, id, range, cursor);
  for (; cursor.valid; cursor.next()) {
    const score = cursor.score;
    if (!(score < max)) break;
    decodeScore(score);
    const d = distanceWithin(shape, decoded[0], decoded[1]);
    if (d >= 0) {
      const p = pooledPoint(out.length);
      p.member = cursor.member;
      p.score = score;
      p.longitude = decoded[0];
      p.latitude = decoded[1];
      p.dist = d;
      p.exact = false;
      out.push(p);
    }
    if (out.length > 0 && limit > 0 && out.length >= limit) break;
  }
}

/**
 * The points of searches, reused: a search may meet every member of a large set, and fresh
 * objects for each made the collector a tenth of the work. Kept up to POOL_KEPT between searches.
 */
const pool: GeoPoint[] = [];
const POOL_KEPT = 65536;
const found: GeoPoint[] = [];

function pooledPoint(i: number): GeoPoint {
  if (i === pool.length) pool.push({ member: '', score: 0, longitude: 0, latitude: 0, dist: 0, exact: false });
  return pool[i];
}

/** Let go of the members the last search held, and of an outsized pool. */
function releasePoints(): void {
  for (let i = 0; i < found.length; i++) found[i].member = '';
  found.length = 0;
  if (pool.length > POOL_KEPT) pool.length = POOL_KEPT;
}

/**
 * membersOfAllNeighbors: the centre box and its neighbours in order, a box equal to the last
 * searched skipped. The points are pooled: valid until releasePoints().
 */
function searchShape(db: Database, id: number, shape: GeoShape, limit: number): GeoPoint[] {
  const boxes = searchBoxes(shape);
  const out = found;
  let last = -1;
  for (let i = 0; i < boxes.length; i++) {
    if (isEmptyBox(boxes[i])) continue;
    // A huge radius makes neighbours that are the same box: searching one twice would repeat members.
    if (last > 0 && sameBox(boxes[i], boxes[last])) continue;
    if (out.length > 0 && limit > 0 && out.length >= limit) break;
    const [min, max] = boxScores(boxes[i]);
    pointsInRange(db, id, min, max, shape, out, limit);
    last = i;
  }
  return out;
}

/**
 * sort_gp_asc. Distances a few units in the last place apart are computed again as Redis's
 * libm computes them before they are compared: V8's sin, cos and asin may order them otherwise.
 */
function byDistanceFrom(shape: GeoShape): (a: GeoPoint, b: GeoPoint) => number {
  const refine = (p: GeoPoint): void => {
    if (p.exact) return;
    p.dist = exactDistance(shape.longitude, shape.latitude, p.longitude, p.latitude);
    p.exact = true;
  };
  return (a, b) => {
    if (a.dist !== b.dist && tooClose(a.dist, b.dist)) {
      refine(a);
      refine(b);
    }
    return a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1;
  };
}

/**
 * GEORADIUS, GEORADIUSBYMEMBER, GEOSEARCH, GEOSEARCHSTORE and the _RO forms, as
 * georadiusGeneric: the same checks in the same order, so each mistake gets Redis's error.
 */
function georadiusGeneric(c: Client, argv: Argv, srcIndex: number, flags: number): void {
  const db = c.db;
  const id = lookupZSet(c, argv, srcIndex, Lookup.Read);
  if (id < 0) return;
  const shape: GeoShape = { longitude: 0, latitude: 0, conversion: 0, circle: true, radius: 0, width: 0, height: 0 };
  let storeIndex = -1;
  let storeDist = false;
  let baseArgs: number;
  if ((flags & Search.Coords) !== 0) {
    baseArgs = 6;
    const point = pointArgs(c, argv, 2);
    if (point === null) return;
    [shape.longitude, shape.latitude] = point;
    if (!radiusArgs(c, argv, baseArgs - 2, shape)) return;
  } else if ((flags & Search.Member) !== 0) {
    baseArgs = 5;
    // Without the key there is nothing to decode; the options are still read, for the reply.
    if (id !== 0) {
      if (!memberPoint(db, id, argv, 2)) {
        c.reply.error(MEMBER_NOT_DECODED);
        return;
      }
      shape.longitude = decoded[0];
      shape.latitude = decoded[1];
      if (!radiusArgs(c, argv, baseArgs - 2, shape)) return;
    }
  } else {
    baseArgs = 2;
    if ((flags & Search.GeoSearchStore) !== 0) {
      baseArgs = 3;
      storeIndex = 1;
    }
  }

  let withDist = false;
  let withHash = false;
  let withCoords = false;
  let fromMember = false;
  let fromLonLat = false;
  let byRadius = false;
  let byBox = false;
  let sort = Sort.None;
  let any = false;
  let count = 0;
  const geosearch = (flags & Search.GeoSearch) !== 0;
  const storeAllowed = (flags & Search.NoStore) === 0 && !geosearch;
  const remaining = argv.count - baseArgs;
  for (let j = 0; j < remaining; j++) {
    const i = baseArgs + j;
    if (argv.is(i, 'WITHDIST')) withDist = true;
    else if (argv.is(i, 'WITHHASH')) withHash = true;
    else if (argv.is(i, 'WITHCOORD')) withCoords = true;
    else if (argv.is(i, 'ANY')) any = true;
    else if (argv.is(i, 'ASC')) sort = Sort.Asc;
    else if (argv.is(i, 'DESC')) sort = Sort.Desc;
    else if (argv.is(i, 'COUNT') && j + 1 < remaining) {
      const v = argInt64(argv, i + 1);
      if (v === null) {
        c.reply.error(NOT_INTEGER);
        return;
      }
      if (v <= 0) {
        c.reply.error('ERR COUNT must be > 0');
        return;
      }
      // Counts beyond 2^53 mean "all" here as there.
      count = typeof v === 'bigint' ? Number.MAX_SAFE_INTEGER : v;
      j++;
    } else if (argv.is(i, 'STORE') && j + 1 < remaining && storeAllowed) {
      storeIndex = i + 1;
      storeDist = false;
      j++;
    } else if (argv.is(i, 'STOREDIST') && j + 1 < remaining && storeAllowed) {
      storeIndex = i + 1;
      storeDist = true;
      j++;
    } else if (argv.is(i, 'STOREDIST') && geosearch && (flags & Search.GeoSearchStore) !== 0) {
      storeDist = true;
    } else if (argv.is(i, 'FROMMEMBER') && j + 1 < remaining && geosearch && !fromLonLat) {
      if (id !== 0) {
        if (!memberPoint(db, id, argv, i + 1)) {
          c.reply.error(MEMBER_NOT_DECODED);
          return;
        }
        shape.longitude = decoded[0];
        shape.latitude = decoded[1];
      }
      fromMember = true;
      j++;
    } else if (argv.is(i, 'FROMLONLAT') && j + 2 < remaining && geosearch && !fromMember) {
      const point = pointArgs(c, argv, i + 1);
      if (point === null) return;
      [shape.longitude, shape.latitude] = point;
      fromLonLat = true;
      j += 2;
    } else if (argv.is(i, 'BYRADIUS') && j + 2 < remaining && geosearch && !byBox) {
      if (!radiusArgs(c, argv, i + 1, shape)) return;
      shape.circle = true;
      byRadius = true;
      j += 2;
    } else if (argv.is(i, 'BYBOX') && j + 3 < remaining && geosearch && !byRadius) {
      if (!boxArgs(c, argv, i + 1, shape)) return;
      shape.circle = false;
      byBox = true;
      j += 3;
    } else {
      c.reply.error(SYNTAX);
      return;
    }
  }

  if (storeIndex >= 0 && (withDist || withHash || withCoords)) {
    const what = (flags & Search.GeoSearchStore) !== 0 ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    c.reply.error(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
    return;
  }
  if (geosearch && !(fromMember || fromLonLat)) {
    c.reply.error(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv.str(0)}`);
    return;
  }
  if (geosearch && !(byRadius || byBox)) {
    c.reply.error(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${argv.str(0)}`);
    return;
  }
  if (any && count === 0) {
    c.reply.error('ERR the ANY argument requires COUNT argument');
    return;
  }

  if (id === 0) {
    if (storeIndex >= 0) {
      deleteStoreKey(c, argv, storeIndex);
      c.reply.integer(0);
    } else {
      c.reply.arrayLen(0);
    }
    return;
  }

  // COUNT asks for the nearest: without ANY or an order it sorts ascending.
  if (count !== 0 && sort === Sort.None && !any) sort = Sort.Asc;
  const points = searchShape(db, id, shape, any ? count : 0);
  try {
    answerSearch(c, argv, points, shape, count, sort, storeIndex, storeDist, geosearch, withDist, withHash, withCoords);
  } finally {
    releasePoints();
  }
}

/** The second half of georadiusGeneric: order the points found, then reply or store them. */
function answerSearch(
  c: Client,
  argv: Argv,
  points: GeoPoint[],
  shape: GeoShape,
  count: number,
  sort: Sort,
  storeIndex: number,
  storeDist: boolean,
  geosearch: boolean,
  withDist: boolean,
  withHash: boolean,
  withCoords: boolean,
): void {
  if (points.length === 0 && storeIndex < 0) {
    c.reply.arrayLen(0);
    return;
  }
  const returned = count === 0 || points.length < count ? points.length : count;
  if (sort !== Sort.None) {
    const ascending = byDistanceFrom(shape);
    const compare = sort === Sort.Asc ? ascending : (a: GeoPoint, b: GeoPoint) => -ascending(a, b);
    // glibc's qsort (a merge sort, stable) for all of them; Redis's pqsort for the first few.
    if (returned === points.length) points.sort(compare);
    else partialQuickSort(points, compare, 0, returned - 1);
  }
  if (storeIndex < 0) replyPoints(c.reply, points, returned, shape.conversion, withDist, withHash, withCoords);
  else storePoints(c, argv, storeIndex, points, returned, shape, storeDist, geosearch);
}

function replyPoints(r: ReplyWriter, points: GeoPoint[], n: number, conversion: number, withDist: boolean, withHash: boolean, withCoords: boolean): void {
  const options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoords ? 1 : 0);
  r.arrayLen(n);
  for (let i = 0; i < n; i++) {
    const p = points[i];
    if (options > 0) r.arrayLen(options + 1);
    r.bulk(p.member);
    if (withDist) replyDistance(r, p.dist / conversion);
    if (withHash) replyHash(r, p.score);
    if (withCoords) {
      r.arrayLen(2);
      replyCoordinate(r, p.longitude);
      replyCoordinate(r, p.latitude);
    }
  }
}

/** STORE, STOREDIST, GEOSEARCHSTORE: the first `n` points as a sorted set at argv[storeIndex]. */
function storePoints(c: Client, argv: Argv, storeIndex: number, points: GeoPoint[], n: number, center: GeoShape, storeDist: boolean, geosearch: boolean): void {
  const conversion = center.conversion;
  if (n === 0) {
    deleteStoreKey(c, argv, storeIndex);
    c.reply.integer(0);
    return;
  }
  const entries = points.slice(0, n).map((p) => ({ member: p.member, score: storeDist ? exactDistance(center.longitude, center.latitude, p.longitude, p.latitude) / conversion : p.score }));
  entries.sort((a, b) => (a.score !== b.score ? (a.score < b.score ? -1 : 1) : a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
  const members: string[] = [];
  const scores: number[] = [];
  for (const e of entries) {
    // One member per box range: a member cannot come twice, but a set must not hold it twice either.
    if (members.length > 0 && members[members.length - 1] === e.member) continue;
    members.push(e.member);
    scores.push(e.score);
  }
  storeZSet(c, argv.bufs[storeIndex], argv.starts[storeIndex], argv.ends[storeIndex], members, scores, members.length);
  c.engine.events.changedArg(c.db, argv, storeIndex, Notify.ZSet, geosearch ? 'geosearchstore' : 'georadiusstore');
  c.engine.dirty += n;
  c.reply.integer(n);
}

/** An empty result deletes the destination, announced as a DEL. */
function deleteStoreKey(c: Client, argv: Argv, i: number): void {
  if (c.db.deleteKey(argv.bufs[i], argv.starts[i], argv.ends[i])) {
    c.engine.events.changedArg(c.db, argv, i, Notify.Generic, 'del');
    c.engine.dirty++;
  }
}

// ---------------------------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------------------------

export const geoCommands: CommandEntry[] = [
  { name: 'geoadd', handler: geoadd },
  { name: 'geopos', handler: geopos },
  { name: 'geodist', handler: geodist },
  { name: 'geohash', handler: geohash },
  { name: 'georadius', handler: (c, argv) => georadiusGeneric(c, argv, 1, Search.Coords) },
  { name: 'georadius_ro', handler: (c, argv) => georadiusGeneric(c, argv, 1, Search.Coords | Search.NoStore) },
  { name: 'georadiusbymember', handler: (c, argv) => georadiusGeneric(c, argv, 1, Search.Member) },
  { name: 'georadiusbymember_ro', handler: (c, argv) => georadiusGeneric(c, argv, 1, Search.Member | Search.NoStore) },
  { name: 'geosearch', handler: (c, argv) => georadiusGeneric(c, argv, 1, Search.GeoSearch) },
  { name: 'geosearchstore', handler: (c, argv) => georadiusGeneric(c, argv, 2, Search.GeoSearch | Search.GeoSearchStore) },
];
