/**
 * Command metadata: what Redis 7.0 says about each of its commands, and the replies built from it.
 *
 * Redis keeps arity, flags, key specs, ACL categories and documentation as data
 * (src/commands/*.json) apart from the code, and one generated table feeds COMMAND, ACL and
 * cluster routing. We do the same: redis-commands.ts is generated once from a real Redis's
 * COMMAND INFO and COMMAND DOCS replies (scripts/gen-command-meta.ts), and this module serves it
 * to dispatch (arity, flags), to the COMMAND family (INFO, DOCS, GETKEYS, byte for byte as Redis
 * writes them) and to anything that needs key positions (cluster slots, ACL key patterns).
 * It holds every command Redis knows, so a family only registers handlers.
 */

import type { ReplyWriter } from '../../protocol/reply-writer.js';
import { REDIS_COMMANDS } from './redis-commands.js';
import { REDIS_72_ADDITIONS } from './redis-72-additions.js';

// -----------------------------------------------------------------------------------------------
// The shape of the data
// -----------------------------------------------------------------------------------------------

/** Where a key spec starts looking for keys: Redis's begin_search. */
export type BeginSearch =
  | { type: 'index'; index: number }
  /** A negative startFrom searches backwards from that many arguments before the end. */
  | { type: 'keyword'; keyword: string; startFrom: number }
  | { type: 'unknown' };

/** How a key spec finds the keys once it has begun: Redis's find_keys. */
export type FindKeys =
  /** lastKey is relative to the first key; negative counts from the end (or, with a limit, see getKeys). */
  | { type: 'range'; lastKey: number; keyStep: number; limit: number }
  | { type: 'keynum'; keyNumIdx: number; firstKey: number; keyStep: number }
  | { type: 'unknown' };

export interface KeySpec {
  notes?: string;
  /** RO, RW, OW, RM, access, update, insert, delete, not_key, incomplete, variable_flags. */
  flags: readonly string[];
  beginSearch: BeginSearch;
  findKeys: FindKeys;
}

export type ArgType =
  | 'string'
  | 'integer'
  | 'double'
  | 'key'
  | 'pattern'
  | 'unix-time'
  | 'pure-token'
  | 'oneof'
  | 'block';

/** One node of a command's argument tree in COMMAND DOCS; the fields Redis 7.0 can write. */
export interface ArgDoc {
  name: string;
  type: ArgType;
  keySpecIndex?: number;
  token?: string;
  summary?: string;
  since?: string;
  deprecatedSince?: string;
  /** optional, multiple, multiple_token. */
  flags?: readonly string[];
  /** Present exactly for `oneof` and `block`. */
  arguments?: readonly ArgDoc[];
}

export interface CommandDocs {
  summary?: string;
  since?: string;
  group: string;
  complexity?: string;
  /** deprecated, syscmd. */
  docFlags?: readonly string[];
  deprecatedSince?: string;
  replacedBy?: string;
  /** [version, what changed]. */
  history?: readonly (readonly [string, string])[];
  arguments?: readonly ArgDoc[];
}

export interface CommandMeta {
  /** Lower case; a subcommand is "container|sub", e.g. "client|list". */
  name: string;
  /** Negative: at least that many arguments, the command name included. */
  arity: number;
  /** In Redis's order, as COMMAND INFO lists them (movablekeys included). */
  flags: readonly string[];
  /** The legacy (first, last, step) key range COMMAND INFO reports. */
  firstKey: number;
  lastKey: number;
  keyStep: number;
  /** Category names without the '@', in Redis's order. */
  aclCategories: readonly string[];
  tips: readonly string[];
  keySpecs: readonly KeySpec[];
  docs: CommandDocs;
  /** By name. Redis lists them in its dict's order, which changes from one process to the next. */
  subcommands: readonly CommandMeta[];
}

// -----------------------------------------------------------------------------------------------
// Lookup
// -----------------------------------------------------------------------------------------------

let byName: Map<string, CommandMeta> | null = null;

