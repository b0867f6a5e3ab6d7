/**
 * The command metadata against real Redis, byte for byte: COMMAND INFO and COMMAND DOCS for
 * every command and subcommand Redis 7.0 has, in RESP2 and RESP3, and COMMAND GETKEYS /
 * GETKEYSANDFLAGS for invocations of every command that takes keys. A missing redis-server is
 * a failure: without the oracle these tests would prove nothing.
 *
 * One thing cannot match byte for byte across processes: Redis lists a container's
 * subcommands (and COMMAND's commands) in the order of its dict, which is seeded at random on
 * every start. We list them by name, so the tests sort Redis's by name before comparing.
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  allCommandMeta,
  commandHasKeys,
  commandMeta,
  getKeys,
  lookupCommandMeta,
  writeCommandDocs,
  writeCommandInfo,
  writeGetKeys,
  type ArgDoc,
  type CommandMeta,
} from '../../src/commands/meta/index.js';
import { ReplyWriter, type Protocol } from '../../src/protocol/reply-writer.js';
import { decodeFrame, escapeBytes, RawConnection, type RespFrame } from '../helpers/raw-connection.js';
import { startRedis, type RunningServer } from '../helpers/servers.js';

let redis: RunningServer;
const connections = new Map<Protocol, RawConnection>();

before(async () => {
  redis = await startRedis();
  for (const protocol of [2, 3] as const) {
    const conn = await RawConnection.connect(redis.port);
    if (protocol === 3) await conn.call(['HELLO', '3']);
    connections.set(protocol, conn);
  }
});

after(async () => {
  for (const conn of connections.values()) await conn.close();
  await redis?.stop();
});

/** Redis's replies to `commands`, pipelined, as raw bytes. Arguments are latin1 strings. */
async function redisReplies(protocol: Protocol, commands: readonly (readonly string[])[]): Promise<Buffer[]> {
  const conn = connections.get(protocol);
  assert.ok(conn);
  const out: Buffer[] = [];
  // In batches, so the socket buffers stay small.
  for (let at = 0; at < commands.length; at += 200) {
    const batch = commands.slice(at, at + 200);
    for (const args of batch) conn.send(args.map((a) => Buffer.from(a, 'latin1')));
    out.push(...(await conn.readFrames(batch.length, 20_000)));
  }
  return out;
}

/** What our writer puts on the wire for `write`. */
function ours(protocol: Protocol, write: (reply: ReplyWriter) => void): Buffer {
  const reply = new ReplyWriter(64);
  reply.protocol = protocol;
  write(reply);
  return Buffer.from(reply.buf.subarray(0, reply.pos));
}

const implemented = (): boolean => true;

function everyCommand(): CommandMeta[] {
  const all: CommandMeta[] = [];
  for (const cmd of allCommandMeta()) all.push(cmd, ...cmd.subcommands);
  return all;
}

function assertSameBytes(actual: Buffer, expected: Buffer, what: string): void {
  if (actual.equals(expected)) return;
  let at = 0;
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++;
  const from = Math.max(0, at - 60);
  assert.fail(
    `${what}: bytes differ at offset ${at}\n  ours:  ${escapeBytes(actual.subarray(from, at + 120), 180)}\n  redis: ${escapeBytes(expected.subarray(from, at + 120), 180)}`,
  );
}

// -----------------------------------------------------------------------------------------------
// Putting Redis's subcommands in name order
// -----------------------------------------------------------------------------------------------

function encode(frame: RespFrame): Buffer {
  if (frame.items === undefined || frame.isNull) return frame.raw;
  return Buffer.concat([Buffer.from(`${frame.type}${frame.line}\r\n`, 'latin1'), ...frame.items.map(encode)]);
}

function byName(a: Buffer, b: Buffer): number {
  return a.toString('latin1') < b.toString('latin1') ? -1 : a.toString('latin1') > b.toString('latin1') ? 1 : 0;
}

