/**
 * The client-side caching subcommands of CLIENT (networking.c's clientCommand): TRACKING,
 * CACHING, GETREDIR and TRACKINGINFO. The tracking itself is server/tracking.ts.
 */

import type { Argv } from '../protocol/argv.js';
import { ClientFlag, type Client } from '../server/client.js';
import { argInt64 } from './args.js';
import { NOT_INTEGER, SYNTAX } from './errors.js';
import type { CommandEntry } from './types.js';

/** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX prefix ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]. */
function clientTracking(c: Client, argv: Argv): void {
  let redirect = 0;
  let options = 0;
  const prefixes: string[] = [];
  for (let i = 3; i < argv.count; i++) {
    const more = i < argv.count - 1;
    if (argv.is(i, 'REDIRECT') && more) {
      i++;
      if (redirect !== 0) {
        c.reply.error('ERR A client can only redirect to a single other client');
        return;
      }
      const id = argInt64(argv, i);
      if (id === null) {
        c.reply.error(NOT_INTEGER);
        return;
      }
      // The client must exist now, though it may go later (then the redirection is "broken").
      const target = typeof id === 'number' ? c.engine.clients.get(id) : undefined;
      if (target === undefined) {
        c.reply.error('ERR The client ID you want redirect to does not exist');
        return;
      }
      redirect = target.id;
    } else if (argv.is(i, 'BCAST')) {
      options |= ClientFlag.TrackingBcast;
    } else if (argv.is(i, 'OPTIN')) {
      options |= ClientFlag.TrackingOptIn;
    } else if (argv.is(i, 'OPTOUT')) {
      options |= ClientFlag.TrackingOptOut;
    } else if (argv.is(i, 'NOLOOP')) {
      options |= ClientFlag.TrackingNoLoop;
    } else if (argv.is(i, 'PREFIX') && more) {
      prefixes.push(argv.str(++i));
    } else {
      c.reply.error(SYNTAX);
      return;
    }
  }
  const tracking = c.engine.tracking;
  if (argv.is(2, 'ON')) {
    const error = trackingOnError(c, options, prefixes);
    if (error !== null) {
      c.reply.error(error);
      return;
    }
    tracking.enable(c, redirect, options, prefixes);
  } else if (argv.is(2, 'OFF')) {
    tracking.disable(c);
  } else {
    c.reply.error(SYNTAX);
    return;
  }
  c.reply.ok();
}

/** Why CLIENT TRACKING ON with `options` cannot be applied to `c` now, in Redis's order; or null. */
function trackingOnError(c: Client, options: number, prefixes: readonly string[]): string | null {
  const bcast = (options & ClientFlag.TrackingBcast) !== 0;
  if (!bcast && prefixes.length > 0) return 'ERR PREFIX option requires BCAST mode to be enabled';
  if ((c.flags & ClientFlag.Tracking) !== 0 && ((c.flags & ClientFlag.TrackingBcast) !== 0) !== bcast) {
    return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.";
  }
  if (bcast && (options & (ClientFlag.TrackingOptIn | ClientFlag.TrackingOptOut)) !== 0) return 'ERR OPTIN and OPTOUT are not compatible with BCAST';
  if ((options & ClientFlag.TrackingOptIn) !== 0 && (options & ClientFlag.TrackingOptOut) !== 0) {
    return "ERR You can't specify both OPTIN mode and OPTOUT mode";
  }
  if (((options & ClientFlag.TrackingOptIn) !== 0 && (c.flags & ClientFlag.TrackingOptOut) !== 0) || ((options & ClientFlag.TrackingOptOut) !== 0 && (c.flags & ClientFlag.TrackingOptIn) !== 0)) {
    return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.";
  }
  return bcast ? c.engine.tracking.prefixCollision(c, prefixes) : null;
}

/** CLIENT CACHING YES|NO: whether the next command's reads are tracked (OPTIN / OPTOUT). */
function clientCaching(c: Client, argv: Argv): void {
  if ((c.flags & ClientFlag.Tracking) === 0) {
    c.reply.error('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
    return;
  }
  if (argv.is(2, 'YES')) {
    if ((c.flags & ClientFlag.TrackingOptIn) === 0) {
      c.reply.error('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
      return;
    }
  } else if (argv.is(2, 'NO')) {
    if ((c.flags & ClientFlag.TrackingOptOut) === 0) {
      c.reply.error('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
      return;
    }
  } else {
    c.reply.error(SYNTAX);
    return;
  }
  c.flags |= ClientFlag.TrackingCaching;
  c.reply.ok();
}

/** CLIENT GETREDIR: the redirection (0 for none) while tracking, else -1. */
function clientGetRedir(c: Client): void {
  c.reply.integer((c.flags & ClientFlag.Tracking) !== 0 ? c.trackingRedirect : -1);
}

/** CLIENT TRACKINGINFO: flags (a set), redirect and prefixes. */
function clientTrackingInfo(c: Client): void {
  const f = c.flags;
  const flags = [(f & ClientFlag.Tracking) !== 0 ? 'on' : 'off'];
  if ((f & ClientFlag.TrackingBcast) !== 0) flags.push('bcast');
  if ((f & ClientFlag.TrackingOptIn) !== 0) {
    flags.push('optin');
    if ((f & ClientFlag.TrackingCaching) !== 0) flags.push('caching-yes');
  }
  if ((f & ClientFlag.TrackingOptOut) !== 0) {
    flags.push('optout');
    if ((f & ClientFlag.TrackingCaching) !== 0) flags.push('caching-no');
  }
  if ((f & ClientFlag.TrackingNoLoop) !== 0) flags.push('noloop');
  if ((f & ClientFlag.TrackingBrokenRedir) !== 0) flags.push('broken_redirect');
  const r = c.reply;
  r.mapLen(3);
  r.bulk('flags');
  r.setLen(flags.length);
  for (const flag of flags) r.bulk(flag);
  r.bulk('redirect');
  r.integer((f & ClientFlag.Tracking) !== 0 ? c.trackingRedirect : -1);
  r.bulk('prefixes');
  r.bulkArray(c.trackingPrefixes ?? []);
}

export const trackingCommands: CommandEntry[] = [
  { name: 'client|tracking', handler: clientTracking },
  { name: 'client|caching', handler: clientCaching },
  { name: 'client|getredir', handler: clientGetRedir },
  { name: 'client|trackinginfo', handler: clientTrackingInfo },
];
