/**
 * Seeded random command sequences for the differential bed. Hand-written scenarios test what their
 * author thought of; random sequences over a small key pool make commands collide in orders nobody
 * wrote down (INCR on a value APPEND just made non-numeric, RENAME onto a key with a TTL, SETRANGE
 * past the end of a 10 KB binary value) and Redis tells us what the answer should be.
 *
 * Everything comes from one PRNG (sfc32) seeded from COMPAT_SEED, or a fixed default, so a failing
 * sequence is reproduced by rerunning with the seed printed in the failure. Each command family
 * contributes a table of weighted templates; a scenario draws from the tables it is given, and a
 * fraction of the drawn commands is mutated (arguments dropped, added or replaced by awkward
 * tokens) to reach arity, syntax and number-parsing errors.
 *
 * Timing is the enemy of a differential test: the two servers run the same command a few
 * microseconds apart. Generated expiry times are therefore either tiny and followed by a sleep
 * (the key is surely gone on both servers) or far in the future and unique per sequence (so
 * EXPIRE ... GT/LT never compares two times that differ by a clock tick).
 */

import { helpText, type Arg, type CompareMode, type Scenario, type Step } from './bed.js';

// ---------------------------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------------------------

/** The seed every sequence derives from: COMPAT_SEED, or a fixed default so CI is repeatable. */
export const DEFAULT_SEED = '20240607';

export function baseSeed(): string {
  return process.env.COMPAT_SEED?.trim() || DEFAULT_SEED;
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG), seeded by hashing a string. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    // cyrb128: spread the seed string over four 32-bit words.
    let h1 = 1779033703;
    let h2 = 3144134277;
    let h3 = 1013904242;
    let h4 = 2773480762;
    for (let i = 0; i < seed.length; i++) {
      const k = seed.charCodeAt(i);
      h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
      h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
      h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
      h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
    }
    h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
    h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
    h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
    h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
    this.a = (h1 ^ h2 ^ h3 ^ h4) >>> 0;
    this.b = (h2 ^ h1) >>> 0;
    this.c = (h3 ^ h1) >>> 0;
    this.d = (h4 ^ h1) >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** In [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** In [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** In [lo, hi], both included. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Pick by weight from [weight, item] pairs. */
  weighted<T>(entries: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of entries) total += w;
    let r = this.float() * total;
    for (const [w, item] of entries) {
      r -= w;
      if (r < 0) return item;
    }
    return entries[entries.length - 1][1];
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.next() & 0xff;
    return b;
  }
}

// ---------------------------------------------------------------------------------------------
// Argument generators
// ---------------------------------------------------------------------------------------------

/** Every byte value once, so binary safety is tested on all of them. */
export const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** Integers at the int64 edges, just past them, and strings Redis does not accept as integers. */
export const INTEGER_TOKENS: readonly string[] = [
  '0', '1', '-1', '10', '-10', '100', '9999', '10000', '2147483647', '2147483648', '-2147483649',
  '9007199254740993', // 2^53 + 1: not representable as a double
  '9223372036854775807', '-9223372036854775808', '9223372036854775806', '-9223372036854775807',
  '9223372036854775808', '-9223372036854775809', '18446744073709551616', '99999999999999999999999',
  '+1', ' 1', '1 ', '0x10', '1e3', '-0', '007', '1.0', '', 'abc', '1\x00', '١',
];

/** Doubles as INCRBYFLOAT/strtold read them, valid and not. */
export const FLOAT_TOKENS: readonly string[] = [
  '0', '1', '-1', '1.5', '-1.5', '0.1', '10.5', '1.1', '2.2', '-0.0', '-0', '3.0e3', '3.0e-5', '1e308', '-1e308',
  '1e309', '1e-320', '5e-324', '.5', '5.', '+1.5', '0x10', '0x1p3', '1e', 'e1', '1.5 ', ' 1.5', 'inf', '-inf',
  '+inf', 'infinity', 'nan', '-nan', 'NaN', '', 'abc', '1,5', '9223372036854775807', '1.7976931348623157e308',
];

/** Tokens a mutation puts in place of an argument: numbers, options of other commands, junk. */
const MUTATION_TOKENS: readonly string[] = [
  '', 'abc', '-1', '0', '-0', '+1', ' 1', '007', '0x10', '1e3', '1.5', 'inf', 'nan',
  '9223372036854775807', '-9223372036854775808', '9223372036854775808',
  'EX', 'PX', 'EXAT', 'PXAT', 'NX', 'XX', 'GT', 'LT', 'KEEPTTL', 'GET', 'PERSIST', 'REPLACE', 'DB',
  'MATCH', 'COUNT', 'TYPE', 'LEN', 'IDX', 'MINMATCHLEN', 'WITHMATCHLEN', 'ASYNC', 'SYNC', 'nosuchoption',
];

/** A key pool small enough that commands keep landing on each other's keys. */
const KEY_POOL: readonly Arg[] = [
  'k1', 'k2', 'k3', 'k4', 'key:a', 'key:b', 'n', 'f', '',
  Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x2a]), // NUL, 0xff, CR LF and '*'
  '[k]', 'héllo',
];

/**
 * LCS fills a (len+1) x (len+1) table, so it only ever sees these keys, which only ever hold short
 * values; the general pool may hold 10 KB values that would make LCS take seconds and 400 MB.
 */
const LCS_KEYS: readonly string[] = ['lcs:1', 'lcs:2', 'lcs:missing'];

/** Well apart, so that times drawn from different bases never come within a clock tick. */
const RELATIVE_BASES_S = [100_000, 300_000, 500_000];
const ABSOLUTE_BASES_S = [200_000, 400_000, 600_000];

/** What a template draws its arguments from; one per generated sequence. */
export class Gen {
  /** Makes every generated future expiry unique (see the module comment). */
  private expiryCounter = 0;
  /** Wall-clock seconds when generation started; absolute times are built from it. */
  readonly nowS = Math.floor(Date.now() / 1000);

  constructor(readonly rng: Rng) {}

  key(): Arg {
    return this.rng.pick(KEY_POOL);
  }

  keys(min: number, max: number): Arg[] {
    const n = this.rng.range(min, max);
    return Array.from({ length: n }, () => this.key());
  }

  lcsKey(): string {
    return this.rng.pick(LCS_KEYS);
  }

  /** A value of any kind: empty, words, numbers, binary, around the embstr limit, or ~10 KB. */
  value(): Arg {
    const r = this.rng;
    return r.weighted<() => Arg>([
      [6, () => r.pick(['a', 'hello', 'foo bar', 'x', 'Hello World', 'ACGT', 'k1'])],
      [2, () => ''],
      [6, () => r.pick(INTEGER_TOKENS)],
      [3, () => String(r.range(-20, 20))],
      [3, () => r.pick(FLOAT_TOKENS)],
      [3, () => r.bytes(r.range(1, 40))],
      [1, () => ALL_BYTES],
      // 44 bytes is the largest embstr, 45 the smallest raw string.
      [2, () => 'e'.repeat(r.pick([43, 44, 45, 46]))],
      [1, () => '12345678901234567890'],
      [1, () => this.longValue()],
    ])();
  }

  /** ~10 KB with a random binary tail, so long values differ from each other. */
  longValue(): Buffer {
    return Buffer.concat([Buffer.from('L'.repeat(10_000 + this.rng.int(300))), this.rng.bytes(this.rng.range(0, 100))]);
  }

  /** A short value, for commands that would be slow on long ones (LCS). */
  shortValue(): Arg {
    const r = this.rng;
    return r.weighted<() => Arg>([
      [5, () => Array.from({ length: r.range(0, 24) }, () => r.pick(['A', 'C', 'G', 'T'])).join('')],
      [2, () => r.pick(['ohmytext', 'mynewtext', 'abcd', 'bcde', 'rediscompat', ''])],
      [1, () => r.bytes(r.range(1, 12))],
    ])();
  }

  integer(): string {
    return this.rng.weighted<() => string>([
      [4, () => this.rng.pick(INTEGER_TOKENS)],
      [3, () => String(this.rng.range(-100, 100))],
      [1, () => String(BigInt(this.rng.next()) * BigInt(this.rng.next()) * (this.rng.chance(0.5) ? -1n : 1n))],
    ])();
  }