function index(): Map<string, CommandMeta> {
  if (byName !== null) return byName;
  byName = new Map();
  for (const cmd of REDIS_COMMANDS) {
    byName.set(cmd.name, cmd);
    for (const sub of cmd.subcommands) byName.set(sub.name, sub);
  }
  for (const sub of REDIS_72_ADDITIONS) byName.set(sub.name, sub);
  return byName;
}

/**
 * The command or subcommand by full name ("get", "client|list"), as Redis's
 * lookupCommandBySds finds it for COMMAND INFO and COMMAND DOCS: case-insensitive, and a
 * container's name alone is the container.
 */
export function commandMeta(name: string): CommandMeta | undefined {
  const map = index();
  return map.get(name) ?? map.get(name.toLowerCase());
}

/** Every top-level command Redis 7.0 has, by name (the generated table, as the 7.0 oracle reports it). */
export function allCommandMeta(): readonly CommandMeta[] {
  return REDIS_COMMANDS;
}

/**
 * Every top-level command of the versions cachica follows: Redis 7.0's table with what 7.2 and
 * 7.4 added or changed (redis-72-additions.ts) merged in, for docs/COMMANDS.md.
 */
export function currentCommandMeta(): readonly CommandMeta[] {
  if (merged !== null) return merged;
  const tops = new Map<string, CommandMeta>(REDIS_COMMANDS.map((c) => [c.name, c]));
  for (const added of REDIS_72_ADDITIONS) {
    const bar = added.name.indexOf('|');
    if (bar === -1) {
      tops.set(added.name, added);
      continue;
    }
    const parent = tops.get(added.name.slice(0, bar));
    if (parent !== undefined) {
      const subcommands = [...parent.subcommands.filter((s) => s.name !== added.name), added];
      tops.set(parent.name, { ...parent, subcommands });
    }
  }
  merged = [...tops.values()];
  return merged;
}

let merged: CommandMeta[] | null = null;

/**
 * The command an argv names, as Redis's lookupCommand resolves it for COMMAND GETKEYS: a
 * container with arguments means its subcommand (undefined if there is none by that name).
 */
export function lookupCommandMeta(args: readonly string[]): CommandMeta | undefined {
  // The top-level table has no "container|sub" names; only COMMAND INFO/DOCS accept them.
  if (args.length === 0 || args[0].indexOf('|') >= 0) return undefined;
  const base = commandMeta(args[0]);
  if (base === undefined || args.length === 1 || base.subcommands.length === 0) return base;
  return commandMeta(`${base.name}|${args[1]}`);
}

// -----------------------------------------------------------------------------------------------
// COMMAND / COMMAND INFO
// -----------------------------------------------------------------------------------------------

/** A set of status replies, as Redis's addReplyCommandFlags writes any flag list. */
function writeFlags(reply: ReplyWriter, flags: readonly string[]): void {
  reply.setLen(flags.length);
  for (let i = 0; i < flags.length; i++) reply.simple(flags[i]);
}

/** A map entry whose value is an integer, written only if the value is present. */
function intField(reply: ReplyWriter, name: string, value: number | undefined): void {
  if (value === undefined) return;
  reply.bulk(name);
  reply.integer(value);
}

/** A map entry whose value is a bulk string, written only if the value is present. */
function bulkField(reply: ReplyWriter, name: string, value: string | undefined): void {
  if (value === undefined) return;
  reply.bulk(name);
  reply.bulk(value);
}

function flagsField(reply: ReplyWriter, name: string, flags: readonly string[] | undefined): void {
  if (flags === undefined) return;
  reply.bulk(name);
  writeFlags(reply, flags);
}

