/**
 * Geohashes as Redis keeps them (geohash.c, geohash_helper.c): a point is the 52-bit
 * interleaving of its latitude and longitude, each cut into 2^26 steps of Redis's ranges
 * (longitude -180..180, latitude -85.05112878..85.05112878, the limits of Web Mercator), stored
 * as the score of a sorted set member. The arithmetic follows Redis's operation for operation so
 * that every score, position and box is the same double.
 *
 * A radius or box search looks at the box of the centre at a step chosen from the radius, and at
 * its eight neighbours; each box is a score range of the sorted set.
 *
 * Hashes of up to 64 bits are held as two 32-bit halves where a point is encoded or decoded (on
 * every member a search meets), and as bigints for the few boxes of a search.
 */

import { exactAsin, exactCos, exactSin } from './exact-math.js';

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
const LAT_SCALE = GEO_LAT_MAX - GEO_LAT_MIN;
const LONG_SCALE = GEO_LONG_MAX - GEO_LONG_MIN;

/**
 * geohashDecode's cell edges: where cell `bits` of 2^step begins (the next cell's `bits + 1`
 * ends it). `bits` is a uint32_t in Redis, so bits + 1 wraps.
 */
const latitudeEdge = (bits: number, steps: number): number => GEO_LAT_MIN + ((bits >>> 0) / steps) * LAT_SCALE;
const longitudeEdge = (bits: number, steps: number): number => GEO_LONG_MIN + ((bits >>> 0) / steps) * LONG_SCALE;

/** Mean radius of the earth for WGS-84, in metres: Redis's distances use it. */
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;

const degRad = (ang: number): number => ang * D_R;
const radDeg = (ang: number): number => ang / D_R;

export interface CoordRange {
  min: number;
  max: number;
}

/** Redis's ranges, which points are stored in. */
export const LONG_RANGE: CoordRange = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
export const LAT_RANGE: CoordRange = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };
/** The standard geohash ranges, which GEOHASH's strings use. */
export const STANDARD_LAT_RANGE: CoordRange = { min: -90, max: 90 };

// ---------------------------------------------------------------------------------------------
// Interleaving bits
// ---------------------------------------------------------------------------------------------

/** The low 16 bits of v moved to the even bits of a 32-bit number. */
function spread16(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v;
}