  float(): string {
    return this.rng.weighted<() => string>([
      [4, () => this.rng.pick(FLOAT_TOKENS)],
      [2, () => (this.rng.float() * 200 - 100).toFixed(this.rng.range(0, 6))],
      [1, () => `${this.rng.range(1, 9)}.${this.rng.range(0, 99)}e${this.rng.range(-30, 30)}`],
    ])();
  }

  /** A GETRANGE-style index: small either side of zero, around the value sizes, or huge. */
  index(): string {
    return this.rng.weighted<() => string>([
      [6, () => String(this.rng.range(-50, 50))],
      [2, () => String(this.rng.range(-11_000, 11_000))],
      [1, () => this.rng.pick(['9223372036854775807', '-9223372036854775808', '9223372036854775808', '2147483648', 'abc', '1.5', ''])],
    ])();
  }

  /**
   * A SETRANGE offset that never makes a server allocate hundreds of megabytes: small, or past
   * the 512 MB limit (an error), or invalid. Huge offsets pair with an empty value only.
   */
  setrangeArgs(): [string, Arg] {
    const r = this.rng;
    return r.weighted<() => [string, Arg]>([
      [6, () => [String(r.range(0, 64)), this.value()]],
      [1, () => [String(r.range(0, 20_000)), r.pick(['x', 'abc', ''])]],
      [1, () => [r.pick(['536870912', '536870911', '4294967296', '9223372036854775807']), '']],
      [1, () => [r.pick(['536870912', '536870913', '4294967296', '9223372036854775807', '9223372036854775806']), 'x']],
      [1, () => [r.pick(['-1', '-9223372036854775808', 'abc', '1.5', '']), 'x']],
    ])();
  }

  /** A unique number of seconds, days in the future. */
  relSeconds(): string {
    return String(this.rng.pick(RELATIVE_BASES_S) + this.expiryCounter++);
  }

  /** A unique number of milliseconds, days in the future and never a whole second. */
  relMillis(): string {
    return String((this.rng.pick(RELATIVE_BASES_S) + this.expiryCounter++) * 1000 + 500);
  }

  /** A unique unix time in seconds, days in the future. */
  absSeconds(): string {
    return String(this.nowS + this.rng.pick(ABSOLUTE_BASES_S) + this.expiryCounter++);
  }

  /** A unique unix time in milliseconds, days in the future and never a whole second. */
  absMillis(): string {
    return String((this.nowS + this.rng.pick(ABSOLUTE_BASES_S) + this.expiryCounter++) * 1000 + 500);
  }

  /** A unix time in the past (seconds, or milliseconds when `ms`): the key expires at once. */
  pastTime(ms: boolean): string {
    const s = this.nowS - this.rng.range(1, 100_000);
    return String(ms ? s * 1000 : s);
  }

  /** Expire arguments that are errors or delete the key at once, never a near-future time. */
  badExpire(): string {
    return this.rng.pick(['0', '-1', '-100', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '9223372036854776', 'abc', '1.5', '', '+1', '007']);
  }

  /** One of: relative seconds, or an edge case. */
  seconds(): string {
    return this.rng.chance(0.8) ? this.relSeconds() : this.badExpire();
  }

  millis(): string {
    return this.rng.chance(0.8) ? this.relMillis() : this.badExpire();
  }

  /** A Redis glob, often one that matches keys of the pool. */
  pattern(): Arg {
    return this.rng.pick<Arg>([
      '*', 'k*', 'k?', 'key:*', 'k[12]', 'k[^1]', 'k[1-3]', 'k[3-1]', '?', '*a*', '\\[k\\]', '[[]k]', 'k\\*', 'h*o',
      'h?llo', 'h??llo', '[', 'k[', 'k[1-', '*\\', 'lcs:*', 'nomatch*', '', Buffer.from([0x00, 0x2a]), Buffer.from([0x2a, 0xff, 0x2a]),
    ]);
  }

  db(): string {
    return this.rng.weighted<() => string>([
      [8, () => String(this.rng.range(0, 3))],
      [1, () => this.rng.pick(['16', '-1', 'abc', '9223372036854775808', '1.0', ''])],
    ])();
  }

  /** An unrelated token, for mutations and junk options. */
  junk(): string {
    return this.rng.pick(MUTATION_TOKENS);
  }
}

// ---------------------------------------------------------------------------------------------
// Templates and sequences
// ---------------------------------------------------------------------------------------------

/** What a template produces: one command, or several steps (a command and a sleep, say). */
export type Generated = readonly Arg[] | { readonly steps: readonly Step[] };

export interface CommandTemplate {
  /** The command exercised, upper case; the coverage check reads it. */
  command: string;
  weight: number;
  build(g: Gen): Generated;
  /** Compare mode for the generated command; default 'exact'. */
  compare?: CompareMode;
  tolerance?: number;
  /** Whether the generic mutations may apply (default true). Off where a mutated argument would
   * make the reply depend on timing or implementation details (SCAN cursors, expiry times). */
  mutate?: boolean;
}

const MUTATION_RATE = 0.07;

/** Drop trailing arguments, add one, or replace one by an awkward token. */
function mutate(g: Gen, cmd: readonly Arg[]): Arg[] {
  const out = [...cmd];
  const kind = g.rng.int(3);
  if (kind === 0 && out.length > 1) {
    out.length = g.rng.range(1, out.length - 1);
  } else if (kind === 1 || out.length === 1) {
    out.push(g.rng.chance(0.5) ? g.junk() : g.value());
  } else {
    out[g.rng.range(1, out.length - 1)] = g.junk();
  }
  return out;
}

export interface RandomScenarioOptions {
  name: string;
  templates: readonly CommandTemplate[];
  steps: number;
  /** Distinguishes sequences made from one base seed; the full seed is `${base}/${name}`. */
  base?: string;
}

/** A scenario of `steps` generated commands, reproducible from its seed. */
export function randomScenario(opts: RandomScenarioOptions): Scenario {
  const base = opts.base ?? baseSeed();
  const rng = new Rng(`${base}/${opts.name}`);
  const g = new Gen(rng);
  const table = opts.templates.map((t) => [t.weight, t] as const);
  const steps: Step[] = [];
  while (steps.length < opts.steps) {
    const template = rng.weighted(table);
    const generated = template.build(g);
    if ('steps' in generated) {
      steps.push(...(generated as { steps: readonly Step[] }).steps);
      continue;
    }
    let cmd = generated as readonly Arg[];
    if (template.mutate !== false && rng.chance(MUTATION_RATE)) cmd = mutate(g, cmd);
    // The compare mode stays after a mutation: an error reply is compared exactly in every mode,
    // and a mutated command that still runs (OBJECT IDLETIME of another key) is as loose as before.
    if (!template.compare) steps.push(cmd);
    else steps.push({ cmd, compare: template.compare, tolerance: template.tolerance });
  }
  return {
    name: opts.name,
    steps,
    seed: `COMPAT_SEED=${base} (sequence "${opts.name}", ${opts.steps} steps; rerun with this COMPAT_SEED to reproduce)`,
  };
}

/**
 * `runs` sequences named `${name} #1`, `#2`, ... of `steps` generated commands each.
 * COMPAT_RANDOM_RUNS and COMPAT_RANDOM_STEPS override the defaults, to search longer.
 */
export function randomScenarios(name: string, templates: readonly CommandTemplate[], defaults: { runs: number; steps: number }): Scenario[] {
  const runs = Number(process.env.COMPAT_RANDOM_RUNS) || defaults.runs;
  const steps = Number(process.env.COMPAT_RANDOM_STEPS) || defaults.steps;
  return Array.from({ length: runs }, (_, i) => randomScenario({ name: `${name} #${i + 1}`, templates, steps }));
}

/** The commands of `required` that no template exercises: a family's table must cover them all. */
export function uncovered(templates: readonly CommandTemplate[], required: readonly string[]): string[] {
  const covered = new Set(templates.map((t) => t.command));
  return required.filter((c) => !covered.has(c));
}

// ---------------------------------------------------------------------------------------------
// Family: strings
// ---------------------------------------------------------------------------------------------