/** One COMMAND INFO element with its subcommands (recursively) sorted by name. */
function sortedInfo(frame: RespFrame): RespFrame {
  const items = frame.items;
  if (items === undefined || items.length !== 10 || items[9].items === undefined) return frame;
  return { ...frame, items: [...items.slice(0, 9), sortedInfoList(items[9])] };
}

/** An array of COMMAND INFO elements sorted by name, each with its subcommands sorted. */
function sortedInfoList(frame: RespFrame): RespFrame {
  const name = (f: RespFrame): Buffer => f.items?.[0].data ?? Buffer.alloc(0);
  return { ...frame, items: (frame.items ?? []).map(sortedInfo).sort((a, b) => byName(name(a), name(b))) };
}

/** Pairs of a map, a flat RESP2 array included. */
function pairs(frame: RespFrame): [RespFrame, RespFrame][] {
  const items = frame.items ?? [];
  const out: [RespFrame, RespFrame][] = [];
  for (let i = 0; i + 1 < items.length; i += 2) out.push([items[i], items[i + 1]]);
  return out;
}

/** A map of name -> doc map with names sorted, and each doc's subcommands likewise. */
function sortedDocsMap(frame: RespFrame): RespFrame {
  const entries = pairs(frame)
    .map(([name, doc]): [RespFrame, RespFrame] => [name, sortedDoc(doc)])
    .sort(([a], [b]) => byName(a.data ?? Buffer.alloc(0), b.data ?? Buffer.alloc(0)));
  return { ...frame, items: entries.flat() };
}

/** A map of name -> doc map in Redis's order (the order asked), each doc's subcommands sorted. */
function docsMapInOrder(frame: RespFrame): RespFrame {
  return { ...frame, items: pairs(frame).flatMap(([name, doc]) => [name, sortedDoc(doc)]) };
}

function sortedDoc(doc: RespFrame): RespFrame {
  const entries = pairs(doc).map(([key, value]): [RespFrame, RespFrame] =>
    key.data?.toString('latin1') === 'subcommands' ? [key, sortedDocsMap(value)] : [key, value],
  );
  return { ...doc, items: entries.flat() };
}

// -----------------------------------------------------------------------------------------------
// COMMAND INFO
// -----------------------------------------------------------------------------------------------

test('the table holds every command Redis 7.0 reports', async () => {
  const [count] = await redisReplies(2, [['COMMAND', 'COUNT']]);
  assert.equal(count.toString('latin1'), `:${allCommandMeta().length}\r\n`);
  const [list] = await redisReplies(2, [['COMMAND', 'LIST']]);
  const names = (decodeFrame(list).items ?? []).map((f) => f.data?.toString('latin1') ?? '').sort();
  assert.deepEqual(names, everyCommand().map((c) => c.name).sort());
});

for (const protocol of [2, 3] as const) {
  test(`COMMAND INFO <name> matches Redis byte for byte for every command and subcommand (RESP${protocol})`, async () => {
    const metas = everyCommand();
    const replies = await redisReplies(protocol, metas.map((m) => ['COMMAND', 'INFO', m.name]));
    for (let i = 0; i < metas.length; i++) {
      const frame = decodeFrame(replies[i]);
      assert.equal(frame.items?.length, 1, `COMMAND INFO ${metas[i].name}: one element`);
      const expected = encode(sortedInfo(frame.items[0]));
      assertSameBytes(ours(protocol, (r) => writeCommandInfo(r, metas[i], implemented)), expected, `COMMAND INFO ${metas[i].name}`);
    }
  });

  test(`COMMAND INFO with no names lists the same commands as Redis (RESP${protocol})`, async () => {
    const [reply] = await redisReplies(protocol, [['COMMAND', 'INFO']]);
    const expected = encode(sortedInfoList(decodeFrame(reply)));
    const actual = ours(protocol, (r) => {
      const all = allCommandMeta();
      r.arrayLen(all.length);
      for (const meta of all) writeCommandInfo(r, meta, implemented);
    });
    assertSameBytes(actual, expected, 'COMMAND INFO');
  });

  test(`COMMAND INFO of an unknown command, and of one we do not implement, is Redis's null (RESP${protocol})`, async () => {
    const [reply] = await redisReplies(protocol, [['COMMAND', 'INFO', 'nosuchcommand', 'get|x', 'client|nosuch']]);
    const expected = decodeFrame(reply).items?.map((f) => f.raw) ?? [];
    assert.equal(expected.length, 3);
    for (const raw of expected) {
      assertSameBytes(ours(protocol, (r) => writeCommandInfo(r, undefined, implemented)), raw, 'unknown command');
    }
    assert.equal(commandMeta('get|x'), undefined);
    assert.equal(commandMeta('client|nosuch'), undefined);
    const notImplemented = ours(protocol, (r) => writeCommandInfo(r, commandMeta('get'), () => false));
    assertSameBytes(notImplemented, expected[0], 'not implemented');
  });
}

