/**
 * Engine: the server without its sockets.
 *
 * It owns the configuration, the store, the command table and the statistics, and runs one
 * command for one client (`execute`), applying the checks Redis's processCommand applies before
 * a handler runs. The network server and the embedded API are both thin shells around it, so
 * every feature is reached the same way from a socket or in-process. The cron (Redis's
 * serverCron) and the background-work loop run here too, in bounded slices.
 */

import { performance } from 'node:perf_hooks';
import { CommandRegistry } from '../commands/registry.js';
import { cString, NOAUTH, unknownSubcommand, wrongArity } from '../commands/errors.js';
import { discardTransaction } from '../commands/transactions.js';
import { CommandBit, type Command, type CommandEntry } from '../commands/types.js';
import type { Argv } from '../protocol/argv.js';
import { Store, type EncodingLimits } from '../store/store.js';
import { BlockingManager } from './blocking.js';
import { Client, ClientFlag, isLocalClient } from './client.js';
import { Config } from './config.js';
import { KeyspaceEvents, Notify, parseNotifyClasses } from './keyspace-events.js';
import { Logger } from './logger.js';
import { OutputLimits } from './output-limits.js';
import { PubSub } from './pubsub.js';
import { Stats } from './stats.js';
import { ClientPause } from './client-pause.js';
import { Evict, Eviction, OOM_ERROR } from './eviction.js';
import type { LoadingState } from './snapshot.js';
import { Persistence } from './persistence.js';
import { Propagation } from './propagation.js';
import { Scripting } from '../scripting/scripting.js';
import { Monitors } from './monitor.js';
import { Tracking } from './tracking.js';
import { ReplyWriter, UNCOUNTED_ERROR } from '../protocol/reply-writer.js';

/** Longest a background slice (rehash, lazy free, active expiry) may hold the event loop. */
const BACKGROUND_SLICE_MS = 2;
/** A client's own reply buffer, always counted (Redis's PROTO_REPLY_CHUNK_BYTES). */
const REPLY_BUFFER_BYTES = 16 * 1024;
/** Fast commands are timed on one call in this many (a power of two). */
const TIMING_SAMPLE = 8;

/** Config parameters mirrored into store.limits. */
const ENCODING_PARAMS: readonly [string, keyof EncodingLimits][] = [
  ['list-max-listpack-size', 'listMaxListpackSize'],
  ['set-max-intset-entries', 'setMaxIntsetEntries'],
  ['set-max-listpack-entries', 'setMaxListpackEntries'],
  ['set-max-listpack-value', 'setMaxListpackValue'],
  ['hash-max-listpack-entries', 'hashMaxListpackEntries'],
  ['hash-max-listpack-value', 'hashMaxListpackValue'],
  ['zset-max-listpack-entries', 'zsetMaxListpackEntries'],
  ['zset-max-listpack-value', 'zsetMaxListpackValue'],
];

/** What a RESP2 client may run while subscribed (processCommand's Pub/Sub context). */
const ALLOWED_WHILE_SUBSCRIBED = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

/** What a client in MULTI may still send when memory is over maxmemory (processCommand). */
const ALLOWED_OVER_MAXMEMORY_IN_MULTI = new Set(['exec', 'discard', 'quit', 'reset']);

/** What runs at once inside MULTI instead of being queued (processCommand's exceptions). */
const RUN_INSIDE_MULTI = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Commands whose reply is a push (cmdHasPushAsReply): pushes to their own client are not held back. */
const PUSH_AS_REPLY = new Set(['subscribe', 'ssubscribe', 'psubscribe', 'unsubscribe', 'sunsubscribe', 'punsubscribe']);

/** Client flags that call for work once a command has replied (see afterCommand). */
const AFTER_COMMAND_FLAGS = ClientFlag.TrackingCaching | ClientFlag.ReplyOff | ClientFlag.ReplySkip | ClientFlag.ReplySkipNext;

