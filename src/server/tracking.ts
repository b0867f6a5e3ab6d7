/**
 * Server-assisted client-side caching (Redis 7.2's tracking.c): CLIENT TRACKING's state and
 * the invalidation messages.
 *
 * Default mode remembers, for every key a tracking client read, the ids of the clients that may
 * hold it; the first change to the key sends each of them one invalidation and forgets the key
 * (it is tracked again when read again). The table is global, not per database, and ids are
 * dropped lazily: a client that leaves stays in the entries it had until those keys change.
 *
 * BCAST mode remembers nothing per read: a client registers prefixes ("" = every key), changed
 * keys are gathered per prefix during the event-loop turn, and at its end each registered client
 * gets one message per prefix with the keys, in byte order, as Redis's radix tree yields them.
 *
 * An invalidation for the client whose command is running is held until its reply is written,
 * so it never lands in the middle of it. Messages go to the REDIRECT client when one is set: as a
 * push in RESP3, or in RESP2 as a message on `__redis__:invalidate` if it is subscribed to
 * something; a RESP2 client without redirection cannot receive them at all.
 */

import { commandMeta, getKeys, type CommandMeta } from '../commands/meta/index.js';
import { CommandBit, type Command } from '../commands/types.js';
import type { Argv } from '../protocol/argv.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import { ClientFlag, type Client } from './client.js';
import type { Engine } from './engine.js';

export const TRACKING_CHANNEL = '__redis__:invalidate';

/** The mode options CLIENT TRACKING ON takes (bits of ClientFlag). */
export const TRACKING_OPTIONS = ClientFlag.TrackingBcast | ClientFlag.TrackingOptIn | ClientFlag.TrackingOptOut | ClientFlag.TrackingNoLoop;

/** Every tracking bit disableTracking clears. */
const ALL_TRACKING_FLAGS = ClientFlag.Tracking | ClientFlag.TrackingBrokenRedir | TRACKING_OPTIONS | ClientFlag.TrackingCaching;

/**
 * What an invalidation carries: one key, the keys of a BCAST prefix, or "every key" after a
 * flush (null). The null is written as the tracking client's protocol writes null, even when it
 * goes to a redirection speaking the other one, as Redis does.
 */
type Invalidation = string | readonly string[] | null;

/** A BCAST prefix: the clients registered for it, and the keys changed this turn by whom. */
interface Prefix {
  readonly clients: Set<Client>;
  /** Changed key → the client whose command changed it (for NOLOOP), or null. */
  keys: Map<string, Client | null>;
}

export class Tracking {
  /** Clients with tracking on (INFO tracking_clients). */
  clients = 0;
  /** Ids stored across the table (INFO tracking_total_items). */
  items = 0;
  /** Key → ids of the clients that may hold it in their cache (default mode). */
  private readonly table = new Map<string, Set<number>>();
  /** BCAST prefixes, "" included. */
  private readonly prefixes = new Map<string, Prefix>();
  private broadcastScheduled = false;
  /** Invalidations held for the client whose command is running (trackingHandlePendingKeyInvalidations). */
  private readonly pending: Invalidation[] = [];
  /** Passes in a row that ended still over tracking-table-max-keys: each tries harder. */
  private overLimitPasses = 0;
  private readonly metaCache = new Map<Command, CommandMeta | undefined>();

  constructor(private readonly engine: Engine) {}

  /** INFO tracking_total_keys. */
  get keys(): number {
    return this.table.size;
  }

  /** INFO tracking_total_prefixes. */
  get prefixCount(): number {
    return this.prefixes.size;
  }

  // -------------------------------------------------------------------------------------------
  // Turning tracking on and off
  // -------------------------------------------------------------------------------------------

  /** enableTracking: `options` are TRACKING_OPTIONS bits; `redirect` 0 for none. */
  enable(c: Client, redirect: number, options: number, prefixes: readonly string[]): void {
    if ((c.flags & ClientFlag.Tracking) === 0) this.clients++;
    c.flags = (c.flags & ~(ClientFlag.TrackingBrokenRedir | TRACKING_OPTIONS)) | ClientFlag.Tracking;
    c.trackingRedirect = redirect;
    if ((options & ClientFlag.TrackingBcast) !== 0) {
      c.flags |= ClientFlag.TrackingBcast;
      if (prefixes.length === 0) this.register(c, '');
      for (const prefix of prefixes) this.register(c, prefix);
    }
    c.flags |= options & (ClientFlag.TrackingOptIn | ClientFlag.TrackingOptOut | ClientFlag.TrackingNoLoop);
  }

