/**
 * Server commands against real Redis: INFO's sections and fields, CONFIG RESETSTAT and the
 * statistics it clears, DEBUG (OBJECT, SLEEP, SET-ACTIVE-EXPIRE, PROTOCOL, ERROR), SHUTDOWN's
 * argument rules and its refusal to lose data it cannot save, and TIME. Replies are compared
 * byte for byte with Redis's where they are deterministic, in RESP2 and RESP3; INFO is compared
 * by section headers and field names (values are each server's own). A missing redis-server
 * fails these tests.
 */

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { stringEncoding } from '../../src/commands/server.js';
import { Cachica } from '../../src/embedded/cachica.js';
import { bytesToHuman } from '../../src/monitoring/info.js';
import { assertSameBytes, startInProcessServer, useOraclePair, type Resp } from '../helpers/oracle-pair.js';
import { RawConnection } from '../helpers/raw-connection.js';
import { startCachica } from '../helpers/servers.js';

const pair = useOraclePair({ bind: '127.0.0.1', save: '', appendonly: 'no', 'enable-debug-command': 'yes' });
const both = (resp: Resp, args: string[]): Promise<[Buffer, Buffer]> => pair().both(resp, args);
const sameOnBoth = (commands: string[][], normalize?: (reply: string) => string): Promise<void> => pair().sameOnBoth(commands, normalize);
const assertSame = assertSameBytes;

// ---------------------------------------------------------------------------------------------
// INFO
// ---------------------------------------------------------------------------------------------

/** The text inside an INFO reply (bulk string in RESP2, verbatim "txt" string in RESP3). */
function infoBody(reply: Buffer): string {
  const text = reply.toString('latin1');
  const header = text.indexOf('\r\n');
  const body = text.slice(header + 2, text.length - 2);
  if (text[0] === '=') {
    assert.equal(body.slice(0, 4), 'txt:');
    return body.slice(4);
  }
  assert.equal(text[0], '$');
  return body;
}

/** Section title -> field names, in order. */
function infoShape(body: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of body.split('\r\n')) {
    if (line.startsWith('# ')) {
      current = [];
      sections.set(line.slice(2), current);
    } else if (line !== '') {
      assert.ok(current, `field outside a section: ${line}`);
      current.push(line.slice(0, line.indexOf(':')));
    }
  }
  return sections;
}

/** Fields Redis 7.2 (our target) has that the 7.0 oracle lacks, and cachica's own. */
const NOT_IN_70 = new Set([
  'total_blocking_keys',
  'total_blocking_keys_on_nokey',
  'eventloop_cycles',
  'eventloop_duration_sum',
  'eventloop_duration_cmd_sum',
  'instantaneous_eventloop_cycles_per_sec',
  'instantaneous_eventloop_duration_usec',
  'acl_access_denied_auth',
  'acl_access_denied_cmd',
  'acl_access_denied_key',
  'acl_access_denied_channel',
  'listener0',
  'listener1',
  'cachica_version',
]);

/** Sections whose lines depend on what ran (commands, errors, keys): compared elsewhere. */
const DATA_SECTIONS = new Set(['Commandstats', 'Errorstats', 'Latencystats', 'Keyspace']);

