/**
 * CLIENT against real Redis and over real sockets: names, IDs, the CLIENT LIST / CLIENT INFO
 * line (Redis 7.2's fields in its order), every CLIENT KILL form with its replies and errors,
 * SETINFO, NO-EVICT and NO-TOUCH. Error texts and deterministic replies are compared byte for
 * byte with Redis in RESP2 and RESP3; connection handling is checked on a cachica server started
 * in this process. A missing redis-server fails these tests.
 */

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { Cachica } from '../../src/embedded/cachica.js';
import { startInProcessServer, useOraclePair, type InProcessServer, type Resp } from '../helpers/oracle-pair.js';
import { decodeFrame, escapeBytes, RawConnection } from '../helpers/raw-connection.js';

const pair = useOraclePair();
const both = (resp: Resp, args: string[]): Promise<[Buffer, Buffer]> => pair().both(resp, args);
const sameOnBoth = (commands: string[][]): Promise<void> => pair().sameOnBoth(commands);

/** The text of a CLIENT LIST / CLIENT INFO reply. */
function textOf(reply: Buffer): string {
  const frame = decodeFrame(reply);
  assert.ok(frame.type === '$' || frame.type === '=', `not a string reply: ${escapeBytes(reply)}`);
  const text = (frame.data as Buffer).toString('latin1');
  return frame.type === '=' ? text.slice(4) : text;
}

