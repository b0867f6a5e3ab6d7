/**
 * WATCH: optimistic locking for MULTI/EXEC, as Redis 7.2's multi.c keeps it.
 *
 * Each database has a map from watched key to the WatchedKeys of the clients watching it, in
 * the order they watched; each client lists its own. A change to a key (signalModifiedKey,
 * through KeyspaceEvents) marks every watcher DIRTY_CAS and drops all its watches, since its
 * EXEC is doomed anyway. FLUSHDB, FLUSHALL and SWAPDB touch every watched key that exists.
 *
 * A key already expired (but not yet deleted) when it was watched is flagged: its deletion is
 * no change, and EXEC fails if any other watched key has expired meanwhile (isWatchedKeyExpired).
 * Keys are latin1 strings (one char per byte), as the rest of the server keeps names.
 */

import type { Database } from '../store/database.js';
import { ClientFlag, type Client } from './client.js';

export interface WatchedKey {
  readonly client: Client;
  readonly db: Database;
  readonly key: string;
  /** The key was logically expired when WATCH was called. */
  expired: boolean;
}

export class WatchRegistry {
  /** Per database index: key -> its watchers. */
  private readonly byDb: Map<string, WatchedKey[]>[];

  constructor(databases: number) {
    this.byDb = Array.from({ length: databases }, () => new Map());
  }

  /** Does anybody watch a key of `db`? (The cheap test before a key is turned into a string.) */
  watching(db: Database): boolean {
    return this.byDb[db.id].size > 0;
  }

  /** watchForKey: `c` watches `key` of its current database. */
  watch(c: Client, key: string): void {
    const db = c.db;
    for (const wk of c.watched) if (wk.db === db && wk.key === key) return;
    const map = this.byDb[db.id];
    let list = map.get(key);
    if (list === undefined) {
      list = [];
      map.set(key, list);
    }
    const wk: WatchedKey = { client: c, db, key, expired: keyIsExpired(db, key) };
    c.watched.push(wk);
    list.push(wk);
  }

  /** unwatchAllKeys. (Clearing DIRTY_CAS is the caller's business.) */
  unwatchAll(c: Client): void {
    for (const wk of c.watched) {
      const map = this.byDb[wk.db.id];
      const list = map.get(wk.key);
      if (list === undefined) continue;
      const i = list.indexOf(wk);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) map.delete(wk.key);
    }
    c.watched.length = 0;
  }

  /** isWatchedKeyExpired: has a key that was live when watched expired since? */
  anyExpired(c: Client): boolean {
    for (const wk of c.watched) if (!wk.expired && keyIsExpired(wk.db, wk.key)) return true;
    return false;
  }

  /** touchWatchedKey: `key` of `db` changed. */
  touch(db: Database, key: string): void {
    const map = this.byDb[db.id];
    if (map.size === 0) return;
    const list = map.get(key);
    if (list === undefined) return;
    for (const wk of list.slice()) {
      if (wk.expired) {
        // Watched while already expired: its deletion is no logical change.
        if (!db.holds(latin1Bytes(key))) {
          wk.expired = false;
          continue;
        }
        // Redis leaves the loop here (multi.c, 7.0 to 7.4): the watchers after this one are
        // not marked either.
        break;
      }
      wk.client.flags |= ClientFlag.DirtyCas;
      // Its EXEC fails whatever else changes: stop watching at once.
      this.unwatchAll(wk.client);
    }
  }

  /**
   * touchAllWatchedKeysInDb: `emptied` lost its keys (FLUSHDB, FLUSHALL) or, for SWAPDB, took
   * the contents of `replacedWith`. Call it before the keys go. A watch is broken when its key
   * existed in either; an expired key that stays expired, or goes, is no change.
   */
  touchAllInDb(emptied: Database, replacedWith: Database | null): void {
    const map = this.byDb[emptied.id];
    if (map.size === 0) return;
    for (const [key, list] of [...map]) {
      const bytes = latin1Bytes(key);
      const inEmptied = emptied.holds(bytes);
      const inReplacement = replacedWith !== null && replacedWith.holds(bytes);
      if (!inEmptied && !inReplacement) continue;
      for (const wk of list) {
        if (wk.expired) {
          if (!inReplacement) {
            wk.expired = false;
            continue;
          }
          if (keyIsExpired(replacedWith!, key)) continue;
        } else if (!inEmptied && keyIsExpired(replacedWith!, key)) {
          // A missing key replaced by an expired one.
          wk.expired = true;
          continue;
        }
        // Flagged only: unwatching here would change the lists being walked.
        wk.client.flags |= ClientFlag.DirtyCas;
      }
    }
  }

  /** Watchers of `key` in `db` (tests, DEBUG). */
  watchers(db: Database, key: string): number {
    return this.byDb[db.id].get(key)?.length ?? 0;
  }
}

function latin1Bytes(key: string): Buffer {
  return Buffer.from(key, 'latin1');
}

function keyIsExpired(db: Database, key: string): boolean {
  const b = latin1Bytes(key);
  return db.keyIsExpired(b, 0, b.length);
}
