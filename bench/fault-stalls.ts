/**
 * Fault stalls: does a page fault in one process stall the others on this machine?
 *
 *   node dist/bench/fault-stalls.js [--gb 4] [--seconds 15]
 *
 * A timer in this process ticks every millisecond and records every gap over 10 ms (the event
 * loop does nothing else, so a gap is time the process was not run). It does so twice: while
 * the machine is quiet, and while a child process writes to every page of `gb` GB of fresh
 * memory, which costs one page fault per 4 KB. On ordinary hardware neither phase shows gaps.
 * On a virtual machine whose hypervisor handles guest page faults slowly, the second phase
 * shows them, though the timer process faults nothing itself and a core is free for it: the
 * stalls the keyspace-growth probe sees in a server that grows into gigabytes of new memory
 * are then the machine's, and Redis shows them in the same harness too.
 */

import { spawn } from 'node:child_process';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const gigabytes = option('gb', 4);
const seconds = option('seconds', 15);

/** The child: write one byte per page into 3 MB buffers until `gb` GB are resident. */
const TOUCHER = `
const chunks = [];
const started = performance.now();
let worst = 0;
for (let i = 0; i < Math.floor(${gigabytes} * 1024 / 3); i++) {
  const c = new Uint8Array(3 << 20);
  const t = performance.now();
  for (let p = 0; p < c.length; p += 4096) c[p] = 1;
  worst = Math.max(worst, performance.now() - t);
  chunks.push(c);
}
const ms = performance.now() - started;
console.log(JSON.stringify({ ms, perPageUs: (ms * 1000) / (chunks.length * 768), worstChunkMs: worst }));
`;

interface Gaps {
  count: number;
  worst: number;
}

function watchGaps(untilDone: Promise<unknown>): Promise<Gaps> {
  return new Promise((resolve) => {
    let last = performance.now();
    let count = 0;
    let worst = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      const gap = now - last;
      if (gap > 10) count++;
      if (gap > worst) worst = gap;
      last = now;
    }, 1);
    void untilDone.then(() => {
      clearInterval(timer);
      resolve({ count, worst });
    });
  });
}

async function main(): Promise<void> {
  const quiet = await watchGaps(new Promise((r) => setTimeout(r, seconds * 1000)));
  let report = '';
  const child = spawn(process.execPath, ['-e', TOUCHER], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.on('data', (d: Buffer) => (report += d.toString()));
  const faulting = await watchGaps(new Promise((r) => child.on('exit', r)));
  const touched = JSON.parse(report) as { ms: number; perPageUs: number; worstChunkMs: number };
  process.stdout.write(
    [
      `quiet, ${seconds} s: ${quiet.count} gaps over 10 ms, worst ${quiet.worst.toFixed(1)} ms`,
      `while another process faults in ${gigabytes} GB (${(touched.ms / 1000).toFixed(1)} s, ` +
        `${touched.perPageUs.toFixed(1)} us a page, worst 3 MB ${touched.worstChunkMs.toFixed(1)} ms): ` +
        `${faulting.count} gaps over 10 ms, worst ${faulting.worst.toFixed(1)} ms`,
      '',
    ].join('\n'),
  );
}

void main();
