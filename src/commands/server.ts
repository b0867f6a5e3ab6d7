/**
 * Server commands (Redis's server.c, config.c and debug.c): INFO, CONFIG, DEBUG, SHUTDOWN and
 * TIME, the commands an operator and a monitoring tool use to look at and steer the server.
 *
 * Their replies are text that tools parse (INFO, DEBUG OBJECT) or error strings scripts match
 * (CONFIG SET), so each follows Redis 7.2's wording exactly; INFO's text is built in
 * monitoring/info.ts and parameter handling lives in server/config.ts, so this file only parses
 * arguments and replies.
 */

import { changeReplicationId, infoText } from '../monitoring/info.js';
import type { Argv } from '../protocol/argv.js';
import { AofState } from '../server/aof.js';
import { BlockKind, parseBlockTimeoutMs } from '../server/blocking.js';
import { ConfigError } from '../server/config.js';
import { datasetDigest, valueDigest } from '../server/digest.js';
import { loadSnapshot, saveSnapshot, snapshotPath, SnapshotError } from '../server/snapshot.js';
import type { Database } from '../store/database.js';
import { EntryFlag, LRU_MASK, ValueType } from '../store/entries.js';
import { hashBytes } from '../store/hash.js';
import { argLong, isStrictInt64, parseInt64 } from './args.js';
import { cString, NO_SUCH_KEY, NOT_INTEGER, NOT_POSITIVE, SYNTAX } from './errors.js';
import { valueEncoding } from './keys.js';
import type { CommandEntry } from './types.js';

// ---------------------------------------------------------------------------------------------
// Shared replies
// ---------------------------------------------------------------------------------------------

/**
 * Redis's addReplyHelp: a header naming the command, the help lines, and the HELP entry every
 * container adds, all as status replies.
 */
