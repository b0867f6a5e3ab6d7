/**
 * Generates src/commands/meta/redis-commands.ts from a running Redis 7.0.
 *
 * Redis keeps its command metadata as data and generates its command table from it; we take
 * that data from the source of truth our replies must match, a real server's COMMAND INFO and
 * COMMAND DOCS replies, read over RESP3 (HELLO 3) so sets, maps and simple strings keep the
 * types Redis gave them. Every reply is checked against the shape src/commands/meta/index.ts
 * writes back, so a Redis that answers differently stops the script instead of producing a
 * table that would reply differently.
 *
 *   redis-server --port 7412 --bind 127.0.0.1 --save '' --appendonly no
 *   npx tsc -p . && node dist/scripts/gen-command-meta.js --port 7412 [--host 127.0.0.1] [--out file]
 */

import { writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ArgDoc, ArgType, BeginSearch, CommandDocs, CommandMeta, FindKeys, KeySpec } from '../src/commands/meta/index.js';

// -----------------------------------------------------------------------------------------------
// A RESP3 reader that keeps each value's wire type
// -----------------------------------------------------------------------------------------------

type Resp =
  | { t: '+' | '-' | '$'; v: string }
  | { t: ':'; v: number }
  | { t: '_' }
  | { t: '*' | '~'; v: Resp[] }
  | { t: '%'; v: [Resp, Resp][] };

class Incomplete extends Error {}

class RespReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  private line(): string {
    const end = this.buf.indexOf('\r\n', this.pos, 'latin1');
    if (end < 0) throw new Incomplete();
    const text = this.buf.latin1Slice(this.pos, end);
    this.pos = end + 2;
    return text;
  }

  read(): Resp {
    const line = this.line();
    const type = line[0];
    const rest = line.slice(1);
    switch (type) {
      case '+':
      case '-':
        return { t: type, v: rest };
      case ':':
        return { t: ':', v: Number(rest) };
      case '_':
        return { t: '_' };
      case '$': {
        const n = Number(rest);
        if (this.buf.length < this.pos + n + 2) throw new Incomplete();
        // Bytes as latin1, one char per byte: the form ReplyWriter.bulk writes back unchanged.
        const v = this.buf.latin1Slice(this.pos, this.pos + n);
        this.pos += n + 2;
        return { t: '$', v };
      }
      case '*':
      case '~': {
        const items: Resp[] = [];
        for (let i = Number(rest); i > 0; i--) items.push(this.read());
        return { t: type, v: items };
      }
      case '%': {
        const pairs: [Resp, Resp][] = [];
        for (let i = Number(rest); i > 0; i--) pairs.push([this.read(), this.read()]);
        return { t: '%', v: pairs };
      }
      default:
        throw new Error(`unexpected RESP type in line ${JSON.stringify(line)}`);
    }
  }
}

/** Send commands on one connection and collect one reply for each. */
function query(host: string, port: number, commands: string[][]): Promise<Resp[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    const chunks: Buffer[] = [];
    socket.on('connect', () => {
      let out = '';
      for (const args of commands) {
        out += `*${args.length}\r\n`;
        for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
      }
      socket.write(out);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const reader = new RespReader(Buffer.concat(chunks));
      const replies: Resp[] = [];
      try {
        for (let i = 0; i < commands.length; i++) replies.push(reader.read());
      } catch (error) {
        if (error instanceof Incomplete) return;
        socket.destroy();
        reject(error);
        return;
      }
      socket.end();
      resolve(replies);
    });
    socket.on('error', reject);
  });
}

// -----------------------------------------------------------------------------------------------
// From replies to the normalized form, checking every type on the way
// -----------------------------------------------------------------------------------------------

function fail(where: string, what: string): never {
  throw new Error(`${where}: ${what}`);
}

function str(r: Resp, where: string): string {
  if (r.t !== '$') fail(where, `expected a bulk string, got ${JSON.stringify(r)}`);
  return r.v;
}

function int(r: Resp, where: string): number {
  if (r.t !== ':') fail(where, `expected an integer, got ${JSON.stringify(r)}`);
  return r.v;
}

function list(r: Resp, type: '*' | '~', where: string): Resp[] {
  if (r.t !== type) fail(where, `expected '${type}', got '${r.t}'`);
  return r.v;
}

