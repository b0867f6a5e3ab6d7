import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ReplyDecoder, type ReplyNode } from '../../src/client/decoder.js';
import {
  buildHelpEntries,
  completionsFor,
  formatHelp,
  formatInvalidateTTY,
  formatReplyRaw,
  formatReplyTTY,
  hintFor,
  isSensitiveCommand,
  parseCommandLine,
  quoteRepr,
  splitCliArgs,
} from '../../src/cli/cli.js';

function node(wire: string): ReplyNode {
  const d = new ReplyDecoder();
  d.push(Buffer.from(wire, 'latin1'));
  const n = d.nextNode();
  assert.ok(n !== undefined, 'a complete frame');
  return n;
}

function bulk(s: string): string {
  return `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;
}

test('quoteRepr escapes as sdscatrepr does', () => {
  assert.equal(quoteRepr('plain'), '"plain"');
  assert.equal(quoteRepr('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(quoteRepr('\n\r\t\x07\x08'), '"\\n\\r\\t\\a\\b"');
  assert.equal(quoteRepr('\x00\x01\x7f\xff\xc3\xa9'), '"\\x00\\x01\\x7f\\xff\\xc3\\xa9"');
  assert.equal(quoteRepr(''), '""');
});

test('scalars print as redis-cli prints them on a terminal', () => {
  assert.equal(formatReplyTTY(node('+OK\r\n')), 'OK\n');
  assert.equal(formatReplyTTY(node('-ERR bad\r\n')), '(error) ERR bad\n');
  assert.equal(formatReplyTTY(node(':-5\r\n')), '(integer) -5\n');
  assert.equal(formatReplyTTY(node(bulk('a\nb'))), '"a\\nb"\n');
  assert.equal(formatReplyTTY(node('$-1\r\n')), '(nil)\n');
  assert.equal(formatReplyTTY(node('_\r\n')), '(nil)\n');
  assert.equal(formatReplyTTY(node(',3.140\r\n')), '(double) 3.140\n');
  assert.equal(formatReplyTTY(node('#t\r\n')), '(true)\n');
  assert.equal(formatReplyTTY(node('#f\r\n')), '(false)\n');
  assert.equal(formatReplyTTY(node('(12345678901234567890\r\n')), '(big number) 12345678901234567890\n');
  assert.equal(formatReplyTTY(node('=9\r\ntxt:a\nb"c\r\n')), 'a\nb"c\n');
});

test('empty aggregates name their type', () => {
  assert.equal(formatReplyTTY(node('*0\r\n')), '(empty array)\n');
  assert.equal(formatReplyTTY(node('%0\r\n')), '(empty hash)\n');
  assert.equal(formatReplyTTY(node('~0\r\n')), '(empty set)\n');
  assert.equal(formatReplyTTY(node('>0\r\n')), '(empty push)\n');
  assert.equal(formatReplyTTY(node('*-1\r\n')), '(nil)\n');
});

test('nested arrays are numbered and indented past the parent index', () => {
  const wire = '*3\r\n:1\r\n*2\r\n' + bulk('a') + '*2\r\n:2\r\n:3\r\n' + bulk('z');
  assert.equal(
    formatReplyTTY(node(wire)),
    ['1) (integer) 1', '2) 1) "a"', '   2) 1) (integer) 2', '      2) (integer) 3', '3) "z"', ''].join('\n'),
  );
});

test('index numbers are right-aligned to the widest index', () => {
  const items = Array.from({ length: 11 }, (_, i) => `:${i}\r\n`).join('');
  const wire = `*2\r\n*11\r\n${items}:0\r\n`;
  const lines = formatReplyTTY(node(wire)).split('\n');
  assert.equal(lines[0], '1)  1) (integer) 0');
  assert.equal(lines[1], '    2) (integer) 1');
  assert.equal(lines[10], '   11) (integer) 10');
  assert.equal(lines[11], '2) (integer) 0');
});

test('maps print key => value, with multi-line values on the next line', () => {
  const wire = '%3\r\n+a\r\n:1\r\n+b\r\n*2\r\n:1\r\n:2\r\n+c\r\n*1\r\n:9\r\n';
  assert.equal(
    formatReplyTTY(node(wire)),
    ['1# a => (integer) 1', '2# b => ', '   1) (integer) 1', '   2) (integer) 2', '3# c => 1) (integer) 9', ''].join('\n'),
  );
  assert.equal(formatReplyTTY(node('~2\r\n:1\r\n:2\r\n')), '1~ (integer) 1\n2~ (integer) 2\n');
});

test('raw output prints values as they are', () => {
  assert.equal(formatReplyRaw(node('+OK\r\n')), 'OK');
  assert.equal(formatReplyRaw(node('-ERR x\r\n')), 'ERR x\n');
  assert.equal(formatReplyRaw(node('$-1\r\n')), '');
  assert.equal(formatReplyRaw(node('#t\r\n')), '(true)');
  assert.equal(formatReplyRaw(node(',1.5\r\n')), '1.5');
  assert.equal(formatReplyRaw(node('*3\r\n:1\r\n*2\r\n+a\r\n+b\r\n$-1\r\n')), '1\na\nb\n');
  assert.equal(formatReplyRaw(node('%2\r\n+k\r\n+v\r\n+k2\r\n:2\r\n')), 'k v\nk2 2');
  assert.equal(formatReplyRaw(node('*2\r\n:1\r\n:2\r\n'), ','), '1,2');
});

test('invalidation pushes get their own line on a terminal', () => {
  const push = node('>2\r\n' + bulk('invalidate') + '*2\r\n' + bulk('a') + bulk('b'));
  assert.equal(formatInvalidateTTY(push), "-> invalidate: 'a', 'b'\n");
});

test('splitCliArgs follows redis-cli quoting', () => {
  const split = (s: string): string[] | null => splitCliArgs(s)?.map((b) => b.toString('latin1')) ?? null;
  assert.deepEqual(split('set  k "a b"'), ['set', 'k', 'a b']);
  assert.deepEqual(split('set k "\\x41\\n\\t"'), ['set', 'k', 'A\n\t']);
  assert.deepEqual(split("set k 'it\\'s'"), ['set', 'k', "it's"]);
  assert.deepEqual(split('get "é"'), ['get', '\xc3\xa9']);
  assert.deepEqual(split('  '), []);
  assert.equal(split('set k "unbalanced'), null);
  assert.equal(split('set k "a"b'), null);
});

/** A small COMMAND DOCS reply in the RESP2 shape (flat key/value arrays). */
function docs(): ReplyNode {
  const arg = (fields: Record<string, string | string[] | string>, children = ''): string => {
    let parts = '';
    let n = 0;
    for (const [k, v] of Object.entries(fields)) {
      n++;
      parts += bulk(k);
      parts += Array.isArray(v) ? `*${v.length}\r\n` + v.map((f) => `+${f}\r\n`).join('') : bulk(v);
    }
    if (children !== '') {
      n++;
      parts += bulk('arguments') + children;
    }
    return `*${n * 2}\r\n${parts}`;
  };
  const setArgs =
    '*4\r\n' +
    arg({ name: 'key', type: 'key' }) +
    arg({ name: 'value', type: 'string' }) +
    arg({ name: 'condition', type: 'oneof', flags: ['optional'] }, '*2\r\n' + arg({ name: 'nx', type: 'pure-token', token: 'NX' }) + arg({ name: 'xx', type: 'pure-token', token: 'XX' })) +
    arg({ name: 'seconds', type: 'integer', token: 'EX', flags: ['optional'] });
  const getArgs = '*1\r\n' + arg({ name: 'parameter', type: 'string', flags: ['multiple'] });
  const wire =
    '*4\r\n' +
    bulk('set') +
    `*8\r\n${bulk('summary')}${bulk('Set the string value of a key')}${bulk('since')}${bulk('1.0.0')}${bulk('group')}${bulk('string')}${bulk('arguments')}${setArgs}` +
    bulk('config') +
    `*8\r\n${bulk('summary')}${bulk('A container')}${bulk('since')}${bulk('2.0.0')}${bulk('group')}${bulk('server')}${bulk('subcommands')}` +
    `*2\r\n${bulk('config|get')}*8\r\n${bulk('summary')}${bulk('Get config')}${bulk('since')}${bulk('2.0.0')}${bulk('group')}${bulk('server')}${bulk('arguments')}${getArgs}`;
  return node(wire);
}

test('help entries are built from COMMAND DOCS argument trees', () => {
  const entries = buildHelpEntries(docs());
  assert.deepEqual(
    entries.map((e) => [e.full, e.params]),
    [
      ['@server', ''],
      ['@string', ''],
      ['CONFIG', ''],
      ['CONFIG GET', 'parameter [parameter ...]'],
      ['SET', 'key value [NX|XX] [EX seconds]'],
    ],
  );
});

test('hints drop the words already typed until an optional part', () => {
  const entries = buildHelpEntries(docs());
  assert.equal(hintFor('set', entries), ' key value [NX|XX] [EX seconds]');
  assert.equal(hintFor('SET ', entries), 'key value [NX|XX] [EX seconds]');
  assert.equal(hintFor('set k', entries), ' value [NX|XX] [EX seconds]');
  assert.equal(hintFor('set k v', entries), ' [NX|XX] [EX seconds]');
  assert.equal(hintFor('set k v nx ex 10', entries), ' [NX|XX] [EX seconds]');
  assert.equal(hintFor('config get ', entries), 'parameter [parameter ...]');
  assert.equal(hintFor('config', entries), ' ');
  assert.equal(hintFor('nosuch', entries), null);
  assert.equal(hintFor('set "open', entries), null);
  assert.equal(hintFor('', entries), null);
});

test('completion offers whole lines, groups only after help', () => {
  const entries = buildHelpEntries(docs());
  assert.deepEqual(completionsFor('co', entries), ['CONFIG', 'CONFIG GET']);
  assert.deepEqual(completionsFor('help @s', entries), ['help @server', 'help @string']);
  assert.deepEqual(completionsFor('@', entries), []);
});

test('help shows the matching commands, or a group, in redis-cli layout', () => {
  const entries = buildHelpEntries(docs());
  assert.equal(
    formatHelp(['set'], entries),
    '\r\n  \x1b[1mSET\x1b[0m \x1b[90mkey value [NX|XX] [EX seconds]\x1b[0m\r\n' +
      '  \x1b[33msummary:\x1b[0m Set the string value of a key\r\n' +
      '  \x1b[33msince:\x1b[0m 1.0.0\r\n' +
      '  \x1b[33mgroup:\x1b[0m string\r\n\r\n',
  );
  assert.match(formatHelp(['config'], entries), /CONFIG\x1b.*CONFIG GET/s);
  assert.doesNotMatch(formatHelp(['@server'], entries), /group:/);
  assert.equal(formatHelp(['nosuch'], entries), '\r\n');
  assert.match(formatHelp([], entries), /^cachica-cli \S+\nTo get help about Redis commands type:/);
});

test('sensitive commands are kept out of the history', () => {
  assert.ok(isSensitiveCommand(['AUTH', 'pw']));
  assert.ok(isSensitiveCommand(['acl', 'setuser', 'bob', '>pw']));
  assert.ok(isSensitiveCommand(['config', 'set', 'requirepass', 'x']));
  assert.ok(isSensitiveCommand(['hello', '3', 'AUTH', 'u', 'p']));
  assert.ok(isSensitiveCommand(['hello', '3', 'SETNAME', 'n', 'AUTH', 'u', 'p']));
  assert.ok(!isSensitiveCommand(['hello', '3', 'SETNAME', 'n']));
  assert.ok(isSensitiveCommand(['migrate', 'h', '1', 'k', '0', '10', 'AUTH', 'pw']));
  assert.ok(!isSensitiveCommand(['migrate', 'h', '1', '', '0', '10', 'KEYS', 'a', 'auth']));
  assert.ok(!isSensitiveCommand(['get', 'auth']));
});

test('options are read up to the command, like redis-cli', () => {
  const run = parseCommandLine(['-h', 'example', '-p', '7000', '-n', '2', '-3', '--raw', 'get', '-p'], true);
  assert.equal(run.kind, 'run');
  if (run.kind !== 'run') return;
  assert.equal(run.options.host, 'example');
  assert.equal(run.options.port, 7000);
  assert.equal(run.options.db, 2);
  assert.equal(run.options.resp3, true);
  assert.equal(run.options.output, 'raw');
  assert.deepEqual(run.args, ['get', '-p']);

  assert.equal((parseCommandLine([], false) as { options: { output: string } }).options.output, 'raw');
  assert.equal((parseCommandLine(['--no-raw'], false) as { options: { output: string } }).options.output, 'standard');

  const uri = parseCommandLine(['-u', 'redis://us%65r:p%40ss@host:1234/5'], true);
  assert.ok(uri.kind === 'run');
  if (uri.kind === 'run') {
    assert.deepEqual([uri.options.user, uri.options.password, uri.options.host, uri.options.port, uri.options.db], ['user', 'p@ss', 'host', 1234, 5]);
    assert.match(uri.warnings, /^Warning: Using a password/);
  }

  assert.deepEqual(parseCommandLine(['--nope'], true), {
    kind: 'exit',
    code: 1,
    stdout: '',
    stderr: "Unrecognized option or bad number of args for: '--nope'\n",
  });
  assert.deepEqual(parseCommandLine(['-2', '-3'], true), { kind: 'exit', code: 1, stdout: '', stderr: 'Options -2 and -3 are mutually exclusive.\n' });
  const help = parseCommandLine(['--help'], true);
  assert.ok(help.kind === 'exit' && help.code === 0 && help.stdout.startsWith('cachica-cli '));
  const version = parseCommandLine(['--version'], true);
  assert.ok(version.kind === 'exit' && /^cachica-cli \d+\.\d+\.\d+\n$/.test(version.stdout));
});
