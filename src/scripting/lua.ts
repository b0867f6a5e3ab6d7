/**
 * A Lua state on the real Lua C code (Lua 5.4, compiled to WebAssembly by the wasmoon package),
 * driven through its C API directly: see docs/SCRIPTING.md for why this VM and this layer.
 *
 * wasmoon's own convenience layer converts strings as UTF-8, which would corrupt binary values;
 * here a string crosses as bytes, copied into and out of the WebAssembly heap. JavaScript
 * functions become C functions (`register`), and raise Lua errors with `raise`, which unwinds
 * to the enclosing pcall as lua_error does in C.
 */

import { LuaWasm } from 'wasmoon';

/** Lua 5.4's pseudo-index of the registry (-LUAI_MAXSTACK - 1000). */
export const LUA_REGISTRYINDEX = -1001000;
export const LUA_MULTRET = -1;
const LUA_MASKCOUNT = 1 << 3;

export const enum LuaType {
  None = -1,
  Nil = 0,
  Boolean = 1,
  LightUserdata = 2,
  Number = 3,
  String = 4,
  Table = 5,
  Function = 6,
  Userdata = 7,
  Thread = 8,
}

export const enum LuaStatus {
  Ok = 0,
  Yield = 1,
  ErrRun = 2,
  ErrSyntax = 3,
  ErrMem = 4,
  ErrErr = 5,
}

/** The raw exports this layer calls (all take the state first; pointers are heap offsets). */
interface RawLua {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  addFunction(fn: (L: number) => number, signature: string): number;
  _luaL_newstate(): number;
  _luaL_openlibs(L: number): void;
  _lua_close(L: number): void;
  _lua_gettop(L: number): number;
  _lua_settop(L: number, idx: number): void;
  _lua_pushvalue(L: number, idx: number): void;
  _lua_type(L: number, idx: number): number;
  _lua_isinteger(L: number, idx: number): number;
  _lua_tonumberx(L: number, idx: number, isnum: number): number;
  _lua_tointegerx(L: number, idx: number, isnum: number): bigint;
  _lua_toboolean(L: number, idx: number): number;
  _lua_tolstring(L: number, idx: number, len: number): number;
  _lua_rawlen(L: number, idx: number): number;
  _lua_pushnil(L: number): void;
  _lua_pushnumber(L: number, n: number): void;
  _lua_pushinteger(L: number, n: bigint): void;
  _lua_pushlstring(L: number, s: number, len: number): number;
  _lua_pushboolean(L: number, b: number): void;
  _lua_pushcclosure(L: number, fn: number, n: number): void;
  _lua_createtable(L: number, narr: number, nrec: number): void;
  _lua_getfield(L: number, idx: number, k: number): number;
  _lua_setfield(L: number, idx: number, k: number): void;
  _lua_rawgeti(L: number, idx: number, n: bigint): number;
  _lua_rawseti(L: number, idx: number, n: bigint): void;
  _lua_rawget(L: number, idx: number): number;
  _lua_rawset(L: number, idx: number): void;
  _lua_getglobal(L: number, name: number): number;
  _lua_setglobal(L: number, name: number): void;
  _lua_next(L: number, idx: number): number;
  _lua_error(L: number): number;
  _luaL_loadbufferx(L: number, buf: number, size: number, name: number, mode: number): number;
  _lua_pcallk(L: number, nargs: number, nresults: number, msgh: number, ctx: number, k: number): number;
  _lua_setmetatable(L: number, idx: number): number;
  _lua_sethook(L: number, fn: number, mask: number, count: number): void;
  addFunction(fn: (L: number, ar: number) => void, signature: string): number;
}

let wasm: Promise<RawLua> | null = null;

/** The WebAssembly module, compiled once per process. */
function loadWasm(): Promise<RawLua> {
  wasm ??= LuaWasm.initialize().then((w) => w.module as unknown as RawLua);
  return wasm;
}

/** A JavaScript function Lua can call: arguments on the stack, returns how many results it pushed. */
export type LuaFunction = (lua: Lua) => number;

