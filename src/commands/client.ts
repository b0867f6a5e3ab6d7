/**
 * CLIENT and its subcommands (Redis's networking.c clientCommand): a connection names itself,
 * looks at itself and at every other connection, and closes connections.
 *
 * CLIENT LIST and CLIENT INFO lines are parsed by tools (redis-cli, monitoring agents, client
 * libraries' connection pools), so they carry Redis 7.2's fields in Redis 7.2's order, with the
 * values cachica can measure; what cachica does not have (replication) shows as an idle Redis
 * client would show it.
 */

import type { Argv } from '../protocol/argv.js';
import { PauseMode } from '../server/client-pause.js';
import { ClientFlag, type Client } from '../server/client.js';
import { argInt64 } from './args.js';
import { validateClientName } from './connection.js';
import { cString, NOT_INTEGER, SYNTAX, TIMEOUT_NEGATIVE, TIMEOUT_OUT_OF_RANGE, UNBLOCK_REASON } from './errors.js';
import { replyHelp } from './server.js';
import type { CommandEntry } from './types.js';

const LLONG_MAX = 9223372036854775807n;

// ---------------------------------------------------------------------------------------------
// The client line (catClientInfoString)
// ---------------------------------------------------------------------------------------------

/** Client types, as CLIENT LIST TYPE and CLIENT KILL TYPE name them (getClientTypeByName). */
const enum ClientType {
  Normal,
  Replica,
  PubSub,
  Master,
}

function clientTypeByName(name: string): ClientType | null {
  switch (name.toLowerCase()) {
    case 'normal':
      return ClientType.Normal;
    case 'slave':
    case 'replica':
      return ClientType.Replica;
    case 'pubsub':
      return ClientType.PubSub;
    case 'master':
      return ClientType.Master;
    default:
      return null;
  }
}

/** getClientType: a subscribed client is pubsub; replicas and masters come with replication. */
function clientType(client: Client): ClientType {
  return (client.flags & ClientFlag.PubSub) !== 0 ? ClientType.PubSub : ClientType.Normal;
}

/** The flags letters, in catClientInfoString's order; "N" when there are none. */
function flagLetters(client: Client): string {
  let s = (client.flags & ClientFlag.Monitor) !== 0 ? 'O' : '';
  if ((client.flags & ClientFlag.PubSub) !== 0) s += 'P';
  if ((client.flags & ClientFlag.Multi) !== 0) s += 'x';
  if (client.blocked !== null || (client.flags & ClientFlag.Postponed) !== 0) s += 'b';
  if ((client.flags & ClientFlag.Tracking) !== 0) s += 't';
  if ((client.flags & ClientFlag.TrackingBrokenRedir) !== 0) s += 'R';
  if ((client.flags & ClientFlag.TrackingBcast) !== 0) s += 'B';
  if ((client.flags & ClientFlag.DirtyCas) !== 0) s += 'd';
  if ((client.flags & ClientFlag.CloseAfterReply) !== 0) s += 'c';
  if ((client.flags & ClientFlag.CloseAsap) !== 0) s += 'A';
  if ((client.flags & ClientFlag.UnixSocket) !== 0) s += 'U';
  if ((client.flags & ClientFlag.NoEvict) !== 0) s += 'e';
  if ((client.flags & ClientFlag.NoTouch) !== 0) s += 'T';
  return s === '' ? 'N' : s;
}

/** The socket's file descriptor, which Node keeps on its internal handle. */
function fileDescriptor(client: Client): number {
  if (client.fd >= 0) return client.fd;
  const handle = (client.socket as unknown as { _handle?: { fd?: number } } | null)?._handle;
  return typeof handle?.fd === 'number' ? handle.fd : -1;
}

/**
 * One CLIENT LIST line for `client`, as seen by `caller` (whose own command's arguments are the
 * only ones in flight, so only its line has argv-mem).
 */