// -----------------------------------------------------------------------------------------------
// COMMAND DOCS
// -----------------------------------------------------------------------------------------------

for (const protocol of [2, 3] as const) {
  test(`COMMAND DOCS <name> matches Redis byte for byte for every command and subcommand (RESP${protocol})`, async () => {
    const metas = everyCommand();
    const replies = await redisReplies(protocol, metas.map((m) => ['COMMAND', 'DOCS', m.name]));
    for (let i = 0; i < metas.length; i++) {
      const expected = encode(sortedDocsMap(decodeFrame(replies[i])));
      assertSameBytes(ours(protocol, (r) => writeCommandDocs(r, [metas[i]])), expected, `COMMAND DOCS ${metas[i].name}`);
    }
  });

  test(`COMMAND DOCS of several names leaves out the unknown ones, as Redis does (RESP${protocol})`, async () => {
    const names = ['get', 'NOSUCH', 'Client|List', 'set', 'config'];
    const [reply] = await redisReplies(protocol, [['COMMAND', 'DOCS', ...names]]);
    const expected = encode(docsMapInOrder(decodeFrame(reply)));
    assertSameBytes(ours(protocol, (r) => writeCommandDocs(r, names.map(commandMeta))), expected, 'COMMAND DOCS');
  });

  test(`COMMAND DOCS with no names documents the same commands as Redis (RESP${protocol})`, async () => {
    const [reply] = await redisReplies(protocol, [['COMMAND', 'DOCS']]);
    const expected = encode(sortedDocsMap(decodeFrame(reply)));
    assertSameBytes(ours(protocol, (r) => writeCommandDocs(r, allCommandMeta())), expected, 'COMMAND DOCS');
  });
}

// -----------------------------------------------------------------------------------------------
// Lookup
// -----------------------------------------------------------------------------------------------

test('commandMeta finds commands and subcommands by full name, in any case', () => {
  assert.equal(commandMeta('get')?.arity, 2);
  assert.equal(commandMeta('GET')?.name, 'get');
  assert.equal(commandMeta('client|list')?.name, 'client|list');
  assert.equal(commandMeta('CLIENT|LIST')?.name, 'client|list');
  assert.equal(commandMeta('client')?.subcommands.length, 16);
  assert.equal(commandMeta('nosuch'), undefined);
  assert.deepEqual(commandMeta('get')?.flags, ['readonly', 'fast']);
  assert.deepEqual(commandMeta('get')?.aclCategories, ['read', 'string', 'fast']);
});

test('lookupCommandMeta resolves a container and its subcommand as Redis lookupCommand does', () => {
  assert.equal(lookupCommandMeta(['CLIENT', 'List'])?.name, 'client|list');
  assert.equal(lookupCommandMeta(['client'])?.name, 'client');
  assert.equal(lookupCommandMeta(['client', 'nosuch']), undefined);
  assert.equal(lookupCommandMeta(['client|list']), undefined);
  assert.equal(lookupCommandMeta(['get', 'k'])?.name, 'get');
  assert.equal(lookupCommandMeta([]), undefined);
});

test('getKeys reports positions into the arguments and the flags of each key', () => {
  assert.deepEqual(getKeys(commandMeta('mset'), ['MSET', 'a', '1', 'b', '2']), {
    keys: [1, 3],
    flags: [
      ['OW', 'update'],
      ['OW', 'update'],
    ],
  });
  assert.deepEqual(getKeys(commandMeta('get'), ['get']), { error: 'ERR Invalid number of arguments specified for command' });
});

