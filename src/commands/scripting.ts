/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD / EXISTS / FLUSH (eval.c), on the engine
 * in src/scripting/scripting.ts.
 */

import type { Argv } from '../protocol/argv.js';
import { ClientFlag, type Client } from '../server/client.js';
import { ScriptError } from '../scripting/scripting.js';
import { FunctionError } from '../scripting/functions.js';
import { SCRIPT_FLAG_NAMES } from '../scripting/script-flags.js';
import { globMatchString } from '../store/glob.js';
import { argInt64 } from './args.js';
import { NOT_INTEGER } from './errors.js';
import { replyHelp, subcommandSyntaxError } from './server.js';
import type { CommandEntry } from './types.js';

const NOSCRIPT = 'NOSCRIPT No matching script. Please use EVAL.';

/** evalGetKeys' checks: the key count, or null after replying the error. */
function keyCount(c: Client, argv: Argv): number | null {
  const n = argInt64(argv, 2);
  if (n === null) {
    c.reply.error(NOT_INTEGER);
    return null;
  }
  if (n > argv.count - 3) {
    c.reply.error("ERR Number of keys can't be greater than number of args");
    return null;
  }
  if (n < 0) {
    c.reply.error("ERR Number of keys can't be negative");
    return null;
  }
  return Number(n);
}

/** EVAL and FCALL show in MONITOR before the commands their script runs (evalCommand). */
function feedMonitors(c: Client, argv: Argv): void {
  const { engine } = c;
  if (engine.monitors.clients.size !== 0) engine.monitors.feed(c, engine.commands.lookup(argv)!, argv, true);
}

function evalGeneric(c: Client, argv: Argv, bySha: boolean, readOnly: boolean): void {
  feedMonitors(c, argv);
  const numKeys = keyCount(c, argv);
  if (numKeys === null) return;
  const scripting = c.engine.scripting;
  let sha: string;
  if (bySha) {
    sha = argv.str(1).toLowerCase();
  } else {
    try {
      sha = scripting.load(argv.buffer(1));
    } catch (e) {
      if (!(e instanceof ScriptError)) throw e;
      c.reply.error(e.message);
      return;
    }
  }
  if (!scripting.ready) {
    c.reply.error('ERR scripting is not ready yet');
    return;
  }
  if (!scripting.run(c, sha, argv, 3, numKeys, readOnly)) c.reply.error(NOSCRIPT);
}

function scriptLoad(c: Client, argv: Argv): void {
  try {
    c.reply.bulk(c.engine.scripting.load(argv.buffer(2)));
  } catch (e) {
    if (!(e instanceof ScriptError)) throw e;
    c.reply.error(e.message);
  }
}

function scriptExists(c: Client, argv: Argv): void {
  c.reply.arrayLen(argv.count - 2);
  for (let i = 2; i < argv.count; i++) c.reply.integer(c.engine.scripting.exists(argv.str(i)) ? 1 : 0);
}

function scriptFlush(c: Client, argv: Argv): void {
  if (argv.count > 3 || (argv.count === 3 && !argv.is(2, 'SYNC') && !argv.is(2, 'ASYNC'))) {
    c.reply.error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
    return;
  }
  c.engine.scripting.flush();
  c.reply.ok();
}

const SCRIPT_HELP = [
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
];

/** SCRIPT KILL: read only while a script is busy (past busy-reply-threshold, between events). */
function scriptKill(c: Client): void {
  c.engine.scripting.kill(c, true);
}

// ---------------------------------------------------------------------------------------------
// FUNCTION and FCALL (functions.c)
// ---------------------------------------------------------------------------------------------

function functionFailure(c: Client, e: unknown): void {
  if (!(e instanceof FunctionError)) throw e;
  c.reply.error(`ERR ${e.message}`);
}

function functionLoad(c: Client, argv: Argv): void {
  let replace = false;
  let i = 2;
  for (; i < argv.count - 1; i++) {
    if (!argv.is(i, 'REPLACE')) {
      c.reply.error(`ERR Unknown option given: ${argv.str(i)}`);
      return;
    }
    replace = true;
  }
  if (i >= argv.count) {
    c.reply.error('ERR Function code is missing');
    return;
  }
  const { scripting } = c.engine;
  if (!scripting.ready) {
    c.reply.error('ERR scripting is not ready yet');
    return;
  }
  try {
    // A load replayed from the AOF is not timed (mustObeyClient), as in Redis.
    const timeout = (c.flags & ClientFlag.ObeyAlways) !== 0 ? 0 : undefined;
    c.reply.bulk(scripting.functions.load(argv.buffer(i), replace, timeout));
    c.engine.dirty++;
  } catch (e) {
    functionFailure(c, e);
  }
}

function functionDelete(c: Client, argv: Argv): void {
  if (!c.engine.scripting.functions.delete(argv.str(2))) {
    c.reply.error('ERR Library not found');
    return;
  }
  c.engine.dirty++;
  c.reply.ok();
}

