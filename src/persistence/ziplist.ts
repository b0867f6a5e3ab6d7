/**
 * The compact encodings of Redis before 7.0, read only (RDB files and DUMP payloads of Redis
 * 2.6 to 6.2 hold them; Redis 7 converts them on load, and so does cachica):
 *
 * - ziplist (ziplist.c): zlbytes (u32), zltail (u32), zllen (u16), entries, 0xFF. An entry is
 *   its predecessor's length (1 byte, or 0xFE and a u32), an encoding, then the data: strings
 *   of 6, 14 (big-endian) or 32 bits (big-endian) of length; integers of 8, 16, 24, 32 or 64
 *   bits (little-endian); or 0..12 held in the encoding byte itself.
 * - zipmap (zipmap.c, hashes before 2.6): a count byte, then per pair the field's length, the
 *   field, the value's length, a free-space byte, the value and that many unused bytes; 0xFF.
 *   A length is one byte under 254, else 254 and a u32.
 *
 * Every entry is checked to lie within the image and every prevlen to match the entry before
 * (ziplistValidateIntegrity with deep checks): a damaged image is an RdbFormatError, never data.
 */

import { RdbFormatError } from './rdb-encoding.js';

const ZIP_END = 0xff;
const ZIP_BIG_PREVLEN = 0xfe;

function latin1(b: Uint8Array, start: number, end: number): string {
  return Buffer.prototype.latin1Slice.call(b, start, end) as string;
}

/** The entries of ziplist image `b`, as latin1 strings (integers in decimal). */
export function ziplistElements(b: Uint8Array, at: number): string[] {
  const damaged = (what: string): RdbFormatError => new RdbFormatError(`ziplist image is damaged: ${what}`, at);
  const size = b.length;
  if (size < 11) throw damaged('too short');
  const view = new DataView(b.buffer, b.byteOffset, size);
  if (view.getUint32(0, true) !== size) throw damaged('its header does not match its size');
  const tail = view.getUint32(4, true);
  const declared = view.getUint16(8, true);
  if (b[size - 1] !== ZIP_END || tail > size - 1) throw damaged('no end marker');
  const out: string[] = [];
  let p = 10;
  let prevSize = 0;
  let last = -1;
  while (b[p] !== ZIP_END) {
    const start = p;
    // The predecessor's size, as this entry records it.
    let prevlen: number;
    if (b[p] < ZIP_BIG_PREVLEN) prevlen = b[p++];
    else {
      if (b[p] !== ZIP_BIG_PREVLEN || p + 5 > size) throw damaged('bad prevlen');
      prevlen = view.getUint32(p + 1, true);
      p += 5;
    }
    if (prevlen !== prevSize) throw damaged('prevlen does not match the entry before');
    if (p >= size) throw damaged('entry beyond the end');
    const enc = b[p];
    let dataStart: number;
    let dataEnd: number;
    let value: string;
    if (enc >> 6 === 0) {
      dataStart = p + 1;
      dataEnd = dataStart + (enc & 0x3f);
      value = '';
    } else if (enc >> 6 === 1) {
      if (p + 2 > size) throw damaged('entry beyond the end');
      dataStart = p + 2;
      dataEnd = dataStart + (((enc & 0x3f) << 8) | b[p + 1]);
      value = '';
    } else if (enc === 0x80) {
      if (p + 5 > size) throw damaged('entry beyond the end');
      dataStart = p + 5;
      dataEnd = dataStart + view.getUint32(p + 1, false);
      value = '';
    } else {
      dataStart = p + 1;
      switch (enc) {
        case 0xc0:
          dataEnd = dataStart + 2;
          break;
        case 0xd0:
          dataEnd = dataStart + 4;
          break;
        case 0xe0:
          dataEnd = dataStart + 8;
          break;
        case 0xf0:
          dataEnd = dataStart + 3;
          break;
        case 0xfe:
          dataEnd = dataStart + 1;
          break;
        default:
          if (enc >= 0xf1 && enc <= 0xfd) dataEnd = dataStart;
          else throw damaged(`unknown encoding 0x${enc.toString(16)}`);
      }
      if (dataEnd > size - 1) throw damaged('entry beyond the end');
      value = String(ziplistInt(view, enc, dataStart));
      out.push(value);
      prevSize = dataEnd - start;
      last = start;
      p = dataEnd;
      continue;
    }
    if (dataEnd > size - 1) throw damaged('entry beyond the end');
    out.push(latin1(b, dataStart, dataEnd));
    prevSize = dataEnd - start;
    last = start;
    p = dataEnd;
  }
  if (p !== size - 1) throw damaged('data after the end marker');
  if (out.length > 0 && last !== tail) throw damaged('zltail does not point at the last entry');
  if (declared !== 0xffff && declared !== out.length) throw damaged('zllen does not match its entries');
  return out;
}

function ziplistInt(view: DataView, enc: number, p: number): number | bigint {
  switch (enc) {
    case 0xc0:
      return view.getInt16(p, true);
    case 0xd0:
      return view.getInt32(p, true);
    case 0xe0: {
      const v = view.getBigInt64(p, true);
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    case 0xf0: {
      const u = view.getUint8(p) | (view.getUint8(p + 1) << 8) | (view.getUint8(p + 2) << 16);
      return (u << 8) >> 8; // sign-extend 24 bits
    }
    case 0xfe:
      return view.getInt8(p);
    default:
      return (enc & 0x0f) - 1;
  }
}

/** The field-value pairs of zipmap image `b`. */
export function zipmapPairs(b: Uint8Array, at: number): string[] {
  const damaged = (what: string): RdbFormatError => new RdbFormatError(`zipmap image is damaged: ${what}`, at);
  const size = b.length;
  if (size < 2 || b[size - 1] !== ZIP_END) throw damaged('no end marker');
  const view = new DataView(b.buffer, b.byteOffset, size);
  const out: string[] = [];
  let p = 1;
  const length = (): number => {
    if (p >= size) throw damaged('entry beyond the end');
    if (b[p] < 254) return b[p++];
    if (b[p] !== 254 || p + 5 > size) throw damaged('bad length');
    const n = view.getUint32(p + 1, true);
    p += 5;
    return n;
  };
  while (p < size && b[p] !== ZIP_END) {
    const fieldLen = length();
    if (p + fieldLen > size - 1) throw damaged('field beyond the end');
    const field = latin1(b, p, p + fieldLen);
    p += fieldLen;
    const valueLen = length();
    if (p >= size) throw damaged('entry beyond the end');
    const free = b[p++];
    if (p + valueLen + free > size - 1) throw damaged('value beyond the end');
    out.push(field, latin1(b, p, p + valueLen));
    p += valueLen + free;
  }
  if (p !== size - 1) throw damaged('data after the end marker');
  if (b[0] < 254 && b[0] !== out.length / 2) throw damaged('its count does not match its pairs');
  return out;
}