// -----------------------------------------------------------------------------------------------
// COMMAND GETKEYS / GETKEYSANDFLAGS
// -----------------------------------------------------------------------------------------------

/**
 * An invocation built from a command's argument docs: the required arguments only, or every
 * optional one too with each repeated argument twice. Every argument is distinct, so comparing
 * the keys Redis echoes back compares positions. A "numkeys" argument counts the keys after it.
 */
function invocation(meta: CommandMeta, full: boolean): string[] {
  const out = meta.name.split('|');
  let n = 0;
  const numkeysAt: number[] = [];
  const emit = (args: readonly ArgDoc[]): void => {
    for (const arg of args) {
      const flags = arg.flags ?? [];
      if (flags.includes('optional') && !full) continue;
      const times = flags.includes('multiple') && full ? 2 : 1;
      for (let t = 0; t < times; t++) {
        if (arg.token !== undefined && (t === 0 || flags.includes('multiple_token'))) out.push(arg.token);
        n++;
        switch (arg.type) {
          case 'pure-token':
            break;
          case 'oneof': {
            const choices = arg.arguments ?? [];
            const pick = full ? choices[choices.length - 1] : choices[0];
            if (pick) emit([{ ...pick, flags: pick.flags?.filter((f) => f !== 'optional') }]);
            break;
          }
          case 'block':
            emit(arg.arguments ?? []);
            break;
          case 'key':
            out.push(`key:${n}`);
            break;
          case 'integer':
            if (arg.name === 'numkeys') numkeysAt.push(out.length);
            out.push(String(n));
            break;
          case 'double':
            out.push(`${n}.5`);
            break;
          case 'unix-time':
            out.push(String(1_700_000_000 + n));
            break;
          default:
            out.push(`${arg.type}:${n}`);
        }
      }
    }
  };
  emit(meta.docs.arguments ?? []);
  for (const at of numkeysAt) out[at] = String(out.slice(at + 1).filter((a) => a.startsWith('key:')).length);
  return out;
}

