/**
 * Number formatting exactly as Redis prints numbers on the wire.
 *
 * JavaScript's own number-to-string rules differ from C's printf in where they switch to
 * exponent notation and how they spell the exponent, so Redis's "%.17g" is rebuilt here from
 * toExponential/toFixed, which round correctly like glibc does.
 */

/** C's `printf("%.<precision>g", d)` for finite `d`. */
export function formatG(d: number, precision: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const exp = d.toExponential(precision - 1);
  const e = exp.indexOf('e');
  const x = Number(exp.slice(e + 1));
  if (x < -4 || x >= precision) {
    let mantissa = exp.slice(0, e);
    if (mantissa.indexOf('.') >= 0) mantissa = mantissa.replace(/\.?0+$/, '');
    const ax = Math.abs(x);
    return `${mantissa}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' : ''}${ax}`;
  }
  let fixed = d.toFixed(precision - 1 - x);
  if (fixed.indexOf('.') >= 0) fixed = fixed.replace(/\.?0+$/, '');
  return fixed;
}

/** A double as Redis 7.0 replies it (`addReplyDouble`: "%.17g", and inf/-inf/nan spelled out). */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  return formatG(d, 17);
}