export class Engine {
  readonly config: Config;
  readonly store: Store;
  readonly commands = new CommandRegistry();
  readonly stats = new Stats();
  readonly log: Logger;
  readonly clients = new Map<number, Client>();
  readonly startedAt = Date.now();
  private nextClientId = 1;
  private cronTimer: NodeJS.Timeout | null = null;
  private backgroundScheduled = false;
  /** Hooks the network layer installs (CLIENT KILL, SHUTDOWN, ...). */
  onShutdownRequest: ((save: boolean | null) => void) | null = null;
  /** Write the replies waiting for the end of this turn now (before a long background slice). */
  flushReplies: (() => void) | null = null;
  readonly blocking: BlockingManager;
  /**
   * Raised by commands that run other commands (EXEC, EVAL): keys their inner commands signal
   * ready are handled only when the outermost command ends, as Redis does.
   */
  executionNesting = 0;
  /** signalModifiedKey and keyspace notifications (WATCH, notify-keyspace-events). */
  readonly events: KeyspaceEvents;
  /** Changes since the last save (Redis's server.dirty; INFO rdb_changes_since_last_save). */
  dirty = 0;
  readonly pubsub: PubSub;
  readonly outputLimits: OutputLimits;
  readonly tracking: Tracking;
  readonly monitors: Monitors;
  readonly pause: ClientPause;
  readonly eviction: Eviction;
  /** Snapshots, background saves and the AOF (server/persistence.ts). */
  readonly persistence: Persistence;
  /** EVAL and SCRIPT (scripting/scripting.ts); its Lua VM is started by the embedder. */
  readonly scripting: Scripting;
  /** The effects of write commands, for the AOF (server/propagation.ts). */
  readonly propagation = new Propagation();
  /** The files being loaded at start-up, while they are (commands then get -LOADING). */
  loading: LoadingState | null = null;
  /** The maxmemory setting, in bytes; 0 for no limit. */
  maxmemory = 0;
  /** Memory was over maxmemory when the running command began (pre_command_oom_state). */
  oomBeforeCommand = false;
  /** The clients' buffers as the cron last summed them, for the check before each command. */
  private clientBytes = 0;
  /**
   * The client whose command runs now (Redis's server.current_client): NOLOOP compares with it,
   * and pushes for it wait until its reply is written.
   */
  current: Client | null = null;
  /** The command running now, the innermost under EXEC (Redis's executing_client->cmd). */
  executingCmd: Command | null = null;
  /** Pushes for the current client, held until its reply is written (pending_push_messages). */
  private readonly heldPushes = new ReplyWriter(256);

  constructor(config: Config, families: readonly (readonly CommandEntry[])[]) {
    this.config = config;
    this.log = new Logger(config);
    this.store = new Store(config.getNumber('databases'));
    this.store.activeExpireEffort = config.getNumber('active-expire-effort');
    config.watch('active-expire-effort', (v) => (this.store.activeExpireEffort = Number(v)));
    config.watch('hz', () => this.startCron());
    for (const [param, field] of ENCODING_PARAMS) {
      const limits = this.store.limits;
      limits[field] = config.getNumber(param);
      config.watch(param, (v) => (limits[field] = Number(v)));
    }
    for (const family of families) this.commands.register(family);
    this.blocking = new BlockingManager(this);
    this.events = new KeyspaceEvents(this.store);
    const events = this.events;
    events.configure(parseNotifyClasses(config.get('notify-keyspace-events')) ?? 0);
    config.watch('notify-keyspace-events', (v) => events.configure(parseNotifyClasses(v) ?? 0));
    this.clientCloseHooks.push((c) => events.watches.unwatchAll(c));
    this.clientResetHooks.push(discardTransaction);
    this.tracking = new Tracking(this);
    const tracking = this.tracking;
    events.tracking = tracking;
    this.clientCloseHooks.push((c) => tracking.disable(c));
    this.clientResetHooks.push((c) => tracking.disable(c));
    this.monitors = new Monitors(this);
    this.pause = new ClientPause(this);
    this.outputLimits = new OutputLimits(config, this.log);
    this.pubsub = new PubSub(this);
    this.eviction = new Eviction(this);
    this.persistence = new Persistence(this);
    this.scripting = new Scripting(this);
    this.maxmemoryChanged(config.getNumber('maxmemory'));
    config.watch('maxmemory', (v) => this.maxmemoryChanged(Number(v)));
    const store = this.store;
    store.lfuLogFactor = config.getNumber('lfu-log-factor');
    store.lfuDecayTime = config.getNumber('lfu-decay-time');
    config.watch('lfu-log-factor', (v) => (store.lfuLogFactor = Number(v)));
    config.watch('lfu-decay-time', (v) => (store.lfuDecayTime = Number(v)));
    const pubsub = this.pubsub;
    events.publisher = (channel, message) => pubsub.publishString(channel, message);
    // deleteExpiredKeyAndPropagate: the event, then signalModifiedKey, once the key is gone.
    const propagation = this.propagation;
    this.store.onExpired = (db, key) => {
      if (propagation.active) this.propagateDeletion(db.id, key);
      events.notify(Notify.Expired, 'expired', db, key);
      events.modified(db, key);
    };
    this.store.onFieldsExpired = (db, key, keyDeleted) => {
      events.notify(Notify.Hash, 'hexpired', db, key);
      if (keyDeleted) events.notify(Notify.Generic, 'del', db, key);
      events.modified(db, key);
    };
  }

