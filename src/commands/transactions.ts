/**
 * Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH, as Redis 7.2's multi.c.
 *
 * Queueing itself happens in Engine.execute (Redis's processCommand): inside MULTI every
 * command but EXEC, DISCARD, MULTI, WATCH, QUIT and RESET is checked (existence, arity, auth,
 * no-multi) and queued with +QUEUED; a refusal marks the transaction DIRTY_EXEC. EXEC runs the
 * queue with blocking denied and nesting raised, so clients a push wakes are served only after
 * the whole transaction, and WATCH (watch.ts) decides whether it runs at all.
 */

import type { Argv } from '../protocol/argv.js';
import { ClientFlag, type Client } from '../server/client.js';
import type { CommandEntry } from './types.js';

const EXECABORT = 'EXECABORT Transaction discarded because of previous errors.';

function multi(c: Client): void {
  if ((c.flags & ClientFlag.Multi) !== 0) {
    c.reply.error('ERR MULTI calls can not be nested');
    return;
  }
  c.flags |= ClientFlag.Multi;
  c.multi = [];
  c.reply.ok();
}

/** discardTransaction: leave MULTI, forget the queue and every watch. */
export function discardTransaction(c: Client): void {
  c.multi = null;
  c.flags &= ~(ClientFlag.Multi | ClientFlag.DirtyCas | ClientFlag.DirtyExec);
  c.engine.events.watches.unwatchAll(c);
}

function discard(c: Client): void {
  if ((c.flags & ClientFlag.Multi) === 0) {
    c.reply.error('ERR DISCARD without MULTI');
    return;
  }
  discardTransaction(c);
  c.reply.ok();
}

function exec(c: Client): void {
  if ((c.flags & ClientFlag.Multi) === 0) {
    c.reply.error('ERR EXEC without MULTI');
    return;
  }
  const engine = c.engine;
  const watches = engine.events.watches;
  if (watches.anyExpired(c)) c.flags |= ClientFlag.DirtyCas;
  if ((c.flags & (ClientFlag.DirtyCas | ClientFlag.DirtyExec)) !== 0) {
    if ((c.flags & ClientFlag.DirtyExec) !== 0) c.reply.error(EXECABORT);
    else c.reply.nullArray();
    discardTransaction(c);
    return;
  }
  const queued = c.multi ?? [];
  const denied = (c.flags & ClientFlag.DenyBlocking) !== 0;
  c.flags |= ClientFlag.DenyBlocking;
  watches.unwatchAll(c);
  engine.executionNesting++;
  try {
    c.reply.arrayLen(queued.length);
    for (const { cmd, argv } of queued) {
      const errorsBefore = c.reply.errors.length;
      c.lastCommand = cmd.name;
      engine.invoke(c, cmd, argv);
      engine.countCall(c, cmd, errorsBefore);
      if (engine.monitors.clients.size !== 0) engine.monitors.feed(c, cmd, argv);
    }
  } finally {
    engine.executionNesting--;
    if (!denied) c.flags &= ~ClientFlag.DenyBlocking;
    c.lastCommand = 'exec';
    discardTransaction(c);
  }
}

function watch(c: Client, argv: Argv): void {
  if ((c.flags & ClientFlag.Multi) !== 0) {
    c.reply.error('ERR WATCH inside MULTI is not allowed');
    return;
  }
  // No point in watching once the transaction is doomed.
  if ((c.flags & ClientFlag.DirtyCas) === 0) {
    const watches = c.engine.events.watches;
    for (let i = 1; i < argv.count; i++) watches.watch(c, argv.str(i));
  }
  c.reply.ok();
}

function unwatch(c: Client): void {
  c.engine.events.watches.unwatchAll(c);
  c.flags &= ~ClientFlag.DirtyCas;
  c.reply.ok();
}

export const transactionCommands: CommandEntry[] = [
  { name: 'multi', handler: multi },
  { name: 'exec', handler: exec },
  { name: 'discard', handler: discard },
  { name: 'watch', handler: watch },
  { name: 'unwatch', handler: unwatch },
];
