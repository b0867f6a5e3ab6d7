/**
 * LongDouble: C's `long double` as Redis on x86-64 Linux computes with it (x87 80-bit extended
 * precision: a 64-bit significand with an explicit integer bit, binary exponents from -16382,
 * gradual underflow down to 2^-16445, overflow at 2^16384).
 *
 * INCRBYFLOAT and HINCRBYFLOAT parse both operands with strtold, add them in long double and
 * print the sum with "%.17Lf". A JavaScript double has 11 fewer significand bits and a far
 * smaller exponent range, so it prints other digits (and refuses values such as 1e4000 that
 * Redis accepts). This module reproduces those three steps exactly, with BigInt arithmetic:
 * glibc rounds correctly (to nearest, ties to even) when it parses and when it prints, and the
 * FPU rounds the sum the same way, so exact arithmetic followed by one correct rounding gives
 * the very bits, and so the very digits, Redis produces.
 *
 * A finite value is sign * mantissa * 2^exponent with 0 <= mantissa < 2^64.
 */

const enum Kind {
  Finite = 0,
  Infinite = 1,
  NaN = 2,
}

/** Smallest exponent of the least significant bit: the quantum of subnormals. */
const MIN_QUANTUM_EXPONENT = -16445;
/** Every finite value is below 2^MAX_BINARY_EXPONENT. */
const MAX_BINARY_EXPONENT = 16384;
const SIGNIFICAND_BITS = 64;
const TWO_64 = 1n << 64n;
const TWO_63 = 1n << 63n;

/** Redis's MAX_LONG_DOUBLE_CHARS: string2ld refuses strings of this length or more. */
export const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

const DOUBLE_VIEW = new DataView(new ArrayBuffer(8));

/*
 * Bounds on the decimal magnitude D of a parsed value (value < 10^D) past which there is no need
 * to compute: the largest long double is about 1.19e4932 and the smallest subnormal about
 * 3.65e-4951, half of which rounds to zero.
 */
const DECIMAL_OVERFLOW_MAGNITUDE = 4934;
const DECIMAL_UNDERFLOW_MAGNITUDE = -4951;

/** The most exponent digits worth reading: anything larger is already over- or underflow. */
const EXPONENT_SATURATION = 100_000_000;

/** Builds a finite value (set by the class, whose constructor is private). */
let finite: (negative: boolean, mantissa: bigint, exponent: number) => LongDouble;

export class LongDouble {
  private constructor(
    private readonly kind: Kind,
    /** The sign bit: set for negative numbers, -0 and -inf. */
    readonly negative: boolean,
    /** Significand of a finite value, below 2^64. */
    readonly mantissa: bigint,
    /** Binary exponent of the significand's least significant bit. */
    readonly exponent: number,
  ) {}

  static readonly ZERO = new LongDouble(Kind.Finite, false, 0n, 0);
  static readonly NEGATIVE_ZERO = new LongDouble(Kind.Finite, true, 0n, 0);
  static readonly INFINITY = new LongDouble(Kind.Infinite, false, 0n, 0);
  static readonly NEGATIVE_INFINITY = new LongDouble(Kind.Infinite, true, 0n, 0);
  static readonly NaN = new LongDouble(Kind.NaN, false, 0n, 0);

  static {
    // The module's rounding code builds finite values; nothing outside the module can.
    finite = (negative, mantissa, exponent) => new LongDouble(Kind.Finite, negative, mantissa, exponent);
  }

  /** An integer, rounded to 64 significant bits if it has more (never the case for an int64). */
  static fromInteger(value: number | bigint): LongDouble {
    let v = BigInt(value);
    const negative = v < 0n;
    if (negative) v = -v;
    if (v === 0n) return LongDouble.ZERO;
    if (v < TWO_64) return finite(negative, v, 0);
    return round(negative, v, 1n, 0) ?? (negative ? LongDouble.NEGATIVE_INFINITY : LongDouble.INFINITY);
  }

