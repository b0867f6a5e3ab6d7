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
