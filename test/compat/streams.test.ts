/**
 * Streams against real Redis: XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XREAD (blocking too),
 * XSETID, XINFO and the consumer-group commands; fixed scenarios for the edges (64-bit IDs,
 * exclusive ranges, node boundaries under small stream-node-max-* settings, approximate trims,
 * tombstones and lag, PEL ownership), then seeded random sequences, in RESP2 and RESP3.
 *
 * IDs are explicit wherever time would make them differ. Where Redis 7.0 (the oracle) and 7.2
 * (the target) differ, the scenarios stay on common ground and say so:
 * - 7.2 creates the consumer of XREADGROUP/XCLAIM/XAUTOCLAIM even when nothing is served or
 *   claimed (7.0 only when something is): random sequences draw those consumers from their own
 *   names and compare XINFO GROUPS without its consumer count;
 * - 7.2's XINFO CONSUMERS adds "inactive", and checks XSETID against max-deleted-entry-id
 *   before the top item; idle times are compared as present, not by value.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineScenarios, helpText, scan, sleep, useBed, type Scenario, type Step } from './bed.js';
import { randomScenarios, uncovered, KEY_TEMPLATES, type CommandTemplate, type Gen } from './random.js';

/** Send a blocking command on `conn` without reading; `served(conn)` reads its reply later. */
function blocks(conn: string, ...cmd: string[]): Step[] {
  return [{ cmd, conn, frames: 0 }, sleep(30)];
}

function served(conn: string): Step {
  return { pushes: 1, conn };
}

/** XPENDING's extended form: every idle time (the first of two integers in a row) blanked. */
function idleBlanked(reply: Buffer): string {
  return reply.toString('latin1').replace(/\r\n:\d+\r\n(:\d+\r\n)/g, '\r\n:IDLE\r\n$1');
}

/** XINFO GROUPS without the consumer counts (7.0 and 7.2 create consumers at different times). */
function consumersBlanked(reply: Buffer): string {
  return reply.toString('latin1').replace(/(\$9\r\nconsumers\r\n):\d+\r\n/g, '$1:N\r\n');
}

/** XINFO CONSUMERS: names and pending counts only (idle is time, "inactive" is 7.2's). */
function consumersInfo(reply: Buffer): string {
  return reply
    .toString('latin1')
    .replace(/\$4\r\nidle\r\n:\d+\r\n/g, '')
    .replace(/\$8\r\ninactive\r\n:-?\d+\r\n/g, '')
    .replace(/(%|\*)\d+\r\n(\$4\r\nname\r\n)/g, '$1M\r\n$2');
}

/**
 * 7.2 names the command in XREAD's unbalanced-streams error ("Unbalanced 'xreadgroup' list ...
 * or '>'"); 7.0 always said "Unbalanced XREAD list ... or '$'". Other replies pass unchanged.
 */
function unbalancedBridged(reply: Buffer): string {
  return reply.toString('latin1').replace(/^-ERR Unbalanced .* list of streams: .*\r\n$/, '-ERR Unbalanced list of streams\r\n');
}

const xpendingRange = (...cmd: string[]): Step => ({ cmd: ['XPENDING', ...cmd], compare: idleBlanked });