  /** A double widened to a long double: exact, as C's conversion is. */
  static fromDouble(d: number): LongDouble {
    if (Number.isNaN(d)) return LongDouble.NaN;
    if (d === Infinity) return LongDouble.INFINITY;
    if (d === -Infinity) return LongDouble.NEGATIVE_INFINITY;
    if (d === 0) return Object.is(d, -0) ? LongDouble.NEGATIVE_ZERO : LongDouble.ZERO;
    DOUBLE_VIEW.setFloat64(0, d);
    const hi = DOUBLE_VIEW.getUint32(0);
    const lo = DOUBLE_VIEW.getUint32(4);
    const biased = (hi >>> 20) & 0x7ff;
    const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    // Subnormals have no implicit leading bit and the exponent of the smallest normal.
    if (biased === 0) return finite(d < 0, fraction, -1074);
    return finite(d < 0, fraction | (1n << 52n), biased - 1075);
  }

  /**
   * Redis's string2ld over bytes b[start, end): what strtold reads (an optional sign, then a
   * decimal number with optional exponent, a hexadecimal one such as 0x1.8p3, or inf/infinity
   * in any case), rounded to the nearest long double. Null where Redis refuses the string:
   * empty or MAX_LONG_DOUBLE_CHARS long, a leading space, anything strtold leaves unread, NaN,
   * and values strtold reports out of range (overflow to infinity, underflow to zero). A
   * literal "inf" is accepted; the caller decides what infinity means.
   */
  static parse(b: Uint8Array, start: number, end: number): LongDouble | null {
    const len = end - start;
    if (len === 0 || len >= MAX_LONG_DOUBLE_CHARS) return null;
    let i = start;
    let negative = false;
    if (b[i] === 0x2b || b[i] === 0x2d) {
      negative = b[i] === 0x2d;
      i++;
    }
    if (i === end) return null;
    const first = b[i] | 0x20;
    if (first === 0x69 /* i */) {
      return matchesWord(b, i, end, 'inf') || matchesWord(b, i, end, 'infinity')
        ? negative
          ? LongDouble.NEGATIVE_INFINITY
          : LongDouble.INFINITY
        : null;
    }
    // Every NaN spelling ("nan", "nan(...)") is refused, as is anything else starting with n.
    if (first === 0x6e /* n */) return null;
    if (b[i] === 0x30 && i + 1 < end && (b[i + 1] | 0x20) === 0x78 /* x */) return parseHex(b, i + 2, end, negative);
    return parseDecimal(b, i, end, negative);
  }

  /** parse() over a latin1 string (one char per byte). */
  static parseString(s: string): LongDouble | null {
    return LongDouble.parse(Buffer.from(s, 'latin1'), 0, s.length);
  }

  isNaN(): boolean {
    return this.kind === Kind.NaN;
  }

  /** Neither infinite nor NaN. */
  isFinite(): boolean {
    return this.kind === Kind.Finite;
  }

  isZero(): boolean {
    return this.kind === Kind.Finite && this.mantissa === 0n;
  }

  /** this + other, rounded to nearest (ties to even) as the x87 FPU rounds it. */
  add(other: LongDouble): LongDouble {
    if (this.kind === Kind.NaN || other.kind === Kind.NaN) return LongDouble.NaN;
    if (this.kind === Kind.Infinite || other.kind === Kind.Infinite) {
      if (this.kind === Kind.Infinite && other.kind === Kind.Infinite && this.negative !== other.negative) return LongDouble.NaN;
      return this.kind === Kind.Infinite ? this : other;
    }
    if (other.mantissa === 0n) {
      // -0 + -0 is -0; every other sum with a zero is the other operand (and +0 for 0 + -0).
      return this.mantissa === 0n && this.negative !== other.negative ? LongDouble.ZERO : this;
    }
    if (this.mantissa === 0n) return other;
    const e = Math.min(this.exponent, other.exponent);
    const a = this.mantissa << BigInt(this.exponent - e);
    const c = other.mantissa << BigInt(other.exponent - e);
    const sum = (this.negative ? -a : a) + (other.negative ? -c : c);
    // An exact zero sum is +0 when rounding to nearest.
    if (sum === 0n) return LongDouble.ZERO;
    const negative = sum < 0n;
    return round(negative, negative ? -sum : sum, 1n, e) ?? (negative ? LongDouble.NEGATIVE_INFINITY : LongDouble.INFINITY);
  }