  /** disableTracking: also on RESET and when the client leaves. Its table entries go lazily. */
  disable(c: Client): void {
    if ((c.flags & ClientFlag.TrackingBcast) !== 0 && c.trackingPrefixes !== null) {
      for (const prefix of c.trackingPrefixes) {
        const entry = this.prefixes.get(prefix) as Prefix;
        entry.clients.delete(c);
        if (entry.clients.size === 0) this.prefixes.delete(prefix);
      }
      c.trackingPrefixes = null;
    }
    if ((c.flags & ClientFlag.Tracking) !== 0) {
      this.clients--;
      c.flags &= ~ALL_TRACKING_FLAGS;
    }
  }

  /**
   * checkPrefixCollisionsOrReply: the error for prefixes that overlap one another or one the
   * client has (two prefixes overlap when one starts the other), or null.
   */
  prefixCollision(c: Client, prefixes: readonly string[]): string | null {
    for (let i = 0; i < prefixes.length; i++) {
      for (const existing of c.trackingPrefixes ?? []) {
        if (overlap(existing, prefixes[i])) {
          return `ERR Prefix '${cText(prefixes[i])}' overlaps with an existing prefix '${cText(existing)}'. Prefixes for a single client must not overlap.`;
        }
      }
      for (let j = i + 1; j < prefixes.length; j++) {
        if (overlap(prefixes[i], prefixes[j])) {
          return `ERR Prefix '${cText(prefixes[i])}' overlaps with another provided prefix '${cText(prefixes[j])}'. Prefixes for a single client must not overlap.`;
        }
      }
    }
    return null;
  }

  /** enableBcastTrackingForPrefix. */
  private register(c: Client, prefix: string): void {
    let entry = this.prefixes.get(prefix);
    if (entry === undefined) {
      entry = { clients: new Set(), keys: new Map() };
      this.prefixes.set(prefix, entry);
    }
    if (entry.clients.has(c)) return;
    entry.clients.add(c);
    const mine = (c.trackingPrefixes ??= []);
    mine.push(prefix);
    mine.sort();
  }

  // -------------------------------------------------------------------------------------------
  // Reads and changes
  // -------------------------------------------------------------------------------------------

  /**
   * trackingRememberKeys: after a read-only command `cmd` ran (for `tracking`, the client whose
   * command it is, or whose EXEC ran it), remember its keys for that client.
   */
  rememberKeys(tracking: Client, cmd: Command, argv: Argv): void {
    const optIn = (tracking.flags & ClientFlag.TrackingOptIn) !== 0;
    const optOut = (tracking.flags & ClientFlag.TrackingOptOut) !== 0;
    const caching = (tracking.flags & ClientFlag.TrackingCaching) !== 0;
    if ((optIn && !caching) || (optOut && caching)) return;
    // Shard channels look like keys to COMMAND but are not cached data.
    if ((cmd.bits & CommandBit.PubSub) !== 0) return;
    let meta = this.metaCache.get(cmd);
    if (meta === undefined && !this.metaCache.has(cmd)) {
      meta = commandMeta(cmd.name);
      this.metaCache.set(cmd, meta);
    }
    if (meta === undefined) return;
    if (meta.firstKey === 1 && meta.lastKey === 1 && meta.keySpecs.length === 1) {
      this.remember(tracking.id, argv.str(1));
      return;
    }
    const args = argv.strs(0);
    const found = getKeys(meta, args);
    if ('error' in found) return;
    for (const i of found.keys) this.remember(tracking.id, args[i]);
  }

  private remember(id: number, key: string): void {
    let ids = this.table.get(key);
    if (ids === undefined) {
      ids = new Set();
      this.table.set(key, ids);
    }
    if (ids.has(id)) return;
    ids.add(id);
    this.items++;
  }

  /**
   * trackingInvalidateKey: `key` changed (or, with `bcast` false, is dropped from a full
   * table). Clients that may hold it are told, and it is forgotten.
   */
  invalidate(key: string, bcast: boolean): void {
    const current = this.engine.current;
    if (bcast && this.prefixes.size > 0) this.noteForBroadcast(key, current);
    const ids = this.table.get(key);
    if (ids === undefined) return;
    for (const id of ids) {
      const target = this.engine.clients.get(id);
      // A client switched to BCAST since it read the key no longer wants these.
      if (target === undefined || (target.flags & (ClientFlag.Tracking | ClientFlag.TrackingBcast)) !== ClientFlag.Tracking) continue;
      if (target === current && (target.flags & ClientFlag.TrackingNoLoop) !== 0) continue;
      if (target === current && this.engine.executingCmd !== null) this.pending.push(key);
      else this.send(target, key);
    }
    this.items -= ids.size;
    this.table.delete(key);
  }

