/**
 * EVAL's engine (Redis's eval.c and script_lua.c): one Lua state for all scripts, scripts
 * cached by the SHA1 of their body, and the `redis` library they call the server with.
 *
 * - The globals are read-only, as Redis 7 makes them: a script that assigns a global gets
 *   "Attempt to modify a readonly table", one that reads a missing global gets "Script
 *   attempted to access nonexistent global variable". The real globals live in a hidden table
 *   behind an empty _G whose metatable guards it; KEYS and ARGV are set there for each call.
 * - redis.call and redis.pcall run a command for a client of the script's own, in the caller's
 *   database, and convert its RESP2 reply to Lua as Redis does (integer -> number, bulk ->
 *   string, nil -> false, array -> table, status -> {ok=...}, error -> {err=...}).
 * - A script's result goes back to RESP by Redis's rules: numbers truncated to integers, true
 *   -> 1, false and nil -> nil, {ok=} and {err=} tables as status and error, other tables as
 *   arrays up to their first nil.
 * - Errors carry "script: <sha>, on <source>:<line>." as Redis 7 adds them, from a message
 *   handler that records where the error was raised.
 *
 * Nothing else runs while a script runs (it is one synchronous call); commands a script makes
 * wake blocked clients only when the script ends (engine.executionNesting).
 */

import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Argv } from '../protocol/argv.js';
import { Argv as ArgvClass } from '../protocol/argv.js';
import { Client, ClientFlag } from '../server/client.js';
import type { Engine } from '../server/engine.js';
import { SERVER_VERSION } from '../server/version.js';
import { CommandBit, type Command } from '../commands/types.js';
import { formatDouble } from '../protocol/format.js';
import { Lua, LUA_REGISTRYINDEX, LuaStatus, LuaType } from './lua.js';
import { openBit } from './bit.js';
import { openCjson, strtod } from './cjson.js';
import { openCmsgpack } from './cmsgpack.js';
import { Rand48 } from './rand48.js';
import { openStruct } from './struct.js';
import { Functions } from './functions.js';
import { ByteBuilder } from '../protocol/byte-builder.js';
import { commandBitsFor, parseShebang, ScriptFlag } from './script-flags.js';

/** Lua code run once per state: Lua 5.1's names Redis scripts use, the error handler, the guard. */
const PRELUDE = `
unpack = table.unpack
loadstring = load
table.getn = function(t) return #t end
math.mod = math.fmod
-- The rest of Lua 5.1's library that 5.4 dropped, as 5.1 defines them.
table.maxn = function(t)
  local max = 0
  for k in pairs(t) do
    if type(k) == 'number' and k > max then max = k end
  end
  return max
end
table.foreach = function(t, f)
  for k, v in pairs(t) do
    local r = f(k, v)
    if r ~= nil then return r end
  end
end
table.foreachi = function(t, f)
  for i = 1, #t do
    local r = f(i, t[i])
    if r ~= nil then return r end
  end
end
math.pow = function(x, y) return x ^ y end
math.log10 = function(x) return math.log(x, 10) end
math.ldexp = function(m, e) return m * 2.0 ^ e end
math.frexp = function(x)
  if x == 0 or x ~= x or x == math.huge or x == -math.huge then return x, 0 end
  local e = math.floor(math.log(math.abs(x), 2)) + 1
  local m = x / 2.0 ^ e
  if math.abs(m) >= 1 then m = m / 2; e = e + 1 elseif math.abs(m) < 0.5 then m = m * 2; e = e - 1 end
  return m, e
end
math.cosh = function(x) return (math.exp(x) + math.exp(-x)) / 2 end
math.sinh = function(x) return (math.exp(x) - math.exp(-x)) / 2 end
math.tanh = function(x)
  if x > 20 then return 1.0 elseif x < -20 then return -1.0 end
  local a, b = math.exp(x), math.exp(-x)
  return (a - b) / (a + b)
end
math.atan2 = math.atan
string.gfind = string.gmatch
gcinfo = function() return math.floor(collectgarbage('count')) end
-- Lua 5.4's additions that Lua 5.1, and so Redis, does not have.
string.pack, string.unpack, string.packsize = nil, nil, nil
table.pack, table.unpack, table.move = nil, nil, nil
math.tointeger, math.type, math.ult, math.maxinteger, math.mininteger = nil, nil, nil, nil, nil
local dbg = debug
function __redis__err__handler(err)
  -- Where the script was: past a C function, and past the guard's metamethods (C code in Redis).
  local level = 2
  local i = dbg.getinfo(level, 'nSl')
  while i and (i.what == 'C' or i.source == '@prelude') do
    level = level + 1
    i = dbg.getinfo(level, 'nSl')
  end
  if type(err) ~= 'table' then
    -- Lua 5.4 names the culprit after the problem; Lua 5.1, whose wording scripts match, before.
    err = tostring(err):gsub("attempt to (.-) an? (%w+) value %((%w+) '([^']*)'%)", "attempt to %1 %3 '%4' (a %2 value)")
    err = {err = 'ERR ' .. err}
  end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end
local G, next, pairs, ipairs, type, rawset, rawget = _G, next, pairs, ipairs, type, rawset, rawget
local setmetatable, getmetatable, error, tostring = setmetatable, getmetatable, error, tostring
-- The globals Redis 7.0 gives scripts, and no others.
local hidden = {}
for _, k in ipairs({'_G', 'assert', 'bit', 'cjson', 'cmsgpack', 'collectgarbage', 'coroutine', 'error', 'gcinfo', 'getmetatable',
  'ipairs', 'load', 'loadstring', 'math', 'next', 'pairs', 'pcall', 'rawequal', 'rawget', 'rawset', 'redis', 'select', 'setmetatable',
  'string', 'struct', 'table', 'tonumber', 'tostring', 'type', 'unpack', 'xpcall', '__redis__err__handler'}) do
  hidden[k] = G[k]
end
hidden._VERSION = 'Lua 5.1'
-- loadstring does not take precompiled chunks.
hidden.loadstring = function(s, name) return load(s, name, 't') end
local all = {}
for k in pairs(G) do all[#all + 1] = k end
for _, k in ipairs(all) do rawset(G, k, nil) end
local function missing(_, k)
  error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
end
local function readonly()
  error('Attempt to modify a readonly table', 2)
end
-- What a library's code sees while FUNCTION LOAD runs it: redis.register_function, log and the
-- version, nothing else.
local library = nil
local r = hidden.redis
if r.register_function then
  local api = {register_function = r.register_function, log = r.log, REDIS_VERSION = r.REDIS_VERSION, REDIS_VERSION_NUM = r.REDIS_VERSION_NUM,
    LOG_DEBUG = r.LOG_DEBUG, LOG_VERBOSE = r.LOG_VERBOSE, LOG_NOTICE = r.LOG_NOTICE, LOG_WARNING = r.LOG_WARNING}
  r.register_function = nil
  setmetatable(api, {__index = missing, __newindex = readonly, __metatable = false})
  library = {redis = setmetatable({}, {__index = api, __newindex = readonly, __metatable = false})}
end
-- Read-only tables (Redis 7 marks them in its VM; here they are empty proxies): the library
-- tables, _G and the metatables a script can reach. 'protected' maps each to what it shows.
local protected = setmetatable({}, {__mode = 'k'})
local function proxy(t)
  local p = setmetatable({}, {__index = t, __newindex = readonly, __pairs = function() return next, t, nil end})
  protected[p] = t
  return p
end
for _, name in ipairs({'redis', 'cjson', 'cmsgpack', 'bit', 'struct', 'string', 'table', 'math', 'coroutine'}) do
  hidden[name] = proxy(hidden[name])
end
local current = hidden
local function loading(on)
  current = on and library or hidden
end
local gmeta = {
  __index = function(_, k)
    local v = current[k]
    if v == nil then error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2) end
    return v
  end,
  __newindex = readonly,
  __pairs = function() return next, current, nil end,
}
setmetatable(G, gmeta)
protected[G] = current
-- getmetatable(_G) shows the globals as its __index, read-only, as Redis's does.
local shown = {[gmeta] = proxy({__index = proxy(hidden), __newindex = readonly}), [getmetatable('')] = proxy(getmetatable(''))}
local function shows(t)
  if t == G then return current end
  return protected[t] or t
end
hidden.setmetatable = function(t, mt)
  if protected[t] then error('Attempt to modify a readonly table', 0) end
  return setmetatable(t, mt)
end
hidden.getmetatable = function(v)
  if protected[v] and v ~= G then return nil end
  local mt = getmetatable(v)
  return shown[mt] or mt
end
hidden.rawset = function(t, k, v)
  if protected[t] then error('Attempt to modify a readonly table', 0) end
  return rawset(t, k, v)
end
hidden.rawget = function(t, k) return rawget(shows(t), k) end
hidden.next = function(t, k) return next(shows(t), k) end
-- A script runs in a coroutine under xpcall, so it can yield from the count hook.
local xpcall, handler, getinfo = xpcall, __redis__err__handler, dbg.getinfo
local function run(f, ...)
  return xpcall(f, handler, ...)
end
-- Where a suspended script is: its innermost frame of user code.
local function where(co)
  local level = 0
  local i = getinfo(co, level, 'Sl')
  while i and (i.what == 'C' or i.source == '@prelude') do
    level = level + 1
    i = getinfo(co, level, 'Sl')
  end
  if i then return i.source, i.currentline end
end
return hidden, run, where, loading
`;

