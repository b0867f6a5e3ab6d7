/**
 * Config: every server parameter, read from a redis.conf-style file and `--name value` flags at
 * start-up, and read and changed at run time with CONFIG GET / CONFIG SET.
 *
 * Each parameter is declared once, as Redis declares it in config.c's static_configs: its type,
 * default, bounds, and whether it can change at run time. Values are kept in the canonical form
 * CONFIG GET prints (memory values in bytes, booleans as yes/no, `save` as "3600 1 300 100"),
 * and every parsing rule and error text is Redis's, so a value refused by redis-server is
 * refused here with the same words. A parameter cachica does not implement is an error, never
 * silently accepted: a setting that changes nothing would be a lie.
 */

import { accessSync, appendFileSync, constants, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parseInt64 } from '../commands/args.js';
import { splitInlineArgs } from '../protocol/inline.js';
import { globMatchString } from '../store/glob.js';
import { Notify, formatNotifyClasses, parseNotifyClasses } from './keyspace-events.js';

/**
 * - bool: yes/no. int: an integer (Redis's string2ll). memory: bytes with an optional unit
 *   (1k, 1kb, 1m, 1mb, 1g, 1gb). octal: an integer written in octal (unixsocketperm).
 * - enum: one of `values`. string: any text. words: several words (save, bind), split on spaces.
 */
export type ParamType = 'bool' | 'int' | 'memory' | 'octal' | 'string' | 'enum' | 'words';

export interface ParamSpec {
  name: string;
  type: ParamType;
  default: string;
  /** A second name for the same parameter (Redis's alias, e.g. slaveof for replicaof). */
  alias?: string;
  /** Only at start-up (CONFIG SET refuses it). */
  immutable?: boolean;
  /** Redis's PROTECTED_CONFIG: CONFIG SET only where enable-protected-configs allows it. */
  protected?: boolean;
  /** Redis's HIDDEN_CONFIG: CONFIG GET returns it only when asked by its exact name. */
  hidden?: boolean;
  /** Bounds of int, memory and octal parameters (inclusive). */
  min?: number | bigint;
  max?: number | bigint;
  /** The C type is unsigned: a negative integer wraps around (and so fails the bounds check). */
  unsigned?: boolean;
  /** Values accepted out of these bounds are brought within them (Redis does this to hz). */
  clamp?: readonly [number, number];
  values?: readonly string[];
  /** For 'words': validate the words and return the canonical value; throws ConfigError. */
  parseWords?: (words: string[], current: string) => string;
  /** Validate and normalise a string value (run after the type's own parsing); throws ConfigError. */
  parse?: (value: string, current: string) => string;
  /** A default computed when the Config is made (dir: the working directory). */
  initial?: () => string;
  /** How CONFIG GET shows the value, where Redis's display loses something the value keeps. */
  display?: (value: string) => string;
}

const INT_MAX = 2147483647;
const UINT_MAX = 4294967295;
const LONG_MAX = 9223372036854775807n;
const ULLONG_MAX = 18446744073709551615n;
/** Redis's CONFIG_BINDADDR_MAX. */
const BINDADDR_MAX = 16;

const PROTECTED_ACTION = ['no', 'yes', 'local'] as const;

/**
 * The parameters cachica implements, with Redis 7.2's names, defaults and bounds. Others are
 * refused with Redis's message. Deliberate differences from Redis:
 * - bind defaults to loopback ("127.0.0.1 -::1", as redis.conf ships), not Redis's compiled-in
 *   "* -::*": a server that has not been configured should not listen on every interface.
 * - daemonize yes is refused: cachica does not honour it.
 */
