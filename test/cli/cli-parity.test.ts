/**
 * cachica-cli against redis-cli: both run with the same arguments and input against the same
 * redis-server, and must print the same bytes, to the same streams, with the same exit code.
 */

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '../../src/client/index.js';
import { startRedis, type RunningServer, freePort } from '../helpers/servers.js';

const CACHICA_CLI = fileURLToPath(new URL('../../src/cli/cli-main.js', import.meta.url));

let redis: RunningServer;
/** HOME for both CLIs, so neither reads the rc or history files of whoever runs the tests. */
let home: string;
let socketPath: string;


interface Run {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

interface RunOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
  /** Stop the program once its output contains this (for commands that never end). */
  until?: string;
  /** Called once the output contains `until`'s predecessor, e.g. to publish a message. */
  onOutput?: (stdout: string) => void;
}

function run(which: 'redis-cli' | 'cachica-cli', args: string[], options: RunOptions = {}): Promise<Run> {
  const [command, argv] = which === 'redis-cli' ? ['redis-cli', args] : [process.execPath, [CACHICA_CLI, ...args]];
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: home, TERM: 'dumb', ...options.env };
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${which} ${args.join(' ')} did not finish; output so far:\n${Buffer.concat(out).toString('latin1')}${err}`));
    }, 15_000);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new Error(`${command} is not on PATH: the CLI parity tests need redis-cli 7`) : error);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      out.push(chunk);
      const text = Buffer.concat(out).toString('latin1');
      options.onOutput?.(text);
      if (options.until !== undefined && text.includes(options.until)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('latin1');
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: err, code: options.until !== undefined ? 0 : code });
    });
    child.stdin.on('error', () => {
      // The program may exit before reading its input.
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Run both CLIs (one after the other: the server's state must be the same for both). */
async function assertSameOutput(args: string[], options: RunOptions = {}): Promise<void> {
  const expected = await run('redis-cli', args, options);
  const actual = await run('cachica-cli', args, options);
  assert.equal(actual.stdout.toString('latin1'), expected.stdout.toString('latin1'), `stdout of ${args.join(' ')}`);
  assert.equal(actual.stderr, expected.stderr, `stderr of ${args.join(' ')}`);
  assert.equal(actual.code, expected.code, `exit code of ${args.join(' ')}`);
}

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'cachica-cli-home-'));
  socketPath = join(home, 'redis.sock');
  redis = await startRedis({ args: ['--unixsocket', socketPath] });
  const c = await Client.connect({ port: redis.port });
  await c.call('SET', 'str', 'hello world');
  await c.call('SET', 'esc', Buffer.from('quote" back\\ nl\n cr\r tab\t bell\x07 bs\x08 nul\x00 hi\xff é', 'latin1'));
  await c.call('SET', 'utf8', 'héllo ✓');
  await c.call('RPUSH', 'list', 'a', 'b c', '', 'd');
  await c.call('RPUSH', 'long', ...Array.from({ length: 12 }, (_, i) => `item${i}`));
  await c.call('HSET', 'hash', 'f1', 'v1', 'f2', '');
  await c.call('SADD', 'set', '3', '1', '2');
  await c.call('ZADD', 'zset', '1.5', 'a', '2', 'b', '-inf', 'c');
  await c.call('XADD', 'stream', '1-1', 'field', 'value', 'other', 'x');
  await c.call('XADD', 'stream', '2-1', 'f', 'v');
  await c.call('ACL', 'SETUSER', 'alice', 'on', '>wonderland', '~*', '+@all');
  await c.close();
});

after(async () => {
  await redis.stop();
  rmSync(home, { recursive: true, force: true });
});

/** One command per reply shape; each runs in every output mode below. */
const COMMANDS: string[][] = [
  ['PING'],
  ['SET', 'str', 'hello world'],
  ['GET', 'str'],
  ['GET', 'esc'],
  ['GET', 'utf8'],
  ['GET', 'missing'],
  ['STRLEN', 'str'],
  ['INCRBYFLOAT', 'missing-float', '0'],
  ['GET'],
  ['GET', 'list'],
  ['NOSUCHCOMMAND', 'x'],
  ['LRANGE', 'list', '0', '-1'],
  ['LRANGE', 'long', '0', '-1'],
  ['LRANGE', 'missing', '0', '-1'],
  ['HGETALL', 'hash'],
  ['HGETALL', 'missing'],
  ['SMEMBERS', 'set'],
  ['SMEMBERS', 'missing'],
  ['ZRANGE', 'zset', '0', '-1', 'WITHSCORES'],
  ['ZSCORE', 'zset', 'a'],
  ['ZSCORE', 'zset', 'c'],
  ['XRANGE', 'stream', '-', '+'],
  ['XINFO', 'STREAM', 'stream'],
  ['CONFIG', 'GET', 'maxmemory-policy'],
  ['COMMAND', 'INFO', 'get'],
  ['MGET', 'str', 'missing', 'list'],
  ['INFO', 'keyspace'],
  ['DEBUG', 'PROTOCOL', 'string'],
  ['DEBUG', 'PROTOCOL', 'integer'],
  ['DEBUG', 'PROTOCOL', 'double'],
  ['DEBUG', 'PROTOCOL', 'null'],
  ['DEBUG', 'PROTOCOL', 'array'],
  ['DEBUG', 'PROTOCOL', 'set'],
  ['DEBUG', 'PROTOCOL', 'map'],
  ['DEBUG', 'PROTOCOL', 'verbatim'],
  ['DEBUG', 'PROTOCOL', 'true'],
  ['DEBUG', 'PROTOCOL', 'false'],
  ['DEBUG', 'PROTOCOL', 'push'],
  ['EVAL', "return {1, 'two', {3, {'four'}}, redis.error_reply('ERR inner')}", '0'],
];

const MODES: { name: string; flags: string[]; env?: Record<string, string> }[] = [
  { name: 'raw (stdout not a tty), RESP2', flags: [] },
  { name: 'raw, RESP3', flags: ['-3'] },
  { name: '--no-raw, RESP2', flags: ['--no-raw'] },
  { name: '--no-raw, RESP3', flags: ['--no-raw', '-3'] },
  { name: 'as on a terminal (FAKETTY), RESP3', flags: ['-3'], env: { FAKETTY: '1' } },
];

for (const mode of MODES) {
  describe(`one-shot commands print the same, ${mode.name}`, () => {
    for (const command of COMMANDS) {
      test(command.join(' '), () => assertSameOutput(['-p', String(redis.port), ...mode.flags, ...command], { env: mode.env }));
    }
  });
}

// Only databases 9 and 10: the script runs twice and must find the same state each time.
const SCRIPT = [
  'select 10',
  'flushdb',
  'select 9',
  'flushdb',
  'ping',
  'set counter 10',
  'incr counter',
  '3 incr counter',
  '0 incr counter',
  'get',
  'set k "v\\x41\\n" extra',
  'set k "v\\x41\\n"',
  'get k',
  "set q 'it\\'s'",
  'get q',
  'set broken "unbalanced',
  '',
  '   ',
  'rpush l a b c',
  'lrange l 0 -1',
  'multi',
  'incr counter',
  'lpush counter x',
  'exec',
  'select 10',
  'set in10 yes',
  'get in10',
  'discard',
  'select 9',
  'get in10',
  'hgetall nothing',
  'smembers nothing',
  'client tracking on',
  'get k',
  'set k changed',
  'get k',
  'restart',
  ':set nohints',
  'help get',
  'quit',
  'ping',
].join('\n');

describe('commands read from stdin print the same', () => {
  for (const mode of MODES) {
    test(mode.name, () => assertSameOutput(['-p', String(redis.port), '-n', '9', ...mode.flags], { input: SCRIPT + '\n', env: mode.env }));
  }
  test('binary bytes and a last line without newline', () =>
    assertSameOutput(['-p', String(redis.port), '-n', '9', '--no-raw'], {
      input: Buffer.from('set bin "\\xff\\x00\xfe\xe9"\r\nget bin\nstrlen bin', 'latin1'),
    }));
});

describe('options behave the same', () => {
  const port = (): string => String(redis.port);
  const cases: [string, () => string[], RunOptions?][] = [
    ['an unknown option', () => ['--bogus', 'ping']],
    ['an option missing its value', () => ['-p']],
    ['-2 with -3', () => ['-2', '-3', 'ping']],
    ['-n selects a database', () => ['-p', port(), '-n', '9', '--no-raw', 'dbsize']],
    ['-n with a database that does not exist', () => ['-p', port(), '-n', '99', 'ping']],
    ['-a with a wrong password', () => ['-p', port(), '-a', 'nope', 'ping']],
    ['--user and -a', () => ['-p', port(), '--user', 'alice', '-a', 'wonderland', 'acl', 'whoami']],
    ['--user with a wrong password', () => ['-p', port(), '--user', 'alice', '--pass', 'x', '--no-auth-warning', 'acl', 'whoami']],
    ['-u with user, password and database', () => ['-u', `redis://alice:wonderland@127.0.0.1:${port()}/9`, 'acl', 'whoami']],
    ['-u with a bad scheme', () => ['-u', 'http://localhost']],
    ['-e turns an error into exit code 1', () => ['-p', port(), '-e', 'get']],
    ['-e with success', () => ['-p', port(), '-e', 'ping']],
    ['-x reads the last argument from stdin', () => ['-p', port(), '-x', 'set', 'from-stdin'], { input: 'line one\nline\x00two\n' }],
    ['-X replaces a tag with stdin', () => ['-p', port(), '-X', 'TAG', 'set', 'TAG', 'v'], { input: 'key-from-stdin' }],
    ['-X without the tag', () => ['-p', port(), '-X', 'TAG', 'get', 'x'], { input: 'k' }],
    ['--quoted-input', () => ['-p', port(), '--no-raw', '--quoted-input', 'echo', '"a\\x00b\\n"']],
    ['--quoted-input with an unbalanced quote', () => ['-p', port(), '--quoted-input', 'echo', '"a']],
    ['-d and -D delimiters', () => ['-p', port(), '-d', ',', '-D', ';', 'lrange', 'list', '0', '-1']],
    ['-r and -i repeat', () => ['-p', port(), '-r', '3', '-i', '0.01', '--no-raw', 'echo', 'again']],
    ['-s connects to a unix socket', () => ['-s', socketPath, '--no-raw', 'ping']],
    ['help for a command', () => ['-p', port(), 'help', 'set']],
    ['help for a subcommand', () => ['-p', port(), 'help', 'config', 'get']],
    ['help for a group', () => ['-p', port(), 'help', '@hyperloglog']],
    ['help for nothing known', () => ['-p', port(), 'help', 'nosuch']],
  ];
  for (const [name, args, options] of cases) test(name, () => assertSameOutput(args(), options));

  test('a server that is not there', async () => {
    const port = String(await freePort());
    await assertSameOutput(['-p', port, 'ping']);
    await assertSameOutput(['-p', port], { input: 'ping\nping\n' });
  });
});