export class Lua {
  readonly L: number;
  /** A heap buffer strings are copied through, grown as needed; and a size_t out-parameter. */
  private scratch: number;
  private scratchSize = 4096;
  private readonly lenPtr: number;
  /** Interned C strings (field and global names), so each is copied into the heap once. */
  private readonly names = new Map<string, number>();

  private constructor(private readonly m: RawLua) {
    this.L = m._luaL_newstate();
    m._luaL_openlibs(this.L);
    this.scratch = m._malloc(this.scratchSize);
    this.lenPtr = m._malloc(8);
  }

  static async create(): Promise<Lua> {
    return new Lua(await loadWasm());
  }

  close(): void {
    this.m._lua_close(this.L);
    this.m._free(this.scratch);
    this.m._free(this.lenPtr);
    for (const p of this.names.values()) this.m._free(p);
  }

  // ---------------------------------------------------------------------------------------
  // Stack
  // ---------------------------------------------------------------------------------------

  get top(): number {
    return this.m._lua_gettop(this.L);
  }

  setTop(idx: number): void {
    this.m._lua_settop(this.L, idx);
  }

  pop(n: number): void {
    this.m._lua_settop(this.L, -n - 1);
  }

  pushValue(idx: number): void {
    this.m._lua_pushvalue(this.L, idx);
  }

  type(idx: number): LuaType {
    return this.m._lua_type(this.L, idx) as LuaType;
  }

  isInteger(idx: number): boolean {
    return this.m._lua_isinteger(this.L, idx) !== 0;
  }

  toNumber(idx: number): number {
    return this.m._lua_tonumberx(this.L, idx, 0);
  }

  toInteger(idx: number): bigint {
    return this.m._lua_tointegerx(this.L, idx, 0);
  }

  toBoolean(idx: number): boolean {
    return this.m._lua_toboolean(this.L, idx) !== 0;
  }

  /** The bytes of the string (or number, converted in place as lua_tolstring does) at `idx`. */
  toBytes(idx: number): Buffer | null {
    const m = this.m;
    const p = m._lua_tolstring(this.L, idx, this.lenPtr);
    if (p === 0) return null;
    const heap = m.HEAPU8;
    const len = heap[this.lenPtr] | (heap[this.lenPtr + 1] << 8) | (heap[this.lenPtr + 2] << 16) | (heap[this.lenPtr + 3] << 24);
    return Buffer.from(heap.subarray(p, p + (len >>> 0)));
  }

  /** toBytes as a latin1 string (one char per byte). */
  toLatin1(idx: number): string | null {
    const b = this.toBytes(idx);
    return b === null ? null : b.toString('latin1');
  }

  rawLen(idx: number): number {
    return this.m._lua_rawlen(this.L, idx);
  }

  pushNil(): void {
    this.m._lua_pushnil(this.L);
  }

  pushBoolean(b: boolean): void {
    this.m._lua_pushboolean(this.L, b ? 1 : 0);
  }

  pushNumber(n: number): void {
    this.m._lua_pushnumber(this.L, n);
  }

  pushInteger(n: number | bigint): void {
    this.m._lua_pushinteger(this.L, BigInt(n));
  }

  /** Push a byte string; a JS string is taken as latin1 (one byte per char). */
  pushString(s: Uint8Array | string): void {
    this.m._lua_pushlstring(this.L, this.copyIn(s), s.length);
  }

  /** Copy `s` (bytes, or a latin1 string) into the scratch buffer; returns its address. */
  private copyIn(s: Uint8Array | string): number {
    const p = this.room(s.length);
    const heap = this.m.HEAPU8;
    if (typeof s === 'string') Buffer.from(heap.buffer, heap.byteOffset).latin1Write(s, p, s.length);
    else heap.set(s, p);
    return p;
  }

  /** The scratch buffer, at least `n` bytes. */
  private room(n: number): number {
    if (n > this.scratchSize) {
      this.m._free(this.scratch);
      this.scratchSize = Math.max(n, this.scratchSize * 2);
      this.scratch = this.m._malloc(this.scratchSize);
    }
    return this.scratch;
  }

