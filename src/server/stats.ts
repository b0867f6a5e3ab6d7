/**
 * Stats: the server-wide counters INFO reports (Redis's server.stat_*), and the sampled
 * instantaneous rates.
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

  private lastSampleAt = 0;
  private lastCommands = 0;
  private lastInput = 0;
  private lastOutput = 0;
  private readonly opsSamples: number[] = [];
  private readonly inputSamples: number[] = [];
  private readonly outputSamples: number[] = [];

  countError(message: string): void {
    this.errorReplies++;
    const space = message.indexOf(' ');
    const code = space < 0 ? message : message.slice(0, space);
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

  reset(): void {
    this.commandsProcessed = 0;
    this.connectionsReceived = 0;
    this.rejectedConnections = 0;
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.errorReplies = 0;
    this.errorCodes.clear();
    this.unexpectedErrorReplies = 0;
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