export const PARAMS: readonly ParamSpec[] = [
  { name: 'port', type: 'int', default: '6379', min: 0, max: 65535 },
  { name: 'bind', type: 'words', default: '127.0.0.1 -::1', parseWords: parseBind },
  { name: 'unixsocket', type: 'string', default: '', immutable: true },
  { name: 'unixsocketperm', type: 'octal', default: '0', min: 0, max: 0o777, unsigned: true, immutable: true },
  { name: 'tcp-backlog', type: 'int', default: '511', min: 0, max: INT_MAX, immutable: true },
  { name: 'databases', type: 'int', default: '16', min: 1, max: INT_MAX, immutable: true },
  { name: 'proto-max-bulk-len', type: 'memory', default: '536870912', min: 1024 * 1024, max: LONG_MAX },
  { name: 'client-query-buffer-limit', type: 'memory', default: '1073741824', min: 1024 * 1024, max: LONG_MAX, unsigned: true },
  { name: 'hz', type: 'int', default: '10', min: 0, max: INT_MAX, clamp: [1, 500] },
  { name: 'maxclients', type: 'int', default: '10000', min: 1, max: UINT_MAX, unsigned: true },
  { name: 'timeout', type: 'int', default: '0', min: 0, max: INT_MAX },
  { name: 'tcp-keepalive', type: 'int', default: '300', min: 0, max: INT_MAX },
  { name: 'tracking-table-max-keys', type: 'int', default: '1000000', min: 0, max: LONG_MAX, unsigned: true },
  { name: 'requirepass', type: 'string', default: '' },
  { name: 'protected-mode', type: 'bool', default: 'yes' },
  { name: 'loglevel', type: 'enum', default: 'notice', values: ['debug', 'verbose', 'notice', 'warning', 'nothing'] },
  { name: 'logfile', type: 'string', default: '', immutable: true },
  { name: 'pidfile', type: 'string', default: '', immutable: true },
  { name: 'daemonize', type: 'bool', default: 'no', immutable: true, parse: refuse('yes', 'daemonize yes is not supported: run cachica under a process supervisor') },
  { name: 'enable-debug-command', type: 'enum', default: 'no', values: PROTECTED_ACTION, immutable: true },
  { name: 'enable-protected-configs', type: 'enum', default: 'no', values: PROTECTED_ACTION, immutable: true },
  { name: 'active-expire-effort', type: 'int', default: '1', min: 1, max: 10 },
  { name: 'maxmemory', type: 'memory', default: '0', min: 0, max: ULLONG_MAX, unsigned: true },
  {
    name: 'maxmemory-policy',
    type: 'enum',
    default: 'noeviction',
    values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
  },
  { name: 'maxmemory-samples', type: 'int', default: '5', min: 1, max: INT_MAX },
  { name: 'maxmemory-eviction-tenacity', type: 'int', default: '10', min: 0, max: 100 },
  { name: 'lfu-log-factor', type: 'int', default: '10', min: 0, max: INT_MAX },
  { name: 'lfu-decay-time', type: 'int', default: '1', min: 0, max: INT_MAX },
  { name: 'lazyfree-lazy-user-del', type: 'bool', default: 'no' },
  { name: 'lazyfree-lazy-user-flush', type: 'bool', default: 'no' },
  { name: 'notify-keyspace-events', type: 'string', default: '', parse: parseNotifyConfig, display: displayNotifyConfig },
  {
    name: 'client-output-buffer-limit',
    type: 'words',
    default: 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
    parseWords: parseOutputBufferLimits,
  },
  { name: 'save', type: 'words', default: '3600 1 300 100 60 10000', parseWords: parseSave },
  { name: 'stop-writes-on-bgsave-error', type: 'bool', default: 'yes' },
  { name: 'appendonly', type: 'bool', default: 'no' },
  { name: 'appendfilename', type: 'string', default: 'appendonly.aof', immutable: true, parse: baseName('appendfilename', 'filename') },
  { name: 'appenddirname', type: 'string', default: 'appendonlydir', immutable: true, parse: baseName('appenddirname', 'dirname') },
  { name: 'appendfsync', type: 'enum', default: 'everysec', values: ['everysec', 'always', 'no'] },
  { name: 'no-appendfsync-on-rewrite', type: 'bool', default: 'no' },
  { name: 'aof-load-truncated', type: 'bool', default: 'yes' },
  { name: 'aof-use-rdb-preamble', type: 'bool', default: 'yes' },
  { name: 'auto-aof-rewrite-percentage', type: 'int', default: '100', min: 0, max: INT_MAX },
  // Scripts: past it, a script is stopped (see scripting/scripting.ts for why not -BUSY).
  { name: 'busy-reply-threshold', alias: 'lua-time-limit', type: 'int', default: '5000', min: 0, max: LONG_MAX },
  { name: 'auto-aof-rewrite-min-size', type: 'memory', default: '67108864', min: 0, max: LONG_MAX },
  // Redis chdir()s to `dir`; an embedded store must not move its host process, so cachica
  // keeps the absolute path and resolves its files against it.
  { name: 'dir', type: 'string', default: '', protected: true, initial: () => Buffer.from(process.cwd(), 'utf8').toString('latin1'), parse: parseDir },
  // Collection encodings: below these sizes a value is kept in a compact form (listpack,
  // intset), above them in a table, as Redis 7.2 switches (t_list.c, t_set.c, t_hash.c, t_zset.c).
  { name: 'list-max-listpack-size', alias: 'list-max-ziplist-size', type: 'int', default: '-2', min: -2147483648, max: INT_MAX },
  { name: 'set-max-intset-entries', type: 'int', default: '512', min: 0, max: LONG_MAX, unsigned: true },
  { name: 'set-max-listpack-entries', type: 'int', default: '128', min: 0, max: LONG_MAX, unsigned: true },
  { name: 'set-max-listpack-value', type: 'memory', default: '64', min: 0, max: LONG_MAX, unsigned: true },
  // 512 is Redis's compiled-in default (redis.conf ships 128).
  { name: 'hash-max-listpack-entries', alias: 'hash-max-ziplist-entries', type: 'int', default: '512', min: 0, max: LONG_MAX, unsigned: true },
  { name: 'hash-max-listpack-value', alias: 'hash-max-ziplist-value', type: 'memory', default: '64', min: 0, max: LONG_MAX, unsigned: true },
  { name: 'zset-max-listpack-entries', alias: 'zset-max-ziplist-entries', type: 'int', default: '128', min: 0, max: LONG_MAX, unsigned: true },
  { name: 'zset-max-listpack-value', alias: 'zset-max-ziplist-value', type: 'memory', default: '64', min: 0, max: LONG_MAX, unsigned: true },
  { name: 'hll-sparse-max-bytes', type: 'memory', default: '3000', min: 0, max: LONG_MAX, unsigned: true },
  { name: 'stream-node-max-bytes', type: 'memory', default: '4096', min: 0, max: LONG_MAX, unsigned: true },
  { name: 'stream-node-max-entries', type: 'int', default: '100', min: 0, max: LONG_MAX },
  { name: 'rdbcompression', type: 'bool', default: 'yes' },
  { name: 'rdbchecksum', type: 'bool', default: 'yes', immutable: true },
  { name: 'dbfilename', type: 'string', default: 'dump.rdb', protected: true, parse: parseDbFilename },
];