const REPL_AOF = 1;
const REPL_ALL = 3;
const REPL_FLAGS: [string, number][] = [
  ['REPL_NONE', 0],
  ['REPL_AOF', REPL_AOF],
  ['REPL_SLAVE', 2],
  ['REPL_REPLICA', 2],
  ['REPL_ALL', REPL_ALL],
];

/** How often the time check runs (Redis's LUA_MASKCOUNT hook runs every 100,000 instructions). */
const HOOK_INSTRUCTIONS = 100000;

const LOG_LEVELS: [string, number][] = [
  ['LOG_DEBUG', 0],
  ['LOG_VERBOSE', 1],
  ['LOG_NOTICE', 2],
  ['LOG_WARNING', 3],
];

export class ScriptError extends Error {}

/** The script running now (Redis's scriptRunCtx). */
interface Run {
  /** Who called it: the reply goes there. */
  client: Client;
  vm: Vm;
  /** The script's SHA1, or the function's name. */
  sha: string;
  /** EVAL (as opposed to FCALL): which KILL stops it, and the messages. */
  isEval: boolean;
  /** The command that runs it, valid until the command handler returns... */
  argv: Argv;
  /** ...so copied when the script goes busy, for FUNCTION STATS. */
  command: string[] | null;
  /** EVAL_RO, FCALL_RO or the no-writes flag: write commands are refused. */
  readOnly: boolean;
  /** The allow-oom flag: commands that may grow memory run even over maxmemory. */
  allowOom: boolean;
  /** performance.now() when it began, for busy-reply-threshold. */
  startedAt: number;
  /** The store's clock when it began: keys expire by that time for the whole script. */
  now: number;
  /** Whether its caller can wait for it across events (not inside EXEC or a synchronous call). */
  mayYield: boolean;
  /** Past busy-reply-threshold: it runs between events and others get -BUSY. */
  busy: boolean;
  killed: boolean;
  /** It has changed the data set: SCRIPT KILL refuses. */
  wrote: boolean;
}

interface CachedScript {
  /** Registry field holding the compiled function. */
  field: string;
  /** Its shebang's flags (ScriptFlag.EvalCompat without one). */
  flags: number;
  /** What it takes in the cache (INFO used_memory_scripts_eval). */
  bytes: number;
}

/** A Lua state and the coroutine its scripts run in (so one can yield between events). */
export interface Vm {
  lua: Lua;
  thread: Lua;
}

