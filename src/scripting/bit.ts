/**
 * The `bit` library Redis gives scripts (LuaBitOp 1.0.2): 32-bit operations on Lua numbers.
 *
 * An argument becomes 32 bits the way LuaBitOp does it on doubles: add 2^52 + 2^51 and keep
 * the low 32 bits of the result, which rounds to the nearest integer (ties to even) and wraps
 * modulo 2^32. Results are signed 32-bit numbers.
 */

import { Lua, LuaType } from './lua.js';

const MAGIC = 6755399441055744.0; // 2^52 + 2^51
const WORDS = new DataView(new ArrayBuffer(8));

/** barg: argument `idx` as 32 bits (unsigned); a non-number is an argument error. */
function bits(lua: Lua, idx: number, fname: string): number {
  const n = lua.isNumber(idx) ? lua.toDouble(idx) : 0;
  WORDS.setFloat64(0, n + MAGIC, true);
  const b = WORDS.getUint32(0, true);
  if (b === 0 && !lua.isNumber(idx)) lua.argError(idx, fname, `number expected, got ${lua.typeName(idx)}`);
  return b;
}

function result(lua: Lua, b: number): number {
  lua.pushDouble(b | 0);
  return 1;
}

export function openBit(lua: Lua): void {
  lua.newTable();
  const define = (name: string, fn: (l: Lua) => number): void => {
    lua.pushFunction(fn);
    lua.setField(-2, name);
  };
  define('tobit', (l) => result(l, bits(l, 1, 'tobit')));
  define('bnot', (l) => result(l, ~bits(l, 1, 'bnot')));
  const fold = (name: string, op: (a: number, b: number) => number): void =>
    define(name, (l) => {
      let b = bits(l, 1, name);
      for (let i = l.top; i > 1; i--) b = op(b, bits(l, i, name));
      return result(l, b);
    });
  fold('band', (a, b) => a & b);
  fold('bor', (a, b) => a | b);
  fold('bxor', (a, b) => a ^ b);
  const shift = (name: string, op: (b: number, n: number) => number): void =>
    define(name, (l) => {
      const b = bits(l, 1, name);
      const n = bits(l, 2, name) & 31;
      return result(l, op(b, n));
    });
  shift('lshift', (b, n) => b << n);
  shift('rshift', (b, n) => b >>> n);
  shift('arshift', (b, n) => (b | 0) >> n);
  shift('rol', (b, n) => (b << n) | (b >>> (32 - n)));
  shift('ror', (b, n) => (b << (32 - n)) | (b >>> n));
  define('bswap', (l) => {
    const b = bits(l, 1, 'bswap');
    return result(l, (b >>> 24) | ((b >>> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24));
  });
  define('tohex', (l) => {
    let b = bits(l, 1, 'tohex');
    let n = l.type(2) === LuaType.None ? 8 : bits(l, 2, 'tohex') | 0;
    let digits = '0123456789abcdef';
    if (n < 0) {
      n = -n;
      digits = '0123456789ABCDEF';
    }
    if (n > 8) n = 8;
    const out = new Array<string>(n);
    for (let i = n - 1; i >= 0; i--) {
      out[i] = digits[b & 15];
      b >>>= 4;
    }
    l.pushString(out.join(''));
    return 1;
  });
  lua.setGlobal('bit');
}
