import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Argv } from '../../src/protocol/argv.js';
import { ParseResult, RequestParser } from '../../src/protocol/parser.js';

/** Feed `chunks` and collect every command (as latin1 strings) and the final status. */
function parseAll(chunks: Buffer[], setup?: (p: RequestParser) => void): { commands: string[][]; error: string } {
  const p = new RequestParser();
  setup?.(p);
  const argv = new Argv();
  const commands: string[][] = [];
  for (const chunk of chunks) {
    p.push(chunk);
    for (;;) {
      const r = p.next(argv);
      if (r === ParseResult.Incomplete) break;
      if (r === ParseResult.Error) return { commands, error: p.error };
      commands.push(argv.strs());
    }
  }
  return { commands, error: '' };
}

function resp(...args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

test('a multibulk command split at every byte position parses the same', () => {
  const input = Buffer.concat([resp('SET', 'key', 'hello world'), resp('GET', 'key'), Buffer.from('PING\r\n')]);
  const expected = [['SET', 'key', 'hello world'], ['GET', 'key'], ['PING']];
  for (let i = 0; i <= input.length; i++) {
    for (let j = i; j <= input.length; j += 3) {
      const { commands, error } = parseAll([input.subarray(0, i), input.subarray(i, j), input.subarray(j)]);
      assert.equal(error, '');
      assert.deepEqual(commands, expected, `split at ${i},${j}`);
    }
  }
});

test('one byte at a time', () => {
  const input = Buffer.concat([resp('MSET', 'a', '1', 'b', '2'), Buffer.from('  get   "a b"  \n')]);
  const chunks = [...input].map((b) => Buffer.from([b]));
  const { commands } = parseAll(chunks);
  assert.deepEqual(commands, [['MSET', 'a', '1', 'b', '2'], ['get', 'a b']]);
});

test('binary arguments with every byte value survive', () => {
  const all = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  const { commands } = parseAll([resp('SET', all, all)]);
  assert.equal(commands.length, 1);
  assert.deepEqual(Buffer.from(commands[0][1], 'latin1'), all);
});

test('a deep pipeline in one chunk yields every command in order', () => {
  const parts: Buffer[] = [];
  for (let i = 0; i < 10000; i++) parts.push(resp('INCR', `k${i}`));
  const { commands } = parseAll([Buffer.concat(parts)]);
  assert.equal(commands.length, 10000);
  assert.deepEqual(commands[9999], ['INCR', 'k9999']);
});

test('a large bulk arriving in many small chunks is parsed in linear time', () => {
  const big = Buffer.alloc(8 * 1024 * 1024, 120);
  const input = resp('SET', 'big', big);
  const chunks: Buffer[] = [];
  for (let i = 0; i < input.length; i += 4096) chunks.push(input.subarray(i, i + 4096));
  const t0 = performance.now();
  const { commands } = parseAll(chunks);
  const elapsed = performance.now() - t0;
  assert.equal(commands.length, 1);
  assert.equal(commands[0][2].length, big.length);
  assert.ok(elapsed < 2000, `took ${elapsed} ms`);
});

test('many small arguments in one command spread over chunks', () => {
  const args = ['DEL'];
  for (let i = 0; i < 50000; i++) args.push(`key:${i}`);
  const input = resp(...args);
  const chunks: Buffer[] = [];
  for (let i = 0; i < input.length; i += 1000) chunks.push(input.subarray(i, i + 1000));
  const t0 = performance.now();
  const { commands } = parseAll(chunks);
  assert.ok(performance.now() - t0 < 2000);
  assert.equal(commands[0].length, 50001);
  assert.equal(commands[0][50000], 'key:49999');
});

test('inline commands: quoting rules of sdssplitargs', () => {
  const cases: [string, string[] | null][] = [
    ['SET a b\r\n', ['SET', 'a', 'b']],
    ['SET a b\n', ['SET', 'a', 'b']],
    ['set "a b" \'c d\'\r\n', ['set', 'a b', 'c d']],
    ['echo "\\x41\\x4a\\n\\t"\n', ['echo', 'AJ\n\t']],
    ['echo "\\x4g"\n', ['echo', 'x4g']],
    ["echo 'it\\'s'\n", ['echo', "it's"]],
    ['echo foo"bar baz"\n', ['echo', 'foobar baz']],
    ['echo "a"b\n', null],
    ['echo "abc\n', null],
    ["echo 'abc\n", null],
  ];
  for (const [line, expected] of cases) {
    const { commands, error } = parseAll([Buffer.from(line, 'latin1')]);
    if (expected === null) assert.equal(error, 'ERR Protocol error: unbalanced quotes in request', line);
    else assert.deepEqual(commands, [expected], line);
  }
});

test('empty inline lines and *0 are skipped', () => {
  const { commands } = parseAll([Buffer.from('\r\n\n   \r\n*0\r\n*-1\r\nPING\r\n')]);
  assert.deepEqual(commands, [['PING']]);
});

test('protocol errors use Redis texts', () => {
  const cases: [string, string][] = [
    ['*1\r\n+foo\r\n', "ERR Protocol error: expected '$', got '+'"],
    ['*abc\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['*3000000000\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['*1\r\n$-5\r\n', 'ERR Protocol error: invalid bulk length'],
    ['*1\r\n$+5\r\n', 'ERR Protocol error: invalid bulk length'],
    ['*1\r\n$536870913\r\n', 'ERR Protocol error: invalid bulk length'],
    ['*1\r\n$05\r\n', 'ERR Protocol error: invalid bulk length'],
  ];
  for (const [input, message] of cases) {
    assert.equal(parseAll([Buffer.from(input)]).error, message, JSON.stringify(input));
  }
});

test('header lines longer than 64 KB without CR are refused', () => {
  assert.equal(parseAll([Buffer.alloc(70 * 1024, 65)]).error, 'ERR Protocol error: too big inline request');
  assert.equal(
    parseAll([Buffer.concat([Buffer.from('*'), Buffer.alloc(70 * 1024, 49)])]).error,
    'ERR Protocol error: too big mbulk count string',
  );
  assert.equal(
    parseAll([Buffer.concat([Buffer.from('*1\r\n$'), Buffer.alloc(70 * 1024, 49)])]).error,
    'ERR Protocol error: too big bulk count string',
  );
});

test('commands before a protocol error are still returned', () => {
  const { commands, error } = parseAll([Buffer.concat([resp('PING'), Buffer.from('*1\r\n!oops\r\n')])]);
  assert.deepEqual(commands, [['PING']]);
  assert.match(error, /expected '\$', got '!'/);
});

test('unauthenticated clients may not send large requests', () => {
  const setup = (p: RequestParser): void => {
    p.authRequired = true;
  };
  assert.equal(parseAll([Buffer.from('*11\r\n')], setup).error, 'ERR Protocol error: unauthenticated multibulk length');
  assert.equal(parseAll([Buffer.from('*1\r\n$16385\r\n')], setup).error, 'ERR Protocol error: unauthenticated bulk length');
});

test('pending counts unconsumed bytes including a partial command', () => {
  const p = new RequestParser();
  const argv = new Argv();
  p.push(Buffer.from('*2\r\n$3\r\nGET\r\n$5\r\nab'));
  assert.equal(p.next(argv), ParseResult.Incomplete);
  assert.equal(p.pending, 19);
  p.push(Buffer.from('cde\r\n'));
  assert.equal(p.next(argv), ParseResult.Command);
  assert.deepEqual(argv.strs(), ['GET', 'abcde']);
  assert.equal(p.pending, 0);
});