export class Scripting {
  /** The state EVAL scripts run in, and the one libraries of functions live in (as in Redis). */
  private evalVm: Vm | null = null;
  fnVm: Vm | null = null;
  /** FUNCTION's libraries (scripting/functions.ts). */
  readonly functions: Functions;
  private starting: Promise<void> | null = null;
  private readonly scripts = new Map<string, CachedScript>();
  /** The client redis.call runs commands for (it SELECTs the caller's database per script). */
  private readonly scriptClient: Client;
  /** The script running now, or suspended between events. */
  private running: Run | null = null;
  private runsSinceGc = 0;
  /** Cached scripts with a shebang: without any, EVALSHA's flags need no lookup. */
  private scriptsWithFlags = 0;
  /** redis.call's arguments: one Argv and one byte buffer, reused by every call. */
  private readonly callArgv = new ArgvClass();
  private readonly callBytes = new ByteBuilder();
  private readonly callEnds: number[] = [];
  /** DEBUG SET-DISABLE-DENY-SCRIPTS: scripts may call commands flagged noscript. */
  allowNoScriptCommands = false;
  /** math.random's generator, shared by every script as Redis's is. */
  private readonly rand = new Rand48();
  /** redis.set_repl's flags for the running script (REPL_ALL at its start). */
  private replFlags = REPL_ALL;

  constructor(private readonly engine: Engine) {
    this.scriptClient = new Client(engine, 0);
    this.scriptClient.flags |= ClientFlag.DenyBlocking | ClientFlag.Script;
    // How MONITOR names it.
    this.scriptClient.addr = 'lua';
    this.functions = new Functions(this);
  }

  /** Compile the Lua VM (once per process) and build the state; idempotent. */
  start(): Promise<void> {
    this.starting ??= Promise.all([Lua.create(), Lua.create()]).then(([forEval, forFunctions]) => {
      this.evalVm = this.setUp(forEval, false);
      this.fnVm = this.setUp(forFunctions, true);
    });
    return this.starting;
  }

  get ready(): boolean {
    return this.evalVm !== null;
  }