function writeKeySpec(reply: ReplyWriter, spec: KeySpec): void {
  reply.mapLen(spec.notes === undefined ? 3 : 4);
  bulkField(reply, 'notes', spec.notes);
  flagsField(reply, 'flags', spec.flags);

  // Both halves are {type, spec: {...}}; an unknown one has an empty spec map.
  const bs = spec.beginSearch;
  reply.bulk('begin_search');
  reply.mapLen(2);
  bulkField(reply, 'type', bs.type);
  reply.bulk('spec');
  if (bs.type === 'index') {
    reply.mapLen(1);
    intField(reply, 'index', bs.index);
  } else if (bs.type === 'keyword') {
    reply.mapLen(2);
    bulkField(reply, 'keyword', bs.keyword);
    intField(reply, 'startfrom', bs.startFrom);
  } else {
    reply.mapLen(0);
  }

  const fk = spec.findKeys;
  reply.bulk('find_keys');
  reply.mapLen(2);
  bulkField(reply, 'type', fk.type);
  reply.bulk('spec');
  if (fk.type === 'range') {
    reply.mapLen(3);
    intField(reply, 'lastkey', fk.lastKey);
    intField(reply, 'keystep', fk.keyStep);
    intField(reply, 'limit', fk.limit);
  } else if (fk.type === 'keynum') {
    reply.mapLen(3);
    intField(reply, 'keynumidx', fk.keyNumIdx);
    intField(reply, 'firstkey', fk.firstKey);
    intField(reply, 'keystep', fk.keyStep);
  } else {
    reply.mapLen(0);
  }
}

function writeInfo(reply: ReplyWriter, meta: CommandMeta): void {
  reply.arrayLen(10);
  reply.bulk(meta.name);
  reply.integer(meta.arity);
  writeFlags(reply, meta.flags);
  reply.integer(meta.firstKey);
  reply.integer(meta.lastKey);
  reply.integer(meta.keyStep);
  reply.setLen(meta.aclCategories.length);
  for (const category of meta.aclCategories) reply.simple(`@${category}`);
  reply.setLen(meta.tips.length);
  for (const tip of meta.tips) reply.bulk(tip);
  reply.setLen(meta.keySpecs.length);
  for (const spec of meta.keySpecs) writeKeySpec(reply, spec);
  // Redis writes an empty set for a command without subcommands but an array for a container.
  if (meta.subcommands.length === 0) {
    reply.setLen(0);
  } else {
    reply.arrayLen(meta.subcommands.length);
    for (const sub of meta.subcommands) writeInfo(reply, sub);
  }
}

/**
 * One element of the COMMAND / COMMAND INFO reply, as Redis's addReplyCommandInfo writes it.
 * A command Redis does not know, or one we do not implement (`isImplemented` is asked the full
 * name), is a null, as Redis answers for a name it has never heard of.
 *
 * A container lists all of Redis's subcommands, implemented or not, so that its element is
 * byte for byte Redis's (clients and proxies read COMMAND to learn a server's key positions).
 * Redis orders them by its dict, which is seeded at random on every start; we order them by name.
 */
export function writeCommandInfo(
  reply: ReplyWriter,
  meta: CommandMeta | undefined,
  isImplemented: (fullname: string) => boolean,
): void {
  if (meta === undefined || !isImplemented(meta.name)) reply.nullBulk();
  else writeInfo(reply, meta);
}

// -----------------------------------------------------------------------------------------------
// COMMAND DOCS
// -----------------------------------------------------------------------------------------------

/** How many of `values` are present: Redis counts its optional fields before the map header. */
function present(...values: unknown[]): number {
  let n = 0;
  for (const v of values) if (v !== undefined) n++;
  return n;
}

function writeArgs(reply: ReplyWriter, args: readonly ArgDoc[]): void {
  reply.arrayLen(args.length);
  for (const arg of args) {
    const { keySpecIndex, token, summary, since, deprecatedSince, flags, arguments: nested } = arg;
    reply.mapLen(2 + present(keySpecIndex, token, summary, since, deprecatedSince, flags, nested));
    bulkField(reply, 'name', arg.name);
    bulkField(reply, 'type', arg.type);
    intField(reply, 'key_spec_index', keySpecIndex);
    bulkField(reply, 'token', token);
    bulkField(reply, 'summary', summary);
    bulkField(reply, 'since', since);
    bulkField(reply, 'deprecated_since', deprecatedSince);
    flagsField(reply, 'flags', flags);
    if (nested !== undefined) {
      reply.bulk('arguments');
      writeArgs(reply, nested);
    }
  }
}

