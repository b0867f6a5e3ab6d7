/**
 * Blocking commands (Redis 7.2's blocked.c): BLPOP and its kin wait for a key instead of
 * replying at once.
 *
 * A blocking command's handler looks at its keys; when it cannot be served it calls
 * `engine.blocking.block(c, keys, deadline, kind)` and returns without replying. The engine
 * then keeps a copy of the command, and the client runs nothing else (its pipelined commands
 * wait in its input) until one of three things happens:
 *
 * - **A key becomes ready.** Whatever makes a key exist (Database.create, RENAME, MOVE,
 *   SWAPDB, through the Database's KeyspaceWatcher, as Redis signals from dbAdd) or a command
 *   calling signalKeyAsReady() queues the key, once, if some client waits on it. When the
 *   top-level command ends, handleReadyKeys() walks the queued keys and, for each, the clients
 *   waiting on it in the order they blocked: a client whose kind matches the key's type has its
 *   command run again, as if it had just arrived. If the command still cannot be served it
 *   calls block() again, and the client keeps its place in every queue and its deadline;
 *   otherwise it has replied and is released. Serving a client can make other keys ready
 *   (BLMOVE pushes): the walk repeats until no key is queued.
 *   Nothing is handled while a command runs, so a MULTI/EXEC or a script (later issues) that
 *   pushes wakes clients only after it ends: they raise `engine.executionNesting` around the
 *   commands they run, and the engine calls handleReadyKeys() only at nesting 0.
 * - **The deadline passes.** One timer is armed for the nearest deadline (a min-heap of
 *   blockings by deadline; those that ended otherwise are skipped when they come up). The client
 *   gets its command's timeout reply: a null array (what Redis replies for lists, sorted sets
 *   and streams alike) unless block() was given another.
 * - **CLIENT UNBLOCK**, with the timeout reply or `-UNBLOCKED client unblocked via CLIENT
 *   UNBLOCK`; or the client disconnects, and is forgotten.
 *
 * A released client's reply is in its output buffer; it is handed to its connection (the
 * `onUnblocked` callback: net-server flushes it and runs the commands that waited in the input;
 * the embedded API resolves the command's promise) in a microtask, once the command that woke
 * it has finished, as Redis's beforeSleep does.
 *
 * A client that may not block (inside MULTI, a script, or the embedded API's synchronous call)
 * gets the timeout reply from block() at once: canBlock() says which.
 */

import { argInt64 } from '../commands/args.js';
import { TIMEOUT_NEGATIVE, TIMEOUT_NOT_FLOAT, TIMEOUT_NOT_INTEGER, TIMEOUT_OUT_OF_RANGE, UNBLOCKED_BY_CLIENT } from '../commands/errors.js';
import type { Command } from '../commands/types.js';
import type { Argv } from '../protocol/argv.js';
import { Lookup, type Database, type KeyspaceWatcher } from '../store/database.js';
import { ValueType } from '../store/entries.js';
import { LongDouble } from '../types/long-double.js';
import { ClientFlag, type Client } from './client.js';
import type { Engine } from './engine.js';

/** What a client waits for: the kind of value that can serve it. */
export const enum BlockKind {
  List = 1,
  ZSet = 2,
  Stream = 3,
  /** WAIT: no keys, only a deadline (there are no replicas to acknowledge). */
  Replicas = 4,
}

const LLONG_MAX = 9223372036854775807n;
/** setTimeout's longest delay; a later deadline re-arms the timer when it fires. */
const MAX_TIMER_DELAY = 2147483647;
const TWO_64 = 1n << 64n;

/**
 * ceill(value * 1000.0) as Redis computes it in x87 long double: the product rounded to a
 * 64-bit significand (to nearest, ties to even), then rounded up to an integer. Values past
 * 2^64 ms come back as 2^64 (out of range either way).
 */
