/**
 * The shape of a command table entry.
 *
 * A family module (strings.ts, keys.ts, ...) exports a list of these; the registry joins them
 * with the command metadata Redis publishes (arity, flags, key specs, ACL categories, docs; see
 * meta/), so dispatch, COMMAND, COMMAND DOCS and key extraction all read one description.
 */

import type { Argv } from '../protocol/argv.js';
import type { Client } from '../server/client.js';

export type Handler = (client: Client, argv: Argv) => void;

export interface CommandEntry {
  /** Lower-case name; a subcommand is written "container|sub", e.g. "client|list". */
  name: string;
  handler: Handler;
}

/** What dispatch needs to know about a command, resolved from the metadata at start-up. */
export interface Command {
  name: string; // "get", or "client|list" for a subcommand
  arity: number;
  flags: Set<string>;
  /** Flags as a bit set for the hot path. */
  bits: number;
  handler: Handler | null; // null for a container whose subcommands do the work
  subcommands: Map<string, Command> | null;
  /** Statistics for INFO commandstats. */
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

/** Command flag bits (Redis's CMD_*), for checks on the hot path. */
export const enum CommandBit {
  Write = 1 << 0,
  ReadOnly = 1 << 1,
  DenyOom = 1 << 2,
  Admin = 1 << 3,
  PubSub = 1 << 4,
  NoScript = 1 << 5,
  Blocking = 1 << 6,
  Loading = 1 << 7,
  Stale = 1 << 8,
  SkipMonitor = 1 << 9,
  SkipSlowlog = 1 << 10,
  Fast = 1 << 11,
  NoAuth = 1 << 12,
  MayReplicate = 1 << 13,
  Sentinel = 1 << 14,
  OnlySentinel = 1 << 15,
  NoMandatoryKeys = 1 << 16,
  Protected = 1 << 17,
  ModuleGetKeys = 1 << 18,
  NoMulti = 1 << 19,
  AllowBusy = 1 << 20,
  AsyncLoading = 1 << 21,
  /** Runs a script whose declared flags override the command's (EVAL, EVALSHA, FCALL and _RO). */
  RunsScript = 1 << 22,
}

export const FLAG_BITS: Record<string, number> = {
  write: CommandBit.Write,
  readonly: CommandBit.ReadOnly,
  denyoom: CommandBit.DenyOom,
  admin: CommandBit.Admin,
  pubsub: CommandBit.PubSub,
  noscript: CommandBit.NoScript,
  blocking: CommandBit.Blocking,
  loading: CommandBit.Loading,
  stale: CommandBit.Stale,
  skip_monitor: CommandBit.SkipMonitor,
  skip_slowlog: CommandBit.SkipSlowlog,
  fast: CommandBit.Fast,
  no_auth: CommandBit.NoAuth,
  may_replicate: CommandBit.MayReplicate,
  sentinel: CommandBit.Sentinel,
  only_sentinel: CommandBit.OnlySentinel,
  no_mandatory_keys: CommandBit.NoMandatoryKeys,
  protected: CommandBit.Protected,
  module_getkeys: CommandBit.ModuleGetKeys,
  no_multi: CommandBit.NoMulti,
  allow_busy: CommandBit.AllowBusy,
  no_async_loading: 0,
  allow_async_loading: CommandBit.AsyncLoading,
};
