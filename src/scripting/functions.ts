/**
 * FUNCTION's libraries (Redis 7's functions.c and function_lua.c): code that starts with
 * `#!lua name=<library>` and registers named functions with redis.register_function when it
 * is loaded, in a Lua state of their own. FCALL runs a function by name with its keys and
 * arguments as two table parameters.
 *
 * While a library's code runs at FUNCTION LOAD it sees only redis.register_function,
 * redis.log and the version fields (its state's guard is switched to that table), and it is
 * stopped past 500 ms. A library whose load fails leaves nothing behind; with REPLACE the old
 * library comes back if the new one fails.
 */

import { RdbReader, RdbWriter } from '../persistence/rdb-encoding.js';
import { Crc64, crc64 } from '../persistence/crc64.js';
import { Lua, LUA_REGISTRYINDEX, LuaStatus, LuaType } from './lua.js';
import type { Scripting } from './scripting.js';
import { SCRIPT_FLAG_NAMES, splitArgs } from './script-flags.js';

export interface LuaFunction {
  name: string;
  description: Buffer | null;
  flags: number;
  /** Registry field holding the callback. */
  field: string;
  library: Library;
}

export interface Library {
  name: string;
  /** The whole code, its metadata line included (FUNCTION DUMP, LIST WITHCODE). */
  code: Buffer;
  /** By name, as registered (a library may hold names differing only in case, as in Redis). */
  functions: Map<string, LuaFunction>;
}

/** How long a library's code may run at FUNCTION LOAD (Redis's LOAD_TIMEOUT_MS). */
const LOAD_TIMEOUT_MS = 500;
const RDB_OPCODE_FUNCTION2 = 245;
/** The RDB version FUNCTION DUMP's payloads carry (Redis 7.0's, so 7.0 restores them). */
const DUMP_RDB_VERSION = 10;
const NAME_CHARS = /^[A-Za-z0-9_]+$/;

export class FunctionError extends Error {}

export class Functions {
  readonly libraries = new Map<string, Library>();
  /** Every library's functions, by name in lower case. */
  private readonly byName = new Map<string, LuaFunction>();
  /** The library FUNCTION LOAD is running the code of (redis.register_function adds to it). */
  private loading: Library | null = null;
  private loadStarted = 0;
  private loadTimeout = LOAD_TIMEOUT_MS;
  private nextField = 0;

  constructor(private readonly scripting: Scripting) {}

  /** A function by name; function names are not case-sensitive, as in Redis. */
  find(name: string): LuaFunction | undefined {
    return this.byName.get(name.toLowerCase());
  }

  get functionCount(): number {
    return this.byName.size;
  }

  /**
   * FUNCTION LOAD: run the library's code and keep what it registered. Returns the library's
   * name; throws FunctionError with Redis's message. A library it replaces is freed, or put in
   * `replaced` when given.
   */
  load(code: Buffer, replace: boolean, timeout = LOAD_TIMEOUT_MS, replaced: Library[] | null = null): string {
    const meta = parseMetadata(code);
    if (!NAME_CHARS.test(meta.name)) throw new FunctionError('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long');
    if (meta.engine.toLowerCase() !== 'lua') throw new FunctionError(`Engine '${meta.engine}' not found`);
    const old = this.libraries.get(meta.name);
    if (old !== undefined && !replace) throw new FunctionError(`Library '${meta.name}' already exists`);
    if (old !== undefined) this.unlink(old);
    const library: Library = { name: meta.name, code: Buffer.from(code), functions: new Map() };
    try {
      this.run(library, code.subarray(meta.codeStart), timeout);
      if (library.functions.size === 0) throw new FunctionError('No functions registered');
      for (const fn of library.functions.values()) {
        if (this.byName.has(fn.name.toLowerCase())) throw new FunctionError(`Function ${fn.name} already exists`);
      }
    } catch (e) {
      this.free(library);
      if (old !== undefined) this.link(old);
      throw e;
    }
    this.link(library);
    // A caller that may still roll back (FUNCTION RESTORE) frees what was replaced itself.
    if (old !== undefined) {
      if (replaced !== null) replaced.push(old);
      else this.free(old);
    }
    return library.name;
  }

