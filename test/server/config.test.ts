/**
 * Server parameters: the Config class's parsing rules and CONFIG GET/SET against real Redis
 * (every parameter cachica declares, its default under the same start-up settings, and its
 * replies to valid and invalid values), the start-up configuration reader, and the server binary
 * refusing bad settings. A missing redis-server fails these tests: without the oracle they would
 * prove nothing.
 */

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Config, ConfigError, loadConfig, PARAMS, parseMemory, type ParamSpec } from '../../src/server/config.js';
import { assertSameBytes, useOraclePair, type Resp } from '../helpers/oracle-pair.js';
import { decodeFrame } from '../helpers/raw-connection.js';
import { cachicaServerMain } from '../helpers/servers.js';

// ---------------------------------------------------------------------------------------------
// Config on its own
// ---------------------------------------------------------------------------------------------

describe('Config parsing', () => {
  test('memory values take Redis units, saturate like strtoull and refuse signs and spaces', () => {
    const config = new Config();
    assert.equal(config.normalize('maxmemory', '1k'), '1000');
    assert.equal(config.normalize('maxmemory', '1KB'), '1024');
    assert.equal(config.normalize('maxmemory', '2mb'), String(2 * 1024 * 1024));
    assert.equal(config.normalize('maxmemory', '1g'), '1000000000');
    assert.equal(config.normalize('maxmemory', '3b'), '3');
    assert.equal(config.normalize('maxmemory', '18446744073709551616'), '18446744073709551615');
    for (const bad of ['-1', '+1', ' 1', '1 kb', '1.5mb', '1t', 'abc']) {
      assert.throws(() => config.normalize('maxmemory', bad), { message: 'argument must be a memory value' }, bad);
    }
    assert.throws(() => config.normalize('proto-max-bulk-len', '1000'), {
      message: 'argument must be between 1048576 and 9223372036854775807 inclusive',
    });
    assert.equal(parseMemory('4kb'), 4096);
    assert.equal(parseMemory('x'), null);
  });

  test('integers are parsed as string2ll: no sign, spaces or leading zeros', () => {
    const config = new Config();
    assert.equal(config.normalize('timeout', '0'), '0');
    assert.equal(config.normalize('timeout', '300'), '300');
    for (const bad of ['+5', ' 5', '05', '5 ', '1e3', '', '-0']) {
      assert.throws(() => config.normalize('timeout', bad), { message: "argument couldn't be parsed into an integer" }, JSON.stringify(bad));
    }
    assert.throws(() => config.normalize('timeout', '-1'), { message: 'argument must be between 0 and 2147483647 inclusive' });
    // maxclients is unsigned in Redis: -1 wraps around and fails the upper bound.
    assert.throws(() => config.normalize('maxclients', '-1'), { message: 'argument must be between 1 and 4294967295 inclusive' });
  });

  test('hz out of range is accepted and clamped to 1..500, as Redis does', () => {
    const config = new Config();
    assert.equal(config.normalize('hz', '0'), '1');
    assert.equal(config.normalize('hz', '100000'), '500');
    assert.equal(config.normalize('hz', '42'), '42');
  });

  test('octal parameters read and print octal', () => {
    const config = new Config();
    config.setInitial('unixsocketperm', '700');
    assert.equal(config.get('unixsocketperm'), '700');
    assert.equal(config.getNumber('unixsocketperm'), 0o700);
    assert.throws(() => config.normalize('unixsocketperm', '8'), { message: "argument couldn't be parsed as an octal number" });
    assert.throws(() => config.normalize('unixsocketperm', '1000'), { message: 'argument must be between 0 and 777 inclusive' });
  });

  test('booleans and enums are case-insensitive and stored in lower case', () => {
    const config = new Config();
    assert.equal(config.normalize('protected-mode', 'NO'), 'no');
    assert.throws(() => config.normalize('protected-mode', '1'), { message: "argument must be 'yes' or 'no'" });
    assert.equal(config.normalize('maxmemory-policy', 'AllKeys-LRU'), 'allkeys-lru');
    assert.throws(() => config.normalize('loglevel', 'loud'), {
      message: 'argument(s) must be one of the following: debug, verbose, notice, warning, nothing',
    });
  });

  test('save takes pairs of seconds >= 1 and changes >= 0, printed canonically', () => {
    const config = new Config();
    assert.equal(config.normalize('save', ''), '');
    assert.equal(config.normalize('save', '900 1 300 10'), '900 1 300 10');
    assert.equal(config.normalize('save', '+900 01'), '900 1');
    for (const bad of ['900', '0 1', '900 -1', '900 x', '900  1', '900 1 ']) {
      assert.throws(() => config.normalize('save', bad), { message: 'Invalid save parameters' }, JSON.stringify(bad));
    }
  });

  test('dir resolves to an absolute, existing directory; dbfilename is a file name', () => {
    const config = new Config();
    assert.equal(config.get('dir'), process.cwd());
    assert.equal(config.normalize('dir', '/'), '/');
    assert.throws(() => config.normalize('dir', '/no/such/dir'), { message: 'No such file or directory' });
    assert.throws(() => config.normalize('dbfilename', 'a/b.rdb'), { message: "dbfilename can't be a path, just a filename" });
  });

  test('several watchers may watch one parameter', () => {
    const config = new Config();
    const seen: string[] = [];
    config.watch('hz', (v) => seen.push(`a${v}`));
    config.watch('hz', (v) => seen.push(`b${v}`));
    config.setRuntime('hz', '20');
    config.setRuntime('hz', '20');
    assert.deepEqual(seen, ['a20', 'b20']);
  });

  test('setMany is all or nothing, and a failing watcher puts every old value back', () => {
    const config = new Config();
    const applied: string[] = [];
    config.watch('timeout', (v) => applied.push(`timeout=${v}`));
    config.watch('hz', (v) => {
      if (v === '99') throw new ConfigError('Unable to apply');
      applied.push(`hz=${v}`);
    });
    assert.throws(() => config.setMany([['timeout', '5'], ['hz', 'x']], false), {
      message: "CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer",
    });
    assert.equal(config.get('timeout'), '0');
    assert.deepEqual(applied, []);
    assert.throws(() => config.setMany([['timeout', '5'], ['hz', '99']], false), {
      message: "CONFIG SET failed (possibly related to argument 'hz') - Unable to apply",
    });
    assert.equal(config.get('timeout'), '0');
    assert.equal(config.get('hz'), '10');
    // Every watcher of a changed parameter sees the old value again, the failed one included.
    assert.deepEqual(applied, ['timeout=5', 'timeout=0', 'hz=10']);
    config.setMany([['timeout', '7'], ['hz', '12']], false);
    assert.equal(config.get('timeout'), '7');
    assert.equal(config.get('hz'), '12');
  });

  test('setMany checks names first: unknown, immutable, protected and duplicate parameters', () => {
    const config = new Config();
    // The first problem in argument order is the one reported.
    assert.throws(() => config.setMany([['nope', '1'], ['databases', '2']], false), {
      message: "Unknown option or number of arguments for CONFIG SET - 'nope'",
    });
    assert.throws(() => config.setMany([['databases', '2'], ['nope', '1']], false), {
      message: "CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config",
    });
    assert.throws(() => config.setMany([['timeout', '1'], ['Databases', '2']], false), {
      message: "CONFIG SET failed (possibly related to argument 'Databases') - can't set immutable config",
    });
    assert.throws(() => config.setMany([['dir', '/']], false), {
      message: "CONFIG SET failed (possibly related to argument 'dir') - can't set protected config",
    });
    config.setMany([['dir', '/']], true);
    assert.equal(config.get('dir'), '/');
    assert.throws(() => config.setMany([['timeout', '1'], ['TIMEOUT', '2']], false), {
      message: "CONFIG SET failed (possibly related to argument 'TIMEOUT') - duplicate parameter",
    });
  });

  test('lookup matches globs case-insensitively, keeps exact names as asked, and hides hidden ones', () => {
    const specs: ParamSpec[] = [
      { name: 'replicaof', alias: 'slaveof', type: 'string', default: '' },
      { name: 'secret', type: 'string', default: 's', hidden: true },
      { name: 'port', type: 'int', default: '1' },
    ];
    const config = new Config(specs);
    assert.deepEqual(config.lookup(['*of']), [
      ['replicaof', ''],
      ['slaveof', ''],
    ]);
    assert.deepEqual(config.lookup(['*']), [
      ['replicaof', ''],
      ['slaveof', ''],
      ['port', '1'],
    ]);
    assert.deepEqual(config.lookup(['SECRET', 'secret', 'PORT', 'p*']), [
      ['SECRET', 's'],
      ['PORT', '1'],
    ]);
  });
});

