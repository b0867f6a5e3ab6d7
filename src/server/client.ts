/**
 * Client: the state of one connection (or of the embedded API's in-process caller).
 *
 * It is the context every command handler receives: the selected database, the reply writer
 * (which knows the RESP version), and the identity fields CLIENT LIST shows. The socket side
 * (reading, flushing, closing) belongs to the network layer; a client with no socket is the
 * embedded API's.
 */

import type { Socket } from 'node:net';
import { Argv } from '../protocol/argv.js';
import { RequestParser } from '../protocol/parser.js';
import { ReplyWriter } from '../protocol/reply-writer.js';
import type { Database } from '../store/database.js';
import type { Command } from '../commands/types.js';
import type { BlockedState } from './blocking.js';
import type { Engine } from './engine.js';
import type { Subscriptions } from './pubsub.js';
import type { WatchedKey } from './watch.js';

export const enum ClientFlag {
  /** Close once the pending replies are written (QUIT, protocol error, CLIENT KILL). */
  CloseAfterReply = 1 << 0,
  /** Close now, dropping pending output. */
  CloseAsap = 1 << 1,
  /** CLIENT NO-EVICT on. */
  NoEvict = 1 << 2,
  /** CLIENT NO-TOUCH on: reads do not update the LRU/LFU clock. */
  NoTouch = 1 << 3,
  /** The unix-socket listener accepted this client. */
  UnixSocket = 1 << 4,
  /** Blocking commands reply their timeout reply at once (MULTI, scripts, synchronous calls). */
  DenyBlocking = 1 << 5,
  /** Released from a blocking command; its connection has not taken the reply yet. */
  Unblocked = 1 << 6,
  /** Has replies waiting for the end-of-turn write (NetServer.flushLater). */
  PendingWrite = 1 << 7,
  /** Inside MULTI: commands are queued for EXEC. */
  Multi = 1 << 8,
  /** A watched key changed: EXEC will answer a null array (Redis's CLIENT_DIRTY_CAS). */
  DirtyCas = 1 << 9,
  /** A command was refused while queueing: EXEC will answer EXECABORT (CLIENT_DIRTY_EXEC). */
  DirtyExec = 1 << 10,
  /** Subscribed to something (Redis's CLIENT_PUBSUB): RESP2 allows only Pub/Sub commands. */
  PubSub = 1 << 11,
  /** CLIENT TRACKING on (CLIENT_TRACKING); the modes below refine it. */
  Tracking = 1 << 12,
  TrackingBcast = 1 << 13,
  TrackingOptIn = 1 << 14,
  TrackingOptOut = 1 << 15,
  /** CLIENT CACHING YES (in OPTIN) or NO (in OPTOUT) was given for the next command. */
  TrackingCaching = 1 << 16,
  TrackingNoLoop = 1 << 17,
  /** The REDIRECT client has gone. */
  TrackingBrokenRedir = 1 << 18,
  /** Receives every command the server runs (MONITOR). */
  Monitor = 1 << 19,
  /** CLIENT REPLY OFF: replies are dropped. */
  ReplyOff = 1 << 20,
  /** CLIENT REPLY SKIP: the next command's reply is dropped. */
  ReplySkipNext = 1 << 21,
  /** The reply of the command running now is dropped (set from ReplySkipNext). */
  ReplySkip = 1 << 22,
  /** Held by CLIENT PAUSE with a command to run once it ends (BLOCKED_POSTPONE). */
  Postponed = 1 << 23,
  /** Its commands are applied as given, not judged (the AOF loader: Redis's mustObeyClient). */
  ObeyAlways = 1 << 24,
  /** Its script ran past busy-reply-threshold and goes on between events: it waits for the reply. */
  InScript = 1 << 25,
  /** The client scripts run their commands as (Redis's CLIENT_SCRIPT). */
  Script = 1 << 26,
}

/** A command queued inside MULTI: resolved at queueing time, as Redis's multiCmd. */
export interface QueuedCommand {
  cmd: Command;
  argv: Argv;
}

export class Client {
  readonly id: number;
  readonly engine: Engine;
  readonly reply = new ReplyWriter();
  readonly parser = new RequestParser();
  readonly argv = new Argv();
  db: Database;
  flags = 0;
  name = '';
  libName = '';
  libVersion = '';
  user = 'default';
  authenticated: boolean;
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  /** Full name of the last command run ("client|list"), for CLIENT LIST's cmd=. */
  lastCommand = 'NULL';
  socket: Socket | null = null;
  /** "ip:port" of the peer and of our end, or the socket path. */
  addr = '';
  laddr = '';
  fd = -1;
  /** Bytes read from this client in the current event-loop turn (input fairness). */
  inputThisTurn = 0;
  /** What the client waits for while a blocking command holds it (see blocking.ts), or null. */
  blocked: BlockedState | null = null;
  /**
   * Called when a blocking command has replied (served, timed out, unblocked): the connection
   * sends the reply and runs the commands that waited behind it.
   */
  onUnblocked: (() => void) | null = null;
  /**
   * Called when output was written to this client outside its own command (a pub/sub message,
   * an invalidation, MONITOR): the connection sends it at the end of the event-loop turn.
   */
  onOutput: (() => void) | null = null;
  /** Commands queued since MULTI, or null outside a transaction. */
  multi: QueuedCommand[] | null = null;
  /** Keys this client WATCHes (see watch.ts); empty when it watches none. */
  readonly watched: WatchedKey[] = [];
  /** Channels and patterns it subscribes to (pubsub.ts), or null for none. */
  subscriptions: Subscriptions | null = null;
  /** When its output went over the soft limit (obuf_soft_limit_reached_time), in ms; 0 if not over. */
  softLimitSince = 0;
  /** CLIENT TRACKING REDIRECT: the id invalidations go to, or 0. */
  trackingRedirect = 0;
  /** CLIENT TRACKING BCAST PREFIX: its prefixes in byte order, or null. */
  trackingPrefixes: string[] | null = null;

  constructor(engine: Engine, id: number) {
    this.engine = engine;
    this.id = id;
    this.db = engine.store.databases[0];
    this.authenticated = engine.config.get('requirepass') === '';
  }

  /** Waiting in a blocking command, for a client pause to end or for its script: its input waits too. */
  get waiting(): boolean {
    return this.blocked !== null || (this.flags & (ClientFlag.Postponed | ClientFlag.InScript)) !== 0;
  }

  get protocol(): 2 | 3 {
    return this.reply.protocol;
  }

  selectDb(index: number): void {
    this.db = this.engine.store.databases[index];
  }

  /** Send what was written to `reply` outside this client's own command (see onOutput). */
  flushSoon(): void {
    if (this.onOutput !== null) this.onOutput();
  }

  /** Mark for closing after the current output is written. */
  closeAfterReply(): void {
    this.flags |= ClientFlag.CloseAfterReply;
  }
}

/**
 * Redis's islocalClient: a unix-socket client or one from 127.0.0.1 or ::1 (and the embedded
 * API's, which has no socket at all), where a "local" setting allows protected actions.
 */
export function isLocalClient(c: Client): boolean {
  if (c.socket === null || (c.flags & ClientFlag.UnixSocket) !== 0) return true;
  return c.addr.startsWith('127.0.0.1:') || c.addr.startsWith('[::1]:');
}
