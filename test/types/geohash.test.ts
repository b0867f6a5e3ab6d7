import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  boxScores,
  decodeScore,
  decoded,
  distance,
  distanceWithin,
  exactDistance,
  scoreOf,
  searchBoxes,
  standardGeohash,
  type GeoShape,
} from '../../src/types/geohash.js';
import { partialQuickSort } from '../../src/types/pqsort.js';
import { Rng } from '../compat/random.js';

// Values Redis gives for the points of its documentation (GEOADD Sicily ...).
const PALERMO = { long: 13.361389, lat: 38.115556, score: 3479099956230698, hash: 'sqc8b49rny0' };
const CATANIA = { long: 15.087269, lat: 37.502669, score: 3479447370796909, hash: 'sqdtr74hyu0' };

function shape(long: number, lat: number, radiusKm: number): GeoShape {
  return { longitude: long, latitude: lat, conversion: 1000, circle: true, radius: radiusKm, width: 0, height: 0 };
}

describe('geohash points', () => {
  it('encodes points to the scores Redis stores and decodes them to the centres of their cells', () => {
    for (const p of [PALERMO, CATANIA]) {
      assert.equal(scoreOf(p.long, p.lat), p.score);
      decodeScore(p.score);
      assert.ok(Math.abs(decoded[0] - p.long) < 1e-5 && Math.abs(decoded[1] - p.lat) < 1e-5);
      assert.equal(standardGeohash(decoded[0], decoded[1]), p.hash);
    }
    decodeScore(PALERMO.score);
    assert.equal(decoded[0], 13.361389338970184);
    assert.equal(decoded[1], 38.1155563954963);
  });

  it('decodes every cell to a point that encodes back to the same cell', () => {
    const rng = new Rng('geohash-roundtrip');
    for (let n = 0; n < 2000; n++) {
      const score = scoreOf(rng.float() * 360 - 180, rng.float() * 170 - 85);
      decodeScore(score);
      assert.equal(scoreOf(decoded[0], decoded[1]), score);
    }
  });

  it('clamps what scores no GEOADD makes decode to, as the C cast to uint64 does', () => {
    // -1 is all ones: both coordinates past their maximum.
    decodeScore(-1);
    assert.deepEqual([...decoded], [180, 85.05112878]);
    // Past 2^64 the cast gives 0: the south-west corner.
    decodeScore(2 ** 65);
    assert.deepEqual([...decoded], [decodeAt(0)[0], decodeAt(0)[1]]);
    assert.deepEqual(decodeAt(Infinity), decodeAt(0));
    assert.deepEqual(decodeAt(-Infinity), decodeAt(2 ** 63));
    assert.deepEqual(decodeAt(1.9), decodeAt(1));
  });

  it('measures distances as Redis does: Palermo to Catania is 166274.1516 m', () => {
    // Between the stored points, the centres of their cells, as GEODIST measures.
    const [long1, lat1] = decodeAt(PALERMO.score);
    const [long2, lat2] = decodeAt(CATANIA.score);
    assert.equal(distance(long1, lat1, long2, lat2).toFixed(4), '166274.1516');
    assert.equal(distance(10, 20, 10, 20), 0);
    // One meridian: the latitude difference alone, no trigonometry.
    assert.equal(distance(10, 0, 10, 1), exactDistance(10, 0, 10, 1));
  });
});

function decodeAt(score: number): number[] {
  decodeScore(score);
  return [...decoded];
}

describe('geohash search areas', () => {
  // Away from the antimeridian and the poles, where Redis's boxes do not wrap (and neither do ours).
  it('covers every point within the radius with the nine boxes, for radii from metres to 500 km', () => {
    const rng = new Rng('geohash-boxes');
    for (let n = 0; n < 300; n++) {
      const center = shape(rng.float() * 320 - 160, rng.float() * 140 - 70, [0.01, 1, 50, 200, 500][n % 5]);
      const ranges = searchBoxes(center)
        .filter((b) => b.step !== 0)
        .map(boxScores);
      for (let k = 0; k < 20; k++) {
        // A point near the centre, within the radius.
        const d = (center.radius * 1000 * rng.float()) / 111_000;
        const long = center.longitude + d * (rng.float() - 0.5);
        const lat = center.latitude + d * (rng.float() - 0.5);
        const score = scoreOf(long, lat);
        decodeScore(score);
        if (distanceWithin(center, decoded[0], decoded[1]) < 0) continue;
        assert.ok(
          ranges.some(([min, max]) => score >= min && score < max),
          `point ${long},${lat} within ${center.radius} km of ${center.longitude},${center.latitude} is in no box`,
        );
      }
    }
  });

  it('tells points just inside the radius from points just outside as the exact distance does', () => {
    const center = shape(PALERMO.long, PALERMO.lat, 0);
    decodeScore(CATANIA.score);
    const d = exactDistance(center.longitude, center.latitude, decoded[0], decoded[1]);
    center.conversion = 1;
    center.radius = d;
    assert.equal(distanceWithin(center, decoded[0], decoded[1]), d);
    center.radius = d - d * 2 ** -52;
    assert.equal(distanceWithin(center, decoded[0], decoded[1]), -1);
  });
});

describe('pqsort', () => {
  it('puts the elements of the asked ranks in order, equal elements included', () => {
    const rng = new Rng('pqsort');
    for (let n = 0; n < 300; n++) {
      const size = rng.range(0, 120);
      const values = Array.from({ length: size }, () => rng.int(n % 2 === 0 ? 10 : 1000));
      const items = values.map((v, i) => ({ v, i }));
      const left = rng.int(Math.max(1, size));
      const right = Math.min(size - 1, left + rng.int(20));
      partialQuickSort(items, (a, b) => a.v - b.v, left, right);
      const sorted = [...values].sort((a, b) => a - b);
      for (let r = left; r <= right; r++) assert.equal(items[r].v, sorted[r], `rank ${r} of ${values}`);
      assert.deepEqual(items.map((x) => x.i).sort((a, b) => a - b), values.map((_, i) => i));
    }
  });
});