/** One command's doc map, as Redis's addReplyCommandDocs writes it. */
function writeDocs(reply: ReplyWriter, meta: CommandMeta): void {
  const { summary, since, group, complexity, docFlags, deprecatedSince, replacedBy, history, arguments: args } = meta.docs;
  const subcommands = meta.subcommands.length > 0 ? meta.subcommands : undefined;
  // "group" is always there.
  reply.mapLen(1 + present(summary, since, complexity, docFlags, deprecatedSince, replacedBy, history, args, subcommands));
  bulkField(reply, 'summary', summary);
  bulkField(reply, 'since', since);
  bulkField(reply, 'group', group);
  bulkField(reply, 'complexity', complexity);
  flagsField(reply, 'doc_flags', docFlags);
  bulkField(reply, 'deprecated_since', deprecatedSince);
  bulkField(reply, 'replaced_by', replacedBy);
  if (history !== undefined) {
    reply.bulk('history');
    reply.setLen(history.length);
    for (const [version, change] of history) {
      reply.arrayLen(2);
      reply.bulk(version);
      reply.bulk(change);
    }
  }
  if (args !== undefined) {
    reply.bulk('arguments');
    writeArgs(reply, args);
  }
  if (subcommands !== undefined) {
    reply.bulk('subcommands');
    reply.mapLen(subcommands.length);
    for (const sub of subcommands) {
      reply.bulk(sub.name);
      writeDocs(reply, sub);
    }
  }
}

/**
 * The COMMAND DOCS reply: a map of name to doc map. As in Redis, a name it does not know
 * (undefined here) is left out, and a container's subcommands are all listed, by name.
 */
export function writeCommandDocs(reply: ReplyWriter, metas: readonly (CommandMeta | undefined)[]): void {
  let count = 0;
  for (const meta of metas) if (meta !== undefined) count++;
  reply.mapLen(count);
  for (const meta of metas) {
    if (meta === undefined) continue;
    reply.bulk(meta.name);
    writeDocs(reply, meta);
  }
}

// -----------------------------------------------------------------------------------------------
// COMMAND GETKEYS / GETKEYSANDFLAGS
// -----------------------------------------------------------------------------------------------

export const INVALID_COMMAND = 'ERR Invalid command specified';
export const NO_KEY_ARGUMENTS = 'ERR The command has no key arguments';
export const INVALID_ARGUMENT_COUNT = 'ERR Invalid number of arguments specified for command';
export const INVALID_ARGUMENTS = 'ERR Invalid arguments specified for command';

export interface KeysFound {
  /** Indexes into args (args[0] is the command name), in the order Redis reports them. */
  keys: number[];
  /** The key spec flags of each key; empty where Redis's getkeys function sets none. */
  flags: (readonly string[])[];
}

// The flag sets Redis's getkeys functions assign (CMD_KEY_* in Redis's reply order).
const RO_ACCESS: readonly string[] = ['RO', 'access'];
const OW_UPDATE: readonly string[] = ['OW', 'update'];
const RW_ACCESS_UPDATE: readonly string[] = ['RW', 'access', 'update'];
const RW_ACCESS_DELETE: readonly string[] = ['RW', 'access', 'delete'];
const NO_FLAGS: readonly string[] = [];

/**
 * C's strcasecmp(arg, word) == 0 with `word` in lower case: ASCII folding, and the argument
 * read as a C string, so it ends at its first NUL byte ("get\0x" is GET to Redis).
 */
function sameWord(arg: string, word: string): boolean {
  let text = arg;
  if (text.length !== word.length) {
    if (text.indexOf('\0') !== word.length) return false;
    text = text.slice(0, word.length);
  }
  return text === word || text.toLowerCase() === word;
}

/** Redis's string2ll: strict decimal int64 (no sign but '-', no leading zeros or spaces). */
function strictInt64(s: string): bigint | null {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return null;
  return n;
}

