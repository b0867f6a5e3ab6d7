/**
 * COMMAND and its subcommands against real Redis: for every command cachica implements, COMMAND
 * INFO and COMMAND DOCS are Redis's bytes; COMMAND, COUNT and LIST describe exactly the
 * implemented commands (a command Redis has and cachica lacks is unknown here, as Redis treats a
 * name it never heard of); GETKEYS and GETKEYSANDFLAGS find Redis's keys. RESP2 and RESP3. A
 * missing redis-server fails these tests.
 */

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { allCommandMeta } from '../../src/commands/meta/index.js';
import { REDIS_72_ADDITIONS } from '../../src/commands/meta/redis-72-additions.js';
import type { Cachica } from '../../src/embedded/cachica.js';
import { useOraclePair, type Resp } from '../helpers/oracle-pair.js';
import { decodeFrame } from '../helpers/raw-connection.js';

const pair = useOraclePair();
const both = (resp: Resp, args: string[]): Promise<[Buffer, Buffer]> => pair().both(resp, args);
const sameOnBoth = (commands: string[][], normalize?: (reply: string) => string): Promise<void> => pair().sameOnBoth(commands, normalize);
/** The embedded store (RESP3). */
const ours = (): Cachica => pair().db;

/** The bulk strings of an array reply. */
function strings(reply: Buffer): string[] {
  return (decodeFrame(reply).items ?? []).map((f) => (f.data as Buffer).toString('latin1'));
}

/**
 * Commands and subcommands Redis 7.2 or 7.4 added or changed (client|setinfo, HEXPIRE, ...),
 * which the 7.0 oracle cannot describe: meta/redis-72-additions.ts lists them.
 */
const ONLY_IN_72 = new Set(REDIS_72_ADDITIONS.map((m) => m.name));

/** Of those, the names Redis 7.0 does not have at all, which its COMMAND LIST cannot list. */
const KNOWN_TO_70 = new Set(allCommandMeta().flatMap((m) => [m.name, ...m.subcommands.map((sub) => sub.name)]));
const NEW_IN_72 = new Set([...ONLY_IN_72].filter((name) => !KNOWN_TO_70.has(name)));

/** What cachica implements, by full name, as its COMMAND LIST says. */
function implementedNames(): string[] {
  return strings(ours().raw(['COMMAND', 'LIST']));
}

describe('COMMAND INFO and COMMAND DOCS', () => {
  test('every implemented command and subcommand is described byte for byte as Redis does', async () => {
    const names = implementedNames().filter((n) => !ONLY_IN_72.has(n));
    assert.ok(names.includes('get') && names.includes('command|info'), 'the table is there');
    const containers = new Set(allCommandMeta().filter((m) => m.subcommands.length > 0).map((m) => m.name));
    for (const name of names) {
      // A container's element lists its subcommands in Redis's dict order, which is random per
      // process: each subcommand is compared on its own instead (and meta.test.ts checks the rest).
      if (containers.has(name)) continue;
      await sameOnBoth([
        ['COMMAND', 'INFO', name],
        ['COMMAND', 'DOCS', name],
      ]);
    }
  });

  test('names Redis or cachica does not know are null for INFO and left out of DOCS', async () => {
    await sameOnBoth([
      ['COMMAND', 'INFO', 'nosuchcommand'],
      ['COMMAND', 'INFO', 'get', 'nosuch', 'GET', 'client|list', 'get|x', 'CLIENT|ID', 'client|nosuch'],
      ['COMMAND', 'DOCS', 'nosuch'],
      ['COMMAND', 'DOCS', 'nosuch', 'get', 'client|getname', 'x|y'],
    ]);
  });

  test('a command Redis has and cachica does not implement is unknown here', () => {
    const implemented = new Set(implementedNames());
    const missing = allCommandMeta().find((m) => !implemented.has(m.name) && m.subcommands.length === 0);
    if (missing === undefined) return; // everything is implemented
    assert.equal(ours().raw(['COMMAND', 'INFO', missing.name]).toString(), '*1\r\n_\r\n');
    assert.equal(ours().raw(['COMMAND', 'DOCS', missing.name]).toString(), '%0\r\n');
    assert.equal(ours().raw(['COMMAND', 'GETKEYS', missing.name, 'a', 'b', 'c']).toString(), '-ERR Invalid command specified\r\n');
  });

  test('COMMAND and COMMAND INFO without names list every implemented command once', () => {
    for (const args of [['COMMAND'], ['COMMAND', 'INFO']]) {
      const items = decodeFrame(ours().raw(args)).items ?? [];
      const names = items.map((f) => (f.items?.[0].data as Buffer).toString('latin1'));
      const count = Number(/^:(\d+)/.exec(ours().raw(['COMMAND', 'COUNT']).toString())?.[1]);
      assert.equal(names.length, count);
      assert.equal(new Set(names).size, names.length);
      assert.deepEqual(names.sort(), implementedNames().filter((n) => !n.includes('|')).sort());
    }
    const docs = decodeFrame(ours().raw(['COMMAND', 'DOCS'])).items ?? [];
    assert.equal(docs.length / 2, implementedNames().filter((n) => !n.includes('|')).length);
  });
});

