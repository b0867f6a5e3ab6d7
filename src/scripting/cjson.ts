/**
 * The `cjson` library Redis gives scripts (lua-cjson 2.1.0 as Redis vendors it), rebuilt on
 * the Lua stack: encode, decode, their settings, `cjson.null`, and Redis's
 * `decode_array_with_array_mt` (decoded arrays carry `cjson.array_mt`, and a table with that
 * metatable encodes as an array even when empty).
 *
 * Behaviour follows the C library to the byte where a script can see it:
 * - numbers encode as "%.14g" (encode_number_precision), NaN and Inf refused;
 * - strings escape `"`, `\`, `/`, control characters and DEL, and pass other bytes through;
 * - a table is an array when every key is a positive integer and it is not too sparse
 *   (more than twice as many slots as items, past 10); an empty table is `{}`;
 * - decoding reads numbers as C's strtod does (so hex, `inf` and leading zeros are accepted),
 *   and reports errors as "Expected <what> but found <token> at character <n>".
 * Object keys come out in the order Lua's table iterates them, which differs between Lua 5.1
 * and 5.4 (see docs/SCRIPTING.md).
 */

import { ByteBuilder } from '../protocol/byte-builder.js';
import { formatG } from '../protocol/format.js';
import { Lua, LUA_REGISTRYINDEX, LuaType } from './lua.js';

interface Settings {
  sparseConvert: boolean;
  sparseRatio: number;
  sparseSafe: number;
  encodeMaxDepth: number;
  decodeMaxDepth: number;
  /** 0: refuse NaN/Inf; 1: write them ("nan", "inf"); 2: write them as null. */
  encodeInvalidNumbers: 0 | 1 | 2;
  decodeInvalidNumbers: boolean;
  keepBuffer: boolean;
  precision: number;
  arrayMt: boolean;
}

function defaults(): Settings {
  return {
    sparseConvert: false,
    sparseRatio: 2,
    sparseSafe: 10,
    encodeMaxDepth: 1000,
    decodeMaxDepth: 1000,
    encodeInvalidNumbers: 0,
    decodeInvalidNumbers: true,
    keepBuffer: true,
    precision: 14,
    arrayMt: false,
  };
}

/** The escape written for each byte, or null to copy it (lua-cjson's char2escape). */
const ESCAPES: (string | null)[] = Array.from({ length: 256 }, (_, c) => {
  if (c === 0x08) return '\\b';
  if (c === 0x09) return '\\t';
  if (c === 0x0a) return '\\n';
  if (c === 0x0c) return '\\f';
  if (c === 0x0d) return '\\r';
  if (c < 0x20 || c === 0x7f) return `\\u${c.toString(16).padStart(4, '0')}`;
  if (c === 0x22) return '\\"';
  if (c === 0x5c) return '\\\\';
  if (c === 0x2f) return '\\/';
  return null;
});

const ARRAY_MT_FIELD = 'cachica_cjson_array_mt';

/** Register `cjson` as a global. */
export function openCjson(lua: Lua): void {
  lua.newTable();
  lua.setField(LUA_REGISTRYINDEX, ARRAY_MT_FIELD);
  pushModule(lua);
  lua.setGlobal('cjson');
}

