/**
 * The `struct` library Redis gives scripts (Roberto Ierusalimschy's struct 0.2 as Redis vendors
 * it): struct.pack, struct.unpack and struct.size, for the x86-64 Linux layout Redis is built
 * for (short 2, int 4, long and size_t 8 bytes; native order little-endian; `!` aligns to at
 * most 8).
 *
 * Formats: `>` `<` set the byte order, `!n` the alignment; `x` a pad byte; `b`/`B` `h`/`H`
 * `l`/`L` `T` `i[n]`/`I[n]` integers (lower case signed); `f` `d` floats; `s` a zero-terminated
 * string; `cn` n bytes (`c0`: the whole string when packing, a length given by the previous
 * value when unpacking). Integers go through a double, as Lua 5.1's numbers do, and wrap to
 * 64 bits.
 */

import { ByteBuilder } from '../protocol/byte-builder.js';
import { Lua, LuaType } from './lua.js';

const MAX_INT_SIZE = 32;
/** The integer options (lower case signed). */
const INTEGER_OPTIONS = 'bBhHlLTiI';
const MAX_ALIGN = 8;
const FLOAT = new DataView(new ArrayBuffer(8));

interface Header {
  little: boolean;
  align: number;
}

/** A format being read: the text and where the next option is. */
class Format {
  pos = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length || this.text.charCodeAt(this.pos) === 0;
  }

  /** The number that follows, or `fallback` when none does. */
  number(lua: Lua, fallback: number): number {
    if (!isDigit(this.text, this.pos)) return fallback;
    let a = 0;
    do {
      const d = this.text.charCodeAt(this.pos) - 48;
      if (a > Math.floor(2147483647 / 10) || a * 10 > 2147483647 - d) lua.error('integral size overflow');
      a = a * 10 + d;
      this.pos++;
    } while (isDigit(this.text, this.pos));
    return a;
  }
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

export function openStruct(lua: Lua): void {
  lua.newTable();
  lua.pushFunction(pack);
  lua.setField(-2, 'pack');
  lua.pushFunction(unpack);
  lua.setField(-2, 'unpack');
  lua.pushFunction(size);
  lua.setField(-2, 'size');
  lua.setGlobal('struct');
}

/** optsize: the bytes option `opt` takes (reading its size digits from the format). */
function optionSize(lua: Lua, opt: string, fmt: Format): number {
  switch (opt) {
    case 'B':
    case 'b':
    case 'x':
      return 1;
    case 'H':
    case 'h':
      return 2;
    case 'L':
    case 'l':
    case 'T':
    case 'd':
      return 8;
    case 'f':
      return 4;
    case 'c':
      return fmt.number(lua, 1);
    case 'i':
    case 'I': {
      const n = fmt.number(lua, 4);
      if (n > MAX_INT_SIZE) lua.error(`integral size ${n} is larger than limit of ${MAX_INT_SIZE}`);
      return n;
    }
    default:
      return 0;
  }
}

/** gettoalign: padding before an option of `size` bytes at offset `len`. */
function padding(len: number, h: Header, opt: string, size: number): number {
  if (size === 0 || opt === 'c') return 0;
  if (size > h.align) size = h.align;
  return (size - (len & (size - 1))) & (size - 1);
}

/** controloptions: order, alignment and spaces; anything else is an invalid option. */
function control(lua: Lua, opt: string, fmt: Format, h: Header, fname: string): void {
  switch (opt) {
    case ' ':
      return;
    case '>':
      h.little = false;
      return;
    case '<':
      h.little = true;
      return;
    case '!': {
      const a = fmt.number(lua, MAX_ALIGN);
      if (a <= 0 || (a & (a - 1)) !== 0) lua.error(`alignment ${a} is not a power of 2`);
      h.align = a;
      return;
    }
    default:
      lua.argError(1, fname, `invalid format option '${opt}'`);
  }
}

/** A number argument of pack; past the last argument C's pack sees the nil it pushed there. */
function packNumber(lua: Lua, arg: number): number {
  if (lua.type(arg) === LuaType.None) lua.argError(arg, 'pack', 'number expected, got nil');
  return lua.checkNumber(arg, 'pack');
}

function checkFormat(lua: Lua, fname: string): Format {
  return new Format(lua.checkBytes(1, fname).toString('latin1'));
}

function pack(lua: Lua): number {
  const fmt = checkFormat(lua, 'pack');
  const h: Header = { little: true, align: 1 };
  const out = new ByteBuilder();
  let arg = 2;
  let total = 0;
  while (!fmt.done) {
    const opt = fmt.text[fmt.pos++];
    let size = optionSize(lua, opt, fmt);
    const pad = padding(total, h, opt, size);
    total += pad;
    for (let i = 0; i < pad; i++) out.byte(0);
    if (INTEGER_OPTIONS.includes(opt)) {
      putInteger(out, packNumber(lua, arg++), h.little, size);
      total += size;
      continue;
    }
    switch (opt) {
      case 'x':
        out.byte(0);
        break;
      case 'f':
        FLOAT.setFloat32(0, packNumber(lua, arg++), h.little);
        for (let i = 0; i < 4; i++) out.byte(FLOAT.getUint8(i));
        break;
      case 'd':
        FLOAT.setFloat64(0, packNumber(lua, arg++), h.little);
        for (let i = 0; i < 8; i++) out.byte(FLOAT.getUint8(i));
        break;
      case 'c':
      case 's': {
        if (lua.type(arg) === LuaType.None) lua.argError(arg, 'pack', 'string expected, got nil');
        const s = lua.checkBytes(arg++, 'pack');
        if (size === 0) size = s.length;
        if (s.length < size) lua.argError(arg, 'pack', 'string too short');
        out.bytes(s.subarray(0, size));
        if (opt === 's') {
          out.byte(0);
          size++;
        }
        break;
      }
      default:
        control(lua, opt, fmt, h, 'pack');
    }
    total += size;
  }
  lua.pushString(out.view);
  return 1;
}

