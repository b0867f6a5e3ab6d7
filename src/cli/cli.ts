/**
 * cachica-cli: a command line client that behaves like redis-cli 7.0.
 *
 * People type redis-cli out of habit and scripts parse its output, so this CLI reproduces it
 * rather than inventing its own: the same options, the same reply formatting (the human form on
 * a terminal, the raw form when stdout is a pipe), the same interactive prompt, hints built
 * from COMMAND DOCS, history and reconnection. The structure follows redis-cli.c on purpose
 * (cliConnect, issueCommandRepeat, cliSendCommand, cliReadReply, cliFormatReplyTTY/Raw), so a
 * difference in behaviour can be traced to the function it comes from.
 *
 * Replies are decoded with their RESP types kept (ReplyNode) because redis-cli's output depends
 * on them: a status prints bare and a bulk string quoted, a set numbers its items `1~` and an
 * array `1)`, a double prints as the server spelled it. Reply bytes are carried as latin1
 * strings (one char per byte) all the way to stdout, so binary values come out unchanged.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as readline from 'node:readline';

import { ReplyDecoder, type ReplyNode } from '../client/decoder.js';
import { encodeCommand } from '../client/encoder.js';
import { splitInlineArgs } from '../protocol/inline.js';

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

export type OutputMode = 'standard' | 'raw';

export interface CliOptions {
  host: string;
  port: number;
  socket: string | null;
  user: string | null;
  password: string | null;
  /** The database asked for with -n (or a URI); the connection's own is tracked apart. */
  db: number;
  resp2: boolean;
  resp3: boolean;
  repeat: number;
  /** -i, in milliseconds. */
  interval: number;
  output: OutputMode;
  /** Print RESP3 pushes that arrive between replies (on by default on a terminal). */
  pushOutput: boolean;
  stdinLastArg: boolean;
  stdinTag: string | null;
  setErrcode: boolean;
  quotedInput: boolean;
  noAuthWarning: boolean;
  /** -d: between the items of an aggregate in raw output. */
  multiBulkDelimiter: string;
  /** -D: after each reply in raw output. */
  commandDelimiter: string;
}

export type ParsedCommandLine =
  /** `warnings` go to stderr before anything runs. */
  | { kind: 'run'; options: CliOptions; args: string[]; warnings: string }
  | { kind: 'exit'; code: number; stdout: string; stderr: string };

export function defaultOptions(stdoutIsTTY: boolean): CliOptions {
  return {
    host: '127.0.0.1',
    port: 6379,
    socket: null,
    user: null,
    password: null,
    db: 0,
    resp2: false,
    resp3: false,
    repeat: 1,
    interval: 0,
    output: stdoutIsTTY ? 'standard' : 'raw',
    pushOutput: stdoutIsTTY,
    stdinLastArg: false,
    stdinTag: null,
    setErrcode: false,
    quotedInput: false,
    noAuthWarning: false,
    multiBulkDelimiter: '\n',
    commandDelimiter: '\n',
  };
}

/** C's atoi/strtoll: leading blanks, a sign, digits; whatever follows is ignored, nothing is 0. */
function cInteger(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

/** C's atof, for the forms people type. */
function cFloat(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

function percentDecode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '%') {
      out += s[i];
      continue;
    }
    if (s.length - i < 3) throw new UsageError('Incomplete URI encoding');
    const hex = s.slice(i + 1, i + 3).toLowerCase();
    if (!/^[0-9a-f]{2}$/.test(hex)) throw new UsageError('Illegal character in URI encoding');
    out += String.fromCharCode(parseInt(hex, 16));
    i += 2;
  }
  return out;
}

class UsageError extends Error {}

/** redis://[[user:]password@]host[:port][/db], read the way redis-cli's parseRedisUri reads it. */
function applyUri(options: CliOptions, uri: string): void {
  const scheme = 'redis://';
  if (uri.toLowerCase().startsWith('rediss://')) throw new UsageError('rediss:// is only supported when cachica-cli is compiled with OpenSSL');
  if (!uri.toLowerCase().startsWith(scheme)) throw new UsageError('Invalid URI scheme');
  let rest = uri.slice(scheme.length);
  if (rest === '') return;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const colon = rest.indexOf(':');
    let userinfo = rest.slice(0, at);
    if (colon >= 0 && colon < at) {
      options.user = percentDecode(rest.slice(0, colon));
      userinfo = rest.slice(colon + 1, at);
    }
    options.password = percentDecode(userinfo);
    rest = rest.slice(at + 1);
  }
  if (rest === '') return;
  const slash = rest.indexOf('/');
  if (!rest.startsWith('/')) {
    const hostPort = slash >= 0 ? rest.slice(0, slash) : rest;
    const colon = hostPort.indexOf(':');
    if (colon >= 0) options.port = cInteger(hostPort.slice(colon + 1));
    options.host = colon >= 0 ? hostPort.slice(0, colon) : hostPort;
  }
  rest = slash >= 0 ? rest.slice(slash + 1) : '';
  if (rest !== '') options.db = cInteger(rest);
}

