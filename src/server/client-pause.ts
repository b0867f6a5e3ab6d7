/**
 * CLIENT PAUSE and UNPAUSE (Redis 7.2's pauseActions for PAUSE_BY_CLIENT_COMMAND).
 *
 * While a pause lasts, a command it holds (every command under ALL; under WRITE, those that
 * write or may replicate: PUBLISH, PFCOUNT, an EXEC with such a command queued) is postponed:
 * its client waits, counted among blocked clients, and the command runs once the pause ends or
 * becomes less strict, in the order the clients were postponed, then their connections go on.
 * Keys do not expire meanwhile: an expired key reads as missing but stays, so that nothing
 * changes in the data set during the pause.
 *
 * A second pause keeps the later end and the stricter mode. A client that may not wait (the
 * embedded API's synchronous calls) runs its command at once.
 */

import { CommandBit, type Command } from '../commands/types.js';
import type { Argv } from '../protocol/argv.js';
import { ClientFlag, type Client } from './client.js';
import type { Engine } from './engine.js';

export const enum PauseMode {
  None = 0,
  Write = 1,
  All = 2,
}

/** setTimeout's longest delay; a later end re-arms the timer. */
const MAX_TIMER_DELAY = 2147483647;

export class ClientPause {
  private mode = PauseMode.None;
  /** When the pause ends, in ms since the epoch. */
  private end = 0;
  private timer: NodeJS.Timeout | null = null;
  private postponed: { client: Client; argv: Argv }[] = [];

  constructor(private readonly engine: Engine) {
    engine.clientCloseHooks.push((c) => {
      if ((c.flags & ClientFlag.Postponed) === 0) return;
      c.flags &= ~ClientFlag.Postponed;
      this.postponed = this.postponed.filter((p) => p.client !== c);
    });
  }

  /** Clients waiting for the pause to end (part of INFO blocked_clients). */
  get waiting(): number {
    return this.postponed.length;
  }

  get active(): boolean {
    return this.mode !== PauseMode.None;
  }

  /** pauseClientsByClient: pause until `end` (ms since the epoch), keeping the stricter of two. */
  pause(end: number, mode: PauseMode.Write | PauseMode.All): void {
    if (this.mode === PauseMode.All) mode = PauseMode.All;
    this.mode = mode;
    if (this.end < end) this.end = end;
    this.engine.store.keepExpired = true;
    this.update();
  }

  /** CLIENT UNPAUSE. */
  unpause(): void {
    this.end = 0;
    this.update();
  }

  /** Whether the pause holds `cmd` (processCommand's check, before MULTI queues it). */
  holds(c: Client, cmd: Command): boolean {
    if (this.mode === PauseMode.None || (c.flags & ClientFlag.DenyBlocking) !== 0) return false;
    if (this.end <= Date.now()) {
      // Over, and the timer not yet run: end it now and look again.
      this.update();
      return this.holds(c, cmd);
    }
    if (this.mode === PauseMode.All) return true;
    const replicating = CommandBit.Write | CommandBit.MayReplicate;
    if ((cmd.bits & replicating) !== 0) return true;
    if (cmd.name === 'exec' && c.multi !== null) return c.multi.some((queued) => (queued.cmd.bits & replicating) !== 0);
    return false;
  }

  /** blockPostponeClient: `c` waits with its command until the pause ends. */
  postpone(c: Client, argv: Argv): void {
    c.flags |= ClientFlag.Postponed;
    this.postponed.push({ client: c, argv: argv.clone() });
    this.timer?.ref();
  }

  /** Forget the pause and its timer (the embedded API's close). */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.mode = PauseMode.None;
    this.end = 0;
    this.postponed = [];
    this.engine.store.keepExpired = false;
  }

  /**
   * updatePausedActions: end the pause once its time has come, and run the postponed commands
   * when the pause ended or eased; otherwise be woken at its end.
   */
  private update(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const before = this.mode;
    if (this.end <= Date.now()) {
      this.mode = PauseMode.None;
      this.end = 0;
    }
    if (this.mode === PauseMode.None) {
      this.engine.store.keepExpired = false;
    } else {
      this.timer = setTimeout(() => this.update(), Math.min(MAX_TIMER_DELAY, Math.max(1, this.end - Date.now())));
      // The end of a pause keeps the process alive only for the commands that wait for it.
      if (this.postponed.length === 0) this.timer.unref();
    }
    if (this.mode < before) this.releasePostponed();
  }

  /** unblockPostponedClients: run each held command again, in order; it may be held again. */
  private releasePostponed(): void {
    const held = this.postponed;
    if (held.length === 0) return;
    this.postponed = [];
    // Like unblocked clients in Redis, they run once the current command is done.
    setImmediate(() => {
      const engine = this.engine;
      engine.store.tick(Date.now());
      for (const { client, argv } of held) {
        if ((client.flags & ClientFlag.Postponed) === 0 || engine.clients.get(client.id) !== client) continue;
        client.flags &= ~ClientFlag.Postponed;
        engine.execute(client, argv);
        if (!client.waiting) client.onUnblocked?.();
      }
    });
  }
}