/** SET's options, valid alone and in the combinations Redis rejects. */
function setOptions(g: Gen): Arg[] {
  const r = g.rng;
  const opts: Arg[] = [];
  const n = r.weighted([[4, 0], [4, 1], [2, 2], [1, 3]] as const);
  for (let i = 0; i < n; i++) {
    opts.push(
      ...r.weighted<() => Arg[]>([
        [2, () => ['NX']],
        [2, () => ['XX']],
        [2, () => ['GET']],
        [1, () => ['KEEPTTL']],
        [2, () => ['EX', g.seconds()]],
        [2, () => ['PX', g.millis()]],
        [1, () => ['EXAT', r.chance(0.8) ? g.absSeconds() : r.chance(0.5) ? g.pastTime(false) : g.badExpire()]],
        [1, () => ['PXAT', r.chance(0.8) ? g.absMillis() : r.chance(0.5) ? g.pastTime(true) : g.badExpire()]],
      ])(),
    );
  }
  return opts;
}

function getexOptions(g: Gen): Arg[] {
  return g.rng.weighted<() => Arg[]>([
    [3, () => []],
    [2, () => ['EX', g.seconds()]],
    [2, () => ['PX', g.millis()]],
    [1, () => ['EXAT', g.absSeconds()]],
    [1, () => ['PXAT', g.absMillis()]],
    [1, () => ['EXAT', g.pastTime(false)]],
    [2, () => ['PERSIST']],
    [1, () => ['PERSIST', 'EX', g.relSeconds()]],
    [1, () => ['EX', g.relSeconds(), 'PX', g.relMillis()]],
    [1, () => ['EX']],
  ])();
}

function lcsOptions(g: Gen): Arg[] {
  const r = g.rng;
  const opts: Arg[] = [];
  for (let i = r.weighted([[3, 0], [4, 1], [3, 2], [1, 3]] as const); i > 0; i--) {
    opts.push(
      ...r.weighted<() => Arg[]>([
        [3, () => ['LEN']],
        [3, () => ['IDX']],
        [2, () => ['MINMATCHLEN', r.pick(['0', '1', '2', '4', '-1', 'abc', '9223372036854775807'])]],
        [2, () => ['WITHMATCHLEN']],
      ])(),
    );
  }
  return opts;
}

/**
 * Expiring keys: set a 1 ms expiry and sleep well past it, so both servers see the key gone. The
 * sleep covers the round trip too: the key is gone on the server however late the reply comes.
 */
function expireSoon(g: Gen): Generated {
  const k = g.key();
  const cmd = g.rng.pick<Arg[]>([
    ['SET', k, g.value(), 'PX', '1'],
    ['PSETEX', k, '1', g.value()],
    ['PEXPIRE', k, '1'],
    ['GETEX', k, 'PX', '1'],
    ['SET', k, g.value(), 'PXAT', String(Date.now() + 1)],
  ]);
  return { steps: [cmd, { sleep: 4 }] };
}

export const STRING_TEMPLATES: readonly CommandTemplate[] = [
  { command: 'SET', weight: 10, build: (g) => ['SET', g.key(), g.value(), ...setOptions(g)] },
  { command: 'SET', weight: 2, build: (g) => ['SET', g.key(), g.integer()] },
  { command: 'SET', weight: 2, build: expireSoon, mutate: false },
  { command: 'GET', weight: 8, build: (g) => ['GET', g.key()] },
  { command: 'GETEX', weight: 3, build: (g) => ['GETEX', g.key(), ...getexOptions(g)] },
  { command: 'GETDEL', weight: 2, build: (g) => ['GETDEL', g.key()] },
  { command: 'GETSET', weight: 2, build: (g) => ['GETSET', g.key(), g.value()] },
  { command: 'SETNX', weight: 2, build: (g) => ['SETNX', g.key(), g.value()] },
  { command: 'SETEX', weight: 2, build: (g) => ['SETEX', g.key(), g.seconds(), g.value()] },
  { command: 'PSETEX', weight: 2, build: (g) => ['PSETEX', g.key(), g.millis(), g.value()] },
  { command: 'MGET', weight: 3, build: (g) => ['MGET', ...g.keys(1, 5)] },
  { command: 'MSET', weight: 3, build: (g) => ['MSET', ...g.keys(1, 4).flatMap((k) => [k, g.value()])] },
  { command: 'MSETNX', weight: 2, build: (g) => ['MSETNX', ...g.keys(1, 3).flatMap((k) => [k, g.value()])] },
  { command: 'APPEND', weight: 4, build: (g) => ['APPEND', g.key(), g.value()] },
  { command: 'STRLEN', weight: 3, build: (g) => ['STRLEN', g.key()] },
  { command: 'INCR', weight: 4, build: (g) => ['INCR', g.key()] },
  { command: 'DECR', weight: 3, build: (g) => ['DECR', g.key()] },
  { command: 'INCRBY', weight: 4, build: (g) => ['INCRBY', g.key(), g.integer()] },
  { command: 'DECRBY', weight: 3, build: (g) => ['DECRBY', g.key(), g.integer()] },
  {
    // Most values of the pool are not integers; this one starts from an int64 edge to reach overflow.
    command: 'INCRBY',
    weight: 3,
    build: (g) => ({
      steps: [
        ['SET', 'n', g.rng.pick(['9223372036854775807', '-9223372036854775808', '9223372036854775806', '-9223372036854775807', '0', '-1'])],
        [g.rng.pick(['INCRBY', 'DECRBY']), 'n', g.integer()],
        [g.rng.pick(['INCR', 'DECR']), 'n'],
      ],
    }),
  },
  { command: 'INCRBYFLOAT', weight: 5, build: (g) => ['INCRBYFLOAT', g.key(), g.float()] },
  { command: 'INCRBYFLOAT', weight: 2, build: (g) => ({ steps: [['SET', 'f', g.float()], ['INCRBYFLOAT', 'f', g.float()], ['GET', 'f']] }) },
  { command: 'GETRANGE', weight: 4, build: (g) => ['GETRANGE', g.key(), g.index(), g.index()] },
  { command: 'SUBSTR', weight: 1, build: (g) => ['SUBSTR', g.key(), g.index(), g.index()] },
  { command: 'SETRANGE', weight: 4, build: (g) => ['SETRANGE', g.key(), ...g.setrangeArgs()], mutate: false },
  { command: 'LCS', weight: 2, build: (g) => ['SET', g.lcsKey(), g.shortValue()] },
  { command: 'LCS', weight: 3, build: (g) => ['LCS', g.lcsKey(), g.lcsKey(), ...lcsOptions(g)], mutate: false },
  { command: 'OBJECT', weight: 3, build: (g) => ['OBJECT', 'ENCODING', g.key()] },
];

// ---------------------------------------------------------------------------------------------
// Family: keys (generic keyspace commands)
// ---------------------------------------------------------------------------------------------

function expireFlags(g: Gen): Arg[] {
  return g.rng.weighted<() => Arg[]>([
    [4, () => []],
    [1, () => ['NX']],
    [1, () => ['XX']],
    [1, () => ['GT']],
    [1, () => ['LT']],
    [1, () => g.rng.pick([['NX', 'XX'], ['GT', 'LT'], ['NX', 'GT'], ['XX', 'GT'], ['XX', 'LT'], ['lt'], ['FOO']])],
  ])();
}