/** C's atoi as glibc has it: strtol's lenient parse (clamped to a long), cut to an int. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(s);
  if (m === null) return 0;
  let n = BigInt(m[1]);
  if (n > 9223372036854775807n) n = 9223372036854775807n;
  else if (n < -9223372036854775808n) n = -9223372036854775808n;
  return Number(BigInt.asIntN(32, n));
}

/** C's integer division (truncates toward zero). */
function cdiv(a: number, b: number): number {
  return Math.trunc(a / b);
}

/**
 * Redis's getKeysUsingKeySpecs: the keys the specs locate, with each spec's flags, or null
 * where a spec cannot say (unknown, incomplete, or pointing outside the arguments).
 */
function keysFromSpecs(meta: CommandMeta, args: readonly string[]): KeysFound | null {
  const argc = args.length;
  const found: KeysFound = { keys: [], flags: [] };
  for (const spec of meta.keySpecs) {
    if (spec.flags.includes('not_key')) continue;

    let first = 0;
    const bs = spec.beginSearch;
    if (bs.type === 'index') {
      first = bs.index;
    } else if (bs.type === 'keyword') {
      // As in Redis the walk stops before end: a forward search never looks at the last
      // argument, a backward one never at argv[1].
      const start = bs.startFrom > 0 ? bs.startFrom : argc + bs.startFrom;
      const end = bs.startFrom > 0 ? argc - 1 : 1;
      const keyword = bs.keyword.toLowerCase();
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (sameWord(args[i], keyword)) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    } else {
      return null;
    }

    let last: number;
    let step: number;
    const fk = spec.findKeys;
    if (fk.type === 'range') {
      step = fk.keyStep;
      if (fk.lastKey >= 0) last = first + fk.lastKey;
      else if (fk.limit === 0) last = argc + fk.lastKey;
      else last = first + (cdiv(argc - first, fk.limit) + fk.lastKey);
    } else if (fk.type === 'keynum') {
      step = fk.keyStep;
      if (fk.keyNumIdx >= argc) return null;
      const at = first + fk.keyNumIdx;
      const numkeys = at < argc ? strictInt64(args[at]) : null;
      if (numkeys === null || numkeys < 0n) return null;
      first += fk.firstKey;
      last = first + Number(BigInt.asIntN(32, numkeys)) - 1;
    } else {
      return null;
    }

    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) {
      // Only commands of negative arity get here with too few arguments; Redis skips the key.
      if (i >= argc || i < first) continue;
      addKey(found, i, spec.flags);
    }
    if (spec.flags.includes('incomplete')) return null;
  }
  return found;
}

/** `count` consecutive keys from `first`, all with the same flags. */
function keyRun(first: number, count: number, flags: readonly string[]): KeysFound {
  const found: KeysFound = { keys: [], flags: [] };
  for (let i = 0; i < count; i++) addKey(found, first + i, flags);
  return found;
}

function addKey(found: KeysFound, position: number, flags: readonly string[]): void {
  found.keys.push(position);
  found.flags.push(flags);
}

/** Redis's genericGetKeys: [destkey] numkeys key... ; keys first, the destination last. */
function numkeysKeys(storeAt: number, countAt: number, firstAt: number, args: readonly string[]): KeysFound {
  const num = atoi(args[countAt]);
  if (num < 1 || num > args.length - firstAt) return keyRun(0, 0, NO_FLAGS);
  const found = keyRun(firstAt, num, NO_FLAGS);
  if (storeAt !== 0) addKey(found, storeAt, NO_FLAGS);
  return found;
}

