/**
 * Geospatial commands against real Redis: GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH,
 * GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and the _RO forms. The scores GEOADD stores,
 * every coordinate and distance, the order of results (ties at equal distances included) and the
 * error for each mistake in each position are compared byte for byte; fixed scenarios for the
 * edges (poles, the antimeridian, huge radii, scores no GEOADD makes), then seeded random
 * sequences, each in RESP2 and RESP3.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineScenarios, useBed, type Scenario } from './bed.js';
import { Rng, randomScenarios, uncovered, type CommandTemplate, type Gen } from './random.js';

/** GEOADD arguments for `n` points scattered around (long, lat) within `spread` degrees. */
function scatter(seed: string, n: number, long: number, lat: number, spread: number, prefix = 'p'): string[] {
  const rng = new Rng(seed);
  const args: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = Math.max(-180, Math.min(180, long + (rng.float() * 2 - 1) * spread));
    const y = Math.max(-85.05, Math.min(85.05, lat + (rng.float() * 2 - 1) * spread));
    args.push(x.toFixed(6), y.toFixed(6), `${prefix}${i}`);
  }
  return args;
}

const SICILY = ['13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania', '13.583333', '37.316667', 'Agrigento'];

const scenarios: Scenario[] = [
  {
    name: 'GEOADD: scores, NX XX CH, updates, and every argument error',
    steps: [
      ['GEOADD', 'g', ...SICILY],
      ['ZRANGE', 'g', '0', '-1', 'WITHSCORES'],
      ['OBJECT', 'ENCODING', 'g'],
      ['TYPE', 'g'],
      ['GEOADD', 'g', 'NX', '13', '38', 'Palermo', '14', '37', 'Enna'],
      ['GEOADD', 'g', 'XX', '13', '38', 'Palermo', '14.5', '37', 'Nowhere'],
      ['GEOADD', 'g', 'CH', '13', '38', 'Palermo', '14.5', '37', 'Ragusa'],
      ['GEOADD', 'g', 'xx', 'ch', '13.361389', '38.115556', 'Palermo'],
      ['GEOADD', 'g', 'CH', 'NX', 'CH', '1', '1', 'a'],
      ['ZRANGE', 'g', '0', '-1', 'WITHSCORES'],
      ['GEOADD', 'g', '0', '0', 'zero', '-180', '-85.05112878', 'sw', '180', '85.05112878', 'ne', '-180', '85.05112878', 'nw', '180', '-85.05112878', 'se'],
      ['ZRANGE', 'g', '0', '-1', 'WITHSCORES'],
      ['GEOPOS', 'g', 'zero', 'sw', 'ne', 'nw', 'se'],
      ['GEOADD', 'g', '1', '2'],
      ['GEOADD', 'g', '1', '2', 'm', '3'],
      ['GEOADD', 'g', 'NX', 'XX', '1', '2', 'm'],
      ['GEOADD', 'g', 'GT', '1', '2', 'm'],
      ['GEOADD', 'g', 'CH', 'CH', 'CH'],
      ['GEOADD', 'g', 'x', '2', 'm'],
      ['GEOADD', 'g', '1', 'y', 'm'],
      ['GEOADD', 'g', '180.0000001', '0', 'm'],
      ['GEOADD', 'g', '0', '85.05112879', 'm'],
      ['GEOADD', 'g', '0', '-90', 'm'],
      ['GEOADD', 'g', '1e300', '0', 'm'],
      ['GEOADD', 'g', '-inf', 'nan', 'm'],
      ['GEOADD', 'g', '-inf', '0', 'm'],
      ['GEOADD', 'g', '1', '1', 'ok', '500', '0', 'bad'],
      ['ZSCORE', 'g', 'ok'],
      ['GEOADD', 'g', '0.0078125', '190.0078125', 'm'],
      ['GEOADD', 'g', ' 1', '1', 'm'],
      ['GEOADD', 'g', '0x10', '1', 'm'],
      ['SET', 's', 'x'],
      ['GEOADD', 's', '1', '1', 'm'],
      ['GEOADD', 's', '1', '100', 'm'],
      ['GEOADD', 'big', ...scatter('big', 200, 2.35, 48.85, 0.5)],
      ['OBJECT', 'ENCODING', 'big'],
      ['ZCARD', 'big'],
      ['GEOADD', 'bin', '1', '1', Buffer.from([0, 255, 13, 10]), '2', '2', ''],
      ['GEOPOS', 'bin', Buffer.from([0, 255, 13, 10]), ''],
    ],
  },
  {
    name: 'GEOPOS, GEODIST and GEOHASH: units, missing members and keys, errors',
    steps: [
      ['GEOADD', 'g', ...SICILY],
      ['GEOPOS', 'g', 'Palermo', 'Catania', 'missing', 'Agrigento'],
      ['GEOPOS', 'g'],
      ['GEOPOS', 'missing', 'a', 'b'],
      ['GEODIST', 'g', 'Palermo', 'Catania'],
      ['GEODIST', 'g', 'Palermo', 'Catania', 'm'],
      ['GEODIST', 'g', 'Palermo', 'Catania', 'KM'],
      ['GEODIST', 'g', 'Palermo', 'Catania', 'mi'],
      ['GEODIST', 'g', 'Palermo', 'Catania', 'ft'],
      ['GEODIST', 'g', 'Palermo', 'Palermo'],
      ['GEODIST', 'g', 'Palermo', 'missing'],
      ['GEODIST', 'g', 'missing', 'Palermo', 'km'],
      ['GEODIST', 'missing', 'a', 'b'],
      ['GEODIST', 'missing', 'a', 'b', 'yards'],
      ['GEODIST', 'g', 'Palermo', 'Catania', 'yards'],
      ['GEODIST', 'g', 'Palermo', 'Catania', 'km', 'extra'],
      ['GEOHASH', 'g', 'Palermo', 'Catania', 'missing', 'Agrigento'],
      ['GEOHASH', 'missing', 'a'],
      ['GEOHASH', 'g'],
      ['SET', 's', 'x'],
      ['GEOPOS', 's', 'a'],
      ['GEODIST', 's', 'a', 'b'],
      ['GEODIST', 's', 'a', 'b', 'bad'],
      ['GEOHASH', 's', 'a'],
    ],
  },
  {
    name: 'scores no GEOADD makes: negative, fractional, huge and infinite ones decode as Redis decodes them',
    steps: [
      ['ZADD', 'z', '0', 'zero', '-1', 'neg', '1.5', 'frac', '4503599627370496', 'b52', '9007199254740992', 'b53', '1e18', 'e18', '9.3e18', 'e19', '2e19', 'e19b', 'inf', 'inf', '-inf', 'ninf', '-1e30', 'nbig', '123456789', 'small'],
      ['GEOPOS', 'z', 'zero', 'neg', 'frac', 'b52', 'b53', 'e18', 'e19', 'e19b', 'inf', 'ninf', 'nbig', 'small'],
      ['GEOHASH', 'z', 'zero', 'neg', 'frac', 'b52', 'b53', 'e18', 'e19', 'e19b', 'inf', 'ninf', 'nbig', 'small'],
      ['GEODIST', 'z', 'zero', 'inf'],
      ['GEODIST', 'z', 'neg', 'b53', 'mi'],
      ['GEOSEARCH', 'z', 'FROMMEMBER', 'zero', 'BYRADIUS', '100000', 'km', 'WITHHASH', 'WITHCOORD', 'WITHDIST', 'ASC'],
      ['GEORADIUSBYMEMBER', 'z', 'ninf', '20000', 'km', 'WITHHASH', 'DESC'],
    ],
  },
  {
    name: 'GEOSEARCH and GEORADIUS: radius and box, orders, COUNT and ANY, WITHDIST WITHHASH WITHCOORD',
    steps: [
      ['GEOADD', 'g', ...SICILY],
      ['GEOADD', 'g', ...scatter('sicily', 120, 14.2, 37.6, 1.2)],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '100', 'km', 'ASC'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '100', 'km', 'DESC', 'WITHDIST'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '60', 'mi', 'WITHCOORD', 'WITHDIST', 'WITHHASH', 'ASC'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '200', '100', 'km', 'ASC', 'WITHDIST'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '14.2', '37.6', 'BYBOX', '400000', '300000', 'ft', 'DESC', 'COUNT', '7'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '14.2', '37.6', 'BYRADIUS', '50', 'km', 'COUNT', '5'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '14.2', '37.6', 'BYRADIUS', '50', 'km', 'COUNT', '5', 'DESC'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '14.2', '37.6', 'BYRADIUS', '500', 'km', 'COUNT', '3', 'ANY'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '14.2', '37.6', 'BYRADIUS', '500', 'km', 'COUNT', '3', 'ANY', 'ASC'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '14.2', '37.6', 'BYRADIUS', '500', 'km', 'COUNT', '1000'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '14.2', '37.6', 'BYRADIUS', '0', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '0', 'm', 'WITHDIST'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '0', '0', 'm'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', '10', 'km'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'WITHDIST', 'ASC', 'COUNT', '4'],
      ['GEORADIUS_RO', 'g', '15', '37', '200', 'km', 'WITHCOORD', 'DESC', 'COUNT', '4'],
      ['GEORADIUSBYMEMBER', 'g', 'Catania', '100', 'km', 'WITHDIST', 'ASC'],
      ['GEORADIUSBYMEMBER_RO', 'g', 'Catania', '100', 'km', 'WITHHASH', 'COUNT', '2', 'ANY'],
      ['GEORADIUSBYMEMBER', 'g', 'missing', '100', 'km'],
      ['GEORADIUS', 'missing', '15', '37', '200', 'km'],
      ['GEORADIUSBYMEMBER', 'missing', 'x', '100', 'km'],
      ['GEOSEARCH', 'missing', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'missing', 'FROMMEMBER', 'x', 'BYBOX', '1', '1', 'km'],
    ],
  },
  {
    name: 'members at equal distances: ties come out in Redis order, sorted whole and partly',
    steps: [
      ['GEOADD', 'g', ...Array.from({ length: 60 }, (_, i) => ['10', '10', `same${i}`]).flat()],
      ['GEOADD', 'g', ...Array.from({ length: 60 }, (_, i) => [String(10 + (i % 3) * 0.001), '10', `row${i}`]).flat()],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '10', '10', 'BYRADIUS', '1', 'km', 'ASC'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '10', '10', 'BYRADIUS', '1', 'km', 'DESC'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '10', '10', 'BYRADIUS', '1', 'km', 'COUNT', '10'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '10', '10', 'BYRADIUS', '1', 'km', 'COUNT', '45', 'DESC'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '10.0005', '10', 'BYRADIUS', '1', 'km', 'COUNT', '70', 'WITHDIST'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '10.0005', '10', 'BYRADIUS', '1', 'km', 'COUNT', '3', 'ASC'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '10.0005', '10', 'BYRADIUS', '1', 'km', 'COUNT', '119', 'DESC'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '10', '10', 'BYRADIUS', '1', 'km'],
    ],
  },
  {
    name: 'the poles, the antimeridian and radii as large as the earth',
    steps: [
      ['GEOADD', 'g', ...scatter('north', 40, 0, 84, 2, 'n'), ...scatter('east', 40, 179.5, 0, 1, 'e'), ...scatter('west', 40, -179.5, 0, 1, 'w')],
      ['GEOADD', 'g', ...scatter('world', 80, 0, 0, 180, 'x')],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '0', '85', 'BYRADIUS', '300', 'km', 'ASC'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '10', '-85', 'BYRADIUS', '3000', 'km', 'ASC'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '180', '0', 'BYRADIUS', '200', 'km', 'ASC', 'WITHDIST'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '-179.9', '0.5', 'BYBOX', '500', '500', 'km', 'ASC'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', '5000', 'km', 'ASC'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', '20000', 'km', 'ASC'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '100', '40', 'BYRADIUS', '40000', 'km', 'DESC', 'COUNT', '10'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '0', '0', 'BYBOX', '40000', '20000', 'km', 'COUNT', '25', 'ANY'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', 'inf', 'km', 'COUNT', '5'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '0', '84.9', 'BYBOX', '1e9', '10', 'm', 'ASC'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1e-300', 'm'],
      ['GEORADIUS', 'g', '179.99', '-0.5', '150', 'mi', 'ASC', 'WITHHASH'],
    ],
  },
  {
    name: 'STORE, STOREDIST and GEOSEARCHSTORE: the stored set, its encoding, TTL, an empty result, errors',
    steps: [
      ['GEOADD', 'g', ...SICILY, ...scatter('store', 150, 14.2, 37.6, 1.2)],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'dst'],
      ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STOREDIST', 'dst', 'COUNT', '5'],
      ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'a', 'STOREDIST', 'b'],
      ['EXISTS', 'a', 'b'],
      ['GEORADIUSBYMEMBER', 'g', 'Palermo', '50', 'km', 'STORE', 'byMember', 'DESC'],
      ['ZRANGE', 'byMember', '0', '-1', 'WITHSCORES'],
      ['GEOSEARCHSTORE', 'dst', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '300', '300', 'km'],
      ['ZCARD', 'dst'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['GEOSEARCHSTORE', 'dst', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '80', 'km', 'STOREDIST', 'COUNT', '10', 'DESC'],
      ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
      ['SET', 'str', 'x', 'EX', '100'],
      ['GEOSEARCHSTORE', 'str', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '10', 'km'],
      ['TYPE', 'str'],
      ['TTL', 'str'],
      ['GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
      ['EXISTS', 'dst'],
      ['GEORADIUS', 'g', '0', '0', '1', 'km', 'STORE', 'str'],
      ['EXISTS', 'str'],
      ['GEOSEARCHSTORE', 'x', 'missing', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
      ['SET', 'x', 'y'],
      ['GEOSEARCHSTORE', 'x', 'missing', 'FROMMEMBER', 'a', 'BYRADIUS', '1', 'km'],
      ['EXISTS', 'x'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'dst', 'WITHDIST'],
      ['GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'WITHCOORD'],
      ['GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STORE', 'x'],
      ['GEORADIUS_RO', 'g', '15', '37', '200', 'km', 'STORE', 'dst'],
      ['GEORADIUSBYMEMBER_RO', 'g', 'Palermo', '200', 'km', 'STOREDIST', 'dst'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STOREDIST'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE'],
      ['LPUSH', 'list', 'a'],
      ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'list'],
      ['TYPE', 'list'],
    ],
  },
  {
    name: 'search arguments: every error in every place, in Redis order',
    steps: [
      ['GEOADD', 'g', ...SICILY],
      ['SET', 's', 'x'],
      ['GEOSEARCH', 's', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km'],
      ['GEORADIUS', 's', '500', '37', 'x', 'km'],
      ['GEORADIUS', 'g', '500', '37', 'x', 'km'],
      ['GEORADIUS', 'g', 'x', '37', '1', 'km'],
      ['GEORADIUS', 'g', '15', '37', 'x', 'km'],
      ['GEORADIUS', 'g', '15', '37', '-1', 'km'],
      ['GEORADIUS', 'g', '15', '37', '1', 'yards'],
      ['GEORADIUS', 'g', '15', '37', 'nan', 'km'],
      ['GEORADIUS', 'g', '15', '37', '1', 'km', 'COUNT'],
      ['GEORADIUS', 'g', '15', '37', '1', 'km', 'COUNT', '0'],
      ['GEORADIUS', 'g', '15', '37', '1', 'km', 'COUNT', '-5'],
      ['GEORADIUS', 'g', '15', '37', '1', 'km', 'COUNT', 'x'],
      ['GEORADIUS', 'g', '15', '37', '1', 'km', 'COUNT', '9223372036854775807'],
      ['GEORADIUS', 'g', '15', '37', '1', 'km', 'ANY'],
      ['GEORADIUS', 'g', '15', '37', '1', 'km', 'FROMLONLAT', '1', '1'],
      ['GEORADIUS', 'g', '15', '37', '1', 'km', 'BOGUS'],
      ['GEORADIUS', 'g', '15', '37', '1', 'km', 'withdist', 'WithCoord', 'asc', 'DESC'],
      ['GEORADIUSBYMEMBER', 'g', 'missing', 'x', 'km'],
      ['GEORADIUSBYMEMBER', 'g', 'Palermo', 'x', 'km'],
      ['GEORADIUSBYMEMBER', 'g', 'Palermo', '10', 'lightyears'],
      ['GEORADIUSBYMEMBER', 'missing', 'Palermo', 'x', 'km', 'BOGUS'],
      ['GEORADIUSBYMEMBER', 'missing', 'Palermo', 'x', 'km', 'ANY'],
      ['GEOSEARCH', 'g', 'BYRADIUS', '1', 'km', 'ASC'],
      ['geosearch', 'g', 'FROMLONLAT', '1', '1', 'ASC'],
      ['GeoSearch', 'g', 'ASC', 'DESC'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'BYBOX', '1', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '1', 'km', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'FROMMEMBER', 'Catania'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'missing', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '1'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', 'x', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', 'x', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '-1', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '-1', 'yards'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '1', 'yards'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '100', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', 'x', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMLONLAT', '15', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'WITHDIST', 'COUNT', '2', 'ANY', 'STORE', 'x'],
      ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'ANY'],
      ['GEOSEARCH', 'missing', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'km', 'ANY'],
      ['GEOSEARCH', 'missing', 'BYRADIUS', '1', 'km', 'ASC'],
      ['GEOSEARCHSTORE', 'd', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'WITHHASH'],
      ['GEOSEARCHSTORE', 'd', 'g', 'FROMMEMBER', 'Palermo'],
      ['GEOSEARCHSTORE', 'd', 's', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km'],
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Random sequences
// ---------------------------------------------------------------------------------------------

const GEO_KEYS = ['geo:a', 'geo:b', 'geo:c'];

function point(g: Gen): string[] {
  // Mostly a small region, so searches find members; sometimes anywhere, sometimes out of range.
  const r = g.rng;
  if (r.chance(0.03)) return [r.pick(['181', '-180.5', 'x', '0']), r.pick(['86', '-85.1', 'y', '0'])];
  if (r.chance(0.15)) return [((r.float() * 2 - 1) * 180).toFixed(r.int(8)), ((r.float() * 2 - 1) * 85).toFixed(r.int(8))];
  return [(7 + r.float() * 2).toFixed(r.range(0, 7)), (45 + r.float() * 2).toFixed(r.range(0, 7))];
}

const member = (g: Gen): string => `m${g.rng.int(60)}`;
const key = (g: Gen): string => (g.rng.chance(0.9) ? g.rng.pick(GEO_KEYS) : String(g.key()));
const unit = (g: Gen): string => g.rng.pick(['m', 'km', 'mi', 'ft', 'KM', 'M']);
const radius = (g: Gen): string => g.rng.pick(['0', '1', '10', '50', '100', '250', '1000', '30000', '0.5']);

function searchOptions(g: Gen, store: boolean): string[] {
  const out: string[] = [];
  if (!store) {
    if (g.rng.chance(0.4)) out.push('WITHDIST');
    if (g.rng.chance(0.3)) out.push('WITHCOORD');
    if (g.rng.chance(0.3)) out.push('WITHHASH');
  }
  if (g.rng.chance(0.6)) out.push(g.rng.pick(['ASC', 'DESC']));
  if (g.rng.chance(0.5)) out.push('COUNT', String(g.rng.range(1, 20)), ...(g.rng.chance(0.3) ? ['ANY'] : []));
  return out;
}

function geosearchArgs(g: Gen): string[] {
  const from = g.rng.chance(0.5) ? ['FROMMEMBER', member(g)] : ['FROMLONLAT', ...point(g)];
  const by = g.rng.chance(0.5) ? ['BYRADIUS', radius(g), unit(g)] : ['BYBOX', radius(g), radius(g), unit(g)];
  return g.rng.chance(0.5) ? [...from, ...by] : [...by, ...from];
}

const GEO_TEMPLATES: readonly CommandTemplate[] = [
  {
    command: 'GEOADD',
    weight: 12,
    build: (g) => {
      const opts = g.rng.chance(0.2) ? [g.rng.pick(['NX', 'XX', 'CH', 'NX CH', 'XX CH'])].flatMap((o) => o.split(' ')) : [];
      const n = g.rng.range(1, 6);
      return ['GEOADD', key(g), ...opts, ...Array.from({ length: n }, () => [...point(g), member(g)]).flat()];
    },
  },
  { command: 'GEOPOS', weight: 4, build: (g) => ['GEOPOS', key(g), ...Array.from({ length: g.rng.range(1, 4) }, () => member(g))] },
  { command: 'GEODIST', weight: 4, build: (g) => ['GEODIST', key(g), member(g), member(g), ...(g.rng.chance(0.7) ? [unit(g)] : [])] },
  { command: 'GEOHASH', weight: 3, build: (g) => ['GEOHASH', key(g), ...Array.from({ length: g.rng.range(1, 4) }, () => member(g))] },
  { command: 'GEOSEARCH', weight: 10, build: (g) => ['GEOSEARCH', key(g), ...geosearchArgs(g), ...searchOptions(g, false)] },
  { command: 'GEOSEARCHSTORE', weight: 4, build: (g) => ['GEOSEARCHSTORE', key(g), key(g), ...geosearchArgs(g), ...searchOptions(g, true), ...(g.rng.chance(0.4) ? ['STOREDIST'] : [])] },
  { command: 'GEORADIUS', weight: 5, build: (g) => ['GEORADIUS', key(g), ...point(g), radius(g), unit(g), ...searchOptions(g, false)] },
  { command: 'GEORADIUS_RO', weight: 2, build: (g) => ['GEORADIUS_RO', key(g), ...point(g), radius(g), unit(g), ...searchOptions(g, false)] },
  {
    command: 'GEORADIUSBYMEMBER',
    weight: 4,
    build: (g) => ['GEORADIUSBYMEMBER', key(g), member(g), radius(g), unit(g), ...searchOptions(g, true), ...(g.rng.chance(0.5) ? [g.rng.pick(['STORE', 'STOREDIST']), key(g)] : [])],
  },
  { command: 'GEORADIUSBYMEMBER_RO', weight: 2, build: (g) => ['GEORADIUSBYMEMBER_RO', key(g), member(g), radius(g), unit(g), ...searchOptions(g, false)] },
  { command: 'ZRANGE', weight: 2, build: (g) => ['ZRANGE', key(g), '0', '-1', 'WITHSCORES'] },
  { command: 'ZREM', weight: 2, build: (g) => ['ZREM', key(g), member(g)] },
  { command: 'ZADD', weight: 1, build: (g) => ['ZADD', key(g), g.rng.pick(['-1', '1.5', '1e17', '4503599627370495', 'inf', '0']), member(g)] },
  { command: 'DEL', weight: 1, build: (g) => ['DEL', key(g)] },
];

describe('geo', () => {
  const bed = useBed();
  defineScenarios(bed, [...scenarios, ...randomScenarios('random geo', GEO_TEMPLATES, { runs: 4, steps: 500 })]);

  it('the random templates reach every geo command', () => {
    assert.deepEqual(
      uncovered(GEO_TEMPLATES, ['GEOADD', 'GEOPOS', 'GEODIST', 'GEOHASH', 'GEOSEARCH', 'GEOSEARCHSTORE', 'GEORADIUS', 'GEORADIUS_RO', 'GEORADIUSBYMEMBER', 'GEORADIUSBYMEMBER_RO']),
      [],
    );
  });
});
