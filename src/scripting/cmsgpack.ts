/**
 * The `cmsgpack` library Redis gives scripts (lua-cmsgpack 0.4.0): pack, unpack, unpack_one,
 * unpack_limit, with Lua 5.1's view of numbers.
 *
 * - A number that is a whole 64-bit value packs as the smallest integer form; any other number
 *   as a 32-bit float when that is exact, else a double.
 * - A table is an array when its keys are exactly 1..n, else a map; tables nested 16 deep pack
 *   as nil (so a table that contains itself still packs).
 * - Functions, nil and other values pack as nil.
 * - Unpacking reads the same forms (and str8, which this version writes); bin, ext and the
 *   other newer forms are "Bad data format in input."
 */

import { ByteBuilder } from '../protocol/byte-builder.js';
import { Lua, LuaType } from './lua.js';

const MAX_NESTING = 16;
/** How deep unpacking goes before refusing (the C code recurses on the C stack without a limit). */
const MAX_UNPACK_DEPTH = 10000;
const INT64_MIN = -9223372036854775808;
const INT64_LIMIT = 9223372036854775808;
const FLOAT = new DataView(new ArrayBuffer(8));

export function openCmsgpack(lua: Lua): void {
  const out = new ByteBuilder();
  lua.newTable();
  lua.pushFunction((l) => pack(l, out));
  lua.setField(-2, 'pack');
  lua.pushFunction((l) => unpackFull(l, 0, 0));
  lua.setField(-2, 'unpack');
  lua.pushFunction((l) => {
    const offset = optInteger(l, 2, 'unpack_one');
    l.setTop(1);
    return unpackFull(l, 1, offset);
  });
  lua.setField(-2, 'unpack_one');
  lua.pushFunction((l) => {
    if (l.type(2) === LuaType.None || l.type(2) === LuaType.Nil) l.argError(2, 'unpack_limit', `number expected, got ${l.typeName(2)}`);
    const limit = Math.trunc(l.checkNumber(2, 'unpack_limit'));
    const offset = optInteger(l, 3, 'unpack_limit');
    l.setTop(1);
    return unpackFull(l, limit, offset);
  });
  lua.setField(-2, 'unpack_limit');
  for (const [field, value] of [
    ['_NAME', 'cmsgpack'],
    ['_VERSION', 'lua-cmsgpack 0.4.0'],
    ['_COPYRIGHT', 'Copyright (C) 2012, Salvatore Sanfilippo'],
    ['_DESCRIPTION', 'MessagePack C implementation for Lua'],
  ]) {
    lua.pushString(value);
    lua.setField(-2, field);
  }
  lua.setGlobal('cmsgpack');
}

function optInteger(lua: Lua, arg: number, fname: string): number {
  const t = lua.type(arg);
  if (t === LuaType.None || t === LuaType.Nil) return 0;
  return Math.trunc(lua.checkNumber(arg, fname));
}

// -------------------------------------------------------------------------------------------
// Packing
// -------------------------------------------------------------------------------------------

function pack(lua: Lua, out: ByteBuilder): number {
  const n = lua.top;
  if (n === 0) lua.argError(0, 'pack', 'MessagePack pack needs input.');
  out.reset();
  for (let i = 1; i <= n; i++) {
    lua.pushValue(i);
    encodeValue(lua, out, 0);
  }
  lua.pushString(out.view);
  return 1;
}

/** Encode the value on top of the stack and pop it. */
function encodeValue(lua: Lua, out: ByteBuilder, level: number): void {
  let t = lua.type(-1);
  if (t === LuaType.Table && level === MAX_NESTING) t = LuaType.Nil;
  switch (t) {
    case LuaType.String:
      encodeBytes(out, lua.toBytes(-1)!);
      break;
    case LuaType.Boolean:
      out.byte(lua.toBoolean(-1) ? 0xc3 : 0xc2);
      break;
    case LuaType.Number: {
      const d = lua.toDouble(-1);
      if (Number.isInteger(d) && d >= INT64_MIN && d < INT64_LIMIT) encodeInteger(out, BigInt(d));
      else encodeDouble(out, d);
      break;
    }
    case LuaType.Table:
      if (isArray(lua)) encodeArray(lua, out, level);
      else encodeMap(lua, out, level);
      break;
    default:
      out.byte(0xc0);
  }
  lua.pop(1);
}

function encodeBytes(out: ByteBuilder, s: Uint8Array): void {
  const n = s.length;
  if (n < 32) {
    out.byte(0xa0 | n);
  } else if (n <= 0xff) {
    out.byte(0xd9);
    out.byte(n);
  } else if (n <= 0xffff) {
    out.byte(0xda);
    out.byte(n >>> 8);
    out.byte(n & 0xff);
  } else {
    out.byte(0xdb);
    bigEndian(out, BigInt(n), 4);
  }
  out.bytes(s);
}

