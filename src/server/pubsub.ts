/**
 * Pub/Sub (Redis 7.2's pubsub.c): channels, patterns and shard channels, and the messages that
 * reach their subscribers.
 *
 * The server side maps each channel (or pattern) to the clients subscribed to it, in the order
 * they subscribed; each client keeps its own sets, which UNSUBSCRIBE without arguments, RESET
 * and disconnection walk. An entry goes as soon as its last subscriber leaves, so subscribing to
 * millions of channels and leaving them leaves nothing behind.
 *
 * Channels and patterns are latin1 strings (one char per byte): binary-safe map keys. A message
 * is written straight into each subscriber's reply buffer, as a RESP2 array or a RESP3 push,
 * and sent at the end of the event-loop turn; a subscriber that stops reading is closed once
 * its output passes client-output-buffer-limit's pubsub class (output-limits.ts).
 *
 * Shard channels (SSUBSCRIBE, SPUBLISH) are a namespace of their own that patterns never see;
 * without cluster mode they behave as plain channels otherwise.
 */

import { globMatch } from '../store/glob.js';
import { ClientFlag, type Client } from './client.js';
import type { Engine } from './engine.js';

/** Which namespace a channel lives in. */
export const enum ChannelKind {
  Global = 0,
  Shard = 1,
}

/** A client's subscriptions: channels, patterns and shard channels. */
export class Subscriptions {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();

  /** clientSubscriptionsCount: channels and patterns (what (P)SUBSCRIBE replies count). */
  get count(): number {
    return this.channels.size + this.patterns.size;
  }

  /** clientTotalPubSubSubscriptionCount: while it is above 0 the client is in Pub/Sub mode. */
  get total(): number {
    return this.channels.size + this.patterns.size + this.shardChannels.size;
  }

  of(kind: ChannelKind): Set<string> {
    return kind === ChannelKind.Global ? this.channels : this.shardChannels;
  }
}

interface PatternEntry {
  /** The pattern's bytes, for globMatch. */
  readonly bytes: Buffer;
  readonly clients: Set<Client>;
}

const SUBSCRIBE = ['subscribe', 'ssubscribe'] as const;
const UNSUBSCRIBE = ['unsubscribe', 'sunsubscribe'] as const;
const MESSAGE = ['message', 'smessage'] as const;

export class PubSub {
  private readonly channels: [Map<string, Set<Client>>, Map<string, Set<Client>>] = [new Map(), new Map()];
  private readonly patterns = new Map<string, PatternEntry>();

  constructor(private readonly engine: Engine) {
    // Disconnection and RESET leave everything silently (freeClient, clearClientConnectionState).
    const leave = (c: Client): void => this.leaveAll(c);
    engine.clientCloseHooks.push(leave);
    engine.clientResetHooks.push(leave);
  }

  /** Channels with at least one subscriber (INFO's pubsub_channels / pubsub_shardchannels). */
  channelCount(kind: ChannelKind): number {
    return this.channels[kind].size;
  }

  /** Patterns with at least one subscriber (PUBSUB NUMPAT, INFO's pubsub_patterns). */
  get patternCount(): number {
    return this.patterns.size;
  }

  /** PUBSUB NUMSUB / SHARDNUMSUB: the subscribers of one channel, patterns aside. */
  subscriberCount(kind: ChannelKind, channel: string): number {
    return this.channels[kind].get(channel)?.size ?? 0;
  }