function ceilMillis(value: LongDouble): bigint {
  let m = value.mantissa * 1000n;
  let e = value.exponent;
  const excess = m.toString(2).length - 64;
  if (excess > 0) {
    const shift = BigInt(excess);
    let q = m >> shift;
    const twice = (m - (q << shift)) << 1n;
    const half = 1n << shift;
    if (twice > half || (twice === half && (q & 1n) === 1n)) q++;
    m = q;
    e += excess;
  }
  if (e >= 0) return e > 64 || m << BigInt(e) > TWO_64 ? (value.negative ? -TWO_64 : TWO_64) : value.negative ? -(m << BigInt(e)) : m << BigInt(e);
  const shift = BigInt(-e);
  const whole = shift > 128n ? 0n : m >> shift;
  const fraction = shift > 128n ? m !== 0n : m - (whole << shift) !== 0n;
  // Rounding up: towards zero for negatives, away from it for positives with a fraction.
  return value.negative ? -whole : fraction ? whole + 1n : whole;
}

/**
 * Redis's getTimeoutFromObjectOrReply in seconds: argv[i] as a (long double) number of seconds,
 * turned into a deadline in ms since the epoch (rounded up to the next millisecond), or 0 for
 * "forever" (0, and negatives that round up to 0). Null after replying the error.
 */
export function parseBlockTimeout(c: Client, argv: Argv, i: number): number | null {
  const value = LongDouble.parse(argv.bufs[i], argv.starts[i], argv.ends[i]);
  if (value === null) {
    c.reply.error(TIMEOUT_NOT_FLOAT);
    return null;
  }
  if (!value.isFinite()) {
    // +inf * 1000 is past LLONG_MAX; ceill(-inf) converts to LLONG_MIN, a negative timeout.
    c.reply.error(value.negative ? TIMEOUT_NEGATIVE : TIMEOUT_OUT_OF_RANGE);
    return null;
  }
  const ticks = ceilMillis(value);
  if (ticks > LLONG_MAX) {
    c.reply.error(TIMEOUT_OUT_OF_RANGE);
    return null;
  }
  if (ticks < 0n) {
    c.reply.error(TIMEOUT_NEGATIVE);
    return null;
  }
  if (ticks === 0n) return 0;
  const now = c.engine.store.now();
  if (ticks > LLONG_MAX - BigInt(now)) {
    c.reply.error(TIMEOUT_OUT_OF_RANGE);
    return null;
  }
  // Past 2^53 ms (285,000 years) a double is near enough: the deadline never comes.
  return now + Number(ticks);
}

/**
 * getTimeoutFromObjectOrReply in milliseconds (XREAD/XREADGROUP BLOCK): an integer number of
 * ms, turned into a deadline (0 = forever). Null after replying the error.
 */
export function parseBlockTimeoutMs(c: Client, argv: Argv, i: number): number | null {
  const v = argInt64(argv, i);
  if (v === null) {
    c.reply.error(TIMEOUT_NOT_INTEGER);
    return null;
  }
  if (v < 0) {
    c.reply.error(TIMEOUT_NEGATIVE);
    return null;
  }
  if (v === 0) return 0;
  const now = c.engine.store.now();
  if (BigInt(v) > LLONG_MAX - BigInt(now)) {
    c.reply.error(TIMEOUT_OUT_OF_RANGE);
    return null;
  }
  return now + Number(v);
}

/** A client's place in the queue of one key. */
interface WaitNode {
  client: Client;
  prev: WaitNode | null;
  next: WaitNode | null;
  queue: WaitQueue;
}

/** The clients waiting on one key, in the order they blocked. */
interface WaitQueue {
  key: string;
  head: WaitNode | null;
  tail: WaitNode | null;
  length: number;
  /** Waiters that a deleted key wakes (XREADGROUP). */
  onNoKey: number;
}