describe('loadConfig', () => {
  test('file lines, then command-line options; save lines accumulate after replacing the default', () => {
    const config = new Config();
    loadConfig(config, '# comment\n  port 7000  \r\nsave 900 1\nsave "300 10"\n\nhz 20\n', ['--timeout', '5', '--save', '60', '100']);
    assert.equal(config.get('port'), '7000');
    assert.equal(config.get('hz'), '20');
    assert.equal(config.get('timeout'), '5');
    assert.equal(config.get('save'), '900 1 300 10 60 100');
    const cleared = new Config();
    loadConfig(cleared, null, ['--save', '']);
    assert.equal(cleared.get('save'), '');
  });

  test('an unknown directive, a bad value or a missing value names the line', () => {
    assert.throws(() => loadConfig(new Config(), 'port 1\nfoo bar\n', []), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /\*\*\* FATAL CONFIG FILE ERROR \(cachica\) \*\*\*\nReading the configuration file, at line 2\n>>> 'foo bar'\nBad directive or wrong number of arguments/);
      return true;
    });
    assert.throws(() => loadConfig(new Config(), null, ['--port', 'abc']), /in the command line\n>>> 'port abc'\nargument couldn't be parsed into an integer/);
    assert.throws(() => loadConfig(new Config(), 'timeout\n', []), /wrong number of arguments/);
    assert.throws(() => loadConfig(new Config(), 'timeout "5\n', []), /Unbalanced quotes in configuration line/);
    assert.throws(() => loadConfig(new Config(), 'include other.conf\n', []), /'include' is not supported by cachica/);
    assert.throws(() => loadConfig(new Config(), null, ['port']), /Invalid argument 'port'/);
  });
});

