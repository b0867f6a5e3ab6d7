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
import type { ByteBuilder } from '../protocol/byte-builder.js';

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

const TYPE_NAMES = ['no value', 'nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'];

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
  _lua_rawlen(L: number, idx: number): bigint;
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
  _lua_pushlightuserdata(L: number, p: number): void;
  _lua_touserdata(L: number, idx: number): number;
  _lua_checkstack(L: number, n: number): number;
  _lua_getmetatable(L: number, idx: number): number;
  _lua_rawequal(L: number, a: number, b: number): number;
  _lua_rotate(L: number, idx: number, n: number): void;
  _lua_concat(L: number, n: number): void;
  _lua_newthread(L: number): number;
  _lua_resume(L: number, from: number, nargs: number, nresults: number): number;
  _lua_status(L: number): number;
  _lua_isyieldable(L: number): number;
  _lua_isnumber(L: number, idx: number): number;
  _luaL_where(L: number, level: number): void;
  _lua_resetthread(L: number): number;
  _lua_yieldk(L: number, nresults: number, ctx: number, k: number): number;
  addFunction(fn: (L: number, ar: number) => void, signature: string): number;
}

let wasm: Promise<RawLua> | null = null;

/** The WebAssembly module, compiled once per process. */
function loadWasm(): Promise<RawLua> {
  wasm ??= instantiate();
  return wasm;
}

/**
 * Emscripten's module object exposes each C function through a wrapper that asserts the
 * runtime is up and forwards `arguments` with apply: about 10% of a small script's time.
 * The instance's own exports are the same functions without it, so they are taken from the
 * instantiation (watched for the duration of the load) and used in the wrappers' place.
 */
async function instantiate(): Promise<RawLua> {
  type Exports = Record<string, unknown>;
  type Instantiated = { instance?: { exports: Exports }; exports?: Exports };
  const api = WebAssembly as unknown as { instantiate: (...args: unknown[]) => Promise<Instantiated> };
  const original = api.instantiate;
  let exports: Exports | null = null;
  api.instantiate = async (...args: unknown[]): Promise<Instantiated> => {
    const result = await original.apply(WebAssembly, args);
    exports = result.instance?.exports ?? result.exports ?? null;
    return result;
  };
  let module: RawLua;
  try {
    module = (await LuaWasm.initialize()).module as unknown as RawLua;
  } finally {
    api.instantiate = original;
  }
  const raw = exports as Exports | null;
  if (raw === null) return module;
  const direct = Object.create(module) as Record<string, unknown>;
  for (const key of Object.keys(module as object)) {
    if (!key.startsWith('_lua')) continue;
    const fn = raw[key.slice(1)];
    if (typeof fn === 'function') direct[key] = fn;
  }
  return direct as unknown as RawLua;
}

/** Up to this many bytes, a loop copies faster than Buffer.copy or set, whose own overhead dominates. */
const SHORT = 64;

/** src[from, to) into dst at `at`. Scripts mostly pass short strings, which a loop copies fastest. */
function copyBytes(src: Uint8Array, from: number, to: number, dst: Uint8Array, at: number): void {
  const n = to - from;
  if (n <= SHORT) {
    for (let i = 0; i < n; i++) dst[at + i] = src[from + i];
  } else {
    dst.set(src.subarray(from, to), at);
  }
}

/** A JavaScript function Lua can call: arguments on the stack, returns how many results it pushed. */
export type LuaFunction = (lua: Lua) => number;

/** What every state of one Lua universe shares: the module, the scratch heap buffers, interned names. */
class Shared {
  scratch: number;
  scratchSize = 4096;
  readonly lenPtr: number;
  readonly names = new Map<string, number>();
  /** The wrappers of the states this layer made (the main state and its threads), by address. */
  readonly states = new Map<number, Lua>();
  hook: number | null = null;
  hookFn: ((lua: Lua) => void) | null = null;
  private view: Buffer = Buffer.alloc(0);
  private viewOf: Uint8Array | null = null;

  /**
   * The WebAssembly memory as a Buffer, made again when the memory grows (Emscripten then
   * replaces HEAPU8): copies in and out go through it without a view object per string.
   */
  heap(): Buffer {
    const u8 = this.m.HEAPU8;
    if (u8 !== this.viewOf) {
      this.view = Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
      this.viewOf = u8;
    }
    return this.view;
  }

  /** The 32-bit length lua_tolstring left at lenPtr. */
  length(): number {
    return this.heap().readUInt32LE(this.lenPtr);
  }

  constructor(readonly m: RawLua) {
    this.scratch = m._malloc(this.scratchSize);
    this.lenPtr = m._malloc(8);
  }

  /** The wrapper for state `L`: one of ours, or a fresh one for a coroutine a script made. */
  state(L: number): Lua {
    return this.states.get(L) ?? Lua.wrap(this, L);
  }
}

export class Lua {
  private readonly m: RawLua;

  private constructor(
    readonly L: number,
    private readonly shared: Shared,
  ) {
    this.m = shared.m;
  }

