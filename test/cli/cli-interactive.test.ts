/**
 * The interactive loop on a real pseudo-terminal: util-linux `script` gives cachica-cli a tty,
 * the test types into it and reads the screen output.
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '../../src/client/index.js';
import { startRedis, type RunningServer } from '../helpers/servers.js';

const CACHICA_CLI = fileURLToPath(new URL('../../src/cli/cli-main.js', import.meta.url));

let redis: RunningServer;
let home: string;
/** Every terminal started, so that a failed test does not leave one running. */
const terminals = new Set<ChildProcess>();

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'cachica-cli-tty-'));
  redis = await startRedis();
});

after(async () => {
  for (const child of terminals) child.kill('SIGKILL');
  await redis.stop();
  rmSync(home, { recursive: true, force: true });
});

class Terminal {
  output = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private seen = 0;

  constructor(args: string[]) {
    const command = [process.execPath, CACHICA_CLI, ...args].map((a) => `'${a}'`).join(' ');
    this.child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', HOME: home, TERM: 'xterm', CACHICACLI_HISTFILE: join(home, 'history') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    terminals.add(this.child);
    this.child.on('exit', () => terminals.delete(this.child));
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'ENOENT' ? new Error('script (util-linux) is not on PATH: the interactive tests need a pseudo-terminal') : error),
      );
      this.child.on('exit', (code) => resolve(code));
    });
    this.exited.catch(() => undefined);
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString('latin1');
    });
  }

  type(keys: string): void {
    this.child.stdin?.write(keys);
  }

  /** Wait until output not yet waited for contains `text`; returns that output. */
  async waitFor(text: string | RegExp): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const fresh = this.output.slice(this.seen);
      const at = typeof text === 'string' ? fresh.indexOf(text) : fresh.search(text);
      if (at >= 0) {
        this.seen += at + 1;
        return fresh;
      }
      if (Date.now() > deadline) throw new Error(`never saw ${String(text)}; output:\n${JSON.stringify(this.output)}`);
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 20))]);
    }
  }

  exitCode(): Promise<number | null> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    return this.exited.finally(() => clearTimeout(timer));
  }
}

test('the prompt, hints, replies, help, history and quit on a terminal', async () => {
  const prompt = `127.0.0.1:${redis.port}> `;
  const t = new Terminal(['-p', String(redis.port)]);
  await t.waitFor(prompt);
  t.type('set ');
  await t.waitFor('\x1b[0;90;49mkey value [NX|XX] [GET]');
  t.type('k v');
  await t.waitFor('\x1b[0;90;49m [NX|XX]');
  t.type('\r');
  await t.waitFor('OK\r\n');
  t.type('select 2\r');
  await t.waitFor(`127.0.0.1:${redis.port}[2]> `);
  t.type('auth secret\r');
  await t.waitFor('(error) ERR AUTH');
  t.type('multi\r');
  await t.waitFor(`127.0.0.1:${redis.port}[2](TX)> `);
  t.type('discard\r');
  await t.waitFor(`127.0.0.1:${redis.port}[2]> `);
  t.type('get k\r');
  await t.waitFor('(nil)');
  t.type('help get\r');
  await t.waitFor('\x1b[33msummary:\x1b[0m Get the value of a key');
  t.type('set "open\r');
  await t.waitFor('Invalid argument(s)');
  t.type('quit\r');
  assert.equal(await t.exitCode(), 0);
  const history = readFileSync(join(home, 'history'), 'utf8');
  assert.equal(history, 'set k v\nselect 2\nmulti\ndiscard\nget k\nhelp get\nset "open\nquit\n');

  // The next session starts with that history: the up arrow brings back the last line.
  const again = new Terminal(['-p', String(redis.port)]);
  await again.waitFor(prompt);
  again.type('\x1b[A');
  await again.waitFor('quit');
  again.type('\x1b[A\x1b[A');
  await again.waitFor('help get');
  again.type('\r');
  await again.waitFor('summary:');
  again.type('\x03');
  assert.equal(await again.exitCode(), 0);
});

test('a lost connection is reported once, then the next command reconnects', async () => {
  const t = new Terminal(['-p', String(redis.port), '-n', '3']);
  await t.waitFor(`127.0.0.1:${redis.port}[3]> `);
  const killer = await Client.connect({ port: redis.port });
  assert.match(String(await killer.call('CLIENT', 'LIST', 'TYPE', 'normal')), /db=3/);
  await killer.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
  await killer.close();
  t.type('ping\r');
  await t.waitFor('Error: Server closed the connection');
  await t.waitFor('not connected> ');
  t.type('ping\r');
  await t.waitFor('PONG');
  await t.waitFor(`127.0.0.1:${redis.port}[3]> `);
  t.type('exit\r');
  assert.equal(await t.exitCode(), 0);
});

test('Ctrl-C leaves subscriber mode and returns to the prompt', async () => {
  const prompt = `127.0.0.1:${redis.port}> `;
  const t = new Terminal(['-p', String(redis.port)]);
  await t.waitFor(prompt);
  t.type('subscribe news\r');
  await t.waitFor('Reading messages... (press Ctrl-C to quit)');
  await t.waitFor('3) (integer) 1');
  const publisher = await Client.connect({ port: redis.port });
  assert.equal(await publisher.call('PUBLISH', 'news', 'extra'), 1);
  await publisher.close();
  await t.waitFor('"extra"');
  t.type('\x03');
  await t.waitFor(prompt);
  t.type('ping\r');
  await t.waitFor('PONG');
  t.type('quit\r');
  assert.equal(await t.exitCode(), 0);
});