/** What a blocked client is waiting for (Client.blocked). */
export interface BlockedState {
  client: Client;
  kind: BlockKind;
  db: Database;
  /** Distinct keys, latin1, each with its node in that key's queue. */
  nodes: WaitNode[];
  /** Ms since the epoch; 0 = forever. */
  deadline: number;
  /** The command to run again, set by the engine once the handler has returned. */
  cmd: Command | null;
  argv: Argv | null;
  /** Writes the command's timeout reply (CLIENT UNBLOCK TIMEOUT too). */
  timeoutReply: ((c: Client) => void) | null;
  /** Set when the command, run again, blocked again. */
  reblocked: boolean;
  /** XREADGROUP: woken when its key is deleted or changes type too (it then replies an error). */
  unblockOnNoKey: boolean;
  /** Arguments to replace in the kept command (XREAD's `$` becomes the ID it stood for). */
  rewrites: readonly [number, string][] | null;
}

/** What a blocking command may ask of block() beyond the keys and the deadline. */
export interface BlockOptions {
  unblockOnNoKey?: boolean;
  rewrites?: readonly [number, string][];
}

/** Block kinds by value type (0: no client blocks on such a value). */
function kindOfType(type: ValueType): number {
  switch (type) {
    case ValueType.List:
      return BlockKind.List;
    case ValueType.ZSet:
      return BlockKind.ZSet;
    case ValueType.Stream:
      return BlockKind.Stream;
    default:
      return 0;
  }
}

function nullArrayReply(c: Client): void {
  c.reply.nullArray();
}

export class BlockingManager implements KeyspaceWatcher {
  /** Per database index: key -> clients waiting on it. */
  private readonly queues: Map<string, WaitQueue>[] = [];
  /** Keys signalled ready and not handled yet, with a set per database to queue each once. */
  private ready: { db: Database; key: string }[] = [];
  private readonly readySets: Set<string>[] = [];
  private handling = false;
  /** The client whose command is being run again (its block() keeps its place). */
  private reprocessing: Client | null = null;

  /** Blocked clients, in all and by kind (signals for a kind nobody waits on return at once). */
  blockedClients = 0;
  private readonly blockedByKind = [0, 0, 0, 0, 0];
  /** Keys with at least one waiter, over all databases (INFO total_blocking_keys). */
  totalBlockingKeys = 0;
  /** Keys with a waiter that their deletion wakes (INFO total_blocking_keys_on_nokey). */
  totalBlockingKeysOnNoKey = 0;
  /** Blocked clients with a deadline (INFO clients_in_timeout_table). */
  clientsWithDeadline = 0;