function sortKeys(args: readonly string[]): KeysFound {
  const found: KeysFound = { keys: [1], flags: [RO_ACCESS] };
  let store = -1;
  // Options take 0, 1 or 2 arguments; the last STORE wins, as in SORT itself. Redis's loop
  // checks "store" only while it walks its skip list, i.e. after failing to match "limit".
  for (let i = 2; i < args.length; i++) {
    const arg = args[i];
    if (sameWord(arg, 'limit')) i += 2;
    else if (sameWord(arg, 'store') && i + 1 < args.length) store = i + 1;
    else if (sameWord(arg, 'get') || sameWord(arg, 'by')) i += 1;
  }
  if (store >= 0) addKey(found, store, OW_UPDATE);
  return found;
}

function migrateKeys(args: readonly string[]): KeysFound {
  const argc = args.length;
  let first = 3;
  let num = 1;
  if (argc > 6) {
    for (let i = 6; i < argc; i++) {
      const arg = args[i];
      if (sameWord(arg, 'keys')) {
        // A key in argv[3] too is a syntax error, left for MIGRATE itself to report.
        if (args[3].length > 0) {
          num = 0;
        } else {
          first = i + 1;
          num = argc - first;
        }
        break;
      }
      if (sameWord(arg, 'auth')) i += 1;
      else if (sameWord(arg, 'auth2')) i += 2;
    }
  }
  return keyRun(first, num, RW_ACCESS_DELETE);
}

function georadiusKeys(args: readonly string[]): KeysFound {
  let stored = -1;
  for (let i = 5; i < args.length; i++) {
    if ((sameWord(args[i], 'store') || sameWord(args[i], 'storedist')) && i + 1 < args.length) {
      stored = i + 1;
      i++;
    }
  }
  const found = keyRun(1, 1, NO_FLAGS);
  if (stored >= 0) addKey(found, stored, NO_FLAGS);
  return found;
}

function xreadKeys(args: readonly string[]): KeysFound {
  const argc = args.length;
  let streamsAt = -1;
  for (let i = 1; i < argc; i++) {
    const arg = args[i];
    if (sameWord(arg, 'block') || sameWord(arg, 'count')) {
      i++;
    } else if (sameWord(arg, 'group')) {
      i += 2;
    } else if (sameWord(arg, 'noack')) {
      // no argument
    } else if (sameWord(arg, 'streams')) {
      streamsAt = i;
      break;
    } else {
      break;
    }
  }
  // After STREAMS, half the arguments are keys and half IDs.
  const num = streamsAt === -1 ? 0 : argc - streamsAt - 1;
  if (num === 0 || num % 2 !== 0) return keyRun(0, 0, NO_FLAGS);
  return keyRun(streamsAt + 1, num / 2, NO_FLAGS);
}

function setKeys(args: readonly string[]): KeysFound {
  for (let i = 3; i < args.length; i++) {
    if (sameWord(args[i], 'get')) return { keys: [1], flags: [RW_ACCESS_UPDATE] };
  }
  return { keys: [1], flags: [OW_UPDATE] };
}

function bitfieldKeys(args: readonly string[]): KeysFound {
  let readonly = true;
  for (let i = 2; i < args.length; i++) {
    const remaining = args.length - i - 1;
    const arg = args[i];
    if (sameWord(arg, 'get') && remaining >= 2) {
      i += 2;
    } else if ((sameWord(arg, 'set') || sameWord(arg, 'incrby')) && remaining >= 3) {
      readonly = false;
      break;
    } else if (sameWord(arg, 'overflow') && remaining >= 1) {
      i += 1;
    } else {
      // A syntax error: safer to assume the command writes.
      readonly = false;
      break;
    }
  }
  return { keys: [1], flags: [readonly ? RO_ACCESS : RW_ACCESS_UPDATE] };
}

/**
 * Redis's getkeys_proc functions (src/db.c), for the commands whose key specs cannot always
 * say: unknown or incomplete specs (SORT, MIGRATE), flags that depend on the arguments (SET,
 * BITFIELD), and numkeys or STREAMS forms the specs reject. Redis falls back to them only when
 * the specs fail, and most set no flags on the keys they find.
 */
type KeysProc = (args: readonly string[]) => KeysFound;