  createClient(): Client {
    const client = new Client(this, this.nextClientId++);
    this.clients.set(client.id, client);
    return client;
  }

  /**
   * CONFIG RESETSTAT: what resetServerStats, resetCommandTableStats and resetErrorTableStats
   * zero. The peak memory is kept, as in Redis.
   */
  resetStats(): void {
    this.stats.reset();
    const store = this.store;
    store.expiredKeys = 0;
    store.expiredStalePercent = 0;
    store.expiredTimeCapReached = 0;
    store.keyspaceHits = 0;
    store.keyspaceMisses = 0;
    store.lazyFreedObjects = 0;
    this.eviction.resetStats();
    for (const cmd of this.commands.everyCommand()) {
      cmd.calls = 0;
      cmd.usec = 0;
      cmd.rejectedCalls = 0;
      cmd.failedCalls = 0;
    }
  }

  /** After the start-up warm-up (see warm-up.ts): statistics and client ids start from zero. */
  forgetWarmUp(): void {
    this.resetStats();
    this.dirty = 0;
    this.nextClientId = 1;
  }

  removeClient(client: Client): void {
    this.clients.delete(client.id);
    for (const hook of this.clientCloseHooks) hook(client);
  }

  /** Families that keep per-client state (MULTI, subscriptions, tracking) register cleanups. */
  readonly clientCloseHooks: ((client: Client) => void)[] = [];
  readonly clientResetHooks: ((client: Client) => void)[] = [];

  /** RESET: back to a fresh connection's state (Redis's clearClientConnectionState). */
  resetClient(client: Client): void {
    for (const hook of this.clientResetHooks) hook(client);
    client.selectDb(0);
    client.reply.protocol = 2;
    client.user = 'default';
    client.authenticated = this.config.get('requirepass') === '';
    client.name = '';
    client.flags &= ~(ClientFlag.NoEvict | ClientFlag.NoTouch | ClientFlag.ReplyOff | ClientFlag.ReplySkipNext);
  }

  /**
   * Run one command for `client`, writing its reply to client.reply. The caller has set the
   * store's clock (store.tick): once per socket read for the server, so commands that arrived
   * together share one "now" (reading the clock costs as much as a GET); once per command for
   * the embedded API. The checks and their order
   * follow Redis's processCommand: lookup, arity, authentication; then the call and its
   * statistics.
   */
  execute(client: Client, argv: Argv): void {
    const mark = client.reply.pos;
    this.current = client;
    const cmd = this.dispatch(client, argv);
    this.current = null;
    if ((client.flags & AFTER_COMMAND_FLAGS) !== 0 || this.tracking.hasPending || this.heldPushes.pos !== 0) {
      this.afterCommand(client, cmd, mark);
    }
    if (this.executionNesting !== 0) return;
    this.endExecutionUnit();
  }

  /**
   * The outermost command is over: its effects go out as one unit, then the clients blocked
   * on keys it made ready are served. Also what a script that went on between events calls
   * when it ends.
   */
  endExecutionUnit(): void {
    const propagation = this.propagation;
    if (propagation.active) propagation.endUnit();
    if (this.blocking.hasReadyKeys) {
      this.blocking.handleReadyKeys();
      if (propagation.active) propagation.endUnit();
    }
  }

