/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD / EXISTS / FLUSH (eval.c), on the engine
 * in src/scripting/scripting.ts.
 */

import type { Argv } from '../protocol/argv.js';
import type { Client } from '../server/client.js';
import { ScriptError } from '../scripting/scripting.js';
import { argInt64 } from './args.js';
import { NOT_INTEGER } from './errors.js';
import { replyHelp } from './server.js';
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

function evalGeneric(c: Client, argv: Argv, bySha: boolean, readOnly: boolean): void {
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

/**
 * SCRIPT KILL: a script holds the only thread until it ends (or passes busy-reply-threshold),
 * so no script is ever running when this command is read.
 */
function scriptKill(c: Client): void {
  c.reply.error('NOTBUSY No scripts in execution right now.');
}

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
];
