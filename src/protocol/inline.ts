/**
 * Splitting of inline commands (`SET k "hello world"` typed into telnet) into arguments, by the
 * rules of Redis's sdssplitargs: double quotes with \n \r \t \b \a \xHH escapes, single quotes
 * with only \' escaped, and a closing quote that must be followed by a space or the end.
 * redis-cli splits interactive input with the same function, so the CLI shares it too.
 */

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13); // C isspace: \t \n \v \f \r and space
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** The arguments of bytes[start, end), or null on unbalanced quotes. */
export function splitInlineArgs(bytes: Uint8Array, start: number, end: number): Buffer[] | null {
  const args: Buffer[] = [];
  const at = (i: number): number => (i < end ? bytes[i] : 0);
  let p = start;
  for (;;) {
    while (p < end && bytes[p] !== 0 && isSpace(bytes[p])) p++;
    if (at(p) === 0) return args;
    const token: number[] = [];
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      const c = at(p);
      if (inDouble) {
        if (c === 92 && at(p + 1) === 120 && hexValue(at(p + 2)) >= 0 && hexValue(at(p + 3)) >= 0) {
          token.push(hexValue(at(p + 2)) * 16 + hexValue(at(p + 3)));
          p += 3;
        } else if (c === 92 && at(p + 1) !== 0) {
          p++;
          const e = at(p);
          token.push(e === 110 ? 10 : e === 114 ? 13 : e === 116 ? 9 : e === 98 ? 8 : e === 97 ? 7 : e);
        } else if (c === 34) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else {
          token.push(c);
        }
      } else if (inSingle) {
        if (c === 92 && at(p + 1) === 39) {
          p++;
          token.push(39);
        } else if (c === 39) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else {
          token.push(c);
        }
      } else if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0) {
        done = true;
      } else if (c === 34) {
        inDouble = true;
      } else if (c === 39) {
        inSingle = true;
      } else {
        token.push(c);
      }
      if (c !== 0) p++;
    }
    args.push(Buffer.from(token));
  }
}
