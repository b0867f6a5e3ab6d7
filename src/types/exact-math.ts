/**
 * sin, cos and asin rounded correctly, as glibc's libm returns them in practice.
 *
 * V8's Math.sin, Math.cos and Math.asin (fdlibm) are within one unit in the last place but not
 * always the nearest double; glibc's are the nearest double but in cases too rare to meet. Where
 * cachica must return the very double Redis computes (a distance stored by GEOSEARCHSTORE
 * STOREDIST, a point exactly on the edge of a search) it uses these: each function is evaluated
 * in double-double arithmetic (about 106 bits) and rounded once.
 *
 * They are about twenty times slower than the Math ones, so the geo code uses them only where
 * the last bit shows.
 */

// ---------------------------------------------------------------------------------------------
// Double-double arithmetic: a value hi + lo with |lo| <= ulp(hi) / 2
// ---------------------------------------------------------------------------------------------

let rh = 0;
let rl = 0;

/** Veltkamp's split constant for 53-bit doubles: 2^27 + 1. */
const SPLITTER = 134217729;

/** The exact product a * b as rh + rl (Dekker). */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  rh = p;
  rl = ah * bh - p + ah * bl + al * bh + al * bl;
}

/** The exact sum a + b as rh + rl (Knuth). */
function twoSum(a: number, b: number): void {
  const s = a + b;
  const bb = s - a;
  rh = s;
  rl = a - (s - bb) + (b - bb);
}

/** (ah, al) + (bh, bl) into rh, rl. */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  twoSum(ah, bh);
  const sh = rh;
  const sl = rl + al + bl;
  rh = sh + sl;
  rl = sl - (rh - sh);
}

/** (ah, al) * (bh, bl) into rh, rl. */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const ph = rh;
  const pl = rl + (ah * bl + al * bh);
  rh = ph + pl;
  rl = pl - (rh - ph);
}

/** (ah, al) / (bh, bl) into rh, rl: one correction step after the double quotient. */
function ddDiv(ah: number, al: number, bh: number, bl: number): void {
  const q1 = ah / bh;
  ddMul(q1, 0, bh, bl);
  ddAdd(ah, al, -rh, -rl);
  const q2 = rh / bh;
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
      h = rh;
      l = rl;
    }
    INV_FACT_HI.push(h);
    INV_FACT_LO.push(l);
  }
}

/**
 * sin(r) (odd: true) or cos(r) (odd: false) for |r| <= pi/4 given as rh0 + rl0, by Taylor series
 * in r^2 with Horner's rule, into rh, rl. Terms to 1/27! keep the error near 2^-110.
 */
function taylor(r0h: number, r0l: number, odd: boolean): void {
  ddMul(r0h, r0l, r0h, r0l);
  const x2h = rh;
  const x2l = rl;
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
    ddAdd(rh, rl, sign * INV_FACT_HI[last], sign * INV_FACT_LO[last]);
    sh = rh;
    sl = rl;
  }
  if (odd) ddMul(sh, sl, r0h, r0l);
  else {
    rh = sh;
    rl = sl;
  }
}

// pi/2 in three parts, 53 + 53 + 53 bits.
const PIO2_1 = 1.5707963267948966;
const PIO2_2 = 6.123233995736766e-17;
const PIO2_3 = -1.4973849048591698e-33;

/** sin (quadrant 0) or cos (quadrant 1) of x, |x| up to a few thousand, into rh, rl. */
function sinCos(x: number, quadrantShift: number): void {
  const k = Math.round(x / PIO2_1);
  // r = x - k * pi/2, with every product exact for the small k met here.
  twoProd(k, PIO2_1);
  const p1h = rh;
  const p1l = rl;
  twoSum(x, -p1h);
  ddAdd(rh, rl, -p1l, 0);
  let r0h = rh;
  let r0l = rl;
  twoProd(k, PIO2_2);
  ddAdd(r0h, r0l, -rh, -rl);
  r0h = rh;
  r0l = rl;
  twoProd(k, PIO2_3);
  ddAdd(r0h, r0l, -rh, -rl);
  r0h = rh;
  r0l = rl;
  const quadrant = (((k + quadrantShift) % 4) + 4) % 4;
  taylor(r0h, r0l, quadrant % 2 === 0);
  if (quadrant >= 2) {
    rh = -rh;
    rl = -rl;
  }
}

const round = (): number => rh + rl;

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
  ddAdd(x, 0, -rh, -rl);
  const nh = rh;
  const nl = rl;
  sinCos(z, 1);
  ddDiv(nh, nl, rh, rl);
  ddAdd(z, 0, rh, rl);
  return round();
}