export const KEY_TEMPLATES: readonly CommandTemplate[] = [
  { command: 'DEL', weight: 3, build: (g) => ['DEL', ...g.keys(1, 3)] },
  { command: 'UNLINK', weight: 2, build: (g) => ['UNLINK', ...g.keys(1, 3)] },
  { command: 'EXISTS', weight: 3, build: (g) => ['EXISTS', ...g.keys(1, 4)] },
  { command: 'TYPE', weight: 2, build: (g) => ['TYPE', g.key()] },
  { command: 'RENAME', weight: 3, build: (g) => ['RENAME', g.key(), g.key()] },
  { command: 'RENAMENX', weight: 2, build: (g) => ['RENAMENX', g.key(), g.key()] },
  { command: 'MOVE', weight: 2, build: (g) => ['MOVE', g.key(), g.db()] },
  {
    command: 'COPY',
    weight: 3,
    build: (g) => ['COPY', g.key(), g.key(), ...g.rng.pick<Arg[]>([[], ['REPLACE'], ['DB', g.db()], ['DB', g.db(), 'REPLACE'], ['REPLACE', 'DB'], ['FOO']])],
  },
  { command: 'EXPIRE', weight: 3, build: (g) => ['EXPIRE', g.key(), g.seconds(), ...expireFlags(g)], mutate: false },
  { command: 'PEXPIRE', weight: 3, build: (g) => ['PEXPIRE', g.key(), g.millis(), ...expireFlags(g)], mutate: false },
  {
    command: 'EXPIREAT',
    weight: 2,
    build: (g) => ['EXPIREAT', g.key(), g.rng.chance(0.7) ? g.absSeconds() : g.rng.chance(0.5) ? g.pastTime(false) : g.badExpire(), ...expireFlags(g)],
    mutate: false,
  },
  {
    command: 'PEXPIREAT',
    weight: 2,
    build: (g) => ['PEXPIREAT', g.key(), g.rng.chance(0.7) ? g.absMillis() : g.rng.chance(0.5) ? g.pastTime(true) : g.badExpire(), ...expireFlags(g)],
    mutate: false,
  },
  { command: 'EXPIRETIME', weight: 2, build: (g) => ['EXPIRETIME', g.key()], compare: 'ttl', tolerance: 1 },
  { command: 'PEXPIRETIME', weight: 2, build: (g) => ['PEXPIRETIME', g.key()], compare: 'ttl', tolerance: 250 },
  { command: 'TTL', weight: 3, build: (g) => ['TTL', g.key()], compare: 'ttl', tolerance: 1 },
  { command: 'PTTL', weight: 3, build: (g) => ['PTTL', g.key()], compare: 'ttl', tolerance: 250 },
  { command: 'PERSIST', weight: 2, build: (g) => ['PERSIST', g.key()] },
  { command: 'KEYS', weight: 2, build: (g) => ['KEYS', g.pattern()], compare: 'sorted' },
  {
    command: 'SCAN',
    weight: 2,
    build: (g) => [
      'SCAN', '0',
      ...g.rng.pick<Arg[]>([[], ['MATCH', g.pattern()], ['COUNT', g.rng.pick(['1', '2', '5', '100'])], ['TYPE', g.rng.pick(['string', 'list', 'STRING', 'nosuchtype'])],
        ['MATCH', g.pattern(), 'COUNT', '3', 'TYPE', 'string']]),
    ],
    compare: 'scan',
    mutate: false,
  },
  { command: 'SCAN', weight: 1, build: (g) => ['SCAN', g.rng.pick(['abc', '-1', '18446744073709551616', '0']), ...g.rng.pick<Arg[]>([['COUNT', '0'], ['COUNT', 'abc'], ['MATCH'], ['FOO', 'bar']])], mutate: false },
  { command: 'RANDOMKEY', weight: 1, build: () => ['RANDOMKEY'], compare: 'type' },
  { command: 'TOUCH', weight: 2, build: (g) => ['TOUCH', ...g.keys(1, 3)] },
  { command: 'OBJECT', weight: 2, build: (g) => ['OBJECT', 'REFCOUNT', g.key()] },
  { command: 'OBJECT', weight: 1, build: (g) => ['OBJECT', 'IDLETIME', g.key()], compare: 'type' },
  { command: 'OBJECT', weight: 1, build: (g) => ['OBJECT', 'FREQ', g.key()] },
  { command: 'OBJECT', weight: 1, build: (g) => ['OBJECT', g.rng.pick(['HELP', 'nosuch', 'encoding'])], compare: helpText },
  { command: 'SELECT', weight: 2, build: (g) => ['SELECT', g.db()] },
  // DBSIZE counts keys that have expired but are not yet reclaimed, and Redis reclaims them in a
  // background cycle at times of its own: only the reply type is comparable here.
  { command: 'DBSIZE', weight: 1, build: () => ['DBSIZE'], compare: 'type' },
  { command: 'FLUSHDB', weight: 1, build: (g) => ['FLUSHDB', ...g.rng.pick<Arg[]>([[], ['ASYNC'], ['SYNC'], ['FOO']])] },
  { command: 'SWAPDB', weight: 1, build: (g) => ['SWAPDB', g.db(), g.db()] },
  { command: 'ECHO', weight: 1, build: (g) => ['ECHO', g.value()] },
  { command: 'PING', weight: 1, build: (g) => (g.rng.chance(0.5) ? ['PING'] : ['PING', g.value()]) },
  { command: 'SET', weight: 1, build: expireSoon, mutate: false },
];

// ---------------------------------------------------------------------------------------------
// Family: hashes
// ---------------------------------------------------------------------------------------------

/**
 * A hash field: a small pool that collides often, fields that look like integers (a listpack
 * stores those as integers), binary ones, and one past hash-max-listpack-value (64 bytes), which
 * turns the hash into a hashtable.
 */
function hashField(g: Gen): Arg {
  const r = g.rng;
  return r.weighted<() => Arg>([
    [8, () => r.pick(['a', 'b', 'c', 'd', 'field', 'f1', 'f2', 'F1'])],
    [4, () => r.pick(['0', '1', '-1', '123', '-9223372036854775808', '9223372036854775807', '9223372036854775808', '007', '-0', '+1'])],
    [1, () => ''],
    [1, () => r.bytes(r.range(1, 8))],
    [1, () => Buffer.from([0x00, 0xff])],
    [1, () => 'k'.repeat(65)],
  ])();
}

function hashFields(g: Gen, min: number, max: number): Arg[] {
  return Array.from({ length: g.rng.range(min, max) }, () => hashField(g));
}

function hashPairs(g: Gen, min: number, max: number): Arg[] {
  const out: Arg[] = [];
  for (let i = g.rng.range(min, max); i > 0; i--) out.push(hashField(g), g.value());
  return out;
}

/** An HRANDFIELD count: small either side of zero, around hashtable sizes, or an error. */
function randomFieldCount(g: Gen): string {
  return g.rng.weighted<() => string>([
    [6, () => String(g.rng.range(-12, 12))],
    [2, () => String(g.rng.range(-700, 700))],
    // Never a huge negative count: Redis would write replies until memory runs out.
    [1, () => g.rng.pick(['abc', '1.5', '', '-9223372036854775808', '9223372036854775807', '4611686018427387904', '9223372036854775808'])],
  ])();
}

export const HASH_TEMPLATES: readonly CommandTemplate[] = [
  { command: 'HSET', weight: 10, build: (g) => ['HSET', g.key(), ...hashPairs(g, 1, 4)] },
  { command: 'HSET', weight: 1, build: (g) => ['HSET', g.key(), ...hashPairs(g, 1, 2), hashField(g)] },
  // Past hash-max-listpack-entries (512): a hashtable.
  {
    command: 'HSET',
    weight: 1,
    build: (g) => {
      const base = g.rng.range(0, 100);
      return ['HSET', g.key(), ...Array.from({ length: 600 }, (_, i) => [`f${base + i}`, `v${i}`]).flat()];
    },
  },
  { command: 'HMSET', weight: 3, build: (g) => ['HMSET', g.key(), ...hashPairs(g, 1, 3)] },
  { command: 'HSETNX', weight: 4, build: (g) => ['HSETNX', g.key(), hashField(g), g.value()] },
  { command: 'HGET', weight: 8, build: (g) => ['HGET', g.key(), hashField(g)] },
  { command: 'HMGET', weight: 4, build: (g) => ['HMGET', g.key(), ...hashFields(g, 1, 4)] },
  { command: 'HDEL', weight: 5, build: (g) => ['HDEL', g.key(), ...hashFields(g, 1, 3)] },
  { command: 'HLEN', weight: 3, build: (g) => ['HLEN', g.key()] },
  { command: 'HSTRLEN', weight: 3, build: (g) => ['HSTRLEN', g.key(), hashField(g)] },
  { command: 'HEXISTS', weight: 3, build: (g) => ['HEXISTS', g.key(), hashField(g)] },
  // The order of a hashtable's fields is its own: compared as multisets.
  { command: 'HKEYS', weight: 2, build: (g) => ['HKEYS', g.key()], compare: 'sorted' },
  { command: 'HVALS', weight: 2, build: (g) => ['HVALS', g.key()], compare: 'sorted' },
  { command: 'HGETALL', weight: 3, build: (g) => ['HGETALL', g.key()], compare: 'sorted' },
  { command: 'HINCRBY', weight: 5, build: (g) => ['HINCRBY', g.key(), hashField(g), g.integer()] },
  { command: 'HINCRBYFLOAT', weight: 5, build: (g) => ['HINCRBYFLOAT', g.key(), hashField(g), g.float()] },
  {
    command: 'HRANDFIELD',
    weight: 3,
    build: (g) => g.rng.pick<Arg[]>([['HRANDFIELD', g.key()], ['HRANDFIELD', g.key(), randomFieldCount(g)], ['HRANDFIELD', g.key(), randomFieldCount(g), 'WITHVALUES']]),
    compare: 'type',
    mutate: false,
  },
  {
    command: 'HRANDFIELD',
    weight: 1,
    build: (g) => ['HRANDFIELD', g.key(), String(g.rng.range(-5, 5)), g.rng.pick(['WITHSCORES', 'withvalues', 'WITHVALUES x'])],
    compare: 'type',
    mutate: false,
  },
  {
    command: 'HSCAN',
    weight: 2,
    build: (g) => ['HSCAN', g.key(), '0', ...g.rng.pick<Arg[]>([[], ['MATCH', g.pattern()], ['COUNT', g.rng.pick(['1', '5', '100'])], ['MATCH', g.pattern(), 'COUNT', '3']])],
    compare: 'scan',
    mutate: false,
  },
  {
    command: 'HSCAN',
    weight: 1,
    build: (g) => ['HSCAN', g.key(), g.rng.pick(['abc', '-1', '18446744073709551616', '0']), ...g.rng.pick<Arg[]>([['COUNT', '0'], ['COUNT', 'abc'], ['MATCH'], ['TYPE', 'hash'], ['FOO']])],
    mutate: false,
  },
  { command: 'OBJECT', weight: 1, build: (g) => ['OBJECT', 'ENCODING', g.key()] },
];

