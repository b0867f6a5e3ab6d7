/**
 * LZF, the compression of strings in RDB files and DUMP payloads (liblzf 3.6 as Redis builds it:
 * HLOG 16, VERY_FAST). The format:
 *
 *   000LLLLL <L+1 bytes>        a literal run of 1..32 bytes
 *   LLLooooo oooooooo           a back reference of L+2 (3..8) bytes at distance o+1 (1..8192)
 *   111ooooo LLLLLLLL oooooooo  a back reference of L+9 (9..264) bytes at distance o+1
 *
 * Decompression is exact and checks every reference. Compression follows lzf_compress step for
 * step with a clean hash table; Redis's table is left uninitialised on the stack (INIT_HTAB 0),
 * so a stale slot there can, rarely, make it find a match this one does not. Both outputs
 * decompress to the same bytes; they are not always the same bytes.
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/** Hash slots: input position + 1 of the last place each 3-byte hash was seen, 0 for none. */
const table = new Int32Array(HSIZE);

const idx = (h: number): number => ((h >>> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1);

/**
 * lzf_compress: src[start, end) into out, at most `outMax` bytes. Returns the compressed
 * length, or 0 when it would not fit (the caller then stores the bytes as they are).
 */
export function lzfCompress(src: Uint8Array, start: number, end: number, out: Uint8Array, outMax: number): number {
  const inLen = end - start;
  if (inLen === 0 || outMax === 0) return 0;
  table.fill(0);
  const outEnd = Math.min(outMax, out.length);
  let ip = start;
  let op = 0;
  let lit = 0;
  op++; // start a literal run
  // FRST/NEXT shift bytes into an unsigned 32-bit value (older bytes stay in its top bits and
  // take part in IDX), as in C.
  let hval = (src[ip] << 8) | src[ip + 1];
  while (ip < end - 2) {
    hval = ((hval << 8) | src[ip + 2]) >>> 0;
    const slot = idx(hval);
    const ref = table[slot] - 1;
    table[slot] = ip + 1;
    const off = ip - ref - 1;
    if (ref > start && off >= 0 && off < MAX_OFF && src[ref + 2] === src[ip + 2] && src[ref] === src[ip] && src[ref + 1] === src[ip + 1]) {
      let len = 2;
      let maxlen = end - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= outEnd && op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) return 0;
      out[op - lit - 1] = lit - 1; // stop the run
      if (lit === 0) op--; // undo an empty run
      // The C loop checks sixteen bytes unrolled before it looks at maxlen again: near the end
      // of the input that makes a match one or two bytes longer than maxlen, and so here.
      let unrolled = 0;
      if (maxlen > 16) {
        for (; unrolled < 16; unrolled++) {
          len++;
          if (src[ref + len] !== src[ip + len]) break;
        }
      }
      if (maxlen <= 16 || unrolled === 16) {
        do len++;
        while (len < maxlen && src[ref + len] === src[ip + len]);
      }
      len -= 2; // the format stores the match length minus 2
      ip++;
      if (len < 7) {
        out[op++] = (off >>> 8) + (len << 5);
      } else {
        out[op++] = (off >>> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start a run
      ip += len + 1;
      if (ip >= end - 2) break;
      // VERY_FAST: hash the two positions before the new one.
      ip -= 2;
      hval = (src[ip] << 8) | src[ip + 1];
      hval = ((hval << 8) | src[ip + 2]) >>> 0;
      table[idx(hval)] = ip + 1;
      ip++;
      hval = ((hval << 8) | src[ip + 2]) >>> 0;
      table[idx(hval)] = ip + 1;
      ip++;
    } else {
      if (op >= outEnd) return 0;
      lit++;
      out[op++] = src[ip++];
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outEnd) return 0;
  while (ip < end) {
    lit++;
    out[op++] = src[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1; // end the run
  if (lit === 0) op--;
  return op;
}

/**
 * lzf_decompress: src[start, end) into out[0, outLen). Returns the number of bytes written, or
 * -1 for a corrupt input (a run or reference past either end).
 */
export function lzfDecompress(src: Uint8Array, start: number, end: number, out: Uint8Array, outLen: number): number {
  let ip = start;
  let op = 0;
  while (ip < end) {
    const ctrl = src[ip++];
    if (ctrl < 1 << 5) {
      const n = ctrl + 1;
      if (op + n > outLen || ip + n > end) return -1;
      for (let k = 0; k < n; k++) out[op++] = src[ip++];
    } else {
      let len = ctrl >>> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= end) return -1;
      if (len === 7) {
        len += src[ip++];
        if (ip >= end) return -1;
      }
      ref -= src[ip++];
      len += 2;
      if (op + len > outLen || ref < 0) return -1;
      // Byte by byte: a reference may overlap what it writes (a run of one byte repeated).
      for (let k = 0; k < len; k++) out[op++] = out[ref++];
    }
  }
  return op;
}
