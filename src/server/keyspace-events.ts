/**
 * What commands tell the rest of the server when they change keys: Redis's signalModifiedKey
 * (WATCH, and later client-side caching) and notifyKeyspaceEvent (keyspace notifications over
 * pub/sub, classes chosen by `notify-keyspace-events`).
 *
 * Both are called on every write, so both are nearly free when nobody listens: a key becomes a
 * string only when some client watches a key of that database, or when its event class is on.
 */

import type { Argv } from '../protocol/argv.js';
import type { Database, KeyspaceWatcher } from '../store/database.js';
import type { Store } from '../store/store.js';
import type { Tracking } from './tracking.js';
import { WatchRegistry } from './watch.js';

/** Notification classes (Redis's NOTIFY_*), the bits of notify-keyspace-events. */
export const enum Notify {
  Keyspace = 1 << 0,
  Keyevent = 1 << 1,
  Generic = 1 << 2,
  String = 1 << 3,
  List = 1 << 4,
  Set = 1 << 5,
  Hash = 1 << 6,
  ZSet = 1 << 7,
  Expired = 1 << 8,
  Evicted = 1 << 9,
  Stream = 1 << 10,
  KeyMiss = 1 << 11,
  Loaded = 1 << 12,
  Module = 1 << 13,
  New = 1 << 14,
  /** 'A': every class but key-miss and new ("g$lshzxetd"). */
  All = Generic | String | List | Set | Hash | ZSet | Expired | Evicted | Stream | Module,
}

const CLASS_LETTERS: readonly [string, Notify][] = [
  ['A', Notify.All],
  ['g', Notify.Generic],
  ['$', Notify.String],
  ['l', Notify.List],
  ['s', Notify.Set],
  ['h', Notify.Hash],
  ['z', Notify.ZSet],
  ['x', Notify.Expired],
  ['e', Notify.Evicted],
  ['K', Notify.Keyspace],
  ['E', Notify.Keyevent],
  ['t', Notify.Stream],
  ['m', Notify.KeyMiss],
  ['d', Notify.Module],
  ['n', Notify.New],
];

/** keyspaceEventsStringToFlags, or null for a character that names no class. */
export function parseNotifyClasses(classes: string): number | null {
  let flags = 0;
  for (const ch of classes) {
    const entry = CLASS_LETTERS.find(([letter]) => letter === ch);
    if (entry === undefined) return null;
    flags |= entry[1];
  }
  return flags;
}

/** keyspaceEventsFlagsToString: CONFIG GET's form. */
export function formatNotifyClasses(flags: number): string {
  let s = '';
  if ((flags & Notify.All) === Notify.All) {
    s = 'A';
  } else {
    for (const [letter, bit] of CLASS_LETTERS.slice(1)) {
      if ('g$lshzxetdn'.includes(letter) && (flags & bit) !== 0) s += letter;
    }
  }
  if ((flags & Notify.Keyspace) !== 0) s += 'K';
  if ((flags & Notify.Keyevent) !== 0) s += 'E';
  if ((flags & Notify.KeyMiss) !== 0) s += 'm';
  return s;
}

export type Publisher = (channel: string, message: string) => void;

export class KeyspaceEvents implements KeyspaceWatcher {
  /** Keys signalled modified so far: whether a write command changed anything (propagation). */
  changes = 0;
  /** notify-keyspace-events as bits (set through configure). */
  flags = 0;
  readonly watches: WatchRegistry;
  /** Sends a message to a channel's subscribers; set by the pub/sub layer. */
  publisher: Publisher | null = null;
  /** Client-side caching, told of every change (set by the engine). */
  tracking: Tracking | null = null;

  constructor(private readonly store: Store) {
    this.watches = new WatchRegistry(store.databases.length);
    for (const db of store.databases) db.watchers.push(this);
  }

  /** Apply notify-keyspace-events (bits of Notify). */
  configure(flags: number): void {
    this.flags = flags;
    // The store reports read misses only while "keymiss" events are wanted.
    this.store.onKeyMiss =
      (flags & Notify.KeyMiss) === 0 ? null : (db, b, start, end) => this.notify(Notify.KeyMiss, 'keymiss', db, Buffer.prototype.latin1Slice.call(b, start, end) as string);
  }

  /** dbAdd's "new" event (KeyspaceWatcher). */
  keyAdded(db: Database, id: number): void {
    if ((this.flags & Notify.New) !== 0) this.notify(Notify.New, 'new', db, db.keyString(id));
  }

  contentsSwapped(): void {
    // SWAPDB's watches are touched by the command, before the swap (swapping()).
  }

  /** signalModifiedKey for a key held as a latin1 string. */
  modified(db: Database, key: string): void {
    this.changes++;
    this.watches.touch(db, key);
    if (this.tracking !== null && this.tracking.clients > 0) this.tracking.invalidate(key, true);
  }

  /** signalModifiedKey for key argv[i]. */
  modifiedArg(db: Database, argv: Argv, i: number): void {
    this.changes++;
    if (this.watches.watching(db)) this.watches.touch(db, argv.str(i));
    if (this.tracking !== null && this.tracking.clients > 0) this.tracking.invalidate(argv.str(i), true);
  }

  /** notifyKeyspaceEvent for a key held as a latin1 string. */
  notify(type: Notify, event: string, db: Database, key: string): void {
    if ((this.flags & type) === 0 || this.publisher === null) return;
    if ((this.flags & Notify.Keyspace) !== 0) this.publisher(`__keyspace@${db.id}__:${key}`, event);
    if ((this.flags & Notify.Keyevent) !== 0) this.publisher(`__keyevent@${db.id}__:${event}`, key);
  }

  /** notifyKeyspaceEvent for key argv[i]. */
  notifyArg(type: Notify, event: string, db: Database, argv: Argv, i: number): void {
    if ((this.flags & type) !== 0 && this.publisher !== null) this.notify(type, event, db, argv.str(i));
  }

  /**
   * The common pair after a write to key argv[i]: signalModifiedKey, then the event of
   * class `type`.
   */
  changedArg(db: Database, argv: Argv, i: number, type: Notify, event: string): void {
    this.changes++;
    if (this.watches.watching(db)) this.watches.touch(db, argv.str(i));
    if (this.tracking !== null && this.tracking.clients > 0) this.tracking.invalidate(argv.str(i), true);
    if ((this.flags & type) !== 0 && this.publisher !== null) this.notify(type, event, db, argv.str(i));
  }

  /** The pair for a key held as a string. */
  changed(db: Database, key: string, type: Notify, event: string): void {
    this.changes++;
    this.watches.touch(db, key);
    if (this.tracking !== null && this.tracking.clients > 0) this.tracking.invalidate(key, true);
    this.notify(type, event, db, key);
  }

  /** FLUSHDB/FLUSHALL are about to empty `db` (signalFlushedDb's WATCH part). */
  flushing(db: Database): void {
    this.changes++;
    this.watches.touchAllInDb(db, null);
  }

  /** After FLUSHDB/FLUSHALL's flushing() calls: tracking clients drop everything (once per command). */
  flushed(): void {
    if (this.tracking !== null) this.tracking.invalidateAll();
  }

  /** SWAPDB is about to exchange `a` and `b`. */
  swapping(a: Database, b: Database): void {
    this.changes++;
    this.watches.touchAllInDb(a, b);
    this.watches.touchAllInDb(b, a);
  }
}
