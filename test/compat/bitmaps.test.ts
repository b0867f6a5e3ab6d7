/**
 * Bitmaps and bitfields against real Redis: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and
 * BITFIELD_RO, on values shared with the string commands; fixed scenarios for the edges (offset
 * limits, BIT/BYTE ranges, negative indexes, every overflow mode at every width), then seeded
 * random sequences, each in RESP2 and RESP3.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineScenarios, useBed, type Scenario, type Step } from './bed.js';
import { ALL_BYTES, STRING_TEMPLATES, randomScenarios, uncovered, type CommandTemplate, type Gen } from './random.js';

const WIDTHS = ['i1', 'u1', 'i2', 'u2', 'i7', 'u7', 'i8', 'u8', 'i16', 'u16', 'i31', 'u31', 'i32', 'u32', 'i33', 'u33', 'i53', 'u53', 'i63', 'u63', 'i64'];

function offset(g: Gen): string {
  const r = g.rng.int(10);
  if (r < 5) return String(g.rng.int(64));
  if (r < 7) return String(g.rng.int(4096));
  if (r < 8) return `#${g.rng.int(8)}`;
  // The last offset (4294967295) makes a 512 MB value: the fixed scenarios cover it once.
  if (r < 9) return g.rng.pick(['-1', '4294967296', '0x10', ' 1', '+1', '']);
  return String(g.rng.int(100_000));
}

function index(g: Gen): string {
  return g.rng.pick(['0', '1', '2', '-1', '-2', '-3', '5', '7', '8', '9', '15', '16', '-9', '-100', '100', '9223372036854775807', '-9223372036854775808', 'x']);
}

function fieldOps(g: Gen): string[] {
  const out: string[] = [];
  const n = g.rng.range(1, 4);
  for (let i = 0; i < n; i++) {
    const r = g.rng.int(10);
    const type = g.rng.chance(0.05) ? g.rng.pick(['u64', 'i65', 'i0', 'x8', 'u', 'I8']) : g.rng.pick(WIDTHS);
    if (r < 3) out.push('GET', type, offset(g));
    else if (r < 6) out.push('SET', type, offset(g), g.rng.chance(0.5) ? String(g.rng.range(-300, 300)) : g.integer());
    else if (r < 9) out.push('INCRBY', type, offset(g), g.rng.chance(0.5) ? String(g.rng.range(-300, 300)) : g.integer());
    else out.push('OVERFLOW', g.rng.pick(['WRAP', 'SAT', 'FAIL', 'wrap', 'sat', 'fail', 'BAD']));
  }
  return out;
}

const BITMAP_TEMPLATES: readonly CommandTemplate[] = [
  { command: 'SETBIT', weight: 10, build: (g) => ['SETBIT', g.key(), offset(g), g.rng.pick(['0', '1', '1', '2', '-1', 'x'])] },
  { command: 'GETBIT', weight: 6, build: (g) => ['GETBIT', g.key(), offset(g)] },
  { command: 'BITCOUNT', weight: 3, build: (g) => ['BITCOUNT', g.key()] },
  { command: 'BITCOUNT', weight: 5, build: (g) => ['BITCOUNT', g.key(), index(g), index(g), ...(g.rng.chance(0.6) ? [g.rng.pick(['BIT', 'BYTE', 'bit', 'byte', 'BITS'])] : [])] },
  { command: 'BITPOS', weight: 3, build: (g) => ['BITPOS', g.key(), g.rng.pick(['0', '1', '2'])] },
  {
    command: 'BITPOS',
    weight: 6,
    build: (g) => {
      const args = ['BITPOS', g.key(), g.rng.pick(['0', '1']), index(g)];
      if (g.rng.chance(0.7)) args.push(index(g));
      if (args.length === 5 && g.rng.chance(0.6)) args.push(g.rng.pick(['BIT', 'BYTE', 'bit', 'x']));
      return args;
    },
  },
  { command: 'BITOP', weight: 4, build: (g) => ['BITOP', g.rng.pick(['AND', 'OR', 'XOR', 'and', 'or', 'xor']), g.key(), ...g.keys(1, 4)] },
  { command: 'BITOP', weight: 2, build: (g) => ['BITOP', g.rng.pick(['NOT', 'not']), g.key(), ...g.keys(1, g.rng.chance(0.8) ? 1 : 2)] },
  { command: 'BITFIELD', weight: 8, build: (g) => ['BITFIELD', g.key(), ...fieldOps(g)] },
  { command: 'BITFIELD_RO', weight: 3, build: (g) => ['BITFIELD_RO', g.key(), ...(g.rng.chance(0.8) ? ['GET', g.rng.pick(WIDTHS), offset(g)] : fieldOps(g))] },
  { command: 'GET', weight: 3, build: (g) => ['GET', g.key()] },
];

/** Every overflow mode, both signs, at widths around the number boundaries. */
function overflowSteps(): Step[] {
  const steps: Step[] = [];
  for (const type of ['i8', 'u8', 'i32', 'u32', 'i53', 'u53', 'i63', 'u63', 'i64']) {
    for (const mode of ['WRAP', 'SAT', 'FAIL']) {
      steps.push(['DEL', 'bf']);
      for (const incr of ['1', '-1', '100', '-100', '9223372036854775807', '-9223372036854775808', '4294967296']) {
        steps.push(['BITFIELD', 'bf', 'OVERFLOW', mode, 'INCRBY', type, '3', incr, 'GET', type, '3']);
      }
      for (const v of ['0', '-1', '127', '128', '-129', '255', '256', '9223372036854775807', '-9223372036854775808']) {
        steps.push(['BITFIELD', 'bf', 'OVERFLOW', mode, 'SET', type, '#1', v, 'GET', type, '#1']);
      }
      steps.push(['GET', 'bf']);
    }
  }
  return steps;
}