  /** Run a library's code with the load-time API; what it registers lands in `library`. */
  private run(library: Library, code: Buffer, timeout: number): void {
    const lua = this.scripting.fnVm!.lua;
    if (lua.load(code, '@user_function') !== LuaStatus.Ok) {
      const message = lua.toLatin1(-1) ?? '';
      lua.pop(1);
      throw new FunctionError(`Error compiling function: ${message}`);
    }
    this.setLoading(lua, true);
    this.loading = library;
    this.loadStarted = performance.now();
    this.loadTimeout = timeout;
    let status: LuaStatus;
    try {
      status = lua.pcall(0, 0);
    } finally {
      this.loading = null;
      this.setLoading(lua, false);
    }
    if (status !== LuaStatus.Ok) {
      const message = errorMessage(lua);
      lua.pop(1);
      throw new FunctionError(`Error registering functions: ${message}`);
    }
  }

  /** The count hook during a load: FUNCTION LOAD timeout. Returns true when it raised. */
  loadHook(lua: Lua): boolean {
    if (this.loading === null) return false;
    if (this.loadTimeout > 0 && performance.now() - this.loadStarted > this.loadTimeout) {
      raiseError(lua, 'FUNCTION LOAD timeout');
    }
    return true;
  }

  private setLoading(lua: Lua, on: boolean): void {
    lua.getField(LUA_REGISTRYINDEX, 'cachica_loading');
    lua.pushBoolean(on);
    lua.pcall(1, 0);
  }