  /**
   * A key went without a command naming it (expired, evicted): a DEL in the stream, a unit of
   * its own unless a command is running (propagateDeletion).
   */
  propagateDeletion(db: number, key: string): void {
    const propagation = this.propagation;
    propagation.add(db, ['DEL', key]);
    if (this.current === null && this.executionNesting === 0) propagation.endUnit();
  }

  /**
   * Before replies go out (Redis's beforeSleep): the AOF gets what the commands changed, on
   * disk under appendfsync always, so no client hears of a write the file does not hold.
   */
  beforeReplies(): void {
    // A script running between events has its effects open: they go out when it ends, whole.
    if (this.propagation.pos !== 0 && !this.scripting.busy) this.persistence.aof.flush();
  }

  /**
   * What Redis does once a command has replied (afterCommand, resetClient): the reply dropped
   * under CLIENT REPLY OFF/SKIP, then the invalidations and pushes held for the client, then
   * the one-command flags (CLIENT CACHING, CLIENT REPLY SKIP) move on. A client left blocked
   * gets this when it is released (see blocking.ts).
   */
  afterCommand(client: Client, cmd: Command | null, mark: number): void {
    const flags = client.flags;
    const done = !client.waiting;
    if (done && (flags & (ClientFlag.ReplyOff | ClientFlag.ReplySkip)) !== 0 && (cmd === null || !PUSH_AS_REPLY.has(cmd.name))) {
      client.reply.pos = Math.min(client.reply.pos, mark);
    }
    // What was held is this client's only when no other command is running (CLIENT UNBLOCK
    // releases a client from inside another's command).
    if (this.executionNesting === 0 && this.current === null) {
      this.tracking.flushPending(client);
      const held = this.heldPushes;
      if (held.pos !== 0) {
        client.reply.rawBytes(held.buf, 0, held.pos);
        held.pos = 0;
      }
    }
    if (!done) return;
    // CLIENT CACHING lasts for the next command (or transaction), CLIENT REPLY SKIP for one.
    if ((flags & ClientFlag.Multi) === 0 && (cmd === null || !cmd.name.startsWith('client|'))) client.flags &= ~ClientFlag.TrackingCaching;
    client.flags &= ~ClientFlag.ReplySkip;
    if ((flags & ClientFlag.ReplySkipNext) !== 0) client.flags = (client.flags & ~ClientFlag.ReplySkipNext) | ClientFlag.ReplySkip;
  }

  /**
   * Where a push for `c` is written: its reply, or, while `c`'s own command runs (and is not
   * one whose reply is pushes), a buffer that follows the reply (Redis 7.2's
   * pending_push_messages), so a message never lands inside a reply.
   */
  pushWriter(c: Client): ReplyWriter {
    const cmd = this.executingCmd;
    if (c !== this.current || cmd === null || PUSH_AS_REPLY.has(cmd.name)) return c.reply;
    const held = this.heldPushes;
    held.protocol = c.protocol;
    return held;
  }

