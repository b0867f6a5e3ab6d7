/**
 * Glob matching over bytes, as Redis's stringmatchlen (util.c) matches: KEYS, SCAN MATCH, the
 * MATCH of the collection scans, CONFIG GET, pub/sub patterns and ACL key patterns all use it,
 * so its corner cases are visible on the wire and must be Redis's, not a regular expression's.
 *
 * What Redis does that a textbook glob does not:
 * - `[a-z]` ranges work in either order (`[z-a]` is the same class) and compare bytes as C's
 *   signed `char`, so a range reaching past 0x7f behaves as x86 Redis does (`[a-\xff]` holds
 *   0x00-0x61 and 0xff, not 0x80-0xfe).
 * - Inside a class `\x` is the byte x; `[a-]` is the range a..']' and the class goes on; a class
 *   left open at the end of the pattern ends there (`h[ab` is `h[ab]`, `h[` matches nothing,
 *   `h[^` matches any byte).
 * - A trailing lone `\` is a literal backslash.
 * - Pattern bytes are read as if a NUL followed the pattern (Redis's patterns are sds strings).
 * - An empty subject stops the matching loop at once, so `*` alone does not match it (KEYS and
 *   SCAN special-case the pattern "*" before they get here), nor does `**`.
 * - Redis 7.2 gives up (no match) when `*` recursion nests deeper than 1000 levels, so a
 *   pattern like `*?*?*?...` cannot exhaust the stack; and once the rest of a pattern failed to
 *   match anywhere after a `*`, earlier stars stop trying longer matches (no exponential time).
 */

/** Deeper `*` recursion than this gives up with no match (Redis 7.2's CVE-2024-31228 guard). */
const MAX_NESTING = 1000;

/** Set when the rest of the pattern after a `*` matched nowhere; shared by one top-level call. */
let skipLongerMatches = false;

/** C's signed char, as x86 Redis compares bytes in ranges. */
function signedChar(b: number): number {
  return (b << 24) >> 24;
}

/** The pattern byte at `i`, or the NUL that follows an sds pattern. */
function byteAt(pattern: Uint8Array, i: number, pe: number): number {
  return i < pe ? pattern[i] : 0;
}

/** C's tolower() in the "C" locale: only A-Z change. */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function sameByte(a: number, b: number, nocase: boolean): boolean {
  return nocase ? lower(a) === lower(b) : a === b;
}

/**
 * Does subject[ss, se) match the glob pattern[ps, pe)? With `nocase`, ASCII letters match
 * either case (CONFIG GET, ACL patterns).
 */
export function globMatch(
  pattern: Uint8Array,
  ps: number,
  pe: number,
  subject: Uint8Array,
  ss: number,
  se: number,
  nocase = false,
): boolean {
  skipLongerMatches = false;
  return matchFrom(pattern, ps, pe, subject, ss, se, nocase, 0);
}

/** globMatch over latin1 strings (one char per byte), for callers that hold names as strings. */
export function globMatchString(pattern: string, subject: string, nocase = false): boolean {
  const p = Buffer.from(pattern, 'latin1');
  const s = Buffer.from(subject, 'latin1');
  return globMatch(p, 0, p.length, s, 0, s.length, nocase);
}

function matchFrom(
  pattern: Uint8Array,
  p: number,
  pe: number,
  subject: Uint8Array,
  s: number,
  se: number,
  nocase: boolean,
  nesting: number,
): boolean {
  if (nesting > MAX_NESTING) return false;
  while (p < pe && s < se) {
    switch (pattern[p]) {
      case 42: {
        // '*'
        while (p < pe && byteAt(pattern, p + 1, pe) === 42) p++;
        if (pe - p === 1) return true;
        while (s < se) {
          if (matchFrom(pattern, p + 1, pe, subject, s, se, nocase, nesting + 1)) return true;
          if (skipLongerMatches) return false;
          s++;
        }
        skipLongerMatches = true;
        return false;
      }
      case 63: // '?'
        s++;
        break;
      case 91: {
        // '['
        p++;
        const not = byteAt(pattern, p, pe) === 94; // '^'
        if (not) p++;
        let match = false;
        const c = subject[s];
        for (;;) {
          if (byteAt(pattern, p, pe) === 92 && pe - p >= 2) {
            // '\' quotes the next byte, compared exactly even with nocase (as Redis does)
            p++;
            if (pattern[p] === c) match = true;
          } else if (byteAt(pattern, p, pe) === 93) {
            // ']'
            break;
          } else if (p >= pe) {
            // Unterminated: the class ends with the pattern.
            p--;
            break;
          } else if (pe - p >= 3 && pattern[p + 1] === 45) {
            // 'x-y', in either order
            let start = signedChar(pattern[p]);
            let end = signedChar(pattern[p + 2]);
            let sc = signedChar(c);
            if (start > end) {
              const t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = lower(start);
              end = lower(end);
              sc = lower(sc);
            }
            p += 2;
            if (sc >= start && sc <= end) match = true;
          } else if (sameByte(pattern[p], c, nocase)) {
            match = true;
          }
          p++;
        }
        if (not) match = !match;
        if (!match) return false;
        s++;
        break;
      }
      case 92: // '\': the quoted byte (or a trailing '\' itself) is a literal
        if (pe - p >= 2) p++;
        if (!sameByte(pattern[p], subject[s], nocase)) return false;
        s++;
        break;
      default:
        if (!sameByte(pattern[p], subject[s], nocase)) return false;
        s++;
        break;
    }
    p++;
    if (s === se) {
      while (byteAt(pattern, p, pe) === 42) p++;
      break;
    }
  }
  return p >= pe && s === se;
}
