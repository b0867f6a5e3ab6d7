/**
 * Glob matching as Redis's stringmatchlen: a table of hand-picked cases whose expected values
 * were read off real Redis (KEYS), every tricky corner included, then the same table and a cross
 * product of awkward patterns and subjects checked against a live redis-server, so the table
 * cannot drift from what Redis does.
 */

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { globMatch, globMatchString } from '../../src/store/glob.js';
import { RawConnection } from '../helpers/raw-connection.js';
import { startRedis, type RunningServer } from '../helpers/servers.js';

/** Subjects and patterns are latin1: one char per byte. */
type Case = readonly [pattern: string, subject: string, expected: boolean];

const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

const CASES: readonly Case[] = [
  // Empty pattern and subject. An empty subject ends the loop before `*` is looked at, so `*`
  // and `**` do not match it (KEYS and SCAN special-case the exact pattern "*").
  ['', '', true],
  ['', 'a', false],
  ['a', '', false],
  ['*', '', false],
  ['**', '', false],
  ['?', '', false],
  // Stars and question marks
  ['*', 'a', true],
  ['*', 'anything at all', true],
  ['**', 'ab', true],
  ['?', 'a', true],
  ['?', 'ab', false],
  ['??', 'ab', true],
  ['???', 'ab', false],
  ['h?llo', 'hello', true],
  ['h?llo', 'hllo', false],
  ['h*llo', 'hllo', true],
  ['h*llo', 'heeeello', true],
  ['h*llo', 'hello world', false],
  ['*llo', 'hello', true],
  ['h*', 'h', true],
  ['*a', 'a', true],
  ['a*', 'a', true],
  ['a**', 'a', true],
  ['a*?', 'a', false],
  ['a*b*c', 'aXbYc', true],
  ['a*b*c', 'abc', true],
  ['a*b*c', 'acb', false],
  ['a*', 'b', false],
  ['*?', 'a', true],
  ['?*', 'a', true],
  ['*?*', 'ab', true],
  ['*a*a*a*b', 'a'.repeat(60) + 'b', true],
  ['*a*a*a*b', 'a'.repeat(60), false],
  ['a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(40), false],
  // Classes
  ['h[ae]llo', 'hello', true],
  ['h[ae]llo', 'hallo', true],
  ['h[ae]llo', 'hillo', false],
  ['h[^e]llo', 'hallo', true],
  ['h[^e]llo', 'hello', false],
  // '!' is not a negation in Redis: [!e] holds '!' and 'e'.
  ['h[!e]llo', 'hello', true],
  ['h[!e]llo', 'h!llo', true],
  ['h[!e]llo', 'hallo', false],
  ['h[a-b]llo', 'hallo', true],
  ['h[a-b]llo', 'hbllo', true],
  ['h[a-b]llo', 'hcllo', false],
  // Ranges work in either order.
  ['h[b-a]llo', 'hallo', true],
  ['[a-z]', 'm', true],
  ['[z-a]', 'm', true],
  ['[a-z]', 'M', false],
  ['[^a-z]', 'A', true],
  ['[^a-z]', 'q', false],
  // `[a-]llo` is the range a..']' (reversed: ']' ^ _ ` a), then the class goes on over "llo"
  // and is closed by the end of the pattern.
  ['h[a-]llo', 'hallo', false],
  ['h[a-]llo', 'ha', true],
  ['h[a-]llo', 'h_', true],
  ['h[a-]llo', 'h]', true],
  ['h[a-]llo', 'ho', true],
  ['h[a-]llo', 'hb', false],
  ['h[-a]llo', 'h-llo', true],
  ['h[-a]llo', 'hallo', true],
  ['h[-a]llo', 'hbllo', false],
  ['[-]', '-', true],
  ['[a-\\]', '_', true],
  ['[a-\\]', 'b', false],
  // An empty class matches nothing; negated, anything.
  ['h[]llo', 'hllo', false],
  ['h[]llo', 'h]llo', false],
  ['[]]', ']', false],
  ['[^]]', 'a]', true],
  ['[^]]', ']]', true],
  ['[^]]', 'a', false],
  // A class left open at the end of the pattern ends there.
  ['h[', 'h', false],
  ['h[', 'hx', false],
  ['h[^', 'hx', true],
  ['h[^', 'h', false],
  ['h[a', 'ha', true],
  ['h[a', 'hb', false],
  ['[abc', 'b', true],
  ['[abc]', 'a', true],
  ['[abc]', '[abc]', false],
  ['[[]abc]', '[abc]', true],
  // Escapes, inside and outside classes; a trailing '\' is a literal backslash.
  ['h\\', 'h\\', true],
  ['h\\', 'h', false],
  ['hello\\', 'hello\\', true],
  ['hello\\', 'hello', false],
  ['\\*', '*', true],
  ['\\*', 'a', false],
  ['\\?', '?', true],
  ['\\?', 'a', false],
  ['\\[abc\\]', '[abc]', true],
  ['[\\[]abc]', '[abc]', true],
  ['*\\\\*', 'a\\b', true],
  ['a\\\\b', 'a\\b', true],
  ['\\\\', '\\', true],
  ['[\\\\]', '\\', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'axb', false],
  ['a[*]b', 'a*b', true],
  ['a[?]b', 'a?b', true],
  ['a[?]b', 'axb', false],
  ['[\\-]', '-', true],
  ['[\\^]', '^', true],
  ['[\\]]', ']', true],
  ['[a\\-z]', '-', true],
  ['[a\\-z]', 'm', false],
  ['\\a', 'a', true],
  // Ranges compare bytes as C's signed char (x86): 0x80-0xff sort below 0x00.
  ['[a-\xff]', '\x80', false],
  ['[a-\xff]', '\xfe', false],
  ['[a-\xff]', '\xff', true],
  ['[a-\xff]', '\x00', true],
  ['[a-\xff]', 'a', true],
  ['[a-\xff]', 'b', false],
  ['[\x80-\xff]', '\x90', true],
  ['[\x80-\xff]', 'a', false],
  ['[\x00-\x7f]', '\x80', false],
  ['[\x00-\x7f]', 'A', true],
  ['[\xfe-\x01]', '\xff', true],
  ['[\xfe-\x01]', '\x00', true],
  ['[\xfe-\x01]', '\x02', false],
  // NUL and high bytes are ordinary bytes.
  ['\x00', '\x00', true],
  ['*\x00*', 'a\x00b', true],
  ['?\x00?', 'a\x00b', true],
  ['a\x00', 'a', false],
  ['\xe9', '\xe9', true],
  ['?\xa9', '\xc3\xa9', true],
  ['[\xe9]', '\xc3\xa9', false],
  ['*', ALL_BYTES, true],
  [ALL_BYTES.replace(/[*?[\\]/g, '\\$&'), ALL_BYTES, true],
  // [\x00-\xff] is the signed range -1..0: only 0xff and 0x00.
  ['[\x00-\xff]', 'a', false],
  ['[\x00-\xff]', '\xff', true],
  ['[\x00-\xff]', '\x00', true],
];

/** Cases whose answer changed in Redis 7.2 (the recursion limit); the 7.0 oracle differs. */
const NESTING_CASES: readonly Case[] = [
  ['*a'.repeat(1000), 'a'.repeat(1000), true],
  ['*a'.repeat(1001), 'a'.repeat(1001), false],
  ['*?'.repeat(50_000), 'a'.repeat(50_000), false],
];

const NOCASE_CASES: readonly Case[] = [
  ['HELLO', 'hello', true],
  ['hello', 'HELLO', true],
  ['h[A-Z]llo', 'hello', true],
  ['[a-z]', 'Q', true],
  ['H?LLO', 'hello', true],
  ['\\H', 'h', true],
  // Inside a class an escaped byte is compared exactly, even with nocase.
  ['[\\H]', 'h', false],
  ['[H]', 'h', true],
  // Only ASCII letters fold.
  ['\xc9', '\xe9', false],
  ['[', '[', false],
];

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const show = (s: string): string => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}... (${s.length} bytes)` : s);

describe('globMatch', () => {
  test('matches every case of the table as Redis does', () => {
    for (const [pattern, subject, expected] of CASES) {
      assert.equal(globMatchString(pattern, subject), expected, `${show(pattern)} against ${show(subject)}`);
    }
  });

  test('gives up past 1000 nested stars, as Redis 7.2, without exhausting the stack', () => {
    for (const [pattern, subject, expected] of NESTING_CASES) {
      assert.equal(globMatchString(pattern, subject), expected, `${show(pattern)} against ${show(subject)}`);
    }
  });

  test('pathological patterns stay fast (no exponential backtracking)', () => {
    const started = performance.now();
    assert.equal(globMatchString('*a'.repeat(30) + '*b', 'a'.repeat(5000)), false);
    assert.equal(globMatchString('a*'.repeat(500) + 'b', 'a'.repeat(5000)), false);
    assert.ok(performance.now() - started < 2000, 'took too long');
  });

  test('nocase folds ASCII letters only, as CONFIG GET and ACL patterns use it', () => {
    for (const [pattern, subject, expected] of NOCASE_CASES) {
      assert.equal(globMatchString(pattern, subject, true), expected, `${show(pattern)} against ${show(subject)} (nocase)`);
    }
  });

  test('works on slices: bytes outside [start, end) are never read', () => {
    // The byte after the pattern's end would extend a star, close a class or quote a byte.
    const pattern = bytes('x*]\\a');
    assert.equal(globMatch(pattern, 1, 2, bytes('anything'), 0, 8), true, '"*" followed by more stars');
    assert.equal(globMatch(bytes('[^]'), 0, 2, bytes('q'), 0, 1), true, '"[^" is open, not "[^]"');
    assert.equal(globMatch(bytes('a\\b'), 0, 2, bytes('a\\'), 0, 2), true, 'a trailing "\\" is literal');
    const subject = bytes('__hello__');
    assert.equal(globMatch(bytes('h*o'), 0, 3, subject, 2, 7), true);
    assert.equal(globMatch(bytes('h*o'), 0, 3, subject, 2, 8), false);
    assert.equal(globMatch(bytes('*'), 0, 1, subject, 4, 4), false, 'an empty slice');
  });
});

/**
 * Real Redis is the specification: every case above (and a cross product of awkward patterns
 * and keys) goes through KEYS on a redis-server, and must agree with globMatch.
 */
describe('globMatch agrees with real Redis KEYS', () => {
  let redis: RunningServer;
  let conn: RawConnection;

  before(async () => {
    redis = await startRedis();
    conn = await RawConnection.connect(redis.port);
  });

  after(async () => {
    await conn?.close();
    await redis?.stop();
  });

  /** What Redis's KEYS says for each (pattern, subject), pipelined. */
  async function redisMatches(pairs: readonly (readonly [string, string])[]): Promise<boolean[]> {
    for (const [pattern, subject] of pairs) {
      conn.send(['FLUSHALL']);
      conn.send(['SET', bytes(subject), '1']);
      conn.send(['KEYS', bytes(pattern)]);
    }
    const frames = await conn.readFrames(pairs.length * 3, 20_000);
    return pairs.map((_, i) => {
      const reply = frames[i * 3 + 2].toString('latin1');
      assert.match(reply, /^\*[01]\r\n/, `KEYS replied ${reply}`);
      return reply.startsWith('*1');
    });
  }

  test('the table of cases', async () => {
    // KEYS runs no matcher at all for the exact pattern "*", so that case says nothing.
    const cases = CASES.filter(([pattern]) => pattern !== '*');
    const answers = await redisMatches(cases.map(([p, s]) => [p, s] as const));
    cases.forEach(([pattern, subject, expected], i) => {
      assert.equal(answers[i], expected, `table says ${expected} for ${show(pattern)} against ${show(subject)}, Redis says ${answers[i]}`);
    });
  });

  test('a cross product of awkward patterns and subjects', async () => {
    const patterns = [
      '**', '?', '??', 'h?llo', 'h*llo', 'h[ae]llo', 'h[^e]llo', 'h[a-b]llo', 'h[b-a]llo', 'h[a-]llo', 'h[-a]llo',
      'h[]llo', 'h[', 'h[a', 'h[^', 'h\\', '\\*', '\\?', '[abc]', '[[]abc]', '[\\[]abc]', '*\\\\*', '[\\\\]', '[]]',
      '[^]]', '[-]', '[\\-]', '[a-z]*', '[^a-z]*', '*[0-9]', '[a-\xff]*', '[\xfe-\x01]', '*\x00*', '?\xa9', '[]', '[^]',
      '*[', '*\\', 'k[0-9]*', 'k?*', '*?*?*', '[*]', '[?]', '[\\]', 'a*b*c*', '',
    ];
    const subjects = [
      '', 'hello', 'hallo', 'hxllo', 'hllo', 'heeeello', 'h]llo', 'h-llo', 'h_llo', 'h\\', 'h\\llo', '*', '?', '[', ']', '-', '^',
      '\\', '[abc]', 'a\\b', 'a*b', 'k1', 'k10', 'K1', 'ab', 'abc', 'aXbYc', '\x00', 'a\x00b', '\xff', '\x80', '\xc3\xa9', 'é',
      'x'.repeat(100),
    ];
    const pairs: (readonly [string, string])[] = [];
    for (const p of patterns) for (const s of subjects) pairs.push([p, s]);
    const answers = await redisMatches(pairs);
    const wrong = pairs.filter(([p, s], i) => globMatchString(p, s) !== answers[i]);
    assert.deepEqual(wrong.map(([p, s]) => `${show(p)} against ${show(s)}`), []);
  });
});