/** An integer of `size` bytes; a negative number is taken as its 64-bit two's complement. */
function putInteger(out: ByteBuilder, n: number, little: boolean, size: number): void {
  // C's conversion of a double to an integer truncates; out of range it is undefined, and x86
  // gives the "integer indefinite" value 2^63.
  const t = Math.trunc(n);
  let value = Number.isFinite(t) && Math.abs(t) < 2 ** 64 ? BigInt.asUintN(64, BigInt(t)) : 1n << 63n;
  const bytes = new Array<number>(size).fill(0);
  for (let i = 0; i < size; i++) {
    bytes[little ? i : size - 1 - i] = Number(value & 0xffn);
    value >>= 8n;
  }
  for (const b of bytes) out.byte(b);
}

function getInteger(data: Buffer, at: number, little: boolean, signed: boolean, size: number): number {
  let v = 0n;
  for (let i = 0; i < size; i++) {
    const b = data[little ? at + size - 1 - i : at + i];
    v = BigInt.asUintN(64, (v << 8n) | BigInt(b));
  }
  if (!signed) return Number(v);
  if (size * 8 - 1 < 64) {
    const mask = BigInt.asUintN(64, ~0n << BigInt(size * 8 - 1));
    if ((v & mask) !== 0n) v |= mask;
  }
  return Number(BigInt.asIntN(64, v));
}

function unpack(lua: Lua): number {
  const fmt = checkFormat(lua, 'unpack');
  const data = lua.checkBytes(2, 'unpack');
  const t = lua.type(3);
  let pos = t === LuaType.None || t === LuaType.Nil ? 1 : Math.trunc(lua.checkNumber(3, 'unpack'));
  if (pos <= 0) lua.argError(3, 'unpack', 'offset must be 1 or greater');
  pos--;
  const h: Header = { little: true, align: 1 };
  let n = 0;
  const ld = data.length;
  while (!fmt.done) {
    const opt = fmt.text[fmt.pos++];
    let size = optionSize(lua, opt, fmt);
    pos += padding(pos, h, opt, size);
    if (!(size <= ld && pos <= ld - size)) lua.argError(2, 'unpack', 'data string too short');
    if (!lua.checkStack(2)) lua.error('stack overflow (too many results)');
    if (INTEGER_OPTIONS.includes(opt)) {
      lua.pushDouble(getInteger(data, pos, h.little, opt === opt.toLowerCase(), size));
      n++;
      pos += size;
      continue;
    }
    switch (opt) {
      case 'x':
        break;
      case 'f':
        lua.pushDouble(h.little ? data.readFloatLE(pos) : data.readFloatBE(pos));
        n++;
        break;
      case 'd':
        lua.pushDouble(h.little ? data.readDoubleLE(pos) : data.readDoubleBE(pos));
        n++;
        break;
      case 'c':
        if (size === 0) {
          if (n === 0 || lua.type(-1) !== LuaType.Number) lua.error("format 'c0' needs a previous size");
          size = Math.trunc(lua.toDouble(-1));
          lua.pop(1);
          n--;
          if (!(size <= ld && pos <= ld - size)) lua.argError(2, 'unpack', 'data string too short');
        }
        lua.pushString(data.subarray(pos, pos + size));
        n++;
        break;
      case 's': {
        const end = data.indexOf(0, pos);
        if (end < 0) lua.error('unfinished string in data');
        size = end - pos + 1;
        lua.pushString(data.subarray(pos, end));
        n++;
        break;
      }
      default:
        control(lua, opt, fmt, h, 'unpack');
    }
    pos += size;
  }
  lua.pushInteger(pos + 1);
  return n + 1;
}

function size(lua: Lua): number {
  const fmt = checkFormat(lua, 'size');
  const h: Header = { little: true, align: 1 };
  let pos = 0;
  while (!fmt.done) {
    const opt = fmt.text[fmt.pos++];
    const n = optionSize(lua, opt, fmt);
    pos += padding(pos, h, opt, n);
    if (opt === 's') lua.argError(1, 'size', "option 's' has no fixed size");
    else if (opt === 'c' && n === 0) lua.argError(1, 'size', "option 'c0' has no fixed size");
    if (!/[0-9A-Za-z]/.test(opt)) control(lua, opt, fmt, h, 'size');
    pos += n;
  }
  lua.pushInteger(pos);
  return 1;
}