const scenarios: Scenario[] = [
  {
    name: 'XADD with explicit, partial and ms-* IDs; XLEN; XRANGE and XREVRANGE',
    steps: [
      ['XADD', 's', '1-1', 'a', '1', 'b', '2'],
      ['XADD', 's', '1-2', 'a', '3', 'b', '4'],
      ['XADD', 's', '1-*', 'c', '5'],
      ['XADD', 's', '2', 'x', 'y'],
      ['XADD', 's', '2-*', 'x', 'z'],
      ['XADD', 's', '5-*', 'x', ''],
      ['XADD', 's', '0-1', 'a', '1'],
      ['XADD', 's', '5-0', 'a', '1'],
      ['XADD', 's', '0-0', 'a', '1'],
      ['XADD', 's', '0', 'a', '1'],
      ['XADD', 'fresh', '0-*', 'a', '1'],
      ['XLEN', 's'],
      ['XLEN', 'nokey'],
      ['XRANGE', 's', '-', '+'],
      ['XRANGE', 's', '1', '1'],
      ['XRANGE', 's', '(1-1', '(2-0'],
      ['XRANGE', 's', '(1', '+'],
      ['XRANGE', 's', '-', '(2'],
      ['XRANGE', 's', '-', '+', 'COUNT', '2'],
      ['XRANGE', 's', '-', '+', 'COUNT', '0'],
      ['XRANGE', 's', '-', '+', 'COUNT', '-5'],
      ['XRANGE', 's', '-', '+', 'COUNT'],
      ['XRANGE', 's', '-', '+', 'LIMIT', '2'],
      ['XRANGE', 's', '(-', '+'],
      ['XRANGE', 's', '(18446744073709551615-18446744073709551615', '+'],
      ['XRANGE', 's', '-', '(0-0'],
      ['XRANGE', 's', 'x', '+'],
      ['XRANGE', 's', '-1', '+'],
      ['XRANGE', 's', '1-2-3', '+'],
      ['XRANGE', 's', ' 1', '+'],
      ['XRANGE', 's', '+1', '+'],
      ['XRANGE', 's', '001-01', '+'],
      ['XRANGE', 's', '18446744073709551616', '+'],
      ['XRANGE', 'nokey', '-', '+'],
      ['XREVRANGE', 's', '+', '-'],
      ['XREVRANGE', 's', '+', '-', 'COUNT', '1'],
      ['XREVRANGE', 's', '(5', '(1-1'],
      ['XREVRANGE', 's', '2', '2'],
    ],
  },
  {
    name: 'XADD argument errors and 64-bit IDs',
    steps: [
      ['XADD', 's', '1-1', 'a'],
      ['XADD', 's', '1-1'],
      ['XADD', 's', 'MAXLEN', '1', 'MINID', '1', '*', 'a', 'b'],
      ['XADD', 's', 'MAXLEN', '-1', '1-1', 'a', 'b'],
      ['XADD', 's', 'MAXLEN', 'x', '1-1', 'a', 'b'],
      ['XADD', 's', 'LIMIT', '10', '1-1', 'a', 'b'],
      ['XADD', 's', 'MAXLEN', '5', 'LIMIT', '10', '1-1', 'a', 'b'],
      ['XADD', 's', 'MAXLEN', '~', '5', 'LIMIT', '-1', '1-1', 'a', 'b'],
      ['XADD', 's', 'MINID', 'bad', '1-1', 'a', 'b'],
      ['XADD', 's', 'MINID', '-', '1-1', 'a', 'b'],
      ['XADD', 's', '+', 'a', 'b'],
      ['XADD', 's', 'NOMKSTREAM', '1-1', 'a', 'b'],
      ['EXISTS', 's'],
      ['XADD', 's', '18446744073709551615-18446744073709551614', 'a', 'b'],
      ['XADD', 's', '18446744073709551615-*', 'a', 'b'],
      ['XADD', 's', '18446744073709551615-*', 'a', 'b'],
      ['XADD', 's', '1-1', 'a', 'b'],
      ['XRANGE', 's', '18446744073709551615', '+'],
      ['XREVRANGE', 's', '+', '(18446744073709551615-18446744073709551615'],
      ['XADD', 'big', '9007199254740993-9007199254740993', 'a', 'b'],
      ['XADD', 'big', '9007199254740993-*', 'a', 'b'],
      ['XRANGE', 'big', '9007199254740993', '9007199254740993'],
      ['XRANGE', 'big', '(9007199254740993-9007199254740993', '+'],
      ['XINFO', 'STREAM', 'big'],
      ['SET', 'str', 'x'],
      ['XADD', 'str', '1-1', 'a', 'b'],
      ['XLEN', 'str'],
      ['XRANGE', 'str', '-', '+'],
      ['XADD', 'n', 'NOMKSTREAM', 'MAXLEN', '1', '1-1', 'a', 'b'],
      ['EXISTS', 'n'],
    ],
  },
  {
    name: 'node boundaries: stream-node-max-entries and -bytes, approximate trims, XINFO radix figures',
    steps: [
      ['CONFIG', 'SET', 'stream-node-max-entries', '3'],
      ...Array.from({ length: 10 }, (_, i): Step => ['XADD', 's', `${i + 1}-0`, 'f', String(i), 'g', 'v']),
      ['XADD', 's', '11-0', 'other', 'fields'],
      ['XINFO', 'STREAM', 's'],
      ['XTRIM', 's', 'MAXLEN', '~', '5'],
      ['XLEN', 's'],
      ['XRANGE', 's', '-', '+'],
      ['XTRIM', 's', 'MAXLEN', '~', '5', 'LIMIT', '1'],
      ['XTRIM', 's', 'MAXLEN', '~', '2', 'LIMIT', '3'],
      ['XINFO', 'STREAM', 's'],
      ['XTRIM', 's', 'MAXLEN', '=', '2'],
      ['XRANGE', 's', '-', '+'],
      ['XINFO', 'STREAM', 's'],
      ['XADD', 's', 'MINID', '~', '11', '12-0', 'f', 'x'],
      ['XTRIM', 's', 'MINID', '11-0'],
      ['XINFO', 'STREAM', 's', 'FULL'],
      ['CONFIG', 'SET', 'stream-node-max-entries', '0'],
      ['CONFIG', 'SET', 'stream-node-max-bytes', '200'],
      ...Array.from({ length: 8 }, (_, i): Step => ['XADD', 'b', `${i + 1}-${i * 300}`, 'field', 'x'.repeat(40 + i * 7), 'n', String(-i * 1000)]),
      ['XINFO', 'STREAM', 'b'],
      ['XTRIM', 'b', 'MINID', '~', '5'],
      ['XRANGE', 'b', '-', '+', 'COUNT', '2'],
      ['XINFO', 'STREAM', 'b'],
    ],
    cleanup: [
      ['CONFIG', 'SET', 'stream-node-max-entries', '100'],
      ['CONFIG', 'SET', 'stream-node-max-bytes', '4096'],
    ],
  },
  {
    name: 'many entries: radix tree of hundreds of nodes, XDEL emptying nodes, ranges across nodes',
    steps: [
      ['CONFIG', 'SET', 'stream-node-max-entries', '4'],
      ...Array.from({ length: 120 }, (_, i): Step => ['XADD', 's', `${1000 + i * 37}-${i % 3}`, 'k', String(i * 12345)]),
      ['XINFO', 'STREAM', 's'],
      ['XDEL', 's', '1000-0', '1037-1', '1074-2', '1111-0', '9999-0'],
      ['XINFO', 'STREAM', 's'],
      ['XRANGE', 's', '1500', '2500'],
      ['XREVRANGE', 's', '2500', '1500', 'COUNT', '7'],
      ['XADD', 's', 'MAXLEN', '~', '50', '99999-0', 'k', 'v'],
      ['XLEN', 's'],
      ['XINFO', 'STREAM', 's'],
    ],
    cleanup: [['CONFIG', 'SET', 'stream-node-max-entries', '100']],
  },
  {
    name: 'XDEL, tombstones and the recorded first entry; XSETID',
    steps: [
      ['XADD', 's', '1-0', 'a', '1'],
      ['XADD', 's', '2-0', 'a', '2'],
      ['XADD', 's', '3-0', 'a', '3'],
      ['XDEL', 's', '2-0', '2-0', '7-0'],
      ['XDEL', 's', 'bad'],
      ['XDEL', 's', '1-0', 'bad'],
      ['XINFO', 'STREAM', 's'],
      ['XDEL', 's', '1-0'],
      ['XINFO', 'STREAM', 's'],
      ['XDEL', 's', '3-0'],
      ['XINFO', 'STREAM', 's'],
      ['EXISTS', 's'],
      ['XADD', 's', '3-0', 'a', '1'],
      ['XADD', 's', '4-0', 'a', '1'],
      ['XSETID', 's', '10-0'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED', '2'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED', '100', 'MAXDELETEDID', '5-0'],
      ['XSETID', 's', '10-0', 'MAXDELETEDID', '11-0'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED', '-1'],
      ['XSETID', 's', '10-0', 'BOGUS', '1'],
      ['XSETID', 'nokey', '1-0'],
      ['XSETID', 's', '+'],
      ['XINFO', 'STREAM', 's'],
      ['XADD', 's', '10-0', 'a', '1'],
      ['XADD', 's', '10-*', 'a', '1'],
      ['XDEL', 'nokey', '1-0'],
    ],
  },
  {
    name: 'XREAD: several streams, COUNT, $ and missing keys; errors',
    steps: [
      ['XADD', 'a', '1-0', 'f', 'v1'],
      ['XADD', 'a', '2-0', 'f', 'v2'],
      ['XADD', 'b', '5-0', 'g', 'w'],
      ['XREAD', 'STREAMS', 'a', 'b', '0', '0'],
      ['XREAD', 'COUNT', '1', 'STREAMS', 'a', 'b', 'nokey', '0', '0', '0'],
      ['XREAD', 'STREAMS', 'a', 'b', '$', '$'],
      ['XREAD', 'STREAMS', 'a', '1'],
      ['XREAD', 'STREAMS', 'a', '2'],
      ['XREAD', 'STREAMS', 'a', '(1'],
      { cmd: ['XREAD', 'STREAMS', 'a'], compare: unbalancedBridged },
      ['XREAD', 'STREAMS', 'a', '>'],
      ['XREAD', 'STREAMS', 'a', '-'],
      ['XREAD', 'GROUP', 'g', 'c', 'STREAMS', 'a', '0'],
      ['XREAD', 'NOACK', 'STREAMS', 'a', '0'],
      ['XREAD', 'COUNT', 'x', 'STREAMS', 'a', '0'],
      ['XREAD', 'BLOCK', '-1', 'STREAMS', 'a', '0'],
      ['XREAD', 'BLOCK', 'x', 'STREAMS', 'a', '0'],
      ['XREAD', 'a', '0'],
      ['XREAD', 'BLOCK', '10', 'STREAMS', 'a', '$'],
      ['XREAD', 'BLOCK', '10', 'STREAMS', 'a', '0'],
      ['SET', 'str', 'x'],
      ['XREAD', 'STREAMS', 'str', '0'],
      ['MULTI'],
      ['XREAD', 'BLOCK', '0', 'STREAMS', 'a', '$'],
      ['EXEC'],
    ],
  },
  {
    name: 'XREAD BLOCK: served by XADD, by $, on several keys, and timing out',
    conns: { r1: {}, r2: {} },
    steps: [
      ['XADD', 's', '1-0', 'a', '1'],
      ...blocks('r1', 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'),
      ...blocks('r2', 'XREAD', 'COUNT', '5', 'BLOCK', '0', 'STREAMS', 'other', 's', '0', '1-0'),
      ['XADD', 's', '2-0', 'b', '2'],
      served('r1'),
      served('r2'),
      ...blocks('r1', 'XREAD', 'BLOCK', '0', 'STREAMS', 'new', '$'),
      ['XADD', 'new', '7-0', 'x', 'y'],
      served('r1'),
      ...blocks('r1', 'XREAD', 'BLOCK', '20', 'STREAMS', 's', '$'),
      sleep(40),
      served('r1'),
      ...blocks('r1', 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'),
      ['LPUSH', 'l', 'x'],
      ['DEL', 's'],
      ['XADD', 's', '1-0', 'again', '1'],
      served('r1'),
    ],
  },
  {
    name: 'consumer groups: CREATE, XREADGROUP new and history, NOACK, XACK, XPENDING, lag',
    conns: { c2: {} },
    steps: [
      ['XGROUP', 'CREATE', 's', 'g', '$'],
      ['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'],
      ['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'],
      ['XINFO', 'GROUPS', 's'],
      ['XADD', 's', '1-0', 'a', '1'],
      ['XADD', 's', '2-0', 'a', '2'],
      ['XADD', 's', '3-0', 'a', '3'],
      ['XGROUP', 'CREATE', 's', 'late', '0', 'ENTRIESREAD', '1'],
      ['XGROUP', 'CREATE', 's', 'bad', '0', 'ENTRIESREAD', '-2'],
      ['XGROUP', 'CREATE', 's', 'bad', '0', 'BOGUS'],
      ['XINFO', 'GROUPS', 's'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '1', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '1', 'STREAMS', 's', '2'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', '$'],
      ['XREADGROUP', 'GROUP', 'nog', 'bob', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 'nokey', '>'],
      ['XREADGROUP', 'STREAMS', 's', '>'],
      ['XPENDING', 's', 'g'],
      xpendingRange('s', 'g', '-', '+', '10'),
      xpendingRange('s', 'g', '-', '+', '10', 'bob'),
      xpendingRange('s', 'g', '(1', '+', '1'),
      xpendingRange('s', 'g', 'IDLE', '0', '-', '+', '10'),
      ['XPENDING', 's', 'g', '-', '+', '10', 'nobody'],
      ['XPENDING', 's', 'g', '-', '+'],
      ['XPENDING', 's', 'g', 'IDLE', 'x', '-', '+', '10'],
      ['XPENDING', 's', 'g', '-', '+', 'x'],
      ['XPENDING', 's', 'nog'],
      ['XPENDING', 'nokey', 'g'],
      ['XACK', 's', 'g', '1-0', '2-0', '9-0'],
      ['XACK', 's', 'g', '1-0', 'bad'],
      ['XACK', 's', 'nog', '1-0'],
      ['XACK', 'nokey', 'g', '1-0'],
      ['XPENDING', 's', 'g'],
      ['XADD', 's', '4-0', 'a', '4'],
      ['XREADGROUP', 'GROUP', 'late', 'z', 'NOACK', 'STREAMS', 's', '>'],
      ['XPENDING', 's', 'late'],
      ['XINFO', 'GROUPS', 's'],
      ['XDEL', 's', '2-0'],
      ['XGROUP', 'SETID', 's', 'late', '1-0'],
      ['XINFO', 'GROUPS', 's'],
      ['XGROUP', 'SETID', 's', 'late', '$', 'ENTRIESREAD', '4'],
      ['XGROUP', 'SETID', 's', 'late', '0', 'MKSTREAM'],
      ['XGROUP', 'SETID', 's', 'nog', '0'],
      ['XINFO', 'GROUPS', 's'],
      { cmd: ['XINFO', 'CONSUMERS', 's', 'g'], compare: consumersInfo },
      ['XINFO', 'CONSUMERS', 's', 'nog'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'carol'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'carol'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'bob'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'bob'],
      ['XPENDING', 's', 'g'],
      ['XGROUP', 'DESTROY', 's', 'late'],
      ['XGROUP', 'DESTROY', 's', 'late'],
      ['XGROUP', 'CREATE', 'nokey', 'g', '0'],
      ['XGROUP', 'DESTROY', 'nokey', 'g'],
      ['XGROUP', 'BOGUS', 's', 'g'],
      { cmd: ['XGROUP', 'HELP'], compare: helpText },
      { cmd: ['XINFO', 'HELP'], compare: helpText },
      ['XINFO', 'BOGUS', 's'],
      ['XINFO', 'GROUPS', 'nokey'],
      ['XINFO', 'STREAM', 's', 'FULL', 'COUNT'],
      ['XINFO', 'STREAM', 's', 'PARTIAL'],
    ],
  },
  {
    name: 'XCLAIM and XAUTOCLAIM: ownership, FORCE, JUSTID, RETRYCOUNT, LASTID, deleted entries',
    steps: [
      ['XADD', 's', '1-0', 'a', '1'],
      ['XADD', 's', '2-0', 'a', '2'],
      ['XADD', 's', '3-0', 'a', '3'],
      ['XADD', 's', '4-0', 'a', '4'],
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-0', '2-0'],
      xpendingRange('s', 'g', '-', '+', '10'),
      ['XCLAIM', 's', 'g', 'bob', '0', '3-0', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'bob', '0', '3-0', 'RETRYCOUNT', '7', 'JUSTID'],
      xpendingRange('s', 'g', '-', '+', '10'),
      ['XCLAIM', 's', 'g', 'bob', '3600000', '4-0'],
      ['XCLAIM', 's', 'g', 'bob', '0', '4-0', 'IDLE', '5000', 'TIME', '1', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'bob', 'x', '4-0'],
      ['XCLAIM', 's', 'g', 'bob', '0', '4-0', 'IDLE', 'x'],
      ['XCLAIM', 's', 'g', 'bob', '0', '4-0', 'RETRYCOUNT', 'x'],
      ['XCLAIM', 's', 'g', 'bob', '0', '4-0', 'BOGUS'],
      ['XCLAIM', 's', 'g', 'bob', '0', '4-0', 'LASTID', 'bad'],
      ['XCLAIM', 's', 'nog', 'bob', '0', '4-0'],
      ['XCLAIM', 'nokey', 'g', 'bob', '0', '4-0'],
      ['XADD', 's', '5-0', 'a', '5'],
      ['XCLAIM', 's', 'g', 'alice', '0', '5-0', 'FORCE', 'LASTID', '9-0'],
      ['XINFO', 'GROUPS', 's'],
      ['XDEL', 's', '2-0', '4-0'],
      ['XCLAIM', 's', 'g', 'alice', '0', '2-0', '1-0'],
      ['XPENDING', 's', 'g'],
      ['XAUTOCLAIM', 's', 'g', 'alice', '0', '0', 'COUNT', '1'],
      ['XAUTOCLAIM', 's', 'g', 'alice', '0', '0'],
      ['XAUTOCLAIM', 's', 'g', 'alice', '0', '(1-0', 'JUSTID'],
      ['XAUTOCLAIM', 's', 'g', 'alice', '3600000', '0'],
      ['XAUTOCLAIM', 's', 'g', 'alice', '0', '0', 'COUNT', '0'],
      ['XAUTOCLAIM', 's', 'g', 'alice', '0', '0', 'COUNT', 'x'],
      ['XAUTOCLAIM', 's', 'g', 'alice', '0', '0', 'BOGUS'],
      ['XAUTOCLAIM', 's', 'g', 'alice', 'x', '0'],
      ['XAUTOCLAIM', 's', 'nog', 'alice', '0', '0'],
      ['XPENDING', 's', 'g'],
      xpendingRange('s', 'g', '-', '+', '10'),
    ],
  },
  {
    name: 'XREADGROUP BLOCK: served by XADD; history reads do not block',
    conns: { r1: {}, r2: {} },
    steps: [
      ['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '10', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', '>'],
      ...blocks('r1', 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>'),
      ...blocks('r2', 'XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 's', '>'),
      ['XADD', 's', '1-0', 'a', '1'],
      served('r1'),
      ['XADD', 's', '2-0', 'a', '2'],
      served('r2'),
      ['XPENDING', 's', 'g'],
    ],
  },
  {
    name: 'streams among the other types: TYPE, OBJECT ENCODING, COPY, RENAME, wrong types',
    steps: [
      ['XADD', 's', '1-0', 'a', '1'],
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>'],
      ['TYPE', 's'],
      ['OBJECT', 'ENCODING', 's'],
      ['COPY', 's', 't'],
      ['XADD', 't', '2-0', 'b', '2'],
      ['XLEN', 's'],
      ['XRANGE', 't', '-', '+'],
      ['XPENDING', 't', 'g'],
      ['XACK', 't', 'g', '1-0'],
      ['XPENDING', 's', 'g'],
      ['RENAME', 't', 'u'],
      ['XINFO', 'STREAM', 'u'],
      scan('SCAN', '0', 'TYPE', 'stream'),
      ['LPUSH', 'l', 'x'],
      ['XADD', 'l', '1-0', 'a', 'b'],
      ['XGROUP', 'CREATE', 'l', 'g', '0'],
      ['XINFO', 'STREAM', 'l'],
      ['XTRIM', 'l', 'MAXLEN', '0'],
      ['XTRIM', 's', 'BOGUS', '0'],
      ['XTRIM', 's'],
      ['XTRIM', 's', 'MAXLEN', '0', 'LIMIT', '5'],
      ['XTRIM', 's', 'MAXLEN', '0'],
      ['EXISTS', 's'],
      ['XINFO', 'STREAM', 's'],
      ['GET', 's'],
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Random sequences
// ---------------------------------------------------------------------------------------------

const STREAM_KEYS = ['s1', 's2', 's3'];
const GROUPS = ['g1', 'g2'];
const READERS = ['alice', 'bob'];
const CLAIMERS = ['erin'];
const MANAGED = ['carol', 'dave', 'alice'];

function streamKey(g: Gen): string {
  return g.rng.pick(STREAM_KEYS);
}

/** IDs drawn to collide: small ms and seq, partial, exclusive, extremes. */
function id(g: Gen): string {
  const r = g.rng.int(20);
  if (r < 12) return `${g.rng.range(1, 40)}-${g.rng.int(4)}`;
  if (r < 15) return String(g.rng.range(1, 40));
  if (r < 16) return g.rng.pick(['0-0', '0', '18446744073709551615-18446744073709551615', '0-1']);
  if (r < 18) return `(${g.rng.range(1, 40)}-${g.rng.int(4)}`;
  return g.rng.pick(['-', '+', 'x', '1-x', '']);
}

function addId(g: Gen): string {
  const r = g.rng.int(10);
  if (r < 7) return `${g.rng.range(1, 60)}-${g.rng.int(5)}`;
  if (r < 9) return `${g.rng.range(1, 60)}-*`;
  return g.rng.pick(['0-0', '0-*', '18446744073709551615-*', '5']);
}

function fields(g: Gen): string[] {
  const out: string[] = [];
  const n = g.rng.range(1, 3);
  const shared = g.rng.chance(0.6);
  for (let i = 0; i < n; i++) out.push(shared ? `f${i}` : g.rng.pick(['f0', 'f1', 'name', '123', '-5']), String(g.value()).slice(0, 60));
  return out;
}

function trimSpec(g: Gen): string[] {
  const r = g.rng.int(8);
  if (r < 4) return [];
  const exact = g.rng.pick(['~', '=', '']);
  const head = r < 6 ? ['MAXLEN', ...(exact ? [exact] : []), String(g.rng.int(12))] : ['MINID', ...(exact ? [exact] : []), `${g.rng.range(1, 40)}`];
  if (exact === '~' && g.rng.chance(0.3)) head.push('LIMIT', String(g.rng.int(8)));
  return head;
}

const STREAM_TEMPLATES: readonly CommandTemplate[] = [
  { command: 'XADD', weight: 30, build: (g) => ['XADD', streamKey(g), ...(g.rng.chance(0.1) ? ['NOMKSTREAM'] : []), ...trimSpec(g), addId(g), ...fields(g)] },
  { command: 'XLEN', weight: 3, build: (g) => ['XLEN', streamKey(g)] },
  {
    command: 'XRANGE',
    weight: 6,
    build: (g) => ['XRANGE', streamKey(g), id(g), id(g), ...(g.rng.chance(0.4) ? ['COUNT', String(g.rng.range(-1, 5))] : [])],
  },
  {
    command: 'XREVRANGE',
    weight: 4,
    build: (g) => ['XREVRANGE', streamKey(g), id(g), id(g), ...(g.rng.chance(0.4) ? ['COUNT', String(g.rng.range(-1, 5))] : [])],
  },
  { command: 'XDEL', weight: 5, build: (g) => ['XDEL', streamKey(g), id(g), ...(g.rng.chance(0.4) ? [id(g)] : [])] },
  { command: 'XTRIM', weight: 4, build: (g) => ['XTRIM', streamKey(g), ...(g.rng.chance(0.9) ? trimSpec(g) : [])] },
  {
    command: 'XREAD',
    weight: 5,
    compare: unbalancedBridged,
    build: (g) => {
      const keys = g.rng.chance(0.7) ? [streamKey(g)] : [streamKey(g), streamKey(g)];
      return ['XREAD', ...(g.rng.chance(0.5) ? ['COUNT', String(g.rng.range(0, 4))] : []), 'STREAMS', ...keys, ...keys.map(() => (g.rng.chance(0.2) ? '$' : id(g)))];
    },
  },
  {
    command: 'XGROUP',
    weight: 6,
    build: (g) => {
      const key = streamKey(g);
      const group = g.rng.pick(GROUPS);
      switch (g.rng.int(5)) {
        case 0:
          return ['XGROUP', 'CREATE', key, group, g.rng.chance(0.3) ? '$' : id(g), ...(g.rng.chance(0.4) ? ['MKSTREAM'] : []), ...(g.rng.chance(0.2) ? ['ENTRIESREAD', String(g.rng.range(-1, 5))] : [])];
        case 1:
          return ['XGROUP', 'SETID', key, group, g.rng.chance(0.3) ? '$' : id(g), ...(g.rng.chance(0.2) ? ['ENTRIESREAD', String(g.rng.range(-1, 5))] : [])];
        case 2:
          return ['XGROUP', 'DESTROY', key, group];
        case 3:
          return ['XGROUP', 'CREATECONSUMER', key, group, g.rng.pick(MANAGED.slice(0, 2))];
        default:
          return ['XGROUP', 'DELCONSUMER', key, group, g.rng.pick(MANAGED)];
      }
    },
  },
  {
    command: 'XREADGROUP',
    weight: 8,
    compare: unbalancedBridged,
    build: (g) => [
      'XREADGROUP',
      'GROUP',
      g.rng.pick(GROUPS),
      g.rng.pick(READERS),
      ...(g.rng.chance(0.5) ? ['COUNT', String(g.rng.range(0, 3))] : []),
      ...(g.rng.chance(0.15) ? ['NOACK'] : []),
      'STREAMS',
      streamKey(g),
      g.rng.chance(0.7) ? '>' : id(g),
    ],
  },
  { command: 'XACK', weight: 4, build: (g) => ['XACK', streamKey(g), g.rng.pick(GROUPS), id(g), ...(g.rng.chance(0.4) ? [id(g)] : [])] },
  { command: 'XPENDING', weight: 3, build: (g) => ['XPENDING', streamKey(g), g.rng.pick(GROUPS)] },
  {
    command: 'XPENDING',
    weight: 3,
    compare: idleBlanked,
    build: (g) => ['XPENDING', streamKey(g), g.rng.pick(GROUPS), id(g), id(g), String(g.rng.range(-1, 5)), ...(g.rng.chance(0.3) ? [g.rng.pick(READERS)] : [])],
  },
  {
    command: 'XCLAIM',
    weight: 3,
    build: (g) => ['XCLAIM', streamKey(g), g.rng.pick(GROUPS), g.rng.pick(CLAIMERS), '0', id(g), ...(g.rng.chance(0.3) ? [id(g)] : []), 'JUSTID', ...(g.rng.chance(0.2) ? ['FORCE'] : [])],
  },
  {
    command: 'XAUTOCLAIM',
    weight: 2,
    build: (g) => ['XAUTOCLAIM', streamKey(g), g.rng.pick(GROUPS), g.rng.pick(CLAIMERS), '0', g.rng.chance(0.5) ? '0' : id(g), 'COUNT', String(g.rng.range(1, 4)), 'JUSTID'],
  },
  { command: 'XINFO', weight: 3, build: (g) => ['XINFO', 'STREAM', streamKey(g)] },
  { command: 'XINFO', weight: 2, compare: consumersBlanked, build: (g) => ['XINFO', 'GROUPS', streamKey(g)] },
  {
    command: 'XSETID',
    weight: 2,
    build: (g) => ['XSETID', streamKey(g), `${g.rng.range(41, 80)}-${g.rng.int(3)}`, ...(g.rng.chance(0.3) ? ['ENTRIESADDED', String(g.rng.range(0, 40))] : [])],
  },
];

describe('streams against real Redis', () => {
  const bed = useBed();
  defineScenarios(bed, scenarios);
  defineScenarios(bed, randomScenarios('random streams', STREAM_TEMPLATES, { runs: 6, steps: 250 }));
  defineScenarios(bed, randomScenarios('random streams and keys', [...STREAM_TEMPLATES, ...KEY_TEMPLATES.filter((t) => t.command !== 'RANDOMKEY')], { runs: 2, steps: 200 }));

  it('the random templates reach every stream command', () => {
    const required = ['XADD', 'XLEN', 'XRANGE', 'XREVRANGE', 'XDEL', 'XTRIM', 'XREAD', 'XGROUP', 'XREADGROUP', 'XACK', 'XPENDING', 'XCLAIM', 'XAUTOCLAIM', 'XINFO', 'XSETID'];
    assert.deepEqual(uncovered(STREAM_TEMPLATES, required), []);
  });
});
