/**
 * The request side of RESP for clients: every command goes out as a multibulk array of bulk
 * strings, the one request form every Redis server accepts for any bytes (inline commands cannot
 * carry spaces, quotes or binary). The whole request is measured first and written into one
 * Buffer, so a command costs one allocation however many arguments it has.
 */

export type CommandArg = string | Buffer | number | bigint;

function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/** `*<n>\r\n$<len>\r\n<arg>\r\n...`, strings UTF-8 encoded, numbers in decimal. */
export function encodeCommand(args: readonly CommandArg[]): Buffer {
  const count = args.length;
  const parts: (string | Buffer)[] = new Array(count);
  const lengths: number[] = new Array(count);
  let size = 1 + digits(count) + 2;
  for (let i = 0; i < count; i++) {
    const a = args[i];
    const part = typeof a === 'number' || typeof a === 'bigint' ? String(a) : a;
    const length = typeof part === 'string' ? Buffer.byteLength(part, 'utf8') : part.length;
    parts[i] = part;
    lengths[i] = length;
    size += 1 + digits(length) + 2 + length + 2;
  }
  const out = Buffer.allocUnsafe(size);
  let p = out.write(`*${count}\r\n`, 0, 'latin1');
  for (let i = 0; i < count; i++) {
    const part = parts[i];
    p += out.write(`$${lengths[i]}\r\n`, p, 'latin1');
    p += typeof part === 'string' ? out.write(part, p, 'utf8') : part.copy(out, p);
    out[p++] = 13;
    out[p++] = 10;
  }
  return out;
}
