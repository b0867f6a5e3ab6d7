/**
 * Cachica: the data store inside a Node.js process, with no socket.
 *
 *   import { Cachica } from 'cachica';
 *   const db = new Cachica();
 *   await db.command('SET', 'k', 'v');   // 'OK'
 *   await db.get('k');                   // 'v'
 *
 * It runs the very command table the server runs: a command is encoded into an Argv, executed by
 * the engine for an in-process client that speaks RESP3, and the reply bytes are decoded as a
 * RESP3 client would decode them. So every command, option and error behaves exactly as over
 * the wire; error replies are thrown (or rejected) as ReplyError.
 */

import { ALL_FAMILIES } from '../commands/index.js';
import { PushFrame, ReplyDecoder, ReplyError, type ReplyValue } from '../client/decoder.js';
import { Argv } from '../protocol/argv.js';
import { ClientFlag, type Client } from '../server/client.js';
import { Config } from '../server/config.js';
import { Engine } from '../server/engine.js';

export type CommandArgument = string | Buffer | Uint8Array | number | bigint;

export interface CachicaOptions {
  /** Server parameters, as in cachica.conf (e.g. { databases: 4, 'proto-max-bulk-len': '1mb' }). */
  config?: Record<string, string | number>;
  /** Return bulk strings as Buffers instead of UTF-8 strings. */
  returnBuffers?: boolean;
}

function toBytes(arg: CommandArgument): Uint8Array {
  if (typeof arg === 'string') return Buffer.from(arg, 'utf8');
  if (typeof arg === 'number' || typeof arg === 'bigint') return Buffer.from(String(arg), 'latin1');
  return arg;
}

/** A command() waiting for its turn behind a blocking command, or for a blocking command to reply. */
interface PendingCommand {
  argv: Argv | null;
  resolve: (value: ReplyValue) => void;
  reject: (reason: unknown) => void;
}

/** One in-process connection: its own selected database, RESP version and name. */
export class Session {
  protected readonly client: Client;
  private readonly decoder: ReplyDecoder;
  /** The blocking command this session waits on (BLPOP, ...), as a socket client would. */
  private blockedOn: PendingCommand | null = null;
  /** Commands sent while it waits: they run, in order, once it has replied. */
  private readonly queued: PendingCommand[] = [];

  constructor(
    protected readonly engine: Engine,
    returnBuffers: boolean,
  ) {
    this.client = engine.createClient();
    this.client.reply.protocol = 3;
    this.client.onUnblocked = () => this.unblocked();
    this.decoder = new ReplyDecoder({ bulkAs: returnBuffers ? 'buffer' : 'string' });
  }

  /**
   * Run a command and return its raw reply bytes (RESP2 or RESP3, as the session speaks). It
   * is synchronous, so a blocking command cannot wait: it replies as if its time were up.
   */
  raw(args: readonly CommandArgument[]): Buffer {
    if (args.length === 0) throw new TypeError('a command needs a name');
    if (this.blockedOn !== null) throw new Error('a blocking command is waiting on this session: use command()');
    const client = this.client;
    client.flags |= ClientFlag.DenyBlocking;
    this.execute(Argv.from(args.map(toBytes)));
    client.flags &= ~ClientFlag.DenyBlocking;
    return Buffer.from(client.reply.take(true));
  }

  /** Receives out-of-band RESP3 pushes (pub/sub messages, invalidations) sent to this session. */
  onPush: ((frame: PushFrame) => void) | null = null;

  /**
   * Run a command synchronously; error replies are thrown as ReplyError. A blocking command
   * replies as if its time were up (use command() to wait).
   */
  commandSync(...args: CommandArgument[]): ReplyValue {
    return this.decode(this.raw(args));
  }