describe('INFO', () => {
  test('every section Redis has, with its fields in Redis\'s order', async () => {
    for (const resp of [2, 3] as const) {
      const [ours, theirs] = await both(resp, ['INFO', 'everything']);
      const mine = infoShape(infoBody(ours));
      const oracle = infoShape(infoBody(theirs));
      assert.deepEqual([...mine.keys()], [...oracle.keys()], `section headers [RESP${resp}]`);
      for (const [title, fields] of oracle) {
        if (DATA_SECTIONS.has(title)) continue;
        const ourFields = (mine.get(title) ?? []).filter((f) => !NOT_IN_70.has(f));
        assert.deepEqual(ourFields, fields, `fields of # ${title} [RESP${resp}]`);
      }
    }
  });

  test('section selection: default, all, everything, several, repeated, case, unknown', async () => {
    const queries = [
      ['INFO'],
      ['INFO', 'default'],
      ['INFO', 'all'],
      ['INFO', 'everything'],
      ['INFO', 'server', 'clients'],
      ['INFO', 'keyspace', 'server'],
      ['INFO', 'SERVER', 'server', 'Server'],
      ['INFO', 'modules'],
      ['INFO', 'module_list'],
      ['INFO', 'commandstats'],
      ['INFO', 'errorstats', 'latencystats'],
      ['INFO', 'nope'],
      ['INFO', 'nope', 'cpu'],
      ['INFO', 'all', 'default'],
      ['INFO', 'default', 'commandstats'],
    ];
    for (const resp of [2, 3] as const) {
      for (const q of queries) {
        const [ours, theirs] = await both(resp, q);
        assert.deepEqual([...infoShape(infoBody(ours)).keys()], [...infoShape(infoBody(theirs)).keys()], `${q.join(' ')} [RESP${resp}]`);
      }
    }
  });

  test('an unknown section is an empty string, and the text is laid out as Redis lays it out', async () => {
    await sameOnBoth([['INFO', 'nope']]);
    const text = infoBody(pair().db.raw(['INFO']));
    assert.ok(text.startsWith('# Server\r\nredis_version:7.2.4\r\n'));
    assert.ok(text.endsWith('\r\n') && !text.endsWith('\r\n\r\n'));
    assert.match(text, /\r\n\r\n# Clients\r\n/);
    for (const line of text.split('\r\n')) assert.ok(line === '' || line.startsWith('# ') || /^[a-z0-9_|]+:/.test(line), line);
    assert.match(text, /\r\nrun_id:[0-9a-f]{40}\r\n/);
    assert.match(text, /\r\nmaster_replid:[0-9a-f]{40}\r\n/);
    assert.match(text, /\r\ncachica_version:\d+\.\d+\.\d+\r\n/);
    assert.match(text, /\r\nexecutable:.+\r\n/);
    const used = Number(/\r\nused_memory:(\d+)\r\n/.exec(text)?.[1]);
    assert.ok(used > 0);
    assert.match(text, new RegExp(`\\r\\nused_memory_human:${bytesToHuman(used).replace('.', '\\.')}\\r\\n`));
  });

  test('bytesToHuman formats as Redis does', () => {
    assert.equal(bytesToHuman(0), '0B');
    assert.equal(bytesToHuman(1023), '1023B');
    assert.equal(bytesToHuman(1024), '1.00K');
    assert.equal(bytesToHuman(916504), '895.02K');
    assert.equal(bytesToHuman(6832128), '6.52M');
    assert.equal(bytesToHuman(25276510208), '23.54G');
  });

  test('commandstats, errorstats, keyspace and the stats counters follow the same commands as Redis', async () => {
    // One connection each, so both servers see exactly the same commands.
    const redisConn = pair().redisConn(2);
    const ours = pair().ours(2);
    const sequence = [
      ['FLUSHALL'],
      ['CONFIG', 'RESETSTAT'],
      ['SET', 'k', 'v'],
      ['SET', 'n', '1', 'EX', '1000'],
      ['GET', 'k'],
      ['GET', 'missing'],
      ['INCR', 'k'],
      ['GET'],
      ['NOSUCHCOMMAND', 'x'],
      ['CLIENT', 'NOSUCH'],
      ['CONFIG', 'GET', 'hz'],
      ['SET', 'k', 'v', 'NX', 'XX'],
    ];
    for (const args of sequence) {
      const [a, b] = [ours.raw(args), await redisConn.call(args)];
      assertSame(a, b, args.join(' '));
    }
    const statsOf = (reply: Buffer): Map<string, string> => {
      const out = new Map<string, string>();
      for (const line of infoBody(reply).split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) out.set(line.slice(0, colon), line.slice(colon + 1));
      }
      return out;
    };
    const query = ['INFO', 'stats', 'commandstats', 'errorstats', 'keyspace'];
    const mine = statsOf(ours.raw(query));
    const theirs = statsOf(await redisConn.call(query));
    for (const field of ['total_commands_processed', 'total_error_replies', 'keyspace_hits', 'keyspace_misses', 'expired_keys', 'errorstat_ERR']) {
      assert.equal(mine.get(field), theirs.get(field), field);
    }
    const withoutTimes = (v: string | undefined): string | undefined => v?.replace(/usec=\d+,usec_per_call=[\d.]+,/, '');
    for (const [field, value] of theirs) {
      if (!field.startsWith('cmdstat_')) continue;
      assert.equal(withoutTimes(mine.get(field)), withoutTimes(value), field);
    }
    assert.deepEqual([...mine.keys()].filter((k) => k.startsWith('cmdstat_')).sort(), [...theirs.keys()].filter((k) => k.startsWith('cmdstat_')).sort());
    assert.equal(mine.get('db0')?.replace(/,avg_ttl=\d+/, ''), theirs.get('db0')?.replace(/,avg_ttl=\d+/, ''));
  });

  test('CONFIG RESETSTAT zeroes the counters it zeroes in Redis', async () => {
    await sameOnBoth([['GET', 'x'], ['INCR'], ['CONFIG', 'RESETSTAT']]);
    const body = infoBody(pair().db.raw(['INFO', 'stats', 'commandstats', 'errorstats']));
    assert.match(body, /\r\ntotal_commands_processed:1\r\n/);
    assert.match(body, /\r\ntotal_error_replies:0\r\n/);
    assert.match(body, /\r\nkeyspace_misses:0\r\n/);
    assert.match(body, /# Commandstats\r\ncmdstat_config\|resetstat:calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0\r\n\r\n# Errorstats\r\n$/);
  });
});

// ---------------------------------------------------------------------------------------------
// DEBUG
// ---------------------------------------------------------------------------------------------

/** DEBUG OBJECT without the parts that differ between any two servers: address and clock. */
function objectShape(reply: string): string {
  return reply.replace(/Value at:0x[0-9a-f]+/, 'Value at:ADDR').replace(/ lru:\d+ lru_seconds_idle:\d+/, ' lru:N lru_seconds_idle:N');
}

describe('DEBUG', () => {
  test('DEBUG OBJECT reports refcount, encoding and serialized length as Redis does', async () => {
    const incompressible = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR';
    await sameOnBoth(
      [
        ['SET', 'small', '5'],
        ['DEBUG', 'OBJECT', 'small'],
        ['SET', 'neg', '-5'],
        ['DEBUG', 'OBJECT', 'neg'],
        ['SET', 'int32', '123456'],
        ['DEBUG', 'OBJECT', 'int32'],
        ['SET', 'int16', '30000'],
        ['DEBUG', 'OBJECT', 'int16'],
        ['SET', 'big', '99999999999'],
        ['DEBUG', 'OBJECT', 'big'],
        // Past int64, so a string; 20 bytes, so not LZF-compressed (see the deviation below).
        ['SET', 'digits', '12345678901234567890'],
        ['DEBUG', 'OBJECT', 'digits'],
        ['SET', 'str', 'hello'],
        ['DEBUG', 'OBJECT', 'str'],
        ['APPEND', 'str', '!'],
        ['DEBUG', 'OBJECT', 'str'],
        ['SET', 'emb', incompressible],
        ['DEBUG', 'OBJECT', 'emb'],
        ['SET', 'raw', `${incompressible}STUVW`],
        ['DEBUG', 'OBJECT', 'raw'],
        ['SET', 'empty', ''],
        ['DEBUG', 'OBJECT', 'empty'],
        ['DEBUG', 'OBJECT', 'missing'],
      ],
      objectShape,
    );
  });

  test('stringEncoding follows tryObjectEncoding and the in-place flags', () => {
    const s = new Cachica();
    s.raw(['SET', 'a', '123']);
    s.raw(['SET', 'b', '0123']);
    s.raw(['SET', 'c', 'x'.repeat(45)]);
    s.raw(['SET', 'd', '1']);
    s.raw(['APPEND', 'd', '2']);
    const engine = s.internals;
    const database = engine.store.databases[0];
    const id = (key: string): number => database.find(Buffer.from(key), 0, key.length);
    assert.equal(stringEncoding(database, id('a')), 'int');
    assert.equal(stringEncoding(database, id('b')), 'embstr');
    assert.equal(stringEncoding(database, id('c')), 'raw');
    assert.equal(stringEncoding(database, id('d')), 'raw');
    s.close();
  });

  test('DEBUG OBJECT: strings over 20 bytes are reported uncompressed (Redis LZF-compresses them)', () => {
    pair().db.raw(['SET', 'long', '1234567890'.repeat(5)]);
    assert.match(pair().db.raw(['DEBUG', 'OBJECT', 'long']).toString(), / encoding:raw serializedlength:51 /);
  });

  test('DEBUG PROTOCOL, DEBUG ERROR and unknown subcommands reply as Redis does', async () => {
    const types = ['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'attrib', 'verbatim', 'true', 'false', 'nope'];
    await sameOnBoth([...types.map((t) => ['DEBUG', 'PROTOCOL', t]), ['DEBUG', 'ERROR', 'CODE some message'], ['DEBUG', 'nosuch'], ['DEBUG', 'OBJECT'], ['DEBUG']]);
    // PUSH answers with an out-of-band push and then a reply: two frames on the wire.
    for (const resp of [2, 3] as const) {
      const conn = pair().redisConn(resp);
      conn.send(['DEBUG', 'PROTOCOL', 'push']);
      const theirs = Buffer.concat(await conn.readFrames(resp === 3 ? 2 : 1));
      assertSame(pair().ours(resp).raw(['DEBUG', 'PROTOCOL', 'push']), theirs, `DEBUG PROTOCOL push [RESP${resp}]`);
    }
  });

  test('DEBUG ERROR is not counted as an error reply, as in Redis', () => {
    const s = new Cachica({ config: { 'enable-debug-command': 'yes' } });
    s.raw(['CONFIG', 'RESETSTAT']);
    assert.equal(s.raw(['DEBUG', 'ERROR', 'X y']).toString(), '-X y\r\n');
    assert.match(infoBody(s.raw(['INFO', 'errorstats'])), /^# Errorstats\r\n$/);
    s.close();
  });

  test('DEBUG HELP is Redis 7.2\'s', () => {
    const lines = decodeStatusArray(pair().db.raw(['DEBUG', 'HELP']));
    assert.equal(lines[0], 'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.ok(lines.includes('SLEEP <seconds>'));
    assert.ok(lines.includes('    Stop the server for <seconds>. Decimals allowed.'));
    assert.deepEqual(lines.slice(-2), ['HELP', '    Print this help.']);
  });

  test('DEBUG SLEEP blocks the whole server, fractions of a second included', async () => {
    const server = await startInProcessServer({ 'enable-debug-command': 'yes' });
    try {
      const [a, b] = await Promise.all([RawConnection.connect(server.port), RawConnection.connect(server.port)]);
      a.send(['DEBUG', 'SLEEP', '0.3']);
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, 20));
      const pong = await b.call(['PING']);
      const waited = Date.now() - t0;
      assert.equal(pong.toString(), '+PONG\r\n');
      assert.equal((await a.readFrame()).toString(), '+OK\r\n');
      assert.ok(waited >= 250, `PING on another connection answered after ${waited} ms, during the sleep`);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await server.close();
    }
  });

  test('DEBUG SET-ACTIVE-EXPIRE 0 stops the background expiry, 1 restarts it', async () => {
    const s = new Cachica({ config: { 'enable-debug-command': 'yes', hz: 100 } });
    try {
      assert.equal(s.raw(['DEBUG', 'SET-ACTIVE-EXPIRE', '0']).toString(), '+OK\r\n');
      s.raw(['SET', 'k', 'v', 'PX', '20']);
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(s.raw(['DBSIZE']).toString(), ':1\r\n', 'the expired key is still there: nothing touched it');
      s.raw(['DEBUG', 'SET-ACTIVE-EXPIRE', '1']);
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(s.raw(['DBSIZE']).toString(), ':0\r\n');
    } finally {
      s.close();
    }
  });

  test('DEBUG CHANGE-REPL-ID gives a new replication ID', () => {
    const replid = (): string => /master_replid:([0-9a-f]{40})/.exec(infoBody(pair().db.raw(['INFO', 'replication'])))?.[1] ?? '';
    const before = replid();
    assert.equal(pair().db.raw(['DEBUG', 'CHANGE-REPL-ID']).toString(), '+OK\r\n');
    assert.notEqual(replid(), before);
  });
});

function decodeStatusArray(reply: Buffer): string[] {
  const lines = reply.toString('latin1').split('\r\n');
  return lines.slice(1, -1).map((l) => l.slice(1));
}

// ---------------------------------------------------------------------------------------------
// SHUTDOWN and TIME
// ---------------------------------------------------------------------------------------------

describe('SHUTDOWN', () => {
  test('argument errors and ABORT without a shutdown are Redis\'s', async () => {
    await sameOnBoth([
      ['SHUTDOWN', 'NOPE'],
      ['SHUTDOWN', 'NOSAVE', 'SAVE'],
      ['SHUTDOWN', 'ABORT', 'NOW'],
      ['SHUTDOWN', 'ABORT', 'FORCE'],
      ['SHUTDOWN', 'ABORT'],
      ['SHUTDOWN', 'abort'],
    ]);
  });

  test('a shutdown that must save saves first, and is refused when the save fails, unless FORCE', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cachica-shutdown-'));
    try {
      const s = new Cachica({ config: { loglevel: 'nothing', save: '3600 1 300 100', dir } });
      const requests: (boolean | null)[] = [];
      s.internals.onShutdownRequest = (save) => requests.push(save);
      s.raw(['SET', 'k', 'v']);
      assert.equal(s.raw(['SHUTDOWN']).toString(), '', 'save points are configured: saved, then gone');
      assert.ok(existsSync(path.join(dir, 'dump.rdb')));
      // A directory that has gone: the save fails.
      rmSync(dir, { recursive: true, force: true });
      const refused = '-ERR Errors trying to SHUTDOWN. Check logs.\r\n';
      assert.equal(s.raw(['SHUTDOWN']).toString(), refused);
      assert.equal(s.raw(['SHUTDOWN', 'SAVE']).toString(), refused);
      assert.deepEqual(requests, [false]);
      assert.equal(s.raw(['SHUTDOWN', 'SAVE', 'FORCE']).toString(), '', 'the server goes away without a reply');
      assert.equal(s.raw(['SHUTDOWN', 'NOSAVE', 'NOW']).toString(), '');
      s.raw(['CONFIG', 'SET', 'save', '']);
      assert.equal(s.raw(['SHUTDOWN']).toString(), '');
      assert.deepEqual(requests, [false, false, false, false]);
      s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the default configuration has no save points, so a plain SHUTDOWN proceeds', () => {
    const s = new Cachica({ config: { loglevel: 'nothing' } });
    const requests: (boolean | null)[] = [];
    s.internals.onShutdownRequest = (save) => requests.push(save);
    assert.equal(s.raw(['CONFIG', 'GET', 'save']).toString(), '%1\r\n$4\r\nsave\r\n$0\r\n\r\n');
    assert.equal(s.raw(['SHUTDOWN']).toString(), '');
    assert.deepEqual(requests, [false]);
    s.close();
  });

  test('the embedded API, with no process to end, refuses', () => {
    const s = new Cachica({ config: { save: '', loglevel: 'nothing' } });
    assert.equal(s.raw(['SHUTDOWN', 'NOSAVE']).toString(), '-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
    s.close();
  });

  test('cachica-server exits on SHUTDOWN, closing the connection', async () => {
    const server = await startCachica();
    const conn = await RawConnection.connect(server.port);
    conn.send(['SHUTDOWN', 'NOSAVE']);
    assert.equal((await conn.expectClosed(5000)).length, 0, 'no reply before the close');
    await server.stop();
    assert.match(server.logs(), /User requested shutdown/);
  });
});

describe('TIME', () => {
  test('TIME is two bulk strings, seconds and microseconds, now', async () => {
    for (const resp of [2, 3] as const) {
      const [ours, theirs] = await both(resp, ['TIME']);
      const shape = (r: Buffer): string => r.toString('latin1').replace(/\d+/g, 'N');
      assert.equal(shape(ours), shape(theirs));
      const [, , seconds, , micros] = ours.toString('latin1').split('\r\n');
      assert.ok(Math.abs(Number(seconds) * 1000 + Number(micros) / 1000 - Date.now()) < 1000);
      assert.ok(Number(micros) < 1e6);
    }
    await sameOnBoth([['TIME', 'x']]);
  });
});
