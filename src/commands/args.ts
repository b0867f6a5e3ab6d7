/**
 * Argument parsing shared by every command family, with Redis's exact acceptance rules.
 *
 * Redis integers are signed 64-bit and parsed by string2ll, which refuses what strtoll would
 * forgive: a '+' sign, spaces, leading zeros, "-0". JavaScript numbers are exact only to 2^53,
 * so values beyond that come back as BigInt; the common case stays a plain number.
 */

import type { Argv } from '../protocol/argv.js';

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
