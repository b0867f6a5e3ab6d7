/**
 * Latency during a background save: a client issues GETs one after another while BGSAVE writes
 * `keys` keys, and the slowest replies are counted. Redis forks, so its event loop only pays
 * for the fork itself; cachica writes the snapshot on its event loop in slices of 2 ms.
 *
 *   node dist/bench/save-latency.js --port 6380 [--redis 6379] [--keys 1000000] [--rewrite]
 *
 * Each server is emptied, filled with DEBUG POPULATE, then measured: the save's duration, the
 * GETs answered during it, the worst reply, the 99.9th percentile and the replies over 10 ms.
 * With --rewrite it measures BGREWRITEAOF instead (the AOF must be on).
 */

import { Redis } from 'ioredis';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const keys = option('keys', 1_000_000);
const rewrite = process.argv.includes('--rewrite');

async function measure(port: number, label: string): Promise<void> {
  const admin = new Redis({ port, lazyConnect: false });
  const client = new Redis({ port, lazyConnect: false });
  await admin.flushall();
  await admin.call('DEBUG', 'POPULATE', keys, 'key', 64);
  const field = rewrite ? 'aof_rewrite_in_progress' : 'rdb_bgsave_in_progress';
  const inProgress = async (): Promise<boolean> => ((await admin.info('persistence')) as string).includes(`${field}:1`);
  // Warm the GET path first.
  for (let i = 0; i < 2000; i++) await client.get(`key:${i}`);
  const latencies: number[] = [];
  const slow: string[] = [];
  const started = performance.now();
  await (rewrite ? admin.bgrewriteaof() : admin.bgsave());
  const startReply = performance.now() - started;
  let running = true;
  const watcher = (async () => {
    while (await inProgress()) await new Promise((r) => setTimeout(r, 20));
    running = false;
  })();
  let i = 0;
  while (running) {
    const t = performance.now();
    await client.get(`key:${i++ % keys}`);
    const took = performance.now() - t;
    latencies.push(took);
    if (took > 10) slow.push(`${took.toFixed(1)} ms at ${((t - started) / 1000).toFixed(2)} s`);
  }
  await watcher;
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const over10 = latencies.filter((l) => l > 10).length;
  const p999 = latencies[Math.floor(latencies.length * 0.999)] ?? 0;
  console.log(
    `${label}: ${rewrite ? 'BGREWRITEAOF' : 'BGSAVE'} of ${keys} keys took ${seconds.toFixed(2)} s; ${latencies.length} GETs meanwhile, ` +
      `worst ${latencies[latencies.length - 1]?.toFixed(1)} ms, p99.9 ${p999.toFixed(2)} ms, ${over10} over 10 ms`,
  );
  console.log(`  the ${rewrite ? 'BGREWRITEAOF' : 'BGSAVE'} reply took ${startReply.toFixed(1)} ms`);
  if (slow.length > 0) console.log(`  over 10 ms: ${slow.join(', ')}`);
  admin.disconnect();
  client.disconnect();
}

const cachicaPort = option('port', 6380);
const redisPort = option('redis', 0);
await measure(cachicaPort, 'cachica');
if (redisPort !== 0) await measure(redisPort, 'redis');
