/**
 * Keyspace growth: load N distinct keys into one database over a socket, with a second
 * connection sending PING every millisecond, and report the worst PING round trip (the longest
 * stall any client saw while the keyspace grew), the load rate, and the server's memory.
 *
 *   node dist/bench/keyspace-growth.js --port 6380 [--keys 50000000] [--batch 1000] [--pipeline 4] [--slow]
 *
 * The loader keeps `pipeline` batches of `batch` SETs unanswered; a PING then waits behind at
 * most that much work, so what the probe sees beyond it is a stall of the server's own.
 *
 * Run it against cachica and against redis-server (same flags) to compare. Stalls are what a
 * client sees, so they include GC pauses, table growth and anything else that holds the loop.
 */

import { connect, type Socket } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ReplyDecoder } from '../src/client/decoder.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const port: number = isMainThread ? option('port', 6380) : (workerData as { port: number }).port;
const total = option('keys', 50_000_000);
const pipeline = option('pipeline', 4); // batches in flight
const batch = option('batch', 1000); // commands per write

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });
}

function setCommand(i: number): string {
  const key = `key:${i}`;
  const value = 'xxx';
  return `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`;
}

async function info(sock: Socket, section: string): Promise<string> {
  const decoder = new ReplyDecoder();
  return new Promise((resolve) => {
    const onData = (chunk: Buffer): void => {
      decoder.push(chunk);
      const v = decoder.next();
      if (v !== undefined) {
        sock.off('data', onData);
        resolve(String(v));
      }
    };
    sock.on('data', onData);
    sock.write(`*2\r\n$4\r\nINFO\r\n$${section.length}\r\n${section}\r\n`);
  });
}

async function main(): Promise<void> {
  const loader = await open();
  const infoConn = await open();

  // The probe runs in a worker thread, so its timing is not delayed by the loader's own work.
  const probeWorker = new Worker(new URL(import.meta.url), { workerData: { port, slow: process.argv.includes('--slow') } });
  let worst = 0;
  const probeResult = new Promise<{ worst: number; over10: number; probes: number }>((resolve) =>
    probeWorker.on('message', (m: { worst: number; over10: number; probes: number } | { progress: number }) => {
      if ('progress' in m) worst = m.progress;
      else resolve(m);
    }),
  );

  // The loader: keep up to `pipeline` batches of SETs unanswered; each reply is "+OK\r\n".
  const started = performance.now();
  let sent = 0;
  let acked = 0;
  let nextReport = 5_000_000;
  await new Promise<void>((resolve) => {
    const fill = (): void => {
      while (sent - acked < pipeline * batch && sent < total) {
        const n = Math.min(batch, total - sent);
        let text = '';
        for (let i = 0; i < n; i++) text += setCommand(sent + i);
        sent += n;
        loader.write(text);
      }
    };
    loader.on('data', (chunk: Buffer) => {
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) acked++;
      if (acked >= nextReport) {
        nextReport += 5_000_000;
        const secs = (performance.now() - started) / 1000;
        process.stdout.write(`${acked} keys, ${(acked / secs).toFixed(0)} keys/s, worst PING ${worst.toFixed(1)} ms\n`);
      }
      if (acked >= total) resolve();
      else fill();
    });
    fill();
  });
  probeWorker.postMessage('stop');
  const { worst: worstRtt, over10, probes } = await probeResult;
  worst = worstRtt;
  const seconds = (performance.now() - started) / 1000;
  const memory = await info(infoConn, 'memory');
  const keyspace = await info(infoConn, 'keyspace');
  const usedMemory = Number(/used_memory:(\d+)/.exec(memory)?.[1] ?? 0);
  const rss = Number(/used_memory_rss:(\d+)/.exec(memory)?.[1] ?? 0);
  process.stdout.write(
    [
      `keys: ${total}  (${keyspace.split('\n').find((l) => l.startsWith('db0')) ?? '?'})`,
      `load: ${seconds.toFixed(1)} s, ${(total / seconds).toFixed(0)} keys/s`,
      `worst PING round trip: ${worst.toFixed(2)} ms; over 10 ms: ${over10} of ${probes}`,
      `used_memory: ${usedMemory} (${(usedMemory / total).toFixed(1)} bytes/key), rss: ${rss} (${(rss / total).toFixed(1)} bytes/key)`,
      '',
    ].join('\n'),
  );
  loader.destroy();
  infoConn.destroy();
}

/** The probe: one PING in flight at a time, every millisecond; the worst round trip wins. */
async function probeMain(): Promise<void> {
  const probe = await open();
  let worst = 0;
  let over10 = 0;
  let probes = 0;
  let sentAt = 0;
  const startedAt = performance.now();
  let probing = true;
  const sendPing = (): void => {
    sentAt = performance.now();
    probe.write('PING\r\n');
  };
  probe.on('data', () => {
    const rtt = performance.now() - sentAt;
    probes++;
    if (rtt > worst) {
      worst = rtt;
      parentPort?.postMessage({ progress: worst });
    }
    if (rtt > 10) {
      over10++;
      // With --slow, each slow PING is listed with its time since the probe started.
      if ((workerData as { slow: boolean }).slow) process.stderr.write(`slow PING at ${((sentAt - startedAt) / 1000).toFixed(2)} s: ${rtt.toFixed(1)} ms\n`);
    }
    if (probing) setTimeout(sendPing, 1);
    else {
      parentPort?.postMessage({ worst, over10, probes });
      probe.destroy();
      parentPort?.close();
    }
  });
  parentPort?.on('message', () => {
    probing = false;
  });
  sendPing();
}

if (isMainThread) void main();
else {
  void workerData;
  void probeMain();
}
