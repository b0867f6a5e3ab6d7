/**
 * MONITOR (Redis's replicationFeedMonitors): every command the server runs, shown to the
 * clients that asked, as one status line each:
 *
 *     +1700000000.123456 [0 127.0.0.1:50000] "set" "key" "value"
 *
 * A command is shown once it has run (so a SELECT shows the database it selected), inner
 * commands of EXEC before the EXEC itself, a blocked command when it first runs and not again
 * when served. Administrative commands (and those flagged skip-monitor) are never shown, and
 * passwords are shown as "(redacted)".
 */

import { performance } from 'node:perf_hooks';
import { CommandBit, type Command } from '../commands/types.js';
import type { Argv } from '../protocol/argv.js';
import { ClientFlag, type Client } from './client.js';
import type { Engine } from './engine.js';

const HIDDEN = CommandBit.Admin | CommandBit.SkipMonitor;

export class Monitors {
  readonly clients = new Set<Client>();

  constructor(private readonly engine: Engine) {
    const leave = (c: Client): void => {
      if (this.clients.delete(c)) c.flags &= ~ClientFlag.Monitor;
    };
    engine.clientCloseHooks.push(leave);
    engine.clientResetHooks.push(leave);
  }

  /** MONITOR: false when `c` already monitors (Redis then replies nothing). */
  add(c: Client): boolean {
    if ((c.flags & ClientFlag.Monitor) !== 0) return false;
    c.flags |= ClientFlag.Monitor;
    this.clients.add(c);
    return true;
  }

  /**
   * Show command `argv` run by `c` to every monitor. `always`: EVAL and FCALL, hidden from the
   * usual feed, show themselves when they start, so their scripts' commands follow them.
   */
  feed(c: Client, cmd: Command, argv: Argv, always = false): void {
    if (!always && (cmd.bits & HIDDEN) !== 0) return;
    const line = this.line(c, cmd, argv);
    for (const monitor of this.clients) {
      monitor.reply.raw(line);
      if (!this.engine.outputLimits.exceeded(monitor)) monitor.flushSoon();
    }
  }

  private line(c: Client, cmd: Command, argv: Argv): string {
    // Wall-clock time with microseconds, as gettimeofday gives it.
    const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    const seconds = Math.floor(micros / 1e6);
    const origin = (c.flags & ClientFlag.UnixSocket) !== 0 ? `unix:${c.engine.config.get('unixsocket')}` : c.addr;
    let line = `+${seconds}.${String(micros - seconds * 1e6).padStart(6, '0')} [${c.db.id} ${origin}]`;
    const redacted = redactedFrom(cmd, argv);
    for (let i = 0; i < argv.count; i++) {
      line += ' ';
      line += redacted.has(i) ? '"(redacted)"' : quoted(argv.bufs[i], argv.starts[i], argv.ends[i]);
    }
    return `${line}\r\n`;
  }
}

/** The arguments Redis replaces with "(redacted)" (redactClientCommandArgument): passwords. */
function redactedFrom(cmd: Command, argv: Argv): Set<number> {
  const out = new Set<number>();
  if (cmd.name === 'auth') {
    for (let i = 1; i < argv.count; i++) out.add(i);
  } else if (cmd.name === 'hello') {
    for (let i = 2; i < argv.count; i++) {
      if (argv.is(i, 'AUTH') && i + 2 < argv.count) {
        out.add(i + 1);
        out.add(i + 2);
        i += 2;
      } else if (argv.is(i, 'SETNAME')) {
        i++;
      }
    }
  }
  return out;
}

/** sdscatrepr: a quoted string with C escapes, printable ASCII as is, other bytes as \xhh. */
export function quoted(b: Uint8Array, start: number, end: number): string {
  let s = '"';
  for (let i = start; i < end; i++) {
    const ch = b[i];
    switch (ch) {
      case 0x5c:
        s += '\\\\';
        break;
      case 0x22:
        s += '\\"';
        break;
      case 0x0a:
        s += '\\n';
        break;
      case 0x0d:
        s += '\\r';
        break;
      case 0x09:
        s += '\\t';
        break;
      case 0x07:
        s += '\\a';
        break;
      case 0x08:
        s += '\\b';
        break;
      default:
        s += ch >= 0x20 && ch <= 0x7e ? String.fromCharCode(ch) : `\\x${ch.toString(16).padStart(2, '0')}`;
    }
  }
  return `${s}"`;
}