function bigEndian(out: ByteBuilder, v: bigint, size: number): void {
  for (let i = size - 1; i >= 0; i--) out.byte(Number((v >> BigInt(i * 8)) & 0xffn));
}

function encodeInteger(out: ByteBuilder, n: bigint): void {
  if (n >= 0n) {
    if (n <= 127n) out.byte(Number(n));
    else if (n <= 0xffn) {
      out.byte(0xcc);
      bigEndian(out, n, 1);
    } else if (n <= 0xffffn) {
      out.byte(0xcd);
      bigEndian(out, n, 2);
    } else if (n <= 0xffffffffn) {
      out.byte(0xce);
      bigEndian(out, n, 4);
    } else {
      out.byte(0xcf);
      bigEndian(out, n, 8);
    }
    return;
  }
  const u = BigInt.asUintN(64, n);
  if (n >= -32n) out.byte(Number(u & 0xffn));
  else if (n >= -128n) {
    out.byte(0xd0);
    bigEndian(out, u, 1);
  } else if (n >= -32768n) {
    out.byte(0xd1);
    bigEndian(out, u, 2);
  } else if (n >= -2147483648n) {
    out.byte(0xd2);
    bigEndian(out, u, 4);
  } else {
    out.byte(0xd3);
    bigEndian(out, u, 8);
  }
}

function encodeDouble(out: ByteBuilder, d: number): void {
  if (Math.fround(d) === d) {
    out.byte(0xca);
    FLOAT.setFloat32(0, d);
    for (let i = 0; i < 4; i++) out.byte(FLOAT.getUint8(i));
  } else {
    out.byte(0xcb);
    FLOAT.setFloat64(0, d);
    for (let i = 0; i < 8; i++) out.byte(FLOAT.getUint8(i));
  }
}

/** table_is_an_array: every key a positive whole number, as many keys as the largest. */
function isArray(lua: Lua): boolean {
  let count = 0;
  let max = 0;
  const top = lua.top;
  lua.pushNil();
  while (lua.next(-2)) {
    lua.pop(1);
    const n = lua.type(-1) === LuaType.Number ? lua.toDouble(-1) : 0;
    if (n <= 0 || !Number.isInteger(n) || n > 2147483647) {
      lua.setTop(top);
      return false;
    }
    if (n > max) max = n;
    count++;
  }
  lua.setTop(top);
  return max === count;
}

function encodeArray(lua: Lua, out: ByteBuilder, level: number): void {
  const n = lua.rawLen(-1);
  header(out, n, 0x90, 0xdc, 0xdd);
  for (let i = 1; i <= n; i++) {
    lua.rawGetI(-1, i);
    encodeValue(lua, out, level + 1);
  }
}

function encodeMap(lua: Lua, out: ByteBuilder, level: number): void {
  let n = 0;
  lua.pushNil();
  while (lua.next(-2)) {
    lua.pop(1);
    n++;
  }
  header(out, n, 0x80, 0xde, 0xdf);
  lua.pushNil();
  while (lua.next(-2)) {
    lua.pushValue(-2);
    encodeValue(lua, out, level + 1);
    encodeValue(lua, out, level + 1);
  }
}

/** An array or map header: the fix form, 16 bits or 32 bits. */
function header(out: ByteBuilder, n: number, fix: number, form16: number, form32: number): void {
  if (n <= 15) out.byte(fix | n);
  else if (n <= 0xffff) {
    out.byte(form16);
    out.byte(n >>> 8);
    out.byte(n & 0xff);
  } else {
    out.byte(form32);
    bigEndian(out, BigInt(n), 4);
  }
}

// -------------------------------------------------------------------------------------------
// Unpacking
// -------------------------------------------------------------------------------------------

class Truncated extends Error {}
class BadFormat extends Error {}

class Reader {
  pos: number;
  depth = 0;

  constructor(
    readonly lua: Lua,
    readonly data: Buffer,
    start: number,
  ) {
    this.pos = start;
  }

  get left(): number {
    return this.data.length - this.pos;
  }

  need(n: number): void {
    if (this.left < n) throw new Truncated();
  }