function functionFlush(c: Client, argv: Argv): void {
  if (argv.count > 3) {
    subcommandSyntaxError(c, argv);
    return;
  }
  if (argv.count === 3 && !argv.is(2, 'SYNC') && !argv.is(2, 'ASYNC')) {
    c.reply.error('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
    return;
  }
  c.engine.scripting.functions.flush();
  c.engine.dirty++;
  c.reply.ok();
}

function functionList(c: Client, argv: Argv): void {
  let withCode = false;
  let pattern: string | null = null;
  for (let i = 2; i < argv.count; i++) {
    if (!withCode && argv.is(i, 'WITHCODE')) {
      withCode = true;
      continue;
    }
    if (pattern === null && argv.is(i, 'LIBRARYNAME')) {
      if (i >= argv.count - 1) {
        c.reply.error('ERR library name argument was not given');
        return;
      }
      pattern = argv.str(++i);
      continue;
    }
    c.reply.error(`ERR Unknown argument ${argv.str(i)}`);
    return;
  }
  const r = c.reply;
  const libraries = [...c.engine.scripting.functions.libraries.values()].filter((l) => pattern === null || globMatchString(pattern, l.name, true));
  r.arrayLen(libraries.length);
  for (const library of libraries) {
    r.mapLen(withCode ? 4 : 3);
    r.bulk('library_name');
    r.bulk(library.name);
    r.bulk('engine');
    r.bulk('LUA');
    r.bulk('functions');
    r.arrayLen(library.functions.size);
    for (const fn of library.functions.values()) {
      r.mapLen(3);
      r.bulk('name');
      r.bulk(fn.name);
      r.bulk('description');
      if (fn.description === null) r.nullBulk();
      else r.bulkBytes(fn.description);
      r.bulk('flags');
      const names = SCRIPT_FLAG_NAMES.filter(([, flag]) => (fn.flags & flag) !== 0).map(([name]) => name);
      r.setLen(names.length);
      for (const name of names) r.simple(name);
    }
    if (withCode) {
      r.bulk('library_code');
      r.bulkBytes(library.code);
    }
  }
}

function functionStats(c: Client): void {
  const { scripting } = c.engine;
  const running = scripting.busy ? scripting.runningScript : null;
  if (running !== null && scripting.busyError().includes('SCRIPT KILL')) {
    c.reply.error(scripting.busyError());
    return;
  }
  const r = c.reply;
  r.mapLen(2);
  r.bulk('running_script');
  if (running === null) {
    r.nullBulk();
  } else {
    r.mapLen(3);
    r.bulk('name');
    r.bulk(running.name);
    r.bulk('command');
    r.bulkArray(running.argv);
    r.bulk('duration_ms');
    r.integer(running.ms);
  }
  r.bulk('engines');
  r.mapLen(1);
  r.bulk('LUA');
  r.mapLen(2);
  r.bulk('libraries_count');
  r.integer(scripting.functions.libraries.size);
  r.bulk('functions_count');
  r.integer(scripting.functions.functionCount);
}

function functionDump(c: Client): void {
  c.reply.bulkBytes(c.engine.scripting.functions.dump(c.engine.config.getBool('rdbcompression')));
}

function functionRestore(c: Client, argv: Argv): void {
  if (argv.count > 4) {
    subcommandSyntaxError(c, argv);
    return;
  }
  let policy: 'flush' | 'append' | 'replace' = 'append';
  if (argv.count === 4) {
    if (argv.is(3, 'APPEND')) policy = 'append';
    else if (argv.is(3, 'REPLACE')) policy = 'replace';
    else if (argv.is(3, 'FLUSH')) policy = 'flush';
    else {
      c.reply.error('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
      return;
    }
  }
  try {
    c.engine.scripting.functions.restore(argv.buffer(2), policy);
  } catch (e) {
    functionFailure(c, e);
    return;
  }
  c.engine.dirty++;
  c.reply.ok();
}

function fcall(c: Client, argv: Argv, readOnly: boolean): void {
  feedMonitors(c, argv);
  const { scripting } = c.engine;
  const fn = scripting.functions.find(argv.str(1));
  if (fn === undefined) {
    c.reply.error('ERR Function not found');
    return;
  }
  const n = argInt64(argv, 2);
  if (n === null) {
    c.reply.error('ERR Bad number of keys provided');
    return;
  }
  if (n > argv.count - 3) {
    c.reply.error("ERR Number of keys can't be greater than number of args");
    return;
  }
  if (n < 0) {
    c.reply.error("ERR Number of keys can't be negative");
    return;
  }
  scripting.callFunction(c, fn.name, fn.field, fn.flags, argv, Number(n), readOnly);
}

const FUNCTION_HELP = [
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
];

export const scriptingCommands: CommandEntry[] = [
  { name: 'script|help', handler: (c) => replyHelp(c, 'SCRIPT', SCRIPT_HELP) },
  { name: 'script|kill', handler: scriptKill },
  { name: 'eval', handler: (c, argv) => evalGeneric(c, argv, false, false) },
  { name: 'evalsha', handler: (c, argv) => evalGeneric(c, argv, true, false) },
  { name: 'eval_ro', handler: (c, argv) => evalGeneric(c, argv, false, true) },
  { name: 'evalsha_ro', handler: (c, argv) => evalGeneric(c, argv, true, true) },
  { name: 'script|load', handler: scriptLoad },
  { name: 'script|exists', handler: scriptExists },
  { name: 'script|flush', handler: scriptFlush },
  { name: 'function|load', handler: functionLoad },
  { name: 'function|delete', handler: functionDelete },
  { name: 'function|flush', handler: functionFlush },
  { name: 'function|list', handler: functionList },
  { name: 'function|stats', handler: functionStats },
  { name: 'function|dump', handler: functionDump },
  { name: 'function|restore', handler: functionRestore },
  { name: 'function|kill', handler: (c) => c.engine.scripting.kill(c, false) },
  { name: 'function|help', handler: (c) => replyHelp(c, 'FUNCTION', FUNCTION_HELP) },
  { name: 'fcall', handler: (c, argv) => fcall(c, argv, false) },
  { name: 'fcall_ro', handler: (c, argv) => fcall(c, argv, true) },
];