  /** trackingRememberKeyToBroadcast: gather `key` under every prefix that starts it. */
  private noteForBroadcast(key: string, changedBy: Client | null): void {
    for (const [prefix, entry] of this.prefixes) {
      if (prefix.length > key.length || !key.startsWith(prefix)) continue;
      entry.keys.set(key, changedBy);
      this.scheduleBroadcast();
    }
  }

  /**
   * trackingInvalidateKeysOnFlush: every tracking client is told "all keys" (a null), and the
   * table is emptied.
   */
  invalidateAll(): void {
    if (this.clients > 0) {
      const current = this.engine.current;
      for (const c of this.engine.clients.values()) {
        if ((c.flags & ClientFlag.Tracking) === 0) continue;
        if (c === current) this.pending.push(null);
        else this.send(c, null);
      }
    }
    this.table.clear();
    this.items = 0;
  }

  /** After the running command of `c` replied: the invalidations held for it. */
  flushPending(c: Client): void {
    const pending = this.pending;
    if (pending.length === 0) return;
    for (let i = 0; i < pending.length; i++) this.send(c, pending[i]);
    pending.length = 0;
  }

  get hasPending(): boolean {
    return this.pending.length !== 0;
  }

  /**
   * trackingLimitUsedSlots: over tracking-table-max-keys, drop keys (oldest first, where Redis
   * walks at random) telling their clients, with an effort that grows while it stays over.
   */
  limitUsedSlots(): void {
    const max = this.engine.config.getNumber('tracking-table-max-keys');
    if (max === 0 || this.table.size <= max) {
      this.overLimitPasses = 0;
      return;
    }
    let effort = 100 * (this.overLimitPasses + 1);
    for (const key of this.table.keys()) {
      if (effort-- <= 0) break;
      this.invalidate(key, false);
      if (this.table.size <= max) {
        this.overLimitPasses = 0;
        return;
      }
    }
    this.overLimitPasses++;
  }

  // -------------------------------------------------------------------------------------------
  // BCAST
  // -------------------------------------------------------------------------------------------

  private scheduleBroadcast(): void {
    if (this.broadcastScheduled) return;
    this.broadcastScheduled = true;
    setImmediate(() => this.broadcast());
  }

  /**
   * trackingBroadcastInvalidationMessages, at the end of the turn: for each prefix in byte
   * order, its changed keys in byte order to every registered client (a NOLOOP client without
   * the keys it changed itself, and nothing if that leaves none).
   */
  broadcast(): void {
    this.broadcastScheduled = false;
    const names = [...this.prefixes.keys()].sort();
    for (const name of names) {
      const entry = this.prefixes.get(name) as Prefix;
      if (entry.keys.size === 0) continue;
      const changed = [...entry.keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      entry.keys = new Map();
      const all = changed.map(([key]) => key);
      for (const c of entry.clients) {
        if ((c.flags & ClientFlag.TrackingNoLoop) === 0) {
          this.send(c, all);
          continue;
        }
        const others = changed.filter(([, by]) => by !== c).map(([key]) => key);
        if (others.length > 0) this.send(c, others);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Sending
  // -------------------------------------------------------------------------------------------

  /** sendTrackingMessage: one invalidation for tracking client `c`, where it should go. */
  private send(c: Client, what: Invalidation): void {
    const nullAs = c.protocol;
    let target = c;
    if (c.trackingRedirect !== 0) {
      const redirect = this.engine.clients.get(c.trackingRedirect);
      if (redirect === undefined) {
        // The redirection left: only a RESP3 client can be told so.
        c.flags |= ClientFlag.TrackingBrokenRedir;
        if (c.protocol === 3) {
          const r = this.engine.pushWriter(c);
          r.pushLen(2);
          r.bulk('tracking-redir-broken');
          r.integer(c.trackingRedirect);
          c.flushSoon();
        }
        return;
      }
      target = redirect;
    }
    let r: ReplyWriter;
    if (target.protocol === 3) {
      r = this.engine.pushWriter(target);
      r.pushLen(2);
      r.bulk('invalidate');
    } else if (target !== c && (target.flags & ClientFlag.PubSub) !== 0) {
      r = this.engine.pushWriter(target);
      r.arrayLen(3);
      r.bulk('message');
      r.bulk(TRACKING_CHANNEL);
    } else {
      return;
    }
    if (what === null) {
      r.raw(nullAs === 3 ? '_\r\n' : '$-1\r\n');
    } else if (typeof what === 'string') {
      r.arrayLen(1);
      r.bulk(what);
    } else {
      r.arrayLen(what.length);
      for (const key of what) r.bulk(key);
    }
    if (!this.engine.outputLimits.exceeded(target)) target.flushSoon();
  }
}

/** Whether one of two prefixes starts the other (stringCheckPrefix). */
function overlap(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/** A prefix as %s prints it: up to its first NUL byte. */
function cText(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}
