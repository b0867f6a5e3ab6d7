/**
 * Argument parsing shared by every command family, with Redis's exact acceptance rules.
 *
 * Redis integers are signed 64-bit and parsed by string2ll, which refuses what strtoll would
 * forgive: a '+' sign, spaces, leading zeros, "-0". JavaScript numbers are exact only to 2^53,
 * so values beyond that come back as BigInt; the common case stays a plain number.
 */

import type { Argv } from '../protocol/argv.js';
import type { Client } from '../server/client.js';
import { COUNT_OUT_OF_RANGE, NOT_INTEGER, NUMKEYS_NOT_POSITIVE, POP_COUNT_NOT_POSITIVE, SYNTAX, VALUE_OUT_OF_RANGE } from './errors.js';

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/**
 * string2ll over bytes: a number when the value is a safe integer, a bigint when it is a valid
 * int64 beyond 2^53, null when Redis would refuse it.
 */
export function parseInt64(b: Uint8Array, start: number, end: number): number | bigint | null {
  const len = end - start;
  if (len === 0 || len >= 21) return null;
  if (len === 1 && b[start] === 48) return 0;
  let i = start;
  let negative = false;
  if (b[i] === 45) {
    negative = true;
    i++;
    if (i === end) return null;
  }
  if (b[i] < 49 || b[i] > 57) return null; // first digit 1-9
  const digits = end - i;
  if (digits <= 15) {
    let v = 0;
    for (; i < end; i++) {
      const c = b[i] - 48;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    return negative ? -v : v;
  }
  let v = 0n;
  for (; i < end; i++) {
    const c = b[i] - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10n + BigInt(c);
  }
  if (negative) v = -v;
  if (v > INT64_MAX || v < INT64_MIN) return null;
  return bigToNumberIfSafe(v);
}

/** A bigint as a number when that is exact. */
export function bigToNumberIfSafe(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/** argv[i] as an int64 (number or bigint), or null. */
export function argInt64(argv: Argv, i: number): number | bigint | null {
  return parseInt64(argv.bufs[i], argv.starts[i], argv.ends[i]);
}

/** Is b[start, end) exactly what string2ll accepts (so Redis would store it int-encoded)? */
export function isStrictInt64(b: Uint8Array, start: number, end: number): boolean {
  return end - start <= 20 && parseInt64(b, start, end) !== null;
}

/**
 * a + b in int64, exact (a number while safe, a bigint beyond), or null when the sum leaves
 * int64 (INCRBY, HINCRBY: "increment or decrement would overflow").
 */
export function addInt64(a: number | bigint, b: number | bigint): number | bigint | null {
  // Both operands safe and so is the float sum: then the sum is exact.
  if (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a + b)) return a + b;
  const sum = BigInt(a) + BigInt(b);
  if (sum > INT64_MAX || sum < INT64_MIN) return null;
  return bigToNumberIfSafe(sum);
}

/** What randomCountArgs read. */
export interface RandomCount {
  count: number | bigint;
  /** The WITH<word> option was given. */
  withWord: boolean;
}

/**
 * HRANDFIELD/ZRANDMEMBER key count [WITHVALUES|WITHSCORES]: the count in argv[2] and whether
 * argv[3] is `word`, checked in Redis 7.2's order: an int64 in [-LONG_MAX, LONG_MAX], no other
 * argument, and with the word within +-LONG_MAX/2 (its reply has two elements per pick). Null
 * after replying the error.
 */
export function randomCountArgs(c: Client, argv: Argv, word: string): RandomCount | null {
  const count = argInt64(argv, 2);
  if (count === null) {
    c.reply.error(NOT_INTEGER);
    return null;
  }
  if (count < -INT64_MAX) {
    c.reply.error(COUNT_OUT_OF_RANGE);
    return null;
  }
  if (argv.count > 4 || (argv.count === 4 && !argv.is(3, word))) {
    c.reply.error(SYNTAX);
    return null;
  }
  const withWord = argv.count === 4;
  if (withWord && (count < -INT64_MAX / 2n || count > INT64_MAX / 2n)) {
    c.reply.error(VALUE_OUT_OF_RANGE);
    return null;
  }
  return { count, withWord };
}

/** What scanOptionsArgs read. */
export interface ScanOptions {
  count: number;
  /** argv index of the MATCH pattern, or -1 (none, or "*", which matches everything). */
  pattern: number;
  /** HSCAN NOVALUES (Redis 7.4): fields only. */
  noValues: boolean;
}

/**
 * The options of SSCAN/HSCAN/ZSCAN key cursor [MATCH pattern] [COUNT count] from argv[3] on, as
 * Redis's scanGenericCommand reads them, and NOVALUES where `noValues` allows it (HSCAN).
 * Null after replying the error.
 */
export function scanOptionsArgs(c: Client, argv: Argv, noValues: boolean): ScanOptions | null {
  const options: ScanOptions = { count: 10, pattern: -1, noValues: false };
  for (let i = 3; i < argv.count; ) {
    const hasValue = i + 1 < argv.count;
    if (hasValue && argv.is(i, 'COUNT')) {
      const n = argInt64(argv, i + 1);
      if (n === null) {
        c.reply.error(NOT_INTEGER);
        return null;
      }
      if (n < 1) {
        c.reply.error(SYNTAX);
        return null;
      }
      options.count = typeof n === 'bigint' ? Number.MAX_SAFE_INTEGER : n;
      i += 2;
    } else if (hasValue && argv.is(i, 'MATCH')) {
      options.pattern = argv.len(i + 1) === 1 && argv.bufs[i + 1][argv.starts[i + 1]] === 42 ? -1 : i + 1;
      i += 2;
    } else if (noValues && argv.is(i, 'NOVALUES')) {
      options.noValues = true;
      i++;
    } else {
      c.reply.error(SYNTAX);
      return null;
    }
  }
  return options;
}

/** argv[i] as a C long (an index or count): a number, rounded beyond 2^53 (only sign and size matter), or null. */
export function argLong(argv: Argv, i: number): number | null {
  const v = argInt64(argv, i);
  return v === null ? null : Number(v);
}

/** What parseMpopArgs read: keys argv[first, first + keys), which of the two words, the count. */
export interface MpopArgs {
  first: number;
  keys: number;
  /** 0 for the first word (LEFT, MIN), 1 for the second (RIGHT, MAX). */
  which: 0 | 1;
  count: number;
}

/**
 * LMPOP/ZMPOP and their blocking forms from the numkeys at `numkeysIndex`: numkeys key ...
 * <first|second word> [COUNT count], parsed as lmpopGenericCommand and zmpopGenericCommand do.
 * Null after replying the error.
 */
export function parseMpopArgs(c: Client, argv: Argv, numkeysIndex: number, first: string, second: string): MpopArgs | null {
  const numkeys = argLong(argv, numkeysIndex);
  if (numkeys === null || numkeys < 1) {
    c.reply.error(NUMKEYS_NOT_POSITIVE);
    return null;
  }
  const whereIndex = numkeysIndex + numkeys + 1;
  if (whereIndex >= argv.count) {
    c.reply.error(SYNTAX);
    return null;
  }
  let which: 0 | 1;
  if (argv.is(whereIndex, first)) which = 0;
  else if (argv.is(whereIndex, second)) which = 1;
  else {
    c.reply.error(SYNTAX);
    return null;
  }
  let count = -1;
  for (let j = whereIndex + 1; j < argv.count; j++) {
    if (count === -1 && j + 1 < argv.count && argv.is(j, 'COUNT')) {
      j++;
      const v = argLong(argv, j);
      if (v === null || v < 1) {
        c.reply.error(POP_COUNT_NOT_POSITIVE);
        return null;
      }
      count = v;
    } else {
      c.reply.error(SYNTAX);
      return null;
    }
  }
  return { first: numkeysIndex + 1, keys: numkeys, which, count: count === -1 ? 1 : count };
}