// ---------------------------------------------------------------------------------------------
// Family: sorted sets
// ---------------------------------------------------------------------------------------------

/**
 * Sorted-set members for the general key pool: few enough that those keys stay listpacks
 * (below zset-max-listpack-entries, no member past zset-max-listpack-value), so range-by-member
 * commands on their mixed scores are deterministic (Redis walks a listpack; on a skiplist with
 * mixed scores the result depends on its random levels). Integer-like ones are integer entries.
 */
const ZSET_MEMBERS: readonly Arg[] = [
  'a', 'b', 'c', 'd', 'e', 'f', 'm1', 'm2', 'foo', 'bar', 'A', 'aa',
  '0', '1', '-1', '10', '007', '+1', '-0', '2147483648', '9223372036854775807', '9223372036854775808',
  '', Buffer.from([0x00, 0xff]), Buffer.from([0xff]),
];

/** Keys only the "big" templates use: skiplists of hundreds of members, never ranged by member. */
const ZSET_BIG_KEYS: readonly string[] = ['zbig:1', 'zbig:2', 'zbig:3'];
/** Keys that only ever hold members of score 0, so ranges by member are defined on skiplists too. */
const ZSET_LEX_KEYS: readonly string[] = ['zlex:1', 'zlex:2'];

/** Plain sets that only the sorted-set templates write (SADD), read as inputs of ZUNION & co. */
const ZSET_SET_KEYS: readonly string[] = ['zsrc:set1', 'zsrc:set2', 'zsrc:ints'];

/** An input of ZUNION/ZINTER/ZDIFF: mostly the general pool, sometimes a plain set. */
function zAlgebraKey(g: Gen): Arg {
  return g.rng.chance(0.15) ? g.rng.pick(ZSET_SET_KEYS) : g.key();
}

function zMember(g: Gen): Arg {
  return g.rng.pick(ZSET_MEMBERS);
}

function zMembers(g: Gen, min: number, max: number): Arg[] {
  return Array.from({ length: g.rng.range(min, max) }, () => zMember(g));
}

/** A score: small integers (many ties), edges, and now and then anything INCRBYFLOAT meets. */
function zScore(g: Gen): string {
  const r = g.rng;
  return r.weighted<() => string>([
    [6, () => String(r.range(-3, 5))],
    [3, () => r.pick(['1.5', '-2.5', '0.1', 'inf', '-inf', '+inf', '1e300', '-0', '1e-300', '3.0e3', '0x10', '4611686018427387904', '9007199254740993'])],
    [1, () => g.float()],
  ])();
}

function zPairs(g: Gen, min: number, max: number): Arg[] {
  const out: Arg[] = [];
  for (let i = g.rng.range(min, max); i > 0; i--) out.push(zScore(g), zMember(g));
  return out;
}

/** One end of a score range: open or closed, infinite, or invalid. */
function zScoreBound(g: Gen): string {
  const r = g.rng;
  return r.weighted<() => string>([
    [6, () => (r.chance(0.3) ? '(' : '') + String(r.range(-3, 5))],
    [3, () => r.pick(['-inf', '+inf', 'inf', '(-inf', '(+inf', '(1.5', '1.5', '-0', '(0', '1e400', '(', '', ' 1'])],
    [1, () => r.pick(['abc', 'nan', '(nan', '1 ', '((1', '[1', '0x1p1', '1\x00x'])],
  ])();
}

/** One end of a member range: "[" or "(" and a member, "-", "+", or invalid. */
function zLexBound(g: Gen): Arg {
  const r = g.rng;
  return r.weighted<() => Arg>([
    [6, () => r.pick(['[', '(']) + r.pick(['a', 'b', 'c', 'd', 'f', 'm', 'm1', 'z', '0', '1', '-', '+', ''])],
    [3, () => r.pick(['-', '+'])],
    [1, () => r.pick<Arg>(['a', '', '-a', '+a', '[', Buffer.from([0x5b, 0x00, 0xff]), '+\x00'])],
  ])();
}

/** A rank: small either side of zero, or an edge. */
function zRank(g: Gen): string {
  return g.rng.weighted<() => string>([
    [8, () => String(g.rng.range(-6, 6))],
    [1, () => g.rng.pick(['9223372036854775807', '-9223372036854775808', '9223372036854775808', 'abc', '1.5', ''])],
  ])();
}

/** LIMIT offset count, sometimes absent, sometimes negative or invalid. */
function zLimit(g: Gen): Arg[] {
  const r = g.rng;
  return r.weighted<() => Arg[]>([
    [5, () => []],
    [4, () => ['LIMIT', String(r.range(-1, 4)), String(r.range(-1, 5))]],
    [1, () => ['LIMIT', r.pick(['abc', '9223372036854775807', '']), String(r.range(0, 3))]],
    [1, () => ['LIMIT', '0']],
  ])();
}

/** A ZRANDMEMBER count: small either side of zero, or an error (never huge and negative). */
function zRandomCount(g: Gen): string {
  return g.rng.weighted<() => string>([
    [6, () => String(g.rng.range(-8, 8))],
    [2, () => String(g.rng.range(-300, 300))],
    [1, () => g.rng.pick(['abc', '1.5', '', '-9223372036854775808', '9223372036854775807', '4611686018427387904'])],
  ])();
}

/** ZUNION/ZINTER/ZDIFF inputs and options. */
function zAlgebraArgs(g: Gen, keys: () => Arg, weights: boolean): Arg[] {
  const r = g.rng;
  const n = r.range(1, 3);
  const args: Arg[] = [r.chance(0.95) ? String(n) : r.pick(['0', '-1', 'abc', '4'])];
  for (let i = 0; i < n; i++) args.push(keys());
  if (weights && r.chance(0.3)) args.push('WEIGHTS', ...Array.from({ length: n }, () => r.pick(['1', '2', '-1', '0', '0.5', 'inf', '-inf', 'abc'])));
  if (weights && r.chance(0.3)) args.push('AGGREGATE', r.pick(['SUM', 'MIN', 'MAX', 'sum', 'avg']));
  return args;
}

function bigKey(g: Gen): string {
  return g.rng.pick(ZSET_BIG_KEYS);
}

function lexKey(g: Gen): string {
  return g.rng.pick(ZSET_LEX_KEYS);
}

/** ZADD of `n` distinct members m<base>..; scores with ties. */
function bigAdd(g: Gen, key: string, lex: boolean): Arg[] {
  const base = g.rng.range(0, 200);
  const n = g.rng.range(130, 260);
  const args: Arg[] = ['ZADD', key];
  for (let i = 0; i < n; i++) args.push(lex ? '0' : String(g.rng.range(-50, 50)), `m${String(base + i).padStart(3, '0')}`);
  return args;
}

