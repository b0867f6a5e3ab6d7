/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH against real Redis, with a second connection that
 * changes watched keys: queueing, errors while queueing (EXECABORT) and at run time, nesting,
 * blocking commands inside a transaction, and every way a watch is broken or kept.
 */

import { describe } from 'node:test';
import { defineScenarios, sleep, useBed, type Scenario } from './bed.js';

/** WATCH k on main, `change` on connection other, then a transaction that reports whether it ran. */
function watchBroken(name: string, setup: (string | Buffer)[][], change: (string | Buffer)[][]): Scenario {
  return {
    name,
    conns: { main: {}, other: {} },
    steps: [
      ...setup.map((cmd) => ({ cmd, conn: 'other' })),
      ['WATCH', 'k'],
      ...change.map((cmd) => ({ cmd, conn: 'other' })),
      ['MULTI'],
      ['PING'],
      ['EXEC'],
    ],
  };
}

const scenarios: Scenario[] = [
  {
    name: 'MULTI queues, EXEC runs in order, runtime errors stay per command',
    steps: [
      ['MULTI'],
      ['SET', 'a', '1'],
      ['INCR', 'a'],
      ['LPUSH', 'a', 'x'],
      ['GET', 'a'],
      ['INCRBYFLOAT', 'a', '0.5'],
      ['EXEC'],
      ['GET', 'a'],
    ],
  },
  {
    name: 'an empty transaction, DISCARD, and the errors outside MULTI',
    steps: [['EXEC'], ['DISCARD'], ['MULTI'], ['EXEC'], ['MULTI'], ['SET', 'x', '1'], ['DISCARD'], ['GET', 'x'], ['EXEC']],
  },
  {
    name: 'errors while queueing doom the transaction (EXECABORT) and nothing runs',
    steps: [
      ['MULTI'],
      ['SET', 'a', '1'],
      ['NOSUCHCOMMAND', 'x'],
      ['SET', 'b'],
      ['GET', 'a'],
      ['EXEC'],
      ['EXISTS', 'a'],
      ['MULTI'],
      ['SET', 'a', '1'],
      ['GET'],
      ['EXEC'],
      ['MULTI'],
      ['CONFIG', 'NOSUCHSUB'],
      ['EXEC'],
    ],
  },
  {
    name: 'MULTI inside MULTI and WATCH inside MULTI are refused without dooming it',
    steps: [['MULTI'], ['MULTI'], ['WATCH', 'k'], ['SET', 'k', 'v'], ['EXEC'], ['GET', 'k']],
  },
  {
    name: 'blocking commands inside MULTI answer at once as their timeout',
    steps: [
      ['MULTI'],
      ['BLPOP', 'nolist', '0'],
      ['BRPOP', 'nolist', '1'],
      ['BLMOVE', 'nolist', 'other', 'LEFT', 'RIGHT', '0'],
      ['BZPOPMIN', 'nozset', '0'],
      ['BLMPOP', '0', '1', 'nolist', 'LEFT'],
      ['RPUSH', 'list', 'a'],
      ['BLPOP', 'list', '0'],
      ['EXEC'],
    ],
  },
  {
    name: 'SELECT and SWAPDB inside a transaction, and commands after it',
    steps: [
      ['SET', 'k', 'db0'],
      ['MULTI'],
      ['SELECT', '1'],
      ['SET', 'k', 'db1'],
      ['SWAPDB', '0', '1'],
      ['GET', 'k'],
      ['EXEC'],
      ['GET', 'k'],
      ['SELECT', '0'],
      ['GET', 'k'],
    ],
  },
  {
    name: 'a transaction is not interleaved with another client, and sees its own writes',
    conns: { main: {}, other: {} },
    steps: [
      ['MULTI'],
      ['SET', 'k', '1'],
      { cmd: ['SET', 'k', 'other'], conn: 'other' },
      ['GET', 'k'],
      ['INCR', 'k'],
      ['EXEC'],
      { cmd: ['GET', 'k'], conn: 'other' },
    ],
  },
  {
    name: 'WATCH with no change: EXEC runs; UNWATCH forgets; WATCH of many keys',
    conns: { main: {}, other: {} },
    steps: [
      ['WATCH', 'k', 'j', 'k'],
      { cmd: ['GET', 'k'], conn: 'other' },
      { cmd: ['SET', 'unrelated', '1'], conn: 'other' },
      ['MULTI'],
      ['SET', 'k', 'mine'],
      ['EXEC'],
      ['WATCH', 'k'],
      ['UNWATCH'],
      { cmd: ['SET', 'k', 'theirs'], conn: 'other' },
      ['MULTI'],
      ['GET', 'k'],
      ['EXEC'],
    ],
  },
  watchBroken('a SET from another client breaks the watch', [['SET', 'k', '1']], [['SET', 'k', '2']]),
  watchBroken('a SET of the same value still breaks the watch', [['SET', 'k', '1']], [['SET', 'k', '1']]),
  watchBroken('creating a watched missing key breaks the watch', [], [['SET', 'k', 'new']]),
  watchBroken('DEL of the key breaks the watch', [['SET', 'k', '1']], [['DEL', 'k']]),
  watchBroken('DEL of a missing watched key does not', [], [['DEL', 'k']]),
  watchBroken('a read does not break the watch', [['SET', 'k', '1']], [['GET', 'k'], ['EXISTS', 'k'], ['TYPE', 'k']]),
  watchBroken('FLUSHDB breaks a watch on an existing key', [['SET', 'k', '1']], [['FLUSHDB']]),
  watchBroken('FLUSHDB leaves a watch on a missing key alone', [['SET', 'other', '1']], [['FLUSHDB']]),
  watchBroken('FLUSHALL breaks a watch on an existing key', [['SET', 'k', '1']], [['FLUSHALL']]),
  watchBroken('SWAPDB breaks a watch when the key exists on either side', [['SELECT', '1'], ['SET', 'k', 'in1'], ['SELECT', '0']], [['SWAPDB', '0', '1']]),
  watchBroken('SWAPDB of two databases without the key keeps the watch', [['SET', 'j', '1']], [['SWAPDB', '0', '1']]),
  watchBroken('SWAPDB of other databases keeps the watch', [['SET', 'k', '1']], [['SWAPDB', '1', '2']]),
  watchBroken('a change in another database does not break it', [['SET', 'k', '1']], [['SELECT', '3'], ['SET', 'k', '2']]),
  {
    name: 'a watched key that expires makes EXEC fail, even before anything deletes it',
    conns: { main: {}, other: {} },
    // The TTL leaves room for a loaded machine between SET and WATCH: a key already expired
    // when watched is another scenario (below), with the opposite outcome.
    steps: [['SET', 'k', '1', 'PX', '250'], ['WATCH', 'k'], sleep(350), ['MULTI'], ['PING'], ['EXEC']],
  },
  {
    name: 'a key already expired when watched: its deletion is no change',
    conns: { main: {}, other: {} },
    steps: [
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
      ['SET', 'k', '1', 'PX', '1'],
      sleep(20),
      ['WATCH', 'k'],
      { cmd: ['GET', 'k'], conn: 'other' },
      ['MULTI'],
      ['PING'],
      ['EXEC'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
    ],
  },
  {
    name: 'a key already expired when watched, then written: EXEC fails',
    conns: { main: {}, other: {} },
    steps: [
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
      ['SET', 'k', '1', 'PX', '1'],
      sleep(20),
      ['WATCH', 'k'],
      { cmd: ['SET', 'k', '2'], conn: 'other' },
      ['MULTI'],
      ['PING'],
      ['EXEC'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
    ],
  },
  {
    name: 'after a failed EXEC the watches are gone and the next transaction runs',
    conns: { main: {}, other: {} },
    steps: [
      ['WATCH', 'k'],
      { cmd: ['SET', 'k', '1'], conn: 'other' },
      ['MULTI'],
      ['INCR', 'k'],
      ['EXEC'],
      { cmd: ['SET', 'k', '5'], conn: 'other' },
      ['MULTI'],
      ['INCR', 'k'],
      ['EXEC'],
    ],
  },
  {
    name: 'DISCARD and RESET drop the watches',
    conns: { main: {}, other: {} },
    steps: [
      ['WATCH', 'k'],
      ['MULTI'],
      ['DISCARD'],
      { cmd: ['SET', 'k', '1'], conn: 'other' },
      ['MULTI'],
      ['GET', 'k'],
      ['EXEC'],
      ['WATCH', 'k'],
      ['MULTI'],
      ['RESET'],
      { cmd: ['SET', 'k', '2'], conn: 'other' },
      ['MULTI'],
      ['GET', 'k'],
      ['EXEC'],
    ],
  },
  {
    name: 'the client list shows a transaction in progress',
    steps: [
      ['MULTI'],
      ['SET', 'a', '1'],
      ['SET', 'b', '2'],
      ['EXEC'],
      { cmd: ['CLIENT', 'INFO'], compare: (r: Buffer) => (/flags=\S+ .* multi=-?\d+/.exec(r.toString('latin1')) ?? [''])[0].replace(/ db=.* multi=/, ' multi=') },
    ],
  },
];

describe('transactions', () => {
  const bed = useBed();
  defineScenarios(bed, scenarios);
});