/** The even bits of a 32-bit number gathered into 16 bits. */
function squash32(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

// Results are passed in typed arrays rather than module-level `let`s, which V8 reads and writes
// through cells with checks.

/** The last encode(): the hash's high and low 32 bits. */
const hash = new Uint32Array(2);
const HI = 0;
const LO = 1;

/** The last deinterleave(): the latitude and longitude parts. */
const parts = new Uint32Array(2);
const LAT = 0;
const LONG = 1;

/** interleave64: latitude bits to the even positions, longitude bits to the odd ones. */
function interleave(lat: number, long: number): void {
  hash[LO] = spread16(lat) | (spread16(long) << 1);
  hash[HI] = spread16(lat >>> 16) | (spread16(long >>> 16) << 1);
}

/** deinterleave64 of the 64-bit (hi, lo): the latitude and longitude parts, 32 bits each. */
function deinterleave(hi: number, lo: number): void {
  parts[LAT] = squash32(lo) | (squash32(hi) << 16);
  parts[LONG] = squash32(lo >>> 1) | (squash32(hi >>> 1) << 16);
}

// ---------------------------------------------------------------------------------------------
// Points
// ---------------------------------------------------------------------------------------------

/**
 * geohashEncode: the hash of a point at `step` bits per coordinate, into hashHi/hashLo; false
 * outside Redis's limits or the ranges. A coordinate at the top of its range makes 2^step, one
 * bit more than the step, as in Redis.
 */
export function encode(longitude: number, latitude: number, step: number, longRange = LONG_RANGE, latRange = LAT_RANGE): boolean {
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return false;
  if (latitude < latRange.min || latitude > latRange.max || longitude < longRange.min || longitude > longRange.max) return false;
  let latOffset = (latitude - latRange.min) / (latRange.max - latRange.min);
  let longOffset = (longitude - longRange.min) / (longRange.max - longRange.min);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  // uint32_t conversions: truncation of values in [0, 2^26].
  interleave(latOffset >>> 0, longOffset >>> 0);
  return true;
}

/** GEOADD's score for a valid point: the 52-bit hash, as the double ZADD would parse from it. */
export function scoreOf(longitude: number, latitude: number): number {
  encode(longitude, latitude, GEO_STEP_MAX);
  return hash[HI] * 0x1_0000_0000 + hash[LO];
}

const TWO_63 = 2 ** 63;

/**
 * (uint64_t)score as x86-64 code built by GCC computes it, into scoreParts: truncation toward
 * zero, negative values wrapped to two's complement, anything out of range (and infinities) to
 * 2^63 below 2^63 and to 0 above. A geo set holds hashes, but ZADD can put any score there.
 */
function unusualScoreBits(score: number): void {
  let v: bigint;
  if (score < TWO_63) v = score >= -TWO_63 ? BigInt.asUintN(64, BigInt(Math.trunc(score))) : 1n << 63n;
  else v = score < 2 ** 64 ? BigInt(Math.trunc(score)) : 0n;
  hash[HI] = Number(v >> 32n);
  hash[LO] = Number(v & 0xffffffffn);
}

/** The point of the last decodeScore(): longitude, latitude. */
export const decoded = new Float64Array(2);

/**
 * decodeGeohash: the centre of the step-26 box a score names, into `decoded`, each coordinate
 * held within Redis's limits.
 */
export function decodeScore(score: number): void {
  // On every member a search meets: deinterleave64 inline, in locals (through `parts` it costs
  // six times as much).
  let hi: number;
  let lo: number;
  if (score >= 0 && score < 9007199254740992) {
    const t = Math.trunc(score);
    hi = Math.floor(t / 0x1_0000_0000);
    lo = t >>> 0;
  } else {
    unusualScoreBits(score);
    hi = hash[HI];
    lo = hash[LO];
  }
  const latBits = (squash32(lo) | (squash32(hi) << 16)) >>> 0;
  const longBits = (squash32(lo >>> 1) | (squash32(hi >>> 1) << 16)) >>> 0;
  const steps = 67108864; // 2^GEO_STEP_MAX
  const latMin = latitudeEdge(latBits, steps);
  const latMax = latitudeEdge(latBits + 1, steps);
  const longMin = longitudeEdge(longBits, steps);
  const longMax = longitudeEdge(longBits + 1, steps);
  let x = (longMin + longMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (latMin + latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  decoded[0] = x;
  decoded[1] = y;
}

const GEO_ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * GEOHASH's string for a decoded point: re-encoded with the standard latitude range, 10
 * characters of 5 bits, and an 11th that is always '0' (52 bits make 10.4 characters).
 */
export function standardGeohash(longitude: number, latitude: number): string {
  encode(longitude, latitude, GEO_STEP_MAX, LONG_RANGE, STANDARD_LAT_RANGE);
  const bits = (BigInt(hash[HI]) << 32n) | BigInt(hash[LO]);
  let out = '';
  for (let i = 0; i < 10; i++) out += GEO_ALPHABET[Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn)];
  return `${out}0`;
}

// ---------------------------------------------------------------------------------------------
// Distances
// ---------------------------------------------------------------------------------------------

/** geohashGetLatDistance: metres between two latitudes on one meridian. */
function latDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
}

/**
 * geohashGetDistance: the haversine great-circle distance in metres, with V8's sin, cos and
 * asin: equal to Redis's to within a few units in the last place. (The formula is written out
 * twice, here and in exactDistance: passing the functions as arguments made every search 15%
 * slower.)
 */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/** The distance with correctly rounded sin, cos and asin, as glibc gives Redis: the very same double. */
export function exactDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = exactSin((lon2r - lon1r) / 2);
  if (v === 0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = exactSin((lat2r - lat1r) / 2);
  const a = u * u + exactCos(lat1r) * exactCos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * exactAsin(Math.sqrt(a));
}

/** Whether a and b are so close that the last bits of a distance could order them differently. */
export const tooClose = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));

