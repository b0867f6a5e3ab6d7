/**
 * MONITOR, CLIENT REPLY and CLIENT PAUSE through the embedded API, for what the compat bed
 * cannot compare with the Redis 7.0 oracle: 7.2's "timeout is out of range" for a pause past
 * the end of time, sdscatrepr's quoting of every byte, a postponed command() promise that
 * settles only when the pause ends, and a blocking command whose late reply CLIENT REPLY OFF
 * drops.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Cachica, type Session } from '../../src/embedded/cachica.js';
import { quoted } from '../../src/server/monitor.js';

function raw(s: Session, ...args: string[]): string {
  return s.raw(args).toString('latin1');
}

describe('CLIENT PAUSE', () => {
  it('refuses an end past LLONG_MAX ms, as Redis 7.2 (7.0 accepted it)', () => {
    const db = new Cachica();
    const s = db.session();
    assert.equal(raw(s, 'CLIENT', 'PAUSE', '9223372036854775807'), '-ERR timeout is out of range\r\n');
    assert.equal(raw(s, 'CLIENT', 'PAUSE', '-1'), '-ERR timeout is negative\r\n');
    assert.equal(raw(s, 'CLIENT', 'PAUSE', '1e3'), '-ERR timeout is not an integer or out of range\r\n');
    db.close();
  });

  it('a postponed command() settles when the pause ends; synchronous calls run at once', async () => {
    const db = new Cachica();
    const admin = db.session();
    const writer = db.session();
    assert.equal(raw(admin, 'CLIENT', 'PAUSE', '100000', 'WRITE'), '+OK\r\n');
    let settled = false;
    const write = writer.command('SET', 'k', 'v').then((r) => {
      settled = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(settled, false, 'held while paused');
    assert.equal(raw(admin, 'INFO', 'clients').match(/blocked_clients:\d+/)?.[0], 'blocked_clients:1');
    assert.equal(raw(admin, 'GET', 'k'), '_\r\n');
    // A synchronous call cannot wait: it runs.
    assert.equal(raw(admin, 'SET', 'sync', '1'), '+OK\r\n');
    assert.equal(raw(admin, 'CLIENT', 'UNPAUSE'), '+OK\r\n');
    assert.equal(await write, 'OK');
    assert.equal(raw(admin, 'GET', 'k'), '$1\r\nv\r\n');
    assert.equal(raw(admin, 'INFO', 'clients').match(/blocked_clients:\d+/)?.[0], 'blocked_clients:0');
    db.close();
  });

  it('ends by itself when its time is up', async () => {
    const db = new Cachica();
    const admin = db.session();
    const reader = db.session();
    assert.equal(raw(admin, 'CLIENT', 'PAUSE', '60', 'ALL'), '+OK\r\n');
    const t0 = Date.now();
    assert.equal(await reader.command('PING'), 'PONG');
    assert.ok(Date.now() - t0 >= 50, `answered after ${Date.now() - t0} ms, during the pause`);
    db.close();
  });
});

describe('CLIENT REPLY', () => {
  it('OFF drops the late reply of a blocking command too', async () => {
    const db = new Cachica();
    const waiter = db.session();
    const pusher = db.session();
    assert.equal(raw(waiter, 'CLIENT', 'REPLY', 'OFF'), '');
    const popped = waiter.command('BLPOP', 'q', '0');
    assert.equal(raw(pusher, 'RPUSH', 'q', 'x'), ':1\r\n');
    assert.equal(await popped, null, 'no reply at all');
    assert.equal(raw(pusher, 'LLEN', 'q'), ':0\r\n', 'served all the same');
    assert.equal(raw(waiter, 'CLIENT', 'REPLY', 'ON'), '+OK\r\n');
    db.close();
  });
});

describe('MONITOR', () => {
  it('quotes arguments as sdscatrepr does', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const text = quoted(all, 0, all.length);
    assert.ok(text.startsWith('"\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\a\\b\\t\\n\\x0b\\x0c\\r\\x0e'));
    assert.ok(text.includes(' !\\"#$%&'));
    assert.ok(text.includes('[\\\\]^_`abc'));
    assert.ok(text.endsWith('|}~\\x7f\\x80\\x81' + Array.from({ length: 126 }, (_, i) => `\\x${(i + 0x82).toString(16)}`).join('') + '"'));
    assert.equal(quoted(Buffer.alloc(0), 0, 0), '""');
  });

  it('refuses a synchronous embedded call, which expects one reply per command', () => {
    const db = new Cachica();
    assert.equal(raw(db.session(), 'MONITOR'), "-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n");
    db.close();
  });
});