export const ZSET_TEMPLATES: readonly CommandTemplate[] = [
  // Writes to the general pool are never mutated: a mutation could append a long member and
  // make a skiplist of mixed scores (see ZSET_MEMBERS). Their errors have templates of their own.
  { command: 'ZADD', weight: 12, build: (g) => ['ZADD', g.key(), ...zPairs(g, 1, 4)], mutate: false },
  {
    command: 'ZADD',
    weight: 5,
    build: (g) => {
      const r = g.rng;
      const opts = Array.from({ length: r.range(1, 3) }, () => r.pick(['NX', 'XX', 'GT', 'LT', 'CH', 'INCR', 'nx', 'ch']));
      return ['ZADD', g.key(), ...opts, ...zPairs(g, 1, r.chance(0.7) ? 1 : 2)];
    },
    mutate: false,
  },
  { command: 'ZADD', weight: 1, build: (g) => ['ZADD', g.key(), ...g.rng.pick<Arg[]>([[], ['1'], ['1', 'a', '2'], ['nan', 'a'], ['abc', 'a'], ['NX', 'XX', '1', 'a'], ['INCR', '1', 'a', '2', 'b']])], mutate: false },
  { command: 'ZINCRBY', weight: 5, build: (g) => ['ZINCRBY', g.key(), zScore(g), zMember(g)], mutate: false },
  { command: 'ZREM', weight: 4, build: (g) => ['ZREM', g.key(), ...zMembers(g, 1, 3)] },
  { command: 'ZCARD', weight: 3, build: (g) => ['ZCARD', g.key()] },
  { command: 'ZSCORE', weight: 4, build: (g) => ['ZSCORE', g.key(), zMember(g)] },
  { command: 'ZMSCORE', weight: 3, build: (g) => ['ZMSCORE', g.key(), ...zMembers(g, 1, 3)] },
  // Never mutated: an extra argument is WITHSCORE's place in Redis 7.2, an arity error in 7.0.
  { command: 'ZRANK', weight: 3, build: (g) => ['ZRANK', g.key(), zMember(g)], mutate: false },
  { command: 'ZREVRANK', weight: 3, build: (g) => ['ZREVRANK', g.key(), zMember(g)], mutate: false },
  { command: 'ZCOUNT', weight: 3, build: (g) => ['ZCOUNT', g.key(), zScoreBound(g), zScoreBound(g)] },
  { command: 'ZLEXCOUNT', weight: 3, build: (g) => ['ZLEXCOUNT', g.key(), zLexBound(g), zLexBound(g)] },
  {
    command: 'ZRANGE',
    weight: 6,
    build: (g) => {
      const r = g.rng;
      const kind = r.pick(['', 'BYSCORE', 'BYLEX']);
      const [lo, hi] = kind === 'BYSCORE' ? [zScoreBound(g), zScoreBound(g)] : kind === 'BYLEX' ? [zLexBound(g), zLexBound(g)] : [zRank(g), zRank(g)];
      const opts: Arg[] = kind === '' ? [] : [kind];
      if (r.chance(0.4)) opts.push('REV');
      if (r.chance(0.4)) opts.push('WITHSCORES');
      if (kind !== '' || r.chance(0.1)) opts.push(...zLimit(g));
      return ['ZRANGE', g.key(), lo, hi, ...opts];
    },
  },
  { command: 'ZREVRANGE', weight: 3, build: (g) => ['ZREVRANGE', g.key(), zRank(g), zRank(g), ...(g.rng.chance(0.5) ? ['WITHSCORES'] : [])] },
  { command: 'ZRANGEBYSCORE', weight: 3, build: (g) => ['ZRANGEBYSCORE', g.key(), zScoreBound(g), zScoreBound(g), ...(g.rng.chance(0.5) ? ['WITHSCORES'] : []), ...zLimit(g)] },
  { command: 'ZREVRANGEBYSCORE', weight: 3, build: (g) => ['ZREVRANGEBYSCORE', g.key(), zScoreBound(g), zScoreBound(g), ...(g.rng.chance(0.5) ? ['WITHSCORES'] : []), ...zLimit(g)] },
  { command: 'ZRANGEBYLEX', weight: 3, build: (g) => ['ZRANGEBYLEX', g.key(), zLexBound(g), zLexBound(g), ...zLimit(g)] },
  { command: 'ZREVRANGEBYLEX', weight: 3, build: (g) => ['ZREVRANGEBYLEX', g.key(), zLexBound(g), zLexBound(g), ...zLimit(g)] },
  { command: 'ZRANGESTORE', weight: 3, build: (g) => ['ZRANGESTORE', g.key(), g.key(), ...g.rng.pick<Arg[]>([[zRank(g), zRank(g)], [zScoreBound(g), zScoreBound(g), 'BYSCORE'], [zLexBound(g), zLexBound(g), 'BYLEX', 'REV'], [zScoreBound(g), zScoreBound(g), 'BYSCORE', 'REV', ...zLimit(g)]])] },
  { command: 'ZREMRANGEBYRANK', weight: 2, build: (g) => ['ZREMRANGEBYRANK', g.key(), zRank(g), zRank(g)] },
  { command: 'ZREMRANGEBYSCORE', weight: 2, build: (g) => ['ZREMRANGEBYSCORE', g.key(), zScoreBound(g), zScoreBound(g)] },
  { command: 'ZREMRANGEBYLEX', weight: 2, build: (g) => ['ZREMRANGEBYLEX', g.key(), zLexBound(g), zLexBound(g)] },
  { command: 'ZPOPMIN', weight: 3, build: (g) => ['ZPOPMIN', g.key(), ...g.rng.pick<Arg[]>([[], [String(g.rng.range(0, 4))], ['-1'], ['abc']])] },
  { command: 'ZPOPMAX', weight: 3, build: (g) => ['ZPOPMAX', g.key(), ...g.rng.pick<Arg[]>([[], [String(g.rng.range(0, 4))], ['-1'], ['1', '2']])] },
  {
    command: 'ZMPOP',
    weight: 3,
    build: (g) => {
      const keys = g.keys(1, 3);
      const count = g.rng.pick<Arg[]>([[], ['COUNT', String(g.rng.range(1, 4))], ['COUNT', '0'], ['COUNT', 'abc'], ['COUNT', '1', 'COUNT', '2']]);
      return ['ZMPOP', g.rng.chance(0.9) ? String(keys.length) : g.rng.pick(['0', '-1', 'abc', '9']), ...keys, g.rng.pick(['MIN', 'MAX', 'max', 'MID']), ...count];
    },
  },
  {
    command: 'ZRANDMEMBER',
    weight: 3,
    build: (g) => g.rng.pick<Arg[]>([['ZRANDMEMBER', g.key()], ['ZRANDMEMBER', g.key(), zRandomCount(g)], ['ZRANDMEMBER', g.key(), zRandomCount(g), 'WITHSCORES']]),
    compare: 'type',
    mutate: false,
  },
  { command: 'ZUNION', weight: 2, build: (g) => ['ZUNION', ...zAlgebraArgs(g, () => zAlgebraKey(g), true), ...(g.rng.chance(0.5) ? ['WITHSCORES'] : [])] },
  { command: 'ZINTER', weight: 2, build: (g) => ['ZINTER', ...zAlgebraArgs(g, () => zAlgebraKey(g), true), ...(g.rng.chance(0.5) ? ['WITHSCORES'] : [])] },
  { command: 'ZDIFF', weight: 2, build: (g) => ['ZDIFF', ...zAlgebraArgs(g, () => zAlgebraKey(g), false), ...(g.rng.chance(0.5) ? ['WITHSCORES'] : [])] },
  { command: 'ZUNIONSTORE', weight: 2, build: (g) => ['ZUNIONSTORE', g.key(), ...zAlgebraArgs(g, () => zAlgebraKey(g), true)] },
  { command: 'ZINTERSTORE', weight: 2, build: (g) => ['ZINTERSTORE', g.key(), ...zAlgebraArgs(g, () => zAlgebraKey(g), true)] },
  { command: 'ZDIFFSTORE', weight: 2, build: (g) => ['ZDIFFSTORE', g.key(), ...zAlgebraArgs(g, () => zAlgebraKey(g), false)] },
  { command: 'ZINTERCARD', weight: 2, build: (g) => ['ZINTERCARD', ...zAlgebraArgs(g, () => zAlgebraKey(g), false), ...g.rng.pick<Arg[]>([[], ['LIMIT', String(g.rng.range(0, 3))], ['LIMIT', '-1'], ['LIMIT']])] },
  // The plain sets those read (never OBJECT ENCODING'd: Redis 7.2 keeps small sets in listpacks).
  {
    command: 'SADD',
    weight: 2,
    build: (g) => {
      const key = g.rng.pick(ZSET_SET_KEYS);
      const n = g.rng.range(1, 4);
      const items = key === 'zsrc:ints' ? Array.from({ length: n }, () => String(g.rng.range(-5, 20))) : zMembers(g, n, n);
      return ['SADD', key, ...items];
    },
    mutate: false,
  },
  {
    command: 'ZSCAN',
    weight: 2,
    build: (g) => ['ZSCAN', g.key(), '0', ...g.rng.pick<Arg[]>([[], ['MATCH', g.pattern()], ['COUNT', g.rng.pick(['1', '5', '100'])], ['MATCH', g.pattern(), 'COUNT', '3']])],
    compare: 'scan',
    mutate: false,
  },
  {
    command: 'ZSCAN',
    weight: 1,
    build: (g) => ['ZSCAN', g.key(), g.rng.pick(['abc', '-1', '18446744073709551616', '0']), ...g.rng.pick<Arg[]>([['COUNT', '0'], ['COUNT', 'abc'], ['MATCH'], ['TYPE', 'zset'], ['FOO']])],
    mutate: false,
  },
  { command: 'OBJECT', weight: 1, build: (g) => ['OBJECT', 'ENCODING', g.key()] },
  // Blocking pops: served at once, or a 10 ms wait on both servers. Never mutated: a mutated
  // timeout of 0 would wait forever.
  { command: 'BZPOPMIN', weight: 1, build: (g) => ['BZPOPMIN', ...g.keys(1, 2), g.rng.pick(['0.01', 'abc', '-1'])], mutate: false },
  { command: 'BZPOPMAX', weight: 1, build: (g) => ['BZPOPMAX', ...g.keys(1, 2), g.rng.pick(['0.01', '0.01', '-0.5', ''])], mutate: false },
  {
    command: 'BZMPOP',
    weight: 1,
    build: (g) => {
      const keys = g.keys(1, 2);
      return ['BZMPOP', '0.01', String(keys.length), ...keys, g.rng.pick(['MIN', 'MAX']), ...g.rng.pick<Arg[]>([[], ['COUNT', String(g.rng.range(1, 3))]])];
    },
    mutate: false,
  },

  // Skiplists: hundreds of members with tied scores, walked by rank and score, never by member.
  { command: 'ZADD', weight: 2, build: (g) => bigAdd(g, bigKey(g), false), mutate: false },
  { command: 'ZADD', weight: 2, build: (g) => ['ZADD', bigKey(g), ...zPairs(g, 1, 3)], mutate: false },
  { command: 'ZINCRBY', weight: 1, build: (g) => ['ZINCRBY', bigKey(g), zScore(g), `m${String(g.rng.range(0, 460)).padStart(3, '0')}`], mutate: false },
  { command: 'ZRANGE', weight: 2, build: (g) => ['ZRANGE', bigKey(g), zRank(g), String(g.rng.range(-300, 300)), ...(g.rng.chance(0.5) ? ['REV'] : []), 'WITHSCORES'] },
  { command: 'ZRANGEBYSCORE', weight: 2, build: (g) => ['ZRANGEBYSCORE', bigKey(g), zScoreBound(g), g.rng.pick(['+inf', '(30', '50', '-40']), 'WITHSCORES', ...zLimit(g)] },
  { command: 'ZREVRANGEBYSCORE', weight: 1, build: (g) => ['ZREVRANGEBYSCORE', bigKey(g), g.rng.pick(['+inf', '(30', '50', '-40']), zScoreBound(g), ...zLimit(g)] },
  { command: 'ZCOUNT', weight: 1, build: (g) => ['ZCOUNT', bigKey(g), zScoreBound(g), g.rng.pick(['+inf', '(30', '50'])] },
  { command: 'ZRANK', weight: 1, build: (g) => [g.rng.pick(['ZRANK', 'ZREVRANK']), bigKey(g), `m${String(g.rng.range(0, 460)).padStart(3, '0')}`], mutate: false },
  { command: 'ZSCORE', weight: 1, build: (g) => ['ZSCORE', bigKey(g), `m${String(g.rng.range(0, 460)).padStart(3, '0')}`] },
  { command: 'ZREM', weight: 1, build: (g) => ['ZREM', bigKey(g), ...Array.from({ length: 5 }, () => `m${String(g.rng.range(0, 460)).padStart(3, '0')}`)] },
  { command: 'ZREMRANGEBYRANK', weight: 1, build: (g) => ['ZREMRANGEBYRANK', bigKey(g), String(g.rng.range(-50, 50)), String(g.rng.range(-50, 50))] },
  { command: 'ZREMRANGEBYSCORE', weight: 1, build: (g) => ['ZREMRANGEBYSCORE', bigKey(g), zScoreBound(g), zScoreBound(g)] },
  { command: 'ZPOPMIN', weight: 1, build: (g) => [g.rng.pick(['ZPOPMIN', 'ZPOPMAX']), bigKey(g), String(g.rng.range(1, 40))] },
  { command: 'ZRANGESTORE', weight: 1, build: (g) => ['ZRANGESTORE', bigKey(g), bigKey(g), String(g.rng.range(0, 50)), String(g.rng.range(-10, 300))] },
  { command: 'ZUNIONSTORE', weight: 1, build: (g) => ['ZUNIONSTORE', bigKey(g), ...zAlgebraArgs(g, () => bigKey(g), true)] },
  { command: 'ZINTERSTORE', weight: 1, build: (g) => ['ZINTERSTORE', bigKey(g), ...zAlgebraArgs(g, () => bigKey(g), true)] },
  { command: 'ZDIFFSTORE', weight: 1, build: (g) => ['ZDIFFSTORE', bigKey(g), ...zAlgebraArgs(g, () => bigKey(g), false)] },
  { command: 'ZSCAN', weight: 1, build: (g) => ['ZSCAN', bigKey(g), '0', 'COUNT', g.rng.pick(['5', '50'])], compare: 'scan', mutate: false },
  { command: 'ZRANDMEMBER', weight: 1, build: (g) => ['ZRANDMEMBER', bigKey(g), zRandomCount(g), 'WITHSCORES'], compare: 'type', mutate: false },
  { command: 'OBJECT', weight: 1, build: (g) => ['OBJECT', 'ENCODING', bigKey(g)] },

  // Skiplists of equal scores: ranges by member are defined on them.
  { command: 'ZADD', weight: 1, build: (g) => bigAdd(g, lexKey(g), true), mutate: false },
  { command: 'ZRANGEBYLEX', weight: 2, build: (g) => [g.rng.pick(['ZRANGEBYLEX', 'ZREVRANGEBYLEX']), lexKey(g), zLexBound(g), zLexBound(g), ...zLimit(g)] },
  { command: 'ZRANGE', weight: 1, build: (g) => ['ZRANGE', lexKey(g), g.rng.pick(['[m100', '(m150', '-']), g.rng.pick(['[m300', '(m200', '+']), 'BYLEX', ...zLimit(g)] },
  { command: 'ZLEXCOUNT', weight: 1, build: (g) => ['ZLEXCOUNT', lexKey(g), g.rng.pick(['[m100', '(m150', '-', '+']), g.rng.pick(['[m300', '(m200', '+', '-'])] },
  { command: 'ZREMRANGEBYLEX', weight: 1, build: (g) => ['ZREMRANGEBYLEX', lexKey(g), g.rng.pick(['[m100', '(m150', '-']), g.rng.pick(['[m120', '(m170', '[m100'])] },
  { command: 'ZRANGESTORE', weight: 1, build: (g) => ['ZRANGESTORE', lexKey(g), lexKey(g), g.rng.pick(['[m100', '(m150', '-']), g.rng.pick(['[m300', '+']), 'BYLEX'] },
];