  /** PUBSUB CHANNELS / SHARDCHANNELS: the active channels matching `pattern` (null: all). */
  activeChannels(kind: ChannelKind, pattern: Buffer | null): string[] {
    const out: string[] = [];
    for (const channel of this.channels[kind].keys()) {
      if (pattern === null || matches(pattern, channel)) out.push(channel);
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Subscribing and leaving
  // -------------------------------------------------------------------------------------------

  /** pubsubSubscribeChannel: subscribe `c` (again is harmless) and confirm. */
  subscribe(c: Client, kind: ChannelKind, channel: string): void {
    const mine = subscriptionsOf(c).of(kind);
    if (!mine.has(channel)) {
      mine.add(channel);
      const map = this.channels[kind];
      let clients = map.get(channel);
      if (clients === undefined) map.set(channel, (clients = new Set()));
      clients.add(c);
    }
    c.flags |= ClientFlag.PubSub;
    confirm(c, SUBSCRIBE[kind], channel, countFor(c, kind));
  }

  /** pubsubUnsubscribeChannel, confirming when `notify`. */
  unsubscribe(c: Client, kind: ChannelKind, channel: string, notify: boolean): void {
    const subs = c.subscriptions;
    if (subs !== null && subs.of(kind).delete(channel)) {
      const map = this.channels[kind];
      const clients = map.get(channel) as Set<Client>;
      clients.delete(c);
      if (clients.size === 0) map.delete(channel);
    }
    if (notify) confirm(c, UNSUBSCRIBE[kind], channel, countFor(c, kind));
  }

  /** UNSUBSCRIBE / SUNSUBSCRIBE with no channel: every one, or one null confirmation. */
  unsubscribeAll(c: Client, kind: ChannelKind): void {
    const mine = c.subscriptions?.of(kind);
    if (mine === undefined || mine.size === 0) {
      confirm(c, UNSUBSCRIBE[kind], null, countFor(c, kind));
      return;
    }
    for (const channel of [...mine]) this.unsubscribe(c, kind, channel, true);
  }

  /** pubsubSubscribePattern. */
  psubscribe(c: Client, pattern: string): void {
    const mine = subscriptionsOf(c).patterns;
    if (!mine.has(pattern)) {
      mine.add(pattern);
      let entry = this.patterns.get(pattern);
      if (entry === undefined) this.patterns.set(pattern, (entry = { bytes: Buffer.from(pattern, 'latin1'), clients: new Set() }));
      entry.clients.add(c);
    }
    c.flags |= ClientFlag.PubSub;
    confirm(c, 'psubscribe', pattern, countFor(c, ChannelKind.Global));
  }

  /** pubsubUnsubscribePattern, confirming when `notify`. */
  punsubscribe(c: Client, pattern: string, notify: boolean): void {
    const subs = c.subscriptions;
    if (subs !== null && subs.patterns.delete(pattern)) {
      const entry = this.patterns.get(pattern) as PatternEntry;
      entry.clients.delete(c);
      if (entry.clients.size === 0) this.patterns.delete(pattern);
    }
    if (notify) confirm(c, 'punsubscribe', pattern, countFor(c, ChannelKind.Global));
  }

  /** PUNSUBSCRIBE with no pattern. */
  punsubscribeAll(c: Client): void {
    const mine = c.subscriptions?.patterns;
    if (mine === undefined || mine.size === 0) {
      confirm(c, 'punsubscribe', null, countFor(c, ChannelKind.Global));
      return;
    }
    for (const pattern of [...mine]) this.punsubscribe(c, pattern, true);
  }

  /** The client leaves Pub/Sub mode once it has no subscription of any kind left. */
  settle(c: Client): void {
    if (c.subscriptions === null || c.subscriptions.total === 0) {
      c.flags &= ~ClientFlag.PubSub;
      c.subscriptions = null;
    }
  }

  private leaveAll(c: Client): void {
    const subs = c.subscriptions;
    if (subs === null) return;
    for (const channel of [...subs.channels]) this.unsubscribe(c, ChannelKind.Global, channel, false);
    for (const channel of [...subs.shardChannels]) this.unsubscribe(c, ChannelKind.Shard, channel, false);
    for (const pattern of [...subs.patterns]) this.punsubscribe(c, pattern, false);
    c.subscriptions = null;
    c.flags &= ~ClientFlag.PubSub;
  }

  // -------------------------------------------------------------------------------------------
  // Publishing
  // -------------------------------------------------------------------------------------------

  /**
   * pubsubPublishMessage: deliver message[ms, me) on `channel` to its subscribers, then (for a
   * global channel) to every client whose pattern matches; returns how many deliveries.
   */
  publish(kind: ChannelKind, channel: string, message: Uint8Array, ms: number, me: number): number {
    let receivers = 0;
    const clients = this.channels[kind].get(channel);
    if (clients !== undefined) {
      receivers += this.deliver(clients, [MESSAGE[kind], channel], message, ms, me);
    }
    if (kind === ChannelKind.Shard || this.patterns.size === 0) return receivers;
    let subject: Buffer | null = null;
    for (const [pattern, entry] of this.patterns) {
      subject ??= Buffer.from(channel, 'latin1');
      if (!globMatch(entry.bytes, 0, entry.bytes.length, subject, 0, subject.length)) continue;
      receivers += this.deliver(entry.clients, ['pmessage', pattern, channel], message, ms, me);
    }
    return receivers;
  }

  /** publish() for a message held as a latin1 string (keyspace notifications). */
  publishString(channel: string, message: string): number {
    const bytes = Buffer.from(message, 'latin1');
    return this.publish(ChannelKind.Global, channel, bytes, 0, bytes.length);
  }

  /**
   * Write a message frame of `parts` and the message to each of `clients`. For several the
   * frame is encoded once per protocol and copied to each; for one, written in place.
   */
  private deliver(clients: Set<Client>, parts: readonly string[], message: Uint8Array, ms: number, me: number): number {
    if (clients.size === 1) {
      for (const c of clients) {
        const r = this.engine.pushWriter(c);
        if (c.protocol === 2) r.arrayLen(parts.length + 1);
        else r.pushLen(parts.length + 1);
        for (const part of parts) r.bulk(part);
        r.bulkBytes(message, ms, me);
        this.delivered(c);
      }
      return 1;
    }
    const frames: (Buffer | null)[] = [null, null];
    const engine = this.engine;
    // Only the publisher itself (subscribed, in RESP3) may need its message held back.
    const current = engine.current;
    for (const c of clients) {
      const frame = (frames[c.protocol - 2] ??= messageFrame(c.protocol, parts, message, ms, me));
      (c === current ? engine.pushWriter(c) : c.reply).rawBytes(frame, 0, frame.length);
      this.delivered(c);
    }
    return clients.size;
  }

  /** A message was written to `c`: send it at the end of the turn, or close `c` if it lags too far. */
  private delivered(c: Client): void {
    if (this.engine.outputLimits.exceeded(c)) return;
    c.flushSoon();
  }
}

/** A message frame: an array (RESP2) or push (RESP3) of the latin1 `parts`, then the message. */
function messageFrame(protocol: 2 | 3, parts: readonly string[], message: Uint8Array, ms: number, me: number): Buffer {
  let head = `${protocol === 2 ? '*' : '>'}${parts.length + 1}\r\n`;
  for (const part of parts) head += `$${part.length}\r\n${part}\r\n`;
  head += `$${me - ms}\r\n`;
  const frame = Buffer.allocUnsafe(head.length + (me - ms) + 2);
  frame.latin1Write(head, 0, head.length);
  frame.set(message.subarray(ms, me), head.length);
  frame[frame.length - 2] = 0x0d;
  frame[frame.length - 1] = 0x0a;
  return frame;
}

function subscriptionsOf(c: Client): Subscriptions {
  return (c.subscriptions ??= new Subscriptions());
}

/** What a confirmation counts: channels and patterns, or shard channels on their own. */
function countFor(c: Client, kind: ChannelKind): number {
  const subs = c.subscriptions;
  if (subs === null) return 0;
  return kind === ChannelKind.Global ? subs.count : subs.shardChannels.size;
}

/** addReplyPubsub(Pat)(Un)Subscribed: [kind, channel or null, count], a push in RESP3. */
function confirm(c: Client, kind: string, channel: string | null, count: number): void {
  const r = c.reply;
  if (c.protocol === 2) r.arrayLen(3);
  else r.pushLen(3);
  r.bulk(kind);
  if (channel === null) r.nullBulk();
  else r.bulk(channel);
  r.integer(count);
}

function matches(pattern: Buffer, channel: string): boolean {
  const subject = Buffer.from(channel, 'latin1');
  return globMatch(pattern, 0, pattern.length, subject, 0, subject.length);
}
