/**
 * MONITOR, CLIENT REPLY and CLIENT PAUSE/UNPAUSE against real Redis, in RESP2 and RESP3.
 *
 * MONITOR lines carry a timestamp and the client's address, which differ between the servers:
 * they are compared with those two replaced. A paused client's reply arrives only after the
 * pause: the step that sends its command reads nothing, a later drain reads the reply.
 */

import { describe } from 'node:test';
import { defineScenarios, drain, useBed, type Normalizer, type Scenario } from './bed.js';

/** A monitor's output with each line's time and client address blanked. */
const monitorLines: Normalizer = (reply) =>
  reply.toString('latin1').replace(/^\+\d+\.\d{6} \[(\d+) [^\]]+\]/gm, '+<time> [$1 <addr>]');

/** INFO clients reduced to blocked_clients. */
const blockedClients: Normalizer = (reply) => /blocked_clients:\d+/.exec(reply.toString('latin1'))?.[0] ?? 'missing';

const scenarios: Scenario[] = [
  {
    name: 'MONITOR shows each command after it ran, EXEC after its commands, passwords redacted',
    steps: [
      { cmd: ['MONITOR'], conn: 'mon' },
      { cmd: ['MONITOR'], conn: 'mon', frames: 0 },
      ['SET', 'k', Buffer.from([0x76, 0x0a, 0x22, 0x5c, 0x01, 0xff, 0x07, 0x08, 0x09, 0x0d])],
      ['SELECT', '3'],
      ['MULTI'],
      ['INCR', 'n'],
      ['GET', 'n'],
      ['EXEC'],
      ['AUTH', 'nopass'],
      ['AUTH', 'user', 'pass'],
      // Its reply carries each server's version and the client's id.
      { cmd: ['HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'me'], compare: 'type' },
      ['CONFIG', 'GET', 'maxmemory'],
      ['CLIENT', 'LIST', 'ID', '1'],
      ['NOSUCH', 'command'],
      ['GET'],
      ['SELECT', '0'],
      ['BLPOP', 'q', '0.01'],
      ['DEL', 'k'],
      drain('mon', monitorLines),
      // The drain's own PING is shown too, after its reply.
      { pushes: 1, conn: 'mon', compare: monitorLines },
    ],
  },
  {
    name: 'MONITOR inside MULTI is refused at EXEC; a monitor shows as O; RESET ends monitoring',
    steps: [
      ['MULTI'],
      ['MONITOR'],
      ['EXEC'],
      { cmd: ['MONITOR'], conn: 'mon' },
      { cmd: ['CLIENT', 'INFO'], conn: 'mon', compare: (r) => /flags=\S+/.exec(r.toString('latin1'))?.[0] ?? '?' },
      ['PING', 'seen'],
      drain('mon', monitorLines),
      // The drain's PING shows, then RESET's reply (RESET itself is not shown: it ends MONITOR).
      { cmd: ['RESET'], conn: 'mon', frames: 2, compare: monitorLines },
      ['PING', 'unseen'],
      drain('mon', monitorLines),
      { cmd: ['PING', 'after'], conn: 'mon' },
    ],
  },
  {
    name: 'CLIENT REPLY OFF drops replies until ON; SKIP drops the next one',
    steps: [
      { cmd: ['CLIENT', 'REPLY', 'OFF'], frames: 0 },
      { cmd: ['SET', 'k', 'v'], frames: 0 },
      { cmd: ['GET', 'k'], frames: 0 },
      { cmd: ['NOSUCH'], frames: 0 },
      { cmd: ['CLIENT', 'REPLY', 'SKIP'], frames: 0 },
      ['CLIENT', 'REPLY', 'ON'],
      ['GET', 'k'],
      { cmd: ['CLIENT', 'REPLY', 'SKIP'], frames: 0 },
      { cmd: ['INCR', 'n'], frames: 0 },
      ['INCR', 'n'],
      ['CLIENT', 'REPLY', 'maybe'],
      ['CLIENT', 'REPLY'],
      ['CLIENT', 'REPLY', 'on', 'extra'],
      { cmd: ['CLIENT', 'REPLY', 'SKIP'], frames: 0 },
      { cmd: ['CLIENT', 'REPLY', 'SKIP'], frames: 0 },
      { cmd: ['PING', 'skipped'], frames: 0 },
      ['PING', 'shown'],
    ],
  },
  {
    name: 'CLIENT REPLY OFF still delivers pushes: messages and subscription confirmations',
    resp: [3],
    steps: [
      { cmd: ['CLIENT', 'REPLY', 'OFF'], conn: 'sub', frames: 0 },
      { cmd: ['SUBSCRIBE', 'ch'], conn: 'sub' },
      ['PUBLISH', 'ch', 'hello'],
      { cmd: ['CLIENT', 'REPLY', 'ON'], conn: 'sub', frames: 2 },
    ],
  },
  {
    name: 'CLIENT PAUSE WRITE holds writes (PUBLISH, EXEC with a write too) until UNPAUSE; reads go on',
    cleanup: [['CLIENT', 'UNPAUSE']],
    steps: [
      ['SET', 'k', 'v'],
      ['CLIENT', 'PAUSE', '100000', 'WRITE'],
      { cmd: ['GET', 'k'], conn: 'r' },
      { cmd: ['SET', 'k', 'w'], conn: 'w', frames: 0 },
      { cmd: ['PUBLISH', 'ch', 'm'], conn: 'p', frames: 0 },
      { cmd: ['MULTI'], conn: 't' },
      { cmd: ['GET', 'k'], conn: 't' },
      { cmd: ['EXEC'], conn: 't' },
      { cmd: ['INFO', 'clients'], conn: 'r', compare: blockedClients },
      { cmd: ['CLIENT', 'INFO'], conn: 'r', compare: (r) => /flags=\S+/.exec(r.toString('latin1'))?.[0] ?? '?' },
      ['CLIENT', 'UNPAUSE'],
      drain('w'),
      drain('p'),
      ['GET', 'k'],
      { cmd: ['INFO', 'clients'], compare: blockedClients },
    ],
  },
  {
    name: 'CLIENT PAUSE ALL holds every command until its time is up; the stricter and later pause wins',
    cleanup: [['CLIENT', 'UNPAUSE']],
    steps: [
      ['CLIENT', 'PAUSE', '200', 'ALL'],
      ['CLIENT', 'PAUSE', '20', 'WRITE'],
      { cmd: ['GET', 'k'], conn: 'r', frames: 0 },
      { cmd: ['PING'], conn: 'r', frames: 0 },
      { sleep: 80 },
      { cmd: ['SET', 'k', 'v'], conn: 'w', frames: 0 },
      { sleep: 300 },
      drain('r'),
      drain('w'),
      ['GET', 'k'],
    ],
  },
  {
    name: 'keys do not expire during a pause; they do after it',
    cleanup: [['CLIENT', 'UNPAUSE']],
    steps: [
      // The TTL leaves room for a loaded machine between SET and the pause: were the key already
      // gone when the pause began, there would be nothing to test.
      ['SET', 'k', 'v', 'PX', '250'],
      ['CLIENT', 'PAUSE', '100000', 'WRITE'],
      { sleep: 350 },
      ['GET', 'k'],
      ['EXISTS', 'k'],
      ['DBSIZE'],
      ['CLIENT', 'UNPAUSE'],
      ['GET', 'k'],
      ['DBSIZE'],
    ],
  },
  {
    name: 'CLIENT PAUSE errors',
    cleanup: [['CLIENT', 'UNPAUSE']],
    steps: [
      ['CLIENT', 'PAUSE'],
      ['CLIENT', 'PAUSE', 'x'],
      ['CLIENT', 'PAUSE', '1.5'],
      ['CLIENT', 'PAUSE', '-1'],
      ['CLIENT', 'PAUSE', '10', 'READ'],
      ['CLIENT', 'PAUSE', '10', 'WRITE', 'extra'],
      // 9223372036854775807 ms: Redis 7.2 says "timeout is out of range", 7.0 pauses (see
      // test/commands/client-control.test.ts).
      ['CLIENT', 'PAUSE', '9223372036854775808'],
      ['CLIENT', 'PAUSE', '0'],
      ['CLIENT', 'UNPAUSE', 'x'],
      ['CLIENT', 'UNPAUSE'],
      ['SET', 'k', 'v'],
    ],
  },
];

describe('MONITOR, CLIENT REPLY and CLIENT PAUSE (compared with real Redis)', () => {
  const bed = useBed();
  defineScenarios(bed, scenarios);
});
