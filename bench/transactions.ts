/**
 * MULTI/EXEC throughput, cachica beside Redis in the same run: CLIENTS connections each send
 * MULTI, ten SETs and EXEC in one write and wait for the whole answer before the next, for
 * SECONDS per round; rounds alternate between the servers so that machine drift hits both alike.
 * redis-benchmark sends one command per request and cannot express a transaction.
 *
 *   node dist/bench/transactions.js CACHICA_PORT REDIS_PORT [CLIENTS=50] [SECONDS=3] [ROUNDS=3]
 *
 * Prints transactions per second for each server (median of the rounds) and their ratio.
 */

import net from 'node:net';

const [cachicaPort, redisPort, clientsText = '50', secondsText = '3', roundsText = '3'] = process.argv.slice(2);
if (!cachicaPort || !redisPort) {
  process.stderr.write('usage: transactions.js CACHICA_PORT REDIS_PORT [CLIENTS] [SECONDS] [ROUNDS]\n');
  process.exit(2);
}

function command(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** One transaction, and the exact bytes both servers answer it with. */
function transaction(client: number): { request: Buffer; replyBytes: number } {
  let request = command('MULTI');
  for (let i = 0; i < 10; i++) request += command('SET', `tx:${client}:${i}`, 'value');
  request += command('EXEC');
  const reply = `+OK\r\n${'+QUEUED\r\n'.repeat(10)}*10\r\n${'+OK\r\n'.repeat(10)}`;
  return { request: Buffer.from(request), replyBytes: reply.length };
}

async function run(port: number, clients: number, seconds: number): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const loops = Array.from({ length: clients }, (_, i) => {
    const { request, replyBytes } = transaction(i);
    return new Promise<void>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      let pending = 0;
      socket.on('error', reject);
      socket.on('connect', () => {
        pending = replyBytes;
        socket.write(request);
      });
      socket.on('data', (chunk) => {
        pending -= chunk.length;
        if (pending > 0) return;
        done++;
        if (Date.now() >= deadline) {
          socket.end();
          resolve();
          return;
        }
        pending = replyBytes;
        socket.write(request);
      });
    });
  });
  const start = Date.now();
  await Promise.all(loops);
  return done / ((Date.now() - start) / 1000);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const clients = Number(clientsText);
const seconds = Number(secondsText);
const ours: number[] = [];
const theirs: number[] = [];
for (let r = 0; r < Number(roundsText); r++) {
  ours.push(await run(Number(cachicaPort), clients, seconds));
  theirs.push(await run(Number(redisPort), clients, seconds));
}
const a = median(ours);
const b = median(theirs);
process.stdout.write(`multi_exec_10_set  clients=${clients}  tx/s cachica ${a.toFixed(0)}  redis ${b.toFixed(0)}  ratio ${(a / b).toFixed(3)}\n`);
