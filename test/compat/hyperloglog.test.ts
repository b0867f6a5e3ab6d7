/**
 * HyperLogLog against real Redis: PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST. Every GET of
 * an HLL key compares the value's bytes, so the sparse opcodes, the dense registers and the
 * cached cardinality must come out exactly as Redis writes them; hand-made values cover corrupt
 * and unusual encodings; values are carried between the servers both ways; then seeded random
 * sequences, each in RESP2 and RESP3.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineScenarios, useBed, type Scenario, type Step } from './bed.js';
import { STRING_TEMPLATES, randomScenarios, uncovered, type CommandTemplate, type Gen } from './random.js';
import type { RawConnection } from '../helpers/raw-connection.js';

const HEADER = 16;
const DENSE_SIZE = HEADER + 12288;

/** A header: magic, encoding (0 dense, 1 sparse), and a cached cardinality, or a stale one. */
function header(encoding: number, card: number | 'stale', magic = 'HYLL'): Buffer {
  const h = Buffer.alloc(HEADER);
  h.write(magic, 0, 'latin1');
  h[4] = encoding;
  if (card === 'stale') h[15] = 0x80;
  else h.writeUInt32LE(card, 8);
  return h;
}

/** A dense value with the given registers set (index -> value, values up to 63). */
function dense(registers: Record<number, number>, card: number | 'stale' = 'stale'): Buffer {
  const b = Buffer.concat([header(0, card), Buffer.alloc(DENSE_SIZE - HEADER)]);
  for (const [key, value] of Object.entries(registers)) {
    const bit = Number(key) * 6;
    const at = HEADER + (bit >> 3);
    const word = (b[at] | (b[at + 1] << 8)) | (value << (bit & 7));
    b[at] = word & 0xff;
    if (at + 1 < b.length) b[at + 1] = word >> 8;
  }
  return b;
}

const xzero = (run: number): number[] => [0x40 | ((run - 1) >> 8), (run - 1) & 0xff];
const zero = (run: number): number[] => [run - 1];
const val = (value: number, run: number): number[] => [0x80 | ((value - 1) << 2) | (run - 1)];

function sparse(ops: number[][], card: number | 'stale' = 'stale'): Buffer {
  return Buffer.concat([header(1, card), Buffer.from(ops.flat())]);
}

