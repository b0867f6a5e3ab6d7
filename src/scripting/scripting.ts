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
import { CommandBit } from '../commands/types.js';
import { formatDouble } from '../protocol/format.js';
import { Lua, LUA_REGISTRYINDEX, LuaStatus, LuaType } from './lua.js';
import { openBit } from './bit.js';
import { openCjson, strtod } from './cjson.js';
import { openCmsgpack } from './cmsgpack.js';
import { Rand48 } from './rand48.js';
import { openStruct } from './struct.js';

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
loadfile = nil
dofile = nil
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
    err = {err = 'ERR ' .. tostring(err)}
  end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end
local G, pairs, rawset, setmetatable, error, tostring = _G, pairs, rawset, setmetatable, error, tostring
local hidden = {}
for k, v in pairs(G) do hidden[k] = v end
for k in pairs(hidden) do rawset(G, k, nil) end
hidden._G = G
setmetatable(G, {
  __index = function(_, k)
    local v = hidden[k]
    if v == nil then error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2) end
    return v
  end,
  __newindex = function() error('Attempt to modify a readonly table', 2) end,
  __metatable = false,
})
return hidden
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

interface CachedScript {
  /** Registry field holding the compiled function. */
  field: string;
}

export class Scripting {
  private lua: Lua | null = null;
  private starting: Promise<void> | null = null;
  private readonly scripts = new Map<string, CachedScript>();
  /** The client redis.call runs commands for (it SELECTs the caller's database per script). */
  private readonly scriptClient: Client;
  /** EVAL_RO / EVALSHA_RO: write commands are refused. */
  private readOnly = false;
  /** When the running script began (performance.now()). */
  private startedAt = 0;
  /** math.random's generator, shared by every script as Redis's is. */
  private readonly rand = new Rand48();
  /** redis.set_repl's flags for the running script (REPL_ALL at its start). */
  private replFlags = REPL_ALL;

  constructor(private readonly engine: Engine) {
    this.scriptClient = new Client(engine, 0);
    this.scriptClient.flags |= ClientFlag.DenyBlocking;
  }

  /** Compile the Lua VM (once per process) and build the state; idempotent. */
  start(): Promise<void> {
    this.starting ??= Lua.create().then((lua) => this.setUp(lua));
    return this.starting;
  }

  get ready(): boolean {
    return this.lua !== null;
  }

