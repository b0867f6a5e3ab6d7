/**
 * Stats: the server-wide counters INFO reports (Redis's server.stat_*), and the sampled
 * instantaneous rates. The network layer and the engine count into it; INFO reads it; CONFIG
 * RESETSTAT zeroes it. Counters that live with what they count (keyspace hits and expired keys in
 * the store, calls in each command) are reset by CONFIG RESETSTAT from their own homes.
 */

/** Samples kept for the instantaneous metrics, as Redis's STATS_METRIC_SAMPLES. */
const SAMPLES = 16;
const SAMPLE_INTERVAL_MS = 100;

export class Stats {
  commandsProcessed = 0;
  connectionsReceived = 0;
  rejectedConnections = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  errorReplies = 0;
  /** Error replies by their code (the first word: ERR, WRONGTYPE, ...). */
  readonly errorCodes = new Map<string, number>();
  unexpectedErrorReplies = 0;
  /** Socket reads and writes (INFO total_reads_processed / total_writes_processed). */
  readsProcessed = 0;
  writesProcessed = 0;
  evictedKeys = 0;
  evictedClients = 0;
  /** The highest used_memory seen (INFO used_memory_peak); not reset by CONFIG RESETSTAT. */
  peakMemory = 0;

  private lastSampleAt = 0;
  private lastCommands = 0;
  private lastInput = 0;
  private lastOutput = 0;
  private readonly opsSamples: number[] = [];
  private readonly inputSamples: number[] = [];
  private readonly outputSamples: number[] = [];

  /**
   * Count one error reply under its code, as Redis's afterErrorReply: the code is the text
   * before the first space, looked for only among the first 32 bytes of "-CODE ..."; an error
   * without one there counts as ERR.
   */
  countError(message: string): void {
    this.errorReplies++;
    const space = message.indexOf(' ');
    const code = space < 0 || space >= 31 ? 'ERR' : message.slice(0, space);
    this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + 1);
  }

  /** Take a sample of the rates, at most every 100 ms (Redis's trackInstantaneousMetric). */
  sample(now: number): void {
    if (now - this.lastSampleAt < SAMPLE_INTERVAL_MS) return;
    const dt = this.lastSampleAt === 0 ? 0 : (now - this.lastSampleAt) / 1000;
    if (dt > 0) {
      push(this.opsSamples, (this.commandsProcessed - this.lastCommands) / dt);
      push(this.inputSamples, (this.netInputBytes - this.lastInput) / dt / 1024);
      push(this.outputSamples, (this.netOutputBytes - this.lastOutput) / dt / 1024);
    }
    this.lastSampleAt = now;
    this.lastCommands = this.commandsProcessed;
    this.lastInput = this.netInputBytes;
    this.lastOutput = this.netOutputBytes;
  }

  get instantaneousOps(): number {
    return Math.round(mean(this.opsSamples));
  }
  get instantaneousInputKbps(): number {
    return mean(this.inputSamples);
  }
  get instantaneousOutputKbps(): number {
    return mean(this.outputSamples);
  }

  /** Note that `used_memory` was seen at `bytes`; returns the peak. */
  trackMemory(bytes: number): number {
    if (bytes > this.peakMemory) this.peakMemory = bytes;
    return this.peakMemory;
  }

  /** CONFIG RESETSTAT: everything Redis's resetServerStats and resetErrorTableStats zero. */
  reset(): void {
    this.commandsProcessed = 0;
    this.connectionsReceived = 0;
    this.rejectedConnections = 0;
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.errorReplies = 0;
    this.errorCodes.clear();
    this.unexpectedErrorReplies = 0;
    this.readsProcessed = 0;
    this.writesProcessed = 0;
    this.evictedKeys = 0;
    this.evictedClients = 0;
    this.lastSampleAt = 0;
    this.lastCommands = 0;
    this.lastInput = 0;
    this.lastOutput = 0;
    this.opsSamples.length = 0;
    this.inputSamples.length = 0;
    this.outputSamples.length = 0;
  }
}

function push(samples: number[], v: number): void {
  samples.push(v);
  if (samples.length > SAMPLES) samples.shift();
}

function mean(samples: number[]): number {
  if (samples.length === 0) return 0;
  let s = 0;
  for (const v of samples) s += v;
  return s / samples.length;
}