  /** The checks of processCommand, then the call. Returns the command run or refused, if known. */
  private dispatch(client: Client, argv: Argv): Command | null {
    client.lastInteraction = this.store.now();
    const reply = client.reply;
    if (this.tracking.clients > 0) this.tracking.limitUsedSlots();
    const cmd = this.commands.lookup(argv);
    if (cmd === undefined) {
      this.rejectUnknown(client, argv);
      return null;
    }
    client.lastCommand = cmd.name;
    if ((cmd.arity > 0 && cmd.arity !== argv.count) || argv.count < -cmd.arity) {
      this.reject(client, cmd, wrongArity(cmd.name));
      return cmd;
    }
    if (!client.authenticated && (cmd.bits & CommandBit.NoAuth) === 0) {
      this.reject(client, cmd, NOAUTH);
      return cmd;
    }
    if ((cmd.bits & CommandBit.Protected) !== 0 && !this.allowsProtected(client)) {
      const debug = cmd.name === 'debug';
      this.reject(
        client,
        cmd,
        `ERR ${debug ? 'DEBUG' : 'MODULE'} command not allowed. If the ${debug ? 'enable-debug-command' : 'enable-module-command'} option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`,
      );
      return cmd;
    }
    if ((client.flags & ClientFlag.Multi) !== 0 && (cmd.bits & CommandBit.NoMulti) !== 0) {
      this.reject(client, cmd, 'ERR Command not allowed inside a transaction');
      return cmd;
    }
    // A script's declared flags stand for EVAL's or FCALL's own (getCommandFlags).
    const bits = (cmd.bits & CommandBit.RunsScript) !== 0 ? this.scripting.commandBits(cmd, argv) : cmd.bits;
    // No eviction while a script is busy: it would change the data under the script.
    if (this.maxmemory !== 0 && !this.scripting.busy && this.refusedForMemory(client, cmd, bits)) return cmd;
    if ((bits & CommandBit.Write) !== 0 || cmd.name === 'ping') {
      const refusal = this.persistence.writeRefusal();
      if (refusal !== null) {
        this.reject(client, cmd, refusal);
        return cmd;
      }
    }
    // RESP3 carries messages as pushes beside replies; RESP2 cannot tell them apart.
    if ((client.flags & ClientFlag.PubSub) !== 0 && client.protocol === 2 && !ALLOWED_WHILE_SUBSCRIBED.has(cmd.name)) {
      this.reject(
        client,
        cmd,
        `ERR Can't execute '${cmd.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      );
      return cmd;
    }
    // Only commands flagged `loading` run while the dataset loads; EXEC only if all it queued are.
    if (this.loading !== null && !this.runsWhileLoading(client, cmd)) {
      this.reject(client, cmd, 'LOADING Redis is loading the dataset in memory');
      return cmd;
    }
    // A script past busy-reply-threshold runs between events: only a few commands may run.
    if (this.scripting.busy && (cmd.bits & CommandBit.AllowBusy) === 0) {
      this.reject(client, cmd, this.scripting.busyError());
      return cmd;
    }
    const handler = cmd.handler;
    if (handler === null) {
      // A container reached without a subcommand it knows (arity let it through).
      this.reject(client, cmd, unknownSubcommand(argv.str(1), cmd.name));
      return cmd;
    }
    if (this.pause.active && this.pause.holds(client, cmd)) {
      this.pause.postpone(client, argv);
      return cmd;
    }
    if ((client.flags & ClientFlag.Multi) !== 0 && !RUN_INSIDE_MULTI.has(cmd.name)) {
      // queueMultiCommand: nothing is kept once the transaction is doomed.
      if ((client.flags & (ClientFlag.DirtyCas | ClientFlag.DirtyExec)) === 0) client.multi!.push({ cmd, argv: argv.clone() });
      reply.simple('QUEUED');
      return cmd;
    }
    const errorsBefore = reply.errors.length;
    this.invoke(client, cmd, argv);
    if (client.blocked !== null && client.blocked.cmd === null) {
      // It waits (blocking.ts); it is counted when it replies.
      this.blocking.adopt(client, cmd, argv);
    } else {
      this.countCall(client, cmd, errorsBefore);
    }
    if (this.monitors.clients.size !== 0) this.monitors.feed(client, cmd, argv);
    return cmd;
  }

  /**
   * The maxmemory step of processCommand: evict what the policy allows, then refuse a command
   * that may grow memory if that was not enough. Inside MULTI every command is refused but
   * EXEC, DISCARD, QUIT and RESET, as queueing takes memory too; EXEC is refused when a queued
   * command may grow memory, and the transaction is discarded (execCommandAbort).
   */
  private refusedForMemory(client: Client, cmd: Command, bits: number): boolean {
    const outOfMemory = this.eviction.perform() === Evict.Fail;
    this.oomBeforeCommand = outOfMemory;
    if (!outOfMemory) return false;
    const inMulti = (client.flags & ClientFlag.Multi) !== 0;
    let refuse = (bits & CommandBit.DenyOom) !== 0 || (inMulti && !ALLOWED_OVER_MAXMEMORY_IN_MULTI.has(cmd.name));
    if (cmd.name === 'exec' && inMulti) refuse = client.multi?.some((q) => (q.cmd.bits & CommandBit.DenyOom) !== 0) ?? false;
    if (!refuse) return false;
    if (cmd.name === 'exec' && inMulti) {
      cmd.rejectedCalls++;
      discardTransaction(client);
      client.reply.error(`EXECABORT Transaction discarded because of: ${OOM_ERROR}`);
      this.countErrors(client);
    } else {
      this.reject(client, cmd, OOM_ERROR);
    }
    return true;
  }

  private runsWhileLoading(client: Client, cmd: Command): boolean {
    if ((cmd.bits & CommandBit.Loading) === 0) return false;
    if (cmd.name !== 'exec' || client.multi === null) return true;
    return client.multi.every((q) => (q.cmd.bits & CommandBit.Loading) !== 0);
  }

  /** used_memory: the dataset's bytes and the clients' buffers (see Store.datasetBytes). */
  usedMemory(): number {
    this.clientBytes = this.clientBufferBytes();
    return this.store.datasetBytes + this.clientBytes;
  }

  /**
   * The memory maxmemory compares (Redis's used memory less replica and AOF buffers, which
   * used_memory here does not count either), with the clients' buffers as the cron last summed them:
   * summing them before every command would cost a pass over all clients.
   */
  usedMemoryForEviction(): number {
    return this.store.datasetBytes + this.clientBytes;
  }

  /**
   * Input and output buffers held for clients (INFO mem_clients_normal), as Redis counts them:
   * each client's 16 KB reply buffer, output beyond it not yet written, output the socket
   * has not handed to the kernel, and the unparsed input.
   */
  clientBufferBytes(): number {
    let n = 0;
    for (const client of this.clients.values()) {
      const pending = client.reply.pos;
      n += REPLY_BUFFER_BYTES + (pending > REPLY_BUFFER_BYTES ? pending - REPLY_BUFFER_BYTES : 0);
      n += client.parser.pending + (client.socket?.writableLength ?? 0);
    }
    return n;
  }

  /** CONFIG SET maxmemory: a limit under what is used evicts at once, as Redis's does. */
  private maxmemoryChanged(bytes: number): void {
    this.maxmemory = bytes;
    // overMaxmemoryAfterAlloc, for the keyspace's tables.
    this.store.expandAllowed = bytes === 0 ? null : (more) => this.usedMemoryForEviction() + more <= this.maxmemory;
    if (bytes === 0) return;
    const used = this.usedMemory();
    if (used > bytes) {
      this.log.warning(
        `WARNING: the new maxmemory value set via CONFIG SET (${bytes}) is smaller than the current memory usage (${used}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.`,
      );
      this.eviction.perform();
    }
  }

  /**
   * rejectCommand: reply `message` without running `cmd`; inside MULTI the transaction is
   * doomed (flagTransaction).
   */
  private reject(client: Client, cmd: Command, message: string): void {
    cmd.rejectedCalls++;
    client.reply.error(message);
    this.countErrors(client);
    if ((client.flags & ClientFlag.Multi) !== 0) client.flags |= ClientFlag.DirtyExec;
  }

  /**
   * Run `cmd`'s handler for `client` and time it. Reading the clock costs as much as a GET, so
   * commands flagged fast are timed on one call in TIMING_SAMPLE and the time scaled up (usec
   * stays an unbiased total); the rest always. Also what runs a blocked command again.
   */
  invoke(client: Client, cmd: Command, argv: Argv): void {
    const handler = cmd.handler as NonNullable<Command['handler']>;
    // CLIENT NO-TOUCH: this client's reads leave the LRU/LFU clock alone, except TOUCH itself.
    this.store.noTouch = (client.flags & ClientFlag.NoTouch) !== 0 && cmd.name !== 'touch';
    const outer = this.executingCmd;
    this.executingCmd = cmd;
    const write = (cmd.bits & CommandBit.Write) !== 0;
    if (write && this.persistence.saving) this.persistence.beforeWrite(cmd, argv, client.db);
    const propagation = this.propagation;
    const propagating = propagation.active && write;
    if (propagating) propagation.beforeCommand(client.db.id, this.dirty, this.events.changes);
    const timed = (cmd.bits & CommandBit.Fast) === 0 || (cmd.calls & (TIMING_SAMPLE - 1)) === 0;
    if (timed) {
      const t0 = performance.now();
      handler(client, argv);
      const elapsed = performance.now() - t0;
      cmd.usec += (cmd.bits & CommandBit.Fast) === 0 ? elapsed * 1000 : elapsed * 1000 * TIMING_SAMPLE;
    } else {
      handler(client, argv);
    }
    if (propagating) propagation.afterCommand(argv, this.dirty, this.events.changes);
    this.executingCmd = outer;
    // The keys a tracking client read are remembered, under EXEC too, for the client that sent it.
    if ((cmd.bits & CommandBit.ReadOnly) !== 0 && this.tracking.clients > 0) {
      const tracking = this.current ?? client;
      if ((tracking.flags & (ClientFlag.Tracking | ClientFlag.TrackingBcast)) === ClientFlag.Tracking) this.tracking.rememberKeys(tracking, cmd, argv);
    }
  }

  /** A command has replied: its statistics, and its error replies into INFO errorstats. */
  countCall(client: Client, cmd: Command, errorsBefore: number): void {
    cmd.calls++;
    this.stats.commandsProcessed++;
    if (client.reply.errors.length !== errorsBefore) {
      cmd.failedCalls++;
      this.countErrors(client);
    }
  }

  /** enable-debug-command: yes, or local and the client is local (Redis's allowProtectedAction). */
  private allowsProtected(client: Client): boolean {
    const setting = this.config.get('enable-debug-command');
    return setting === 'yes' || (setting === 'local' && isLocalClient(client));
  }

  private rejectUnknown(client: Client, argv: Argv): void {
    const name = argv.str(0);
    const container = this.commands.get(argv.lower(0));
    if (container !== undefined && container.subcommands !== null) {
      client.reply.error(unknownSubcommand(argv.str(1), name));
    } else {
      let args = '';
      for (let i = 1; i < argv.count && args.length < 128; i++) {
        args += `'${cString(argv.str(i), 128 - args.length)}' `;
      }
      client.reply.error(`ERR unknown command '${cString(name, 128)}', with args beginning with: ${args}`);
    }
    this.countErrors(client);
    if ((client.flags & ClientFlag.Multi) !== 0) client.flags |= ClientFlag.DirtyExec;
  }

  /** Move the client's new error replies into INFO errorstats. */
  private countErrors(client: Client): void {
    const errors = client.reply.errors;
    for (const message of errors) if (message !== UNCOUNTED_ERROR) this.stats.countError(message);
    errors.length = 0;
  }

  // -------------------------------------------------------------------------------------------
  // Cron and background work
  // -------------------------------------------------------------------------------------------

  /** Start the periodic tasks (call once the engine is serving). */
  startCron(): void {
    if (this.cronTimer) clearInterval(this.cronTimer);
    const hz = Math.min(500, Math.max(1, this.config.getNumber('hz')));
    this.cronTimer = setInterval(() => this.cron(), Math.floor(1000 / hz));
    this.cronTimer.unref();
  }

  stopCron(): void {
    if (this.cronTimer) clearInterval(this.cronTimer);
    this.cronTimer = null;
  }

  private cron(): void {
    const now = Date.now();
    this.store.tick(now);
    this.stats.sample(now);
    this.stats.trackMemory(this.usedMemory());
    this.store.shrinkTables();
    // A busy script sees the data set as it left it: nothing expires and no save starts meanwhile.
    if (!this.scripting.busy) {
      this.store.activeExpireCycle(BACKGROUND_SLICE_MS);
      this.persistence.cron(now);
    }
    this.closeIdleClients(now);
    this.scheduleBackground();
  }

  /** Run rehash and lazy-free slices between I/O events until there is nothing left. */
  scheduleBackground(): void {
    if (this.backgroundScheduled) return;
    this.backgroundScheduled = true;
    setImmediate(() => {
      this.backgroundScheduled = false;
      if (this.store.backgroundWork(BACKGROUND_SLICE_MS)) this.scheduleBackground();
    });
  }

  private closeIdleClients(now: number): void {
    const timeout = this.config.getNumber('timeout');
    if (timeout <= 0) return;
    for (const client of this.clients.values()) {
      // A client waiting in a blocking command is not idle (Redis: "No timeout for BLPOP").
      if (client.socket !== null && !client.waiting && now - client.lastInteraction > timeout * 1000) {
        client.socket.destroy();
      }
    }
  }
}
