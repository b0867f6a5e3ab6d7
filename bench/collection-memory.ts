/**
 * Memory of collections, as issue 4 states the targets: 100,000 hashes of 10 fields, and one
 * sorted set of 1,000,000 members. Loads each data set over a socket (pipelined), and reports
 * the growth of INFO's used_memory. Run it against cachica and against redis-server to compare.
 *
 *   node dist/bench/collection-memory.js --port 6380 [--hashes 100000] [--members 1000000]
 */

import { connect, type Socket } from 'node:net';
import { ReplyDecoder } from '../src/client/decoder.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const port = option('port', 6380);
const hashes = option('hashes', 100_000);
const members = option('members', 1_000_000);

function encode(args: readonly string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Send `count` commands made by `make`, 1,000 per write, and wait for every reply. */
async function load(sock: Socket, count: number, make: (i: number) => string): Promise<void> {
  const decoder = new ReplyDecoder();
  let sent = 0;
  let answered = 0;
  await new Promise<void>((resolve, reject) => {
    const fill = (): void => {
      while (sent - answered < 4000 && sent < count) {
        let text = '';
        const n = Math.min(1000, count - sent);
        for (let i = 0; i < n; i++) text += make(sent + i);
        sent += n;
        sock.write(text);
      }
    };
    sock.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      for (let v = decoder.next(); v !== undefined; v = decoder.next()) {
        if (v instanceof Error) reject(v);
        answered++;
      }
      if (answered >= count) resolve();
      else fill();
    });
    fill();
  });
  sock.removeAllListeners('data');
}

async function call(sock: Socket, args: string[]): Promise<unknown> {
  const decoder = new ReplyDecoder();
  return new Promise((resolve) => {
    const onData = (chunk: Buffer): void => {
      decoder.push(chunk);
      const v = decoder.next();
      if (v !== undefined) {
        sock.off('data', onData);
        resolve(v);
      }
    };
    sock.on('data', onData);
    sock.write(encode(args));
  });
}

async function usedMemory(sock: Socket): Promise<number> {
  const text = String(await call(sock, ['INFO', 'memory']));
  return Number(/used_memory:(\d+)/.exec(text)?.[1] ?? 0);
}

async function measure(sock: Socket, label: string, count: number, make: (i: number) => string, check: string[]): Promise<void> {
  await call(sock, ['FLUSHALL', 'SYNC']);
  const before = await usedMemory(sock);
  await load(sock, count, make);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = await usedMemory(sock);
  const encoding = await call(sock, check);
  process.stdout.write(`${label}: used_memory +${after - before} bytes (encoding ${String(encoding)})\n`);
  await call(sock, ['FLUSHALL', 'SYNC']);
}

async function main(): Promise<void> {
  const sock = await open();
  const value = (i: number, f: number) => `value-${(i * 10 + f) % 1000000}`.padEnd(10, 'x').slice(0, 10);
  await measure(
    sock,
    `${hashes} hashes of 10 fields`,
    hashes,
    (i) => {
      const args = ['HSET', `hash:${i}`];
      for (let f = 0; f < 10; f++) args.push(`field${f}`, value(i, f));
      return encode(args);
    },
    ['OBJECT', 'ENCODING', 'hash:0'],
  );
  await measure(
    sock,
    `1 sorted set of ${members} members`,
    members,
    (i) => encode(['ZADD', 'zset', String((i * 7919) % 1000003), `member:${i}`]),
    ['OBJECT', 'ENCODING', 'zset'],
  );
  sock.destroy();
}

await main();
