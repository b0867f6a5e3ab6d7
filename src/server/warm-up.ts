/**
 * Warm-up: before the server opens its port, a burst of typical traffic runs through the whole
 * serving path (socket, parser, engine, reply, write) over a private loopback connection.
 *
 * A fresh process runs its hot paths in V8's interpreter until they are compiled, so the first
 * clients' requests took 10-25 ms per event-loop turn (measured: turns of 16 KB of SETs in the
 * first 100 ms after start-up, all of it CPU). The traffic has to be real: optimized code is
 * specialised to the objects it saw, and code warmed in-process on a scratch engine, or with a
 * client that had no socket, was thrown away ("wrong map", "weak objects") as soon as a real
 * client arrived. The warm-up deletes its keys with DEL (the store keeps its tables, so nothing
 * compiled against them is invalidated) and zeroes the statistics, so nothing of it is visible.
 */

import { connect, type Socket } from 'node:net';
import type { Engine } from './engine.js';
import type { NetServer } from './net-server.js';

/**
 * The traffic: SETs of tens of thousands of new keys (so the keyspace rehashes several times),
 * GETs, INCRs and MSETs; short keys and values that live
 * inside the entry record and longer ones that do not, because each takes its own branches.
 */
const KEYS = 60_000;
const PER_ROUND = 1000;
const ROUNDS = 60;
const PREFIX = '\x00warm:';

function keyName(n: number): string {
  return n % 10 === 0 ? `${PREFIX}a-key-longer-than-sixteen-bytes:${n}` : `${PREFIX}${n}`;
}

function encode(args: readonly string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return s;
}

function round(r: number): string {
  let s = '';
  for (let i = 0; i < PER_ROUND; i++) {
    const n = r * PER_ROUND + i;
    const key = keyName(n % KEYS);
    switch (i % 5) {
      case 0:
      case 1:
        s += encode(['SET', key, n % 7 === 0 ? 'a value longer than eight bytes' : 'xxx']);
        break;
      case 2:
        s += encode(['GET', keyName((n * 7919) % KEYS)]);
        break;
      case 3:
        s += encode(['INCR', `${PREFIX}counter:${n % 100}`]);
        break;
      default:
        s += encode(['MSET', key, 'yyy', keyName((n + 1) % KEYS), 'zzz']);
    }
  }
  return s;
}

/** Send `payload` and wait until the reply to the final PING arrives. */
function exchange(socket: Socket, payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let tail = '';
    const onData = (chunk: Buffer) => {
      tail = (tail + chunk.toString('latin1')).slice(-7);
      if (tail.endsWith('+PONG\r\n')) {
        socket.off('data', onData);
        socket.off('error', reject);
        resolve();
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(payload + encode(['PING']), 'latin1');
  });
}

/**
 * Warm up `net`'s serving path; the keyspace must be empty and no client connected. Returns the
 * milliseconds it took.
 */
export async function warmUp(engine: Engine, net: NetServer): Promise<number> {
  const started = performance.now();
  const listener = await net.openPrivate();
  const address = listener.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });
  try {
    const password = engine.config.get('requirepass');
    if (password !== '') await exchange(socket, encode(['AUTH', password]));
    for (let r = 0; r < ROUNDS; r++) await exchange(socket, round(r));
    let cleanup = '';
    for (let i = 0; i < KEYS; i++) cleanup += encode(['DEL', keyName(i)]);
    for (let i = 0; i < 100; i++) cleanup += encode(['DEL', `${PREFIX}counter:${i}`]);
    await exchange(socket, cleanup);
    if (engine.store.databases[0].size !== 0) throw new Error('warm-up keys left behind');
  } finally {
    socket.destroy();
    // Not awaited: the listener counts the sockets the server re-wrapped as still open.
    listener.close();
  }
  // The warm-up client's close is handled on a later turn; wait for it before zeroing.
  while (engine.clients.size > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  engine.forgetWarmUp();
  return performance.now() - started;
}