  /** A state with the redis library, the libraries Redis loads, the guard and a coroutine. */
  private setUp(lua: Lua, forFunctions: boolean): Vm {
    // The redis library, then the prelude that hides the globals behind the guard.
    lua.newTable();
    lua.pushFunction((l) => this.call(l, true));
    lua.setField(-2, 'call');
    lua.pushFunction((l) => this.call(l, false));
    lua.setField(-2, 'pcall');
    lua.pushFunction((l) => replyTable(l, 'err'));
    lua.setField(-2, 'error_reply');
    lua.pushFunction((l) => replyTable(l, 'ok'));
    lua.setField(-2, 'status_reply');
    lua.pushFunction((l) => {
      if (l.top !== 1) {
        return l.raiseMessage('wrong number of arguments');
      }
      l.pushString(sha1hex(l.toBytes(1) ?? Buffer.alloc(0)));
      return 1;
    });
    lua.setField(-2, 'sha1hex');
    lua.pushFunction((l) => this.log(l));
    lua.setField(-2, 'log');
    for (const [name, level] of LOG_LEVELS) {
      lua.pushInteger(level);
      lua.setField(-2, name);
    }
    // Which of a script's writes are propagated (only the AOF exists here): redis.set_repl.
    for (const [name, flags] of REPL_FLAGS) {
      lua.pushInteger(flags);
      lua.setField(-2, name);
    }
    lua.pushFunction((l) => {
      if (l.top !== 1) {
        return l.raiseMessage('redis.set_repl() requires two arguments.');
      }
      const flags = l.toNumber(1);
      if (!Number.isInteger(flags) || (flags & ~REPL_ALL) !== 0) {
        return l.raiseMessage('Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
      }
      this.replFlags = flags;
      return 0;
    });
    lua.setField(-2, 'set_repl');
    lua.pushFunction((l) => {
      if (l.top !== 1) {
        return l.raiseMessage('redis.setresp() requires one argument.');
      }
      const resp = l.toNumber(1);
      if (resp !== 2 && resp !== 3) {
        return l.raiseMessage('RESP version must be 2 or 3.');
      }
      this.scriptClient.reply.protocol = resp;
      return 0;
    });
    lua.setField(-2, 'setresp');
    // The debugger's calls do nothing outside a debugging session, as in Redis.
    lua.pushFunction((l) => {
      l.pushBoolean(false);
      return 1;
    });
    lua.setField(-2, 'breakpoint');
    lua.pushFunction(() => 0);
    lua.setField(-2, 'debug');
    lua.pushString(SERVER_VERSION);
    lua.setField(-2, 'REDIS_VERSION');
    const [major, minor, patch] = SERVER_VERSION.split('.').map(Number);
    lua.pushInteger((major << 16) | (minor << 8) | patch);
    lua.setField(-2, 'REDIS_VERSION_NUM');
    if (forFunctions) {
      lua.pushFunction((l) => this.functions.registerFunction(l));
      lua.setField(-2, 'register_function');
    }
    lua.setGlobal('redis');
    openCjson(lua);
    openCmsgpack(lua);
    openStruct(lua);
    openBit(lua);
    lua.getGlobal('math');
    lua.pushFunction((l) => this.rand.random(l));
    lua.setField(-2, 'random');
    lua.pushFunction((l) => this.rand.randomseed(l));
    lua.setField(-2, 'randomseed');
    lua.pop(1);
    if (lua.load(PRELUDE, '@prelude') !== LuaStatus.Ok || lua.pcall(0, 4) !== LuaStatus.Ok) {
      throw new Error(`scripting prelude failed: ${lua.toLatin1(-1)}`);
    }
    lua.setField(LUA_REGISTRYINDEX, 'cachica_loading');
    lua.setField(LUA_REGISTRYINDEX, 'cachica_where');
    lua.setField(LUA_REGISTRYINDEX, 'cachica_run');
    lua.setField(LUA_REGISTRYINDEX, 'cachica_globals');
    // The hook is set before the thread is made, which inherits it.
    lua.setCountHook(HOOK_INSTRUCTIONS, (l) => this.hook(l));
    const thread = lua.newThread();
    lua.setField(LUA_REGISTRYINDEX, 'cachica_thread');
    return { lua, thread };
  }

  /**
   * The count hook, every 100,000 instructions. Past busy-reply-threshold the script is "busy"
   * (Redis's timed-out script): it yields, and goes on between events, while other clients get
   * -BUSY and may send SCRIPT KILL or SHUTDOWN NOSAVE. A script whose caller cannot wait
   * (inside EXEC, the embedded API's synchronous calls) cannot yield: it is stopped instead.
   */
  private hook(lua: Lua): void {
    if (this.functions.loadHook(lua)) return;
    const run = this.running;
    if (run === null) return;
    if (!run.busy) {
      const limit = this.engine.config.getNumber('busy-reply-threshold');
      const elapsed = performance.now() - run.startedAt;
      if (limit <= 0 || elapsed < limit) return;
      if (!run.mayYield) {
        lua.raiseMessage(`Script ran longer than busy-reply-threshold (${limit} ms) and was stopped: its caller cannot wait for it`);
      }
      run.busy = true;
      this.engine.log.warning(
        `Slow script detected: still in execution after ${Math.round(elapsed)} milliseconds. You can try killing the script using the SCRIPT KILL command. Script name is: ${run.sha}.`,
      );
    }
    // Not inside a C call that cannot be resumed (a table.sort comparator, say): next time then.
    if (lua.isYieldable()) lua.yieldFromHook();
  }

  /** EVAL's, EVALSHA's or FCALL's flags as the script it names declares them. */
  commandBits(cmd: Command, argv: Argv): number {
    if (argv.count < 2) return cmd.bits;
    let flags: number;
    if (cmd.name === 'eval' || cmd.name === 'eval_ro') {
      // Only a body starting with "#!" declares flags.
      if (argv.ends[1] - argv.starts[1] < 2 || argv.bufs[1][argv.starts[1]] !== 0x23) return cmd.bits;
      const shebang = parseShebang(argv.buffer(1));
      flags = typeof shebang === 'string' ? ScriptFlag.EvalCompat : shebang.flags;
    } else if (cmd.name === 'evalsha' || cmd.name === 'evalsha_ro') {
      if (this.scriptsWithFlags === 0) return cmd.bits;
      flags = this.scripts.get(argv.str(1).toLowerCase())?.flags ?? ScriptFlag.EvalCompat;
    } else {
      flags = this.functions.find(argv.str(1))?.flags ?? ScriptFlag.EvalCompat;
    }
    return commandBitsFor(cmd.bits, flags);
  }

  /** A script is running (or busy between events): time stands still for it. */
  get inScript(): boolean {
    return this.running !== null;
  }

  /** When the running script started, in microseconds since the epoch (TIME inside it). */
  get startedAtMicros(): number | null {
    const run = this.running;
    return run === null ? null : Math.floor((performance.timeOrigin + run.startedAt) * 1000);
  }

  /** INFO memory's scripting fields: the Lua states' heaps and what the caches hold. */
  memory(): { evalVm: number; functionsVm: number; scripts: number; scriptBytes: number; functions: number; libraries: number; libraryBytes: number } {
    let scriptBytes = 0;
    for (const script of this.scripts.values()) scriptBytes += script.bytes;
    let libraryBytes = 0;
    for (const library of this.functions.libraries.values()) libraryBytes += library.code.length;
    return {
      evalVm: Math.round(collectGarbage(this.evalVm, 'count') * 1024),
      functionsVm: Math.round(collectGarbage(this.fnVm, 'count') * 1024),
      scripts: this.scripts.size,
      scriptBytes,
      functions: this.functions.functionCount,
      libraries: this.functions.libraries.size,
      libraryBytes,
    };
  }

  /** A script is past busy-reply-threshold and runs between events. */
  get busy(): boolean {
    return this.running?.busy ?? false;
  }

  /** What a command refused while a script is busy gets. */
  busyError(): string {
    return `BUSY Redis is busy running a script. You can only call ${this.running?.isEval === false ? 'FUNCTION' : 'SCRIPT'} KILL or SHUTDOWN NOSAVE.`;
  }

  /** The busy script, for FUNCTION STATS: its name, command and how long it has run. */
  get runningScript(): { name: string; argv: string[]; ms: number } | null {
    const run = this.running;
    return run === null ? null : { name: run.sha, argv: run.command ?? [], ms: Math.round(performance.now() - run.startedAt) };
  }

  /**
   * SCRIPT KILL: stop the busy script, unless it has written (then only SHUTDOWN NOSAVE ends
   * it). Its caller gets the error when the script is next resumed.
   */
  kill(c: Client, isEval: boolean): void {
    const run = this.running;
    if (run === null || !run.busy) {
      c.reply.error('NOTBUSY No scripts in execution right now.');
      return;
    }
    if (run.wrote) {
      c.reply.error(
        'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
      );
      return;
    }
    if (run.isEval !== isEval) {
      // SCRIPT KILL does not stop a function, nor FUNCTION KILL a script.
      c.reply.error(this.busyError());
      return;
    }
    run.killed = true;
    c.reply.ok();
  }

  /** SCRIPT LOAD and EVAL's compile step: the SHA1, or a ScriptError with Redis's message. */
  load(body: Buffer): string {
    const sha = sha1hex(body);
    if (this.scripts.has(sha)) return sha;
    const lua = this.need().lua;
    const shebang = parseShebang(body);
    if (typeof shebang === 'string') throw new ScriptError(`ERR ${shebang}`);
    // The shebang line is left out, its line feed kept so line numbers stay the user's.
    if (lua.load(body.subarray(shebang.length), '@user_script') !== LuaStatus.Ok) {
      const message = lua.toLatin1(-1) ?? '';
      lua.pop(1);
      throw new ScriptError(`ERR Error compiling script (new function): ${message}`);
    }
    const field = `f_${sha}`;
    lua.setField(LUA_REGISTRYINDEX, field);
    // Redis counts the SHA and the body (sdsZmallocSize + the string object).
    this.scripts.set(sha, { field, flags: shebang.flags, bytes: body.length + 56 });
    if ((shebang.flags & ScriptFlag.EvalCompat) === 0) this.scriptsWithFlags++;
    return sha;
  }

  exists(sha: string): boolean {
    return this.scripts.has(sha.toLowerCase());
  }

  /** SCRIPT FLUSH: forget every script (their functions are dropped from the registry). */
  flush(): void {
    const lua = this.evalVm?.lua ?? null;
    for (const script of this.scripts.values()) {
      if (lua === null) break;
      lua.pushNil();
      lua.setField(LUA_REGISTRYINDEX, script.field);
    }
    this.scripts.clear();
    this.scriptsWithFlags = 0;
    // Redis starts a new Lua state here; collecting everything leaves the same footprint.
    collectGarbage(this.evalVm, 'collect');
  }

  /**
   * Run cached script `sha` for `c` with KEYS and ARGV from argv[firstKey...]; the reply goes
   * to c.reply, now, or when a script that went busy ends. Returns false when no such script
   * is cached (EVALSHA's NOSCRIPT).
   */
  run(c: Client, sha: string, argv: Argv, firstKey: number, numKeys: number, readOnly: boolean): boolean {
    const script = this.scripts.get(sha);
    if (script === undefined) return false;
    const vm = this.need();
    const lua = vm.lua;
    if (!this.prepare(c, script.flags, readOnly)) return true;
    // KEYS and ARGV, set in the hidden globals.
    lua.getField(LUA_REGISTRYINDEX, 'cachica_globals');
    pushArgs(lua, argv, firstKey, firstKey + numKeys);
    lua.setField(-2, 'KEYS');
    pushArgs(lua, argv, firstKey + numKeys, argv.count);
    lua.setField(-2, 'ARGV');
    lua.pop(1);
    const thread = vm.thread;
    thread.setTop(0);
    thread.getField(LUA_REGISTRYINDEX, 'cachica_run');
    thread.getField(LUA_REGISTRYINDEX, script.field);
    this.begin(c, vm, sha, true, script.flags, readOnly, argv);
    this.resume(1);
    return true;
  }

  /**
   * FCALL: run the function in registry field `field` with the keys and arguments as its two
   * table parameters.
   */
  callFunction(c: Client, name: string, field: string, flags: number, argv: Argv, numKeys: number, readOnly: boolean): void {
    const vm = this.fnVm!;
    if (!this.prepare(c, flags, readOnly)) return;
    const thread = vm.thread;
    thread.setTop(0);
    thread.getField(LUA_REGISTRYINDEX, 'cachica_run');
    thread.getField(LUA_REGISTRYINDEX, field);
    pushArgs(thread, argv, 3, 3 + numKeys);
    pushArgs(thread, argv, 3 + numKeys, argv.count);
    this.begin(c, vm, name, false, flags, readOnly, argv);
    this.resume(3);
  }

  /**
   * scriptPrepareForRun's refusals for a script with declared flags (a shebang, or a
   * function): writes refused (MISCONF, *_RO), and memory over maxmemory without allow-oom.
   */
  private prepare(c: Client, flags: number, readOnly: boolean): boolean {
    if ((flags & ScriptFlag.EvalCompat) !== 0) return true;
    const engine = this.engine;
    if ((flags & ScriptFlag.NoWrites) === 0) {
      const refusal = engine.persistence.writeRefusal();
      if (refusal !== null) {
        c.reply.error(
          refusal.startsWith('MISCONF Errors writing to the AOF')
            ? `MISCONF Redis is configured to persist data to AOF, but it's currently unable to persist to disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts. AOF error: ${refusal.slice(refusal.lastIndexOf(': ') + 2)}`
            : "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts.",
        );
        return false;
      }
      if (readOnly) {
        c.reply.error('ERR Can not execute a script with write flag using *_ro command.');
        return false;
      }
    }
    if (engine.oomBeforeCommand && engine.maxmemory !== 0 && (flags & (ScriptFlag.AllowOom | ScriptFlag.NoWrites)) === 0) {
      c.reply.error("OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'");
      return false;
    }
    return true;
  }

  /** The run context for a script about to start (scriptPrepareForRun's second half). */
  private begin(c: Client, vm: Vm, name: string, isEval: boolean, flags: number, readOnly: boolean, argv: Argv): void {
    const compat = (flags & ScriptFlag.EvalCompat) !== 0;
    this.running = {
      client: c,
      vm,
      sha: name,
      isEval,
      argv,
      command: null,
      readOnly: readOnly || (!compat && (flags & ScriptFlag.NoWrites) !== 0),
      allowOom: !compat && (flags & ScriptFlag.AllowOom) !== 0,
      startedAt: performance.now(),
      now: this.engine.store.now(),
      mayYield: (c.flags & ClientFlag.DenyBlocking) === 0,
      busy: false,
      killed: false,
      wrote: false,
    };
    this.replFlags = REPL_ALL;
    this.scriptClient.reply.protocol = 2;
    this.scriptClient.selectDb(c.db.id);
    this.engine.executionNesting++;
  }

  /** Resume the script's coroutine; reply when it ends, or schedule the next slice when it yields. */
  private resume(nargs: number): void {
    const run = this.running!;
    const thread = run.vm.thread;
    const { status } = thread.resume(nargs);
    if (status === LuaStatus.Yield) {
      if (run.command === null) {
        const argv = run.argv;
        run.command = Array.from({ length: argv.count }, (_, i) => argv.str(i));
      }
      run.client.flags |= ClientFlag.InScript;
      setImmediate(this.continueBusy);
      return;
    }
    const c = run.client;
    if (status === LuaStatus.Ok) {
      // The runner returned xpcall's results: true and the value, or false and the error.
      if (thread.toBoolean(1)) luaToReply(thread, c, 2, this.scriptClient.protocol === 3);
      else errorReply(thread, c, run.sha);
    } else {
      errorReply(thread, c, run.sha);
      thread.resetThread();
    }
    thread.setTop(0);
    this.end(run);
  }

  /** The next slice of a busy script: with its own clock, or its end when SCRIPT KILL came. */
  private readonly continueBusy = (): void => {
    const run = this.running;
    if (run === null) return;
    this.engine.store.tick(run.now);
    if (!run.killed) {
      this.resume(0);
      return;
    }
    const { lua, thread } = run.vm;
    this.engine.log.warning(`Lua script killed by user with ${run.isEval ? 'SCRIPT' : 'FUNCTION'} KILL.`);
    lua.getField(LUA_REGISTRYINDEX, 'cachica_where');
    lua.getField(LUA_REGISTRYINDEX, 'cachica_thread');
    const located = lua.pcall(1, 2) === LuaStatus.Ok && lua.type(-2) === LuaType.String;
    const source = located ? lua.toLatin1(-2) : null;
    const line = located ? lua.toLatin1(-1) : null;
    lua.pop(2);
    thread.resetThread();
    thread.setTop(0);
    const message = `ERR Script killed by user with ${run.isEval ? 'SCRIPT' : 'FUNCTION'} KILL...`;
    run.client.reply.error(source !== null ? `${message} script: ${run.sha}, on ${source}:${line}.` : `${message} script: ${run.sha}.`);
    this.end(run);
  };

  /** The script is over and has replied: a suspended caller goes on with its next commands. */
  private end(run: Run): void {
    const engine = this.engine;
    this.running = null;
    // A step of the collector every few scripts, as Redis does, so garbage never piles up.
    if (++this.runsSinceGc === GC_CYCLE_PERIOD) {
      this.runsSinceGc = 0;
      collectGarbage(run.vm, 'step', GC_CYCLE_PERIOD);
    }
    engine.executionNesting--;
    const c = run.client;
    if ((c.flags & ClientFlag.InScript) === 0) return;
    // It went on between events: what the command's end would have done is done now.
    c.flags &= ~ClientFlag.InScript;
    if (engine.executionNesting === 0) engine.endExecutionUnit();
    if (engine.clients.get(c.id) === c) c.onUnblocked?.();
  }

  private need(): Vm {
    if (this.evalVm === null) throw new ScriptError('ERR scripting is not ready yet');
    return this.evalVm;
  }

  /** redis.call (raise = true) and redis.pcall. */
  private call(lua: Lua, raise: boolean): number {
    /*
     * The error table redis.call raises and redis.pcall returns. `counted`: the error is in the
     * statistics already (the command replied it, or it was refused here and counted), so the
     * script's reply of it will not count it again (ignore_error_stats_update).
     */
    const fail = (message: string, counted = true): number => {
      lua.setTop(0);
      lua.newTable();
      lua.pushString(message);
      lua.setField(-2, 'err');
      if (counted) {
        lua.pushBoolean(true);
        lua.setField(-2, 'ignore_error_stats_update');
      }
      return raise ? lua.raise() : 1;
    };
    const engine = this.engine;
    /** scriptCall's refusals: counted as an error reply, and as a rejected call of `command`. */
    const reject = (message: string, command: Command | null): number => {
      engine.stats.countError(message);
      if (command !== null) command.rejectedCalls++;
      return fail(message);
    };
    const n = lua.top;
    if (n === 0) return fail('ERR Please specify at least one argument for this redis lib call', false);
    // The arguments are copied into one buffer this engine keeps (commands copy what they keep).
    const bytes = this.callBytes;
    const ends = this.callEnds;
    bytes.reset();
    for (let i = 1; i <= n; i++) {
      const t = lua.type(i);
      if (t === LuaType.String) lua.appendBytes(i, bytes);
      else if (t === LuaType.Number) bytes.ascii(formatNumberArg(lua, i));
      else return fail('ERR Lua redis lib command arguments must be strings or integers', false);
      ends[i - 1] = bytes.length;
    }
    // The buffer is final only now: it is replaced when it grows.
    const argv = this.callArgv;
    argv.count = 0;
    for (let i = 0, start = 0; i < n; start = ends[i], i++) argv.push(bytes.buf, start, ends[i]);
    const cmd = engine.commands.lookup(argv);
    if (cmd === undefined || cmd.handler === null) return reject('ERR Unknown Redis command called from script', null);
    if ((cmd.arity > 0 && cmd.arity !== argv.count) || argv.count < -cmd.arity) return reject('ERR Wrong number of args calling Redis command from script', cmd);
    if ((cmd.bits & CommandBit.NoScript) !== 0 && !this.allowNoScriptCommands) return reject('ERR This Redis command is not allowed from script', cmd);
    const run = this.running!;
    const write = (cmd.bits & CommandBit.Write) !== 0;
    // scriptVerifyWriteCommandAllow and scriptVerifyOOM.
    if (run.readOnly && (cmd.bits & (CommandBit.Write | CommandBit.MayReplicate)) !== 0) return reject('ERR Write commands are not allowed from read-only scripts.', cmd);
    if (write && !run.wrote) {
      const refusal = engine.persistence.writeRefusal();
      if (refusal !== null) return reject(refusal, cmd);
    }
    if (!run.allowOom && engine.maxmemory !== 0 && !run.wrote && engine.oomBeforeCommand && (cmd.bits & CommandBit.DenyOom) !== 0) {
      return reject("OOM command not allowed when used memory > 'maxmemory'.", cmd);
    }
    if (write) run.wrote = true;
    const client = this.scriptClient;
    const reply = client.reply;
    reply.pos = 0;
    const outer = engine.current;
    engine.current = client;
    const propagation = engine.propagation;
    propagation.muted = (this.replFlags & REPL_AOF) === 0;
    engine.invoke(client, cmd, argv);
    propagation.muted = false;
    engine.current = outer;
    // Commandstats, errorstats and MONITOR ("[0 lua]") see a script's commands as any others.
    engine.countCall(client, cmd, 0);
    if (engine.monitors.clients.size !== 0) engine.monitors.feed(client, cmd, argv);
    const replied = reply.buf.subarray(0, reply.pos);
    reply.pos = 0;
    lua.setTop(0);
    if (replied[0] === 45 /* - */) return fail(replied.toString('latin1', 1, replied.length - 2));
    parseReply(lua, replied, 0);
    return 1;
  }

  /** redis.log(level, message ...). */
  private log(lua: Lua): number {
    const n = lua.top;
    if (n < 2) {
      return lua.raiseMessage('redis.log() requires two arguments or more.');
    }
    if (lua.type(1) !== LuaType.Number) {
      return lua.raiseMessage('First argument must be a number (log level).');
    }
    const level = lua.toNumber(1);
    if (level < 0 || level > 3) {
      return lua.raiseMessage('Invalid debug level.');
    }
    const parts: string[] = [];
    for (let i = 2; i <= n; i++) parts.push(lua.toLatin1(i) ?? '');
    const text = parts.join(' ');
    const log = this.engine.log;
    if (level === 0) log.debug(text);
    else if (level === 1) log.verbose(text);
    else if (level === 2) log.notice(text);
    else log.warning(text);
    return 0;
  }
}

/**
 * collectgarbage(what, arg) in a state: 'collect', a 'step' of `arg` KB, or the 'count' of KB
 * its heap holds, which is returned.
 */
function collectGarbage(vm: Vm | null, what: string, arg = 0): number {
  if (vm === null) return 0;
  const lua = vm.lua;
  lua.getGlobal('collectgarbage');
  lua.pushString(what);
  lua.pushInteger(arg);
  const result = lua.pcall(2, 1) === LuaStatus.Ok && lua.type(-1) === LuaType.Number ? lua.toDouble(-1) : 0;
  lua.setTop(0);
  return result;
}

/** How many scripts run between two garbage-collection steps (Redis's LUA_GC_CYCLE_PERIOD). */
const GC_CYCLE_PERIOD = 50;

export function sha1hex(body: Uint8Array): string {
  return createHash('sha1').update(body).digest('hex');
}

/**
 * A Lua number passed to redis.call, as Redis 7.0 writes it: "%.17g" of a double. Lua 5.1 has
 * only doubles, so an integer past 2^53 is first rounded to one, as Redis's Lua would have.
 */
function formatNumberArg(lua: Lua, idx: number): string {
  return formatDouble(lua.isInteger(idx) ? Number(lua.toInteger(idx)) : lua.toNumber(idx));
}

export function pushArgs(lua: Lua, argv: Argv, from: number, to: number): void {
  lua.newTable(to - from, 0);
  for (let i = from; i < to; i++) {
    lua.pushBytes(argv.bufs[i], argv.starts[i], argv.ends[i]);
    lua.rawSetI(-2, i - from + 1);
  }
}

/**
 * redis.error_reply / redis.status_reply: {err=msg} or {ok=msg}. An error gets a code as
 * luaPushErrorBuff gives it: "-CODE msg" and "CODE msg" keep theirs, a single word is taken as
 * the message of an ERR.
 */
function replyTable(lua: Lua, field: 'err' | 'ok'): number {
  if (lua.top !== 1 || lua.type(1) !== LuaType.String) {
    return lua.raiseMessage('wrong number or type of arguments');
  }
  let text = lua.toBytes(1)!;
  if (field === 'err') {
    const dashed = text[0] === 45 ? text.subarray(1) : text;
    const space = dashed.indexOf(32);
    const code = space < 0 ? 'ERR' : dashed.toString('latin1', 0, space);
    const message = (space < 0 ? dashed : dashed.subarray(space + 1)).toString('latin1').replace(/^[\r\n]+|[\r\n]+$/g, '');
    text = Buffer.from(`${code} ${message}`, 'latin1');
  }
  lua.newTable();
  lua.pushString(text);
  lua.setField(-2, field);
  return 1;
}

/**
 * A reply at `at` of `b` onto the Lua stack (redisProtocolToLuaType); returns where it ends.
 * RESP3 forms appear only after redis.setresp(3): map -> {map={k=v}}, set -> {set={m=true}},
 * null -> nil, boolean, double -> {double=n}, big number -> {big_number='...'}, verbatim ->
 * {verbatim_string={format=, string=}}; attributes are skipped.
 */
function parseReply(lua: Lua, b: Buffer, at: number): number {
  const type = b[at];
  const eol = b.indexOf(13, at);
  const next = eol + 2;
  switch (type) {
    case 58: // ':'
      lua.pushInteger(BigInt(b.latin1Slice(at + 1, eol)));
      return next;
    case 36: {
      // '$'
      const len = lengthAt(b, at + 1, eol);
      if (len < 0) {
        lua.pushBoolean(false);
        return next;
      }
      lua.pushBytes(b, next, next + len);
      return next + len + 2;
    }
    case 43: // '+'
      lua.newTable(0, 1);
      lua.pushBytes(b, at + 1, eol);
      lua.setField(-2, 'ok');
      return next;
    case 45: // '-'
      lua.newTable(0, 1);
      lua.pushBytes(b, at + 1, eol);
      lua.setField(-2, 'err');
      return next;
    case 42: {
      // '*'
      const n = lengthAt(b, at + 1, eol);
      if (n < 0) {
        lua.pushBoolean(false);
        return next;
      }
      lua.newTable(n, 0);
      let p = next;
      for (let i = 1; i <= n; i++) {
        p = parseReply(lua, b, p);
        lua.rawSetI(-2, i);
      }
      return p;
    }
    case 37: // '%'
    case 126: {
      // '~'
      const n = Number(b.toString('latin1', at + 1, eol));
      lua.newTable(0, 1);
      lua.newTable(0, n);
      let p = next;
      for (let i = 0; i < n; i++) {
        p = parseReply(lua, b, p);
        if (type === 37) p = parseReply(lua, b, p);
        else lua.pushBoolean(true);
        lua.rawSet(-3);
      }
      lua.setField(-2, type === 37 ? 'map' : 'set');
      return p;
    }
    case 95: // '_'
      lua.pushNil();
      return next;
    case 35: // '#'
      lua.pushBoolean(b[at + 1] === 116);
      return next;
    case 44: // ','
      lua.newTable(0, 1);
      lua.pushNumber(strtod(b, at + 1)[0]);
      lua.setField(-2, 'double');
      return next;
    case 40: // '('
      lua.newTable(0, 1);
      lua.pushString(b.subarray(at + 1, eol));
      lua.setField(-2, 'big_number');
      return next;
    case 61: {
      // '=': "fmt:text"
      const len = Number(b.toString('latin1', at + 1, eol));
      lua.newTable(0, 1);
      lua.newTable(0, 2);
      lua.pushString(b.subarray(next + 4, next + len));
      lua.setField(-2, 'string');
      lua.pushString(b.subarray(next, next + 3));
      lua.setField(-2, 'format');
      lua.setField(-2, 'verbatim_string');
      return next + len + 2;
    }
    case 124: {
      // '|': an attribute map before the reply it describes
      const n = Number(b.toString('latin1', at + 1, eol));
      let p = next;
      const top = lua.top;
      for (let i = 0; i < 2 * n; i++) p = parseReply(lua, b, p);
      lua.setTop(top);
      return parseReply(lua, b, p);
    }
    default:
      throw new Error(`unexpected reply byte ${type}`);
  }
}

/** The decimal length (or -1) of a RESP header: b[from, to). */
function lengthAt(b: Buffer, from: number, to: number): number {
  if (b[from] === 45) return -1;
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + b[i] - 48;
  return n;
}

/**
 * A script's result (at `idx`) as a reply (luaReplyToRedisReply). Tables are looked at for, in
 * order, `err`, `ok`, `double`, `big_number`, `verbatim_string`, `map` and `set` (raw fields),
 * else taken as an array up to the first nil. Booleans follow the script's RESP version
 * (`resp3`: redis.setresp(3)); the rest follows the caller's.
 */
function luaToReply(lua: Lua, c: Client, idx: number, resp3: boolean, depth = 0): void {
  const r = c.reply;
  const t = lua.type(idx);
  switch (t) {
    case LuaType.String:
      r.bulkBytes(lua.toBytes(idx)!);
      return;
    case LuaType.Boolean:
      if (resp3) r.boolean(lua.toBoolean(idx));
      else if (lua.toBoolean(idx)) r.integer(1);
      else r.nullBulk();
      return;
    case LuaType.Number:
      // Through a double, as Lua 5.1's numbers are, then truncated (Redis's (long long) cast).
      r.bigInteger(doubleToInt64(lua.toDouble(idx)));
      return;
    case LuaType.Table: {
      if (depth > 1000 || !lua.checkStack(4)) {
        r.error('ERR reached lua stack limit');
        return;
      }
      const base = lua.top;
      const abs = idx < 0 ? base + 1 + idx : idx;
      const plain = plainTable(lua, abs);
      if (rawField(lua, abs, 'err', plain) === LuaType.String) {
        const message = lua.toLatin1(-1)!.replace(/[\r\n]/g, ' ');
        lua.pop(1);
        if (alreadyCounted(lua, abs)) r.errorUncounted(message);
        else r.error(message);
        return;
      }
      lua.pop(1);
      if (rawField(lua, abs, 'ok', plain) === LuaType.String) {
        const message = lua.toLatin1(-1)!;
        lua.pop(1);
        r.simple(message.indexOf('\r') < 0 && message.indexOf('\n') < 0 ? message : message.replace(/[\r\n]/g, ' '));
        return;
      }
      lua.pop(1);
      if (rawField(lua, abs, 'double', plain) === LuaType.Number) {
        r.double(lua.toDouble(-1));
        lua.pop(1);
        return;
      }
      lua.pop(1);
      if (rawField(lua, abs, 'big_number', plain) === LuaType.String) {
        r.bigNumber(lua.toLatin1(-1)!.replace(/[\r\n]/g, ' '));
        lua.pop(1);
        return;
      }
      lua.pop(1);
      if (rawField(lua, abs, 'verbatim_string', plain) === LuaType.Table) {
        const verbatim = lua.top;
        if (rawField(lua, verbatim, 'format', false) === LuaType.String && rawField(lua, verbatim, 'string', false) === LuaType.String) {
          r.verbatimBytes(lua.toBytes(-1)!, (lua.toLatin1(-2) ?? '').padEnd(3).slice(0, 3));
          lua.setTop(base);
          return;
        }
      }
      lua.setTop(base);
      if (rawField(lua, abs, 'map', plain) === LuaType.Table) {
        const at = r.deferLen();
        let n = 0;
        lua.pushNil();
        while (lua.next(-2)) {
          luaToReply(lua, c, -2, resp3, depth + 1);
          luaToReply(lua, c, -1, resp3, depth + 1);
          lua.pop(1);
          n++;
        }
        r.setDeferredLen(at, n, true);
        lua.pop(1);
        return;
      }
      lua.pop(1);
      if (rawField(lua, abs, 'set', plain) === LuaType.Table) {
        const at = r.deferLen();
        let n = 0;
        lua.pushNil();
        while (lua.next(-2)) {
          luaToReply(lua, c, -2, resp3, depth + 1);
          lua.pop(1);
          n++;
        }
        r.setDeferredSetLen(at, n);
        lua.pop(1);
        return;
      }
      lua.pop(1);
      const at = r.deferLen();
      let n = 0;
      for (;;) {
        if (lua.rawGetI(abs, n + 1) === LuaType.Nil) {
          lua.pop(1);
          break;
        }
        luaToReply(lua, c, -1, resp3, depth + 1);
        lua.pop(1);
        n++;
      }
      r.setDeferredLen(at, n);
      return;
    }
    default:
      r.nullBulk();
  }
}

/** An error table from redis.call or redis.pcall, whose error the statistics hold already. */
function alreadyCounted(lua: Lua, idx: number): boolean {
  const t = lua.getField(idx, 'ignore_error_stats_update');
  const counted = t === LuaType.Boolean && lua.toBoolean(-1);
  lua.pop(1);
  return counted;
}

/**
 * lua_rawget of field `name` of the table at `idx` (absolute): pushes it, returns its type.
 * A table without a metatable gives the same through lua_getfield, one call instead of two.
 */
function rawField(lua: Lua, idx: number, name: string, plain: boolean): LuaType {
  if (plain) return lua.getField(idx, name);
  lua.pushString(name);
  return lua.rawGet(idx);
}

/** Whether the table at `idx` has no metatable (so raw and plain reads agree). */
function plainTable(lua: Lua, idx: number): boolean {
  if (!lua.getMetatable(idx)) return true;
  lua.pop(1);
  return false;
}

/** C's (long long) cast of a double on x86-64: truncation, and INT64_MIN for NaN and out of range. */
function doubleToInt64(v: number): bigint {
  if (!(v >= -9223372036854775808 && v < 9223372036854775808)) return -9223372036854775808n;
  return BigInt(Math.trunc(v));
}

/** The error a failed script replies (luaCallFunction): "<err> script: <sha>, on <source>:<line>." */
function errorReply(lua: Lua, c: Client, sha: string): void {
  let message: string;
  let counted = false;
  if (lua.type(-1) === LuaType.Table) {
    counted = alreadyCounted(lua, lua.top);
    lua.getField(-1, 'err');
    const err = lua.toLatin1(-1) ?? 'ERR unknown error';
    lua.pop(1);
    lua.getField(-1, 'source');
    const source = lua.toLatin1(-1);
    lua.pop(1);
    lua.getField(-1, 'line');
    const line = lua.toLatin1(-1);
    lua.pop(1);
    message = source !== null && line !== null ? `${err} script: ${sha}, on ${source}:${line}.` : `${err} script: ${sha}.`;
  } else {
    message = `ERR ${lua.toLatin1(-1) ?? 'unknown error'} script: ${sha}.`;
  }
  message = message.replace(/[\r\n]/g, ' ');
  if (counted) c.reply.errorUncounted(message);
  else c.reply.error(message);
}