/** Read the options before the command, as redis-cli's parseOptions does. */
export function parseCommandLine(argv: readonly string[], stdoutIsTTY: boolean): ParsedCommandLine {
  const options = defaultOptions(stdoutIsTTY);
  let stderr = '';
  let i = 0;
  try {
    for (; i < argv.length; i++) {
      const a = argv[i];
      const hasValue = i < argv.length - 1;
      if (a === '-h' && hasValue) options.host = argv[++i];
      else if (a === '-h' || a === '--help') return { kind: 'exit', code: 0, stdout: usage(), stderr: '' };
      else if (a === '-x') options.stdinLastArg = true;
      else if (a === '-X' && hasValue) options.stdinTag = argv[++i];
      else if (a === '-p' && hasValue) options.port = cInteger(argv[++i]);
      else if (a === '-s' && hasValue) options.socket = argv[++i];
      else if (a === '-r' && hasValue) options.repeat = cInteger(argv[++i]);
      else if (a === '-i' && hasValue) options.interval = cFloat(argv[++i]) * 1000;
      else if (a === '-n' && hasValue) options.db = cInteger(argv[++i]);
      else if (a === '--no-auth-warning') options.noAuthWarning = true;
      else if ((a === '-a' || a === '--pass') && hasValue) options.password = argv[++i];
      else if (a === '--user' && hasValue) options.user = argv[++i];
      else if (a === '-u' && hasValue) applyUri(options, argv[++i]);
      else if (a === '--raw') options.output = 'raw';
      else if (a === '--no-raw') options.output = 'standard';
      else if (a === '--quoted-input') options.quotedInput = true;
      else if (a === '-d' && hasValue) options.multiBulkDelimiter = argv[++i];
      else if (a === '-D' && hasValue) options.commandDelimiter = argv[++i];
      else if (a === '-e') options.setErrcode = true;
      else if (a === '-v' || a === '--version') return { kind: 'exit', code: 0, stdout: `cachica-cli ${cliVersion()}\n`, stderr: '' };
      else if (a === '-2' || a === '--resp2') options.resp2 = true;
      else if (a === '-3' || a === '--resp3') options.resp3 = true;
      else if (a === '--show-pushes' && hasValue) {
        const value = argv[++i];
        if (/^n/i.test(value)) options.pushOutput = false;
        else if (/^y/i.test(value)) options.pushOutput = true;
        else stderr += `Unknown --show-pushes value '${value}' (valid: '[y]es', '[n]o')\n`;
      } else if (a.startsWith('-')) {
        return { kind: 'exit', code: 1, stdout: '', stderr: stderr + `Unrecognized option or bad number of args for: '${a}'\n` };
      } else {
        break; // the command name
      }
    }
  } catch (error) {
    if (error instanceof UsageError) return { kind: 'exit', code: 1, stdout: '', stderr: stderr + error.message + '\n' };
    throw error;
  }
  if (options.resp2 && options.resp3) return { kind: 'exit', code: 1, stdout: '', stderr: stderr + 'Options -2 and -3 are mutually exclusive.\n' };
  if (options.stdinLastArg && options.stdinTag !== null) {
    return { kind: 'exit', code: 1, stdout: '', stderr: stderr + 'Options -x and -X are mutually exclusive.\n' };
  }
  if (!options.noAuthWarning && options.password !== null) {
    stderr += "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n";
  }
  return { kind: 'run', options, args: argv.slice(i), warnings: stderr };
}

let versionCache: string | undefined;

export function cliVersion(): string {
  if (versionCache === undefined) {
    try {
      // dist/src/cli/cli.js and src/cli/cli.ts both sit three levels below package.json.
      const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
      versionCache = pkg.version ?? 'unknown';
    } catch {
      versionCache = 'unknown';
    }
  }
  return versionCache;
}

function usage(): string {
  return `cachica-cli ${cliVersion()}

Usage: cachica-cli [OPTIONS] [cmd [arg [arg ...]]]
  -h <hostname>      Server hostname (default: 127.0.0.1).
  -p <port>          Server port (default: 6379).
  -s <socket>        Server socket (overrides hostname and port).
  -a <password>      Password to use when connecting to the server.
                     You can also use the ${AUTH_ENV} environment
                     variable to pass this password more safely
                     (if both are used, this argument takes precedence).
  --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.
  --pass <password>  Alias of -a for consistency with the new --user option.
  -u <uri>           Server URI (redis://[[user:]password@]host[:port][/db]).
  -r <repeat>        Execute specified command N times.
  -i <interval>      When -r is used, waits <interval> seconds per command.
                     It is possible to specify sub-second times like -i 0.1.
  -n <db>            Database number.
  -2, --resp2        Start session in RESP2 protocol mode.
  -3, --resp3        Start session in RESP3 protocol mode.
  -x                 Read last argument from STDIN (see example below).
  -X                 Read <tag> argument from STDIN (see example below).
  -d <delimiter>     Delimiter between response bulks for raw formatting (default: \\n).
  -D <delimiter>     Delimiter between responses for raw formatting (default: \\n).
  -e                 Return exit error code when command execution fails.
  --raw              Use raw formatting for replies (default when STDOUT is
                     not a tty).
  --no-raw           Force formatted output even when STDOUT is not a tty.
  --quoted-input     Force input to be handled as quoted strings.
  --show-pushes <yn> Whether to print RESP3 PUSH messages.  Enabled by default when
                     STDOUT is a tty but can be overridden with --show-pushes no.
  --no-auth-warning  Don't show warning message when using password on command
                     line interface.
  --help             Output this help and exit.
  --version          Output version and exit.

Examples:
  cat /etc/passwd | cachica-cli -x set mypasswd
  cachica-cli -D "" --raw dump key > key.dump && cachica-cli -X dump_tag restore key2 0 dump_tag replace < key.dump
  cachica-cli -r 100 lpush mylist x
  cachica-cli -r 100 -i 1 info | grep used_memory_human:
  cachica-cli --quoted-input set '"null-\\x00-separated"' value

When no command is given, cachica-cli starts in interactive mode.
Type "help" in interactive mode for information on available commands
and settings.

`;
}

const AUTH_ENV = 'CACHICACLI_AUTH';
const HISTFILE_ENV = 'CACHICACLI_HISTFILE';
const HISTFILE_DEFAULT = '.cachicacli_history';
const RCFILE_ENV = 'CACHICACLI_RCFILE';
const RCFILE_DEFAULT = '.cachicaclirc';
/** linenoise's default history length, which redis-cli keeps. */
const HISTORY_MAX = 100;

// ---------------------------------------------------------------------------------------------
// Reply formatting (redis-cli's cliFormatReplyTTY, cliFormatReplyRaw)
// ---------------------------------------------------------------------------------------------

/** sdscatrepr: a quoted string with C escapes, how redis-cli shows a bulk string on a tty. */
export function quoteRepr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 92: // backslash
        out += '\\\\';
        break;
      case 34: // "
        out += '\\"';
        break;
      case 10:
        out += '\\n';
        break;
      case 13:
        out += '\\r';
        break;
      case 9:
        out += '\\t';
        break;
      case 7:
        out += '\\a';
        break;
      case 8:
        out += '\\b';
        break;
      default:
        out += c >= 32 && c <= 126 ? s[i] : '\\x' + (c & 0xff).toString(16).padStart(2, '0');
    }
  }
  return out + '"';
}

/** Whether formatReplyTTY spreads a reply over several lines (cliIsMultilineValueTTY). */
function isMultilineTTY(r: ReplyNode): boolean {
  switch (r.type) {
    case 'array':
    case 'set':
    case 'push':
      if (r.elements.length === 0) return false;
      if (r.elements.length > 1) return true;
      return isMultilineTTY(r.elements[0]);
    case 'map':
      if (r.elements.length === 0) return false;
      if (r.elements.length > 2) return true;
      return isMultilineTTY(r.elements[1]);
    default:
      return false;
  }
}

