/**
 * Idle subscribers for the PUBLISH benchmarks: opens COUNT connections to each PORT, subscribes
 * every one to CHANNEL and reads (and drops) whatever arrives, until killed. Reading costs as
 * little as a socket read can, so the publisher's side is what gets measured.
 *
 *   node dist/bench/subscribers.js CHANNEL COUNT PORT [PORT ...]
 *
 * Prints "ready" once every subscription is confirmed.
 */

import net from 'node:net';

const [channel, countText, ...ports] = process.argv.slice(2);
const count = Number(countText);
if (!channel || !(count > 0) || ports.length === 0) {
  process.stderr.write('usage: subscribers.js CHANNEL COUNT PORT [PORT ...]\n');
  process.exit(2);
}

const subscribe = `*2\r\n$9\r\nSUBSCRIBE\r\n$${Buffer.byteLength(channel)}\r\n${channel}\r\n`;
const confirmations: Promise<void>[] = [];
for (const port of ports) {
  for (let i = 0; i < count; i++) {
    const socket = net.connect(Number(port), '127.0.0.1');
    confirmations.push(
      new Promise((resolve, reject) => {
        socket.once('error', reject);
        socket.once('connect', () => socket.write(subscribe));
        socket.once('data', () => {
          socket.on('data', () => {});
          resolve();
        });
      }),
    );
  }
}
await Promise.all(confirmations);
process.stdout.write('ready\n');