const scenarios: Scenario[] = [
  {
    name: 'SETBIT and GETBIT: creation, growth, the old bit, shared with GET and APPEND',
    steps: [
      ['SETBIT', 'k', '7', '1'],
      ['GET', 'k'],
      ['SETBIT', 'k', '7', '1'],
      ['SETBIT', 'k', '7', '0'],
      ['SETBIT', 'k', '100', '1'],
      ['STRLEN', 'k'],
      ['GETBIT', 'k', '100'],
      ['GETBIT', 'k', '101'],
      ['GETBIT', 'k', '100000'],
      ['GETBIT', 'missing', '0'],
      ['APPEND', 'k', 'xyz'],
      ['GETBIT', 'k', '105'],
      ['SET', 'n', '12345'],
      ['OBJECT', 'ENCODING', 'n'],
      ['GETBIT', 'n', '2'],
      ['SETBIT', 'n', '0', '0'],
      ['OBJECT', 'ENCODING', 'n'],
      ['GET', 'n'],
      ['SETBIT', 'k', '-1', '1'],
      ['SETBIT', 'k', '4294967296', '1'],
      ['SETBIT', 'k', '1', '2'],
      ['SETBIT', 'k', '1', '-1'],
      ['SETBIT', 'k', '1', 'x'],
      ['SETBIT', 'k', 'x', '1'],
      ['SETBIT', 'k', '#1', '1'],
      ['GETBIT', 'k', '-1'],
      ['LPUSH', 'list', 'a'],
      ['SETBIT', 'list', '0', '1'],
      ['GETBIT', 'list', '0'],
      ['SETBIT', 'list', '-1', '1'],
    ],
  },
  {
    name: 'SETBIT at the last offset of 512 MB and one past it, with a smaller proto-max-bulk-len',
    steps: [
      ['CONFIG', 'SET', 'proto-max-bulk-len', '1000000'],
      ['SETBIT', 'big', '7999999', '1'],
      ['STRLEN', 'big'],
      ['SETBIT', 'big', '8000000', '1'],
      ['GETBIT', 'big', '8000000'],
      ['BITCOUNT', 'big'],
      ['BITPOS', 'big', '1'],
      ['BITPOS', 'big', '0', '-1'],
      ['BITFIELD', 'big', 'GET', 'u8', '7999992', 'GET', 'u8', '#999999', 'GET', 'u8', '#1000000'],
    ],
    cleanup: [['CONFIG', 'SET', 'proto-max-bulk-len', '536870912']],
  },
  {
    name: 'BITCOUNT: whole, byte and bit ranges, negative and inverted indexes, errors',
    steps: [
      ['SET', 'k', 'foobar'],
      ['BITCOUNT', 'k'],
      ['BITCOUNT', 'k', '0', '0'],
      ['BITCOUNT', 'k', '1', '1'],
      ['BITCOUNT', 'k', '1', '1', 'BYTE'],
      ['BITCOUNT', 'k', '5', '30', 'BIT'],
      ['BITCOUNT', 'k', '0', '-1', 'bit'],
      ['BITCOUNT', 'k', '-3', '-1', 'BIT'],
      ['BITCOUNT', 'k', '-1', '-3'],
      ['BITCOUNT', 'k', '2', '1'],
      ['BITCOUNT', 'k', '-100', '100'],
      ['BITCOUNT', 'k', '0', '9223372036854775807', 'BIT'],
      ['BITCOUNT', 'k', '-9223372036854775808', '-1'],
      ['BITCOUNT', 'k', '0'],
      ['BITCOUNT', 'k', '0', '1', 'BITS'],
      ['BITCOUNT', 'k', '0', '1', 'BIT', 'x'],
      ['BITCOUNT', 'k', 'a', '1'],
      ['BITCOUNT', 'missing', 'a', 'b'],
      ['BITCOUNT', 'missing', '0'],
      ['SET', 'n', '-123456789'],
      ['BITCOUNT', 'n'],
      ['BITCOUNT', 'n', '1', '-2', 'BIT'],
      ['SET', 'bin', ALL_BYTES],
      ['BITCOUNT', 'bin'],
      ['BITCOUNT', 'bin', '3', '250'],
      ['BITCOUNT', 'bin', '13', '1001', 'BIT'],
      ['LPUSH', 'list', 'a'],
      ['BITCOUNT', 'list'],
    ],
  },
  {
    name: 'BITPOS: set and clear bits, ranges with and without an end, BIT units, all-ones strings',
    steps: [
      ['SET', 'k', Buffer.from([0xff, 0xf0, 0x00])],
      ['BITPOS', 'k', '0'],
      ['BITPOS', 'k', '1'],
      ['BITPOS', 'k', '1', '2'],
      ['BITPOS', 'k', '0', '0', '0'],
      ['BITPOS', 'k', '1', '1', '-1'],
      ['BITPOS', 'k', '0', '3', '100', 'BIT'],
      ['BITPOS', 'k', '1', '3', '5', 'BIT'],
      ['BITPOS', 'k', '0', '1', '11', 'BIT'],
      ['BITPOS', 'k', '0', '12', '12', 'BIT'],
      ['BITPOS', 'k', '1', '-12', '-1', 'BIT'],
      ['SET', 'ones', Buffer.from([0xff, 0xff, 0xff])],
      ['BITPOS', 'ones', '0'],
      ['BITPOS', 'ones', '0', '0'],
      ['BITPOS', 'ones', '0', '0', '-1'],
      ['BITPOS', 'ones', '0', '2', '23', 'BIT'],
      ['SET', 'zeros', Buffer.alloc(40)],
      ['BITPOS', 'zeros', '1'],
      ['BITPOS', 'zeros', '0', '5'],
      ['BITPOS', 'zeros', '1', '7', '300', 'bit'],
      ['BITPOS', 'missing', '0'],
      ['BITPOS', 'missing', '1'],
      ['BITPOS', 'missing', '2'],
      ['BITPOS', 'k', '2'],
      ['BITPOS', 'k', 'x'],
      ['BITPOS', 'k', '1', 'x'],
      ['BITPOS', 'k', '1', '0', 'x'],
      ['BITPOS', 'k', '1', '0', '1', 'BITS'],
      ['BITPOS', 'k', '1', '0', '1', 'BIT', 'x'],
      ['BITPOS', 'k', '1', '2', '1'],
      ['SET', 'bin', ALL_BYTES],
      ['BITPOS', 'bin', '1', '7'],
      ['BITPOS', 'bin', '0', '100', '-1'],
      ['BITPOS', 'bin', '0', '2040', '2047', 'BIT'],
      ['LPUSH', 'list', 'a'],
      ['BITPOS', 'list', '1'],
    ],
  },
  {
    name: 'BITOP: every operation, different lengths, missing keys, empty result deletes the target',
    steps: [
      ['SET', 'a', 'foobar'],
      ['SET', 'b', 'abcdef'],
      ['SET', 'c', Buffer.from([0xff, 0x00, 0x0f])],
      ['BITOP', 'AND', 'd', 'a', 'b'],
      ['GET', 'd'],
      ['BITOP', 'OR', 'd', 'a', 'c'],
      ['GET', 'd'],
      ['BITOP', 'XOR', 'd', 'a', 'b', 'c', 'missing'],
      ['GET', 'd'],
      ['BITOP', 'AND', 'd', 'a', 'missing'],
      ['GET', 'd'],
      ['BITOP', 'NOT', 'd', 'c'],
      ['GET', 'd'],
      ['BITOP', 'NOT', 'd', 'a', 'b'],
      ['SET', 'd', 'x', 'EX', '1000'],
      ['BITOP', 'AND', 'd', 'missing', 'other'],
      ['EXISTS', 'd'],
      ['SET', 'd', 'x', 'EX', '1000'],
      ['BITOP', 'OR', 'd', 'a'],
      ['TTL', 'd'],
      ['BITOP', 'OR', 'a', 'a', 'c'],
      ['GET', 'a'],
      ['LPUSH', 'list', 'x'],
      ['BITOP', 'OR', 'list', 'a'],
      ['TYPE', 'list'],
      ['BITOP', 'OR', 'd', 'a', 'list'],
      ['BITOP', 'NAND', 'd', 'a'],
      ['SET', 'long1', Buffer.alloc(1000, 0x5a)],
      ['SET', 'long2', Buffer.alloc(777, 0xc3)],
      ['BITOP', 'XOR', 'd', 'long1', 'long2'],
      ['BITCOUNT', 'd'],
      ['BITOP', 'AND', 'd', 'long1', 'long2'],
      ['BITCOUNT', 'd'],
    ],
  },
  {
    name: 'BITFIELD: GET SET INCRBY at every width, # offsets, unaligned fields',
    steps: [
      ['BITFIELD', 'bf', 'SET', 'i8', '0', '-100', 'GET', 'i8', '0', 'GET', 'u8', '0', 'GET', 'u4', '2', 'GET', 'i4', '2'],
      ['BITFIELD', 'bf', 'SET', 'u5', '3', '23', 'GET', 'u5', '3', 'GET', 'u16', '0'],
      ['BITFIELD', 'bf', 'INCRBY', 'u2', '100', '1', 'OVERFLOW', 'SAT', 'INCRBY', 'i2', '102', '1'],
      ['BITFIELD', 'bf', 'SET', 'i64', '#1', '-9223372036854775808', 'GET', 'i64', '64', 'GET', 'u63', '64', 'GET', 'u63', '65'],
      ['BITFIELD', 'bf', 'SET', 'u63', '#3', '9223372036854775807', 'GET', 'u63', '#3', 'INCRBY', 'u63', '#3', '1'],
      ['BITFIELD', 'bf', 'GET', 'i53', '7', 'GET', 'u53', '7', 'GET', 'i33', '5', 'GET', 'u33', '5', 'GET', 'i32', '3', 'GET', 'u32', '3'],
      ['GET', 'bf'],
      ['BITFIELD', 'bf'],
      ['BITFIELD', 'missing', 'GET', 'u8', '0'],
      ['EXISTS', 'missing'],
      ['BITFIELD', 'fresh', 'SET', 'u8', '0', '0'],
      ['GET', 'fresh'],
      ['BITFIELD', 'bf', 'GET', 'u64', '0'],
      ['BITFIELD', 'bf', 'GET', 'i65', '0'],
      ['BITFIELD', 'bf', 'GET', 'i0', '0'],
      ['BITFIELD', 'bf', 'GET', 'x8', '0'],
      ['BITFIELD', 'bf', 'GET', 'u8', '-1'],
      ['BITFIELD', 'bf', 'GET', 'u8', '#-1'],
      ['BITFIELD', 'bf', 'GET', 'u8'],
      ['BITFIELD', 'bf', 'SET', 'u8', '0'],
      ['BITFIELD', 'bf', 'SET', 'u8', '0', 'x'],
      ['BITFIELD', 'bf', 'OVERFLOW', 'BAD', 'GET', 'u8', '0'],
      ['BITFIELD', 'bf', 'OVERFLOW'],
      ['BITFIELD', 'bf', 'FOO', 'u8', '0'],
      ['BITFIELD', 'bf', 'GET', 'u8', '0', 'SET', 'u8', '0', '1', 'GET', 'u8'],
      ['BITFIELD_RO', 'bf', 'GET', 'u8', '0', 'GET', 'i16', '#2'],
      ['BITFIELD_RO', 'bf', 'GET', 'u8', '0', 'SET', 'u8', '0', '1'],
      ['BITFIELD_RO', 'bf', 'INCRBY', 'u8', '0', '1'],
      ['BITFIELD_RO', 'bf', 'OVERFLOW', 'SAT'],
      ['BITFIELD_RO', 'bf'],
      ['LPUSH', 'list', 'a'],
      ['BITFIELD', 'list', 'GET', 'u8', '0'],
      ['BITFIELD', 'list', 'SET', 'u8', '0', '1'],
      ['BITFIELD_RO', 'list', 'GET', 'u8', '0'],
    ],
  },
  { name: 'BITFIELD overflow modes at every width', steps: overflowSteps() },
];

describe('bitmaps and bitfields', () => {
  const bed = useBed();
  defineScenarios(bed, [
    ...scenarios,
    ...randomScenarios('random bitmaps', BITMAP_TEMPLATES, { runs: 4, steps: 600 }),
    ...randomScenarios('random bitmaps and strings', [...BITMAP_TEMPLATES, ...STRING_TEMPLATES], { runs: 2, steps: 600 }),
  ]);

  it('the random templates reach every bitmap command', () => {
    assert.deepEqual(uncovered(BITMAP_TEMPLATES, ['SETBIT', 'GETBIT', 'BITCOUNT', 'BITPOS', 'BITOP', 'BITFIELD', 'BITFIELD_RO']), []);
  });
});