const EMPTY_AGGREGATE: Partial<Record<ReplyNode['type'], string>> = {
  array: '(empty array)\n',
  map: '(empty hash)\n',
  set: '(empty set)\n',
  push: '(empty push)\n',
};

/** A reply as redis-cli prints it on a terminal; `prefix` indents the lines of nested items. */
export function formatReplyTTY(r: ReplyNode, prefix = ''): string {
  switch (r.type) {
    case 'error':
      return `(error) ${r.str}\n`;
    case 'status':
      return r.str + '\n';
    case 'integer':
      return `(integer) ${r.str}\n`;
    case 'double':
      return `(double) ${r.str}\n`;
    case 'bignum':
      // redis-cli 7.0 stops with "Unknown reply type" here; this is what later versions print.
      return `(big number) ${r.str}\n`;
    case 'string':
      return quoteRepr(r.str) + '\n';
    case 'verbatim':
      return r.str + '\n';
    case 'nil':
      return '(nil)\n';
    case 'bool':
      return r.str === 't' ? '(true)\n' : '(false)\n';
    default:
      break;
  }
  const elements = r.elements;
  if (elements.length === 0) return EMPTY_AGGREGATE[r.type] ?? '(empty aggregate type)\n';
  const isMap = r.type === 'map';
  const count = isMap ? elements.length / 2 : elements.length;
  const indexWidth = String(count).length;
  // Nested items are indented past this level's "N) ".
  const nestedPrefix = prefix + ' '.repeat(indexWidth + 2);
  const separator = r.type === 'set' ? '~' : isMap ? '#' : ')';
  let out = '';
  for (let i = 0; i < elements.length; i++) {
    const index = (isMap ? i / 2 : i) + 1;
    // The first item goes on the line where the caller already wrote this reply's own index.
    out += (i === 0 ? '' : prefix) + String(index).padStart(indexWidth) + separator + ' ';
    out += formatReplyTTY(elements[i], nestedPrefix);
    if (isMap) {
      const value = elements[++i];
      out = out.slice(0, -1) + ' => ';
      if (isMultilineTTY(value)) out += '\n' + nestedPrefix;
      out += formatReplyTTY(value, nestedPrefix);
    }
  }
  return out;
}

/** A reply as redis-cli --raw prints it, without the delimiter that ends a reply. */
export function formatReplyRaw(r: ReplyNode, multiBulkDelimiter = '\n'): string {
  switch (r.type) {
    case 'nil':
      return '';
    case 'error':
      return r.str + '\n';
    case 'bool':
      return r.str === 't' ? '(true)' : '(false)';
    case 'array':
    case 'set':
    case 'push':
      return r.elements.map((e) => formatReplyRaw(e, multiBulkDelimiter)).join(multiBulkDelimiter);
    case 'map': {
      const pairs: string[] = [];
      for (let i = 0; i < r.elements.length; i += 2) {
        pairs.push(formatReplyRaw(r.elements[i], multiBulkDelimiter) + ' ' + formatReplyRaw(r.elements[i + 1], multiBulkDelimiter));
      }
      return pairs.join(multiBulkDelimiter);
    }
    default:
      return r.str;
  }
}

function isInvalidate(r: ReplyNode): boolean {
  return (
    r.type === 'push' &&
    r.elements.length === 2 &&
    r.elements[0].type === 'string' &&
    r.elements[0].str.startsWith('invalidate') &&
    r.elements[1].type === 'array'
  );
}