  /** @internal A wrapper for a state of `shared`'s universe. */
  static wrap(shared: Shared, L: number): Lua {
    return new Lua(L, shared);
  }

  static async create(): Promise<Lua> {
    const m = await loadWasm();
    const shared = new Shared(m);
    const L = m._luaL_newstate();
    m._luaL_openlibs(L);
    const lua = new Lua(L, shared);
    shared.states.set(L, lua);
    return lua;
  }

  close(): void {
    const { m, shared } = this;
    m._lua_close(this.L);
    m._free(shared.scratch);
    m._free(shared.lenPtr);
    for (const p of shared.names.values()) m._free(p);
  }

  /**
   * lua_newthread: a coroutine state, pushed on this stack (anchor it, in the registry say,
   * or it is collected). Its wrapper stays known to this layer.
   */
  newThread(): Lua {
    const thread = new Lua(this.m._lua_newthread(this.L), this.shared);
    this.shared.states.set(thread.L, thread);
    return thread;
  }

  /**
   * lua_resume of this thread with the `nargs` values on its stack (the function below them
   * when it starts). Returns the status (Ok: it returned, Yield: it yielded) and how many
   * values it left on top.
   */
  resume(nargs: number): { status: LuaStatus; results: number } {
    const m = this.m;
    const out = this.shared.lenPtr;
    const status = m._lua_resume(this.L, 0, nargs, out) as LuaStatus;
    return { status, results: this.shared.heap().readInt32LE(out) };
  }

  /** lua_resetthread: close a thread left suspended or failed, so it can run a function again. */
  resetThread(): void {
    this.m._lua_resetthread(this.L);
  }

  /** lua_isyieldable: whether this state may yield now (no C call without a continuation below). */
  isYieldable(): boolean {
    return this.m._lua_isyieldable(this.L) !== 0;
  }

