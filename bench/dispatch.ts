/**
 * In-process dispatch cost: Engine.execute on prebuilt argument vectors, no sockets. Measures
 * what the server itself spends per command (lookup, checks, handler, reply encoding).
 *
 *   node dist/bench/dispatch.js
 */

import { ALL_FAMILIES } from '../src/commands/index.js';
import { Argv } from '../src/protocol/argv.js';
import { Config } from '../src/server/config.js';
import { Engine } from '../src/server/engine.js';

const engine = new Engine(new Config(), ALL_FAMILIES);
const client = engine.createClient();

function measure(label: string, commands: Argv[], n: number): void {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      engine.execute(client, commands[i % commands.length]);
      client.reply.pos = 0;
    }
    best = Math.min(best, ((performance.now() - t0) * 1e6) / n);
  }
  process.stdout.write(`${label}: ${best.toFixed(0)} ns per command (best of 5 rounds of ${n})\n`);
}

engine.store.tick(Date.now());
measure('GET/SET alternating, one key', [Argv.from(['SET', 'key:000001', 'xxx']), Argv.from(['GET', 'key:000001'])], 2_000_000);
const msetArgs = ['MSET'];
for (let i = 0; i < 10; i++) msetArgs.push(`key:00000${i}`, 'xxx');
measure('MSET of 10 keys', [Argv.from(msetArgs)], 500_000);

// Collections, as redis-benchmark drives them: one big key, members element:N over 100,000 values.
function randomMembers(command: string, key: string, extra: (i: number) => string[]): Argv[] {
  const out: Argv[] = [];
  for (let i = 0; i < 100_000; i++) {
    const n = String((i * 7919) % 100_000).padStart(12, '0');
    out.push(Argv.from([command, key, ...extra(i), `element:${n}`]));
  }
  return out;
}
measure('SET of 100,000 keys', randomMembers('SET', '', () => []).map((a) => Argv.from(['SET', a.str(2), 'xxx'])), 1_000_000);
measure('SADD to one set of 100,000 members', randomMembers('SADD', 'myset', () => []), 1_000_000);
measure('HSET to one hash of 100,000 fields', randomMembers('HSET', 'myhash', () => []).map((a) => Argv.from(['HSET', 'myhash', a.str(2), 'xxx'])), 1_000_000);
measure('ZADD to one sorted set of 100,000 members', randomMembers('ZADD', 'myzset', (i) => [String(i % 1000)]), 1_000_000);
measure('LPUSH then RPOP on one list', [Argv.from(['LPUSH', 'mylist', 'xxx']), Argv.from(['RPOP', 'mylist'])], 2_000_000);