export function clientInfoLine(client: Client, caller: Client, argv: Argv | null): string {
  const now = Math.floor(Date.now() / 1000);
  const socket = client.socket;
  let argvMem = 0;
  if (client === caller && argv !== null) for (let i = 0; i < argv.count; i++) argvMem += argv.len(i);
  const qbuf = client.parser.pending;
  const rbs = client.reply.buf.length;
  const obl = client.reply.pos;
  const subs = client.subscriptions;
  const omem = socket?.writableLength ?? 0;
  let events = '';
  if (socket !== null) {
    if (!socket.isPaused()) events += 'r';
    if (socket.writableLength > 0) events += 'w';
  }
  return (
    `id=${client.id} addr=${client.addr} laddr=${client.laddr} fd=${fileDescriptor(client)} name=${client.name}` +
    ` age=${now - Math.floor(client.createdAt / 1000)} idle=${now - Math.floor(client.lastInteraction / 1000)}` +
    ` flags=${flagLetters(client)} db=${client.db.id} sub=${subs?.channels.size ?? 0} psub=${subs?.patterns.size ?? 0} ssub=${subs?.shardChannels.size ?? 0} multi=${client.multi === null ? -1 : client.multi.length}` +
    ` qbuf=${qbuf} qbuf-free=0 argv-mem=${argvMem} multi-mem=0 rbs=${rbs} rbp=${rbs} obl=${obl} oll=0 omem=${omem}` +
    ` tot-mem=${rbs + qbuf + argvMem + omem} events=${events} cmd=${client.lastCommand} user=${client.user}` +
    ` redir=${(client.flags & ClientFlag.Tracking) !== 0 ? client.trackingRedirect : -1} resp=${client.reply.protocol} lib-name=${client.libName} lib-ver=${client.libVersion}`
  );
}

// ---------------------------------------------------------------------------------------------
// Subcommands
// ---------------------------------------------------------------------------------------------

function clientId(c: Client): void {
  c.reply.integer(c.id);
}

function clientInfo(c: Client, argv: Argv): void {
  c.reply.verbatim(`${clientInfoLine(c, c, argv)}\n`);
}

/** CLIENT LIST [TYPE type | ID id [id ...]]. */
function clientList(c: Client, argv: Argv): void {
  const { engine } = c;
  let text = '';
  if (argv.count === 4 && argv.is(2, 'TYPE')) {
    const type = clientTypeByName(argv.str(3));
    if (type === null) {
      c.reply.error(`ERR Unknown client type '${argv.str(3)}'`);
      return;
    }
    for (const client of engine.clients.values()) {
      if (clientType(client) === type) text += `${clientInfoLine(client, c, argv)}\n`;
    }
  } else if (argv.count > 3 && argv.is(2, 'ID')) {
    for (let i = 3; i < argv.count; i++) {
      const id = argInt64(argv, i);
      if (id === null) {
        c.reply.error('ERR Invalid client ID');
        return;
      }
      const client = typeof id === 'number' ? engine.clients.get(id) : undefined;
      if (client !== undefined) text += `${clientInfoLine(client, c, argv)}\n`;
    }
  } else if (argv.count !== 2) {
    c.reply.error(SYNTAX);
    return;
  } else {
    for (const client of engine.clients.values()) text += `${clientInfoLine(client, c, argv)}\n`;
  }
  c.reply.verbatim(text);
}

/** What CLIENT KILL's new form matches on; unset fields match every client. */
interface KillFilter {
  addr: string | null;
  laddr: string | null;
  type: ClientType | null;
  id: number;
  user: string | null;
  skipMe: boolean;
}

/**
 * CLIENT KILL addr (the old form: replies OK or "No such client", may kill the caller) or
 * CLIENT KILL <filter> <value> ... (replies how many it killed; skips the caller unless
 * SKIPME no). The caller, if killed, is closed after its reply; others are closed at once.
 */
