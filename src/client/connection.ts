/**
 * Client: a small promise-based connection to a RESP server (cachica or Redis).
 *
 * Redis answers the commands of one connection in the order they were sent, so the client keeps
 * no ids: it queues a promise per command and settles them in FIFO order as replies arrive.
 * Commands issued in the same tick are written together in one socket write (automatic
 * pipelining), which is what makes a client fast without making the caller batch by hand.
 *
 * Some frames answer no request: RESP3 pushes, RESP2 pub/sub messages and MONITOR's stream.
 * They go to listeners instead of the queue. Subscribe-family commands are the one mixed case:
 * their confirmations arrive as such out-of-band frames (one per channel), so the client counts
 * them to know when the command itself has completed.
 */

import { EventEmitter } from 'node:events';
import * as net from 'node:net';

import { PushFrame, ReplyDecoder, ReplyError } from './decoder.js';
import { encodeCommand, type CommandArg } from './encoder.js';

export interface ClientOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 6379. */
  port?: number;
  /** A unix socket path; when given, host and port are not used. */
  path?: string;
  username?: string;
  password?: string;
  /** Selected after connecting when not 0. */
  db?: number;
  /** 3 sends HELLO 3 on connect. Default 2. */
  resp?: 2 | 3;
  /** How bulk strings are returned: UTF-8 strings (default) or Buffers. */
  bulkAs?: 'string' | 'buffer';
  /** Milliseconds to wait for the connection; default 10000. */
  connectTimeout?: number;
}

type PubsubKind = 'subscribe' | 'psubscribe' | 'ssubscribe' | 'unsubscribe' | 'punsubscribe' | 'sunsubscribe';

