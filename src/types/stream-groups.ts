/**
 * Consumer groups of a stream (Redis's streamCG, streamConsumer, streamNACK).
 *
 * A group keeps the entries delivered and not yet acknowledged (its pending entries list, PEL)
 * and its consumers, each with the part of the PEL it owns. Redis keeps both PELs as radix trees
 * keyed by ID; here a PendingList is an array sorted by ID: deliveries append (they come in ID
 * order), lookups binary-search, acknowledgements splice.
 */

import { compareIds, type StreamID } from './stream-id.js';

/** A delivered, unacknowledged entry: shared by the group's PEL and its owner's. */
export interface Nack {
  readonly id: StreamID;
  /** Ms since the epoch of the last delivery. */
  deliveryTime: number;
  deliveryCount: number;
  consumer: Consumer | null;
}

export class PendingList {
  readonly items: Nack[] = [];

  get size(): number {
    return this.items.length;
  }

  /** Index of the first nack whose ID is >= `id`. */
  lowerBound(id: StreamID): number {
    const items = this.items;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(items[mid].id, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  find(id: StreamID): Nack | undefined {
    const i = this.lowerBound(id);
    const n = this.items[i];
    return n !== undefined && compareIds(n.id, id) === 0 ? n : undefined;
  }

  /** Insert `nack` unless its ID is there already; returns whether it was inserted. */
  insert(nack: Nack): boolean {
    const items = this.items;
    const last = items[items.length - 1];
    if (last === undefined || compareIds(last.id, nack.id) < 0) {
      items.push(nack);
      return true;
    }
    const i = this.lowerBound(nack.id);
    if (i < items.length && compareIds(items[i].id, nack.id) === 0) return false;
    items.splice(i, 0, nack);
    return true;
  }

  remove(id: StreamID): boolean {
    const i = this.lowerBound(id);
    const n = this.items[i];
    if (n === undefined || compareIds(n.id, id) !== 0) return false;
    this.items.splice(i, 1);
    return true;
  }

  clone(): PendingList {
    const copy = new PendingList();
    copy.items.push(...this.items);
    return copy;
  }
}

export class Consumer {
  readonly pel = new PendingList();
  /** Last time the consumer attempted an interaction (XREADGROUP, XCLAIM...), ms. */
  seenTime: number;
  /** Last time it was served something; -1 before it ever was. */
  activeTime = -1;

  constructor(
    /** The name, latin1 (binary-safe). */
    readonly name: string,
    now: number,
  ) {
    this.seenTime = now;
  }
}

export class ConsumerGroup {
  readonly pel = new PendingList();
  /** By name (latin1); listed in byte order. */
  readonly consumers = new Map<string, Consumer>();

  constructor(
    readonly name: string,
    public lastId: StreamID,
    /** The logical read counter; -1 when unknown (SCG_INVALID_ENTRIES_READ). */
    public entriesRead: number,
  ) {}

  /** Consumers in the order Redis's radix tree yields them (by name bytes). */
  sortedConsumers(): Consumer[] {
    return sortedByName([...this.consumers.values()]);
  }

  /** streamDelConsumer: drop the consumer and its pending entries from the group's PEL. */
  deleteConsumer(consumer: Consumer): void {
    for (const nack of consumer.pel.items) this.pel.remove(nack.id);
    this.consumers.delete(consumer.name);
  }

  /** A deep copy (COPY): new nacks shared between the copies' group and consumer PELs. */
  clone(): ConsumerGroup {
    const copy = new ConsumerGroup(this.name, this.lastId, this.entriesRead);
    const consumers = new Map<Consumer, Consumer>();
    for (const c of this.consumers.values()) {
      const d = new Consumer(c.name, c.seenTime);
      d.activeTime = c.activeTime;
      consumers.set(c, d);
      copy.consumers.set(d.name, d);
    }
    for (const n of this.pel.items) {
      const owner = n.consumer === null ? null : (consumers.get(n.consumer) ?? null);
      const m: Nack = { id: n.id, deliveryTime: n.deliveryTime, deliveryCount: n.deliveryCount, consumer: owner };
      copy.pel.items.push(m);
      if (owner !== null) owner.pel.items.push(m);
    }
    return copy;
  }
}

/** Byte order of latin1 names: code units compare as the bytes do. */
export function sortedByName<T extends { readonly name: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
