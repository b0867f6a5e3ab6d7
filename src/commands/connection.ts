/**
 * Connection commands: the handshake and per-connection state (PING, ECHO, QUIT, RESET,
 * SELECT, HELLO, AUTH). CLIENT lives in client.ts.
 */

import type { Argv } from '../protocol/argv.js';
import { ClientFlag, type Client } from '../server/client.js';
import { argInt64 } from './args.js';
import { DB_INDEX_OUT_OF_RANGE, INT_RANGE, NOT_INTEGER, SYNTAX, wrongArity } from './errors.js';
import type { CommandEntry } from './types.js';
import { SERVER_VERSION } from '../server/version.js';

const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';

function ping(c: Client, argv: Argv): void {
  if (argv.count > 2) {
    c.reply.error(wrongArity('ping'));
    return;
  }
  if ((c.flags & ClientFlag.PubSub) !== 0 && c.protocol === 2) {
    // A subscribed RESP2 client reads every reply as a message: PING answers in that shape.
    c.reply.arrayLen(2);
    c.reply.bulk('pong');
    if (argv.count === 1) c.reply.bulk('');
    else c.reply.bulkBytes(argv.bufs[1], argv.starts[1], argv.ends[1]);
    return;
  }
  if (argv.count === 1) c.reply.simple('PONG');
  else c.reply.bulkBytes(argv.bufs[1], argv.starts[1], argv.ends[1]);
}

function echo(c: Client, argv: Argv): void {
  c.reply.bulkBytes(argv.bufs[1], argv.starts[1], argv.ends[1]);
}

function quit(c: Client): void {
  c.reply.ok();
  c.closeAfterReply();
}

function select(c: Client, argv: Argv): void {
  const index = argInt64(argv, 1);
  if (index === null) {
    c.reply.error(NOT_INTEGER);
    return;
  }
  if (index > 2147483647 || index < -2147483648) {
    c.reply.error(INT_RANGE);
    return;
  }
  if (index < 0 || index >= c.engine.store.databases.length) {
    c.reply.error(DB_INDEX_OUT_OF_RANGE);
    return;
  }
  c.selectDb(Number(index));
  c.reply.ok();
}

/** Check a user/password pair against the configured password (ACL users come later). */
function authenticate(c: Client, user: string, password: string): boolean {
  const required = c.engine.config.get('requirepass');
  if (user !== 'default') return false;
  if (required !== '' && password !== required) return false;
  c.authenticated = true;
  c.user = user;
  return true;
}

function auth(c: Client, argv: Argv): void {
  if (argv.count > 3) {
    c.reply.error(SYNTAX);
    return;
  }
  if (argv.count === 2) {
    if (c.engine.config.get('requirepass') === '') {
      c.reply.error(
        'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
      );
      return;
    }
    if (authenticate(c, 'default', argv.str(1))) c.reply.ok();
    else c.reply.error(WRONGPASS);
    return;
  }
  if (authenticate(c, argv.str(1), argv.str(2))) c.reply.ok();
  else c.reply.error(WRONGPASS);
}

function hello(c: Client, argv: Argv): void {
  let version = 0;
  let next = 1;
  if (argv.count >= 2) {
    const v = argInt64(argv, next++);
    if (v === null) {
      c.reply.error('ERR Protocol version is not an integer or out of range');
      return;
    }
    if (v < 2 || v > 3) {
      c.reply.error('NOPROTO unsupported protocol version');
      return;
    }
    version = Number(v);
  }
  let user: string | null = null;
  let password = '';
  let name: string | null = null;
  for (let j = next; j < argv.count; j++) {
    const more = argv.count - 1 - j;
    if (argv.is(j, 'AUTH') && more >= 2) {
      user = argv.str(j + 1);
      password = argv.str(j + 2);
      j += 2;
    } else if (argv.is(j, 'SETNAME') && more >= 1) {
      name = argv.str(j + 1);
      j++;
    } else {
      c.reply.error(`ERR Syntax error in HELLO option '${argv.str(j)}'`);
      return;
    }
  }
  if (user !== null && !authenticate(c, user, password)) {
    c.reply.error(WRONGPASS);
    return;
  }
  if (!c.authenticated) {
    c.reply.error(
      'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    );
    return;
  }
  if (name !== null) {
    const problem = validateClientName(name);
    if (problem) {
      c.reply.error(problem);
      return;
    }
    c.name = name;
  }
  if (version !== 0) c.reply.protocol = version as 2 | 3;
  const r = c.reply;
  r.mapLen(7);
  r.bulk('server');
  r.bulk('redis');
  r.bulk('version');
  r.bulk(SERVER_VERSION);
  r.bulk('proto');
  r.integer(r.protocol);
  r.bulk('id');
  r.integer(c.id);
  r.bulk('mode');
  r.bulk('standalone');
  r.bulk('role');
  r.bulk('master');
  r.bulk('modules');
  r.arrayLen(0);
}

/**
 * Redis's clientSetName rule: no spaces, newlines or other characters outside '!'..'~'.
 * Returns the error text, or null when the name is acceptable.
 */
export function validateClientName(name: string): string | null {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) return 'ERR Client names cannot contain spaces, newlines or special characters.';
  }
  return null;
}

function reset(c: Client): void {
  c.engine.resetClient(c);
  c.reply.simple('RESET');
}

export const connectionCommands: CommandEntry[] = [
  { name: 'ping', handler: ping },
  { name: 'echo', handler: echo },
  { name: 'quit', handler: quit },
  { name: 'reset', handler: reset },
  { name: 'select', handler: select },
  { name: 'auth', handler: auth },
  { name: 'hello', handler: hello },
];
