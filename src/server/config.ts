/**
 * Config: every server parameter, read from a redis.conf-style file and `--name value` flags at
 * start-up, and read and changed at run time with CONFIG GET / CONFIG SET.
 *
 * Each parameter is declared once with its type, default, bounds and whether it can change at
 * run time, and keeps its value parsed (so the hot path reads a number, not a string).
 * Memory values take Redis's units (1k, 1kb, 1m, 1mb, 1g, 1gb). Unknown or invalid settings are
 * errors, as in redis-server.
 */

import { splitInlineArgs } from '../protocol/inline.js';

export type ParamType = 'bool' | 'int' | 'memory' | 'string' | 'enum';

export interface ParamSpec {
  name: string;
  type: ParamType;
  default: string;
  /** Only at start-up (CONFIG SET refuses it). */
  immutable?: boolean;
  min?: number;
  max?: number;
  values?: readonly string[];
  /** Hidden from CONFIG GET of patterns but returned by its exact name (Redis's HIDDEN_CONFIG). */
  alias?: string;
  /** Validate and normalise a string value; returns an error message or null. */
  check?: (value: string) => string | null;
}

const LLONG_MAX = Number.MAX_SAFE_INTEGER; // memory values beyond 2^53 are not meaningful here

/** The parameters cachica implements. Others are refused with a clear message. */
export const PARAMS: readonly ParamSpec[] = [
  { name: 'port', type: 'int', default: '6379', min: 0, max: 65535 },
  { name: 'bind', type: 'string', default: '127.0.0.1 -::1' },
  { name: 'unixsocket', type: 'string', default: '', immutable: true },
  { name: 'unixsocketperm', type: 'int', default: '0', min: 0, max: 0o777, immutable: true },
  { name: 'tcp-backlog', type: 'int', default: '511', min: 0, max: 2147483647, immutable: true },
  { name: 'databases', type: 'int', default: '16', min: 1, max: 2147483647, immutable: true },
  { name: 'proto-max-bulk-len', type: 'memory', default: '536870912', min: 1024 * 1024, max: LLONG_MAX },
  { name: 'client-query-buffer-limit', type: 'memory', default: '1073741824', min: 1024 * 1024, max: LLONG_MAX },
  { name: 'hz', type: 'int', default: '10', min: 0, max: 2147483647 },
  { name: 'maxclients', type: 'int', default: '10000', min: 1, max: 2147483647 },
  { name: 'timeout', type: 'int', default: '0', min: 0, max: 2147483647 },
  { name: 'tcp-keepalive', type: 'int', default: '300', min: 0, max: 2147483647 },
  { name: 'requirepass', type: 'string', default: '' },
  { name: 'protected-mode', type: 'bool', default: 'yes' },
  { name: 'loglevel', type: 'enum', default: 'notice', values: ['debug', 'verbose', 'notice', 'warning', 'nothing'] },
  { name: 'logfile', type: 'string', default: '', immutable: true },
  { name: 'pidfile', type: 'string', default: '', immutable: true },
  { name: 'daemonize', type: 'bool', default: 'no', immutable: true, check: (v) => (v === 'yes' ? 'daemonize yes is not supported: run cachica under a process supervisor' : null) },
  { name: 'enable-debug-command', type: 'enum', default: 'no', values: ['no', 'yes', 'local'], immutable: true },
  { name: 'active-expire-effort', type: 'int', default: '1', min: 1, max: 10 },
  { name: 'maxmemory-policy', type: 'enum', default: 'noeviction', values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'] },
  { name: 'lazyfree-lazy-user-del', type: 'bool', default: 'no' },
  { name: 'lazyfree-lazy-user-flush', type: 'bool', default: 'no' },
  { name: 'save', type: 'string', default: '3600 1 300 100 60 10000', check: checkSave },
  { name: 'appendonly', type: 'bool', default: 'no', check: (v) => (v === 'yes' ? 'appendonly yes is not supported yet: the AOF arrives with persistence' : null) },
  { name: 'dir', type: 'string', default: '' },
  { name: 'dbfilename', type: 'string', default: 'dump.rdb' },
];

function checkSave(v: string): string | null {
  const parts = v.trim() === '' ? [] : v.trim().split(/\s+/);
  if (parts.length % 2 !== 0) return 'Invalid save parameters';
  for (const p of parts) if (!/^\d+$/.test(p)) return 'Invalid save parameters';
  return null;
}

/** Parse a memory value ("100", "1kb", "2mb", "1g") into bytes, as memtoull. */
export function parseMemory(s: string): number | null {
  const m = /^(-?\d+)(k|kb|m|mb|g|gb|b)?$/i.exec(s);
  if (!m) return null;
  const units: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1000 ** 2, mb: 1024 ** 2, g: 1000 ** 3, gb: 1024 ** 3 };
  const mul = m[2] ? units[m[2].toLowerCase()] : 1;
  const n = Number(m[1]) * mul;
  return Number.isSafeInteger(n) ? n : null;
}

export class ConfigError extends Error {}

