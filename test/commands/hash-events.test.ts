/**
 * The keyspace events of hash field expiry (Redis 7.4's HEXPIRE family, which the 7.0 oracle of
 * the differential tests lacks): "hexpire" when deadlines are set, "hdel" (and "del") when a
 * deadline already past deletes fields, "hpersist", and "hexpired" when fields expire, lazily
 * on access or in the active cycle; nothing when a call changes nothing.
 */

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Cachica } from '../../src/embedded/cachica.js';
import { parseNotifyClasses } from '../../src/server/keyspace-events.js';

/** A fresh instance with every class on; returns it and the messages published, as "event key". */
function harness(t: TestContext): { db: Cachica; events: string[] } {
  const db = new Cachica();
  t.after(() => db.close());
  const events: string[] = [];
  const keyspaceEvents = db.internals.events;
  keyspaceEvents.publisher = (channel, message) => {
    // The keyspace channel carries the event; its keyevent twin is checked once below.
    if (channel.startsWith('__keyspace@0__:')) events.push(`${message} ${channel.slice('__keyspace@0__:'.length)}`);
  };
  keyspaceEvents.configure(parseNotifyClasses('KEA')!);
  return { db, events };
}

test('HEXPIRE: one hexpire per call that sets a deadline, none when nothing changes', (t) => {
  const { db, events } = harness(t);
  db.commandSync('HSET', 'h', 'a', '1', 'b', '2');
  events.length = 0;
  assert.deepEqual(db.commandSync('HEXPIRE', 'h', '100', 'FIELDS', '2', 'a', 'zz'), [1, -2]);
  assert.deepEqual(db.commandSync('HEXPIRE', 'h', '100', 'NX', 'FIELDS', '1', 'a'), [0]);
  assert.deepEqual(db.commandSync('HPEXPIRE', 'nothing', '100', 'FIELDS', '1', 'a'), [-2]);
  assert.deepEqual(events, ['hexpire h']);
});

test('a deadline already past deletes the fields: hdel, then del with the last one', (t) => {
  const { db, events } = harness(t);
  db.commandSync('HSET', 'h', 'a', '1', 'b', '2');
  events.length = 0;
  assert.deepEqual(db.commandSync('HPEXPIREAT', 'h', '1', 'FIELDS', '1', 'a'), [2]);
  assert.deepEqual(db.commandSync('HPEXPIREAT', 'h', '1', 'FIELDS', '1', 'b'), [2]);
  assert.equal(db.commandSync('EXISTS', 'h'), 0);
  assert.deepEqual(events, ['hdel h', 'hdel h', 'del h']);
});

test('HPERSIST: hpersist once when some deadline went, nothing otherwise', (t) => {
  const { db, events } = harness(t);
  db.commandSync('HSET', 'h', 'a', '1', 'b', '2');
  db.commandSync('HEXPIRE', 'h', '100', 'FIELDS', '1', 'a');
  events.length = 0;
  assert.deepEqual(db.commandSync('HPERSIST', 'h', 'FIELDS', '2', 'a', 'b'), [1, -1]);
  assert.deepEqual(db.commandSync('HPERSIST', 'h', 'FIELDS', '1', 'a'), [-1]);
  assert.deepEqual(events, ['hpersist h']);
});

test('a field that expires is announced as hexpired when a read meets it, and del goes with the last', async (t) => {
  const { db, events } = harness(t);
  db.commandSync('HSET', 'h', 'a', '1', 'b', '2');
  db.commandSync('HPEXPIRE', 'h', '1', 'FIELDS', '1', 'a');
  events.length = 0;
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(db.commandSync('HGET', 'h', 'a'), null);
  assert.deepEqual(events, ['hexpired h']);
  db.commandSync('HPEXPIRE', 'h', '1', 'FIELDS', '1', 'b');
  events.length = 0;
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(db.commandSync('HGET', 'h', 'b'), null);
  assert.deepEqual(events, ['hexpired h', 'del h']);
});

test('HSET, HSETNX, HINCRBY, HINCRBYFLOAT and HDEL, with both channel families', (t) => {
  const db = new Cachica();
  t.after(() => db.close());
  const messages: string[] = [];
  db.internals.events.publisher = (channel, message) => messages.push(`${channel} ${message}`);
  db.internals.events.configure(parseNotifyClasses('KEh')!);
  db.commandSync('HSET', 'h', 'a', '1');
  db.commandSync('HSETNX', 'h', 'a', '2');
  db.commandSync('HINCRBY', 'h', 'a', '1');
  db.commandSync('HINCRBYFLOAT', 'h', 'a', '0.5');
  db.commandSync('HDEL', 'h', 'zz');
  db.commandSync('HDEL', 'h', 'a');
  assert.deepEqual(messages, [
    '__keyspace@0__:h hset',
    '__keyevent@0__:hset h',
    '__keyspace@0__:h hincrby',
    '__keyevent@0__:hincrby h',
    '__keyspace@0__:h hincrbyfloat',
    '__keyevent@0__:hincrbyfloat h',
    '__keyspace@0__:h hdel',
    '__keyevent@0__:hdel h',
  ]);
});