/** isValidAOFfilename and isValidAOFdirname: a plain name, not empty and not a path. */
function baseName(param: string, what: string): (v: string) => string {
  return (v) => {
    if (v === '') throw new ConfigError(`${param} can't be empty`);
    if (v.includes('/') || v === '.' || v === '..') throw new ConfigError(`${param} can't be a path, just a ${what}`);
    return v;
  };
}

function refuse(value: string, message: string): (v: string) => string {
  return (v) => {
    if (v === value) throw new ConfigError(message);
    return v;
  };
}

/** setConfigSaveOption: pairs of <seconds> <changes>, seconds >= 1, changes >= 0. */
function parseSave(words: string[]): string {
  if (words.length % 2 !== 0) throw new ConfigError('Invalid save parameters');
  const out: string[] = [];
  for (let j = 0; j < words.length; j++) {
    const v = strtoll(words[j]);
    if (v === null || (j % 2 === 0 && v < 1n) || (j % 2 === 1 && v < 0n)) throw new ConfigError('Invalid save parameters');
    // Redis prints seconds as time_t and changes as int.
    out.push(j % 2 === 0 ? v.toString() : String(BigInt.asIntN(32, v)));
  }
  return out.join(' ');
}

/** Client classes of client-output-buffer-limit, in the order CONFIG GET prints them. */
const OUTPUT_LIMIT_CLASSES = ['normal', 'slave', 'pubsub'] as const;