  /** lua_yield(L, 0), from a count hook: the thread suspends once the hook returns. */
  yieldFromHook(): void {
    this.m._lua_yieldk(this.L, 0, 0, 0);
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

  /** lua_isnumber: a number, or a string convertible to one. */
  isNumber(idx: number): boolean {
    return this.m._lua_isnumber(this.L, idx) !== 0;
  }

  toInteger(idx: number): bigint {
    return this.m._lua_tointegerx(this.L, idx, 0);
  }

  toBoolean(idx: number): boolean {
    return this.m._lua_toboolean(this.L, idx) !== 0;
  }

  /** The bytes of the string (or number, converted in place as lua_tolstring does) at `idx`. */
  toBytes(idx: number): Buffer | null {
    const shared = this.shared;
    const p = this.m._lua_tolstring(this.L, idx, shared.lenPtr);
    if (p === 0) return null;
    const len = shared.length();
    const out = Buffer.allocUnsafe(len);
    shared.heap().copy(out, 0, p, p + len);
    return out;
  }

  /**
   * Append the bytes of the string or number at `idx` to `out`; false when the value is
   * neither. No Buffer is made for the copy.
   */
  appendBytes(idx: number, out: ByteBuilder): boolean {
    const shared = this.shared;
    const p = this.m._lua_tolstring(this.L, idx, shared.lenPtr);
    if (p === 0) return false;
    const len = shared.length();
    out.room(len);
    copyBytes(shared.heap(), p, p + len, out.buf, out.length);
    out.length += len;
    return true;
  }

  /** toBytes as a latin1 string (one char per byte). */
  toLatin1(idx: number): string | null {
    const shared = this.shared;
    const p = this.m._lua_tolstring(this.L, idx, shared.lenPtr);
    if (p === 0) return null;
    return shared.heap().latin1Slice(p, p + shared.length());
  }

  rawLen(idx: number): number {
    return Number(this.m._lua_rawlen(this.L, idx));
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

  /**
   * A number as Lua 5.1 holds it (a double), pushed so it prints as 5.1 prints it: an integral
   * value in the 64-bit range as an integer, anything else (fractions, -0, inf, nan) as a float.
   */
  pushDouble(d: number): void {
    if (Number.isInteger(d) && Math.abs(d) < 9223372036854775807 && !Object.is(d, -0)) this.m._lua_pushinteger(this.L, BigInt(d));
    else this.m._lua_pushnumber(this.L, d);
  }

  /** A number as Lua 5.1 holds it (a double), whichever subtype it has here. */
  toDouble(idx: number): number {
    return this.isInteger(idx) ? Number(this.toInteger(idx)) : this.toNumber(idx);
  }

  pushInteger(n: number | bigint): void {
    this.m._lua_pushinteger(this.L, BigInt(n));
  }

  /** Push a byte string; a JS string is taken as latin1 (one byte per char). */
  pushString(s: Uint8Array | string): void {
    this.m._lua_pushlstring(this.L, this.copyIn(s), s.length);
  }

  /** Push bytes buf[start, end) as a string. */
  pushBytes(buf: Uint8Array, start: number, end: number): void {
    const len = end - start;
    const p = this.room(len);
    copyBytes(buf, start, end, this.shared.heap(), p);
    this.m._lua_pushlstring(this.L, p, len);
  }

  /** Copy `s` (bytes, or a latin1 string) into the scratch buffer; returns its address. */
  private copyIn(s: Uint8Array | string): number {
    const n = s.length;
    const p = this.room(n);
    const heap = this.shared.heap();
    if (typeof s !== 'string') copyBytes(s, 0, n, heap, p);
    else if (n <= SHORT) for (let i = 0; i < n; i++) heap[p + i] = s.charCodeAt(i);
    else heap.latin1Write(s, p, n);
    return p;
  }

  /** The scratch buffer, at least `n` bytes. */
  private room(n: number): number {
    const shared = this.shared;
    if (n > shared.scratchSize) {
      this.m._free(shared.scratch);
      shared.scratchSize = Math.max(n, shared.scratchSize * 2);
      shared.scratch = this.m._malloc(shared.scratchSize);
    }
    return shared.scratch;
  }

  /** A NUL-terminated copy of `name` in the heap, kept for the state's life. */
  private cname(name: string): number {
    const names = this.shared.names;
    let p = names.get(name);
    if (p === undefined) {
      p = this.m._malloc(name.length + 1);
      const heap = this.m.HEAPU8;
      for (let i = 0; i < name.length; i++) heap[p + i] = name.charCodeAt(i);
      heap[p + name.length] = 0;
      names.set(name, p);
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

  /** lua_getmetatable: pushes the metatable of the value at `idx`, if it has one. */
  getMetatable(idx: number): boolean {
    return this.m._lua_getmetatable(this.L, idx) !== 0;
  }

  rawEqual(a: number, b: number): boolean {
    return this.m._lua_rawequal(this.L, a, b) !== 0;
  }

  /** The NULL light userdata (cjson.null). */
  pushNull(): void {
    this.m._lua_pushlightuserdata(this.L, 0);
  }

  /** Whether the value at `idx` is the NULL light userdata. */
  isNull(idx: number): boolean {
    return this.type(idx) === LuaType.LightUserdata && this.m._lua_touserdata(this.L, idx) === 0;
  }

  /** lua_checkstack: room for `n` more values. */
  checkStack(n: number): boolean {
    return this.m._lua_checkstack(this.L, n) !== 0;
  }

  /** lua_insert: move the top value to `idx`, shifting the values above it up. */
  insert(idx: number): void {
    this.m._lua_rotate(this.L, idx, 1);
  }

  /** lua_concat of the top `n` values. */
  concat(n: number): void {
    this.m._lua_concat(this.L, n);
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
    const shared = this.shared;
    // The state calling it may be a coroutine: the stack to work on is that one's.
    const pointer = this.m.addFunction((L: number) => {
      const lua = shared.state(L);
      try {
        return fn(lua);
      } catch (e) {
        // A longjmp (lua_error) crosses JavaScript as a thrown number: let it through. Anything
        // else is a bug in the function; it fails the script instead of the server.
        if (typeof e === 'number') throw e;
        return lua.raiseMessage(`internal error: ${e instanceof Error ? e.message : String(e)}`);
      }
    }, 'ii');
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
    const shared = this.shared;
    shared.hook ??= this.m.addFunction((L: number) => shared.hookFn?.(shared.state(L)), 'vii');
    shared.hookFn = fn;
    this.m._lua_sethook(this.L, count === 0 ? 0 : shared.hook, count === 0 ? 0 : LUA_MASKCOUNT, count);
  }

  /**
   * luaL_error: raise `message` prefixed with where the calling Lua code is ("user_script:1: "),
   * as the C libraries Redis loads report their errors.
   */
  error(message: string): never {
    this.m._luaL_where(this.L, 1);
    this.pushString(message);
    this.concat(2);
    return this.raise();
  }

  /** luaL_argerror's message, as Lua 5.1 words it, raised with luaL_error's prefix. */
  argError(arg: number, fname: string, message: string): never {
    return this.error(`bad argument #${arg} to '${fname}' (${message})`);
  }

  /** Lua 5.1's name of the type at `idx` ("no value" past the top). */
  typeName(idx: number): string {
    return TYPE_NAMES[this.type(idx) + 1];
  }

  /** luaL_checknumber as Lua 5.1 has it: a number or a numeric string, else an argument error. */
  checkNumber(arg: number, fname: string): number {
    if (!this.isNumber(arg)) this.argError(arg, fname, `number expected, got ${this.typeName(arg)}`);
    return this.toDouble(arg);
  }

  /** luaL_checklstring: a string or a number (as its text), else an argument error. */
  checkBytes(arg: number, fname: string): Buffer {
    const t = this.type(arg);
    if (t !== LuaType.String && t !== LuaType.Number) this.argError(arg, fname, `string expected, got ${this.typeName(arg)}`);
    return this.toBytes(arg)!;
  }

  /** lua_error with `message` as the error (no position, as lua_error of a pushed string). */
  raiseMessage(message: string): never {
    this.pushString(message);
    return this.raise();
  }

  /** lua_error: raise the value on top of the stack as the error; does not return. */
  raise(): never {
    this.m._lua_error(this.L);
    throw new Error('lua_error returned');
  }
}