// ---------------------------------------------------------------------------------------------
// Against Redis
// ---------------------------------------------------------------------------------------------

/** The settings both servers start with (redis-server gets them from the test helper). */
const SHARED_SETTINGS = { bind: '127.0.0.1', save: '', appendonly: 'no', 'enable-debug-command': 'yes' };

const pair = useOraclePair(SHARED_SETTINGS);
const both = (resp: Resp, args: string[]): Promise<[Buffer, Buffer]> => pair().both(resp, args);
const assertSame = assertSameBytes;

/** Redis 7.0 lacks the "nothing" log level that 7.2, our target, has. */
function as72(reply: Buffer): Buffer {
  return Buffer.from(reply.toString('latin1').replace('debug, verbose, notice, warning\r\n', 'debug, verbose, notice, warning, nothing\r\n'), 'latin1');
}

/** Parameters Redis 7.2 added after the 7.0 oracle: checked against 7.2's definitions below. */
const ONLY_IN_72: Record<string, string[]> = {
  'set-max-listpack-entries': ['0', '1000', '-1', 'abc', '128'],
  'set-max-listpack-value': ['0', '1000', '-1', '1k', 'abc', '64'], // a memory value: 1k is 1024
};

describe('CONFIG GET against Redis', () => {
  test('every parameter has the default Redis has under the same settings', async () => {
    // port and dir differ by construction (each server has its own); bind is set on both.
    for (const spec of PARAMS) {
      if (spec.name === 'port' || spec.name === 'dir' || spec.name in ONLY_IN_72) continue;
      for (const resp of [2, 3] as const) {
        const [ours, theirs] = await both(resp, ['CONFIG', 'GET', spec.name]);
        assertSame(ours, theirs, `CONFIG GET ${spec.name} [RESP${resp}]`);
      }
    }
    const dir = pair().ours(2).raw(['CONFIG', 'GET', 'dir']).toString('latin1');
    assert.equal(dir, `*2\r\n$3\r\ndir\r\n$${Buffer.byteLength(process.cwd())}\r\n${process.cwd()}\r\n`);
  });

  test('exact names keep their case; globs match case-insensitively; unknown names are left out', async () => {
    const queries = [
      ['CONFIG', 'GET', 'HZ'],
      ['CONFIG', 'GET', 'Hz', 'h?', 'hz'],
      ['CONFIG', 'GET', 'no-such-parameter'],
      ['CONFIG', 'GET', 'tcp-*'],
      ['CONFIG', 'GET', 'unixsocket*'],
      ['CONFIG', 'GET', 'LAZYFREE-LAZY-USER-*'],
      ['CONFIG', 'GET', 'databases', 'tcp-backlog', 'maxmemory-policy'],
    ];
    for (const resp of [2, 3] as const) {
      for (const q of queries) {
        const [ours, theirs] = await both(resp, q);
        // Redis lists matches in its dict's order: compare the pairs as sets.
        assert.deepEqual(pairsOf(ours), pairsOf(theirs), `${q.join(' ')} [RESP${resp}]`);
      }
    }
  });
});