  private setUp(lua: Lua): void {
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
        l.pushString('wrong number of arguments');
        return l.raise();
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
        l.pushString('redis.set_repl() requires two arguments.');
        return l.raise();
      }
      const flags = l.toNumber(1);
      if (!Number.isInteger(flags) || (flags & ~REPL_ALL) !== 0) {
        l.pushString('Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
        return l.raise();
      }
      this.replFlags = flags;
      return 0;
    });
    lua.setField(-2, 'set_repl');
    lua.pushFunction((l) => {
      if (l.top !== 1) {
        l.pushString('redis.setresp() requires one argument.');
        return l.raise();
      }
      const resp = l.toNumber(1);
      if (resp !== 2 && resp !== 3) {
        l.pushString('RESP version must be 2 or 3.');
        return l.raise();
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
    if (lua.load(PRELUDE, '@prelude') !== LuaStatus.Ok || lua.pcall(0, 1) !== LuaStatus.Ok) {
      throw new Error(`scripting prelude failed: ${lua.toLatin1(-1)}`);
    }
    lua.setField(LUA_REGISTRYINDEX, 'cachica_globals');
    lua.setCountHook(HOOK_INSTRUCTIONS, (l) => this.checkTime(l));
    this.lua = lua;
  }

  /**
   * The count hook. Redis keeps serving other clients while a script runs past
   * busy-reply-threshold (they get -BUSY) and stops it on SCRIPT KILL. Here the script holds
   * the only thread, so nothing else could ever run again: past the threshold the script is
   * stopped with an error instead (its writes so far stay).
   */
  private checkTime(lua: Lua): void {
    const limit = this.engine.config.getNumber('busy-reply-threshold');
    if (limit <= 0 || performance.now() - this.startedAt < limit) return;
    lua.pushString(`Script ran longer than busy-reply-threshold (${limit} ms) and was stopped: cachica cannot serve other clients while a script runs`);
    lua.raise();
  }

  /** SCRIPT LOAD and EVAL's compile step: the SHA1, or a ScriptError with Redis's message. */
  load(body: Buffer): string {
    const sha = sha1hex(body);
    if (this.scripts.has(sha)) return sha;
    const lua = this.need();
    if (lua.load(body, '@user_script') !== LuaStatus.Ok) {
      const message = lua.toLatin1(-1) ?? '';
      lua.pop(1);
      throw new ScriptError(`ERR Error compiling script (new function): ${message}`);
    }
    const field = `f_${sha}`;
    lua.setField(LUA_REGISTRYINDEX, field);
    this.scripts.set(sha, { field });
    return sha;
  }

  exists(sha: string): boolean {
    return this.scripts.has(sha.toLowerCase());
  }

  /** SCRIPT FLUSH: forget every script (their functions are dropped from the registry). */
  flush(): void {
    const lua = this.lua;
    for (const script of this.scripts.values()) {
      if (lua === null) break;
      lua.pushNil();
      lua.setField(LUA_REGISTRYINDEX, script.field);
    }
    this.scripts.clear();
  }

  /**
   * Run cached script `sha` for `c` with KEYS and ARGV from argv[firstKey...]; the reply goes
   * to c.reply. Returns false when no such script is cached (EVALSHA's NOSCRIPT).
   */
  run(c: Client, sha: string, argv: Argv, firstKey: number, numKeys: number, readOnly: boolean): boolean {
    const script = this.scripts.get(sha);
    if (script === undefined) return false;
    const lua = this.need();
    const engine = this.engine;
    // KEYS and ARGV, set in the hidden globals.
    lua.getField(LUA_REGISTRYINDEX, 'cachica_globals');
    pushArgs(lua, argv, firstKey, firstKey + numKeys);
    lua.setField(-2, 'KEYS');
    pushArgs(lua, argv, firstKey + numKeys, argv.count);
    lua.setField(-2, 'ARGV');
    lua.pop(1);
    lua.getField(LUA_REGISTRYINDEX, 'cachica_globals');
    lua.getField(-1, '__redis__err__handler');
    lua.getField(LUA_REGISTRYINDEX, script.field);
    const base = lua.top - 2;
    this.readOnly = readOnly;
    this.startedAt = performance.now();
    this.replFlags = REPL_ALL;
    this.scriptClient.reply.protocol = 2;
    this.scriptClient.selectDb(c.db.id);
    engine.executionNesting++;
    let status: LuaStatus;
    try {
      status = lua.pcall(0, 1, base + 1);
    } finally {
      engine.executionNesting--;
    }
    if (status === LuaStatus.Ok) luaToReply(lua, c, -1, this.scriptClient.protocol === 3);
    else errorReply(lua, c, sha);
    lua.setTop(base - 1);
    return true;
  }

  private need(): Lua {
    if (this.lua === null) throw new ScriptError('ERR scripting is not ready yet');
    return this.lua;
  }

  /** redis.call (raise = true) and redis.pcall. */
  private call(lua: Lua, raise: boolean): number {
    const fail = (message: string): number => {
      lua.setTop(0);
      lua.newTable();
      lua.pushString(message);
      lua.setField(-2, 'err');
      return raise ? lua.raise() : 1;
    };
    const n = lua.top;
    if (n === 0) return fail('ERR Please specify at least one argument for this redis lib call');
    const argv = new ArgvClass();
    for (let i = 1; i <= n; i++) {
      const t = lua.type(i);
      if (t !== LuaType.String && t !== LuaType.Number) return fail('ERR Lua redis lib command arguments must be strings or integers');
      const bytes = t === LuaType.Number ? Buffer.from(formatNumberArg(lua, i), 'latin1') : lua.toBytes(i)!;
      argv.push(bytes, 0, bytes.length);
    }
    const engine = this.engine;
    const cmd = engine.commands.lookup(argv);
    if (cmd === undefined || cmd.handler === null) return fail('ERR Unknown Redis command called from script');
    if ((cmd.arity > 0 && cmd.arity !== argv.count) || argv.count < -cmd.arity) return fail('ERR Wrong number of args calling Redis command from script');
    if ((cmd.bits & CommandBit.NoScript) !== 0) return fail('ERR This Redis command is not allowed from script');
    if (this.readOnly && (cmd.bits & CommandBit.Write) !== 0) return fail('ERR Write commands are not allowed from read-only scripts.');
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
    if (reply.errors.length !== 0) {
      for (const e of reply.errors) engine.stats.countError(e);
      reply.errors.length = 0;
    }
    const bytes = reply.buf.subarray(0, reply.pos);
    reply.pos = 0;
    lua.setTop(0);
    if (bytes[0] === 45 /* - */) {
      const message = bytes.toString('latin1', 1, bytes.length - 2);
      return fail(message);
    }
    parseReply(lua, bytes, 0);
    return 1;
  }

  /** redis.log(level, message ...). */
  private log(lua: Lua): number {
    const n = lua.top;
    if (n < 2) {
      lua.pushString('redis.log() requires two arguments or more.');
      return lua.raise();
    }
    if (lua.type(1) !== LuaType.Number) {
      lua.pushString('First argument must be a number (log level).');
      return lua.raise();
    }
    const level = lua.toNumber(1);
    if (level < 0 || level > 3) {
      lua.pushString('Invalid debug level.');
      return lua.raise();
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

function pushArgs(lua: Lua, argv: Argv, from: number, to: number): void {
  lua.newTable(to - from, 0);
  for (let i = from; i < to; i++) {
    lua.pushString(argv.buffer(i));
    lua.rawSetI(-2, i - from + 1);
  }
}

/** redis.error_reply / redis.status_reply: {err=msg} or {ok=msg}. */
function replyTable(lua: Lua, field: 'err' | 'ok'): number {
  if (lua.top !== 1 || lua.type(1) !== LuaType.String) {
    lua.pushString('wrong number or type of arguments');
    return lua.raise();
  }
  const text = lua.toBytes(1)!;
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
      lua.pushInteger(BigInt(b.toString('latin1', at + 1, eol)));
      return next;
    case 36: {
      // '$'
      const len = Number(b.toString('latin1', at + 1, eol));
      if (len < 0) {
        lua.pushBoolean(false);
        return next;
      }
      lua.pushString(b.subarray(next, next + len));
      return next + len + 2;
    }
    case 43: // '+'
      lua.newTable();
      lua.pushString(b.subarray(at + 1, eol));
      lua.setField(-2, 'ok');
      return next;
    case 45: // '-'
      lua.newTable();
      lua.pushString(b.subarray(at + 1, eol));
      lua.setField(-2, 'err');
      return next;
    case 42: {
      // '*'
      const n = Number(b.toString('latin1', at + 1, eol));
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
      if (rawField(lua, abs, 'err') === LuaType.String) {
        const message = lua.toLatin1(-1)!;
        lua.pop(1);
        r.error(message.replace(/[\r\n]/g, ' '));
        return;
      }
      lua.pop(1);
      if (rawField(lua, abs, 'ok') === LuaType.String) {
        const message = lua.toLatin1(-1)!;
        lua.pop(1);
        r.simple(message.replace(/[\r\n]/g, ' '));
        return;
      }
      lua.pop(1);
      if (rawField(lua, abs, 'double') === LuaType.Number) {
        r.double(lua.toDouble(-1));
        lua.pop(1);
        return;
      }
      lua.pop(1);
      if (rawField(lua, abs, 'big_number') === LuaType.String) {
        r.bigNumber(lua.toLatin1(-1)!.replace(/[\r\n]/g, ' '));
        lua.pop(1);
        return;
      }
      lua.pop(1);
      if (rawField(lua, abs, 'verbatim_string') === LuaType.Table) {
        const verbatim = lua.top;
        if (rawField(lua, verbatim, 'format') === LuaType.String && rawField(lua, verbatim, 'string') === LuaType.String) {
          r.verbatimBytes(lua.toBytes(-1)!, (lua.toLatin1(-2) ?? '').padEnd(3).slice(0, 3));
          lua.setTop(base);
          return;
        }
      }
      lua.setTop(base);
      if (rawField(lua, abs, 'map') === LuaType.Table) {
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
      if (rawField(lua, abs, 'set') === LuaType.Table) {
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

/** lua_rawget of field `name` of the table at `idx` (absolute): pushes it, returns its type. */
function rawField(lua: Lua, idx: number, name: string): LuaType {
  lua.pushString(name);
  return lua.rawGet(idx);
}

/** C's (long long) cast of a double on x86-64: truncation, and INT64_MIN for NaN and out of range. */
function doubleToInt64(v: number): bigint {
  if (!(v >= -9223372036854775808 && v < 9223372036854775808)) return -9223372036854775808n;
  return BigInt(Math.trunc(v));
}

/** The error a failed script replies (luaCallFunction): "<err> script: <sha>, on <source>:<line>." */
function errorReply(lua: Lua, c: Client, sha: string): void {
  let message: string;
  if (lua.type(-1) === LuaType.Table) {
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
  c.reply.error(message.replace(/[\r\n]/g, ' '));
}