/** A set of simple strings: how Redis writes every flag list. */
function flagSet(r: Resp, where: string): string[] {
  return list(r, '~', where).map((item) => {
    if (item.t !== '+') fail(where, `expected a status flag, got ${JSON.stringify(item)}`);
    return item.v;
  });
}

/** A map's fields in order; every key a bulk string. */
function fields(r: Resp, where: string): [string, Resp][] {
  if (r.t !== '%') fail(where, `expected a map, got '${r.t}'`);
  return r.v.map(([k, v]) => [str(k, where), v]);
}

/** A map with exactly these keys, in this order. */
function record(r: Resp, keys: readonly string[], where: string): Resp[] {
  const got = fields(r, where);
  const names = got.map(([k]) => k);
  if (names.join() !== keys.join()) fail(where, `expected fields ${keys.join()}, got ${names.join()}`);
  return got.map(([, v]) => v);
}

function beginSearch(r: Resp, where: string): BeginSearch {
  const [type, spec] = record(r, ['type', 'spec'], where);
  const kind = str(type, where);
  if (kind === 'index') {
    const [index] = record(spec, ['index'], where);
    return { type: 'index', index: int(index, where) };
  }
  if (kind === 'keyword') {
    const [keyword, startfrom] = record(spec, ['keyword', 'startfrom'], where);
    return { type: 'keyword', keyword: str(keyword, where), startFrom: int(startfrom, where) };
  }
  if (kind === 'unknown') {
    record(spec, [], where);
    return { type: 'unknown' };
  }
  return fail(where, `unknown begin_search type ${kind}`);
}

function findKeys(r: Resp, where: string): FindKeys {
  const [type, spec] = record(r, ['type', 'spec'], where);
  const kind = str(type, where);
  if (kind === 'range') {
    const [lastkey, keystep, limit] = record(spec, ['lastkey', 'keystep', 'limit'], where);
    return { type: 'range', lastKey: int(lastkey, where), keyStep: int(keystep, where), limit: int(limit, where) };
  }
  if (kind === 'keynum') {
    const [keynumidx, firstkey, keystep] = record(spec, ['keynumidx', 'firstkey', 'keystep'], where);
    return {
      type: 'keynum',
      keyNumIdx: int(keynumidx, where),
      firstKey: int(firstkey, where),
      keyStep: int(keystep, where),
    };
  }
  if (kind === 'unknown') {
    record(spec, [], where);
    return { type: 'unknown' };
  }
  return fail(where, `unknown find_keys type ${kind}`);
}

function keySpec(r: Resp, where: string): KeySpec {
  const got = fields(r, where);
  const spec: Partial<KeySpec> = {};
  const order = got.map(([k]) => k).join();
  if (order !== 'flags,begin_search,find_keys' && order !== 'notes,flags,begin_search,find_keys') {
    fail(where, `unexpected key spec fields ${order}`);
  }
  for (const [k, v] of got) {
    if (k === 'notes') spec.notes = str(v, where);
    else if (k === 'flags') spec.flags = flagSet(v, where);
    else if (k === 'begin_search') spec.beginSearch = beginSearch(v, where);
    else spec.findKeys = findKeys(v, where);
  }
  return spec as KeySpec;
}

const ARG_TYPES: readonly ArgType[] = [
  'string', 'integer', 'double', 'key', 'pattern', 'unix-time', 'pure-token', 'oneof', 'block',
];

// The order in which Redis's addReplyCommandArgList writes an argument's fields.
const ARG_FIELDS = ['name', 'type', 'key_spec_index', 'token', 'summary', 'since', 'deprecated_since', 'flags', 'arguments'];