// ---------------------------------------------------------------------------------------------
// Family: lists
// ---------------------------------------------------------------------------------------------

/**
 * A list element: a small pool that collides often (so LINSERT, LREM and LPOS find pivots),
 * strings a listpack stores as integers and near-integers it does not, binary ones, and now and
 * then a value of any kind (a 10 KB one makes the list a quicklist).
 */
function listElement(g: Gen): Arg {
  const r = g.rng;
  return r.weighted<() => Arg>([
    [10, () => r.pick(['a', 'b', 'c', 'x', 'hello'])],
    [4, () => r.pick(['0', '1', '-1', '127', '-4096', '32768', '2147483648', '-9223372036854775808', '9223372036854775807', '9223372036854775808', '007', '-0', '+1'])],
    [1, () => ''],
    [1, () => r.bytes(r.range(1, 6))],
    [2, () => g.value()],
  ])();
}

function listElements(g: Gen, min: number, max: number): Arg[] {
  return Array.from({ length: g.rng.range(min, max) }, () => listElement(g));
}

/** A count for LPOP/RPOP/LMPOP/LREM: small, past the length, or an error. */
function listCount(g: Gen): string {
  return g.rng.weighted<() => string>([
    [6, () => String(g.rng.range(0, 6))],
    [1, () => String(g.rng.range(-3, 3))],
    [1, () => g.rng.pick(['100', '5000', '9223372036854775807', '-9223372036854775808', 'abc', '1.5', '', '+1'])],
  ])();
}