describe('subscriber mode prints messages as they come', () => {
  for (const flags of [[], ['--no-raw'], ['-3', '--no-raw']]) {
    test(flags.join(' ') || 'raw', async () => {
      const outputs: string[] = [];
      for (const which of ['redis-cli', 'cachica-cli'] as const) {
        let published = false;
        const result = await run(which, ['-p', String(redis.port), ...flags, 'subscribe', 'news'], {
          until: 'goodbye',
          onOutput: (text) => {
            if (published || !text.includes('news')) return;
            published = true;
            void Client.connect({ port: redis.port }).then(async (c) => {
              await c.call('PUBLISH', 'news', 'hello');
              await c.call('PUBLISH', 'news', 'goodbye');
              await c.close();
            });
          },
        });
        outputs.push(result.stdout.toString('latin1'));
      }
      assert.equal(outputs[1], outputs[0]);
    });
  }
});

describe('where cachica-cli goes beyond redis-cli 7.0', () => {
  test('a big number prints as later redis-cli versions print it', async () => {
    const r = await run('cachica-cli', ['-p', String(redis.port), '-3', '--no-raw', 'DEBUG', 'PROTOCOL', 'bignum']);
    assert.equal(r.stdout.toString(), '(big number) 1234567999999999999999999999999999999\n');
    assert.equal(r.code, 0);
  });

  test('an attribute is read and dropped instead of failing the protocol', async () => {
    const r = await run('cachica-cli', ['-p', String(redis.port), '-3', '--no-raw', 'DEBUG', 'PROTOCOL', 'attrib']);
    assert.equal(r.stdout.toString(), '"Some real reply following the attribute"\n');
  });

  test('--version names cachica-cli', async () => {
    const r = await run('cachica-cli', ['--version']);
    assert.match(r.stdout.toString(), /^cachica-cli \d+\.\d+\.\d+\n$/);
  });
});
