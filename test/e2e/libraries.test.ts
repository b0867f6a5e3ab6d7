/**
 * Libraries built on Redis's Lua scripting, run unchanged against cachica and against real
 * Redis in the same test, with their outcomes compared:
 * - BullMQ: a queue with workers, priorities, delayed jobs, retries with backoff and jobs that
 *   fail for good;
 * - redlock: clients contending for one lock, with extension, release and refusal while held;
 * - rate-limiter-flexible: limits counted exactly, blocks, penalties and rewards.
 * Each workload gives a summary that does not depend on timing (final job states, counts,
 * remaining points), and the summaries must be equal on both servers.
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { Queue, Worker, type Job } from 'bullmq';
import Redlock, { ExecutionError } from 'redlock';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

import { startCachica, startRedis, type RunningServer } from '../helpers/servers.js';

type Workload = (port: number) => Promise<unknown>;

/** BullMQ: 30 jobs, 4 concurrent workers' worth of processing, retries, delays and priorities. */
async function bullmqWorkload(port: number): Promise<unknown> {
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  const queue = new Queue('work', { connection });
  const processed: number[] = [];
  const worker = new Worker(
    'work',
    async (job: Job) => {
      const n = job.data.n as number;
      processed.push(n);
      if (n % 7 === 0) throw new Error(`job ${n} always fails`);
      if (n % 5 === 0 && job.attemptsMade === 0) throw new Error(`job ${n} fails once`);
      return { doubled: n * 2, attempt: job.attemptsMade + 1 };
    },
    { connection, concurrency: 4 },
  );
  const total = 30;
  const settled = new Promise<void>((resolve) => {
    let done = 0;
    const count = (): void => {
      if (++done === total) resolve();
    };
    worker.on('completed', count);
    worker.on('failed', (job) => {
      if (job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1)) count();
    });
  });
  for (let n = 1; n <= total; n++) {
    await queue.add(
      `job-${n}`,
      { n },
      {
        jobId: `j${n}`,
        attempts: n % 7 === 0 ? 2 : 3,
        backoff: { type: 'fixed', delay: 30 },
        delay: n % 4 === 0 ? 150 : 0,
        priority: n % 3 === 0 ? 1 : undefined,
      },
    );
  }
  await settled;
  const jobs: unknown[] = [];
  for (let n = 1; n <= total; n++) {
    const job = (await queue.getJob(`j${n}`))!;
    jobs.push({ id: job.id, state: await job.getState(), returnvalue: job.returnvalue, attemptsMade: job.attemptsMade, failedReason: job.failedReason ?? null });
  }
  const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'delayed', 'active');
  const summary = { jobs, counts, processedCount: processed.length };
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return summary;
}

/** redlock: 5 clients take one lock 10 times each; the holder is never shared. */
async function redlockWorkload(port: number): Promise<unknown> {
  const clients = Array.from({ length: 5 }, () => new Redis({ host: '127.0.0.1', port }));
  const locks = clients.map((c) => new Redlock([c], { retryCount: -1, retryDelay: 5, retryJitter: 5, driftFactor: 0.01 }));
  let holder: number | null = null;
  let overlaps = 0;
  let acquisitions = 0;
  await Promise.all(
    locks.map(async (redlock, i) => {
      for (let k = 0; k < 10; k++) {
        const lock = await redlock.acquire(['resource'], 2000);
        if (holder !== null) overlaps++;
        holder = i;
        acquisitions++;
        await new Promise((r) => setTimeout(r, 1));
        holder = null;
        await lock.release();
      }
    }),
  );
  // Extension, and refusal of a second client while the lock is held.
  const strict = new Redlock([clients[1]], { retryCount: 0 });
  const held = await locks[0].acquire(['other'], 1000);
  const extended = await held.extend(5000);
  let refused = '';
  try {
    await strict.acquire(['other'], 1000);
  } catch (e) {
    refused = e instanceof ExecutionError ? e.message : String(e);
  }
  const ttl = await clients[0].pttl('other');
  await extended.release();
  const afterRelease = await clients[0].exists('other');
  const again = await strict.acquire(['other'], 1000);
  await again.release();
  await Promise.all(clients.map((c) => c.quit()));
  return { acquisitions, overlaps, refused, extendedTtlOver1s: ttl > 1000, afterRelease, reacquired: true };
}

/** rate-limiter-flexible: 10 points per 5 s for one key, consumed exactly; block, penalty, reward. */
async function rateLimiterWorkload(port: number): Promise<unknown> {
  const client = new Redis({ host: '127.0.0.1', port, enableOfflineQueue: false });
  await new Promise<void>((resolve) => client.once('ready', () => resolve()));
  const limiter = new RateLimiterRedis({ storeClient: client, keyPrefix: 'rl', points: 10, duration: 5 });
  const outcomes: unknown[] = [];
  const describe = (r: unknown, ok: boolean): unknown => {
    const res = r as RateLimiterRes;
    return { ok, remaining: res.remainingPoints, consumed: res.consumedPoints, waits: res.msBeforeNext > 0 };
  };
  for (let i = 0; i < 14; i++) {
    try {
      outcomes.push(describe(await limiter.consume('user', 1), true));
    } catch (e: unknown) {
      outcomes.push(describe(e, false));
    }
  }
  // Concurrent consumption counts exactly too.
  const parallel = await Promise.allSettled(Array.from({ length: 20 }, () => limiter.consume('burst', 1)));
  const granted = parallel.filter((p) => p.status === 'fulfilled').length;
  await limiter.penalty('user2', 3);
  await limiter.reward('user2', 1);
  const user2 = describe(await limiter.get('user2'), true);
  await limiter.block('user3', 10);
  let blocked: unknown = null;
  try {
    await limiter.consume('user3', 1);
  } catch (e) {
    blocked = describe(e, false);
  }
  await limiter.delete('user');
  const afterDelete = await limiter.get('user');
  await client.quit();
  return { outcomes, granted, user2, blocked, afterDelete };
}

describe('libraries on Lua scripting behave as on Redis', () => {
  let redis: RunningServer;
  let cachica: RunningServer;
  before(async () => {
    [redis, cachica] = await Promise.all([startRedis(), startCachica()]);
  });
  after(async () => {
    await Promise.all([redis?.stop(), cachica?.stop()]);
  });

  /** Scripts cachica has run so far (EVAL and EVALSHA calls), to show the workload used them. */
  const scriptCalls = async (): Promise<number> => {
    const client = new Redis({ host: '127.0.0.1', port: cachica.port });
    const stats = await client.info('commandstats');
    await client.quit();
    let calls = 0;
    for (const m of stats.matchAll(/^cmdstat_(?:eval|evalsha):calls=(\d+)/gm)) calls += Number(m[1]);
    return calls;
  };

  const compare = (name: string, workload: Workload): void => {
    it(name, async () => {
      const before = await scriptCalls();
      const [theirs, ours] = await Promise.all([workload(redis.port), workload(cachica.port)]);
      if (process.env.SHOW_WORKLOADS) console.log(JSON.stringify(ours));
      assert.deepEqual(ours, theirs);
      assert.ok((await scriptCalls()) > before, 'the workload ran scripts');
    });
  };

  compare('BullMQ: a queue with workers, priorities, delayed jobs and retries', bullmqWorkload);
  compare('redlock: contention, extension, refusal while held, release', redlockWorkload);
  compare('rate-limiter-flexible: exact counts, concurrency, penalty, reward, block', rateLimiterWorkload);
});