function argDoc(r: Resp, where: string): ArgDoc {
  const got = fields(r, where);
  checkOrder(got.map(([k]) => k), ARG_FIELDS, where);
  const arg: Partial<ArgDoc> & Record<string, unknown> = {};
  for (const [k, v] of got) {
    const at = `${where} argument ${arg.name ?? '?'}`;
    if (k === 'name') arg.name = str(v, at);
    else if (k === 'type') {
      const type = str(v, at) as ArgType;
      if (!ARG_TYPES.includes(type)) fail(at, `unknown argument type ${type}`);
      arg.type = type;
    } else if (k === 'key_spec_index') arg.keySpecIndex = int(v, at);
    else if (k === 'token') arg.token = str(v, at);
    else if (k === 'summary') arg.summary = str(v, at);
    else if (k === 'since') arg.since = str(v, at);
    else if (k === 'deprecated_since') arg.deprecatedSince = str(v, at);
    else if (k === 'flags') arg.flags = flagSet(v, at);
    else arg.arguments = list(v, '*', at).map((sub) => argDoc(sub, at));
  }
  // Redis writes "arguments" exactly for oneof and block; the writer relies on it.
  const nested = arg.type === 'oneof' || arg.type === 'block';
  if (nested !== (arg.arguments !== undefined)) fail(where, `argument ${arg.name}: arguments do not match its type`);
  if (arg.flags !== undefined && arg.flags.length === 0) fail(where, `argument ${arg.name}: empty flags`);
  return arg as ArgDoc;
}

/** Fail unless `got` names only known fields, each once, in Redis's order. */
function checkOrder(got: string[], order: readonly string[], where: string): void {
  let last = -1;
  for (const k of got) {
    const at = order.indexOf(k);
    if (at < 0) fail(where, `unknown field ${k}`);
    if (at <= last) fail(where, `field ${k} out of order`);
    last = at;
  }
}

// The order in which Redis's addReplyCommandDocs writes a command's doc fields ("module" is
// only for module commands, which a plain redis-server has none of).
const DOC_FIELDS = [
  'summary', 'since', 'group', 'complexity', 'doc_flags', 'deprecated_since', 'replaced_by', 'history', 'arguments',
  'subcommands',
];

interface ParsedDocs {
  docs: CommandDocs;
  subcommands: Map<string, ParsedDocs>;
}

function commandDocs(r: Resp, where: string): ParsedDocs {
  const got = fields(r, where);
  checkOrder(got.map(([k]) => k), DOC_FIELDS, where);
  const docs: Partial<CommandDocs> = {};
  const subcommands = new Map<string, ParsedDocs>();
  for (const [k, v] of got) {
    if (k === 'summary') docs.summary = str(v, where);
    else if (k === 'since') docs.since = str(v, where);
    else if (k === 'group') docs.group = str(v, where);
    else if (k === 'complexity') docs.complexity = str(v, where);
    else if (k === 'doc_flags') docs.docFlags = flagSet(v, where);
    else if (k === 'deprecated_since') docs.deprecatedSince = str(v, where);
    else if (k === 'replaced_by') docs.replacedBy = str(v, where);
    else if (k === 'history') {
      docs.history = list(v, '~', where).map((entry) => {
        const pair = list(entry, '*', where);
        if (pair.length !== 2) fail(where, 'history entry is not a pair');
        return [str(pair[0], where), str(pair[1], where)] as const;
      });
    } else if (k === 'arguments') docs.arguments = list(v, '*', where).map((a) => argDoc(a, where));
    else {
      for (const [name, sub] of fields(v, where)) subcommands.set(name, commandDocs(sub, `${where} ${name}`));
    }
  }
  if (docs.group === undefined) fail(where, 'no group');
  return { docs: docs as CommandDocs, subcommands };
}

function commandInfo(r: Resp, allDocs: Map<string, ParsedDocs>, where: string): CommandMeta {
  const info = list(r, '*', where);
  if (info.length !== 10) fail(where, `expected 10 fields, got ${info.length}`);
  const name = str(info[0], where);
  const at = `${where} ${name}`;
  const parsedDocs = allDocs.get(name) ?? fail(at, 'no COMMAND DOCS entry');
  const categories = flagSet(info[6], at).map((c) => (c.startsWith('@') ? c.slice(1) : fail(at, `category ${c}`)));
  const subcommandsReply = info[9];
  // A command without subcommands gets an empty set; a container an array (see index.ts).
  let subReplies: Resp[];
  if (subcommandsReply.t === '~') {
    if (subcommandsReply.v.length !== 0) fail(at, 'subcommands as a non-empty set');
    subReplies = [];
  } else {
    subReplies = list(subcommandsReply, '*', at);
    if (subReplies.length === 0) fail(at, 'empty subcommand array');
  }
  const subcommands = subReplies
    .map((sub) => commandInfo(sub, parsedDocs.subcommands, at))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (subcommands.length !== parsedDocs.subcommands.size) fail(at, 'COMMAND INFO and COMMAND DOCS disagree on subcommands');
  return {
    name,
    arity: int(info[1], at),
    flags: flagSet(info[2], at),
    firstKey: int(info[3], at),
    lastKey: int(info[4], at),
    keyStep: int(info[5], at),
    aclCategories: categories,
    tips: list(info[7], '~', at).map((tip) => str(tip, at)),
    keySpecs: list(info[8], '~', at).map((spec) => keySpec(spec, at)),
    docs: parsedDocs.docs,
    subcommands,
  };
}

