import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exactAsin, exactCos, exactSin } from '../../src/types/exact-math.js';
import { Rng } from '../compat/random.js';

/*
 * The reference: fixed-point arithmetic on bigints with 240 fractional bits, far beyond what a
 * double can tell apart, so rounding the reference once gives the correctly rounded double.
 */
const BITS = 240n;
const ONE = 1n << BITS;

/** A double as an exact fixed-point bigint (truncated below 2^-240, far past any double's last bit here). */
function toFixed(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  const shift = BigInt(exponent) + BITS;
  const v = shift >= 0n ? mantissa << shift : mantissa >> -shift;
  return x < 0 ? -v : v;
}

/** The double nearest a fixed-point value. */
function toDouble(v: bigint): number {
  return Number(v) / 2 ** Number(BITS);
}

/** arctan(1/n) by its series, for Machin's formula. */
function arctanInverse(n: bigint): bigint {
  let term = ONE / n;
  let sum = term;
  const n2 = n * n;
  for (let k = 1n; term !== 0n; k++) {
    term /= n2;
    sum += (k % 2n === 1n ? -term : term) / (2n * k + 1n);
  }
  return sum;
}

const PI = 4n * (4n * arctanInverse(5n) - arctanInverse(239n));
const HALF_PI = PI / 2n;

const mul = (a: bigint, b: bigint): bigint => (a * b) >> BITS;

/** sin and cos of a fixed-point value by range reduction and Taylor series. */
function referenceSinCos(x: bigint): [bigint, bigint] {
  const k = (x + HALF_PI / 2n) / HALF_PI - (x < -HALF_PI / 2n ? 1n : 0n);
  const r = x - k * HALF_PI;
  let s = 0n;
  let c = 0n;
  let term = ONE;
  for (let n = 0n; term !== 0n; n++) {
    if (n % 2n === 0n) c += (n / 2n) % 2n === 0n ? term : -term;
    else s += ((n - 1n) / 2n) % 2n === 0n ? term : -term;
    term = mul(term, r) / (n + 1n);
  }
  const q = Number(((k % 4n) + 4n) % 4n);
  return [[s, c, -s, -c][q], [c, -s, -c, s][q]];
}

/** asin of a fixed-point value in [0, 1) by Newton's method on sin. */
function referenceAsin(x: bigint): bigint {
  let z = toFixed(Math.asin(toDouble(x)));
  for (let i = 0; i < 6; i++) {
    const [s, c] = referenceSinCos(z);
    z += ((x - s) << BITS) / c;
  }
  return z;
}

describe('correctly rounded sin, cos and asin', () => {
  it('sin and cos are the doubles nearest the exact values, over [-2pi, 2pi]', () => {
    const rng = new Rng('exact-sin-cos');
    for (let n = 0; n < 1500; n++) {
      const x = (rng.float() * 2 - 1) * 2 * Math.PI * (rng.chance(0.2) ? 1e-6 : 1);
      const [s, c] = referenceSinCos(toFixed(x));
      assert.equal(exactSin(x), toDouble(s), `sin(${x})`);
      assert.equal(exactCos(x), toDouble(c), `cos(${x})`);
    }
  });

  it('asin is the double nearest the exact value, over [0, 1] and close to 1', () => {
    const rng = new Rng('exact-asin');
    for (let n = 0; n < 400; n++) {
      const x = n % 4 === 0 ? 1 - rng.float() * 1e-9 : rng.float();
      assert.equal(exactAsin(x), toDouble(referenceAsin(toFixed(x))), `asin(${x})`);
      assert.equal(exactAsin(-x), -exactAsin(x));
    }
  });

  it('keeps the special values of the C library', () => {
    assert.equal(exactAsin(1), Math.PI / 2);
    assert.equal(exactAsin(0), 0);
    assert.ok(Object.is(exactSin(-0), -0));
    assert.equal(exactCos(0), 1);
    assert.ok(Number.isNaN(exactAsin(1.5)));
    assert.ok(Number.isNaN(exactSin(Infinity)));
  });
});