/** A cjson table with settings of its own (what cjson.new returns). */
function pushModule(lua: Lua): void {
  const settings = defaults();
  const out = new ByteBuilder();
  lua.newTable();
  lua.pushFunction((l) => encode(l, settings, out));
  lua.setField(-2, 'encode');
  lua.pushFunction((l) => decode(l, settings));
  lua.setField(-2, 'decode');
  lua.pushFunction((l) => {
    const n = l.top;
    if (n > 3) l.argError(4, 'encode_sparse_array', 'found too many arguments');
    if (n >= 1 && l.type(1) !== LuaType.Nil) settings.sparseConvert = boolOption(l, 1, 'encode_sparse_array');
    if (n >= 2 && l.type(2) !== LuaType.Nil) settings.sparseRatio = intOption(l, 2, 'encode_sparse_array', 0, 2147483647);
    if (n >= 3 && l.type(3) !== LuaType.Nil) settings.sparseSafe = intOption(l, 3, 'encode_sparse_array', 0, 2147483647);
    l.pushBoolean(settings.sparseConvert);
    l.pushInteger(settings.sparseRatio);
    l.pushInteger(settings.sparseSafe);
    return 3;
  });
  lua.setField(-2, 'encode_sparse_array');
  const intSetting = (name: string, key: 'encodeMaxDepth' | 'decodeMaxDepth' | 'precision', min: number, max: number): void => {
    lua.pushFunction((l) => {
      if (l.top > 1) l.argError(2, name, 'found too many arguments');
      if (l.top === 1 && l.type(1) !== LuaType.Nil) settings[key] = intOption(l, 1, name, min, max);
      l.pushInteger(settings[key]);
      return 1;
    });
    lua.setField(-2, name);
  };
  intSetting('encode_max_depth', 'encodeMaxDepth', 1, 2147483647);
  intSetting('decode_max_depth', 'decodeMaxDepth', 1, 2147483647);
  intSetting('encode_number_precision', 'precision', 1, 14);
  const boolSetting = (name: string, key: 'keepBuffer' | 'decodeInvalidNumbers' | 'arrayMt'): void => {
    lua.pushFunction((l) => {
      if (l.top > 1) l.argError(2, name, 'found too many arguments');
      if (l.top === 1 && l.type(1) !== LuaType.Nil) settings[key] = boolOption(l, 1, name);
      l.pushBoolean(settings[key]);
      return 1;
    });
    lua.setField(-2, name);
  };
  boolSetting('encode_keep_buffer', 'keepBuffer');
  boolSetting('decode_invalid_numbers', 'decodeInvalidNumbers');
  boolSetting('decode_array_with_array_mt', 'arrayMt');
  lua.pushFunction((l) => {
    if (l.top > 1) l.argError(2, 'encode_invalid_numbers', 'found too many arguments');
    if (l.top === 1 && l.type(1) !== LuaType.Nil) {
      if (l.type(1) === LuaType.String && l.toLatin1(1) === 'null') settings.encodeInvalidNumbers = 2;
      else settings.encodeInvalidNumbers = boolOption(l, 1, 'encode_invalid_numbers') ? 1 : 0;
    }
    if (settings.encodeInvalidNumbers === 2) l.pushString('null');
    else l.pushBoolean(settings.encodeInvalidNumbers === 1);
    return 1;
  });
  lua.setField(-2, 'encode_invalid_numbers');
  lua.pushFunction((l) => {
    pushModule(l);
    return 1;
  });
  lua.setField(-2, 'new');
  lua.pushNull();
  lua.setField(-2, 'null');
  lua.getField(LUA_REGISTRYINDEX, ARRAY_MT_FIELD);
  lua.setField(-2, 'array_mt');
  lua.pushString('cjson');
  lua.setField(-2, '_NAME');
  lua.pushString('2.1.0');
  lua.setField(-2, '_VERSION');
}

/** A setting given as a boolean, or as "on"/"off" (luaL_checkoption's errors otherwise). */
function boolOption(lua: Lua, arg: number, name: string): boolean {
  if (lua.type(arg) === LuaType.Boolean) return lua.toBoolean(arg);
  const text = lua.checkBytes(arg, name).toString('latin1');
  if (text === 'on') return true;
  if (text === 'off') return false;
  return lua.argError(arg, name, `invalid option '${text}'`);
}

function intOption(lua: Lua, arg: number, name: string, min: number, max: number): number {
  const v = Math.trunc(lua.checkNumber(arg, name));
  if (v < min || v > max) lua.argError(arg, name, `expected integer between ${min} and ${max}`);
  return v;
}

// -------------------------------------------------------------------------------------------
// Encoding
// -------------------------------------------------------------------------------------------