  /**
   * The blockings with a deadline, a min-heap by deadline. A blocking that ended otherwise
   * stays until it comes up (or the heap is rebuilt): it is stale once its client's `blocked`
   * is no longer it.
   */
  private heap: BlockedState[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;

  /** Clients released and waiting for their connection to take the reply. */
  private resumeQueue: Client[] = [];
  private resumeScheduled = false;

  private keyScratch = Buffer.allocUnsafe(256);

  constructor(private readonly engine: Engine) {
    for (const db of engine.store.databases) {
      this.queues.push(new Map());
      this.readySets.push(new Set());
      db.watchers.push(this);
    }
    engine.clientCloseHooks.push((c) => this.forget(c));
  }

  // -------------------------------------------------------------------------------------------
  // The API of blocking commands
  // -------------------------------------------------------------------------------------------

  /** False where a command must not wait (MULTI, scripts, synchronous embedded calls). */
  canBlock(c: Client): boolean {
    return (c.flags & ClientFlag.DenyBlocking) === 0;
  }

  /**
   * Make `c` wait on `keys` (latin1) until `deadline` (ms since the epoch, 0 = forever) for a
   * value of `kind`. The handler then returns without replying. `timeoutReply` writes what the
   * command replies when its time is up (default: a null array). A client that may not block
   * gets that reply now instead.
   */
  block(c: Client, keys: readonly string[], deadline: number, kind: BlockKind, timeoutReply?: (c: Client) => void, options?: BlockOptions): void {
    if (this.reprocessing === c && c.blocked !== null) {
      // Run again and still not served: it keeps its places and its deadline.
      c.blocked.reblocked = true;
      return;
    }
    if (!this.canBlock(c)) {
      (timeoutReply ?? nullArrayReply)(c);
      return;
    }
    const state: BlockedState = {
      client: c,
      kind,
      db: c.db,
      nodes: [],
      deadline,
      cmd: null,
      argv: null,
      timeoutReply: timeoutReply ?? null,
      reblocked: false,
      unblockOnNoKey: options?.unblockOnNoKey ?? false,
      rewrites: options?.rewrites ?? null,
    };
    const queues = this.queues[c.db.id];
    for (const key of keys) {
      if (state.nodes.some((n) => n.queue.key === key)) continue;
      let queue = queues.get(key);
      if (queue === undefined) {
        queue = { key, head: null, tail: null, length: 0, onNoKey: 0 };
        queues.set(key, queue);
        this.totalBlockingKeys++;
      }
      if (state.unblockOnNoKey && queue.onNoKey++ === 0) this.totalBlockingKeysOnNoKey++;
      const node: WaitNode = { client: c, prev: queue.tail, next: null, queue };
      if (queue.tail !== null) queue.tail.next = node;
      else queue.head = node;
      queue.tail = node;
      queue.length++;
      state.nodes.push(node);
    }
    c.blocked = state;
    this.blockedClients++;
    this.blockedByKind[kind]++;
    if (deadline !== 0) {
      this.clientsWithDeadline++;
      this.heapPush(state);
      this.armTimer();
    }
  }

  /** The engine keeps the blocked command (the handler's argv dies with the input buffer). */
  adopt(c: Client, cmd: Command, argv: Argv): void {
    const state = c.blocked;
    if (state === null) return;
    state.cmd = cmd;
    const kept = argv.clone();
    if (state.rewrites !== null) {
      for (const [i, text] of state.rewrites) kept.bufs[i] = Buffer.from(text, 'latin1');
      for (const [i, text] of state.rewrites) {
        kept.starts[i] = 0;
        kept.ends[i] = text.length;
      }
    }
    state.argv = kept;
  }

  /** Key `key` (latin1) of `db` may now serve waiting clients: queue it for handleReadyKeys(). */
  signalKeyAsReady(db: Database, key: string): void {
    if (this.blockedClients === 0 || !this.queues[db.id].has(key)) return;
    const set = this.readySets[db.id];
    if (set.has(key)) return;
    set.add(key);
    this.ready.push({ db, key });
  }

  get hasReadyKeys(): boolean {
    return this.ready.length > 0;
  }

  // -------------------------------------------------------------------------------------------
  // KeyspaceWatcher: keys that come into being (Redis's dbAdd) and SWAPDB
  // -------------------------------------------------------------------------------------------

  keyAdded(db: Database, id: number): void {
    if (this.blockedClients === 0) return;
    const kind = kindOfType(db.type(id));
    if (kind === 0 || this.blockedByKind[kind] === 0) return;
    this.signalKeyAsReady(db, db.keyString(id));
  }

  /** A stream is deleted or overwritten: XREADGROUP waiters on it must hear of it. */
  streamRemoved(db: Database, id: number): void {
    if (this.blockedByKind[BlockKind.Stream] === 0) return;
    this.signalKeyAsReady(db, db.keyString(id));
  }

  /**
   * SWAPDB: every waited-on key that exists after the swap may serve (scanDatabaseForReadyKeys),
   * and one now missing or of another type wakes its XREADGROUP waiters
   * (scanDatabaseForDeletedKeys). handleKey() tells who is served.
   */
  contentsSwapped(a: Database, b: Database): void {
    if (this.blockedClients === 0) return;
    for (const db of [a, b]) {
      for (const key of this.queues[db.id].keys()) {
        const id = this.lookup(db, key);
        if ((id !== 0 && kindOfType(db.type(id)) !== 0) || this.blockedByKind[BlockKind.Stream] > 0) this.signalKeyAsReady(db, key);
      }
    }
  }

  /** FLUSHDB, FLUSHALL: the keys are gone, which wakes XREADGROUP waiters (with NOGROUP). */
  emptied(db: Database): void {
    if (this.blockedByKind[BlockKind.Stream] === 0) return;
    for (const key of this.queues[db.id].keys()) this.signalKeyAsReady(db, key);
  }

  // -------------------------------------------------------------------------------------------
  // Serving
  // -------------------------------------------------------------------------------------------

  /**
   * Serve the clients waiting on the keys signalled ready (handleClientsBlockedOnKeys). The
   * engine calls it when a top-level command ends.
   */
  handleReadyKeys(): void {
    if (this.handling) return;
    this.handling = true;
    while (this.ready.length > 0) {
      // Serving may signal more keys (BLMOVE's push): they go to a fresh list, handled next.
      const batch = this.ready;
      this.ready = [];
      for (const { db, key } of batch) {
        this.readySets[db.id].delete(key);
        this.handleKey(db, key);
      }
    }
    this.handling = false;
  }

  private handleKey(db: Database, key: string): void {
    const queue = this.queues[db.id].get(key);
    if (queue === undefined) return;
    // Only the clients there now: one blocked again keeps its node, a new one goes after them.
    let count = queue.length;
    let node = queue.head;
    while (node !== null && count-- > 0) {
      const next = node.next;
      const receiver = node.client;
      const id = this.lookup(db, key);
      const state = receiver.blocked;
      // A key gone or of another type serves nobody, but wakes XREADGROUP (its group is gone).
      const serves = state !== null && ((id !== 0 && state.kind === kindOfType(db.type(id))) || state.unblockOnNoKey);
      if (serves && (receiver.flags & ClientFlag.CloseAsap) === 0) this.reprocess(receiver, state);
      node = next;
    }
  }

  /** Run a blocked client's command again; release the client unless it blocked again. */
  private reprocess(c: Client, state: BlockedState): void {
    if (state.cmd === null || state.argv === null) return;
    state.reblocked = false;
    const errorsBefore = c.reply.errors.length;
    const mark = c.reply.pos;
    const engine = this.engine;
    this.reprocessing = c;
    engine.current = c;
    engine.invoke(c, state.cmd, state.argv);
    engine.current = null;
    this.reprocessing = null;
    if (state.reblocked) return;
    engine.countCall(c, state.cmd, errorsBefore);
    this.release(c, state.cmd, mark);
  }

  /**
   * CLIENT UNBLOCK: end `c`'s wait with its timeout reply, or with an UNBLOCKED error.
   * False when `c` is not blocked.
   */
  unblock(c: Client, withError: boolean): boolean {
    const state = c.blocked;
    if (state === null) return false;
    const errorsBefore = c.reply.errors.length;
    const mark = c.reply.pos;
    if (withError) c.reply.error(UNBLOCKED_BY_CLIENT);
    else (state.timeoutReply ?? nullArrayReply)(c);
    if (state.cmd !== null) this.engine.countCall(c, state.cmd, errorsBefore);
    this.release(c, state.cmd, mark);
    return true;
  }

  /** A client that goes away while blocked leaves every queue, with no reply. */
  forget(c: Client): void {
    if (c.blocked === null) return;
    this.unlink(c);
    this.disarmIfIdle();
  }

  /**
   * Take `c` out of the queues and counts, finish its command (the engine's afterCommand: its
   * reply from `mark` on is the command's), and hand the reply to its connection.
   */
  private release(c: Client, cmd: Command | null, mark: number): void {
    this.unlink(c);
    this.disarmIfIdle();
    this.engine.afterCommand(c, cmd, mark);
    if ((c.flags & ClientFlag.Unblocked) === 0) {
      c.flags |= ClientFlag.Unblocked;
      this.resumeQueue.push(c);
    }
    if (!this.resumeScheduled) {
      this.resumeScheduled = true;
      queueMicrotask(() => this.resumeReleased());
    }
  }

  private unlink(c: Client): void {
    const state = c.blocked;
    if (state === null) return;
    const queues = this.queues[state.db.id];
    for (const node of state.nodes) {
      const queue = node.queue;
      if (node.prev !== null) node.prev.next = node.next;
      else queue.head = node.next;
      if (node.next !== null) node.next.prev = node.prev;
      else queue.tail = node.prev;
      queue.length--;
      if (state.unblockOnNoKey && --queue.onNoKey === 0) this.totalBlockingKeysOnNoKey--;
      if (queue.length === 0) {
        queues.delete(queue.key);
        this.totalBlockingKeys--;
      }
    }
    c.blocked = null;
    this.blockedClients--;
    this.blockedByKind[state.kind]--;
    if (state.deadline !== 0) this.clientsWithDeadline--;
  }

  private resumeReleased(): void {
    this.resumeScheduled = false;
    while (this.resumeQueue.length > 0) {
      const batch = this.resumeQueue;
      this.resumeQueue = [];
      for (const c of batch) {
        c.flags &= ~ClientFlag.Unblocked;
        // Gone meanwhile (disconnected, killed), or blocked again by what it ran since.
        if (this.engine.clients.get(c.id) !== c || c.blocked !== null) continue;
        c.onUnblocked?.();
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Deadlines
  // -------------------------------------------------------------------------------------------

  private armTimer(): void {
    this.dropStaleHeapTop();
    if (this.heap.length === 0) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      return;
    }
    const at = this.heap[0].deadline;
    if (this.timer !== null && this.timerAt <= at) return;
    if (this.timer !== null) clearTimeout(this.timer);
    // A client times out once now > deadline (Redis's `timeout < now`).
    const delay = Math.min(MAX_TIMER_DELAY, Math.max(1, at + 1 - Date.now()));
    this.timerAt = at;
    this.timer = setTimeout(() => this.fireTimer(), delay);
  }

  /** No deadline left: drop the timer, so it holds neither the event loop nor stale entries. */
  private disarmIfIdle(): void {
    if (this.clientsWithDeadline !== 0 || this.heap.length === 0) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.heap.length = 0;
  }

  private fireTimer(): void {
    this.timer = null;
    const now = Date.now();
    while (this.heap.length > 0 && this.heap[0].deadline < now) {
      const state = this.heapPop();
      const c = state.client;
      if (c.blocked !== state) continue;
      if ((c.flags & ClientFlag.CloseAsap) !== 0) {
        this.unlink(c);
        continue;
      }
      this.unblock(c, false);
    }
    this.armTimer();
  }

  /** Pop stale blockings off the top, and rebuild when they outnumber the live ones. */
  private dropStaleHeapTop(): void {
    while (this.heap.length > 0 && this.heap[0].client.blocked !== this.heap[0]) this.heapPop();
    if (this.heap.length > 64 && this.heap.length > 2 * this.clientsWithDeadline) {
      const live = this.heap.filter((state) => state.client.blocked === state);
      this.heap = [];
      for (const state of live) this.heapPush(state);
    }
  }

  private heapPush(state: BlockedState): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(state);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].deadline <= state.deadline) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = state;
  }

  private heapPop(): BlockedState {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop() as BlockedState;
    const n = heap.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap[child + 1].deadline < heap[child].deadline) child++;
      if (heap[child].deadline >= last.deadline) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
    return top;
  }

  // -------------------------------------------------------------------------------------------

  /** The live entry of `key` in `db` without side effects (Redis's LOOKUP_NOEFFECTS). */
  private lookup(db: Database, key: string): number {
    if (key.length > this.keyScratch.length) this.keyScratch = Buffer.allocUnsafe(Math.max(key.length, this.keyScratch.length * 2));
    const n = this.keyScratch.latin1Write(key, 0, key.length);
    return db.find(this.keyScratch, 0, n, Lookup.NoTouch | Lookup.NoExpire);
  }
}
