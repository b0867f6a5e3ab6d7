/**
 * Real Redis beside an embedded cachica, each with one RESP2 and one RESP3 connection, for tests
 * that send the same command to both and compare the reply bytes. The embedded side needs no
 * server process, so a test can also reach into its engine; the Redis side is a redis-server on
 * a free port (a missing one fails the test: without the oracle it would prove nothing).
 * Tests that need cachica's sockets (several connections, CLIENT KILL, a blocked event loop)
 * start a cachica server in the test's own process with startInProcessServer.
 */

import { after, before } from 'node:test';
import assert from 'node:assert/strict';

import net from 'node:net';

import { Cachica, type Session } from '../../src/embedded/cachica.js';
import { Config } from '../../src/server/config.js';
import { startServer } from '../../src/server/server.js';
import { escapeBytes, RawConnection } from './raw-connection.js';
import { startRedis, type RunningServer } from './servers.js';

export type Resp = 2 | 3;

export interface OraclePair {
  redis: RunningServer;
  /** The embedded store; its default session speaks RESP3. */
  db: Cachica;
  redisConn(resp: Resp): RawConnection;
  ours(resp: Resp): Session;
  /** Run `args` on both, over the connections speaking `resp`: [cachica's reply, Redis's]. */
  both(resp: Resp, args: string[]): Promise<[Buffer, Buffer]>;
  /** Run each command on both in RESP2 and then RESP3; the replies (normalized) must be equal. */
  sameOnBoth(commands: string[][], normalize?: (reply: string) => string): Promise<void>;
}

/**
 * Start the pair before the enclosing suite's tests and stop it after. `settings` are given to
 * cachica; redis-server gets the test helper's standard flags (loopback, no persistence, DEBUG
 * allowed), so pass the same ones where a test compares configuration.
 */
export function useOraclePair(settings: Record<string, string | number> = {}): () => OraclePair {
  let pair: OraclePair | null = null;
  const conns = new Map<Resp, RawConnection>();
  const sessions = new Map<Resp, Session>();
  before(async () => {
    const redis = await startRedis();
    for (const resp of [2, 3] as const) {
      const conn = await RawConnection.connect(redis.port);
      if (resp === 3) await conn.call(['HELLO', '3']);
      conns.set(resp, conn);
    }
    const db = new Cachica({ config: settings });
    const resp2 = db.session();
    resp2.raw(['HELLO', '2']);
    sessions.set(2, resp2);
    sessions.set(3, db);
    const redisConn = (resp: Resp): RawConnection => conns.get(resp) as RawConnection;
    const ours = (resp: Resp): Session => sessions.get(resp) as Session;
    const both = async (resp: Resp, args: string[]): Promise<[Buffer, Buffer]> => {
      const theirs = await redisConn(resp).call(args);
      return [ours(resp).raw(args), theirs];
    };
    pair = {
      redis,
      db,
      redisConn,
      ours,
      both,
      async sameOnBoth(commands, normalize = (r) => r) {
        for (const resp of [2, 3] as const) {
          for (const args of commands) {
            const [mine, theirs] = await both(resp, args);
            const a = normalize(mine.toString('latin1'));
            const b = normalize(theirs.toString('latin1'));
            assert.ok(a === b, `${args.join(' ')} [RESP${resp}]\n  redis:   ${escapeBytes(b, 2000)}\n  cachica: ${escapeBytes(a, 2000)}`);
          }
        }
      },
    };
  });
  after(async () => {
    for (const conn of conns.values()) await conn.close();
    await pair?.redis.stop();
    pair?.db.close();
  });
  return () => {
    if (pair === null) throw new Error('oracle pair not started: call useOraclePair() at the top of the test file or suite');
    return pair;
  };
}

/** Bytes equal, or fail showing both. */
export function assertSameBytes(ours: Buffer | string, theirs: Buffer | string, what: string): void {
  const a = typeof ours === 'string' ? Buffer.from(ours, 'latin1') : ours;
  const b = typeof theirs === 'string' ? Buffer.from(theirs, 'latin1') : theirs;
  assert.ok(a.equals(b), `${what}\n  redis:   ${escapeBytes(b, 2000)}\n  cachica: ${escapeBytes(a, 2000)}`);
}

/** A cachica server running in this process, on a free loopback port. */
export interface InProcessServer {
  port: number;
  close(): Promise<void>;
}

/** startServer on a free loopback port with `settings` (no save points, quiet log). */
export async function startInProcessServer(settings: Record<string, string> = {}): Promise<InProcessServer> {
  const port = await freePort();
  const config = new Config();
  for (const [k, v] of Object.entries({ port: String(port), bind: '127.0.0.1', save: '', loglevel: 'warning', ...settings })) config.setInitial(k, v);
  const server = await startServer(config);
  return { port, close: () => server.close() };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}