/** LEFT or RIGHT in any case, now and then something else. */
function listEnd(g: Gen): string {
  return g.rng.weighted<() => string>([
    [10, () => g.rng.pick(['LEFT', 'RIGHT', 'left', 'Right'])],
    [1, () => g.rng.pick(['UP', '', 'LEFTT'])],
  ])();
}

/**
 * A blocking timeout that never waits for long: a few ms (a missing key then times out on both
 * servers alike), or an error. Never 0 (forever) nor values Redis 7.0 and 7.2 answer
 * differently (inf, or past LLONG_MAX ms: 7.0 calls them negative, 7.2 out of range).
 */
function shortTimeout(g: Gen): string {
  return g.rng.weighted<() => string>([
    [8, () => g.rng.pick(['0.01', '0.005', '0.02', '1e-2'])],
    [1, () => g.rng.pick(['-1', '-0.5', 'abc', '', 'nan', '1,5', ' 1'])],
  ])();
}

/** LPOS options: RANK (never LONG_MIN, which 7.2 refuses and 7.0 accepts), COUNT, MAXLEN, junk. */
function lposOptions(g: Gen): Arg[] {
  const r = g.rng;
  const opts: Arg[] = [];
  for (let n = r.weighted([[4, 0], [4, 1], [2, 2], [1, 3]] as const); n > 0; n--) {
    opts.push(
      ...r.weighted<() => Arg[]>([
        [3, () => ['RANK', r.pick(['1', '2', '-1', '-2', '3', '0', '-9223372036854775807', '9223372036854775807', 'abc'])]],
        [3, () => ['COUNT', r.pick(['0', '1', '2', '5', '-1', 'abc'])]],
        [2, () => ['MAXLEN', r.pick(['0', '1', '3', '10', '-1', 'abc'])]],
        [1, () => [r.pick(['RANK', 'COUNT', 'MAXLEN', 'FOO'])]],
      ])(),
    );
  }
  return opts;
}

/** The keys of an LMPOP/BLMPOP, with numkeys right, too big, too small, or no number. */
function mpopKeys(g: Gen): Arg[] {
  const keys = g.keys(1, 3);
  const numkeys = g.rng.weighted<() => string>([
    [10, () => String(keys.length)],
    [1, () => g.rng.pick(['0', '-1', String(keys.length + 2), 'abc', '9223372036854775807'])],
  ])();
  const tail = g.rng.weighted<() => Arg[]>([
    [6, () => []],
    [4, () => ['COUNT', listCount(g)]],
    [1, () => g.rng.pick<Arg[]>([['COUNT'], ['COUNT', '1', 'COUNT', '2'], ['FOO']])],
  ])();
  return [numkeys, ...keys, listEnd(g), ...tail];
}

/**
 * OBJECT ENCODING of a list: Redis 7.0 says "quicklist" for every list, 7.2 (the target)
 * "listpack" for small ones; test/commands/lists.test.ts checks 7.2's rule.
 */
export function listEncoding(reply: Buffer): Buffer {
  return Buffer.from(reply.toString('latin1').replace(/^\$8\r\nlistpack\r\n$/, '$9\r\nquicklist\r\n'), 'latin1');
}

export const LIST_TEMPLATES: readonly CommandTemplate[] = [
  { command: 'LPUSH', weight: 8, build: (g) => ['LPUSH', g.key(), ...listElements(g, 1, 4)] },
  { command: 'RPUSH', weight: 8, build: (g) => ['RPUSH', g.key(), ...listElements(g, 1, 4)] },
  // A few thousand elements: a quicklist in Redis 7.2, to pop, trim and insert in.
  {
    command: 'RPUSH',
    weight: 1,
    build: (g) => [g.rng.pick(['RPUSH', 'LPUSH']), g.key(), ...Array.from({ length: g.rng.range(1000, 3000) }, (_, i) => (i % 7 === 0 ? 'a' : `e${i}`))],
    mutate: false,
  },
  { command: 'LPUSHX', weight: 3, build: (g) => ['LPUSHX', g.key(), ...listElements(g, 1, 3)] },
  { command: 'RPUSHX', weight: 3, build: (g) => ['RPUSHX', g.key(), ...listElements(g, 1, 3)] },
  { command: 'LPOP', weight: 5, build: (g) => (g.rng.chance(0.5) ? ['LPOP', g.key()] : ['LPOP', g.key(), listCount(g)]) },
  { command: 'RPOP', weight: 5, build: (g) => (g.rng.chance(0.5) ? ['RPOP', g.key()] : ['RPOP', g.key(), listCount(g)]) },
  { command: 'LLEN', weight: 3, build: (g) => ['LLEN', g.key()] },
  { command: 'LRANGE', weight: 6, build: (g) => ['LRANGE', g.key(), g.index(), g.index()] },
  { command: 'LRANGE', weight: 2, build: (g) => ['LRANGE', g.key(), '0', '-1'] },
  { command: 'LINDEX', weight: 4, build: (g) => ['LINDEX', g.key(), g.index()] },
  { command: 'LSET', weight: 3, build: (g) => ['LSET', g.key(), g.index(), listElement(g)] },
  { command: 'LINSERT', weight: 4, build: (g) => ['LINSERT', g.key(), g.rng.pick(['BEFORE', 'AFTER', 'before', 'after', 'AROUND']), listElement(g), listElement(g)] },
  { command: 'LREM', weight: 4, build: (g) => ['LREM', g.key(), listCount(g), listElement(g)] },
  { command: 'LTRIM', weight: 3, build: (g) => ['LTRIM', g.key(), g.index(), g.index()] },
  { command: 'LPOS', weight: 4, build: (g) => ['LPOS', g.key(), listElement(g), ...lposOptions(g)], mutate: false },
  { command: 'LMOVE', weight: 4, build: (g) => ['LMOVE', g.key(), g.key(), listEnd(g), listEnd(g)] },
  { command: 'RPOPLPUSH', weight: 3, build: (g) => ['RPOPLPUSH', g.key(), g.key()] },
  { command: 'LMPOP', weight: 4, build: (g) => ['LMPOP', ...mpopKeys(g)] },
  // Blocking ones: served at once, or a timeout of a few ms on both servers.
  { command: 'BLPOP', weight: 2, build: (g) => ['BLPOP', ...g.keys(1, 3), shortTimeout(g)], mutate: false },
  { command: 'BRPOP', weight: 2, build: (g) => ['BRPOP', ...g.keys(1, 3), shortTimeout(g)], mutate: false },
  { command: 'BLMOVE', weight: 2, build: (g) => ['BLMOVE', g.key(), g.key(), listEnd(g), listEnd(g), shortTimeout(g)], mutate: false },
  { command: 'BRPOPLPUSH', weight: 2, build: (g) => ['BRPOPLPUSH', g.key(), g.key(), shortTimeout(g)], mutate: false },
  { command: 'BLMPOP', weight: 2, build: (g) => ['BLMPOP', shortTimeout(g), ...mpopKeys(g)], mutate: false },
  { command: 'OBJECT', weight: 1, build: (g) => ['OBJECT', 'ENCODING', g.key()], compare: listEncoding },
];