// ---------------------------------------------------------------------------------------------
// Search areas
// ---------------------------------------------------------------------------------------------

/** What a search covers: a circle, or a box of width by height (both in metres after `conversion`). */
export interface GeoShape {
  longitude: number;
  latitude: number;
  /** Metres per unit (m 1, km 1000, ft 0.3048, mi 1609.34). */
  conversion: number;
  circle: boolean;
  radius: number;
  width: number;
  height: number;
}

/** geohashGetDistanceIfInRadius / geohashGetDistanceIfInRectangle: the distance, or -1 when outside. */
export function distanceWithin(shape: GeoShape, longitude: number, latitude: number): number {
  if (shape.circle) {
    const radius = shape.radius * shape.conversion;
    // No point is nearer than its distance along the meridian: most of a search's candidates
    // are ruled out by that alone. The margin covers the haversine's rounding, worst near the
    // antipode.
    if (latDistance(latitude, shape.latitude) > radius * (1 + 1e-6)) return -1;
    let d = distance(shape.longitude, shape.latitude, longitude, latitude);
    // On the edge the last bit decides: compute it as Redis does.
    if (tooClose(d, radius)) d = exactDistance(shape.longitude, shape.latitude, longitude, latitude);
    return d > radius ? -1 : d;
  }
  const width = shape.width * shape.conversion;
  const height = shape.height * shape.conversion;
  if (latDistance(latitude, shape.latitude) > height / 2) return -1;
  let across = distance(longitude, latitude, shape.longitude, latitude);
  if (tooClose(across, width / 2)) across = exactDistance(longitude, latitude, shape.longitude, latitude);
  if (across > width / 2) return -1;
  return distance(shape.longitude, shape.latitude, longitude, latitude);
}