  /** redis.register_function(name, callback) or redis.register_function{...}. */
  registerFunction(lua: Lua): number {
    const library = this.loading;
    if (library === null) return raiseError(lua, 'redis.register_function can only be called on FUNCTION LOAD command');
    const n = lua.top;
    if (n < 1 || n > 2) return raiseError(lua, 'wrong number of arguments to redis.register_function');
    let name: string | null = null;
    let description: Buffer | null = null;
    let flags = 0;
    let callback = 0;
    if (n === 2) {
      if (lua.type(1) !== LuaType.String && lua.type(1) !== LuaType.Number) return raiseError(lua, 'first argument to redis.register_function must be a string');
      name = lua.toLatin1(1)!;
      if (lua.type(2) !== LuaType.Function) return raiseError(lua, 'second argument to redis.register_function must be a function');
      callback = 2;
    } else {
      if (lua.type(1) !== LuaType.Table) {
        return raiseError(lua, 'calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).');
      }
      lua.pushNil();
      while (lua.next(1)) {
        if (lua.type(-2) !== LuaType.String && lua.type(-2) !== LuaType.Number) return raiseError(lua, 'named argument key given to redis.register_function is not a string');
        const key = (lua.type(-2) === LuaType.String ? lua.toLatin1(-2)! : String(lua.toDouble(-2))).toLowerCase();
        const t = lua.type(-1);
        if (key === 'function_name') {
          if (t !== LuaType.String && t !== LuaType.Number) return raiseError(lua, 'function_name argument given to redis.register_function must be a string');
          name = lua.toLatin1(-1)!;
        } else if (key === 'description') {
          if (t !== LuaType.String && t !== LuaType.Number) return raiseError(lua, 'description argument given to redis.register_function must be a string');
          description = lua.toBytes(-1);
        } else if (key === 'callback') {
          if (t !== LuaType.Function) return raiseError(lua, 'callback argument given to redis.register_function must be a function');
          lua.pushValue(-1);
          lua.insert(2);
          callback = 2;
          // The table moved nothing below it; the key and value are one higher now.
        } else if (key === 'flags') {
          if (t !== LuaType.Table) return raiseError(lua, 'flags argument to redis.register_function must be a table representing function flags');
          const read = readFlags(lua);
          if (read === null) return raiseError(lua, 'unknown flag given');
          flags = read;
        } else {
          return raiseError(lua, 'unknown argument given to redis.register_function');
        }
        lua.pop(1);
      }
      if (name === null) return raiseError(lua, 'redis.register_function must get a function name argument');
      if (callback === 0) return raiseError(lua, 'redis.register_function must get a callback argument');
    }
    // functionLibCreateFunction (its message for a bad name says "Library", as Redis 7.0's does).
    if (!NAME_CHARS.test(name)) return raiseError(lua, 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long');
    if (library.functions.has(name)) return raiseError(lua, 'Function already exists in the library');
    const field = `fn_${this.nextField++}`;
    lua.pushValue(callback);
    lua.setField(LUA_REGISTRYINDEX, field);
    library.functions.set(name, { name, description, flags, field, library });
    return 0;
  }

  private link(library: Library): void {
    this.libraries.set(library.name, library);
    // FCALL finds functions whatever their case; of two names differing only in case, the first.
    for (const f of library.functions.values()) {
      const key = f.name.toLowerCase();
      if (!this.byName.has(key)) this.byName.set(key, f);
    }
  }

  private unlink(library: Library): void {
    this.libraries.delete(library.name);
    for (const f of library.functions.values()) {
      const key = f.name.toLowerCase();
      if (this.byName.get(key) === f) this.byName.delete(key);
    }
  }

  /** Drop a library's callbacks from the registry. */
  private free(library: Library): void {
    const lua = this.scripting.fnVm?.lua;
    if (lua === undefined) return;
    for (const f of library.functions.values()) {
      lua.pushNil();
      lua.setField(LUA_REGISTRYINDEX, f.field);
    }
  }

  /** FUNCTION DELETE: false when there is no such library. */
  delete(name: string): boolean {
    const library = this.libraries.get(name);
    if (library === undefined) return false;
    this.unlink(library);
    this.free(library);
    return true;
  }

  /** FUNCTION FLUSH. */
  flush(): void {
    for (const library of [...this.libraries.values()]) {
      this.unlink(library);
      this.free(library);
    }
  }

  /** Every library as FUNCTION2 records (what FUNCTION DUMP and RDB files hold). */
  writeRecords(w: RdbWriter): void {
    for (const library of this.libraries.values()) {
      w.byte(RDB_OPCODE_FUNCTION2);
      w.string(library.code);
    }
  }

  /** FUNCTION DUMP's payload: the records, the RDB version and a CRC64, as DUMP's. */
  dump(compress: boolean): Buffer {
    const w = new RdbWriter();
    w.compress = compress;
    this.writeRecords(w);
    w.byte(DUMP_RDB_VERSION & 0xff);
    w.byte(DUMP_RDB_VERSION >> 8);
    w.bytes(new Crc64().update(w.buf, 0, w.length).bytes());
    return Buffer.from(w.buf.subarray(0, w.length));
  }

  /**
   * FUNCTION RESTORE: the libraries of a dump, after a flush (FLUSH), added with their names
   * unused (APPEND), or replacing ones of the same name (REPLACE). Nothing changes on an error.
   */
  restore(payload: Buffer, policy: 'flush' | 'append' | 'replace'): void {
    if (!validDump(payload)) throw new FunctionError('DUMP payload version or checksum are wrong');
    const codes: Buffer[] = [];
    const r = new RdbReader(payload.subarray(0, payload.length - 10), 0);
    try {
      while (r.pos < payload.length - 10) {
        if (r.byte() !== RDB_OPCODE_FUNCTION2) throw new FunctionError('given type is not a function');
        codes.push(Buffer.from(r.string()));
      }
    } catch (e) {
      if (e instanceof FunctionError) throw e;
      throw new FunctionError('can not read data type');
    }
    const saved = new Map(this.libraries);
    const savedFunctions = new Map(this.byName);
    if (policy === 'flush') {
      this.libraries.clear();
      this.byName.clear();
    }
    const loaded: Library[] = [];
    const replaced: Library[] = [];
    try {
      for (const code of codes) {
        const meta = parseMetadata(code);
        if (policy === 'append' && this.libraries.has(meta.name)) throw new FunctionError(`Library ${meta.name} already exists`);
        this.load(code, policy === 'replace', 0, replaced);
        loaded.push(this.libraries.get(meta.name)!);
      }
    } catch (e) {
      // All or nothing: the libraries as they were, their callbacks untouched.
      for (const library of loaded) this.free(library);
      this.libraries.clear();
      this.byName.clear();
      for (const [k, v] of saved) this.libraries.set(k, v);
      for (const [k, v] of savedFunctions) this.byName.set(k, v);
      throw e;
    }
    for (const library of replaced) this.free(library);
    if (policy === 'flush') {
      for (const library of saved.values()) if (this.libraries.get(library.name) !== library) this.free(library);
    }
  }

  /** Load a library found in an RDB file; `replace` one of its name (DEBUG RELOAD MERGE). */
  loadFromRdb(code: Buffer, replace: boolean): void {
    this.load(code, replace, 0);
  }
}

/** functionExtractLibMetaData: the engine, the name and where the code after the metadata line starts. */
function parseMetadata(code: Buffer): { engine: string; name: string; codeStart: number } {
  if (code.length < 2 || code[0] !== 0x23 || code[1] !== 0x21) throw new FunctionError('Missing library metadata');
  const end = code.indexOf(0x0a);
  if (end < 0) throw new FunctionError('Invalid library metadata');
  const parts = splitArgs(code.toString('latin1', 0, end));
  if (parts === null || parts.length === 0) throw new FunctionError('Invalid library metadata');
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() !== 'name=') throw new FunctionError(`Invalid metadata value given: ${part}`);
    if (name !== null) throw new FunctionError('Invalid metadata value, name argument was given multiple times');
    name = part.slice(5);
  }
  if (name === null) throw new FunctionError('Library name was not given');
  return { engine: parts[0].slice(2), name, codeStart: end };
}