function clientKill(c: Client, argv: Argv): void {
  const filter: KillFilter = { addr: null, laddr: null, type: null, id: 0, user: null, skipMe: true };
  if (argv.count === 3) {
    filter.addr = argv.str(2);
    filter.skipMe = false;
  } else if (argv.count > 3) {
    for (let i = 2; i < argv.count; i += 2) {
      const hasValue = i + 1 < argv.count;
      if (hasValue && argv.is(i, 'ID')) {
        const id = argInt64(argv, i + 1);
        if (id === null || id < 1) {
          c.reply.error('ERR client-id should be greater than 0');
          return;
        }
        filter.id = Number(id);
      } else if (hasValue && argv.is(i, 'TYPE')) {
        filter.type = clientTypeByName(argv.str(i + 1));
        if (filter.type === null) {
          c.reply.error(`ERR Unknown client type '${argv.str(i + 1)}'`);
          return;
        }
      } else if (hasValue && argv.is(i, 'ADDR')) {
        filter.addr = argv.str(i + 1);
      } else if (hasValue && argv.is(i, 'LADDR')) {
        filter.laddr = argv.str(i + 1);
      } else if (hasValue && argv.is(i, 'USER')) {
        // Until ACL users exist, "default" is the only user there is.
        if (argv.str(i + 1) !== 'default') {
          c.reply.error(`ERR No such user '${argv.str(i + 1)}'`);
          return;
        }
        filter.user = 'default';
      } else if (hasValue && argv.is(i, 'SKIPME')) {
        if (argv.is(i + 1, 'YES')) filter.skipMe = true;
        else if (argv.is(i + 1, 'NO')) filter.skipMe = false;
        else {
          c.reply.error(SYNTAX);
          return;
        }
      } else {
        c.reply.error(SYNTAX);
        return;
      }
    }
  } else {
    c.reply.error(SYNTAX);
    return;
  }

  let killed = 0;
  let killSelf = false;
  for (const client of [...c.engine.clients.values()]) {
    if (filter.addr !== null && client.addr !== filter.addr) continue;
    if (filter.laddr !== null && client.laddr !== filter.laddr) continue;
    if (filter.type !== null && clientType(client) !== filter.type) continue;
    if (filter.id !== 0 && client.id !== filter.id) continue;
    if (filter.user !== null && client.user !== filter.user) continue;
    if (client === c && filter.skipMe) continue;
    if (client === c) killSelf = true;
    else closeNow(client);
    killed++;
  }
  if (argv.count === 3) {
    if (killed === 0) c.reply.error('ERR No such client');
    else c.reply.ok();
  } else {
    c.reply.integer(killed);
  }
  if (killSelf) c.closeAfterReply();
}

/** Close another client at once (Redis's freeClient), dropping its pending output. */
function closeNow(client: Client): void {
  client.flags |= ClientFlag.CloseAsap;
  if (client.socket !== null) client.socket.destroy();
  else client.engine.removeClient(client);
}

function clientSetName(c: Client, argv: Argv): void {
  const name = argv.str(2);
  const problem = validateClientName(name);
  if (problem) {
    c.reply.error(problem);
    return;
  }
  c.name = name;
  c.reply.ok();
}

function clientGetName(c: Client): void {
  if (c.name === '') c.reply.nullBulk();
  else c.reply.bulk(c.name);
}

