/**
 * CommandRegistry: the command table dispatch reads.
 *
 * Families register handlers by name; everything else about a command (arity, flags, key specs,
 * docs) comes from the metadata Redis publishes (meta/), so the table cannot drift from what
 * COMMAND INFO reports. A subcommand ("client|list") hangs under its container, and lookup
 * resolves argv[1] for containers as Redis's lookupCommand does.
 */

import type { Argv } from '../protocol/argv.js';
import { commandMeta } from './meta/index.js';
import { CommandBit, FLAG_BITS, type Command, type CommandEntry } from './types.js';

/** Commands whose flags the script they run may change (getCommandFlags). */
const RUNS_SCRIPT = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

function bucketOf(length: number, firstLower: number): number {
  return length * 32 + (firstLower & 31);
}

/**
 * Commands Redis flags may-replicate without showing it in COMMAND (the flag is hidden on
 * purpose there): they are held by CLIENT PAUSE WRITE like writes.
 */
const MAY_REPLICATE = new Set(['eval', 'evalsha', 'fcall', 'pfcount', 'publish', 'spublish']);

export class CommandRegistry {
  private readonly top = new Map<string, Command>();
  /**
   * Top-level commands bucketed by name length and first letter, so the hot path finds a
   * command by comparing bytes case-insensitively instead of building a lower-case string.
   */
  private readonly buckets: Command[][] = [];

  register(entries: readonly CommandEntry[]): void {
    for (const entry of entries) {
      const bar = entry.name.indexOf('|');
      if (bar < 0) {
        const cmd = this.ensure(entry.name, null);
        cmd.handler = entry.handler;
      } else {
        const container = this.ensure(entry.name.slice(0, bar), null);
        container.subcommands ??= new Map();
        const sub = this.ensure(entry.name, container);
        sub.handler = entry.handler;
      }
    }
  }

  private ensure(fullname: string, container: Command | null): Command {
    const existing = container ? container.subcommands?.get(fullname.slice(fullname.indexOf('|') + 1)) : this.top.get(fullname);
    if (existing) return existing;
    const meta = commandMeta(fullname);
    if (!meta) throw new Error(`no metadata for command '${fullname}'`);
    let bits = 0;
    for (const f of meta.flags) bits |= FLAG_BITS[f] ?? 0;
    if (MAY_REPLICATE.has(meta.name)) bits |= CommandBit.MayReplicate;
    if (RUNS_SCRIPT.has(meta.name)) bits |= CommandBit.RunsScript;
    const cmd: Command = {
      name: fullname,
      arity: meta.arity,
      flags: new Set(meta.flags),
      bits,
      handler: null,
      subcommands: null,
      calls: 0,
      usec: 0,
      rejectedCalls: 0,
      failedCalls: 0,
    };
    if (container) container.subcommands?.set(fullname.slice(fullname.indexOf('|') + 1), cmd);
    else {
      this.top.set(fullname, cmd);
      (this.buckets[bucketOf(fullname.length, fullname.charCodeAt(0))] ??= []).push(cmd);
    }
    return cmd;
  }

  /** The top-level command named `name` (lower case). */
  get(name: string): Command | undefined {
    return this.top.get(name);
  }

  /** The command or subcommand by full name ("get", "client|list"). */
  getFull(fullname: string): Command | undefined {
    const bar = fullname.indexOf('|');
    if (bar < 0) return this.top.get(fullname);
    return this.top.get(fullname.slice(0, bar))?.subcommands?.get(fullname.slice(bar + 1));
  }

  /**
   * Resolve argv as Redis's lookupCommand: the command, or for a container with arguments its
   * subcommand. Returns undefined when nothing matches.
   */
  lookup(argv: Argv): Command | undefined {
    const cmd = this.findTop(argv.bufs[0], argv.starts[0], argv.ends[0]);
    if (cmd === undefined || cmd.subcommands === null || argv.count === 1) return cmd;
    return cmd.subcommands.get(argv.lower(1));
  }

  private findTop(b: Uint8Array, start: number, end: number): Command | undefined {
    const n = end - start;
    if (n === 0 || n > 32) return undefined;
    const bucket = this.buckets[bucketOf(n, b[start] | 0x20)];
    if (bucket === undefined) return undefined;
    outer: for (let k = 0; k < bucket.length; k++) {
      const name = bucket[k].name;
      for (let i = 0; i < n; i++) {
        let c = b[start + i];
        if (c >= 65 && c <= 90) c += 32;
        if (c !== name.charCodeAt(i)) continue outer;
      }
      return bucket[k];
    }
    return undefined;
  }

  /** Top-level commands. */
  all(): Command[] {
    return [...this.top.values()];
  }

  /** Every command and subcommand (for INFO commandstats). */
  *everyCommand(): IterableIterator<Command> {
    for (const cmd of this.top.values()) {
      yield cmd;
      if (cmd.subcommands) yield* cmd.subcommands.values();
    }
  }

  isImplemented(fullname: string): boolean {
    const cmd = this.getFull(fullname);
    return cmd !== undefined && (cmd.handler !== null || cmd.subcommands !== null);
  }
}