const PUBSUB_KINDS = new Set<string>(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe']);
const MESSAGE_KINDS = new Set<string>(['message', 'pmessage', 'smessage']);
/** `1700000000.123456 [0 127.0.0.1:50000] "get" "k"`: told apart from replies to commands. */
const MONITOR_LINE = /^\d+\.\d+ \[/;

interface PendingCall {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  /** For subscribe-family commands: the confirmation kind that completes it. */
  pubsub: PubsubKind | null;
  /** Confirmations still expected; -1 for an unsubscribe from everything of its kind. */
  confirmations: number;
  /** The command name, lower case, for the few replies that change the connection's state. */
  command: string;
  protover: number;
}

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return typeof v === 'number' || typeof v === 'bigint' ? String(v) : '';
}

export interface ClientEvents {
  /** A RESP3 push, or in RESP2 a pub/sub message or (un)subscribe confirmation. */
  push: [data: unknown[]];
  /** A line of MONITOR output. */
  monitor: [line: string];
  /** The connection failed; only emitted when someone listens. */
  error: [error: Error];
  close: [];
}

export class Client extends EventEmitter<ClientEvents> {
  private protocol: 2 | 3 = 2;

  private readonly socket: net.Socket;
  private readonly decoder: ReplyDecoder;
  private pending: PendingCall[] = [];
  private pendingHead = 0;
  private writes: Buffer[] = [];
  private flushScheduled = false;
  private closed = false;
  private closing: Promise<void> | null = null;
  private monitoring = false;
  /** Channels, patterns and shard channels the server has confirmed, for RESP2 message routing. */
  private readonly subscriptions = {
    subscribe: new Set<string>(),
    psubscribe: new Set<string>(),
    ssubscribe: new Set<string>(),
  };

  private constructor(socket: net.Socket, options: ClientOptions) {
    super();
    this.socket = socket;
    this.decoder = new ReplyDecoder({ bulkAs: options.bulkAs ?? 'string' });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error, true));
    socket.on('close', () => this.fail(new Error('Connection closed'), false));
  }

  /** Connect, then authenticate, switch protocol and select the database as the options ask. */
  static async connect(options: ClientOptions = {}): Promise<Client> {
    const socket = await openSocket(options);
    const client = new Client(socket, options);
    try {
      await client.handshake(options);
    } catch (error) {
      client.disconnect();
      throw error;
    }
    return client;
  }

  private async handshake(options: ClientOptions): Promise<void> {
    const steps: Promise<unknown>[] = [];
    if (options.resp === 3) {
      const hello: CommandArg[] = ['HELLO', 3];
      if (options.password !== undefined) hello.push('AUTH', options.username ?? 'default', options.password);
      steps.push(this.call(...hello));
    } else if (options.password !== undefined) {
      steps.push(options.username !== undefined ? this.call('AUTH', options.username, options.password) : this.call('AUTH', options.password));
    }
    if (options.db) steps.push(this.call('SELECT', options.db));
    // Sent together; an error in any of them fails the connect.
    const results = await Promise.allSettled(steps);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  }

  /** The protocol spoken on the connection, as last set by HELLO. */
  get resp(): 2 | 3 {
    return this.protocol;
  }

  /** True until the connection is closed or lost. */
  get connected(): boolean {
    return !this.closed;
  }

  /** Commands sent whose replies have not arrived yet. */
  get pendingCount(): number {
    return this.pending.length - this.pendingHead;
  }

  /**
   * Send a command; resolves with its reply, rejects with a ReplyError for an error reply.
   * Subscribe-family commands resolve, once all their confirmations arrived, with the
   * subscription count of the last one.
   */
  call(...args: CommandArg[]): Promise<unknown> {
    if (this.closed || this.closing !== null) return Promise.reject(new Error('Connection is closed'));
    if (args.length === 0) return Promise.reject(new Error('No command given'));
    let payload: Buffer;
    try {
      payload = encodeCommand(args);
    } catch (error) {
      return Promise.reject(error);
    }
    const command = asText(args[0]).toLowerCase();
    let pubsub: PubsubKind | null = null;
    let confirmations = 1;
    if (PUBSUB_KINDS.has(command)) {
      pubsub = command as PubsubKind;
      // One confirmation per channel named; without names, UNSUBSCRIBE and its kin confirm
      // each channel they drop, so they are done when none is left.
      confirmations = args.length > 1 ? args.length - 1 : command.includes('unsubscribe') ? -1 : 1;
    }
    const protover = command === 'hello' && args.length > 1 ? Number(asText(args[1])) : 0;
    this.writes.push(payload);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(() => this.flush());
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject, pubsub, confirmations, command, protover });
    });
  }

  /** Wait for the replies already asked for, then close. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.closing === null) {
      this.closing = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
      this.endWhenIdle();
    }
    return this.closing;
  }

  /** Close at once; calls still waiting are rejected. */
  disconnect(): void {
    this.socket.destroy();
    this.fail(new Error('Connection closed'), false);
  }

  private endWhenIdle(): void {
    if (this.closing !== null && this.pendingCount === 0 && this.writes.length === 0) this.socket.end();
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.writes.length === 0) return;
    const writes = this.writes;
    this.writes = [];
    this.socket.write(writes.length === 1 ? writes[0] : Buffer.concat(writes));
  }

  private onData(chunk: Buffer): void {
    this.decoder.push(chunk);
    try {
      for (let frame = this.decoder.next(); frame !== undefined; frame = this.decoder.next()) this.dispatch(frame);
    } catch (error) {
      this.socket.destroy();
      this.fail(error as Error, true);
    }
  }

  private dispatch(frame: unknown): void {
    if (frame instanceof PushFrame) {
      this.onOutOfBand(frame.data);
      return;
    }
    if (this.protocol === 2 && Array.isArray(frame) && this.isPubsubFrame(frame)) {
      this.onOutOfBand(frame);
      return;
    }
    if (this.monitoring && typeof frame === 'string' && MONITOR_LINE.test(frame)) {
      this.emit('monitor', frame);
      return;
    }
    const call = this.shift();
    if (call === undefined) throw new Error('Protocol error: a reply arrived with no command waiting for it');
    if (frame instanceof ReplyError) {
      call.reject(frame);
    } else {
      this.afterReply(call);
      call.resolve(frame);
    }
    this.endWhenIdle();
  }

  /** In RESP2 pub/sub frames are plain arrays: tell them from the replies of other commands. */
  private isPubsubFrame(frame: unknown[]): boolean {
    const kind = asText(frame[0]).toLowerCase();
    if (MESSAGE_KINDS.has(kind)) return this.isSubscribed();
    if (!PUBSUB_KINDS.has(kind)) return false;
    return this.isSubscribed() || this.peek()?.pubsub === kind;
  }

  private isSubscribed(): boolean {
    const s = this.subscriptions;
    return s.subscribe.size + s.psubscribe.size + s.ssubscribe.size > 0;
  }

  private onOutOfBand(data: unknown[]): void {
    const kind = asText(data[0]).toLowerCase();
    if (PUBSUB_KINDS.has(kind)) this.onConfirmation(kind as PubsubKind, data);
    this.emit('push', data);
  }

  private onConfirmation(kind: PubsubKind, data: unknown[]): void {
    const set = this.subscriptions[kind.replace(/^(p|s)?un/, '$1') as 'subscribe' | 'psubscribe' | 'ssubscribe'];
    const name = data[1] === null ? null : asText(data[1]);
    if (name !== null) {
      if (kind.includes('unsubscribe')) set.delete(name);
      else set.add(name);
    }
    const call = this.peek();
    if (call === undefined || call.pubsub !== kind) return;
    const done = call.confirmations < 0 ? set.size === 0 : --call.confirmations === 0;
    if (!done) return;
    this.shift();
    call.resolve(data[2]);
    this.endWhenIdle();
  }

  /** Replies that change what the connection is: the protocol, monitor and subscriber modes. */
  private afterReply(call: PendingCall): void {
    if (call.command === 'hello' && (call.protover === 2 || call.protover === 3)) this.protocol = call.protover;
    else if (call.command === 'monitor') this.monitoring = true;
    else if (call.command === 'reset') {
      this.monitoring = false;
      this.protocol = 2;
      for (const set of Object.values(this.subscriptions)) set.clear();
    }
  }

  private peek(): PendingCall | undefined {
    return this.pending[this.pendingHead];
  }

  private shift(): PendingCall | undefined {
    if (this.pendingHead >= this.pending.length) return undefined;
    const call = this.pending[this.pendingHead++];
    // Compact now and then rather than paying Array#shift on every reply.
    if (this.pendingHead === this.pending.length) {
      this.pending = [];
      this.pendingHead = 0;
    } else if (this.pendingHead >= 1024 && this.pendingHead * 2 >= this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
    return call;
  }

  private fail(error: Error, emitError: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.writes = [];
    const pending = this.pending.slice(this.pendingHead);
    this.pending = [];
    this.pendingHead = 0;
    for (const call of pending) call.reject(error);
    if (emitError && this.listenerCount('error') > 0) this.emit('error', error);
    this.emit('close');
  }
}

function openSocket(options: ClientOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket =
      options.path !== undefined
        ? net.createConnection({ path: options.path })
        : net.createConnection({ host: options.host ?? '127.0.0.1', port: options.port ?? 6379 });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('Connection timed out'));
    }, options.connectTimeout ?? 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      resolve(socket);
    });
    const onError = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once('error', onError);
  });
}