// -----------------------------------------------------------------------------------------------
// Writing the data module
// -----------------------------------------------------------------------------------------------

/** A TypeScript literal: unquoted keys, JSON strings, no spaces. */
function literal(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      parts.push(`${/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : JSON.stringify(k)}:${literal(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  throw new Error(`cannot write ${String(value)}`);
}

/** One line per command; a container's subcommands one per line beneath it. */
function commandLines(meta: CommandMeta, indent: string): string {
  const { subcommands, ...rest } = meta;
  const head = literal(rest).slice(0, -1);
  if (subcommands.length === 0) return `${indent}${head},subcommands:[]},`;
  const inner = subcommands.map((sub) => commandLines(sub, `${indent}  `)).join('\n');
  return `${indent}${head},subcommands:[\n${inner}\n${indent}]},`;
}

function render(commands: CommandMeta[], version: string): string {
  return [
    '/**',
    ` * Redis ${version}'s command table: GENERATED by scripts/gen-command-meta.ts from the COMMAND INFO`,
    ' * and COMMAND DOCS replies of a real redis-server. Do not edit; regenerate with',
    " *   redis-server --port 7412 --bind 127.0.0.1 --save '' --appendonly no",
    ' *   npx tsc -p . && node dist/scripts/gen-command-meta.js --port 7412',
    ' * One command per line, by name; subcommands by name beneath their container.',
    ' */',
    '',
    "import type { CommandMeta } from './index.js';",
    '',
    `export const REDIS_VERSION = ${JSON.stringify(version)};`,
    '',
    'export const REDIS_COMMANDS: readonly CommandMeta[] = [',
    ...commands.map((c) => commandLines(c, '')),
    '];',
    '',
  ].join('\n');
}

// -----------------------------------------------------------------------------------------------
// Main
// -----------------------------------------------------------------------------------------------

function option(name: string, fallback?: string): string {
  const at = process.argv.indexOf(`--${name}`);
  if (at >= 0 && at + 1 < process.argv.length) return process.argv[at + 1];
  if (fallback !== undefined) return fallback;
  throw new Error(`usage: node dist/scripts/gen-command-meta.js --port <redis port> [--host h] [--out file]`);
}

async function main(): Promise<void> {
  const port = Number(option('port'));
  const host = option('host', '127.0.0.1');
  // From dist/scripts/ back to the source tree.
  const out = option('out', fileURLToPath(new URL('../../src/commands/meta/redis-commands.ts', import.meta.url)));

  const [hello, info, docs] = await query(host, port, [['HELLO', '3'], ['COMMAND', 'INFO'], ['COMMAND', 'DOCS']]);
  const helloFields = new Map(fields(hello, 'HELLO'));
  const version = str(helloFields.get('version') ?? fail('HELLO', 'no version'), 'HELLO');
  if (!version.startsWith('7.0.')) console.warn(`warning: Redis ${version}; the table is meant to be Redis 7.0's`);

  const allDocs = new Map<string, ParsedDocs>();
  for (const [name, doc] of fields(docs, 'COMMAND DOCS')) allDocs.set(name, commandDocs(doc, `COMMAND DOCS ${name}`));
  const commands = list(info, '*', 'COMMAND INFO')
    .map((r) => commandInfo(r, allDocs, 'COMMAND INFO'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (commands.length !== allDocs.size) fail('COMMAND', 'COMMAND INFO and COMMAND DOCS disagree on the commands');

  const text = render(commands, version);
  writeFileSync(out, text);
  const subcommands = commands.reduce((n, c) => n + c.subcommands.length, 0);
  console.log(`${out}: ${commands.length} commands, ${subcommands} subcommands, ${text.length} bytes`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