export function replyHelp(c: Client, command: string, lines: readonly string[]): void {
  const r = c.reply;
  r.arrayLen(lines.length + 3);
  r.simple(`${command.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const line of lines) r.simple(line);
  r.simple('HELP');
  r.simple('    Print this help.');
}

/** Redis's addReplySubcommandSyntaxError, for commands that parse their own subcommand. */
export function subcommandSyntaxError(c: Client, argv: Argv): void {
  c.reply.error(`ERR unknown subcommand or wrong number of arguments for '${cString(argv.str(1), 128)}'. Try ${argv.str(0).toUpperCase()} HELP.`);
}

import { ClientFlag, isLocalClient, type Client } from '../server/client.js';


// ---------------------------------------------------------------------------------------------
// INFO
// ---------------------------------------------------------------------------------------------

function info(c: Client, argv: Argv): void {
  c.reply.verbatim(infoText(c.engine, argv.strs(1)));
}

// ---------------------------------------------------------------------------------------------
// TIME
// ---------------------------------------------------------------------------------------------

function time(c: Client): void {
  // A script sees the time it started at (Redis 7.2's cached command time).
  const usec = c.engine.scripting.startedAtMicros ?? Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const seconds = Math.floor(usec / 1e6);
  c.reply.arrayLen(2);
  c.reply.bulk(String(seconds));
  c.reply.bulk(String(usec - seconds * 1e6));
}

// ---------------------------------------------------------------------------------------------
// CONFIG
// ---------------------------------------------------------------------------------------------

/**
 * CONFIG GET: a map of every parameter a pattern names. Parameter values may hold any bytes a
 * CONFIG SET gave them, so names and values go out as they came in (latin1 strings).
 */
function configGet(c: Client, argv: Argv): void {
  const found = c.engine.config.lookup(argv.strs(2));
  c.reply.mapLen(found.length);
  for (const [name, value] of found) {
    c.reply.bulk(name);
    c.reply.bulk(value);
  }
}

function configSet(c: Client, argv: Argv): void {
  if ((argv.count & 1) !== 0) {
    c.reply.error(SYNTAX);
    return;
  }
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.count; i += 2) pairs.push([argv.str(i), argv.str(i + 1)]);
  const { config } = c.engine;
  const setting = config.get('enable-protected-configs');
  const allowProtected = setting === 'yes' || (setting === 'local' && isLocalClient(c));
  try {
    config.setMany(pairs, allowProtected);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    c.reply.error(`ERR ${e.message}`);
    return;
  }
  c.reply.ok();
}

/**
 * CONFIG RESETSTAT: what resetServerStats, resetCommandTableStats and resetErrorTableStats
 * zero. The peak memory is kept, as in Redis.
 */
function configResetStat(c: Client): void {
  c.engine.resetStats();
  c.reply.ok();
}

const CONFIG_HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

function configHelp(c: Client): void {
  replyHelp(c, 'config', CONFIG_HELP);
}

// ---------------------------------------------------------------------------------------------
// Encodings shared with OBJECT (keys family) and DEBUG OBJECT
// ---------------------------------------------------------------------------------------------

/** Largest string Redis keeps inside its object allocation (OBJ_ENCODING_EMBSTR_SIZE_LIMIT). */
const EMBSTR_SIZE_LIMIT = 44;
/** Redis shares one object for each integer 0..9999 (OBJ_SHARED_INTEGERS). */
const SHARED_INTEGERS = 10000;
/** The refcount Redis reports for a shared object (OBJ_SHARED_REFCOUNT). */
const SHARED_REFCOUNT = 2147483647;

/**
 * The encoding Redis would give string entry `id` (OBJECT ENCODING, DEBUG OBJECT): what
 * tryObjectEncoding makes of the bytes, unless the value was changed in place (APPEND,
 * SETRANGE: always "raw") or made without tryObjectEncoding (INCRBYFLOAT: never "int").
 */
export function stringEncoding(db: Database, id: number): 'int' | 'embstr' | 'raw' {
  const flags = db.flags(id);
  if ((flags & EntryFlag.RawEncoding) !== 0) return 'raw';
  const len = db.stringLength(id);
  if ((flags & EntryFlag.NotIntEncoded) === 0 && len > 0) {
    const off = db.stringOffset(id);
    if (isStrictInt64(db.stringBuffer(id), off, off + len)) return 'int';
  }
  return len <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
}

/**
 * Is string entry `id` one of Redis's shared integer objects (refcount INT_MAX)? It is when it
 * holds 0..9999 int-encoded, was not made by COPY, and no maxmemory LRU/LFU policy needs a clock
 * per key.
 */
export function isSharedInteger(c: Client, db: Database, id: number): boolean {
  if (db.type(id) !== ValueType.String || (db.flags(id) & EntryFlag.Unshared) !== 0 || stringEncoding(db, id) !== 'int') return false;
  const { config } = c.engine;
  const policy = config.get('maxmemory-policy');
  if (config.getNumber('maxmemory') !== 0 && (policy.endsWith('lru') || policy.endsWith('lfu'))) return false;
  const off = db.stringOffset(id);
  const v = parseInt64(db.stringBuffer(id), off, off + db.stringLength(id));
  return typeof v === 'number' && v >= 0 && v < SHARED_INTEGERS;
}

// ---------------------------------------------------------------------------------------------
// DEBUG
// ---------------------------------------------------------------------------------------------

/** Block the whole process for `ms` milliseconds, as Redis's nanosleep blocks its one thread. */
function sleepSync(ms: number): void {
  if (!(ms > 0)) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** C's atoi: optional spaces and sign, then digits up to the first non-digit; 0 if none. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1], 10) : 0;
}

/** C's strtod without an end check: the longest numeric prefix, 0 if there is none. */
function strtod(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?(?:inf(?:inity)?|nan|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?))/i.exec(s);
  if (!m) return 0;
  const t = m[1].toLowerCase().replace(/^([+-]?)inf(inity)?$/, '$1Infinity');
  return t.endsWith('nan') ? Number.NaN : Number(t);
}

/** rdbSaveLen's size: 1, 2, 5 or 9 bytes. */
function rdbLenSize(n: number): number {
  if (n < 1 << 6) return 1;
  if (n < 1 << 14) return 2;
  if (n <= 0xffffffff) return 5;
  return 9;
}

/** rdbEncodeInteger's size for a value that fits 8, 16 or 32 bits, else 0. */
function rdbIntSize(v: number): number {
  if (v >= -128 && v <= 127) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 0;
}

/**
 * rdbSavedObjectLen for a string: small integers as RDB integers, the rest as length-prefixed
 * bytes. Redis LZF-compresses strings over 20 bytes (rdbcompression); cachica reports them
 * uncompressed until the RDB writer (persistence) provides the compressor.
 */
function serializedStringLength(db: Database, id: number): number {
  const len = db.stringLength(id);
  if (len > 0 && len <= 11) {
    const off = db.stringOffset(id);
    const v = parseInt64(db.stringBuffer(id), off, off + len);
    if (typeof v === 'number') {
      const size = rdbIntSize(v);
      if (size !== 0) return size;
    }
  }
  return rdbLenSize(len) + len;
}

/** DEBUG OBJECT: Redis's one-line description of a key's value. */
function debugObject(c: Client, argv: Argv): void {
  const db = c.db;
  // Redis reads the dict directly: no expiry check, no LRU update.
  const id = db.dict.find(hashBytes(argv.bufs[2], argv.starts[2], argv.ends[2]), argv.bufs[2], argv.starts[2], argv.ends[2]);
  if (id === 0) {
    c.reply.error(NO_SUCH_KEY);
    return;
  }
  const store = c.engine.store;
  const isString = db.type(id) === ValueType.String;
  const shared = isString && isSharedInteger(c, db, id);
  // A shared integer was made at start-up and is never touched since.
  const lru = shared ? Math.floor(c.engine.startedAt / 1000) & LRU_MASK : db.lru(id);
  const idle = store.idleSeconds(lru);
  const encoding = isString ? stringEncoding(db, id) : valueEncoding(db, id);
  const serialized = isString ? serializedStringLength(db, id) : 0;
  // Redis prints the object's address; ours is made up from the entry, stable for its life.
  const address = `0x${(0x7f0000000000 + id * 16).toString(16)}`;
  c.reply.simple(
    `Value at:${address} refcount:${shared ? SHARED_REFCOUNT : 1} encoding:${encoding} serializedlength:${serialized} lru:${lru} lru_seconds_idle:${idle}`,
  );
}

/** DEBUG PROTOCOL: one reply of each type, for client library tests. */
function debugProtocol(c: Client, type: string): void {
  const r = c.reply;
  switch (type) {
    case 'string':
      r.bulk('Hello World');
      break;
    case 'integer':
      r.integer(12345);
      break;
    case 'double':
      r.double(3.141);
      break;
    case 'bignum':
      r.bigNumber('1234567999999999999999999999999999999');
      break;
    case 'null':
      r.nullBulk();
      break;
    case 'array':
      r.arrayLen(3);
      for (let j = 0; j < 3; j++) r.integer(j);
      break;
    case 'set':
      r.setLen(3);
      for (let j = 0; j < 3; j++) r.integer(j);
      break;
    case 'map':
      r.mapLen(3);
      for (let j = 0; j < 3; j++) {
        r.integer(j);
        r.boolean(j === 1);
      }
      break;
    case 'attrib':
      if (r.protocol === 3) {
        r.raw('|1\r\n');
        r.bulk('key-popularity');
        r.arrayLen(2);
        r.bulk('key:123');
        r.integer(90);
      }
      r.bulk('Some real reply following the attribute');
      break;
    case 'push':
      if (r.protocol !== 3) {
        r.error('ERR RESP2 is not supported by this command');
        return;
      }
      r.pushLen(2);
      r.bulk('server-cpu-usage');
      r.integer(42);
      r.bulk('Some real reply following the push reply');
      break;
    case 'true':
      r.boolean(true);
      break;
    case 'false':
      r.boolean(false);
      break;
    case 'verbatim':
      r.verbatim('This is a verbatim\nstring');
      break;
    default:
      r.error(
        'ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false',
      );
  }
}

/** The subcommands cachica implements keep Redis's help text; the others answer as unknown. */
const DEBUG_HELP = [
  'AOF-FLUSH-SLEEP <microsec>',
  '    Server will sleep before flushing the AOF, this is used for testing.',
  'ASSERT',
  '    Crash by assertion failed.',
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'CONFIG-REWRITE-FORCE-ALL',
  '    Like CONFIG REWRITE but writes all configuration options, including',
  '    keywords not listed in original configuration file or default values.',
  'CRASH-AND-RECOVER [<milliseconds>]',
  '    Hard crash and restart after a <milliseconds> delay (default 0).',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LEAK <string>',
  '    Create a memory leak of the input string.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'HTSTATS <dbid> [full]',
  '    Return hash table statistics of the specified Redis database.',
  'HTSTATS-KEY <key> [full]',
  "    Like HTSTATS but for the hash table stored at <key>'s value.",
  'LOADAOF',
  '    Flush the AOF buffers on disk and reload the AOF in memory.',
  'REPLICATE <string>',
  '    Replicates the provided string to replicas, allowing data divergence.',
  'MALLCTL <key> [<val>]',
  '    Get or set a malloc tuning integer.',
  'MALLCTL-STR <key> [<val>]',
  '    Get or set a malloc tuning string.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'DROP-CLUSTER-PACKET-FILTER <packet-type>',
  '    Drop all packets that match the filtered type. Set to -1 allow all packets.',
  'OOM',
  '    Crash the server simulating an out-of-memory error.',
  'PANIC',
  '    Crash the server simulating a panic.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  '    it is used instead of the \'key\' prefix. These are not propagated to',
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load, but',
  '      conflicting keys will generate an exception and kill the server.',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  '    Examples:',
  '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
  '      the database.',
  '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
  '      existing RDB file.',
  '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
  '      file to the database.',
  'RESTART [<milliseconds>]',
  '    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).',
  'SDSLEN <key>',
  '    Show low level SDS string info representing `key` and value.',
  'SEGFAULT',
  '    Crash the server with sigsegv.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'QUICKLIST-PACKED-THRESHOLD <size>',
  '    Sets the threshold for elements to be inserted as plain vs packed nodes',
  '    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.',
  'SET-SKIP-CHECKSUM-VALIDATION <0|1>',
  '    Enables or disables checksum checks for RDB files and RESTORE\'s payload.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'STRINGMATCH-TEST',
  '    Run a fuzz tester against the stringmatchlen() function.',
  'STRUCTSIZE',
  '    Return the size of different Redis core C structures.',
  'LISTPACK <key>',
  '    Show low level info about the listpack encoding of <key>.',
  'QUICKLIST <key> [<0|1>]',
  '    Show low level info about the quicklist encoding of <key>.',
  '    The optional argument (0 by default) sets the level of detail',
  'CLIENT-EVICTION',
  '    Show low level client eviction pools info (maxmemory-clients).',
  'PAUSE-CRON <0|1>',
  '    Stop periodic cron job processing.',
  'REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>',
  '    Sets the time (in milliseconds) to wait between client reply buffer peak resets.',
  '    In case NEVER is provided the last observed peak will never be reset',
  '    In case RESET is provided the peak reset time will be restored to the default value',
  'REPLYBUFFER RESIZING <0|1>',
  '    Enable or disable the reply buffer resize cron job',
  'CLUSTERLINK KILL <to|from|all> <node-id>',
  '    Kills the link based on the direction to/from (both) with the provided node.',
];

/** SAVE: write the snapshot now, holding every client until it is on disk (as Redis's). */
function save(c: Client): void {
  if (c.engine.persistence.bgsave !== null) {
    c.reply.error('ERR Background save already in progress');
    return;
  }
  try {
    saveSnapshot(c.engine);
    c.reply.ok();
  } catch (e) {
    if (!(e instanceof SnapshotError)) throw e;
    c.reply.error('ERR');
  }
}

/**
 * BGSAVE [SCHEDULE]: a point-in-time snapshot written in slices while clients are served
 * (server/background-save.ts). Behind an AOF rewrite it waits when SCHEDULE asks it to, and
 * inside MULTI it is always scheduled, as Redis does.
 */
function bgsave(c: Client, argv: Argv): void {
  let schedule = false;
  if (argv.count > 1) {
    if (argv.count === 2 && argv.is(1, 'SCHEDULE')) schedule = true;
    else {
      c.reply.error(SYNTAX);
      return;
    }
  }
  const persistence = c.engine.persistence;
  if (c.engine.executionNesting > 0 && persistence.bgsave === null) {
    persistence.bgsaveScheduled = true;
    c.reply.simple('Background saving scheduled');
    return;
  }
  const outcome = persistence.startBgsave(schedule);
  if (outcome === 'started') c.reply.simple('Background saving started');
  else if (outcome === 'scheduled') c.reply.simple('Background saving scheduled');
  else c.reply.error(outcome);
}

/** BGREWRITEAOF: a new base for the AOF, written in slices (server/aof.ts). */
function bgrewriteaof(c: Client): void {
  const aof = c.engine.persistence.aof;
  if (aof.rewrite !== null) {
    c.reply.error('ERR Background append only file rewriting already in progress');
    return;
  }
  if (c.engine.persistence.bgsave !== null || c.engine.executionNesting > 0) {
    aof.rewriteScheduled = true;
    c.reply.simple('Background append only file rewriting scheduled');
    return;
  }
  const error = aof.startRewrite();
  if (error === null) c.reply.simple('Background append only file rewriting started');
  else if (error === 'scheduled') c.reply.simple('Background append only file rewriting scheduled');
  else c.reply.error(error);
}

/**
 * DEBUG LOADAOF: put the AOF on disk, empty the databases and replay the files. Redis exits
 * when the files cannot be loaded; here the command fails instead.
 */
function debugLoadAof(c: Client): void {
  const engine = c.engine;
  const aof = engine.persistence.aof;
  engine.persistence.finishSavesNow();
  if (aof.state === AofState.On) aof.flush(true);
  for (const db of engine.store.databases) engine.events.flushing(db);
  engine.events.flushed();
  engine.store.flushAll();
  const propagation = engine.propagation;
  const wasActive = propagation.active;
  propagation.active = false;
  try {
    aof.loaderAtStartup()?.step(Infinity);
  } catch (e) {
    engine.log.warning(`Error loading the AOF: ${(e as Error).message}`);
    c.reply.error('ERR Error trying to load the AOF files, check server logs.');
    return;
  } finally {
    propagation.active = wasActive;
  }
  engine.dirty = 0;
  engine.log.warning('Append Only File loaded by DEBUG LOADAOF');
  c.reply.ok();
}

/** LASTSAVE: the Unix time of the last successful save (the start time before any). */
function lastsave(c: Client): void {
  c.reply.integer(c.engine.persistence.lastSaveTime);
}

/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save the snapshot, empty the databases, load it
 * back. NOSAVE loads what is on disk; NOFLUSH keeps the data (a key in both is an error unless
 * MERGE).
 */
function debugReload(c: Client, argv: Argv): void {
  let save = true;
  let flush = true;
  let merge = false;
  for (let i = 2; i < argv.count; i++) {
    if (argv.is(i, 'NOSAVE')) save = false;
    else if (argv.is(i, 'NOFLUSH')) flush = false;
    else if (argv.is(i, 'MERGE')) merge = true;
    else {
      c.reply.error('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
      return;
    }
  }
  const engine = c.engine;
  engine.persistence.finishSavesNow();
  if (save) {
    try {
      saveSnapshot(engine);
    } catch (e) {
      if (!(e instanceof SnapshotError)) throw e;
      c.reply.error('ERR Error trying to save the DB');
      return;
    }
  }
  if (flush) {
    // emptyData: what FLUSHALL tells watchers and tracking clients.
    for (const db of engine.store.databases) engine.events.flushing(db);
    engine.events.flushed();
    engine.store.flushAll();
    // emptyData takes the functions too; the file gives them back.
    engine.scripting.functions.flush();
  }
  try {
    loadSnapshot(engine, snapshotPath(engine), merge);
  } catch (e) {
    c.reply.error(`ERR Error trying to load the RDB dump, check server logs.`);
    engine.log.warning(`Error loading the RDB: ${(e as Error).message}`);
    return;
  }
  engine.log.notice('DB reloaded by DEBUG RELOAD');
  c.reply.ok();
}

/**
 * DEBUG POPULATE count [prefix] [size]: keys prefix:0 .. prefix:count-1 (prefix "key") set to
 * "value:N", or with a size, to those bytes cut or zero-padded to it. Existing keys are left as
 * they are.
 */
function debugPopulate(c: Client, argv: Argv): void {
  // getPositiveLongFromObjectOrReply: one message for a bad number and a negative one.
  const count = argLong(argv, 2);
  if (count === null || count < 0) {
    c.reply.error(NOT_POSITIVE);
    return;
  }
  let size = 0;
  if (argv.count === 5) {
    const v = argLong(argv, 4);
    if (v === null || v < 0) {
      c.reply.error(NOT_POSITIVE);
      return;
    }
    size = v;
  }
  // Redis formats the key into a 128-byte buffer, so a longer prefix is cut.
  const prefix = argv.count >= 4 ? argv.buffer(3) : Buffer.from('key');
  const db = c.db;
  const events = c.engine.events;
  for (let j = 0; j < count; j++) {
    const key = Buffer.concat([prefix, Buffer.from(`:${j}`)]).subarray(0, 127);
    if (db.find(key, 0, key.length) !== 0) continue;
    const text = Buffer.from(`value:${j}`);
    let value = text;
    if (size !== 0) {
      value = Buffer.alloc(size);
      text.copy(value, 0, 0, Math.min(size, text.length));
    }
    db.setString(key, 0, key.length, value, 0, value.length);
    events.modified(db, key.toString('latin1'));
  }
  c.reply.ok();
}

function debug(c: Client, argv: Argv): void {
  const sub = argv.lower(1);
  const n = argv.count;
  if (sub === 'help' && n === 2) {
    replyHelp(c, argv.str(0), DEBUG_HELP);
  } else if (sub === 'sleep' && n === 3) {
    // Redis truncates to whole microseconds before sleeping.
    sleepSync(Math.trunc(strtod(argv.str(2)) * 1e6) / 1000);
    // Commands after the sleep in the same read must see the time that has passed; a script
    // keeps the time it started at.
    if (!c.engine.scripting.inScript) c.engine.store.tick(Date.now());
    c.reply.ok();
  } else if (sub === 'set-active-expire' && n === 3) {
    c.engine.store.activeExpireEnabled = atoi(argv.str(2)) !== 0;
    c.reply.ok();
  } else if (sub === 'set-disable-deny-scripts' && n === 3) {
    // Lets scripts call commands flagged noscript (Redis's test hook).
    c.engine.scripting.allowNoScriptCommands = atoi(argv.str(2)) !== 0;
    c.reply.ok();
  } else if (sub === 'object' && n === 3) {
    debugObject(c, argv);
  } else if (sub === 'reload') {
    debugReload(c, argv);
  } else if (sub === 'digest' && n === 2) {
    c.reply.simple(datasetDigest(c.engine));
  } else if (sub === 'digest-value') {
    c.reply.arrayLen(n - 2);
    for (let i = 2; i < n; i++) c.reply.simple(valueDigest(c.engine, c.db, argv.buffer(i)));
  } else if (sub === 'loadaof' && n === 2) {
    debugLoadAof(c);
  } else if (sub === 'populate' && n >= 3 && n <= 5) {
    debugPopulate(c, argv);
  } else if (sub === 'change-repl-id' && n === 2) {
    c.engine.log.notice('Changing replication IDs after receiving DEBUG change-repl-id');
    changeReplicationId(c.engine);
    c.reply.ok();
  } else if (sub === 'log' && n === 3) {
    c.engine.log.warning(`DEBUG LOG: ${argv.str(2)}`);
    c.reply.ok();
  } else if (sub === 'error' && n === 3) {
    // Written as raw protocol, as Redis does: not counted in errorstats or failed_calls.
    c.reply.raw(`-${argv.str(2).replace(/[\r\n]/g, ' ')}\r\n`);
  } else if (sub === 'protocol' && n === 3) {
    debugProtocol(c, argv.lower(2));
  } else {
    subcommandSyntaxError(c, argv);
  }
}

// ---------------------------------------------------------------------------------------------
// SHUTDOWN
// ---------------------------------------------------------------------------------------------

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT], as Redis's shutdownCommand and finishShutdown.
 *
 * Redis saves a final snapshot when asked (SAVE) or when save points are configured (unless
 * NOSAVE), and when that save fails it refuses to exit, unless FORCE. Background saves stop
 * and the AOF is fsynced first. There are no replicas to wait for, so NOW changes nothing and ABORT never finds a shutdown in
 * progress. The shutdown itself is the embedder's: engine.onShutdownRequest (cachica-server
 * closes everything and exits; the client sees its connection close, as with Redis).
 */
function shutdown(c: Client, argv: Argv): void {
  let nosave = false;
  let save = false;
  let now = false;
  let force = false;
  let abort = false;
  for (let i = 1; i < argv.count; i++) {
    if (argv.is(i, 'NOSAVE')) nosave = true;
    else if (argv.is(i, 'SAVE')) save = true;
    else if (argv.is(i, 'NOW')) now = true;
    else if (argv.is(i, 'FORCE')) force = true;
    else if (argv.is(i, 'ABORT')) abort = true;
    else {
      c.reply.error(SYNTAX);
      return;
    }
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) {
    c.reply.error(SYNTAX);
    return;
  }
  if (abort) {
    c.reply.error('ERR No shutdown in progress.');
    return;
  }
  const { engine } = c;
  // A busy script may have written half of what it means to: only NOSAVE ends it.
  if (engine.scripting.busy) {
    if (!nosave) {
      c.reply.error(engine.scripting.busyError());
      return;
    }
    engine.propagation.discardOpenUnit();
  }
  engine.log.notice('User requested shutdown...');
  engine.persistence.prepareShutdown();
  const mustSave = save || (!nosave && engine.config.get('save') !== '');
  if (mustSave) {
    engine.log.notice('Saving the final RDB snapshot before exiting.');
    try {
      saveSnapshot(engine);
    } catch (e) {
      if (!(e instanceof SnapshotError)) throw e;
      if (!force) {
        engine.log.warning('Error trying to save the DB, can\'t exit.');
        engine.log.warning('Errors trying to shut down the server. Check the logs for more information.');
        c.reply.error('ERR Errors trying to SHUTDOWN. Check logs.');
        return;
      }
      engine.log.warning('Error trying to save the DB. Exit anyway.');
    }
  }
  const hook = engine.onShutdownRequest;
  if (hook === null) {
    // The embedded API has no process of its own to end.
    engine.log.warning('Errors trying to shut down the server. Check the logs for more information.');
    c.reply.error('ERR Errors trying to SHUTDOWN. Check logs.');
    return;
  }
  hook(false);
}

/**
 * WAIT numreplicas timeout: there are no replicas, so none acknowledges. Asking for none (or
 * from a client that cannot wait: MULTI, scripts) answers 0 at once; otherwise the client
 * waits out its timeout (forever for 0) and then gets 0, as Redis without replicas does.
 */
function wait(c: Client, argv: Argv): void {
  const wanted = argLong(argv, 1);
  if (wanted === null) {
    c.reply.error(NOT_INTEGER);
    return;
  }
  const deadline = parseBlockTimeoutMs(c, argv, 2);
  if (deadline === null) return;
  if (wanted <= 0 || !c.engine.blocking.canBlock(c)) {
    c.reply.integer(0);
    return;
  }
  c.engine.blocking.block(c, [], deadline, BlockKind.Replicas, (client) => client.reply.integer(0));
}

/** MONITOR: from now on, every command the server runs (server/monitor.ts). */
function monitor(c: Client): void {
  // A client that expects one reply per command cannot take a stream of them.
  if ((c.flags & ClientFlag.DenyBlocking) !== 0) {
    c.reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  // Already monitoring: no reply at all, as in Redis.
  if (c.engine.monitors.add(c)) c.reply.ok();
}

// ---------------------------------------------------------------------------------------------
// The family's table
// ---------------------------------------------------------------------------------------------

export const serverCommands: CommandEntry[] = [
  { name: 'info', handler: info },
  { name: 'time', handler: time },
  { name: 'config|get', handler: configGet },
  { name: 'config|set', handler: configSet },
  { name: 'config|resetstat', handler: configResetStat },
  { name: 'config|help', handler: configHelp },
  { name: 'debug', handler: debug },
  { name: 'shutdown', handler: shutdown },
  { name: 'wait', handler: wait },
  { name: 'save', handler: save },
  { name: 'bgsave', handler: bgsave },
  { name: 'bgrewriteaof', handler: bgrewriteaof },
  { name: 'lastsave', handler: lastsave },
  { name: 'monitor', handler: monitor },
];