/** One CLIENT LIST line as field -> value, in order. */
function fieldsOf(line: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of line.split(' ')) {
    const eq = part.indexOf('=');
    out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

describe('CLIENT against Redis', () => {
  test('SETNAME and GETNAME, with Redis\'s validation', async () => {
    await sameOnBoth([
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', 'worker-1'],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', 'has space'],
      ['CLIENT', 'SETNAME', 'new\nline'],
      ['CLIENT', 'SETNAME', 'caf\u00e9'],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', ''],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME'],
      ['CLIENT', 'GETNAME', 'x'],
    ]);
  });

  test('argument errors of LIST, KILL and the flags subcommands', async () => {
    await sameOnBoth([
      ['CLIENT', 'LIST', 'TYPE', 'nope'],
      ['CLIENT', 'LIST', 'ID', '1', 'abc'],
      ['CLIENT', 'LIST', 'ID'],
      ['CLIENT', 'LIST', 'nope'],
      ['CLIENT', 'LIST', 'TYPE'],
      ['CLIENT', 'LIST', 'ID', '999999'],
      ['CLIENT', 'LIST', 'TYPE', 'pubsub'],
      ['CLIENT', 'LIST', 'TYPE', 'master'],
      ['CLIENT', 'KILL', '1.2.3.4:5'],
      ['CLIENT', 'KILL', 'ADDR'],
      ['CLIENT', 'KILL', 'ID', '0'],
      ['CLIENT', 'KILL', 'ID', 'abc'],
      ['CLIENT', 'KILL', 'ID', '-3'],
      ['CLIENT', 'KILL', 'USER', 'nobody'],
      ['CLIENT', 'KILL', 'SKIPME', 'maybe'],
      ['CLIENT', 'KILL', 'TYPE', 'nope'],
      ['CLIENT', 'KILL', 'NOPE', 'x'],
      ['CLIENT', 'KILL', 'ID', '999999', 'TYPE'],
      ['CLIENT', 'KILL', 'ID', '999999'],
      ['CLIENT', 'KILL', 'ADDR', '1.2.3.4:5', 'SKIPME', 'no'],
      ['CLIENT', 'KILL', 'LADDR', '1.2.3.4:5'],
      ['CLIENT', 'KILL', 'TYPE', 'master'],
      ['CLIENT', 'KILL'],
      ['CLIENT', 'NO-EVICT', 'maybe'],
      ['CLIENT', 'NO-EVICT', 'on'],
      ['CLIENT', 'NO-EVICT', 'OFF'],
      ['CLIENT', 'NO-EVICT'],
      ['CLIENT', 'NOPE'],
      ['CLIENT'],
      ['CLIENT', 'ID', 'x'],
      ['CLIENT', 'INFO', 'x'],
    ]);
  });

  test('CLIENT ID is an integer; CLIENT LIST ID finds the caller', async () => {
    for (const resp of [2, 3] as const) {
      const session = pair().ours(resp);
      const id = /^:(\d+)\r\n$/.exec(session.raw(['CLIENT', 'ID']).toString())?.[1];
      assert.ok(id);
      const line = textOf(session.raw(['CLIENT', 'LIST', 'ID', id, '424242']));
      assert.equal(fieldsOf(line.trimEnd()).get('id'), id);
      assert.ok(line.endsWith('\n') && line.split('\n').length === 2);
    }
  });

  test('CLIENT LIST and CLIENT INFO have Redis 7.2\'s fields in its order', async () => {
    for (const resp of [2, 3] as const) {
      const [ours, theirs] = await both(resp, ['CLIENT', 'INFO']);
      assert.equal(ours[0], theirs[0], 'bulk string in RESP2, verbatim string in RESP3');
      const mine = fieldsOf(textOf(ours).trimEnd());
      const oracle = fieldsOf(textOf(theirs).trimEnd());
      // Redis 7.2 adds lib-name and lib-ver at the end; the 7.0 oracle has everything before.
      assert.deepEqual([...mine.keys()], [...oracle.keys(), 'lib-name', 'lib-ver']);
      for (const field of ['name', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi', 'multi-mem', 'oll', 'cmd', 'user', 'redir', 'resp']) {
        assert.equal(mine.get(field), oracle.get(field), `${field} [RESP${resp}]`);
      }
      assert.equal(mine.get('argv-mem'), oracle.get('argv-mem'), 'argv-mem counts the command\'s own arguments');
    }
  });

  test('CLIENT HELP is Redis 7.2\'s', () => {
    const lines = textLinesOfStatusArray(pair().db.raw(['CLIENT', 'HELP']));
    assert.equal(lines[0], 'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.ok(lines.includes('SETINFO <option> <value>'));
    assert.ok(lines.includes('NO-TOUCH (ON|OFF)'));
    assert.deepEqual(lines.slice(-2), ['HELP', '    Print this help.']);
  });
});

function textLinesOfStatusArray(reply: Buffer): string[] {
  return (decodeFrame(reply).items ?? []).map((f) => f.line);
}

describe('CLIENT SETINFO, NO-EVICT, NO-TOUCH (Redis 7.2)', () => {
  test('SETINFO sets lib-name and lib-ver, validated as client names', () => {
    const s = new Cachica();
    const call = (...args: string[]): string => s.raw(args).toString();
    assert.equal(call('CLIENT', 'SETINFO', 'LIB-NAME', 'redis-py'), '+OK\r\n');
    assert.equal(call('CLIENT', 'SETINFO', 'lib-ver', '5.0.1'), '+OK\r\n');
    let line = fieldsOf(textOf(s.raw(['CLIENT', 'INFO'])).trimEnd());
    assert.equal(line.get('lib-name'), 'redis-py');
    assert.equal(line.get('lib-ver'), '5.0.1');
    assert.equal(call('CLIENT', 'SETINFO', 'lib-name', 'has space'), '-ERR lib-name cannot contain spaces, newlines or special characters.\r\n');
    assert.equal(call('CLIENT', 'SETINFO', 'LIB-VER', 'a\nb'), '-ERR LIB-VER cannot contain spaces, newlines or special characters.\r\n');
    assert.equal(call('CLIENT', 'SETINFO', 'lib-color', 'x'), "-ERR Unrecognized option 'lib-color'\r\n");
    assert.equal(call('CLIENT', 'SETINFO', 'lib-name'), "-ERR wrong number of arguments for 'client|setinfo' command\r\n");
    assert.equal(call('CLIENT', 'SETINFO', 'lib-name', ''), '+OK\r\n');
    line = fieldsOf(textOf(s.raw(['CLIENT', 'INFO'])).trimEnd());
    assert.equal(line.get('lib-name'), '');
    s.close();
  });

  test('NO-EVICT and NO-TOUCH set the e and T flags', () => {
    const s = new Cachica();
    const flags = (): string | undefined => fieldsOf(textOf(s.raw(['CLIENT', 'INFO'])).trimEnd()).get('flags');
    assert.equal(flags(), 'N');
    assert.equal(s.raw(['CLIENT', 'NO-TOUCH', 'on']).toString(), '+OK\r\n');
    assert.equal(flags(), 'T');
    assert.equal(s.raw(['CLIENT', 'NO-EVICT', 'ON']).toString(), '+OK\r\n');
    assert.equal(flags(), 'eT');
    assert.equal(s.raw(['CLIENT', 'NO-TOUCH', 'maybe']).toString(), '-ERR syntax error\r\n');
    assert.equal(s.raw(['CLIENT', 'NO-TOUCH', 'off']).toString(), '+OK\r\n');
    assert.equal(s.raw(['CLIENT', 'NO-EVICT', 'off']).toString(), '+OK\r\n');
    assert.equal(flags(), 'N');
    s.close();
  });

  test('COMMAND INFO describes the 7.2 subcommands', () => {
    const reply = pair().db.raw(['COMMAND', 'INFO', 'client|setinfo', 'client|no-touch']).toString('latin1');
    assert.match(reply, /^\*2\r\n\*10\r\n\$14\r\nclient\|setinfo\r\n:4\r\n/);
    assert.match(reply, /\$15\r\nclient\|no-touch\r\n:3\r\n/);
  });
});

// ---------------------------------------------------------------------------------------------
// Over real sockets
// ---------------------------------------------------------------------------------------------

describe('CLIENT over sockets', () => {
  let server: InProcessServer;
  let port = 0;
  before(async () => {
    server = await startInProcessServer();
    port = server.port;
  });
  after(async () => {
    await server?.close();
  });

  async function connect(name?: string): Promise<{ conn: RawConnection; id: string; addr: string }> {
    const conn = await RawConnection.connect(port);
    if (name) assert.equal((await conn.call(['CLIENT', 'SETNAME', name])).toString(), '+OK\r\n');
    const info = fieldsOf(textOf(await conn.call(['CLIENT', 'INFO'])).trimEnd());
    return { conn, id: info.get('id') as string, addr: info.get('addr') as string };
  }

  test('CLIENT LIST shows every connection with its own state', async () => {
    const a = await connect('alpha');
    const b = await connect('beta');
    await b.conn.call(['SELECT', '3']);
    await b.conn.call(['HELLO', '3']);
    const text = textOf(await a.conn.call(['CLIENT', 'LIST']));
    assert.ok(text.endsWith('\n'));
    const lines = text.trimEnd().split('\n').map(fieldsOf);
    const mine = lines.find((l) => l.get('id') === a.id);
    const other = lines.find((l) => l.get('id') === b.id);
    assert.ok(mine && other, text);
    assert.equal(mine.get('name'), 'alpha');
    assert.equal(mine.get('addr'), a.addr);
    assert.equal(mine.get('laddr'), `127.0.0.1:${port}`);
    assert.match(mine.get('fd') as string, /^\d+$/);
    assert.equal(mine.get('cmd'), 'client|list');
    assert.equal(mine.get('events'), 'r');
    assert.equal(other.get('name'), 'beta');
    assert.equal(other.get('db'), '3');
    assert.equal(other.get('resp'), '3');
    assert.equal(other.get('cmd'), 'hello');
    assert.equal(other.get('argv-mem'), '0', 'only the caller has a command in flight');
    assert.ok(Number(a.id) < Number(b.id), 'IDs grow with each connection');
    assert.deepEqual(
      lines.map((l) => l.get('id')),
      [...lines.map((l) => l.get('id'))].sort((x, y) => Number(x) - Number(y)),
      'clients in connection order',
    );
    const byId = textOf(await a.conn.call(['CLIENT', 'LIST', 'ID', b.id, a.id, b.id]));
    assert.deepEqual(byId.trimEnd().split('\n').map((l) => fieldsOf(l).get('id')), [b.id, a.id, b.id]);
    const normal = textOf(await a.conn.call(['CLIENT', 'LIST', 'TYPE', 'normal']));
    assert.equal(normal.trimEnd().split('\n').length, lines.length);
    await Promise.all([a.conn.close(), b.conn.close()]);
  });

  test('CLIENT KILL by address, old form: OK, and the other connection is closed', async () => {
    const a = await connect();
    const b = await connect();
    assert.equal((await a.conn.call(['CLIENT', 'KILL', b.addr])).toString(), '+OK\r\n');
    await b.conn.expectClosed();
    assert.equal((await a.conn.call(['CLIENT', 'KILL', b.addr])).toString(), '-ERR No such client\r\n');
    await a.conn.close();
  });

  test('CLIENT KILL old form may kill the caller, after its reply', async () => {
    const a = await connect();
    a.conn.send(['CLIENT', 'KILL', a.addr]);
    assert.equal((await a.conn.readFrame()).toString(), '+OK\r\n');
    await a.conn.expectClosed();
  });

  test('CLIENT KILL filters: ID, ADDR, LADDR, USER, TYPE, and SKIPME', async () => {
    const a = await connect();
    const b = await connect();
    const c = await connect();
    assert.equal((await a.conn.call(['CLIENT', 'KILL', 'ID', b.id])).toString(), ':1\r\n');
    await b.conn.expectClosed();
    assert.equal((await a.conn.call(['CLIENT', 'KILL', 'ID', a.id])).toString(), ':0\r\n', 'SKIPME defaults to yes');
    assert.equal((await a.conn.call(['CLIENT', 'KILL', 'ADDR', c.addr, 'ID', a.id])).toString(), ':0\r\n', 'all filters must match');
    assert.equal((await a.conn.call(['CLIENT', 'KILL', 'ADDR', c.addr, 'USER', 'default', 'TYPE', 'normal'])).toString(), ':1\r\n');
    await c.conn.expectClosed();
    const d = await connect();
    const e = await connect();
    assert.equal((await a.conn.call(['CLIENT', 'KILL', 'LADDR', `127.0.0.1:${port}`])).toString(), ':2\r\n');
    await Promise.all([d.conn.expectClosed(), e.conn.expectClosed()]);
    a.conn.send(['CLIENT', 'KILL', 'ID', a.id, 'SKIPME', 'no']);
    assert.equal((await a.conn.readFrame()).toString(), ':1\r\n');
    await a.conn.expectClosed();
  });

  test('a killed connection disappears from CLIENT LIST', async () => {
    const a = await connect();
    const b = await connect();
    await a.conn.call(['CLIENT', 'KILL', 'ID', b.id]);
    await b.conn.expectClosed();
    await new Promise((r) => setTimeout(r, 20));
    const ids = textOf(await a.conn.call(['CLIENT', 'LIST'])).trimEnd().split('\n').map((l) => fieldsOf(l).get('id'));
    assert.ok(!ids.includes(b.id));
    assert.ok(ids.includes(a.id));
    await a.conn.close();
  });
});
