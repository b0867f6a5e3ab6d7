/**
 * Start real server processes for tests that go through sockets: real Redis as the oracle of the
 * compatibility tests, and cachica itself as it ships (dist/src/cli/server-main.js), both with the
 * same redis-server style flags. Each server gets a free loopback port, a private working
 * directory (so nothing it might write lands in the repository), and is killed when the test
 * process exits, however it exits, so a failed test never leaves a server behind.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawConnection } from './raw-connection.js';

export interface RunningServer {
  /** 'redis' or 'cachica'. */
  readonly kind: string;
  readonly host: string;
  readonly port: number;
  /** The command line it was started with, for failure messages. */
  readonly commandLine: string;
  /** Everything it wrote to stdout and stderr so far. */
  logs(): string;
  /** How the process ended ("exit status 1", "killed by SIGSEGV"), or null while it runs. */
  exitStatus(): string | null;
  /** SIGTERM, then SIGKILL if it is still running after a few seconds. */
  stop(): Promise<void>;
  /** SIGKILL at once, as a crash: nothing is saved or flushed. */
  kill(): Promise<void>;
}

export interface ServerOptions {
  /** Extra redis-server style arguments, appended after the standard ones. */
  args?: string[];
  /** How long to wait for the first PONG. */
  readyTimeoutMs?: number;
}

const HOST = '127.0.0.1';
const DEFAULT_READY_TIMEOUT_MS = 10_000;

/** The flags every test server gets: loopback only, no persistence, DEBUG allowed. */
function standardArgs(port: number): string[] {
  return ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'];
}

/**
 * The redis-server binary: $REDIS_SERVER, else `redis-server` on PATH. Throws a message that
 * says how to get one, because the compatibility tests are meaningless without the oracle.
 */
export function findRedisServer(): string {
  const fromEnv = process.env.REDIS_SERVER;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`REDIS_SERVER=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'redis-server');
    if (isExecutable(candidate)) return candidate;
  }
  throw new Error(
    'redis-server not found: the compatibility tests compare cachica with real Redis and cannot run without it. ' +
      'Install it (Debian/Ubuntu: apt-get install redis-server) or set REDIS_SERVER=/path/to/redis-server.',
  );
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** dist/src/cli/server-main.js, found from this compiled file (dist/test/helpers/servers.js). */
export function cachicaServerMain(): string {
  return fileURLToPath(new URL('../../src/cli/server-main.js', import.meta.url));
}

export function startRedis(opts: ServerOptions = {}): Promise<RunningServer> {
  const binary = findRedisServer();
  return startServer('redis', (port) => ({ command: binary, args: [...standardArgs(port), ...(opts.args ?? [])] }), opts);
}

export function startCachica(opts: ServerOptions = {}): Promise<RunningServer> {
  const main = cachicaServerMain();
  if (!existsSync(main)) {
    throw new Error(`cachica server not built: ${main} is missing (run \`npx tsc -p .\` first)`);
  }
  return startServer('cachica', (port) => ({ command: process.execPath, args: [main, ...standardArgs(port), ...(opts.args ?? [])] }), opts);
}

// ---------------------------------------------------------------------------------------------
// Process management
// ---------------------------------------------------------------------------------------------

const live = new Set<ChildProcess>();
let exitHooksInstalled = false;

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const killAll = (): void => {
    for (const child of live) child.kill('SIGKILL');
    live.clear();
  };
  process.on('exit', killAll);
  // A signal skips 'exit' handlers: kill the servers, then die of the same signal as before.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

/** A loopback port that was free a moment ago: bind port 0 and give it back. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}

interface Launch {
  command: string;
  args: string[];
}

class PortInUseError extends Error {}

async function startServer(kind: string, launch: (port: number) => Launch, opts: ServerOptions): Promise<RunningServer> {
  // Another process may take the free port between the probe and the server's bind: retry then.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(kind, await freePort(), launch, opts);
    } catch (e) {
      if (!(e instanceof PortInUseError) || attempt === 3) throw e;
    }
  }
}

async function startOnce(kind: string, port: number, launch: (port: number) => Launch, opts: ServerOptions): Promise<RunningServer> {
  installExitHooks();
  const { command, args } = launch(port);
  const commandLine = [command, ...args].map((a) => (a === '' || /\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
  const workDir = mkdtempSync(path.join(os.tmpdir(), `compat-${kind}-`));
  const child = spawn(command, args, { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  let exitStatus: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitStatus = signal ? `killed by ${signal}` : `exit status ${code}`;
      live.delete(child);
      resolve();
    });
    child.once('error', (e) => {
      exitStatus = `failed to start: ${e.message}`;
      live.delete(child);
      resolve();
    });
  });

  const removeWorkDir = (): void => rmSync(workDir, { recursive: true, force: true });
  const stop = async (): Promise<void> => {
    if (exitStatus === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    removeWorkDir();
  };

  const kill = async (): Promise<void> => {
    if (exitStatus === null) {
      child.kill('SIGKILL');
      await exited;
    }
    removeWorkDir();
  };

  const timeoutMs = opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    if (exitStatus !== null) {
      removeWorkDir();
      const message = `${kind} server exited before it was ready (${exitStatus})\n  command: ${commandLine}\n  output:\n${indent(output)}`;
      if (/address already in use/i.test(output)) throw new PortInUseError(message);
      throw new Error(message);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${kind} server did not answer PING within ${timeoutMs} ms (last attempt: ${lastError})\n  command: ${commandLine}\n  output:\n${indent(output)}`);
    }
    try {
      const conn = await RawConnection.connect(port, HOST, 1000);
      try {
        const reply = await conn.call(['PING'], 1000);
        if (reply.toString('latin1') === '+PONG\r\n') break;
        lastError = `PING replied ${JSON.stringify(reply.toString('latin1'))}`;
      } finally {
        await conn.close();
      }
    } catch (e) {
      lastError = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return { kind, host: HOST, port, commandLine, logs: () => output, exitStatus: () => exitStatus, stop, kill };
}

function indent(text: string): string {
  const lines = text.trimEnd().split('\n');
  const tail = lines.length > 60 ? ['    ...', ...lines.slice(-60)] : lines;
  return tail.map((l) => `    ${l}`).join('\n');
}