  /** Decode one value and push it. */
  value(): void {
    const lua = this.lua;
    const b = this.data;
    this.need(1);
    if (!lua.checkStack(1)) lua.error('stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)');
    const p = this.pos;
    const c = b[p];
    switch (c) {
      case 0xcc:
        this.need(2);
        lua.pushDouble(b[p + 1]);
        this.pos += 2;
        return;
      case 0xd0:
        this.need(2);
        lua.pushDouble(b.readInt8(p + 1));
        this.pos += 2;
        return;
      case 0xcd:
        this.need(3);
        lua.pushDouble(b.readUInt16BE(p + 1));
        this.pos += 3;
        return;
      case 0xd1:
        this.need(3);
        lua.pushDouble(b.readInt16BE(p + 1));
        this.pos += 3;
        return;
      case 0xce:
        this.need(5);
        lua.pushDouble(b.readUInt32BE(p + 1));
        this.pos += 5;
        return;
      case 0xd2:
        this.need(5);
        lua.pushDouble(b.readInt32BE(p + 1));
        this.pos += 5;
        return;
      case 0xcf:
        this.need(9);
        // lua_pushunsigned is lua_pushinteger on Lua 5.1: the value wraps to a signed one.
        lua.pushDouble(Number(b.readBigInt64BE(p + 1)));
        this.pos += 9;
        return;
      case 0xd3:
        this.need(9);
        lua.pushDouble(Number(b.readBigInt64BE(p + 1)));
        this.pos += 9;
        return;
      case 0xc0:
        lua.pushNil();
        this.pos += 1;
        return;
      case 0xc3:
      case 0xc2:
        lua.pushBoolean(c === 0xc3);
        this.pos += 1;
        return;
      case 0xca:
        this.need(5);
        lua.pushDouble(b.readFloatBE(p + 1));
        this.pos += 5;
        return;
      case 0xcb:
        this.need(9);
        lua.pushDouble(b.readDoubleBE(p + 1));
        this.pos += 9;
        return;
      case 0xd9:
        this.need(2);
        this.string(2, b[p + 1]);
        return;
      case 0xda:
        this.need(3);
        this.string(3, b.readUInt16BE(p + 1));
        return;
      case 0xdb:
        this.need(5);
        this.string(5, b.readUInt32BE(p + 1));
        return;
      case 0xdc:
        this.need(3);
        this.pos += 3;
        this.array(b.readUInt16BE(p + 1));
        return;
      case 0xdd:
        this.need(5);
        this.pos += 5;
        this.array(b.readUInt32BE(p + 1));
        return;
      case 0xde:
        this.need(3);
        this.pos += 3;
        this.map(b.readUInt16BE(p + 1));
        return;
      case 0xdf:
        this.need(5);
        this.pos += 5;
        this.map(b.readUInt32BE(p + 1));
        return;
    }
    if ((c & 0x80) === 0) {
      lua.pushDouble(c);
      this.pos += 1;
    } else if ((c & 0xe0) === 0xe0) {
      lua.pushDouble(c - 256);
      this.pos += 1;
    } else if ((c & 0xe0) === 0xa0) {
      this.string(1, c & 0x1f);
    } else if ((c & 0xf0) === 0x90) {
      this.pos += 1;
      this.array(c & 0xf);
    } else if ((c & 0xf0) === 0x80) {
      this.pos += 1;
      this.map(c & 0xf);
    } else {
      throw new BadFormat();
    }
  }

  string(headerLength: number, length: number): void {
    this.need(headerLength + length);
    const start = this.pos + headerLength;
    this.lua.pushString(this.data.subarray(start, start + length));
    this.pos = start + length;
  }

  descend(): void {
    if (++this.depth > MAX_UNPACK_DEPTH || !this.lua.checkStack(4)) this.lua.error('Too many nested data structures in input.');
  }

  array(n: number): void {
    const lua = this.lua;
    this.descend();
    lua.newTable();
    for (let i = 1; i <= n; i++) {
      lua.pushInteger(i);
      this.value();
      lua.rawSet(-3);
    }
    this.depth--;
  }

  map(n: number): void {
    const lua = this.lua;
    this.descend();
    lua.newTable();
    for (let i = 0; i < n; i++) {
      this.value();
      this.value();
      if (lua.type(-2) === LuaType.Nil) {
        // lua_settable's own error, without a position.
        lua.raiseMessage('table index is nil');
      }
      lua.rawSet(-3);
    }
    this.depth--;
  }
}

/** mp_unpack_full: decode up to `limit` values from `offset` (0 and 0: all, and no offset returned). */
function unpackFull(lua: Lua, limit: number, offset: number): number {
  const data = lua.checkBytes(1, 'unpack');
  const decodeAll = limit === 0 && offset === 0;
  if (offset < 0 || limit < 0) lua.error(`Invalid request to unpack with offset of ${offset} and limit of ${data.length}.`);
  if (offset > data.length) lua.error(`Start offset ${offset} greater than input length ${data.length}.`);
  if (decodeAll) limit = 2147483647;
  const reader = new Reader(lua, data, offset);
  let count = 0;
  for (; reader.left > 0 && count < limit; count++) {
    try {
      reader.value();
    } catch (e) {
      if (e instanceof Truncated) lua.error('Missing bytes in input.');
      if (e instanceof BadFormat) lua.error('Bad data format in input.');
      throw e;
    }
  }
  if (!decodeAll) {
    lua.pushInteger(reader.left === 0 ? -1 : reader.pos);
    lua.insert(2);
    count++;
  }
  return count;
}