/** The name/value pairs of a CONFIG GET reply (a map, or a flat array in RESP2), sorted. */
function pairsOf(reply: Buffer): string[] {
  const items = decodeFrame(reply).items ?? [];
  const pairs: string[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) pairs.push(`${items[i].data?.toString('latin1')}=${items[i + 1].data?.toString('latin1')}`);
  return pairs.sort();
}

/**
 * Values to set for each runtime parameter, valid and invalid. Parameters whose change would
 * disturb the oracle (port and bind rebind it) get invalid values only.
 */
const SET_CASES: Record<string, string[]> = {
  port: ['abc', '-1', '65536', '1.5', ''],
  bind: [Array.from({ length: 17 }, (_, i) => `127.0.0.${i + 1}`).join(' ')],
  'proto-max-bulk-len': ['1mb', '1048575', '512mb', '1g', '-1', 'abc', '1.5mb', '2KB', '9223372036854775808', '536870912'],
  'client-query-buffer-limit': ['1mb', '1gb', '1048575', '-5', 'x', '1073741824'],
  hz: ['0', '1000', '20', '-1', 'abc', '10'],
  maxclients: ['0', '1', '-1', '4294967296', '+5', '10000'],
  timeout: ['0', '100', '-1', 'abc', '2147483648', '+5', '010', ' 5', '0'],
  'tcp-keepalive': ['0', '60', '-1', 'x', '300'],
  'tracking-table-max-keys': ['0', '10', '-1', 'x', '9223372036854775808', '1000000'],
  requirepass: ['secret', '', 'with space', ''],
  'protected-mode': ['no', 'YES', 'maybe', '1', 'yes'],
  loglevel: ['debug', 'WARNING', 'loud', 'notice'],
  'active-expire-effort': ['1', '10', '0', '11', '1'],
  maxmemory: ['100mb', '1gb', '-1', 'abc', '18446744073709551616', '0'],
  'maxmemory-policy': ['allkeys-lru', 'VOLATILE-TTL', 'bad', 'noeviction'],
  'maxmemory-samples': ['1', '64', '0', '2147483648', 'x', '5'],
  'maxmemory-eviction-tenacity': ['0', '100', '-1', '101', '10'],
  'lfu-log-factor': ['0', '100', '-1', 'x', '10'],
  'lfu-decay-time': ['0', '60', '-1', '1.5', '1'],
  'lazyfree-lazy-user-del': ['yes', 'x', 'no'],
  rdbcompression: ['no', 'maybe', 'yes'],
  'lazyfree-lazy-user-flush': ['yes', 'No', 'no'],
  save: ['100 10', '3600 1 300 100', '100', '0 1', '100 -1', 'abc 1', '+5 03', '100  10', '100 10 ', ''],
  appendonly: ['no', 'maybe'],
  'stop-writes-on-bgsave-error': ['no', 'x', 'yes'],
  appendfsync: ['always', 'EVERYSEC', 'sometimes', 'everysec'],
  'no-appendfsync-on-rewrite': ['yes', 'x', 'no'],
  'aof-load-truncated': ['no', 'x', 'yes'],
  'aof-use-rdb-preamble': ['no', 'maybe', 'yes'],
  'auto-aof-rewrite-percentage': ['0', '200', '-1', 'x', '100'],
  'auto-aof-rewrite-min-size': ['1mb', '0', '-1', 'x', '64mb'],
  'busy-reply-threshold': ['100', '0', '-1', 'x', '5000'],
  'lua-time-limit': ['200', '5000'],
  dir: ['/tmp'],
  dbfilename: ['x.rdb'],
  'list-max-listpack-size': ['-1', '-5', '-6', '0', '100', '2147483648', 'abc', '-2'],
  'list-max-ziplist-size': ['-3', '-2'],
  'set-max-intset-entries': ['0', '10000', '-1', '1.5', '512'],
  'hash-max-listpack-entries': ['0', '1000', '-1', 'x', '128'],
  'hash-max-ziplist-value': ['10', '64'],
  'hash-max-listpack-value': ['0', '1000', '-1', '1k', '64'],
  'zset-max-listpack-entries': ['0', '1000', '-1', 'x', '128'],
  'zset-max-ziplist-entries': ['10', '128'],
  'zset-max-listpack-value': ['0', '1000', '-1', '1k', '64'],
  'hll-sparse-max-bytes': ['0', '30', '-1', '3k', '1gb', 'x', '3000'],
  'stream-node-max-bytes': ['0', '1000', '-1', '4k', '1gb', '4096'],
  'stream-node-max-entries': ['0', '5', '-1', 'x', '9223372036854775807', '100'],
  'notify-keyspace-events': ['KEA', 'Egx$', 'AKE', 'xm', 'K', 'E', 'z', 'KEd', 'tn', 'Kq', 'AA', ''],
  'client-output-buffer-limit': [
    'pubsub 1mb 512kb 30',
    'normal 1 2 3 replica 4 5 6',
    'NORMAL 0 0 0 Slave 1gb 2k 0',
    'master 1 2 3',
    'pubsub 1 2',
    'pubsub x 1 1',
    'pubsub 1 1 -1',
    'pubsub 1 1 x',
    'pubsub 1 1 +5',
    'pubsub 18446744073709551616 1 1',
    '',
    'normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60',
  ],
};