function encode(lua: Lua, settings: Settings, shared: ByteBuilder): number {
  if (lua.top !== 1) lua.argError(1, 'encode', 'expected 1 argument');
  const out = settings.keepBuffer ? shared : new ByteBuilder();
  out.reset();
  appendValue(lua, settings, out, 0);
  lua.pushString(out.view);
  return 1;
}

/** Append the value on top of the stack (left there). */
function appendValue(lua: Lua, settings: Settings, out: ByteBuilder, depth: number): void {
  switch (lua.type(-1)) {
    case LuaType.String:
      appendString(out, lua.toBytes(-1)!);
      return;
    case LuaType.Number:
      appendNumber(lua, settings, out, -1);
      return;
    case LuaType.Boolean:
      out.ascii(lua.toBoolean(-1) ? 'true' : 'false');
      return;
    case LuaType.Table: {
      depth++;
      if (depth > settings.encodeMaxDepth || !lua.checkStack(3)) lua.error(`Cannot serialise, excessive nesting (${depth})`);
      const length = arrayLength(lua, settings);
      if (length > 0 || (length === 0 && hasArrayMt(lua))) appendArray(lua, settings, out, depth, length);
      else appendObject(lua, settings, out, depth);
      return;
    }
    case LuaType.Nil:
      out.ascii('null');
      return;
    default:
      if (lua.isNull(-1)) {
        out.ascii('null');
        return;
      }
      lua.error(`Cannot serialise ${lua.typeName(-1)}: type not supported`);
  }
}

function appendString(out: ByteBuilder, s: Uint8Array): void {
  out.room(s.length * 6 + 2);
  const buf = out.buf;
  let p = out.length;
  buf[p++] = 0x22;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const escape = ESCAPES[c];
    if (escape === null) {
      buf[p++] = c;
    } else {
      for (let j = 0; j < escape.length; j++) buf[p++] = escape.charCodeAt(j);
    }
  }
  buf[p++] = 0x22;
  out.length = p;
}