  /** -this. */
  negate(): LongDouble {
    if (this.kind === Kind.NaN) return this;
    return new LongDouble(this.kind, !this.negative, this.mantissa, this.exponent);
  }

  /**
   * printf("%.<digits>Lf"): the exact value rounded half-even to `digits` fractional digits, as
   * glibc prints it ("-0.000" keeps its sign; infinities and NaN as glibc spells them).
   */
  toFixed(digits: number): string {
    if (this.kind === Kind.Infinite) return this.negative ? '-inf' : 'inf';
    if (this.kind === Kind.NaN) return this.negative ? '-nan' : 'nan';
    const sign = this.negative ? '-' : '';
    if (this.exponent >= 0) {
      const integer = (this.mantissa << BigInt(this.exponent)).toString();
      return digits > 0 ? `${sign}${integer}.${'0'.repeat(digits)}` : `${sign}${integer}`;
    }
    const shift = BigInt(-this.exponent);
    const scaled = this.mantissa * 10n ** BigInt(digits);
    let q = scaled >> shift;
    const r = scaled - (q << shift);
    const half = 1n << (shift - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q++;
    let text = q.toString();
    if (digits === 0) return sign + text;
    if (text.length <= digits) text = '0'.repeat(digits - text.length + 1) + text;
    return `${sign}${text.slice(0, text.length - digits)}.${text.slice(text.length - digits)}`;
  }

  /**
   * Redis's ld2string in LD_STR_HUMAN mode, what INCRBYFLOAT replies and stores: "%.17Lf"
   * without trailing zeros (nor a trailing '.'), and "-0" written "0".
   */
  toHumanString(): string {
    if (this.kind === Kind.Infinite) return this.negative ? '-inf' : 'inf';
    let text = this.toFixed(17);
    if (text.indexOf('.') >= 0) {
      let n = text.length;
      while (text.charCodeAt(n - 1) === 0x30) n--;
      if (text.charCodeAt(n - 1) === 0x2e) n--;
      text = text.slice(0, n);
    }
    return text === '-0' ? '0' : text;
  }
}

// ---------------------------------------------------------------------------------------------
// Rounding
// ---------------------------------------------------------------------------------------------

/** Bits of a positive bigint. */
function bitLength(v: bigint): number {
  const hex = v.toString(16);
  return hex.length * 4 - Math.clz32(parseInt(hex[0], 16)) + 28;
}

/**
 * The long double nearest to num / den * 2^scale (num, den > 0), ties to even, with gradual
 * underflow. Null on overflow; zero (with the sign) when the value underflows completely.
 */
function round(negative: boolean, num: bigint, den: bigint, scale: number): LongDouble | null {
  // num / den lies in [2^(d-1), 2^(d+1)) for d below; one comparison decides which half.
  const d = bitLength(num) - bitLength(den);
  const atLeast = d >= 0 ? num >= den << BigInt(d) : num << BigInt(-d) >= den;
  const top = (atLeast ? d : d - 1) + scale;
  let quantum = Math.max(top - (SIGNIFICAND_BITS - 1), MIN_QUANTUM_EXPONENT);
  const shift = scale - quantum;
  let n = num;
  let m = den;
  if (shift >= 0) n <<= BigInt(shift);
  else m <<= BigInt(-shift);
  let q = n / m;
  const twice = (n - q * m) << 1n;
  if (twice > m || (twice === m && (q & 1n) === 1n)) q++;
  if (q === TWO_64) {
    q = TWO_63;
    quantum++;
  }
  if (q === 0n) return negative ? LongDouble.NEGATIVE_ZERO : LongDouble.ZERO;
  if (bitLength(q) + quantum > MAX_BINARY_EXPONENT) return null;
  return finite(negative, q, quantum);
}

// ---------------------------------------------------------------------------------------------
// Parsing (strtold's grammar; the whole string must be consumed)
// ---------------------------------------------------------------------------------------------

function matchesWord(b: Uint8Array, i: number, end: number, word: string): boolean {
  if (end - i !== word.length) return false;
  for (let j = 0; j < word.length; j++) if ((b[i + j] | 0x20) !== word.charCodeAt(j)) return false;
  return true;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/**
 * An optional exponent: `marker` [+-] digits, saturated. Returns [value, next index], or null
 * when the marker is there without digits (strtold would leave it unread).
 */
function parseExponent(b: Uint8Array, i: number, end: number): [number, number] | null {
  let j = i + 1;
  let negative = false;
  if (j < end && (b[j] === 0x2b || b[j] === 0x2d)) {
    negative = b[j] === 0x2d;
    j++;
  }
  if (j === end || !isDigit(b[j])) return null;
  let v = 0;
  for (; j < end && isDigit(b[j]); j++) if (v < EXPONENT_SATURATION) v = v * 10 + (b[j] - 0x30);
  return [negative ? -v : v, j];
}

function parseDecimal(b: Uint8Array, start: number, end: number, negative: boolean): LongDouble | null {
  let i = start;
  let digits = '';
  let seenDigit = false;
  let exponent10 = 0;
  for (; i < end && isDigit(b[i]); i++) {
    seenDigit = true;
    if (digits.length > 0 || b[i] !== 0x30) digits += String.fromCharCode(b[i]);
  }
  if (i < end && b[i] === 0x2e) {
    for (i++; i < end && isDigit(b[i]); i++) {
      seenDigit = true;
      exponent10--;
      if (digits.length > 0 || b[i] !== 0x30) digits += String.fromCharCode(b[i]);
    }
  }
  if (!seenDigit) return null;
  if (i < end && (b[i] | 0x20) === 0x65 /* e */) {
    const exp = parseExponent(b, i, end);
    if (exp === null) return null;
    exponent10 += exp[0];
    i = exp[1];
  }
  if (i !== end) return null;
  if (digits.length === 0) return negative ? LongDouble.NEGATIVE_ZERO : LongDouble.ZERO;
  const magnitude = digits.length + exponent10;
  // Out of range both ways: strtold sets ERANGE and string2ld refuses the value.
  if (magnitude > DECIMAL_OVERFLOW_MAGNITUDE || magnitude <= DECIMAL_UNDERFLOW_MAGNITUDE) return null;
  const m = BigInt(digits);
  const value =
    exponent10 >= 0 ? round(negative, m * 10n ** BigInt(exponent10), 1n, 0) : round(negative, m, 10n ** BigInt(-exponent10), 0);
  return value === null || value.isZero() ? null : value;
}

function parseHex(b: Uint8Array, start: number, end: number, negative: boolean): LongDouble | null {
  let i = start;
  let m = 0n;
  let seenDigit = false;
  let exponent2 = 0;
  for (; i < end && hexValue(b[i]) >= 0; i++) {
    seenDigit = true;
    m = (m << 4n) | BigInt(hexValue(b[i]));
  }
  if (i < end && b[i] === 0x2e) {
    for (i++; i < end && hexValue(b[i]) >= 0; i++) {
      seenDigit = true;
      m = (m << 4n) | BigInt(hexValue(b[i]));
      exponent2 -= 4;
    }
  }
  // "0x" with no digit: strtold reads just the "0" and stops at the x.
  if (!seenDigit) return null;
  if (i < end && (b[i] | 0x20) === 0x70 /* p */) {
    const exp = parseExponent(b, i, end);
    if (exp === null) return null;
    exponent2 += exp[0];
    i = exp[1];
  }
  if (i !== end) return null;
  if (m === 0n) return negative ? LongDouble.NEGATIVE_ZERO : LongDouble.ZERO;
  const top = bitLength(m) + exponent2;
  if (top > MAX_BINARY_EXPONENT + 1) return null;
  if (top < MIN_QUANTUM_EXPONENT - 1) return null;
  const value = round(negative, m, 1n, exponent2);
  return value === null || value.isZero() ? null : value;
}