/** CLIENT SETINFO LIB-NAME|LIB-VER value: what CLIENT LIST shows as lib-name and lib-ver. */
function clientSetInfo(c: Client, argv: Argv): void {
  const attr = argv.str(2);
  const value = argv.str(3);
  const isName = argv.is(2, 'LIB-NAME');
  if (!isName && !argv.is(2, 'LIB-VER')) {
    c.reply.error(`ERR Unrecognized option '${attr}'`);
    return;
  }
  if (validateClientName(value) !== null) {
    c.reply.error(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
    return;
  }
  if (isName) c.libName = value;
  else c.libVersion = value;
  c.reply.ok();
}

/** CLIENT NO-EVICT / NO-TOUCH ON|OFF: set or clear one flag of the caller. */
function onOff(c: Client, argv: Argv, flag: ClientFlag): void {
  if (argv.is(2, 'ON')) c.flags |= flag;
  else if (argv.is(2, 'OFF')) c.flags &= ~flag;
  else {
    c.reply.error(SYNTAX);
    return;
  }
  c.reply.ok();
}

function clientNoEvict(c: Client, argv: Argv): void {
  onOff(c, argv, ClientFlag.NoEvict);
}

/** With NO-TOUCH on, the client's reads leave keys' LRU/LFU clocks alone (Lookup.NoTouch). */
function clientNoTouch(c: Client, argv: Argv): void {
  onOff(c, argv, ClientFlag.NoTouch);
}

/**
 * CLIENT REPLY ON|OFF|SKIP: OFF drops every reply from now on, SKIP the next command's; only ON
 * itself answers. Pushes (messages, invalidations) still arrive.
 */
function clientReply(c: Client, argv: Argv): void {
  if (argv.is(2, 'ON')) {
    c.flags &= ~(ClientFlag.ReplyOff | ClientFlag.ReplySkip | ClientFlag.ReplySkipNext);
    c.reply.ok();
  } else if (argv.is(2, 'OFF')) {
    c.flags |= ClientFlag.ReplyOff;
  } else if (argv.is(2, 'SKIP')) {
    if ((c.flags & ClientFlag.ReplyOff) === 0) c.flags |= ClientFlag.ReplySkipNext;
  } else {
    c.reply.error(SYNTAX);
  }
}

/** CLIENT PAUSE timeout [WRITE|ALL]: the timeout in milliseconds (getTimeoutFromObjectOrReply). */
function clientPause(c: Client, argv: Argv): void {
  if (argv.count > 4) {
    c.reply.error(`ERR unknown subcommand or wrong number of arguments for '${cString(argv.str(1), 128)}'. Try CLIENT HELP.`);
    return;
  }
  let mode = PauseMode.All;
  if (argv.count === 4) {
    if (argv.is(3, 'WRITE')) mode = PauseMode.Write;
    else if (!argv.is(3, 'ALL')) {
      c.reply.error('ERR CLIENT PAUSE mode must be WRITE or ALL');
      return;
    }
  }
  const ms = argInt64(argv, 2);
  if (ms === null) {
    c.reply.error('ERR timeout is not an integer or out of range');
    return;
  }
  if (ms < 0) {
    c.reply.error(TIMEOUT_NEGATIVE);
    return;
  }
  const now = c.engine.store.now();
  if (BigInt(ms) > LLONG_MAX - BigInt(now)) {
    c.reply.error(TIMEOUT_OUT_OF_RANGE);
    return;
  }
  // A zero timeout is an end already passed: nothing pauses.
  c.engine.pause.pause(ms === 0 ? 0 : now + Number(ms), mode);
  c.reply.ok();
}

function clientUnpause(c: Client): void {
  c.engine.pause.unpause();
  c.reply.ok();
}

/**
 * CLIENT UNBLOCK id [TIMEOUT|ERROR]: end another client's blocking command with its timeout
 * reply or an -UNBLOCKED error. 1 if that client was blocked, else 0.
 */
function clientUnblock(c: Client, argv: Argv): void {
  if (argv.count > 4) {
    c.reply.error(`ERR unknown subcommand or wrong number of arguments for '${cString(argv.str(1), 128)}'. Try CLIENT HELP.`);
    return;
  }
  let withError = false;
  if (argv.count === 4) {
    if (argv.is(3, 'ERROR')) withError = true;
    else if (!argv.is(3, 'TIMEOUT')) {
      c.reply.error(UNBLOCK_REASON);
      return;
    }
  }
  const id = argInt64(argv, 2);
  if (id === null) {
    c.reply.error(NOT_INTEGER);
    return;
  }
  const target = typeof id === 'number' ? c.engine.clients.get(id) : undefined;
  c.reply.integer(target !== undefined && c.engine.blocking.unblock(target, withError) ? 1 : 0);
}

/** Redis 7.2's CLIENT HELP, word for word. */
const CLIENT_HELP = [
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'SETINFO <option> <value>',
  '    Set client meta attr. Options are:',
  '    * LIB-NAME: the client lib name.',
  '    * LIB-VER: the client lib version.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'NO-TOUCH (ON|OFF)',
  '    Will not touch LRU/LFU stats when this mode is on.',
];

function clientHelp(c: Client): void {
  replyHelp(c, 'client', CLIENT_HELP);
}

// ---------------------------------------------------------------------------------------------
// The family's table (TRACKING and its kin are in client-tracking.ts)
// ---------------------------------------------------------------------------------------------

export const clientCommands: CommandEntry[] = [
  { name: 'client|id', handler: clientId },
  { name: 'client|info', handler: clientInfo },
  { name: 'client|list', handler: clientList },
  { name: 'client|kill', handler: clientKill },
  { name: 'client|setname', handler: clientSetName },
  { name: 'client|getname', handler: clientGetName },
  { name: 'client|setinfo', handler: clientSetInfo },
  { name: 'client|no-evict', handler: clientNoEvict },
  { name: 'client|no-touch', handler: clientNoTouch },
  { name: 'client|unblock', handler: clientUnblock },
  { name: 'client|reply', handler: clientReply },
  { name: 'client|pause', handler: clientPause },
  { name: 'client|unpause', handler: clientUnpause },
  { name: 'client|help', handler: clientHelp },
];