/** geohashEstimateStepsByRadius: bits per coordinate of boxes about as large as the radius. */
function estimateSteps(rangeMeters: number, latitude: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  // Boxes narrow towards the poles.
  if (latitude > 66 || latitude < -66) {
    step--;
    if (latitude > 80 || latitude < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** A hash box: `step` bits per coordinate; step 0 marks a box left out of the search. */
interface HashBox {
  bits: bigint;
  step: number;
}

interface Area {
  longMin: number;
  longMax: number;
  latMin: number;
  latMax: number;
}

/** geohashDecode of a box in Redis's ranges. */
function decodeBox(box: HashBox): Area {
  const bits = box.bits;
  deinterleave(Number((bits >> 32n) & 0xffffffffn), Number(bits & 0xffffffffn));
  const steps = 2 ** box.step;
  const latBits = parts[LAT];
  const longBits = parts[LONG];
  return {
    latMin: latitudeEdge(latBits, steps),
    latMax: latitudeEdge(latBits + 1, steps),
    longMin: longitudeEdge(longBits, steps),
    longMax: longitudeEdge(longBits + 1, steps),
  };
}

const EVEN_BITS = 0x5555555555555555n;
const ODD_BITS = 0xaaaaaaaaaaaaaaaan;
const U64 = (1n << 64n) - 1n;

/** geohash_move_x / geohash_move_y: the box `d` (+1 or -1) columns east or rows north, wrapping. */
function move(box: HashBox, d: number, longitude: boolean): HashBox {
  if (d === 0) return box;
  const shift = BigInt(64 - box.step * 2);
  const moving = longitude ? ODD_BITS : EVEN_BITS;
  const keeping = longitude ? EVEN_BITS : ODD_BITS;
  let m = box.bits & moving;
  const k = box.bits & keeping;
  const zz = keeping >> shift;
  if (d > 0) m = (m + (zz + 1n)) & U64;
  else m = ((m | zz) - (zz + 1n)) & U64;
  m &= moving >> shift;
  return { bits: m | k, step: box.step };
}

const moved = (box: HashBox, dx: number, dy: number): HashBox => move(move(box, dx, true), dy, false);

/**
 * geohashBoundingBox: [minLong, minLat, maxLong, maxLat] of the shape; the longitude span is
 * taken at the edge nearer the pole.
 */
function boundingBox(shape: GeoShape): [number, number, number, number] {
  const { longitude, latitude } = shape;
  const height = shape.conversion * (shape.circle ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.circle ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude - latDelta)));
  const southern = latitude < 0;
  return [
    southern ? longitude - longDeltaBottom : longitude - longDeltaTop,
    latitude - latDelta,
    southern ? longitude + longDeltaBottom : longitude + longDeltaTop,
    latitude + latDelta,
  ];
}

function encodeBox(longitude: number, latitude: number, step: number): HashBox {
  encode(longitude, latitude, step);
  return { bits: (BigInt(hash[HI]) << 32n) | BigInt(hash[LO]), step };
}

const NO_BOX: HashBox = { bits: 0n, step: 0 };

/**
 * geohashCalculateAreasByShapeWGS84 and membersOfAllNeighbors' order: the centre box and its
 * neighbours north, south, east, west, north-east, north-west, south-east and south-west, with
 * the ones that cannot hold a match left out (step 0).
 */
export function searchBoxes(shape: GeoShape): HashBox[] {
  const [minLong, minLat, maxLong, maxLat] = boundingBox(shape);
  const radiusMeters =
    (shape.circle ? shape.radius : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2))) *
    shape.conversion;
  let steps = estimateSteps(radiusMeters, shape.latitude);
  let hash = encodeBox(shape.longitude, shape.latitude, steps);
  // A box too near the edge of the search area for this step: one step coarser.
  const north = decodeBox(moved(hash, 0, 1));
  const south = decodeBox(moved(hash, 0, -1));
  const east = decodeBox(moved(hash, 1, 0));
  const west = decodeBox(moved(hash, -1, 0));
  if (steps > 1 && (north.latMax < maxLat || south.latMin > minLat || east.longMax < maxLong || west.longMin > minLong)) {
    steps--;
    hash = encodeBox(shape.longitude, shape.latitude, steps);
  }
  const area = decodeBox(hash);
  const boxes = [
    hash,
    moved(hash, 0, 1),
    moved(hash, 0, -1),
    moved(hash, 1, 0),
    moved(hash, -1, 0),
    moved(hash, 1, 1),
    moved(hash, -1, 1),
    moved(hash, 1, -1),
    moved(hash, -1, -1),
  ];
  if (steps >= 2) {
    // Indexes in `boxes`: 1 north, 2 south, 3 east, 4 west, 5 NE, 6 NW, 7 SE, 8 SW.
    const drop = (...which: number[]): void => {
      for (const i of which) boxes[i] = NO_BOX;
    };
    if (area.latMin < minLat) drop(2, 8, 7);
    if (area.latMax > maxLat) drop(1, 5, 6);
    if (area.longMin < minLong) drop(4, 8, 6);
    if (area.longMax > maxLong) drop(3, 7, 5);
  }
  return boxes;
}

export function isEmptyBox(box: HashBox): boolean {
  return box.bits === 0n && box.step === 0;
}

export function sameBox(a: HashBox, b: HashBox): boolean {
  return a.bits === b.bits && a.step === b.step;
}

/** scoresOfGeoHashBox: the scores [min, max) of the members inside a box. */
export function boxScores(box: HashBox): [number, number] {
  const shift = BigInt(52 - box.step * 2);
  return [Number((box.bits << shift) & U64), Number(((box.bits + 1n) << shift) & U64)];
}

export type { HashBox };