/** Hand-picked forms: the getkeys functions, keyword searches, and the error replies. */
const SPECIAL_INVOCATIONS: string[][] = [
  // Errors: unknown command or subcommand, no keys, wrong count, keys Redis cannot find.
  // (COMMAND GETKEYS needs two arguments at least: its arity, which dispatch checks, is -4.)
  ['nosuchcommand', 'a'],
  ['client', 'nosuch', 'a'],
  ['client', 'list'],
  ['ping', 'hello'],
  ['publish', 'channel', 'message'],
  ['spublish', 'channel', 'message'],
  ['ssubscribe', 'a', 'b'],
  ['set', 'k'],
  ['get', 'a', 'b'],
  ['object', 'encoding', 'k'],
  ['OBJECT', 'FREQ', 'k'],
  ['memory', 'usage', 'k', 'SAMPLES', '5'],
  ['xinfo', 'stream', 'k', 'FULL'],
  ['xgroup', 'create', 'k', 'g', '$', 'MKSTREAM'],
  // Ranges: negative last key, steps.
  ['del', 'a', 'b', 'c'],
  ['mset', 'a', '1', 'b', '2', 'c'],
  ['msetnx', 'a', '1', 'b', '2'],
  ['blpop', 'a', 'b', '0'],
  ['bitop', 'and', 'dest', 'a', 'b'],
  ['pfmerge', 'dest'],
  ['pfmerge', 'dest', 'a', 'b'],
  ['sinterstore', 'dest', 'a'],
  // numkeys: valid, zero, too many, negative, not a number, atoi's leniency in the fallback.
  ['zunionstore', 'dest', '2', 'a', 'b', 'WEIGHTS', '1', '2'],
  ['zunionstore', 'dest', '0', 'a'],
  ['zunionstore', 'dest', '3', 'a', 'b'],
  ['zunionstore', 'dest', '-1', 'a', 'b'],
  ['zunionstore', 'dest', 'x', 'a', 'b'],
  ['zunionstore', 'dest', '2abc', 'a', 'b'],
  ['zunionstore', 'dest', ' 2', 'a', 'b'],
  ['zunionstore', 'dest', '+2', 'a', 'b'],
  ['zunionstore', 'dest', '02', 'a', 'b'],
  ['zunionstore', 'dest', '4294967298', 'a', 'b'],
  ['zinterstore', 'dest', '1', 'a'],
  ['zdiffstore', 'dest', '2', 'a', 'b'],
  ['zdiff', '1', 'a', 'b'],
  ['zinter', '2', 'a', 'b', 'WITHSCORES'],
  ['zunion', '0', 'a'],
  ['zintercard', '2', 'a', 'b', 'LIMIT', '1'],
  ['sintercard', '2', 'a', 'b'],
  ['sintercard', 'two', 'a', 'b'],
  ['lmpop', '2', 'a', 'b', 'LEFT'],
  ['lmpop', '3', 'a', 'b', 'LEFT'],
  ['blmpop', '0', '2', 'a', 'b', 'RIGHT', 'COUNT', '2'],
  ['zmpop', '1', 'a', 'MIN'],
  ['bzmpop', '1.5', '1', 'a', 'MAX'],
  ['eval', 'return 1', '0'],
  ['eval', 'return 1', '2', 'a', 'b', 'arg'],
  ['eval', 'return 1', '3', 'a', 'b'],
  ['eval', 'return 1', 'x', 'a'],
  ['eval', 'return 1', '1x', 'a'],
  ['evalsha', 'abc', '1', 'a'],
  ['eval_ro', 'return 1', '1', 'a'],
  ['evalsha_ro', 'abc', '0'],
  ['fcall', 'f', '2', 'a', 'b'],
  ['fcall_ro', 'f', '0', 'x'],
  // SORT and SORT_RO: the getkeys functions.
  ['sort', 'k'],
  ['sort', 'k', 'STORE', 'dest'],
  ['sort', 'k', 'BY', 'w_*', 'LIMIT', '0', '10', 'GET', '#', 'GET', 'o_*', 'ALPHA', 'DESC', 'STORE', 'dest'],
  ['sort', 'k', 'store', 'd1', 'STORE', 'd2'],
  ['sort', 'k', 'GET', 'store', 'x'],
  ['sort', 'k', 'LIMIT', 'store', 'x', 'y'],
  ['sort', 'k', 'STORE'],
  ['sort', 'k', 'STORE', 'limit', '1', '2'],
  ['sort_ro', 'k', 'BY', 'w_*', 'GET', 'o_*'],
  // MIGRATE: one key, or KEYS (found searching backwards from the end).
  ['migrate', 'host', '6379', 'k', '0', '1000'],
  ['migrate', 'host', '6379', '', '0', '1000', 'KEYS', 'a', 'b'],
  ['migrate', 'host', '6379', '', '0', '1000', 'COPY', 'REPLACE', 'AUTH', 'keys', 'KEYS', 'a'],
  ['migrate', 'host', '6379', '', '0', '1000', 'AUTH2', 'keys', 'keys', 'KEYS', 'a', 'b'],
  ['migrate', 'host', '6379', 'k', '0', '1000', 'KEYS', 'a', 'b'],
  ['migrate', 'host', '6379', '', '0', '1000', 'KEYS'],
  ['migrate', 'host', '6379', '', '0', '1000', 'KEYS', 'a'],
  // GEORADIUS STORE / STOREDIST: keyword searches from a fixed index.
  ['georadius', 'k', '1', '2', '3', 'km', 'STORE', 'dest'],
  ['georadius', 'k', '1', '2', '3', 'km', 'STOREDIST', 'dest'],
  ['georadius', 'k', '1', '2', '3', 'km', 'STORE', 'd1', 'STOREDIST', 'd2'],
  ['georadius', 'k', '1', '2', '3', 'km', 'WITHDIST', 'STORE'],
  ['georadius', 'k', '1', '2', '3', 'km', 'COUNT', '5', 'store', 'd'],
  ['georadiusbymember', 'k', 'm', '3', 'km', 'STORE', 'dest'],
  ['georadius_ro', 'k', '1', '2', '3', 'km', 'STORE', 'dest'],
  ['geosearchstore', 'dest', 'src', 'FROMMEMBER', 'm', 'BYRADIUS', '1', 'km'],
  // XREAD / XREADGROUP: STREAMS and half the arguments after it.
  ['xread', 'STREAMS', 'a', 'b', '0', '0'],
  ['xread', 'COUNT', '2', 'BLOCK', '0', 'STREAMS', 'a', '0'],
  ['xread', 'STREAMS', 'a', 'b', '0'],
  ['xread', 'STREAMS', 'a'],
  ['xread', 'STREAMS', 'streams', '0'],
  ['xread', 'COUNT', 'streams', 'STREAMS', 'a', '0'],
  ['xread', 'a', 'b', 'c'],
  ['xreadgroup', 'GROUP', 'g', 'c', 'STREAMS', 'a', '>'],
  ['xreadgroup', 'GROUP', 'g', 'c', 'NOACK', 'STREAMS', 'a', 'b', '>', '>'],
  ['xreadgroup', 'GROUP', 'streams', 'streams', 'STREAMS', 'streams', '>'],
  ['xreadgroup', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 'a', 'b', '>'],
  // SET and BITFIELD: flags that depend on the arguments.
  ['set', 'k', 'v'],
  ['set', 'k', 'v', 'GET'],
  ['set', 'k', 'v', 'EX', '10', 'get'],
  ['set', 'k', 'get'],
  ['set', 'k', 'v', 'get\0x'],
  ['set', 'k', 'v', 'getx'],
  ['bitfield', 'k'],
  ['bitfield', 'k', 'GET', 'u8', '0'],
  ['bitfield', 'k', 'OVERFLOW', 'SAT', 'GET', 'u8', '0', 'GET', 'i4', '8'],
  ['bitfield', 'k', 'GET', 'u8', '0', 'SET', 'u8', '0', '1'],
  ['bitfield', 'k', 'INCRBY', 'u8', '0', '1'],
  ['bitfield', 'k', 'GET', 'u8'],
  ['bitfield', 'k', 'bogus'],
  ['bitfield_ro', 'k', 'GET', 'u8', '0'],
  // Keys that are not plain ASCII.
  ['get', 'k\xe9y\0\r\n'],
];