function appendNumber(lua: Lua, settings: Settings, out: ByteBuilder, idx: number): void {
  const n = lua.toDouble(idx);
  if (!Number.isFinite(n)) {
    if (settings.encodeInvalidNumbers === 0) lua.error('Cannot serialise number: must not be NaN or Inf');
    if (settings.encodeInvalidNumbers === 2) {
      out.ascii('null');
      return;
    }
    out.ascii(Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf');
    return;
  }
  out.ascii(formatG(n, settings.precision));
}

/**
 * The table on top as an array: its length when every key is a positive integer (0 for an
 * empty table), -1 when it is an object. Too sparse an array is an error unless
 * encode_sparse_array converts it to an object.
 */
function arrayLength(lua: Lua, settings: Settings): number {
  let max = 0;
  let items = 0;
  lua.pushNil();
  while (lua.next(-2)) {
    if (lua.type(-2) === LuaType.Number) {
      const k = lua.toDouble(-2);
      if (k !== 0 && Math.floor(k) === k && k >= 1) {
        if (k > max) max = k;
        items++;
        lua.pop(1);
        continue;
      }
    }
    lua.pop(2);
    return -1;
  }
  if (settings.sparseRatio > 0 && max > items * settings.sparseRatio && max > settings.sparseSafe) {
    if (!settings.sparseConvert) lua.error('Cannot serialise table: excessively sparse array');
    return -1;
  }
  return max;
}

function hasArrayMt(lua: Lua): boolean {
  if (!lua.getMetatable(-1)) return false;
  lua.getField(LUA_REGISTRYINDEX, ARRAY_MT_FIELD);
  const same = lua.rawEqual(-1, -2);
  lua.pop(2);
  return same;
}

function appendArray(lua: Lua, settings: Settings, out: ByteBuilder, depth: number, length: number): void {
  out.byte(0x5b);
  for (let i = 1; i <= length; i++) {
    if (i > 1) out.byte(0x2c);
    lua.rawGetI(-1, i);
    appendValue(lua, settings, out, depth);
    lua.pop(1);
  }
  out.byte(0x5d);
}

function appendObject(lua: Lua, settings: Settings, out: ByteBuilder, depth: number): void {
  out.byte(0x7b);
  let first = true;
  lua.pushNil();
  while (lua.next(-2)) {
    if (!first) out.byte(0x2c);
    first = false;
    const keyType = lua.type(-2);
    if (keyType === LuaType.Number) {
      out.byte(0x22);
      appendNumber(lua, settings, out, -2);
      out.ascii('":');
    } else if (keyType === LuaType.String) {
      appendString(out, lua.toBytes(-2)!);
      out.byte(0x3a);
    } else {
      lua.error(`Cannot serialise ${lua.typeName(-2)}: table key must be a number or string`);
    }
    appendValue(lua, settings, out, depth);
    lua.pop(1);
  }
  out.byte(0x7d);
}

// -------------------------------------------------------------------------------------------
// Decoding
// -------------------------------------------------------------------------------------------

const enum Token {
  ObjBegin,
  ObjEnd,
  ArrBegin,
  ArrEnd,
  String,
  Number,
  Boolean,
  Null,
  Colon,
  Comma,
  End,
  Whitespace,
  Error,
  Unknown,
}

const TOKEN_NAMES = ['T_OBJ_BEGIN', 'T_OBJ_END', 'T_ARR_BEGIN', 'T_ARR_END', 'T_STRING', 'T_NUMBER', 'T_BOOLEAN', 'T_NULL', 'T_COLON', 'T_COMMA', 'T_END', 'T_WHITESPACE', 'T_ERROR', 'T_UNKNOWN'];

/** What each byte starts (lua-cjson's ch2token). */
const CH2TOKEN: Token[] = Array.from({ length: 256 }, (_, c) => {
  const ch = String.fromCharCode(c);
  if (ch === '{') return Token.ObjBegin;
  if (ch === '}') return Token.ObjEnd;
  if (ch === '[') return Token.ArrBegin;
  if (ch === ']') return Token.ArrEnd;
  if (ch === ',') return Token.Comma;
  if (ch === ':') return Token.Colon;
  if (c === 0) return Token.End;
  if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') return Token.Whitespace;
  if ('fiInNt"+-0123456789'.includes(ch)) return Token.Unknown;
  return Token.Error;
});

const ESCAPE2CHAR: Record<string, number> = { '"': 0x22, '\\': 0x5c, '/': 0x2f, b: 0x08, t: 0x09, n: 0x0a, f: 0x0c, r: 0x0d };

class Parser {
  pos = 0;
  depth = 0;
  /** The current token. */
  type = Token.End;
  index = 0;
  text: Buffer | null = null;
  number = 0;
  bool = false;
  error = '';
  /** Where a string token's bytes are gathered (copied out into `text`). */
  private readonly scratch = new ByteBuilder();

  constructor(
    readonly lua: Lua,
    readonly data: Buffer,
    readonly settings: Settings,
  ) {}

  /** The byte at `i`, 0 past the end (the C code reads a NUL-terminated string). */
  at(i: number): number {
    return i < this.data.length ? this.data[i] : 0;
  }

  fail(expected: string): never {
    const found = this.type === Token.Error ? this.error : TOKEN_NAMES[this.type];
    return this.lua.error(`Expected ${expected} but found ${found} at character ${this.index + 1}`);
  }

  setError(message: string): void {
    this.type = Token.Error;
    this.index = this.pos;
    this.error = message;
  }

  next(): void {
    let c: number;
    for (;;) {
      c = this.at(this.pos);
      this.type = CH2TOKEN[c];
      if (this.type !== Token.Whitespace) break;
      this.pos++;
    }
    this.index = this.pos;
    if (this.type === Token.Error) {
      this.setError('invalid token');
      return;
    }
    if (this.type === Token.End) return;
    if (this.type !== Token.Unknown) {
      this.pos++;
      return;
    }
    if (c === 0x22) {
      this.string();
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      if (!this.settings.decodeInvalidNumbers && this.invalidNumber()) this.setError('invalid number');
      else this.numberToken();
    } else if (this.startsWith('true')) {
      this.type = Token.Boolean;
      this.bool = true;
      this.pos += 4;
    } else if (this.startsWith('false')) {
      this.type = Token.Boolean;
      this.bool = false;
      this.pos += 5;
    } else if (this.startsWith('null')) {
      this.type = Token.Null;
      this.pos += 4;
    } else if (this.settings.decodeInvalidNumbers && this.invalidNumber()) {
      this.numberToken();
    } else {
      this.setError('invalid token');
    }
  }

  /** Whether the current token is `t` (a method, so the compiler does not narrow across next()). */
  is(t: Token): boolean {
    return this.type === t;
  }

  startsWith(word: string): boolean {
    for (let i = 0; i < word.length; i++) if (this.at(this.pos + i) !== word.charCodeAt(i)) return false;
    return true;
  }

  /** json_is_invalid_number: forms JSON does not allow but strtod reads. */
  invalidNumber(): boolean {
    let p = this.pos;
    const c = this.at(p);
    if (c === 0x2b) return true;
    if (c === 0x2d) p++;
    const d = this.at(p);
    if (d === 0x30) {
      const d2 = this.at(p + 1);
      return (d2 | 0x20) === 0x78 || (d2 >= 0x30 && d2 <= 0x39);
    }
    if (d <= 0x39) return false;
    const word = this.data.toString('latin1', p, p + 3).toLowerCase();
    return word === 'inf' || word === 'nan';
  }

  numberToken(): void {
    const [value, length] = strtod(this.data, this.pos);
    if (length === 0) {
      this.setError('invalid number');
      return;
    }
    this.type = Token.Number;
    this.number = value;
    this.pos += length;
  }

  string(): void {
    this.pos++;
    const out = this.scratch;
    out.reset();
    for (;;) {
      let c = this.at(this.pos);
      if (c === 0x22) break;
      if (c === 0) {
        this.setError('unexpected end of string');
        return;
      }
      if (c === 0x5c) {
        const e = String.fromCharCode(this.at(this.pos + 1));
        if (e === 'u') {
          if (this.unicodeEscape(out)) continue;
          this.setError('invalid unicode escape code');
          return;
        }
        const mapped = ESCAPE2CHAR[e];
        if (mapped === undefined) {
          this.setError('invalid escape code');
          return;
        }
        c = mapped;
        this.pos++;
      }
      out.byte(c);
      this.pos++;
    }
    this.pos++;
    this.type = Token.String;
    this.text = Buffer.from(out.view);
  }

  hex4(at: number): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const d = parseInt(String.fromCharCode(this.at(at + i)), 16);
      if (Number.isNaN(d)) return -1;
      v = (v << 4) | d;
    }
    return v;
  }

  /** \uXXXX (and a surrogate pair) as UTF-8; false when malformed. */
  unicodeEscape(out: ByteBuilder): boolean {
    let cp = this.hex4(this.pos + 2);
    if (cp < 0) return false;
    let length = 6;
    if ((cp & 0xf800) === 0xd800) {
      if ((cp & 0x400) !== 0) return false;
      if (this.at(this.pos + 6) !== 0x5c || this.at(this.pos + 7) !== 0x75) return false;
      const low = this.hex4(this.pos + 8);
      if (low < 0 || (low & 0xfc00) !== 0xdc00) return false;
      cp = (((cp & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000;
      length = 12;
    }
    if (cp <= 0x7f) {
      out.byte(cp);
    } else if (cp <= 0x7ff) {
      out.byte((cp >> 6) | 0xc0);
      out.byte((cp & 0x3f) | 0x80);
    } else if (cp <= 0xffff) {
      out.byte((cp >> 12) | 0xe0);
      out.byte(((cp >> 6) & 0x3f) | 0x80);
      out.byte((cp & 0x3f) | 0x80);
    } else {
      out.byte((cp >> 18) | 0xf0);
      out.byte(((cp >> 12) & 0x3f) | 0x80);
      out.byte(((cp >> 6) & 0x3f) | 0x80);
      out.byte((cp & 0x3f) | 0x80);
    }
    this.pos += length;
    return true;
  }

  descend(): void {
    this.depth++;
    if (this.depth <= this.settings.decodeMaxDepth && this.lua.checkStack(3)) return;
    this.lua.error(`Found too many nested data structures (${this.depth}) at character ${this.pos}`);
  }

  /** The value the current token starts, pushed. */
  value(): void {
    const lua = this.lua;
    switch (this.type) {
      case Token.String:
        lua.pushString(this.text!);
        return;
      case Token.Number:
        lua.pushDouble(this.number);
        return;
      case Token.Boolean:
        lua.pushBoolean(this.bool);
        return;
      case Token.ObjBegin:
        this.object();
        return;
      case Token.ArrBegin:
        this.array();
        return;
      case Token.Null:
        lua.pushNull();
        return;
      default:
        this.fail('value');
    }
  }

  object(): void {
    const lua = this.lua;
    this.descend();
    lua.newTable();
    this.next();
    if (this.is(Token.ObjEnd)) {
      this.depth--;
      return;
    }
    for (;;) {
      if (!this.is(Token.String)) this.fail('object key string');
      lua.pushString(this.text!);
      this.next();
      if (!this.is(Token.Colon)) this.fail('colon');
      this.next();
      this.value();
      lua.rawSet(-3);
      this.next();
      if (this.is(Token.ObjEnd)) {
        this.depth--;
        return;
      }
      if (!this.is(Token.Comma)) this.fail('comma or object end');
      this.next();
    }
  }

  array(): void {
    const lua = this.lua;
    this.descend();
    lua.newTable();
    if (this.settings.arrayMt) {
      lua.getField(LUA_REGISTRYINDEX, ARRAY_MT_FIELD);
      lua.setMetatable(-2);
    }
    this.next();
    if (this.is(Token.ArrEnd)) {
      this.depth--;
      return;
    }
    for (let i = 1; ; i++) {
      this.value();
      lua.rawSetI(-2, i);
      this.next();
      if (this.is(Token.ArrEnd)) {
        this.depth--;
        return;
      }
      if (!this.is(Token.Comma)) this.fail('comma or array end');
      this.next();
    }
  }
}

function decode(lua: Lua, settings: Settings): number {
  if (lua.top !== 1) lua.argError(1, 'decode', 'expected 1 argument');
  const data = lua.checkBytes(1, 'decode');
  if (data.length >= 2 && (data[0] === 0 || data[1] === 0)) lua.error('JSON parser does not support UTF-16 or UTF-32');
  const parser = new Parser(lua, data, settings);
  parser.next();
  parser.value();
  parser.next();
  if (!parser.is(Token.End)) parser.fail('the end');
  return 1;
}

const STRTOD = /^[+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])/;

/** C's strtod at `at`: the value and how many bytes it read (0: no number there). */
export function strtod(data: Buffer, at: number): [number, number] {
  const m = STRTOD.exec(data.toString('latin1', at, Math.min(data.length, at + 400)));
  if (m === null) return [0, 0];
  const text = m[0];
  const negative = text[0] === '-';
  const body = text[0] === '-' || text[0] === '+' ? text.slice(1) : text;
  const lower = body.toLowerCase();
  let value: number;
  if (lower.startsWith('inf')) value = Infinity;
  else if (lower === 'nan') value = NaN;
  else if (lower.startsWith('0x')) value = hexFloat(lower.slice(2));
  else value = Number(body);
  return [negative ? -value : value, text.length];
}

function hexFloat(text: string): number {
  const p = text.indexOf('p');
  const mantissa = p < 0 ? text : text.slice(0, p);
  const exponent = p < 0 ? 0 : Number(text.slice(p + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const fraction = dot < 0 ? 0 : mantissa.length - dot - 1;
  let v = 0;
  for (const d of digits) v = v * 16 + parseInt(d, 16);
  return v * 2 ** (exponent - 4 * fraction);
}