describe('COMMAND LIST', () => {
  test('filters select what Redis selects, among the implemented commands', async () => {
    const implemented = new Set(implementedNames());
    const filters = [
      [],
      ['FILTERBY', 'PATTERN', 'get*'],
      ['FILTERBY', 'PATTERN', 'CLIENT|*'],
      ['FILTERBY', 'pattern', '*e?'],
      ['FILTERBY', 'ACLCAT', 'string'],
      ['FILTERBY', 'aclcat', 'CONNECTION'],
      ['FILTERBY', 'ACLCAT', 'nosuchcategory'],
      ['FILTERBY', 'MODULE', 'nosuchmodule'],
    ];
    for (const filter of filters) {
      for (const resp of [2, 3] as const) {
        const [ours, theirs] = await both(resp, ['COMMAND', 'LIST', ...filter]);
        const expected = strings(theirs).filter((n) => implemented.has(n)).sort();
        const mine = strings(ours);
        // The 7.2 and 7.4 additions pass the filters too, though 7.0 cannot list them.
        assert.deepEqual(mine.filter((n) => !NEW_IN_72.has(n)).sort(), expected, `COMMAND LIST ${filter.join(' ')} [RESP${resp}]`);
      }
    }
  });

  test('argument errors are Redis\'s', async () => {
    await sameOnBoth([
      ['COMMAND', 'LIST', 'FILTERBY'],
      ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN'],
      ['COMMAND', 'LIST', 'FILTERBY', 'NOPE', 'x'],
      ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'a', 'extra'],
      ['COMMAND', 'LIST', 'nope'],
    ]);
  });
});

describe('COMMAND GETKEYS, COUNT, HELP', () => {
  test('GETKEYS and GETKEYSANDFLAGS find Redis\'s keys and give Redis\'s errors', async () => {
    const invocations = [
      ['set', 'a', 'b'],
      ['SET', 'a', 'b', 'GET'],
      ['get', 'k'],
      ['mset', 'a', '1', 'b', '2'],
      ['mget', 'a', 'b', 'c'],
      ['del', 'a', 'b'],
      ['ping'],
      ['get'],
      ['nosuchcommand', 'a'],
      ['client', 'list'],
      ['client', 'nosuch'],
      ['config', 'get', 'x'],
    ];
    const implemented = new Set(implementedNames());
    const commands: string[][] = [];
    for (const inv of invocations) {
      if (inv[0] !== 'nosuchcommand' && !implemented.has(inv[0].toLowerCase())) continue;
      commands.push(['COMMAND', 'GETKEYS', ...inv], ['COMMAND', 'GETKEYSANDFLAGS', ...inv]);
    }
    await sameOnBoth([...commands, ['COMMAND', 'GETKEYS'], ['COMMAND', 'GETKEYS', 'set']]);
  });

  test('COUNT is the number of implemented top-level commands', async () => {
    const names = implementedNames().filter((n) => !n.includes('|'));
    assert.equal(ours().raw(['COMMAND', 'COUNT']).toString(), `:${names.length}\r\n`);
    await sameOnBoth([['COMMAND', 'COUNT', 'x'], ['COMMAND', 'NOPE']]);
  });

  test('HELP is Redis\'s', async () => {
    // Redis 7.0 ends help with "Prints this help.", 7.2 (our target) with "Print this help.".
    await sameOnBoth([['COMMAND', 'HELP']], (r) => r.replace('Prints this help.', 'Print this help.'));
  });
});
