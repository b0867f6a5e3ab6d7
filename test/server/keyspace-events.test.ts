/**
 * notify-keyspace-events: the class letters both ways, as notify.c turns them, and the events
 * the store layer emits itself ("new", "keymiss", "expired") on an in-process engine.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_FAMILIES } from '../../src/commands/index.js';
import { Argv } from '../../src/protocol/argv.js';
import { Config } from '../../src/server/config.js';
import { Engine } from '../../src/server/engine.js';
import { formatNotifyClasses, Notify, parseNotifyClasses } from '../../src/server/keyspace-events.js';

describe('notify-keyspace-events classes', () => {
  it('parses every letter and refuses anything else', () => {
    assert.equal(parseNotifyClasses(''), 0);
    assert.equal(parseNotifyClasses('K'), Notify.Keyspace);
    assert.equal(parseNotifyClasses('E$'), Notify.Keyevent | Notify.String);
    assert.equal(parseNotifyClasses('A'), Notify.All);
    assert.equal(parseNotifyClasses('Ag'), Notify.All);
    for (const bad of ['a', 'KEA ', 'q', 'G', 'KE!']) assert.equal(parseNotifyClasses(bad), null, bad);
  });

  it('prints A when every class of A is on, then K, E and m, as keyspaceEventsFlagsToString', () => {
    assert.equal(formatNotifyClasses(parseNotifyClasses('KEA')!), 'AKE');
    assert.equal(formatNotifyClasses(parseNotifyClasses('g$lshzxetd')!), 'A');
    assert.equal(formatNotifyClasses(parseNotifyClasses('Eg$lshzxetdnm')!), 'AEm');
    assert.equal(formatNotifyClasses(parseNotifyClasses('nEzgK')!), 'gznKE');
    assert.equal(formatNotifyClasses(parseNotifyClasses('mx$')!), '$xm');
    assert.equal(formatNotifyClasses(0), '');
  });
});

describe('events from the store layer', () => {
  function engineWithEvents(classes: string): { engine: Engine; run: (...args: string[]) => void; seen: [string, string][] } {
    const engine = new Engine(new Config(), ALL_FAMILIES);
    const client = engine.createClient();
    const seen: [string, string][] = [];
    engine.events.publisher = (channel, message) => seen.push([channel, message]);
    engine.events.configure(parseNotifyClasses(classes)!);
    const run = (...args: string[]): void => {
      engine.store.tick(Date.now());
      engine.execute(client, Argv.from(args));
      client.reply.pos = 0;
    };
    return { engine, run, seen };
  }

  it('"new" when a key comes into being, on both channels, and nothing for other classes', () => {
    const { run, seen } = engineWithEvents('KEn');
    run('SET', 'k', 'v');
    run('SET', 'k', 'w');
    assert.deepEqual(seen, [
      ['__keyspace@0__:k', 'new'],
      ['__keyevent@0__:new', 'k'],
    ]);
  });

  it('"keymiss" for a read of a missing key, not for writes', () => {
    const { run, seen } = engineWithEvents('Em');
    run('GET', 'missing');
    run('SET', 'other', '1');
    run('GET', 'other');
    assert.deepEqual(seen, [['__keyevent@0__:keymiss', 'missing']]);
  });

  it('"expired" once a key past its deadline is deleted, in its own database', async () => {
    const { run, seen } = engineWithEvents('Kx');
    run('SELECT', '3');
    run('SET', 'k', 'v', 'PX', '1');
    await new Promise((r) => setTimeout(r, 10));
    run('GET', 'k');
    assert.deepEqual(seen, [['__keyspace@3__:k', 'expired']]);
  });
});