/** The flags table on top of the stack, or null when one is unknown (luaRegisterFunctionReadFlags). */
function readFlags(lua: Lua): number | null {
  let flags = 0;
  for (let i = 1; ; i++) {
    const t = lua.rawGetI(-1, i);
    if (t === LuaType.Nil) {
      lua.pop(1);
      return flags;
    }
    const text = t === LuaType.String || t === LuaType.Number ? lua.toLatin1(-1)!.toLowerCase() : null;
    lua.pop(1);
    const flag = SCRIPT_FLAG_NAMES.find(([n]) => n === text);
    if (flag === undefined) return null;
    flags |= flag[1];
  }
}

/** luaPushError + luaError: an error table {err = "ERR <message>"}. */
function raiseError(lua: Lua, message: string): never {
  lua.newTable();
  lua.pushString(`ERR ${message}`);
  lua.setField(-2, 'err');
  return lua.raise();
}

/** luaExtractErrorInformation's message: a table's err field, or "ERR " and a string error. */
function errorMessage(lua: Lua): string {
  if (lua.type(-1) === LuaType.Table) {
    lua.getField(-1, 'err');
    const message = lua.toLatin1(-1) ?? '';
    lua.pop(1);
    return message;
  }
  return `ERR ${lua.toLatin1(-1) ?? ''}`;
}

/** verifyDumpPayload: the RDB version and the CRC64 at the end. */
function validDump(payload: Buffer): boolean {
  if (payload.length < 10) return false;
  const footer = payload.length - 10;
  const version = payload[footer] | (payload[footer + 1] << 8);
  if (version > 12) return false;
  return crc64(payload, 0, payload.length - 8) === payload.readBigUInt64LE(payload.length - 8);
}
