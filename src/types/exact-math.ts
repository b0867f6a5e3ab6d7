/**
 * sin, cos and asin rounded correctly, as glibc's libm returns them in practice.
 *
 * V8's Math.sin, Math.cos and Math.asin (fdlibm) are within one unit in the last place but not
 * always the nearest double; glibc's are the nearest double but in cases too rare to meet. Where
 * cachica must return the very double Redis computes (a distance stored by GEOSEARCHSTORE
 * STOREDIST, a point exactly on the edge of a search) it uses these: each function is evaluated
 * in double-double arithmetic (about 106 bits) and rounded once.
 *
 * They cost 0.4-1 us a call, ten to forty times the Math ones, so the geo code uses them only
 * where the last bit shows.
 */

// ---------------------------------------------------------------------------------------------
// Double-double arithmetic: a value hi + lo with |lo| <= ulp(hi) / 2
// ---------------------------------------------------------------------------------------------

// The result of each operation, in a typed array: module-level `let`s cost V8 several times
// the arithmetic (the geo decode measured 135 ns against 19 ns).
const R = new Float64Array(2);

/** Veltkamp's split constant for 53-bit doubles: 2^27 + 1. */
const SPLITTER = 134217729;

/** The exact product a * b as R[0] + R[1] (Dekker). */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  R[0] = p;
  R[1] = ah * bh - p + ah * bl + al * bh + al * bl;
}

/** The exact sum a + b as R[0] + R[1] (Knuth). */
function twoSum(a: number, b: number): void {
  const s = a + b;
  const bb = s - a;
  R[0] = s;
  R[1] = a - (s - bb) + (b - bb);
}

/** (ah, al) + (bh, bl) into R[0], R[1]. */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  twoSum(ah, bh);
  const sh = R[0];
  const sl = R[1] + al + bl;
  R[0] = sh + sl;
  R[1] = sl - (R[0] - sh);
}

/** (ah, al) * (bh, bl) into R[0], R[1]. */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const ph = R[0];
  const pl = R[1] + (ah * bl + al * bh);
  R[0] = ph + pl;
  R[1] = pl - (R[0] - ph);
}

/** (ah, al) / (bh, bl) into R[0], R[1]: one correction step after the double quotient. */
function ddDiv(ah: number, al: number, bh: number, bl: number): void {
  const q1 = ah / bh;
  ddMul(q1, 0, bh, bl);
  ddAdd(ah, al, -R[0], -R[1]);
  const q2 = R[0] / bh;
  twoSum(q1, q2);
}

// ---------------------------------------------------------------------------------------------
// Series
// ---------------------------------------------------------------------------------------------

/** 1/n! as double-doubles, n = 0..29. */
const INV_FACT_HI: number[] = [];
const INV_FACT_LO: number[] = [];
{
  let h = 1;
  let l = 0;
  for (let n = 0; n < 30; n++) {
    if (n > 0) {
      ddDiv(h, l, n, 0);
      h = R[0];
      l = R[1];
    }
    INV_FACT_HI.push(h);
    INV_FACT_LO.push(l);
  }
}

/**
 * sin(r) (odd: true) or cos(r) (odd: false) for |r| <= pi/4 given as rh0 + rl0, by Taylor series
 * in r^2 with Horner's rule, into R[0], R[1]. Terms to 1/27! keep the error near 2^-110.
 */
function taylor(r0h: number, r0l: number, odd: boolean): void {
  ddMul(r0h, r0l, r0h, r0l);
  const x2h = R[0];
  const x2l = R[1];
  const first = odd ? 1 : 0;
  let last = odd ? 27 : 28;
  // Horner from the highest term: sum = c_last; sum = sum * x^2 +/- c_(n-2) ...
  let sh = INV_FACT_HI[last];
  let sl = INV_FACT_LO[last];
  let sign = ((last - first) / 2) % 2 === 0 ? 1 : -1;
  sh *= sign;
  sl *= sign;
  for (last -= 2; last >= first; last -= 2) {
    sign = -sign;
    ddMul(sh, sl, x2h, x2l);
    ddAdd(R[0], R[1], sign * INV_FACT_HI[last], sign * INV_FACT_LO[last]);
    sh = R[0];
    sl = R[1];
  }
  if (odd) ddMul(sh, sl, r0h, r0l);
  else {
    R[0] = sh;
    R[1] = sl;
  }
}

// pi/2 in three parts, 53 + 53 + 53 bits.
const PIO2_1 = 1.5707963267948966;
const PIO2_2 = 6.123233995736766e-17;
const PIO2_3 = -1.4973849048591698e-33;

/** sin (quadrant 0) or cos (quadrant 1) of x, |x| up to a few thousand, into R[0], R[1]. */
function sinCos(x: number, quadrantShift: number): void {
  const k = Math.round(x / PIO2_1);
  // r = x - k * pi/2, with every product exact for the small k met here.
  twoProd(k, PIO2_1);
  const p1h = R[0];
  const p1l = R[1];
  twoSum(x, -p1h);
  ddAdd(R[0], R[1], -p1l, 0);
  let r0h = R[0];
  let r0l = R[1];
  twoProd(k, PIO2_2);
  ddAdd(r0h, r0l, -R[0], -R[1]);
  r0h = R[0];
  r0l = R[1];
  twoProd(k, PIO2_3);
  ddAdd(r0h, r0l, -R[0], -R[1]);
  r0h = R[0];
  r0l = R[1];
  const quadrant = (((k + quadrantShift) % 4) + 4) % 4;
  taylor(r0h, r0l, quadrant % 2 === 0);
  if (quadrant >= 2) {
    R[0] = -R[0];
    R[1] = -R[1];
  }
}

const round = (): number => R[0] + R[1];

/** sin(x), the double nearest the exact value. */
export function exactSin(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  if (x === 0) return x;
  if (Math.abs(x) > 1e4) return Math.sin(x);
  sinCos(x, 0);
  return round();
}

/** cos(x), the double nearest the exact value. */
export function exactCos(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  if (Math.abs(x) > 1e4) return Math.cos(x);
  sinCos(x, 1);
  return round();
}

/** asin(x), the double nearest the exact value: Newton's step from Math.asin in double-double. */
export function exactAsin(x: number): number {
  if (Number.isNaN(x) || x > 1 || x < -1) return NaN;
  if (x === 0 || x === 1 || x === -1) return Math.asin(x);
  const z = Math.asin(x);
  // z1 = z + (x - sin z) / cos z
  sinCos(z, 0);
  ddAdd(x, 0, -R[0], -R[1]);
  const nh = R[0];
  const nl = R[1];
  sinCos(z, 1);
  ddDiv(nh, nl, R[0], R[1]);
  ddAdd(z, 0, R[0], R[1]);
  return round();
}