/** Client-side caching invalidations get a line of their own on a terminal. */
export function formatInvalidateTTY(r: ReplyNode): string {
  return '-> invalidate: ' + r.elements[1].elements.map((key) => `'${key.str}'`).join(', ') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Argument splitting
// ---------------------------------------------------------------------------------------------

/** A typed line split into arguments with redis-cli's quoting rules, or null when unbalanced. */
export function splitCliArgs(line: Buffer | string): Buffer[] | null {
  const bytes = typeof line === 'string' ? Buffer.from(line, 'utf8') : line;
  return splitInlineArgs(bytes, 0, bytes.length);
}

/** The arguments as latin1 strings, for matching against command names. */
function latin1Args(args: readonly Buffer[]): string[] {
  return args.map((a) => a.toString('latin1'));
}

// ---------------------------------------------------------------------------------------------
// Help and hints from COMMAND DOCS (redis-cli's cliInitHelp, hintsCallback, cliOutputHelp)
// ---------------------------------------------------------------------------------------------

export interface HelpEntry {
  kind: 'command' | 'group';
  /** The words that name it, upper case: ["CONFIG", "GET"]; ["@string"] for a group. */
  words: string[];
  full: string;
  params: string;
  summary: string;
  since: string | null;
  group: string;
}

/** The fields of a map reply, or of the flat key/value array RESP2 gives for one. */
function fields(r: ReplyNode): [string, ReplyNode][] {
  const out: [string, ReplyNode][] = [];
  if (r.type !== 'map' && r.type !== 'array') return out;
  for (let i = 0; i + 1 < r.elements.length; i += 2) out.push([r.elements[i].str, r.elements[i + 1]]);
  return out;
}

const NAMED_ARGUMENT_TYPES = new Set(['key', 'string', 'integer', 'double', 'pattern', 'unix-time', 'token']);

/** One argument of a COMMAND DOCS tree as redis-cli 7.0 spells it in a hint (cliAddArgument). */
function argumentSyntax(spec: ReplyNode): string {
  let name = '';
  let type = '';
  let token = '';
  let optional = false;
  let multiple = false;
  let multipleToken = false;
  let children: ReplyNode[] = [];
  for (const [key, value] of fields(spec)) {
    if (key === 'name') name = value.str;
    else if (key === 'token') token = value.str === '' ? '""' : value.str;
    else if (key === 'type') type = value.str;
    else if (key === 'arguments') children = value.elements;
    else if (key === 'flags') {
      for (const flag of value.elements) {
        if (flag.str === 'optional') optional = true;
        else if (flag.str === 'multiple') multiple = true;
        else if (flag.str === 'multiple_token') multipleToken = true;
      }
    }
  }
  let repeat = '';
  if (NAMED_ARGUMENT_TYPES.has(type)) repeat = name === '' ? '""' : name;
  else if (type === 'oneof') repeat = children.map(argumentSyntax).join('|');
  else if (type === 'block') repeat = children.map(argumentSyntax).join(' ');
  if (token !== '' && type !== 'pure-token') token += ' ';
  let out = optional ? '[' : '';
  out += token + repeat;
  if (multiple) out += ' [' + (multipleToken ? token : '') + repeat + ' ...]';
  return optional ? out + ']' : out;
}

function addCommandEntries(entries: HelpEntry[], groups: Set<string>, name: string, subcommand: string | null, docs: ReplyNode): void {
  const words = [name.toUpperCase()];
  if (subcommand !== null) words.push(subcommand.slice(subcommand.indexOf('|') + 1).toUpperCase());
  const entry: HelpEntry = { kind: 'command', words, full: words.join(' '), params: '', summary: '', since: null, group: '' };
  entries.push(entry);
  for (const [key, value] of fields(docs)) {
    if (key === 'summary') entry.summary = value.str;
    else if (key === 'since') entry.since = value.str;
    else if (key === 'group') {
      entry.group = value.str;
      groups.add(value.str);
    } else if (key === 'arguments') entry.params = value.elements.map(argumentSyntax).join(' ');
    else if (key === 'subcommands') {
      for (const [subName, subDocs] of fields(value)) addCommandEntries(entries, groups, name, subName, subDocs);
    }
  }
}

/** The help table: a command per COMMAND DOCS entry and subcommand, then a group entry per group. */
export function buildHelpEntries(docs: ReplyNode): HelpEntry[] {
  const entries: HelpEntry[] = [];
  const groups = new Set<string>();
  for (const [name, commandDocs] of fields(docs)) addCommandEntries(entries, groups, name, null, commandDocs);
  for (const group of groups) {
    const full = '@' + group;
    entries.push({ kind: 'group', words: [full], full, params: '', summary: '', since: null, group: '' });
  }
  // Byte order, as redis-cli's qsort with strcmp.
  return entries.sort((a, b) => (a.full < b.full ? -1 : a.full > b.full ? 1 : 0));
}

function isBlank(c: string | undefined): boolean {
  return c !== undefined && /[\t\n\v\f\r ]/.test(c);
}

/**
 * The grey hint redis-cli 7.0 shows after what was typed: the syntax of the longest matching
 * command, minus one word for every argument already typed, until an optional part begins.
 */
export function hintFor(line: string, entries: readonly HelpEntry[]): string | null {
  const args = splitCliArgs(line);
  if (args === null || args.length === 0) return null;
  const typed = latin1Args(args).map((a) => a.toUpperCase());
  let best: HelpEntry | null = null;
  for (const entry of entries) {
    if (entry.kind !== 'command' || entry.words.length > typed.length) continue;
    if (best !== null && entry.words.length <= best.words.length) continue;
    if (entry.words.every((w, j) => w === typed[j])) best = entry;
  }
  if (best === null) return null;
  let hint = best.params;
  let toRemove = typed.length - best.words.length;
  let p = 0;
  while (toRemove > 0 && p < hint.length) {
    if (hint[p] === '[') break;
    if (hint[p] === ' ') toRemove--;
    p++;
  }
  hint = hint.slice(p);
  return isBlank(line[line.length - 1]) ? hint : ' ' + hint;
}

/** Tab completion: whole lines, as linenoise offers them. */
export function completionsFor(line: string, entries: readonly HelpEntry[]): string[] {
  let start = 0;
  let groupsToo = false;
  if (line.slice(0, 5).toLowerCase() === 'help ') {
    start = 5;
    while (isBlank(line[start])) start++;
    groupsToo = true;
  }
  const typed = line.slice(start).toLowerCase();
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.kind === 'group' && !groupsToo) continue;
    if (entry.full.slice(0, typed.length).toLowerCase() === typed) out.push(line.slice(0, start) + entry.full);
  }
  return out;
}

function commandHelp(entry: HelpEntry, withGroup: boolean): string {
  let out = `\r\n  \x1b[1m${entry.full}\x1b[0m \x1b[90m${entry.params}\x1b[0m\r\n`;
  out += `  \x1b[33msummary:\x1b[0m ${entry.summary}\r\n`;
  if (entry.since !== null) out += `  \x1b[33msince:\x1b[0m ${entry.since}\r\n`;
  if (withGroup) out += `  \x1b[33mgroup:\x1b[0m ${entry.group}\r\n`;
  return out;
}

function genericHelp(): string {
  return (
    `cachica-cli ${cliVersion()}\n` +
    'To get help about Redis commands type:\n' +
    '      "help @<group>" to get a list of commands in <group>\n' +
    '      "help <command>" for help on <command>\n' +
    '      "help <tab>" to get a list of possible help topics\n' +
    '      "quit" to exit\n' +
    '\n' +
    'To set cachica-cli preferences:\n' +
    '      ":set hints" enable online hints\n' +
    '      ":set nohints" disable online hints\n' +
    `Set your preferences in ~/${RCFILE_DEFAULT}\n`
  );
}

/** What `help ...` prints: the commands whose names start with the words, or a group's commands. */
export function formatHelp(args: readonly string[], entries: readonly HelpEntry[]): string {
  if (args.length === 0) return genericHelp();
  const group = args[0].startsWith('@') ? args[0].slice(1).toLowerCase() : null;
  let out = '';
  for (const entry of entries) {
    if (entry.kind !== 'command') continue;
    if (group !== null) {
      if (entry.group.toLowerCase() === group) out += commandHelp(entry, false);
    } else if (args.length <= entry.words.length && args.every((a, j) => a.toUpperCase() === entry.words[j])) {
      out += commandHelp(entry, true);
    }
  }
  return out + '\r\n';
}

// ---------------------------------------------------------------------------------------------
// The connection (hiredis's redisContext, as far as redis-cli uses it)
// ---------------------------------------------------------------------------------------------