/**
 * setConfigClientOutputBufferLimitOption: groups of <class> <hard> <soft> <soft seconds>, each
 * replacing that class's limits; the whole value is refused if any group is bad.
 */
function parseOutputBufferLimits(words: string[], current: string): string {
  if (words.length % 4 !== 0) throw new ConfigError('Wrong number of arguments in buffer limit configuration.');
  const limits = new Map<string, string>();
  const now = current.split(' ');
  for (let j = 0; j + 3 < now.length; j += 4) limits.set(now[j], now.slice(j + 1, j + 4).join(' '));
  for (let j = 0; j < words.length; j += 4) {
    const name = words[j].toLowerCase();
    const cls = name === 'replica' ? 'slave' : name;
    if (!(OUTPUT_LIMIT_CLASSES as readonly string[]).includes(cls)) throw new ConfigError('Invalid client class specified in buffer limit configuration.');
    const hard = memtoull(words[j + 1]);
    const soft = memtoull(words[j + 2]);
    const seconds = strtoll(words[j + 3]);
    if (hard === null || soft === null || seconds === null || seconds < 0n) {
      throw new ConfigError('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
    }
    limits.set(cls, `${hard} ${soft} ${seconds}`);
  }
  return OUTPUT_LIMIT_CLASSES.map((cls) => `${cls} ${limits.get(cls)}`).join(' ');
}

function parseBind(words: string[]): string {
  if (words.length > BINDADDR_MAX) throw new ConfigError('Too many bind addresses specified.');
  return words.join(' ');
}

/** C's strtoll(s, &end, 10) with *end required to be the terminator; saturates as strtoll does. */
function strtoll(s: string): bigint | null {
  // An empty string converts nothing and leaves the end pointer on its terminator: 0, accepted.
  if (s === '') return 0n;
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(s);
  if (!m) return null;
  let v = BigInt(m[2]);
  if (m[1] === '-') v = -v;
  if (v > LONG_MAX) return LONG_MAX;
  if (v < -LONG_MAX - 1n) return -LONG_MAX - 1n;
  return v;
}

function parseDir(value: string, current: string): string {
  const target = resolvePath(current || process.cwd(), value);
  try {
    if (!statSync(pathBytes(target)).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    accessSync(pathBytes(target), constants.X_OK);
  } catch (e) {
    throw new ConfigError(strerror((e as NodeJS.ErrnoException).code));
  }
  return target;
}

/**
 * A path parameter's value for the file system. Parameter values are bytes (latin1 strings, as
 * CONFIG SET receives them), so the path goes to the file system as those bytes.
 */
export function pathBytes(value: string): Buffer {
  return Buffer.from(value, 'latin1');
}

/**
 * notify-keyspace-events: kept in keyspaceEventsFlagsToString's form, plus 'n' when that form
 * drops it ("A" hides "n" although "A" does not include it); CONFIG GET shows Redis's form.
 */
function parseNotifyConfig(value: string): string {
  const flags = parseNotifyClasses(value);
  if (flags === null) throw new ConfigError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  const shown = formatNotifyClasses(flags);
  return (flags & Notify.New) !== 0 && !shown.includes('n') ? `${shown}n` : shown;
}

function displayNotifyConfig(value: string): string {
  return formatNotifyClasses(parseNotifyClasses(value) ?? 0);
}

function parseDbFilename(value: string): string {
  if (value.includes('/')) throw new ConfigError("dbfilename can't be a path, just a filename");
  return value;
}

/** The C library's message for an errno code, as Redis reports it. */
function strerror(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'ENOTDIR':
      return 'Not a directory';
    case 'EACCES':
      return 'Permission denied';
    case 'ELOOP':
      return 'Too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'File name too long';
    case 'EISDIR':
      return 'Is a directory';
    case 'EROFS':
      return 'Read-only file system';
    default:
      return code ?? 'Unknown error';
  }
}

/**
 * memtoull: digits and an optional unit, nothing else (no sign, no spaces); null when Redis
 * would refuse it. Like strtoull the digits saturate, and like the C multiplication the product
 * wraps at 2^64.
 */
function memtoull(s: string): bigint | null {
  const m = /^(\d*)(b|k|kb|m|mb|g|gb)?$/i.exec(s);
  if (!m) return null;
  const units: Record<string, bigint> = { b: 1n, k: 1000n, kb: 1024n, m: 1000n ** 2n, mb: 1024n ** 2n, g: 1000n ** 3n, gb: 1024n ** 3n };
  const mul = m[2] ? units[m[2].toLowerCase()] : 1n;
  let v = m[1] === '' ? 0n : BigInt(m[1]);
  if (v > ULLONG_MAX) v = ULLONG_MAX;
  return BigInt.asUintN(64, v * mul);
}

/** Parse a memory value ("100", "1kb", "2mb", "1g") into bytes, as memtoull; null if invalid. */
export function parseMemory(s: string): number | null {
  const v = memtoull(s);
  return v === null ? null : Number(v);
}

export class ConfigError extends Error {}

export class Config {
  /** Parameters by name and by alias. */
  private readonly specs = new Map<string, ParamSpec>();
  private readonly ordered: ParamSpec[] = [];
  /** Current values in their canonical string form (what CONFIG GET prints), by name. */
  private readonly values = new Map<string, string>();
  /** Called after a parameter changes at run time (rebind, resize buffers, ...). */
  private readonly watchers = new Map<string, ((value: string) => void)[]>();
  /** Set once a `save` directive was read: later ones accumulate. */
  private savesLoaded = false;
  /** Absolute path of the configuration file read at start-up, or '' (INFO config_file). */
  configFile = '';

  constructor(specs: readonly ParamSpec[] = PARAMS) {
    for (const spec of specs) {
      this.specs.set(spec.name, spec);
      if (spec.alias) this.specs.set(spec.alias, spec);
      this.ordered.push(spec);
      this.values.set(spec.name, spec.initial ? spec.initial() : spec.default);
    }
  }

  has(name: string): boolean {
    return this.specs.has(name.toLowerCase());
  }

  spec(name: string): ParamSpec | undefined {
    return this.specs.get(name.toLowerCase());
  }

  /** Every parameter's name (aliases not included). */
  names(): string[] {
    return this.ordered.map((s) => s.name);
  }

  /** A file or directory name parameter (dir, dbfilename, ...) as a path: its bytes as UTF-8. */
  getPath(name: string): string {
    return Buffer.from(this.get(name), 'latin1').toString('utf8');
  }

  get(name: string): string {
    const v = this.values.get(name) ?? this.values.get(this.specs.get(name.toLowerCase())?.name ?? '');
    if (v === undefined) throw new Error(`no such config parameter: ${name}`);
    return v;
  }

  getNumber(name: string): number {
    const v = this.get(name);
    return this.specs.get(name)?.type === 'octal' ? parseInt(v, 8) : Number(v);
  }

  getBool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  /** Run `fn` whenever `name` changes after start-up. Several watchers may watch one name. */
  watch(name: string, fn: (value: string) => void): void {
    const list = this.watchers.get(name);
    if (list) list.push(fn);
    else this.watchers.set(name, [fn]);
  }

  /**
   * CONFIG GET: the parameters matching any of `patterns`, in the order first matched. A
   * pattern without glob characters is a name (an alias counts, a hidden parameter too) and is
   * reported under the name as asked; a glob matches every visible name and alias.
   */
  lookup(patterns: readonly string[]): [string, string][] {
    const out: [string, string][] = [];
    const seen = new Set<string>();
    for (const pattern of patterns) {
      if (!/[[*?]/.test(pattern)) {
        const key = pattern.toLowerCase();
        const spec = this.specs.get(key);
        if (spec && !seen.has(key)) {
          seen.add(key);
          out.push([pattern, this.shown(spec)]);
        }
        continue;
      }
      for (const [key, spec] of this.specs) {
        if (spec.hidden || seen.has(key) || !globMatchString(pattern, key, true)) continue;
        seen.add(key);
        out.push([key, this.shown(spec)]);
      }
    }
    return out;
  }

  private shown(spec: ParamSpec): string {
    const v = this.values.get(spec.name) as string;
    return spec.display ? spec.display(v) : v;
  }

  /**
   * Validate `raw` for parameter `name` and return the canonical value, or throw ConfigError
   * with Redis's wording of the problem. A 'words' parameter's value is split on single spaces,
   * as CONFIG SET splits it; "" means no words.
   */
  normalize(name: string, raw: string): string {
    const spec = this.specs.get(name.toLowerCase());
    if (!spec) throw new ConfigError(`Unknown option or number of arguments for CONFIG SET - '${name}'`);
    if (spec.type === 'words') return this.normalizeWords(spec, raw === '' ? [] : raw.split(' '));
    return this.normalizeOne(spec, raw);
  }

  private normalizeWords(spec: ParamSpec, words: string[]): string {
    // A single empty argument means none (`--save ""`).
    const list = words.length === 1 && words[0] === '' ? [] : words;
    return spec.parseWords ? spec.parseWords(list, this.values.get(spec.name) ?? spec.default) : list.join(' ');
  }

  private normalizeOne(spec: ParamSpec, raw: string): string {
    let value = raw;
    switch (spec.type) {
      case 'bool': {
        const v = raw.toLowerCase();
        if (v !== 'yes' && v !== 'no') throw new ConfigError("argument must be 'yes' or 'no'");
        value = v;
        break;
      }
      case 'int': {
        const bytes = Buffer.from(raw, 'latin1');
        const n = parseInt64(bytes, 0, bytes.length);
        if (n === null) throw new ConfigError("argument couldn't be parsed into an integer");
        value = this.bounded(spec, BigInt(n)).toString();
        break;
      }
      case 'memory': {
        const n = memtoull(raw);
        if (n === null) throw new ConfigError('argument must be a memory value');
        value = this.bounded(spec, spec.unsigned ? n : BigInt.asIntN(64, n)).toString();
        break;
      }
      case 'octal': {
        const m = /^[ \t\n\v\f\r]*([+-]?)([0-7]+)$/.exec(raw);
        if (!m) throw new ConfigError("argument couldn't be parsed as an octal number");
        const n = BigInt(`0o${m[2]}`) * (m[1] === '-' ? -1n : 1n);
        value = this.bounded(spec, n).toString(8);
        break;
      }
      case 'enum': {
        const v = raw.toLowerCase();
        if (!spec.values?.includes(v)) throw new ConfigError(`argument(s) must be one of the following: ${spec.values?.join(', ')}`);
        value = v;
        break;
      }
      case 'string':
      case 'words':
        break;
    }
    return spec.parse ? spec.parse(value, this.values.get(spec.name) ?? '') : value;
  }

  /** numericBoundaryCheck, then the clamp some parameters get (hz). */
  private bounded(spec: ParamSpec, n: bigint): bigint {
    let v = n;
    if (spec.unsigned) v = BigInt.asUintN(64, v);
    const min = spec.min === undefined ? undefined : BigInt(spec.min);
    const max = spec.max === undefined ? undefined : BigInt(spec.max);
    if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
      const fmt = (b: bigint | undefined): string => (b === undefined ? '' : spec.type === 'octal' ? b.toString(8) : b.toString());
      throw new ConfigError(`argument must be between ${fmt(min)} and ${fmt(max)} inclusive`);
    }
    if (spec.clamp) {
      if (v < BigInt(spec.clamp[0])) v = BigInt(spec.clamp[0]);
      if (v > BigInt(spec.clamp[1])) v = BigInt(spec.clamp[1]);
    }
    return v;
  }

  /** Set at start-up (no watchers fire; immutable parameters allowed). */
  setInitial(name: string, raw: string): void {
    const spec = this.specs.get(name.toLowerCase());
    if (!spec) throw new ConfigError(`Unknown configuration parameter '${name}'`);
    this.values.set(spec.name, this.normalize(spec.name, raw));
  }

  /**
   * A configuration line's arguments (after the name), as loadServerConfigFromString applies
   * them: single-valued parameters take exactly one; multi-word ones take all their words, or
   * one argument holding them all (`--save "900 1 300 10"`). `save` lines accumulate: the
   * first one read replaces the default.
   */
  applyDirective(name: string, args: readonly string[]): void {
    const spec = this.specs.get(name.toLowerCase());
    if (!spec) throw new ConfigError('Bad directive or wrong number of arguments');
    if (spec.type !== 'words') {
      if (args.length !== 1) throw new ConfigError('wrong number of arguments');
      this.values.set(spec.name, this.normalizeOne(spec, args[0]));
      return;
    }
    let words = [...args];
    if (words.length === 1 && words[0] !== '') {
      const bytes = Buffer.from(words[0], 'latin1');
      const split = splitInlineArgs(bytes, 0, bytes.length);
      if (split === null) throw new ConfigError('Unbalanced quotes in configuration line');
      words = split.map((b) => b.toString('latin1'));
    }
    let value = this.normalizeWords(spec, words);
    if (spec.name === 'save') {
      if (this.savesLoaded && value !== '') {
        const current = this.values.get('save') ?? '';
        value = current === '' ? value : `${current} ${value}`;
      }
      this.savesLoaded = true;
    }
    this.values.set(spec.name, value);
  }

  /** Set at run time (CONFIG SET of one parameter): refuses immutable ones, fires the watchers. */
  setRuntime(name: string, raw: string): void {
    const spec = this.specs.get(name.toLowerCase());
    if (!spec) throw new ConfigError(`Unknown option or number of arguments for CONFIG SET - '${name}'`);
    if (spec.immutable) throw new ConfigError(`can't set immutable config`);
    const value = this.normalize(spec.name, raw);
    const old = this.values.get(spec.name);
    this.values.set(spec.name, value);
    if (old !== value) this.notify(spec.name, value);
  }

  /**
   * CONFIG SET of several parameters, all or nothing, as configSetCommand: every name is
   * checked before anything changes, then every value is parsed and set, then the changed
   * parameters' watchers run; if a value is refused or a watcher fails, every parameter gets
   * its old value back. Throws ConfigError whose message is Redis's whole reply (without "ERR ").
   * `allowProtected` says whether this caller may set protected parameters (dir, dbfilename).
   */
  setMany(pairs: readonly (readonly [string, string])[], allowProtected: boolean): void {
    const specs: ParamSpec[] = [];
    let problem: { name: string; reason: string } | null = null;
    for (const [name] of pairs) {
      // The first problem found is the one reported.
      if (problem) break;
      const spec = this.specs.get(name.toLowerCase());
      if (!spec) throw new ConfigError(`Unknown option or number of arguments for CONFIG SET - '${name}'`);
      if (spec.immutable || (spec.protected && !allowProtected)) {
        problem = { name, reason: spec.immutable ? "can't set immutable config" : "can't set protected config" };
      } else if (specs.includes(spec)) {
        problem = { name, reason: 'duplicate parameter' };
      }
      specs.push(spec);
    }
    if (problem) throw setFailed(problem.name, problem.reason);

    const old = specs.map((s) => this.values.get(s.name) as string);
    const changed: ParamSpec[] = [];
    for (let i = 0; i < specs.length; i++) {
      let value: string;
      try {
        value = this.normalize(specs[i].name, pairs[i][1]);
      } catch (e) {
        this.restoreAll(specs, old, i + 1, []);
        throw setFailed(specs[i].name, (e as Error).message);
      }
      if (value !== this.values.get(specs[i].name)) changed.push(specs[i]);
      this.values.set(specs[i].name, value);
    }
    for (const spec of changed) {
      try {
        this.notify(spec.name, this.values.get(spec.name) as string);
      } catch (e) {
        this.restoreAll(specs, old, specs.length, changed);
        throw setFailed(spec.name, (e as Error).message);
      }
    }
  }

  /** Put back the first `n` old values, re-applying those whose watchers had seen the new ones. */
  private restoreAll(specs: ParamSpec[], old: string[], n: number, applied: ParamSpec[]): void {
    for (let i = n - 1; i >= 0; i--) this.values.set(specs[i].name, old[i]);
    for (const spec of applied) {
      try {
        this.notify(spec.name, this.values.get(spec.name) as string);
      } catch {
        // Redis too can only log a failure to restore.
      }
    }
  }

  private notify(name: string, value: string): void {
    for (const fn of this.watchers.get(name) ?? []) fn(value);
  }

  /** Restore a value without validation (to undo a failed multi-parameter CONFIG SET). */
  restore(name: string, value: string): void {
    this.values.set(name, value);
  }
}

function setFailed(name: string, reason: string): ConfigError {
  return new ConfigError(`CONFIG SET failed (possibly related to argument '${name}') - ${reason}`);
}

/**
 * Read a configuration: the file's text (if any) followed by the command line's `--name value`
 * options, in redis-server's manner. Throws ConfigError with a message naming the line.
 */
export function loadConfig(config: Config, fileText: string | null, argv: readonly string[]): void {
  const lines: { text: string; where: string }[] = [];
  if (fileText !== null) {
    fileText.split('\n').forEach((text, i) => lines.push({ text, where: `at line ${i + 1}` }));
  }
  // Command-line options become config lines: "--port 6380 --save ''" -> "port 6380", "save ''".
  let current: string[] | null = null;
  const flush = (): void => {
    if (current) lines.push({ text: current.join(' '), where: 'in the command line' });
    current = null;
  };
  for (const arg of argv) {
    if (arg.startsWith('--') && arg.length > 2) {
      flush();
      current = [arg.slice(2)];
    } else if (current) {
      current.push(quoteArg(arg));
    } else {
      throw new ConfigError(`Invalid argument '${arg}' (options must start with --)`);
    }
  }
  flush();
  for (const { text, where } of lines) {
    const trimmed = text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const bytes = Buffer.from(trimmed, 'utf8');
    const args = splitInlineArgs(bytes, 0, bytes.length);
    if (args === null) throw fatal(where, trimmed, 'Unbalanced quotes in configuration line');
    if (args.length === 0) continue;
    // Values are kept as bytes (latin1 strings), as CONFIG SET receives them off the wire.
    const name = args[0].toString('latin1').toLowerCase();
    const values = args.slice(1).map((a) => a.toString('latin1'));
    if (!config.has(name)) {
      const hint = UNSUPPORTED_DIRECTIVES.has(name) ? ` ('${name}' is not supported by cachica)` : '';
      throw fatal(where, trimmed, `Bad directive or wrong number of arguments${hint}`);
    }
    try {
      config.applyDirective(name, values);
    } catch (e) {
      throw fatal(where, trimmed, (e as Error).message);
    }
  }
  // As Redis: make sure the log file can be written before going on.
  const logfile = config.get('logfile');
  if (logfile !== '') {
    try {
      appendFileSync(pathBytes(logfile), '');
    } catch (e) {
      throw new ConfigError(`\n*** FATAL CONFIG FILE ERROR (cachica) ***\nCan't open the log file: ${strerror((e as NodeJS.ErrnoException).code)}`);
    }
  }
}

/** Directives redis-server knows that are not parameters; named in the error to help. */
const UNSUPPORTED_DIRECTIVES = new Set(['include', 'rename-command', 'user', 'loadmodule', 'sentinel']);

function quoteArg(arg: string): string {
  if (arg === '') return '""';
  if (/[\s"'\\]/.test(arg)) return `"${arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return arg;
}

function fatal(where: string, line: string, reason: string): ConfigError {
  return new ConfigError(`\n*** FATAL CONFIG FILE ERROR (cachica) ***\nReading the configuration file, ${where}\n>>> '${line}'\n${reason}`);
}
