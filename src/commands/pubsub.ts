/**
 * Pub/Sub commands (Redis 7.2's pubsub.c): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE,
 * SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB's introspection. The channels and
 * their subscribers live in server/pubsub.ts.
 */

import type { Argv } from '../protocol/argv.js';
import { ClientFlag, type Client } from '../server/client.js';
import { ChannelKind } from '../server/pubsub.js';
import { replyHelp, subcommandSyntaxError } from './server.js';
import type { CommandEntry } from './types.js';

/**
 * A client that expects one reply per command (a script, the embedded API's synchronous call)
 * cannot take the stream of messages a subscription brings; MULTI may, for compatibility.
 */
function refusedForDenyBlocking(c: Client, command: string, evenInMulti: boolean): boolean {
  if ((c.flags & ClientFlag.DenyBlocking) === 0) return false;
  if (!evenInMulti && (c.flags & ClientFlag.Multi) !== 0) return false;
  c.reply.error(`ERR ${command} isn't allowed for a DENY BLOCKING client`);
  return true;
}

function subscribe(c: Client, argv: Argv): void {
  if (refusedForDenyBlocking(c, 'SUBSCRIBE', false)) return;
  for (let j = 1; j < argv.count; j++) c.engine.pubsub.subscribe(c, ChannelKind.Global, argv.str(j));
}

function ssubscribe(c: Client, argv: Argv): void {
  if (refusedForDenyBlocking(c, 'SSUBSCRIBE', true)) return;
  for (let j = 1; j < argv.count; j++) c.engine.pubsub.subscribe(c, ChannelKind.Shard, argv.str(j));
}

function psubscribe(c: Client, argv: Argv): void {
  if (refusedForDenyBlocking(c, 'PSUBSCRIBE', false)) return;
  for (let j = 1; j < argv.count; j++) c.engine.pubsub.psubscribe(c, argv.str(j));
}

function unsubscribeGeneric(c: Client, argv: Argv, kind: ChannelKind): void {
  const pubsub = c.engine.pubsub;
  if (argv.count === 1) pubsub.unsubscribeAll(c, kind);
  else for (let j = 1; j < argv.count; j++) pubsub.unsubscribe(c, kind, argv.str(j), true);
  pubsub.settle(c);
}

function unsubscribe(c: Client, argv: Argv): void {
  unsubscribeGeneric(c, argv, ChannelKind.Global);
}

function sunsubscribe(c: Client, argv: Argv): void {
  unsubscribeGeneric(c, argv, ChannelKind.Shard);
}

function punsubscribe(c: Client, argv: Argv): void {
  const pubsub = c.engine.pubsub;
  if (argv.count === 1) pubsub.punsubscribeAll(c);
  else for (let j = 1; j < argv.count; j++) pubsub.punsubscribe(c, argv.str(j), true);
  pubsub.settle(c);
}

function publish(c: Client, argv: Argv): void {
  c.reply.integer(c.engine.pubsub.publish(ChannelKind.Global, argv.str(1), argv.bufs[2], argv.starts[2], argv.ends[2]));
}

function spublish(c: Client, argv: Argv): void {
  c.reply.integer(c.engine.pubsub.publish(ChannelKind.Shard, argv.str(1), argv.bufs[2], argv.starts[2], argv.ends[2]));
}

// ---------------------------------------------------------------------------------------------
// PUBSUB
// ---------------------------------------------------------------------------------------------

function channelList(c: Client, argv: Argv, kind: ChannelKind): void {
  if (argv.count > 3) {
    subcommandSyntaxError(c, argv);
    return;
  }
  const pattern = argv.count === 3 ? Buffer.from(argv.str(2), 'latin1') : null;
  c.reply.bulkArray(c.engine.pubsub.activeChannels(kind, pattern));
}

function subscriberCounts(c: Client, argv: Argv, kind: ChannelKind): void {
  const pubsub = c.engine.pubsub;
  c.reply.arrayLen((argv.count - 2) * 2);
  for (let j = 2; j < argv.count; j++) {
    c.reply.bulkBytes(argv.bufs[j], argv.starts[j], argv.ends[j]);
    c.reply.integer(pubsub.subscriberCount(kind, argv.str(j)));
  }
}

const PUBSUB_HELP = [
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
];

export const pubsubCommands: CommandEntry[] = [
  { name: 'subscribe', handler: subscribe },
  { name: 'unsubscribe', handler: unsubscribe },
  { name: 'psubscribe', handler: psubscribe },
  { name: 'punsubscribe', handler: punsubscribe },
  { name: 'ssubscribe', handler: ssubscribe },
  { name: 'sunsubscribe', handler: sunsubscribe },
  { name: 'publish', handler: publish },
  { name: 'spublish', handler: spublish },
  { name: 'pubsub|channels', handler: (c, argv) => channelList(c, argv, ChannelKind.Global) },
  { name: 'pubsub|shardchannels', handler: (c, argv) => channelList(c, argv, ChannelKind.Shard) },
  { name: 'pubsub|numsub', handler: (c, argv) => subscriberCounts(c, argv, ChannelKind.Global) },
  { name: 'pubsub|shardnumsub', handler: (c, argv) => subscriberCounts(c, argv, ChannelKind.Shard) },
  { name: 'pubsub|numpat', handler: (c) => c.reply.integer(c.engine.pubsub.patternCount) },
  { name: 'pubsub|help', handler: (c) => replyHelp(c, 'pubsub', PUBSUB_HELP) },
];