describe('CONFIG SET against Redis', () => {
  test('every runtime parameter accepts and refuses what Redis does, with the same replies', async () => {
    const runtime = PARAMS.filter((s) => !s.immutable).map((s) => s.name);
    assert.deepEqual(runtime.filter((n) => !(n in SET_CASES) && !(n in ONLY_IN_72)), [], 'every runtime parameter has test values');
    for (const [name, values] of Object.entries(SET_CASES)) {
      for (const value of values) {
        for (const resp of [2, 3] as const) {
          const [ours, theirs] = await both(resp, ['CONFIG', 'SET', name, value]);
          assertSame(ours, as72(theirs), `CONFIG SET ${name} ${JSON.stringify(value)} [RESP${resp}]`);
          const [got, expected] = await both(resp, ['CONFIG', 'GET', name]);
          if (name !== 'port' && name !== 'dir') assertSame(got, expected, `CONFIG GET ${name} after setting ${JSON.stringify(value)} [RESP${resp}]`);
        }
      }
    }
  });

  test('parameters new in 7.2 behave as their 7.2 definitions (size_t, 0 to LONG_MAX)', async () => {
    for (const [name, values] of Object.entries(ONLY_IN_72)) {
      const ours = pair().ours(2);
      assert.equal(ours.raw(['CONFIG', 'GET', name]).toString('latin1'), `*2\r\n$${name.length}\r\n${name}\r\n$${values[values.length - 1].length}\r\n${values[values.length - 1]}\r\n`);
      for (const value of values) {
        const reply = ours.raw(['CONFIG', 'SET', name, value]).toString('latin1');
        if (/^\d+$/.test(value) || (value === '1k' && name.endsWith('-value'))) assert.equal(reply, '+OK\r\n', `${name} ${value}`);
        else assert.match(reply, new RegExp(`^-ERR CONFIG SET failed \\(possibly related to argument '${name}'\\) - argument`), `${name} ${value}`);
      }
    }
  });

  test('immutable parameters are refused by name', async () => {
    for (const spec of PARAMS.filter((s) => s.immutable)) {
      const [ours, theirs] = await both(2, ['CONFIG', 'SET', spec.name, spec.default]);
      assertSame(ours, theirs, `CONFIG SET ${spec.name}`);
    }
  });

  test('several pairs: syntax, unknown names first, duplicates, and all-or-nothing', async () => {
    const cases = [
      ['CONFIG', 'SET', 'timeout', '5', 'hz'],
      ['CONFIG', 'SET', 'timeout', '5', 'nope', '1'],
      ['CONFIG', 'SET', 'databases', '5', 'nope', '1'],
      ['CONFIG', 'SET', 'timeout', '5', 'TIMEOUT', '6'],
      ['CONFIG', 'SET', 'timeout', '5', 'hz', 'fast'],
      ['CONFIG', 'GET', 'timeout'],
      ['CONFIG', 'SET', 'timeout', '7', 'hz', '15', 'maxmemory', '2mb'],
      ['CONFIG', 'GET', 'timeout'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'timeout', '0', 'hz', '10', 'maxmemory', '0'],
      ['CONFIG', 'SET', 'timeout'],
      ['CONFIG', 'GET'],
    ];
    for (const resp of [2, 3] as const) {
      for (const c of cases) {
        const [ours, theirs] = await both(resp, c);
        assertSame(ours, theirs, `${c.join(' ')} [RESP${resp}]`);
      }
    }
  });

  test('CONFIG HELP and unknown subcommands', async () => {
    for (const c of [['CONFIG', 'HELP'], ['CONFIG', 'NOPE'], ['CONFIG'], ['CONFIG', 'HELP', 'x']]) {
      const [ours, theirs] = await both(2, c);
      // Redis 7.0 ends help with "Prints this help.", 7.2 (our target) with "Print this help.".
      assertSame(ours, Buffer.from(theirs.toString('latin1').replace('Prints this help.', 'Print this help.'), 'latin1'), c.join(' '));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The server binary refuses bad settings
// ---------------------------------------------------------------------------------------------

function runServer(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cachicaServerMain(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('cachica-server with bad settings', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cachica-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('an unknown command-line option exits 1 naming it', async () => {
    const { code, output } = await runServer(['--port', '0', '--foo', 'bar']);
    assert.equal(code, 1, output);
    assert.match(output, /FATAL CONFIG FILE ERROR/);
    assert.match(output, />>> 'foo bar'\nBad directive or wrong number of arguments/);
  });

  test('a bad value on the command line exits 1 with Redis\'s reason', async () => {
    const { code, output } = await runServer(['--port', 'abc']);
    assert.equal(code, 1, output);
    assert.match(output, /argument couldn't be parsed into an integer/);
  });

  test('a config file with an unknown directive exits 1 naming the line', async () => {
    const file = join(dir, 'bad.conf');
    writeFileSync(file, 'port 0\n# fine so far\nmaxmemory-clients 0\n');
    const { code, output } = await runServer([file]);
    assert.equal(code, 1, output);
    assert.match(output, /Reading the configuration file, at line 3\n>>> 'maxmemory-clients 0'\nBad directive or wrong number of arguments/);
  });

  test('a config file that cannot be read exits 1', async () => {
    const { code, output } = await runServer([join(dir, 'missing.conf')]);
    assert.equal(code, 1, output);
    assert.match(output, /can't open config file/);
  });
});