const numkeysAt1: KeysProc = (args) => numkeysKeys(0, 1, 2, args);
const numkeysAt2: KeysProc = (args) => numkeysKeys(0, 2, 3, args);
const storeAndNumkeys: KeysProc = (args) => numkeysKeys(1, 2, 3, args);

const KEYS_PROCS: ReadonlyMap<string, KeysProc> = new Map<string, KeysProc>([
  ['bitfield', bitfieldKeys],
  ['migrate', migrateKeys],
  ['sort', sortKeys],
  ['sort_ro', () => ({ keys: [1], flags: [RO_ACCESS] })],
  ['georadius', georadiusKeys],
  ['georadiusbymember', georadiusKeys],
  ['blmpop', numkeysAt2],
  ['bzmpop', numkeysAt2],
  ['lmpop', numkeysAt1],
  ['zmpop', numkeysAt1],
  ['eval', numkeysAt2],
  ['evalsha', numkeysAt2],
  ['eval_ro', numkeysAt2],
  ['evalsha_ro', numkeysAt2],
  ['fcall', numkeysAt2],
  ['fcall_ro', numkeysAt2],
  ['sintercard', numkeysAt1],
  ['zdiff', numkeysAt1],
  ['zinter', numkeysAt1],
  ['zintercard', numkeysAt1],
  ['zunion', numkeysAt1],
  ['zdiffstore', storeAndNumkeys],
  ['zinterstore', storeAndNumkeys],
  ['zunionstore', storeAndNumkeys],
  ['xread', xreadKeys],
  ['xreadgroup', xreadKeys],
  ['set', setKeys],
]);

/** Redis's doesCommandHaveKeys. */
export function commandHasKeys(meta: CommandMeta): boolean {
  if (KEYS_PROCS.has(meta.name)) return true;
  for (const spec of meta.keySpecs) if (!spec.flags.includes('not_key')) return true;
  return false;
}

/**
 * The keys of a command invocation (args[0] is the command name, a subcommand's name is
 * args[1]) and their flags, as COMMAND GETKEYSANDFLAGS reports them: from the key specs as
 * Redis's getKeysUsingKeySpecs reads them, falling back to Redis's getkeys functions where the
 * specs fail or their flags vary. `meta` is the command lookupCommandMeta(args) resolves.
 */
export function getKeys(meta: CommandMeta | undefined, args: readonly string[]): KeysFound | { error: string } {
  if (meta === undefined) return { error: INVALID_COMMAND };
  if (!commandHasKeys(meta)) return { error: NO_KEY_ARGUMENTS };
  const argc = args.length;
  if ((meta.arity > 0 && meta.arity !== argc) || argc < -meta.arity) return { error: INVALID_ARGUMENT_COUNT };

  let found: KeysFound | null = null;
  let reliable = false;
  let varying = false;
  for (const spec of meta.keySpecs) {
    if (!spec.flags.includes('not_key')) reliable = true;
    if (spec.flags.includes('variable_flags')) varying = true;
  }
  if (reliable && !varying) found = keysFromSpecs(meta, args);
  if (found === null) {
    const proc = KEYS_PROCS.get(meta.name);
    found = proc === undefined ? { keys: [], flags: [] } : proc(args);
  }
  if (found.keys.length === 0 && !meta.flags.includes('no_mandatory_keys')) return { error: INVALID_ARGUMENTS };
  return found;
}

/**
 * The whole COMMAND GETKEYS (or, withFlags, GETKEYSANDFLAGS) reply for `args`, the arguments
 * after the subcommand name.
 */
export function writeGetKeys(reply: ReplyWriter, args: readonly string[], withFlags: boolean): void {
  const result = getKeys(lookupCommandMeta(args), args);
  if ('error' in result) {
    reply.error(result.error);
    return;
  }
  reply.arrayLen(result.keys.length);
  for (let i = 0; i < result.keys.length; i++) {
    if (withFlags) {
      reply.arrayLen(2);
      reply.bulk(args[result.keys[i]]);
      writeFlags(reply, result.flags[i]);
    } else {
      reply.bulk(args[result.keys[i]]);
    }
  }
}
