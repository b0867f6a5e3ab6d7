/**
 * NetServer: the sockets around the engine.
 *
 * It accepts TCP and unix-socket connections, feeds each client's bytes to its parser, runs
 * every complete command, and writes all the replies produced by one read with one socket write.
 * It enforces the connection-level limits (maxclients, client-query-buffer-limit, protected
 * mode) and closes a client after a protocol error exactly as Redis does: replies to the
 * commands before the bad bytes, then the error, then the close.
 */

import { chmodSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { ParseResult } from '../protocol/parser.js';
import { Client, ClientFlag } from './client.js';
import type { Engine } from './engine.js';

/** Above this much unsent output, stop reading from the client until it drains. */
const OUTPUT_HIGH_WATER = 64 * 1024 * 1024;
/** Output buffers that grew past this are not kept for reuse. */
const OUTPUT_KEEP_LIMIT = 1024 * 1024;
const FRESH_OUTPUT_SIZE = 16 * 1024;
/**
 * Input one client may have processed in one turn of the event loop before it must wait for the
 * next turn. libuv reads up to 32 times from a ready socket per turn; a client pipelining
 * thousands of commands would otherwise hold every other client for tens of milliseconds (seen
 * with a 128 KB budget while the keyspace rehashed). Redis reads 16 KB per client per turn.
 */
const INPUT_PER_TURN = 16 * 1024;

/**
 * Every socket is read into this one buffer (Node's `onread`): no Buffer is allocated per read
 * and the bytes skip the Readable stream machinery. Reads are handled synchronously, and the
 * parser copies out a command cut at the end of a read before the buffer is used again.
 */
const READ_BUFFER = Buffer.allocUnsafe(16 * 1024);

export class NetServer {
  private readonly listeners: Server[] = [];
  private unixPath = '';
  private shuttingDown = false;
  /** client-query-buffer-limit, kept parsed: it is checked on every read. */
  private queryBufferLimit: number;
  /** Clients with replies to write at the end of this turn (flushLater). */
  private pendingWrites: Client[] = [];
  private spareWrites: Client[] = [];
  private flushScheduled = false;

  constructor(readonly engine: Engine) {
    this.queryBufferLimit = engine.config.getNumber('client-query-buffer-limit');
    engine.config.watch('client-query-buffer-limit', (v) => (this.queryBufferLimit = Number(v)));
    engine.config.watch('port', () => void this.rebind());
    engine.config.watch('bind', () => void this.rebind());
    engine.config.watch('proto-max-bulk-len', (v) => {
      for (const c of engine.clients.values()) c.parser.maxBulkLen = Number(v);
    });
    engine.flushReplies = this.flushPending;
  }

  /** Open the listeners named by `bind`, `port` and `unixsocket`. */
  async listen(): Promise<void> {
    const { config, log } = this.engine;
    const port = config.getNumber('port');
    if (port !== 0) {
      for (const raw of config.get('bind').split(/\s+/).filter(Boolean)) {
        const optional = raw.startsWith('-');
        const addr = optional ? raw.slice(1) : raw;
        const host = addr === '*' ? '0.0.0.0' : addr === '::*' ? '::' : addr;
        try {
          this.listeners.push(await this.open({ host, port, ipv6Only: host.includes(':') }, false));
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (optional && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue;
          log.warning(`Warning: Could not create server TCP listening socket ${host}:${port}: ${(e as Error).message}`);
          throw e;
        }
      }
    }
    const path = config.get('unixsocket');
    if (path !== '') {
      try {
        unlinkSync(path);
      } catch {
        // no stale socket file
      }
      this.listeners.push(await this.open({ path }, true));
      const perm = config.getNumber('unixsocketperm');
      if (perm !== 0) chmodSync(path, perm);
      this.unixPath = path;
    }
    const pidfile = config.get('pidfile');
    if (pidfile !== '') writeFileSync(pidfile, `${process.pid}\n`);
  }

  /**
   * A listener on an ephemeral loopback port that serves exactly as the real ones do, for the
   * start-up warm-up; the caller closes it.
   */
  async openPrivate(): Promise<Server> {
    return this.open({ host: '127.0.0.1', port: 0 }, false);
  }

  private open(options: { host?: string; port?: number; path?: string; ipv6Only?: boolean }, unix: boolean): Promise<Server> {
    return new Promise((resolve, reject) => {
      const server = createServer({ noDelay: true, pauseOnConnect: true }, (socket) => this.accept(socket, unix));
      server.once('error', reject);
      server.listen({ ...options, backlog: this.engine.config.getNumber('tcp-backlog') }, () => {
        server.off('error', reject);
        server.on('error', (e) => this.engine.log.warning(`Listener error: ${e.message}`));
        resolve(server);
      });
    });
  }

  /** CONFIG SET port/bind: open the new listeners, then close the old ones. */
  private async rebind(): Promise<void> {
    const old = this.listeners.splice(0);
    for (const s of old) s.close();
    await this.listen();
  }

  private accept(accepted: Socket, unix: boolean): void {
    const { engine } = this;
    engine.stats.connectionsReceived++;
    if (this.shuttingDown) {
      accepted.destroy();
      return;
    }
    if (engine.clients.size >= engine.config.getNumber('maxclients')) {
      engine.stats.rejectedConnections++;
      accepted.end('-ERR max number of clients reached\r\n');
      return;
    }
    if (!unix && this.deniedByProtectedMode(accepted)) {
      engine.stats.rejectedConnections++;
      accepted.end(`-${PROTECTED_MODE_MESSAGE}\r\n`);
      return;
    }
    const client = engine.createClient();
    // Re-wrap the accepted (paused) handle in a socket that reads into the shared buffer.
    const holder = accepted as unknown as { _handle: unknown };
    const handle = holder._handle;
    holder._handle = null;
    const socket = new Socket({
      handle,
      readable: true,
      writable: true,
      onread: { buffer: READ_BUFFER, callback: (n: number) => this.onRead(client, n) },
    } as ConstructorParameters<typeof Socket>[0]);
    socket.setNoDelay(true);
    client.socket = socket;
    if (unix) {
      client.flags |= ClientFlag.UnixSocket;
      client.addr = `${this.unixPath}:0`;
      client.laddr = `${this.unixPath}:0`;
    } else {
      client.addr = formatAddress(socket.remoteAddress, socket.remotePort);
      client.laddr = formatAddress(socket.localAddress, socket.localPort);
    }
    client.parser.maxBulkLen = engine.config.getNumber('proto-max-bulk-len');
    client.parser.authRequired = !client.authenticated;
    const keepalive = engine.config.getNumber('tcp-keepalive');
    if (!unix && keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);

    client.onUnblocked = () => this.resume(client);
    client.onOutput = () => this.flushLater(client);
    socket.on('drain', () => {
      if (socket.isPaused() && (client.flags & ClientFlag.CloseAfterReply) === 0) socket.resume();
    });
    socket.on('error', (e) => engine.log.verbose(`Client id=${client.id} addr=${client.addr}: ${e.message}`));
    socket.on('close', () => engine.removeClient(client));
  }

  private deniedByProtectedMode(socket: Socket): boolean {
    const { config } = this.engine;
    if (!config.getBool('protected-mode') || config.get('requirepass') !== '') return false;
    const addr = socket.remoteAddress ?? '';
    return !(addr === '127.0.0.1' || addr === '::1' || addr.startsWith('::ffff:127.') || addr.startsWith('127.'));
  }

  /** `n` bytes from `client` are in READ_BUFFER. Returns false to pause reading. */
  private onRead(client: Client, n: number): boolean {
    const { engine } = this;
    if ((client.flags & (ClientFlag.CloseAfterReply | ClientFlag.CloseAsap)) !== 0) return true;
    engine.stats.netInputBytes += n;
    engine.stats.readsProcessed++;
    const parser = client.parser;
    parser.push(READ_BUFFER, n);
    if (parser.pending > this.queryBufferLimit) {
      engine.log.warning(`Closing client that reached max query buffer length: id=${client.id} addr=${client.addr} qbuf=${parser.pending}`);
      parser.reset();
      client.flags |= ClientFlag.CloseAsap;
      client.socket?.destroy();
      return true;
    }
    engine.store.tick(Date.now());
    this.processInput(client);
    parser.preserve();
    this.flushLater(client);
    client.inputThisTurn += n;
    if (client.inputThisTurn >= INPUT_PER_TURN && client.socket !== null && !client.socket.isPaused()) {
      const socket = client.socket;
      setImmediate(() => {
        client.inputThisTurn = 0;
        if ((client.flags & ClientFlag.CloseAfterReply) === 0 && socket.writableLength <= OUTPUT_HIGH_WATER) socket.resume();
      });
      return false;
    }
    return true;
  }

  /**
   * A blocking command of `client` has replied: send the reply, then run the commands that
   * arrived behind it (Redis's processUnblockedClients).
   */
  private resume(client: Client): void {
    if ((client.flags & ClientFlag.CloseAsap) !== 0) return;
    this.engine.store.tick(Date.now());
    this.processInput(client);
    client.parser.preserve();
    this.flush(client);
  }

  /** Run every complete command buffered for `client`, until one blocks it. */
  private processInput(client: Client): void {
    const { engine } = this;
    const parser = client.parser;
    const argv = client.argv;
    while ((client.flags & (ClientFlag.CloseAfterReply | ClientFlag.CloseAsap)) === 0 && !client.waiting) {
      const r = parser.next(argv);
      if (r === ParseResult.Incomplete) break;
      if (r === ParseResult.Error) {
        engine.log.verbose(`Protocol error (${parser.error}) from client: id=${client.id} addr=${client.addr}`);
        client.reply.error(parser.error);
        engine.stats.countError(parser.error);
        client.reply.errors.length = 0;
        parser.reset();
        client.closeAfterReply();
        break;
      }
      engine.execute(client, argv);
      parser.authRequired = !client.authenticated;
    }
  }

  /**
   * Write `client`'s replies at the end of this turn of the event loop, with every other
   * client's, as Redis's beforeSleep does. Each write to an idle peer costs a wake-up, and on a
   * virtual machine a wake-up is an inter-processor interrupt that dominates the cost of a small
   * write (measured: 37% of the server's time under redis-benchmark -P 16). Writing all replies in
   * one burst lets the peer wake once and find the rest ready when it reads again.
   */
  private flushLater(client: Client): void {
    if (client.reply.pos === 0 && (client.flags & (ClientFlag.CloseAfterReply | ClientFlag.CloseAsap)) === 0) return;
    if ((client.flags & ClientFlag.PendingWrite) !== 0) return;
    client.flags |= ClientFlag.PendingWrite;
    this.pendingWrites.push(client);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushPending);
    }
  }

  /**
   * Newest first, as Redis links clients at the head of clients_pending_write: a client that
   * sent a command is queued after those its command sent messages to (PUBLISH's subscribers),
   * and answering it first lets it send its next command while the messages go out.
   */
  private readonly flushPending = (): void => {
    this.flushScheduled = false;
    this.engine.beforeReplies();
    // Clients queued while these are written go in the next batch.
    const pending = this.pendingWrites;
    this.pendingWrites = this.spareWrites;
    for (let i = pending.length - 1; i >= 0; i--) {
      const client = pending[i];
      client.flags &= ~ClientFlag.PendingWrite;
      this.flush(client);
    }
    pending.length = 0;
    this.spareWrites = pending;
  };

  /** Write everything the client's commands produced, in one socket write. */
  flush(client: Client): void {
    this.engine.beforeReplies();
    const socket = client.socket;
    if (socket === null || socket.destroyed) return;
    const reply = client.reply;
    if ((client.flags & ClientFlag.CloseAsap) !== 0) {
      reply.pos = 0;
      socket.destroy();
      return;
    }
    const n = reply.pos;
    if (n > 0) {
      this.engine.stats.netOutputBytes += n;
      this.engine.stats.writesProcessed++;
      socket.write(reply.buf.subarray(0, n));
      reply.pos = 0;
      // A write the kernel took at once leaves nothing queued: the buffer can be reused.
      if (socket.writableLength > 0 || reply.buf.length > OUTPUT_KEEP_LIMIT) {
        reply.buf = Buffer.allocUnsafe(FRESH_OUTPUT_SIZE);
      }
      if (socket.writableLength > OUTPUT_HIGH_WATER) socket.pause();
    }
    if ((client.flags & ClientFlag.CloseAfterReply) !== 0) {
      socket.end();
      socket.once('finish', () => socket.destroy());
    }
  }

  /** Stop accepting, close every client, remove the unix socket and pidfile. */
  async close(): Promise<void> {
    this.shuttingDown = true;
    // Not awaited: the listener counts the accepted sockets we re-wrapped as still open.
    for (const s of this.listeners) s.close();
    this.listeners.length = 0;
    for (const client of this.engine.clients.values()) client.socket?.destroy();
    if (this.unixPath !== '') {
      try {
        unlinkSync(this.unixPath);
      } catch {
        // already gone
      }
    }
    const pidfile = this.engine.config.get('pidfile');
    if (pidfile !== '') {
      try {
        unlinkSync(pidfile);
      } catch {
        // already gone
      }
    }
  }

  /** Addresses we listen on (for tests and the start-up log). */
  addresses(): string[] {
    return this.listeners.map((s) => {
      const a = s.address();
      return typeof a === 'string' ? a : a ? `${a.address}:${a.port}` : '?';
    });
  }
}

function formatAddress(host: string | undefined, port: number | undefined): string {
  let h = host ?? '?';
  if (h.startsWith('::ffff:')) h = h.slice(7);
  // Redis's anetFormatAddr brackets IPv6 addresses.
  return h.includes(':') ? `[${h}]:${port ?? 0}` : `${h}:${port ?? 0}`;
}

const PROTECTED_MODE_MESSAGE =
  "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.";