/** Why a read failed, spelled as hiredis spells it (redis-cli prints "Error: <message>"). */
class LinkError extends Error {
  constructor(
    message: string,
    /** The server closed the connection or reset it: interactive mode reconnects on these. */
    readonly lost: boolean,
  ) {
    super(message);
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EPIPE: 'Broken pipe',
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENOTFOUND: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
};

function errnoText(error: NodeJS.ErrnoException): string {
  return (error.code !== undefined && ERRNO_TEXT[error.code]) || error.message;
}

class ServerLink {
  private readonly decoder = new ReplyDecoder();
  private readonly frames: ReplyNode[] = [];
  private waiter: { resolve: (r: ReplyNode) => void; reject: (e: LinkError) => void } | null = null;
  failure: LinkError | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 15_000);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? '';
      this.fail(new LinkError(errnoText(error), code === 'ECONNRESET' || code === 'EPIPE'));
    });
    // EOF first: a write after the server hung up would otherwise report EPIPE instead.
    socket.on('end', () => this.fail(new LinkError('Server closed the connection', true)));
    socket.on('close', () => this.fail(new LinkError('Server closed the connection', true)));
  }

  static open(target: { path: string } | { host: string; port: number }): Promise<ServerLink> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection(target);
      const onError = (error: NodeJS.ErrnoException): void => reject(new Error(errnoText(error)));
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.removeListener('error', onError);
        resolve(new ServerLink(socket));
      });
    });
  }

  send(args: readonly Buffer[]): void {
    if (this.failure === null && this.socket.writable) this.socket.write(encodeCommand(args));
  }

  read(): Promise<ReplyNode> {
    const frame = this.frames.shift();
    if (frame !== undefined) return Promise.resolve(frame);
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Drop the connection now (Ctrl-C in a blocking mode); pending reads fail. */
  abort(): void {
    this.socket.destroy();
    this.fail(new LinkError('Server closed the connection', true));
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.decoder.push(chunk);
    try {
      for (let f = this.decoder.nextNode(); f !== undefined; f = this.decoder.nextNode()) this.deliver(f);
    } catch (error) {
      this.socket.destroy();
      this.fail(new LinkError((error as Error).message, false));
    }
  }

  private deliver(frame: ReplyNode): void {
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter.resolve(frame);
    } else {
      this.frames.push(frame);
    }
  }

  private fail(error: LinkError): void {
    if (this.failure !== null) return;
    this.failure = error;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(error);
  }
}

// ---------------------------------------------------------------------------------------------
// The session (redis-cli's config, cliConnect, issueCommandRepeat, cliSendCommand, cliReadReply)
// ---------------------------------------------------------------------------------------------

/** Thrown to end the program with an exit code, where redis-cli calls exit(). */
export class CliExit {
  constructor(readonly code: number) {}
}

function writeOut(s: string): void {
  process.stdout.write(Buffer.from(s, 'latin1'));
}

function writeErr(s: string): void {
  process.stderr.write(Buffer.from(s, 'latin1'));
}

function lower(a: Buffer | undefined): string {
  return a === undefined ? '' : a.toString('latin1').toLowerCase();
}

/** Commands whose reply is text meant to be read as is, even on a terminal (cliSendCommand). */
function printsVerbatim(args: readonly Buffer[]): boolean {
  const cmd = lower(args[0]);
  const sub = lower(args[1]);
  const n = args.length;
  return (
    cmd === 'info' ||
    cmd === 'lolwut' ||
    (n >= 2 && cmd === 'debug' && (sub === 'htstats' || sub === 'htstats-key' || sub === 'client-eviction')) ||
    (n >= 2 && cmd === 'memory' && (sub === 'malloc-stats' || sub === 'doctor')) ||
    (n === 2 && cmd === 'cluster' && (sub === 'nodes' || sub === 'info')) ||
    (n >= 2 && cmd === 'client' && (sub === 'list' || sub === 'info')) ||
    (n === 3 && cmd === 'latency' && sub === 'graph') ||
    (n === 2 && cmd === 'latency' && sub === 'doctor') ||
    (n >= 2 && cmd === 'proxy' && sub === 'info')
  );
}