  /**
   * Run a command; resolves with the reply, rejects with ReplyError on an error reply. A
   * blocking command (BLPOP, ...) resolves when it is served or times out; commands sent
   * meanwhile run after it, in order.
   */
  command(...args: CommandArgument[]): Promise<ReplyValue> {
    if (args.length === 0) return Promise.reject(new TypeError('a command needs a name'));
    const argv = Argv.from(args.map(toBytes));
    if (this.blockedOn !== null) {
      return new Promise((resolve, reject) => this.queued.push({ argv, resolve, reject }));
    }
    this.execute(argv);
    if (this.client.waiting) {
      return new Promise((resolve, reject) => (this.blockedOn = { argv: null, resolve, reject }));
    }
    try {
      return Promise.resolve(this.takeReply());
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private execute(argv: Argv): void {
    this.engine.store.tick(Date.now());
    this.engine.execute(this.client, argv);
    this.engine.beforeReplies();
  }

  /** The reply of the command just run; an error reply is thrown. */
  private takeReply(): ReplyValue {
    return this.decode(Buffer.from(this.client.reply.take(true)));
  }

  private decode(bytes: Buffer): ReplyValue {
    this.decoder.push(bytes);
    let reply: ReplyValue | undefined;
    for (let frame = this.decoder.next(); frame !== undefined; frame = this.decoder.next()) {
      // A command replies once; pushes may come before or after its reply.
      if (frame instanceof PushFrame) this.onPush?.(frame);
      else if (reply === undefined) reply = frame;
    }
    if (reply instanceof ReplyError) throw reply;
    return reply ?? null;
  }

  /** The blocking command replied: settle it, then run what was sent behind it. */
  private unblocked(): void {
    let done = this.blockedOn;
    this.blockedOn = null;
    while (done !== null) {
      try {
        done.resolve(this.takeReply());
      } catch (e) {
        done.reject(e);
      }
      done = null;
      const next = this.queued.shift();
      if (next === undefined || next.argv === null) break;
      this.execute(next.argv);
      if (this.client.waiting) {
        this.blockedOn = next;
        break;
      }
      done = next;
    }
  }

  // Typed helpers for the everyday commands.

  async get(key: CommandArgument): Promise<string | Buffer | null> {
    return (await this.command('GET', key)) as string | Buffer | null;
  }

  async set(
    key: CommandArgument,
    value: CommandArgument,
    options: { EX?: number; PX?: number; EXAT?: number; PXAT?: number; NX?: boolean; XX?: boolean; KEEPTTL?: boolean; GET?: boolean } = {},
  ): Promise<string | Buffer | null> {
    const args: CommandArgument[] = ['SET', key, value];
    for (const opt of ['EX', 'PX', 'EXAT', 'PXAT'] as const) if (options[opt] !== undefined) args.push(opt, options[opt] as number);
    for (const opt of ['NX', 'XX', 'KEEPTTL', 'GET'] as const) if (options[opt]) args.push(opt);
    return (await this.command(...args)) as string | Buffer | null;
  }

  async del(...keys: CommandArgument[]): Promise<number> {
    return (await this.command('DEL', ...keys)) as number;
  }

  async exists(...keys: CommandArgument[]): Promise<number> {
    return (await this.command('EXISTS', ...keys)) as number;
  }

  async incr(key: CommandArgument): Promise<number> {
    return (await this.command('INCR', key)) as number;
  }

  async incrBy(key: CommandArgument, by: number | bigint): Promise<number | bigint> {
    return (await this.command('INCRBY', key, by)) as number | bigint;
  }

  async mget(...keys: CommandArgument[]): Promise<(string | Buffer | null)[]> {
    return (await this.command('MGET', ...keys)) as (string | Buffer | null)[];
  }

  async mset(pairs: Record<string, CommandArgument>): Promise<string> {
    const args: CommandArgument[] = ['MSET'];
    for (const [k, v] of Object.entries(pairs)) args.push(k, v);
    return (await this.command(...args)) as string;
  }

  async expire(key: CommandArgument, seconds: number): Promise<number> {
    return (await this.command('EXPIRE', key, seconds)) as number;
  }

  async ttl(key: CommandArgument): Promise<number> {
    return (await this.command('TTL', key)) as number;
  }

  async keys(pattern: CommandArgument): Promise<(string | Buffer)[]> {
    return (await this.command('KEYS', pattern)) as (string | Buffer)[];
  }

  async select(db: number): Promise<string> {
    return (await this.command('SELECT', db)) as string;
  }

  /** Forget this session (its client state goes away; a command still waiting is rejected). */
  close(): void {
    this.engine.removeClient(this.client);
    const closed = new Error('session closed');
    if (this.blockedOn !== null) this.blockedOn.reject(closed);
    this.blockedOn = null;
    for (const pending of this.queued.splice(0)) pending.reject(closed);
  }
}

/** Set while Cachica.open() builds a store whose files it will load. */
let opening = false;

/** An in-process cachica: a default session plus the engine behind it. */
export class Cachica extends Session {
  private readonly returnBuffers: boolean;

  /**
   * A store in memory only. An embedded store writes no files unless asked: no save points by
   * default. With `appendonly: 'yes'` use Cachica.open(), which loads the files first.
   */
  constructor(options: CachicaOptions = {}) {
    const config = new Config();
    config.setInitial('save', '');
    for (const [name, value] of Object.entries(options.config ?? {})) config.setInitial(name, String(value));
    if (!opening && config.getBool('appendonly')) throw new TypeError("appendonly yes needs the files loaded first: use await Cachica.open(options)");
    const engine = new Engine(config, ALL_FAMILIES);
    super(engine, options.returnBuffers ?? false);
    this.returnBuffers = options.returnBuffers ?? false;
    engine.startCron();
    // EVAL answers once the Lua VM has compiled (Cachica.open() waits for it).
    engine.scripting.start().catch((e: Error) => engine.log.warning(`Lua could not start: ${e.message}`));
  }

  /**
   * A store that persists as the server does: its snapshot (`dir`/`dbfilename`) or, with
   * `appendonly: 'yes'`, its AOF is loaded, and from then on the AOF is written.
   */
  static async open(options: CachicaOptions = {}): Promise<Cachica> {
    opening = true;
    let db: Cachica;
    try {
      db = new Cachica(options);
    } finally {
      opening = false;
    }
    await db.engine.scripting.start();
    await db.engine.persistence.loadAtStartup();
    return db;
  }

  /** A separate connection to the same data (its own SELECT, RESP version, name). */
  session(): Session {
    return new Session(this.engine, this.returnBuffers);
  }

  /** The engine, for tools that need more than commands (metrics, tests). */
  get internals(): Engine {
    return this.engine;
  }

  /** Stop background timers and put the AOF on disk; the data stays readable. */
  override close(): void {
    this.engine.persistence.prepareShutdown();
    this.engine.persistence.shutdown();
    this.engine.stopCron();
    this.engine.pause.stop();
    super.close();
  }
}