  /** A NUL-terminated copy of `name` in the heap, kept for the state's life. */
  private cname(name: string): number {
    let p = this.names.get(name);
    if (p === undefined) {
      p = this.m._malloc(name.length + 1);
      const heap = this.m.HEAPU8;
      for (let i = 0; i < name.length; i++) heap[p + i] = name.charCodeAt(i);
      heap[p + name.length] = 0;
      this.names.set(name, p);
    }
    return p;
  }

  // ---------------------------------------------------------------------------------------
  // Tables and globals
  // ---------------------------------------------------------------------------------------

  newTable(narr = 0, nrec = 0): void {
    this.m._lua_createtable(this.L, narr, nrec);
  }

  getField(idx: number, name: string): LuaType {
    return this.m._lua_getfield(this.L, idx, this.cname(name)) as LuaType;
  }

  setField(idx: number, name: string): void {
    this.m._lua_setfield(this.L, idx, this.cname(name));
  }

  rawGetI(idx: number, n: number): LuaType {
    return this.m._lua_rawgeti(this.L, idx, BigInt(n)) as LuaType;
  }

  rawSetI(idx: number, n: number): void {
    this.m._lua_rawseti(this.L, idx, BigInt(n));
  }

  rawGet(idx: number): LuaType {
    return this.m._lua_rawget(this.L, idx) as LuaType;
  }

  rawSet(idx: number): void {
    this.m._lua_rawset(this.L, idx);
  }

  getGlobal(name: string): LuaType {
    return this.m._lua_getglobal(this.L, this.cname(name)) as LuaType;
  }

  setGlobal(name: string): void {
    this.m._lua_setglobal(this.L, this.cname(name));
  }

  /** lua_next: the next key-value pair of the table at `idx` after the key on top. */
  next(idx: number): boolean {
    return this.m._lua_next(this.L, idx) !== 0;
  }

  setMetatable(idx: number): void {
    this.m._lua_setmetatable(this.L, idx);
  }

  // ---------------------------------------------------------------------------------------
  // Code and calls
  // ---------------------------------------------------------------------------------------

  /** luaL_loadbuffer: compile `code` as a chunk named `name` (text only); the function or the error on top. */
  load(code: Uint8Array | string, name: string): LuaStatus {
    return this.m._luaL_loadbufferx(this.L, this.copyIn(code), code.length, this.cname(name), this.cname('t')) as LuaStatus;
  }

  /** lua_pcall with an optional message handler at `msgh` (0 for none). */
  pcall(nargs: number, nresults: number, msgh = 0): LuaStatus {
    return this.m._lua_pcallk(this.L, nargs, nresults, msgh, 0, 0) as LuaStatus;
  }

  /** Push `fn` as a C function. */
  pushFunction(fn: LuaFunction): void {
    const pointer = this.m.addFunction(() => fn(this), 'ii');
    this.m._lua_pushcclosure(this.L, pointer, 0);
  }

  /** A global function `name` running `fn`. */
  register(name: string, fn: LuaFunction): void {
    this.pushFunction(fn);
    this.setGlobal(name);
  }

  /**
   * Call `fn` every `count` instructions (lua_sethook with LUA_MASKCOUNT); it may raise(). Set
   * once per state; `count` 0 turns it off.
   */
  setCountHook(count: number, fn: (lua: Lua) => void): void {
    this.hook ??= this.m.addFunction(() => this.hookFn?.(this), 'vii');
    this.hookFn = fn;
    this.m._lua_sethook(this.L, count === 0 ? 0 : this.hook, count === 0 ? 0 : LUA_MASKCOUNT, count);
  }

  private hook: number | null = null;
  private hookFn: ((lua: Lua) => void) | null = null;

  /** lua_error: raise the value on top of the stack as the error; does not return. */
  raise(): never {
    this.m._lua_error(this.L);
    throw new Error('lua_error returned');
  }
}