/** Commands whose arguments must not reach the history file (isSensitiveCommand). */
export function isSensitiveCommand(argv: readonly string[]): boolean {
  const a = argv.map((s) => s.toLowerCase());
  const n = a.length;
  if (a[0] === 'auth') return true;
  if (n > 1 && a[0] === 'acl' && a[1] === 'setuser') return true;
  if (n > 2 && a[0] === 'config' && a[1] === 'set' && (a[2] === 'masterauth' || a[2] === 'masteruser' || a[2] === 'requirepass')) {
    return true;
  }
  if (n > 4 && a[0] === 'hello') {
    for (let j = 2; j < n; j++) {
      const more = n - 1 - j;
      if (a[j] === 'auth' && more >= 2) return true;
      if (a[j] === 'setname' && more) j++;
      else return false;
    }
  } else if (n > 7 && a[0] === 'migrate') {
    for (let j = 6; j < n; j++) {
      const more = n - 1 - j;
      if (a[j] === 'auth' && more) return true;
      if (a[j] === 'auth2' && more >= 2) return true;
      if (a[j] === 'keys' && more) return false;
    }
  }
  return false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class CliSession {
  link: ServerLink | null = null;
  /** The database the connection is in (redis-cli's config.dbnum). */
  dbnum = 0;
  inMulti = false;
  private preMultiDb = 0;
  interactive = false;
  hints = true;
  helpEntries: HelpEntry[] | null = null;
  private shutdown = false;
  private monitorMode = false;
  private pubsubMode = false;
  /** Ctrl-C ended a MONITOR or SUBSCRIBE: reconnect instead of failing. */
  private blockingAborted = false;
  private lastType: ReplyNode['type'] | null = null;

  constructor(readonly options: CliOptions) {}

  get inBlockingMode(): boolean {
    return this.monitorMode || this.pubsubMode;
  }

  /** Ctrl-C during MONITOR or SUBSCRIBE in interactive mode: back to the prompt. */
  abortBlocking(): void {
    this.blockingAborted = true;
    this.link?.abort();
  }

  prompt(): string {
    const o = this.options;
    let p = o.socket !== null ? `redis ${o.socket}` : o.host.includes(':') ? `[${o.host}]:${o.port}` : `${o.host}:${o.port}`;
    if (this.dbnum !== 0) p += `[${this.dbnum}]`;
    if (this.inMulti) p += '(TX)';
    return p + '> ';
  }

  /** Connect unless connected (or always with `force`), then AUTH, SELECT and HELLO as asked. */
  async connect(force: boolean, quiet: boolean): Promise<boolean> {
    if (this.link !== null && !force) return true;
    this.link?.close();
    this.link = null;
    // A new connection starts in database 0 whatever the old one was in. (redis-cli forgets
    // this after a lost connection and then skips the SELECT the prompt still shows.)
    this.dbnum = 0;
    this.inMulti = false;
    const o = this.options;
    try {
      this.link = await ServerLink.open(o.socket !== null ? { path: o.socket } : { host: o.host, port: o.port });
    } catch (error) {
      if (!quiet) {
        const where = o.socket !== null ? o.socket : `${o.host}:${o.port}`;
        process.stderr.write(`Could not connect to Redis at ${where}: ${(error as Error).message}\n`);
      }
      return false;
    }
    return (await this.authenticate()) && (await this.selectDb()) && (await this.switchProtocol());
  }

  /** A command of the session itself (AUTH, SELECT, HELLO, COMMAND DOCS); null on I/O error. */
  private async internalCommand(args: string[]): Promise<ReplyNode | null> {
    const link = this.link;
    if (link === null) return null;
    link.send(args.map((a) => Buffer.from(a, 'utf8')));
    try {
      for (;;) {
        const reply = await link.read();
        if (reply.type !== 'push') return reply;
      }
    } catch {
      return null;
    }
  }

  private async authenticate(): Promise<boolean> {
    const o = this.options;
    if (o.password === null) return true;
    const reply = await this.internalCommand(o.user === null ? ['AUTH', o.password] : ['AUTH', o.user, o.password]);
    if (reply === null) {
      process.stderr.write('\nI/O error\n');
      return false;
    }
    if (reply.type !== 'error') return true;
    writeErr(`AUTH failed: ${reply.str}\n`);
    return false;
  }

  private async selectDb(): Promise<boolean> {
    const db = this.options.db;
    if (db === this.dbnum) return true;
    const reply = await this.internalCommand(['SELECT', String(db)]);
    if (reply === null) {
      process.stderr.write('\nI/O error\n');
      return false;
    }
    if (reply.type === 'error') {
      writeErr(`SELECT ${db} failed: ${reply.str}\n`);
      return false;
    }
    this.dbnum = db;
    return true;
  }

  private async switchProtocol(): Promise<boolean> {
    if (!this.options.resp3 || this.options.resp2) return true;
    const reply = await this.internalCommand(['HELLO', '3']);
    if (reply === null) {
      process.stderr.write('\nI/O error\n');
      return false;
    }
    if (reply.type !== 'error') return true;
    writeErr(`HELLO 3 failed: ${reply.str}\n`);
    return false;
  }

  /** Fill the help table from COMMAND DOCS; without an answer there is simply no help. */
  async loadHelp(): Promise<void> {
    this.helpEntries = [];
    if (!(await this.connect(false, true))) return;
    const docs = await this.internalCommand(['COMMAND', 'DOCS']);
    if (docs !== null && (docs.type === 'map' || docs.type === 'array')) this.helpEntries = buildHelpEntries(docs);
  }

  private printContextError(): void {
    if (this.link !== null) process.stderr.write(`Error: ${this.link.failure?.message ?? ''}\n`);
  }

  /** Run a command `repeat` times (negative: forever), connecting first if needed. */
  async issueCommand(args: Buffer[], repeat: number): Promise<boolean> {
    const name = lower(args[0]);
    if (name === 'help' || name === '?') {
      if (this.helpEntries === null) await this.loadHelp();
      writeOut(formatHelp(latin1Args(args.slice(1)), this.helpEntries ?? []));
      return true;
    }
    // A connection lost while idle is found out by the next command, as with hiredis: that
    // command fails ("Error: Server closed the connection") and the one after reconnects.
    if (this.link === null) {
      if (!(await this.connect(true, false))) {
        this.printContextError();
        return false;
      }
    }
    if (!(await this.sendCommand(args, repeat))) {
      this.printContextError();
      this.link?.close();
      this.link = null;
      return false;
    }
    return true;
  }

  private async sendCommand(args: Buffer[], repeat: number): Promise<boolean> {
    const link = this.link;
    if (link === null) return false;
    const name = lower(args[0]);
    const verbatim = printsVerbatim(args);
    if (name === 'shutdown') this.shutdown = true;
    if (name === 'monitor') this.monitorMode = true;
    if (name === 'subscribe' || name === 'psubscribe' || name === 'ssubscribe') this.pubsubMode = true;

    while (repeat < 0 || repeat-- > 0) {
      link.send(args);
      if (this.monitorMode) {
        do {
          if (!(await this.readReply(verbatim))) {
            this.printContextError();
            throw new CliExit(1);
          }
          if (this.lastType === 'error') this.monitorMode = false;
        } while (this.monitorMode);
        return true;
      }
      if (this.pubsubMode) {
        if (this.options.output !== 'raw') writeOut('Reading messages... (press Ctrl-C to quit)\n');
        while (this.pubsubMode) {
          if (!(await this.readReply(verbatim))) {
            this.printContextError();
            throw new CliExit(1);
          }
          if (this.lastType === 'error') this.pubsubMode = false;
        }
        continue;
      }
      if (!(await this.readReply(verbatim))) return false;
      await this.afterReply(name, args);
      if (this.options.interval > 0) await sleep(this.options.interval);
    }
    return true;
  }

  /** Keep the prompt's database and transaction marks in step with what the server did. */
  private async afterReply(name: string, args: Buffer[]): Promise<void> {
    const ok = this.lastType !== 'error';
    const argc = args.length;
    if (name === 'select' && argc === 2 && ok) {
      this.options.db = this.dbnum = cInteger(args[1].toString('latin1'));
    } else if (name === 'auth' && (argc === 2 || argc === 3)) {
      await this.selectDb();
    } else if (name === 'multi' && argc === 1 && ok) {
      this.inMulti = true;
      this.preMultiDb = this.dbnum;
    } else if (name === 'exec' && argc === 1 && this.inMulti) {
      this.inMulti = false;
      if (this.lastType === 'error' || this.lastType === 'nil') this.options.db = this.dbnum = this.preMultiDb;
    } else if (name === 'discard' && argc === 1 && ok) {
      this.inMulti = false;
      this.options.db = this.dbnum = this.preMultiDb;
    } else if (name === 'reset' && argc === 1 && ok) {
      this.inMulti = false;
      this.options.db = this.dbnum = 0;
      this.options.resp3 = false;
    }
  }

  /** Read and print one reply, printing (or dropping) the pushes that come before it. */
  private async readReply(verbatim: boolean): Promise<boolean> {
    const link = this.link;
    if (link === null) return false;
    let reply: ReplyNode;
    for (;;) {
      try {
        reply = await link.read();
      } catch (error) {
        if (this.blockingAborted) {
          this.blockingAborted = false;
          this.monitorMode = false;
          this.pubsubMode = false;
          return this.connect(true, false);
        }
        if (this.shutdown) {
          link.close();
          this.link = null;
          return true;
        }
        if (this.interactive && (error as LinkError).lost) return false;
        this.printContextError();
        throw new CliExit(1);
      }
      // In subscriber mode pushes are the replies; otherwise they are printed on their own
      // (or dropped when not on a terminal, as hiredis's default push handler does).
      if (reply.type !== 'push' || this.pubsubMode) break;
      if (this.options.pushOutput) {
        writeOut(this.options.output === 'standard' && isInvalidate(reply) ? formatInvalidateTTY(reply) : this.format(reply, false));
      }
    }
    this.lastType = reply.type;
    if (!this.interactive && this.options.setErrcode && reply.type === 'error') {
      writeErr(reply.str + '\n');
      throw new CliExit(1);
    }
    writeOut(this.format(reply, verbatim));
    return true;
  }

  private format(reply: ReplyNode, verbatim: boolean): string {
    const o = this.options;
    if (verbatim) return formatReplyRaw(reply, o.multiBulkDelimiter);
    if (o.output === 'standard') return formatReplyTTY(reply);
    return formatReplyRaw(reply, o.multiBulkDelimiter) + o.commandDelimiter;
  }

  close(): void {
    this.link?.close();
    this.link = null;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading lines: from a pipe, or from a terminal with editing, history and hints
// ---------------------------------------------------------------------------------------------

interface LineSource {
  /** The next line without its newline, or null at the end of input. */
  next(prompt: string): Promise<Buffer | null>;
  /** The line was run (or rejected): remember it in the history. */
  remember(line: Buffer): void;
  close(): void;
}

/** Lines from a pipe or file, as bytes; a last line without newline still counts. */
class StreamLines implements LineSource {
  private buffered: Buffer[] = [];
  private lines: Buffer[] = [];
  private ended = false;
  private waiter: (() => void) | null = null;

  constructor(private readonly input: NodeJS.ReadableStream) {
    input.on('data', (chunk: Buffer) => {
      let start = 0;
      for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
        this.buffered.push(chunk.subarray(start, nl));
        this.lines.push(Buffer.concat(this.buffered));
        this.buffered = [];
        start = nl + 1;
      }
      if (start < chunk.length) this.buffered.push(chunk.subarray(start));
      if (this.lines.length > 0) input.pause();
      this.wake();
    });
    input.on('end', () => {
      this.ended = true;
      if (this.buffered.length > 0) this.lines.push(Buffer.concat(this.buffered));
      this.buffered = [];
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  async next(): Promise<Buffer | null> {
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) return line;
      if (this.ended) return null;
      this.input.resume();
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  remember(): void {}

  close(): void {
    this.input.pause();
  }
}

function dotfilePath(envOverride: string, name: string): string | null {
  const path = process.env[envOverride];
  if (path !== undefined && path !== '') return path === '/dev/null' ? null : path;
  const home = process.env.HOME;
  return home !== undefined && home !== '' ? `${home}/${name}` : null;
}

/** The grey hint after the cursor, as linenoise draws it. */
const HINT_ON = '\x1b[0;90;49m';
const HINT_OFF = '\x1b[0m';

/** A terminal line editor: node's readline plus redis-cli's hints, completion and history file. */
class TerminalLines implements LineSource {
  private readonly rl: readline.Interface;
  private readonly historyFile: string | null;
  private history: string[] = [];
  private pending: string[] = [];
  private closed = false;
  private waiter: (() => void) | null = null;
  private hintShown = false;

  constructor(
    private readonly session: CliSession,
    private readonly onInterrupt: () => void,
  ) {
    this.historyFile = dotfilePath(HISTFILE_ENV, HISTFILE_DEFAULT);
    if (this.historyFile !== null) {
      try {
        this.history = readFileSync(this.historyFile, 'utf8').split('\n').filter((l) => l !== '').slice(-HISTORY_MAX);
      } catch {
        // No history yet.
      }
    }
    const stdin = process.stdin;
    this.rl = readline.createInterface({
      input: stdin,
      output: process.stdout,
      terminal: true,
      historySize: HISTORY_MAX,
      completer: (line: string): [string[], string] => [completionsFor(line, session.helpEntries ?? []), line],
    });
    this.syncHistory();
    this.rl.on('line', (line) => {
      this.pending.push(line);
      this.wake();
    });
    this.rl.on('close', () => {
      this.closed = true;
      this.wake();
    });
    this.rl.on('SIGINT', () => this.onInterrupt());
    // Erase the hint before readline moves to the next line, then redraw it after each key.
    stdin.prependListener('keypress', (_s: string, key: readline.Key | undefined) => {
      if (key?.name === 'return' || key?.name === 'enter') this.clearHint();
    });
    stdin.on('keypress', () => this.drawHint());
  }

  /**
   * readline keeps its own list (newest first) and adds every line to it; what goes in the
   * history is redis-cli's decision (no AUTH, no passwords), so the list is reset from ours.
   */
  private syncHistory(): void {
    (this.rl as unknown as { history: string[] }).history = [...this.history].reverse();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  async next(prompt: string): Promise<Buffer | null> {
    this.rl.setPrompt(prompt);
    this.rl.prompt();
    for (;;) {
      const line = this.pending.shift();
      if (line !== undefined) {
        this.hintShown = false;
        this.syncHistory();
        return Buffer.from(line, 'utf8');
      }
      if (this.closed) return null;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  remember(line: Buffer): void {
    const text = line.toString('utf8');
    if (this.history[this.history.length - 1] !== text) {
      this.history.push(text);
      if (this.history.length > HISTORY_MAX) this.history.shift();
    }
    this.syncHistory();
    if (this.historyFile === null) return;
    try {
      writeFileSync(this.historyFile, this.history.map((l) => l + '\n').join(''), { mode: 0o600 });
    } catch {
      // linenoise ignores a history file it cannot write, and so do we.
    }
  }

  /** The distance from the cursor to the end of the line, when both are on one screen row. */
  private columnsToEnd(): number | null {
    const line = this.rl.line;
    // Wide and combining characters make columns differ from chars: no hint then.
    if (!/^[\x20-\x7e]*$/.test(line)) return null;
    const cursor = this.rl.getCursorPos();
    const toEnd = line.length - this.rl.cursor;
    const columns = process.stdout.columns || 80;
    if (cursor.cols + toEnd >= columns) return null;
    return toEnd;
  }

  /** Replace what follows the line on screen with `text`, leaving the cursor where it is. */
  private paintAfterLine(toEnd: number, text: string): void {
    process.stdout.write('\x1b7' + (toEnd > 0 ? `\x1b[${toEnd}C` : '') + '\x1b[0K' + text + '\x1b8');
  }

  private clearHint(): void {
    if (!this.hintShown) return;
    this.hintShown = false;
    const toEnd = this.columnsToEnd();
    if (toEnd !== null) this.paintAfterLine(toEnd, '');
  }

  private drawHint(): void {
    if (this.closed || !this.session.hints || this.session.helpEntries === null) return;
    const toEnd = this.columnsToEnd();
    if (toEnd === null) return;
    let hint = hintFor(this.rl.line, this.session.helpEntries) ?? '';
    const room = (process.stdout.columns || 80) - this.rl.getCursorPos().cols - toEnd - 1;
    hint = hint.slice(0, Math.max(0, room));
    if (hint === '' && !this.hintShown) return;
    this.hintShown = hint !== '';
    this.paintAfterLine(toEnd, hint !== '' ? HINT_ON + hint + HINT_OFF : '');
  }

  close(): void {
    this.closed = true;
    this.rl.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Modes
// ---------------------------------------------------------------------------------------------

/** ":set hints" and ":set nohints", typed or read from the rc file. */
function setPreference(session: CliSession, argv: string[], interactive: boolean): void {
  const where = interactive ? '' : `${RCFILE_DEFAULT}: `;
  if (argv[0].toLowerCase() === ':set' && argv.length >= 2) {
    const pref = argv[1].toLowerCase();
    if (pref === 'hints') session.hints = true;
    else if (pref === 'nohints') session.hints = false;
    else writeOut(`${where}unknown cachica-cli preference '${argv[1]}'\n`);
  } else {
    writeOut(`${where}unknown cachica-cli internal command '${argv[0]}'\n`);
  }
}

function loadPreferences(session: CliSession): void {
  const path = dotfilePath(RCFILE_ENV, RCFILE_DEFAULT);
  if (path === null) return;
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return;
  }
  for (const line of text.split('\n')) {
    const args = splitCliArgs(Buffer.from(line, 'latin1'));
    if (args !== null && args.length > 0) setPreference(session, latin1Args(args), false);
  }
}

/** redis-cli's repeat prefix: "3 PING". strtol must take the whole word and fit in a long. */
function repeatPrefix(word: string): number | null {
  if (word !== '' && !/^[\t\n\v\f\r ]*[+-]?\d+$/.test(word)) return null;
  const value = word === '' ? 0n : BigInt(word.trim());
  if (value > 9223372036854775807n || value < -9223372036854775808n) return -1;
  return Number(value);
}

/** The read-eval-print loop, from a terminal or from piped lines. */
async function repl(session: CliSession): Promise<number> {
  session.interactive = true;
  const onTerminal = process.stdin.isTTY === true;
  let source: LineSource;
  let busy = false;
  if (onTerminal) {
    await session.loadHelp();
    loadPreferences(session);
    const terminal: TerminalLines = new TerminalLines(session, () => {
      // Ctrl-C: leaves MONITOR or SUBSCRIBE, ends the program during other commands (as
      // redis-cli's SIGINT handler does) and at the prompt (as linenoise does).
      if (busy && session.inBlockingMode) session.abortBlocking();
      else if (busy) process.exit(1);
      else terminal.close();
    });
    source = terminal;
  } else {
    source = new StreamLines(process.stdin);
  }
  try {
    for (;;) {
      const line = await source.next(session.link !== null ? session.prompt() : 'not connected> ');
      if (line === null) return 0;
      if (line.length === 0) continue;
      const parts = splitCliArgs(line);
      if (parts === null) {
        writeOut('Invalid argument(s)\n');
        source.remember(line);
        continue;
      }
      if (parts.length === 0) continue;
      const argv = latin1Args(parts);
      let repeat = 1;
      let skip = 0;
      const prefix = argv.length > 1 ? repeatPrefix(argv[0]) : null;
      if (prefix !== null) {
        if (prefix <= 0) {
          writeOut('Invalid redis-cli repeat command option value.\n');
          continue;
        }
        repeat = prefix;
        skip = 1;
      }
      if (!isSensitiveCommand(argv.slice(skip))) source.remember(line);
      const name = argv[0].toLowerCase();
      if (name === 'quit' || name === 'exit') return 0;
      if (argv[0].startsWith(':')) {
        setPreference(session, argv, true);
      } else if (name === 'restart') {
        writeOut("Use 'restart' only in Lua debugging mode.\n");
      } else if (argv.length === 3 && name === 'connect') {
        session.options.host = parts[1].toString('utf8');
        session.options.port = cInteger(argv[2]);
        await session.connect(true, false);
      } else if (argv.length === 1 && name === 'clear') {
        writeOut('\x1b[H\x1b[2J');
      } else {
        const started = Date.now();
        busy = true;
        try {
          await session.issueCommand(parts.slice(skip), repeat);
        } finally {
          busy = false;
        }
        const elapsed = Date.now() - started;
        if (elapsed >= 500 && session.options.output === 'standard') writeOut(`(${(elapsed / 1000).toFixed(2)}s)\n`);
      }
    }
  } finally {
    source.close();
  }
}

function readAllStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

/** One command from the command line (redis-cli's noninteractive). */
async function oneShot(session: CliSession, words: string[]): Promise<number> {
  const o = session.options;
  let args: Buffer[] = [];
  for (const word of words) {
    if (!o.quotedInput) {
      args.push(Buffer.from(word, 'utf8'));
      continue;
    }
    const unquoted = splitCliArgs(word);
    if (unquoted === null || unquoted.length !== 1) {
      writeOut('Invalid quoted string\n');
      return 1;
    }
    args.push(unquoted[0]);
  }
  if (o.stdinLastArg) {
    args.push(await readAllStdin());
  } else if (o.stdinTag !== null) {
    const tag = Buffer.from(o.stdinTag, 'utf8');
    const at = args.findIndex((a) => a.equals(tag));
    if (at < 0) {
      process.stderr.write('Using -X option but stdin tag not match.\n');
      return 1;
    }
    args = [...args];
    args[at] = await readAllStdin();
  }
  return (await session.issueCommand(args, o.repeat)) ? 0 : 1;
}

/** Run cachica-cli with the given arguments (without "node" and the script); the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const stdoutIsTTY = process.stdout.isTTY === true || process.env.FAKETTY !== undefined;
  const parsed = parseCommandLine(argv, stdoutIsTTY);
  if (parsed.kind === 'exit') {
    process.stdout.write(parsed.stdout);
    process.stderr.write(parsed.stderr);
    return parsed.code;
  }
  const { options, args } = parsed;
  process.stderr.write(parsed.warnings);
  const envAuth = process.env[AUTH_ENV];
  if (envAuth !== undefined && options.password === null) options.password = envAuth;
  const session = new CliSession(options);
  try {
    if (args.length === 0) {
      await session.connect(false, false);
      return await repl(session);
    }
    await session.connect(false, true);
    return await oneShot(session, args);
  } catch (error) {
    if (error instanceof CliExit) return error.code;
    throw error;
  } finally {
    session.close();
  }
}