export class Config {
  private readonly specs = new Map<string, ParamSpec>();
  /** Current values in their canonical string form (what CONFIG GET prints). */
  private readonly values = new Map<string, string>();
  /** Called after a parameter changes at run time (rebind, resize buffers, ...). */
  private readonly watchers = new Map<string, (value: string) => void>();

  constructor(specs: readonly ParamSpec[] = PARAMS) {
    for (const spec of specs) {
      this.specs.set(spec.name, spec);
      this.values.set(spec.name, spec.default);
    }
  }

  has(name: string): boolean {
    return this.specs.has(name.toLowerCase());
  }

  spec(name: string): ParamSpec | undefined {
    return this.specs.get(name.toLowerCase());
  }

  names(): string[] {
    return [...this.specs.keys()];
  }

  get(name: string): string {
    const v = this.values.get(name);
    if (v === undefined) throw new Error(`no such config parameter: ${name}`);
    return v;
  }

  getNumber(name: string): number {
    return Number(this.get(name));
  }

  getBool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  /** Run `fn` whenever `name` changes after start-up. */
  watch(name: string, fn: (value: string) => void): void {
    this.watchers.set(name, fn);
  }

  /**
   * Validate `raw` for parameter `name` and return the canonical value, or throw ConfigError
   * with Redis's wording of the problem.
   */
  normalize(name: string, raw: string): string {
    const spec = this.specs.get(name);
    if (!spec) throw new ConfigError(`Unknown option or number of arguments for CONFIG SET - '${name}'`);
    let value = raw;
    switch (spec.type) {
      case 'bool': {
        const v = raw.toLowerCase();
        if (v !== 'yes' && v !== 'no') throw new ConfigError('argument must be \'yes\' or \'no\'');
        value = v;
        break;
      }
      case 'int': {
        if (!/^-?\d+$/.test(raw)) throw new ConfigError('argument couldn\'t be parsed into an integer');
        const n = Number(raw);
        if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
          throw new ConfigError(`argument must be between ${spec.min} and ${spec.max} inclusive`);
        }
        value = String(n);
        break;
      }
      case 'memory': {
        const n = parseMemory(raw);
        if (n === null) throw new ConfigError('argument must be a memory value');
        if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
          throw new ConfigError(`argument must be between ${spec.min} and ${spec.max} inclusive`);
        }
        value = String(n);
        break;
      }
      case 'enum': {
        const v = raw.toLowerCase();
        if (!spec.values?.includes(v)) throw new ConfigError(`argument(s) must be one of the following: ${spec.values?.join(', ')}`);
        value = v;
        break;
      }
      case 'string':
        break;
    }
    const problem = spec.check?.(value);
    if (problem) throw new ConfigError(problem);
    return value;
  }

  /** Set at start-up (no watchers fire; immutable parameters allowed). */
  setInitial(name: string, raw: string): void {
    const key = name.toLowerCase();
    this.values.set(key, this.normalize(key, raw));
  }

  /** Set at run time (CONFIG SET): refuses immutable parameters, fires the watcher. */
  setRuntime(name: string, raw: string): void {
    const key = name.toLowerCase();
    const spec = this.specs.get(key);
    if (!spec) throw new ConfigError(`Unknown option or number of arguments for CONFIG SET - '${name}'`);
    if (spec.immutable) throw new ConfigError(`can't set immutable config`);
    const value = this.normalize(key, raw);
    const old = this.values.get(key);
    this.values.set(key, value);
    if (old !== value) this.watchers.get(key)?.(value);
  }

  /** Restore a value without validation (to undo a failed multi-parameter CONFIG SET). */
  restore(name: string, value: string): void {
    this.values.set(name, value);
  }
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
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const bytes = Buffer.from(trimmed, 'utf8');
    const args = splitInlineArgs(bytes, 0, bytes.length);
    if (args === null) throw fatal(where, trimmed, 'Unbalanced quotes in configuration line');
    if (args.length === 0) continue;
    const name = args[0].toString('utf8').toLowerCase();
    const values = args.slice(1).map((a) => a.toString('utf8'));
    if (!config.has(name)) throw fatal(where, trimmed, `Bad directive or wrong number of arguments`);
    // Multi-word parameters (save, bind) take all their words; "save" may repeat and accumulates.
    const spec = config.spec(name) as ParamSpec;
    let value = values.join(' ');
    if (name === 'save' && value !== '' && config.get('save') !== spec.default && savedOnce.has(config)) {
      value = `${config.get('save')} ${value}`;
    }
    if (spec.type !== 'string' && values.length !== 1) throw fatal(where, trimmed, 'wrong number of arguments');
    try {
      config.setInitial(name, value);
    } catch (e) {
      throw fatal(where, trimmed, (e as Error).message);
    }
    if (name === 'save') savedOnce.add(config);
  }
}

const savedOnce = new WeakSet<Config>();

function quoteArg(arg: string): string {
  if (arg === '') return '""';
  if (/[\s"'\\]/.test(arg)) return `"${arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return arg;
}

function fatal(where: string, line: string, reason: string): ConfigError {
  return new ConfigError(`\n*** FATAL CONFIG FILE ERROR (cachica) ***\nReading the configuration file, ${where}\n>>> '${line}'\n${reason}`);
}