async function compareGetKeys(invocations: readonly string[][]): Promise<void> {
  for (const protocol of [2, 3] as const) {
    for (const sub of ['GETKEYS', 'GETKEYSANDFLAGS'] as const) {
      const replies = await redisReplies(protocol, invocations.map((args) => ['COMMAND', sub, ...args]));
      for (let i = 0; i < invocations.length; i++) {
        const actual = ours(protocol, (r) => writeGetKeys(r, invocations[i], sub === 'GETKEYSANDFLAGS'));
        assertSameBytes(actual, replies[i], `RESP${protocol} COMMAND ${sub} ${escapeBytes(invocations[i].join(' '))}`);
      }
    }
  }
}

test('COMMAND GETKEYS and GETKEYSANDFLAGS match Redis for invocations of every command with keys', async () => {
  const invocations: string[][] = [];
  let commands = 0;
  for (const meta of everyCommand()) {
    if (meta.subcommands.length > 0 || !commandHasKeys(meta)) continue;
    commands++;
    invocations.push(invocation(meta, false), invocation(meta, true));
  }
  assert.ok(commands > 150, `only ${commands} commands with keys`);
  await compareGetKeys(invocations);

  // Agreeing on errors alone would prove little: every generated invocation has keys.
  const failed = invocations.filter((args) => 'error' in getKeys(lookupCommandMeta(args), args));
  assert.deepEqual(failed, []);
});

test('COMMAND GETKEYS and GETKEYSANDFLAGS match Redis for special forms and errors', async () => {
  await compareGetKeys(SPECIAL_INVOCATIONS);
});