const elements = (from: number, n: number, prefix = 'e'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${from + i}`);

/** PFADD in batches from empty to dense, the bytes and the estimate after every batch. */
function growthSteps(key: string, batch: number, batches: number): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < batches; i++) {
    steps.push(['PFADD', key, ...elements(i * batch, batch)]);
    steps.push(['GET', key]);
    steps.push(['PFCOUNT', key]);
    steps.push(['PFDEBUG', 'ENCODING', key]);
  }
  return steps;
}

/** One element at a time: every split and merge of sparse opcodes, with the bytes after each. */
function singleAddSteps(key: string, n: number): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < n; i++) {
    steps.push(['PFADD', key, `s${i * 7}`]);
    if (i % 5 === 4) steps.push(['GET', key]);
  }
  steps.push(['PFDEBUG', 'DECODE', key], ['PFCOUNT', key], ['GET', key]);
  return steps;
}

const scenarios: Scenario[] = [
  {
    name: 'PFADD and PFCOUNT: a new key, repeated and new elements, the cached estimate in the bytes',
    steps: [
      ['PFADD', 'h'],
      ['GET', 'h'],
      ['PFADD', 'h'],
      ['PFADD', 'h', 'a', 'b', 'c'],
      ['GET', 'h'],
      ['PFADD', 'h', 'a', 'b', 'c'],
      ['PFADD', 'h', 'c', 'd'],
      ['PFCOUNT', 'h'],
      ['GET', 'h'],
      ['PFCOUNT', 'h'],
      ['TYPE', 'h'],
      ['OBJECT', 'ENCODING', 'h'],
      ['STRLEN', 'h'],
      ['PFCOUNT', 'missing'],
      ['EXISTS', 'missing'],
      ['PFADD', 'bin', '', Buffer.from([0, 1, 2, 255]), 'x'.repeat(1000), '123', '-1', '1.5'],
      ['GET', 'bin'],
      ['PFCOUNT', 'bin'],
      ['PFADD', 'exp', 'a'],
      ['PEXPIRE', 'exp', '100000'],
      ['PFADD', 'exp', 'b'],
      ['PFCOUNT', 'exp'],
      { cmd: ['PTTL', 'exp'], compare: 'ttl', tolerance: 250 },
    ],
  },
  {
    name: 'PFADD one element at a time: opcode splits and merges',
    steps: [...singleAddSteps('h', 120), ['PFDEBUG', 'DECODE', 'h']],
  },
  {
    name: 'PFADD in batches from sparse to dense, bytes and estimate at every step',
    steps: growthSteps('h', 150, 30),
  },
  {
    name: 'hll-sparse-max-bytes: a small limit promotes early, a large one keeps the value sparse',
    cleanup: [['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000']],
    steps: [
      ['CONFIG', 'SET', 'hll-sparse-max-bytes', '30'],
      ['CONFIG', 'GET', 'hll-sparse-max-bytes'],
      ...growthSteps('small', 1, 8),
      ['CONFIG', 'SET', 'hll-sparse-max-bytes', '0'],
      ['PFADD', 'zero', 'a'],
      ['PFDEBUG', 'ENCODING', 'zero'],
      ['PFADD', 'zero', 'b', 'c'],
      ['PFDEBUG', 'ENCODING', 'zero'],
      ['CONFIG', 'SET', 'hll-sparse-max-bytes', '20000'],
      ...growthSteps('large', 400, 6),
      ['CONFIG', 'SET', 'hll-sparse-max-bytes', '-1'],
      ['CONFIG', 'SET', 'hll-sparse-max-bytes', 'x'],
      ['CONFIG', 'SET', 'hll-sparse-max-bytes', '1kb'],
      ['CONFIG', 'GET', 'hll-sparse-max-bytes'],
    ],
  },
  {
    name: 'PFCOUNT of several keys: the union, missing keys, nothing cached',
    steps: [
      ['PFADD', 'a', ...elements(0, 50)],
      ['PFADD', 'b', ...elements(25, 50)],
      ['PFADD', 'c', ...elements(0, 3000)],
      ['PFCOUNT', 'a', 'b'],
      ['PFCOUNT', 'a', 'b', 'missing'],
      ['PFCOUNT', 'missing', 'other'],
      ['PFCOUNT', 'a', 'c'],
      ['PFCOUNT', 'a', 'a', 'a'],
      ['GET', 'a'],
      ['PFCOUNT', 'a'],
      ['PFCOUNT', 'c'],
      ['GET', 'c'],
    ],
  },
  {
    name: 'PFMERGE: sparse into sparse, dense into sparse, into an existing key, into itself',
    steps: [
      ['PFADD', 'a', ...elements(0, 40)],
      ['PFADD', 'b', ...elements(30, 40)],
      ['PFMERGE', 'u', 'a', 'b'],
      ['GET', 'u'],
      ['PFCOUNT', 'u'],
      ['PFMERGE', 'u2'],
      ['GET', 'u2'],
      ['PFMERGE', 'u3', 'missing'],
      ['EXISTS', 'u3'],
      ['PFADD', 'd', ...elements(0, 2500)],
      ['PFDEBUG', 'ENCODING', 'd'],
      ['PFMERGE', 'a', 'd'],
      ['PFDEBUG', 'ENCODING', 'a'],
      ['GET', 'a'],
      ['PFCOUNT', 'a'],
      ['PFMERGE', 'b', 'b'],
      ['GET', 'b'],
      ['PFADD', 'x', ...elements(1000, 300)],
      ['PFMERGE', 'x', 'b', 'u'],
      ['PFDEBUG', 'ENCODING', 'x'],
      ['GET', 'x'],
      ['PEXPIRE', 'x', '100000'],
      ['PFMERGE', 'x', 'a'],
      { cmd: ['PTTL', 'x'], compare: 'ttl', tolerance: 250 },
      ['PFMERGE'],
      ['PFMERGE', 'x', 'notakey', 'b'],
    ],
  },
  {
    name: 'values that are not HyperLogLogs: other types, short strings, bad magic, bad encodings',
    steps: [
      ['LPUSH', 'list', 'a'],
      ['PFADD', 'list', 'a'],
      ['PFCOUNT', 'list'],
      ['PFCOUNT', 'list', 'missing'],
      ['PFMERGE', 'list', 'missing'],
      ['PFMERGE', 'dest', 'list'],
      ['EXISTS', 'dest'],
      ['SET', 'str', 'hello'],
      ['PFADD', 'str', 'a'],
      ['PFCOUNT', 'str'],
      ['PFCOUNT', 'missing', 'str'],
      ['PFMERGE', 'str', 'missing'],
      ['SET', 'int', '12345'],
      ['PFADD', 'int', 'a'],
      ['SET', 'magic', Buffer.concat([header(1, 0, 'HYLX'), Buffer.from(xzero(16384))])],
      ['PFCOUNT', 'magic'],
      ['SET', 'enc', Buffer.concat([header(2, 0), Buffer.from(xzero(16384))])],
      ['PFADD', 'enc', 'a'],
      ['SET', 'short', header(1, 0).subarray(0, 15)],
      ['PFCOUNT', 'short'],
      ['SET', 'hdr', header(1, 0)],
      ['PFCOUNT', 'hdr'],
      ['SET', 'densebad', dense({}).subarray(0, DENSE_SIZE - 1)],
      ['PFCOUNT', 'densebad'],
      ['SET', 'denselong', Buffer.concat([dense({}), Buffer.from([0])])],
      ['PFADD', 'denselong', 'x'],
      ['PFDEBUG', 'ENCODING', 'str'],
      ['PFDEBUG', 'ENCODING', 'list'],
    ],
  },
  {
    name: 'hand-made values: corrupt sparse runs, a truncated XZERO, registers above 32, stale and valid caches',
    steps: [
      ['SET', 'short', sparse([xzero(16383)])],
      ['PFCOUNT', 'short'],
      ['PFCOUNT', 'short', 'missing'],
      ['PFADD', 'short', 'a', 'b', 'c', 'd', 'e'],
      ['GET', 'short'],
      ['PFMERGE', 'dst', 'short'],
      ['EXISTS', 'dst'],
      ['PFDEBUG', 'TODENSE', 'short'],
      ['PFDEBUG', 'DECODE', 'short'],
      ['SET', 'long', sparse([xzero(16384), val(3, 2)])],
      ['PFCOUNT', 'long'],
      ['PFADD', 'long', 'a'],
      ['PFDEBUG', 'GETREG', 'long'],
      ['SET', 'trunc', Buffer.concat([header(1, 'stale'), Buffer.from([...xzero(16383), 0x40])])],
      ['PFCOUNT', 'trunc'],
      ['GET', 'trunc'],
      ['PFADD', 'trunc', ...elements(0, 20)],
      ['GET', 'trunc'],
      ['SET', 'vals', sparse([val(5, 4), zero(60), val(32, 1), xzero(16319)])],
      ['PFCOUNT', 'vals'],
      ['PFADD', 'vals', ...elements(0, 30)],
      ['GET', 'vals'],
      ['SET', 'empty', header(1, 'stale')],
      ['PFCOUNT', 'empty'],
      ['PFADD', 'empty', 'a'],
      ['SET', 'huge', Buffer.concat([Buffer.from('HYLL\x01\x00\x00\x00', 'latin1'), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), Buffer.from(xzero(16384))])],
      ['PFCOUNT', 'huge'],
      ['SET', 'cached', sparse([xzero(16384)], 12345)],
      ['PFCOUNT', 'cached'],
      ['PFADD', 'cached', 'a'],
      ['PFCOUNT', 'cached'],
      ['SET', 'high', dense({ 5: 40, 16383: 51, 100: 63 })],
      ['PFCOUNT', 'high'],
      ['GET', 'high'],
      ['PFADD', 's', 'a', 'b'],
      ['PFMERGE', 's', 'high'],
      ['PFDEBUG', 'ENCODING', 's'],
      ['GET', 's'],
      ['SET', 'high', dense({ 7: 40 })],
      ['SET', 's2', sparse([xzero(16384)])],
      ['PFMERGE', 'high', 's2'],
      ['GET', 'high'],
      ['PFCOUNT', 'high', 's2'],
      ['SET', 'sp', sparse([xzero(16384)])],
      ['PFMERGE', 'sp', 'high'],
      ['PFDEBUG', 'ENCODING', 'sp'],
      ['PFCOUNT', 'sp'],
    ],
  },
  {
    name: 'PFDEBUG: GETREG, DECODE, ENCODING, TODENSE and their errors',
    steps: [
      ['PFADD', 'h', 'a', 'b', 'c'],
      ['PFDEBUG', 'ENCODING', 'h'],
      ['PFDEBUG', 'DECODE', 'h'],
      ['PFDEBUG', 'decode', 'h'],
      ['PFDEBUG', 'TODENSE', 'h'],
      ['PFDEBUG', 'TODENSE', 'h'],
      ['PFDEBUG', 'ENCODING', 'h'],
      ['PFDEBUG', 'DECODE', 'h'],
      ['GET', 'h'],
      ['PFADD', 'g', 'x', 'y'],
      ['PFDEBUG', 'GETREG', 'g'],
      ['PFDEBUG', 'ENCODING', 'g'],
      ['PFDEBUG', 'GETREG', 'g'],
      ['PFDEBUG', 'GETREG', 'missing'],
      ['PFDEBUG', 'NOPE', 'missing'],
      ['PFDEBUG', 'NOPE', 'h'],
      ['PFDEBUG', 'ENCODING', 'h', 'extra'],
      ['PFDEBUG', 'GETREG', 'h', 'extra'],
      ['PFDEBUG', 'ENCODING'],
      ['PFDEBUG'],
      ['SET', 'str', 'x'],
      ['PFDEBUG', 'ENCODING', 'str'],
    ],
  },
  {
    name: 'PFCOUNT caching the estimate is a change WATCH sees; a valid cache is not',
    steps: [
      ['PFADD', 'h', 'a', 'b'],
      ['WATCH', 'h'],
      ['PFCOUNT', 'h'],
      ['MULTI'],
      ['PING'],
      ['EXEC'],
      ['WATCH', 'h'],
      ['PFCOUNT', 'h'],
      ['MULTI'],
      ['PING'],
      ['EXEC'],
      ['WATCH', 'h'],
      { conn: 'other', cmd: ['PFADD', 'h', 'a'] },
      ['MULTI'],
      ['PING'],
      ['EXEC'],
      ['WATCH', 'h'],
      { conn: 'other', cmd: ['PFADD', 'h', 'z'] },
      ['MULTI'],
      ['PING'],
      ['EXEC'],
    ],
  },
  {
    name: 'PFSELFTEST',
    steps: [['PFSELFTEST'], ['PFSELFTEST', 'extra']],
  },
];

// ---------------------------------------------------------------------------------------------
// Random sequences
// ---------------------------------------------------------------------------------------------

const ELEMENT_POOL = elements(0, 4000);

function someElements(g: Gen): string[] {
  const n = g.rng.weighted<number>([
    [6, g.rng.range(0, 4)],
    [3, g.rng.range(5, 40)],
    [1, g.rng.range(100, 700)],
  ]);
  return Array.from({ length: n }, () => g.rng.pick(ELEMENT_POOL));
}

/** A few bytes written over an HLL value: corruption the sparse reader must meet as Redis does. */
function damage(g: Gen): Step[] {
  const key = g.key();
  return [['SETRANGE', key, String(g.rng.range(4, 40)), g.rng.bytes(g.rng.range(1, 3))], ['PFCOUNT', key]];
}

const HLL_TEMPLATES: readonly CommandTemplate[] = [
  { command: 'PFADD', weight: 14, build: (g) => ['PFADD', g.key(), ...someElements(g)] },
  { command: 'PFCOUNT', weight: 6, build: (g) => ['PFCOUNT', g.key()] },
  { command: 'PFCOUNT', weight: 3, build: (g) => ['PFCOUNT', ...g.keys(2, 4)] },
  { command: 'PFMERGE', weight: 4, build: (g) => ['PFMERGE', g.key(), ...g.keys(0, 3)] },
  { command: 'PFDEBUG', weight: 2, build: (g) => ['PFDEBUG', g.rng.pick(['ENCODING', 'DECODE', 'TODENSE', 'encoding']), g.key()] },
  { command: 'GET', weight: 5, build: (g) => ['GET', g.key()] },
  { command: 'SETRANGE', weight: 1, build: (g) => ({ steps: damage(g) }) },
  { command: 'APPEND', weight: 1, build: (g) => ['APPEND', g.key(), g.rng.pick(['\x00', '\x7f\xff', 'x'])] },
  { command: 'DEL', weight: 1, build: (g) => ['DEL', g.key()] },
];

// ---------------------------------------------------------------------------------------------
// Values carried between the servers
// ---------------------------------------------------------------------------------------------

/** The payload of a RESP bulk string reply. */
function bulkPayload(reply: Buffer): Buffer {
  assert.equal(reply[0], 0x24, `expected a bulk string, got ${JSON.stringify(reply.toString('latin1').slice(0, 40))}`);
  const headerEnd = reply.indexOf('\r\n');
  const n = Number(reply.subarray(1, headerEnd).toString());
  return reply.subarray(headerEnd + 2, headerEnd + 2 + n);
}

async function carry(from: RawConnection, to: RawConnection, key: string): Promise<void> {
  const bytes = bulkPayload(await from.call(['GET', key]));
  assert.equal((await to.call(['SET', key, bytes])).toString(), '+OK\r\n');
}

describe('hyperloglog', () => {
  const bed = useBed();
  defineScenarios(bed, [
    ...scenarios,
    ...randomScenarios('random hyperloglog', HLL_TEMPLATES, { runs: 4, steps: 500 }),
    ...randomScenarios('random hyperloglog and strings', [...HLL_TEMPLATES, ...STRING_TEMPLATES], { runs: 2, steps: 500 }),
  ]);

  it('the random templates reach every HyperLogLog command', () => {
    assert.deepEqual(uncovered(HLL_TEMPLATES, ['PFADD', 'PFCOUNT', 'PFMERGE', 'PFDEBUG']), []);
  });

  it("reads and extends values written by Redis, and Redis reads and extends cachica's", async () => {
    const redis = bed().oracle.admin;
    const cachica = bed().subject.admin;
    try {
      for (const [key, n] of [['small', 20], ['medium', 400], ['large', 5000]] as const) {
        // Redis writes, cachica reads; cachica writes, Redis reads.
        await redis.call(['PFADD', `r:${key}`, ...elements(0, n, key)]);
        await cachica.call(['PFADD', `c:${key}`, ...elements(0, n, key)]);
        await carry(redis, cachica, `r:${key}`);
        await carry(cachica, redis, `c:${key}`);
        for (const k of [`r:${key}`, `c:${key}`]) {
          assert.deepEqual(await cachica.call(['PFCOUNT', k]), await redis.call(['PFCOUNT', k]), `PFCOUNT ${k}`);
          await redis.call(['PFADD', k, ...elements(n, 300, key)]);
          await cachica.call(['PFADD', k, ...elements(n, 300, key)]);
          assert.deepEqual(await cachica.call(['GET', k]), await redis.call(['GET', k]), `bytes of ${k} after more adds`);
          assert.deepEqual(await cachica.call(['PFCOUNT', k, `r:${key}`]), await redis.call(['PFCOUNT', k, `r:${key}`]), `union with ${k}`);
        }
      }
    } finally {
      await redis.call(['FLUSHALL']);
      await cachica.call(['FLUSHALL']);
    }
  });
});
