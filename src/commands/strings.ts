/**
 * String commands (Redis's t_string.c): values are bytes in the store's Heap, read and written
 * in place from the client's argument buffers.
 */

import type { Argv } from '../protocol/argv.js';
import type { Client } from '../server/client.js';
import { Lookup } from '../store/database.js';
import { ValueType } from '../store/entries.js';
import { argInt64, INT64_MAX } from './args.js';
import { invalidExpireTime, SYNTAX, WRONGTYPE } from './errors.js';
import type { CommandEntry } from './types.js';

// ---------------------------------------------------------------------------------------------
// Shared: the SET/GETEX option parser (parseExtendedStringArgumentsOrReply)
// ---------------------------------------------------------------------------------------------

export const enum SetFlag {
  NX = 1,
  XX = 2,
  GET = 4,
  KEEPTTL = 8,
  PERSIST = 16,
  EX = 32,
  PX = 64,
  EXAT = 128,
  PXAT = 256,
}

const EXPIRE_FLAGS = SetFlag.EX | SetFlag.PX | SetFlag.EXAT | SetFlag.PXAT;

export interface SetOptions {
  flags: number;
  /** argv index of the expire value, or -1. */
  expireIndex: number;
}

/**
 * Parse SET's (isSet) or GETEX's options from argv[from]. Writes the syntax error and returns
 * null on a bad combination, exactly where Redis would.
 */
export function parseSetOptions(c: Client, argv: Argv, from: number, isSet: boolean): SetOptions | null {
  let flags = 0;
  let expireIndex = -1;
  for (let j = from; j < argv.count; j++) {
    const hasNext = j < argv.count - 1;
    if (isSet && argv.is(j, 'NX') && (flags & SetFlag.XX) === 0) flags |= SetFlag.NX;
    else if (isSet && argv.is(j, 'XX') && (flags & SetFlag.NX) === 0) flags |= SetFlag.XX;
    else if (isSet && argv.is(j, 'GET')) flags |= SetFlag.GET;
    else if (isSet && argv.is(j, 'KEEPTTL') && (flags & (SetFlag.PERSIST | EXPIRE_FLAGS)) === 0) flags |= SetFlag.KEEPTTL;
    else if (!isSet && argv.is(j, 'PERSIST') && (flags & (EXPIRE_FLAGS | SetFlag.KEEPTTL)) === 0) flags |= SetFlag.PERSIST;
    else if (hasNext && (flags & (SetFlag.KEEPTTL | SetFlag.PERSIST | EXPIRE_FLAGS)) === 0 && expireWord(argv, j) !== 0) {
      flags |= expireWord(argv, j);
      expireIndex = ++j;
    } else {
      c.reply.error(SYNTAX);
      return null;
    }
  }
  return { flags, expireIndex };
}

function expireWord(argv: Argv, j: number): number {
  if (argv.is(j, 'EX')) return SetFlag.EX;
  if (argv.is(j, 'PX')) return SetFlag.PX;
  if (argv.is(j, 'EXAT')) return SetFlag.EXAT;
  if (argv.is(j, 'PXAT')) return SetFlag.PXAT;
  return 0;
}

/**
 * The absolute deadline (ms) for an EX/PX/EXAT/PXAT value in argv[i], or null after replying
 * the error (getExpireMillisecondsOrReply). Deadlines past 2^53 are exact bigints.
 */
export function expireDeadline(c: Client, argv: Argv, i: number, unitFlag: number, command: string): number | bigint | null {
  const v = argInt64(argv, i);
  if (v === null) {
    c.reply.error('ERR value is not an integer or out of range');
    return null;
  }
  const seconds = unitFlag === SetFlag.EX || unitFlag === SetFlag.EXAT;
  const relative = unitFlag === SetFlag.EX || unitFlag === SetFlag.PX;
  if (typeof v === 'number' && v > 0 && v < 9e12) {
    // The common case stays in doubles: exact well past any real deadline.
    const ms = seconds ? v * 1000 : v;
    return relative ? ms + c.engine.store.now() : ms;
  }
  let ms = BigInt(v);
  if (ms <= 0n || (seconds && ms > INT64_MAX / 1000n)) {
    c.reply.error(invalidExpireTime(command));
    return null;
  }
  if (seconds) ms *= 1000n;
  if (relative) ms += BigInt(c.engine.store.now());
  // Redis adds in int64 and refuses a wrapped (negative) result.
  if (ms > INT64_MAX) {
    c.reply.error(invalidExpireTime(command));
    return null;
  }
  return ms <= 9007199254740991n ? Number(ms) : ms;
}

// ---------------------------------------------------------------------------------------------
// GET / SET
// ---------------------------------------------------------------------------------------------

/** Reply with the string at argv[keyIndex], or null; false (after WRONGTYPE) if not a string. */
function replyValue(c: Client, argv: Argv, keyIndex: number): boolean {
  const db = c.db;
  const id = db.findArg(argv, keyIndex, Lookup.Read);
  if (id === 0) {
    c.reply.nullBulk();
    return true;
  }
  if (db.type(id) !== ValueType.String) {
    c.reply.error(WRONGTYPE);
    return false;
  }
  const off = db.stringOffset(id);
  c.reply.bulkBytes(db.stringBuffer(id), off, off + db.stringLength(id));
  return true;
}

function get(c: Client, argv: Argv): void {
  replyValue(c, argv, 1);
}

function set(c: Client, argv: Argv): void {
  const opts = parseSetOptions(c, argv, 3, true);
  if (opts === null) return;
  let deadline: number | bigint = 0;
  if (opts.expireIndex >= 0) {
    const d = expireDeadline(c, argv, opts.expireIndex, opts.flags & EXPIRE_FLAGS, 'set');
    if (d === null) return;
    deadline = d;
  }
  if ((opts.flags & SetFlag.GET) !== 0 && !replyValue(c, argv, 1)) return;
  const db = c.db;
  const found = db.findArg(argv, 1, Lookup.NoTouch) !== 0;
  if (((opts.flags & SetFlag.NX) !== 0 && found) || ((opts.flags & SetFlag.XX) !== 0 && !found)) {
    if ((opts.flags & SetFlag.GET) === 0) c.reply.nullBulk();
    return;
  }
  const id = db.setStringArg(argv, 1, 2, (opts.flags & SetFlag.KEEPTTL) !== 0);
  if (opts.expireIndex >= 0) db.setExpire(id, deadline);
  if ((opts.flags & SetFlag.GET) === 0) c.reply.ok();
}

export const stringCommands: CommandEntry[] = [
  { name: 'get', handler: get },
  { name: 'set', handler: set },
];
