import { test } from 'node:test';
import assert from 'node:assert/strict';

import { PushFrame, ReplyDecoder, ReplyError, type ReplyNode } from '../../src/client/decoder.js';

/** One frame of every reply type, with the value next() must give for it. */
const FRAMES: [wire: string, value: unknown][] = [
  ['+OK\r\n', 'OK'],
  ['-ERR syntax error\r\n', new ReplyError('ERR syntax error')],
  [':42\r\n', 42],
  [':-7\r\n', -7],
  [':9223372036854775807\r\n', 9223372036854775807n],
  ['$5\r\nhello\r\n', 'hello'],
  ['$0\r\n\r\n', ''],
  ['$-1\r\n', null],
  ['*-1\r\n', null],
  ['_\r\n', null],
  ['*0\r\n', []],
  ['*3\r\n:1\r\n$1\r\na\r\n*1\r\n+x\r\n', [1, 'a', ['x']]],
  ['%2\r\n+a\r\n:1\r\n:2\r\n$1\r\nb\r\n', Object.assign(Object.create(null), { a: 1, 2: 'b' })],
  ['~2\r\n+a\r\n+b\r\n', ['a', 'b']],
  [',1.5\r\n', 1.5],
  [',inf\r\n', Infinity],
  [',-inf\r\n', -Infinity],
  ['#t\r\n', true],
  ['#f\r\n', false],
  ['(3492890328409238509324850943850943825024385\r\n', 3492890328409238509324850943850943825024385n],
  ['=15\r\ntxt:Some string\r\n', 'Some string'],
  ['!21\r\nSYNTAX invalid syntax\r\n', new ReplyError('SYNTAX invalid syntax')],
  ['>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n', new PushFrame(['message', 'ch', 'hi'])],
  ['|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n$6\r\nbehind\r\n', 'behind'],
  ['*2\r\n|1\r\n+ttl\r\n:3600\r\n:1\r\n:2\r\n', [1, 2]],
];

const WIRE = Buffer.from(FRAMES.map(([w]) => w).join(''), 'latin1');
const VALUES = FRAMES.map(([, v]) => v);

function drain<T>(decoder: ReplyDecoder, read: (d: ReplyDecoder) => T | undefined): T[] {
  const out: T[] = [];
  for (let v = read(decoder); v !== undefined; v = read(decoder)) out.push(v);
  return out;
}

function assertSameValues(actual: unknown[], expected: unknown[]): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (e instanceof ReplyError) {
      assert.ok(a instanceof ReplyError, `frame ${i} is a ReplyError`);
      assert.equal(a.message, e.message);
      assert.equal(a.code, e.code);
    } else if (e instanceof PushFrame) {
      assert.ok(a instanceof PushFrame, `frame ${i} is a PushFrame`);
      assert.deepEqual(a.data, e.data);
    } else {
      assert.deepEqual(a, e, `frame ${i}`);
    }
  }
}

test('every reply type decodes to its JavaScript value', () => {
  const d = new ReplyDecoder();
  d.push(WIRE);
  assertSameValues(drain(d, (x) => x.next()), VALUES);
});

test('a reply cut at every byte decodes the same, for values, nodes and raw bytes', () => {
  const whole = new ReplyDecoder();
  whole.push(WIRE);
  const nodes = drain(whole, (x) => x.nextNode());
  const raws = FRAMES.map(([w]) => Buffer.from(w, 'latin1'));
  for (let cut = 0; cut <= WIRE.length; cut++) {
    const d = new ReplyDecoder();
    const n = new ReplyDecoder();
    const r = new ReplyDecoder();
    const values: unknown[] = [];
    const gotNodes: ReplyNode[] = [];
    const gotRaws: Buffer[] = [];
    for (const part of [WIRE.subarray(0, cut), WIRE.subarray(cut)]) {
      d.push(part);
      n.push(part);
      r.push(part);
      values.push(...drain(d, (x) => x.next()));
      gotNodes.push(...drain(n, (x) => x.nextNode()));
      gotRaws.push(...drain(r, (x) => x.nextRaw()));
    }
    assertSameValues(values, VALUES);
    assert.deepEqual(gotNodes, nodes, `nodes, cut at ${cut}`);
    assert.deepEqual(gotRaws, raws, `raw, cut at ${cut}`);
  }
});

test('replies fed one byte at a time come out whole and in order', () => {
  const d = new ReplyDecoder();
  const r = new ReplyDecoder();
  const values: unknown[] = [];
  const raws: Buffer[] = [];
  for (let i = 0; i < WIRE.length; i++) {
    d.push(WIRE.subarray(i, i + 1));
    r.push(WIRE.subarray(i, i + 1));
    values.push(...drain(d, (x) => x.next()));
    raws.push(...drain(r, (x) => x.nextRaw()));
  }
  assertSameValues(values, VALUES);
  assert.deepEqual(Buffer.concat(raws), WIRE);
});

test('several chunks pushed before reading are read in order', () => {
  const d = new ReplyDecoder();
  for (let i = 0; i < WIRE.length; i += 7) d.push(WIRE.subarray(i, i + 7));
  assertSameValues(drain(d, (x) => x.next()), VALUES);
});

test('nextNode keeps the RESP type of every reply', () => {
  const d = new ReplyDecoder();
  d.push(
    Buffer.from(
      '+OK\r\n-ERR x\r\n:5\r\n$2\r\nab\r\n$-1\r\n_\r\n,3.140\r\n#t\r\n(12\r\n=8\r\nmkd:# hi\r\n' +
        '~1\r\n+m\r\n%1\r\n+k\r\n+v\r\n>1\r\n+p\r\n*1\r\n+e\r\n!3\r\nBAD\r\n',
    ),
  );
  const nodes = drain(d, (x) => x.nextNode());
  assert.deepEqual(
    nodes.map((n) => [n.type, n.str]),
    [
      ['status', 'OK'],
      ['error', 'ERR x'],
      ['integer', '5'],
      ['string', 'ab'],
      ['nil', ''],
      ['nil', ''],
      ['double', '3.140'],
      ['bool', 't'],
      ['bignum', '12'],
      ['verbatim', '# hi'],
      ['set', ''],
      ['map', ''],
      ['push', ''],
      ['array', ''],
      ['error', 'BAD'],
    ],
  );
  assert.equal(nodes[9].format, 'mkd');
  assert.deepEqual(
    nodes[11].elements.map((e) => e.str),
    ['k', 'v'],
  );
});

test('nextNode keeps bulk bytes as latin1, binary safe', () => {
  const d = new ReplyDecoder();
  d.push(Buffer.concat([Buffer.from('$4\r\n'), Buffer.from([0, 0xff, 0xc3, 0xa9]), Buffer.from('\r\n')]));
  const node = d.nextNode();
  assert.equal(node?.str, '\x00\xff\xc3\xa9');
});

test('bulkAs buffer returns bulk and verbatim strings as Buffers', () => {
  const d = new ReplyDecoder({ bulkAs: 'buffer' });
  d.push(Buffer.from('$3\r\n\x00\xff\x01\r\n=7\r\ntxt:abc\r\n+status\r\n', 'latin1'));
  assert.deepEqual(d.next(), Buffer.from([0, 0xff, 1]));
  assert.deepEqual(d.next(), Buffer.from('abc'));
  assert.equal(d.next(), 'status');
});

test('bulk strings are decoded as UTF-8 by default', () => {
  const d = new ReplyDecoder();
  const text = 'héllo wörld ✓';
  const bytes = Buffer.from(text);
  d.push(Buffer.concat([Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n')]));
  assert.equal(d.next(), text);
});

test('integers are numbers while safe and bigints beyond', () => {
  const d = new ReplyDecoder();
  d.push(Buffer.from(':9007199254740991\r\n:9007199254740992\r\n:-9007199254740991\r\n:-9223372036854775808\r\n:0\r\n:-0\r\n'));
  assert.equal(d.next(), 9007199254740991);
  assert.equal(d.next(), 9007199254740992n);
  assert.equal(d.next(), -9007199254740991);
  assert.equal(d.next(), -9223372036854775808n);
  assert.ok(Object.is(d.next(), 0));
  assert.ok(Object.is(d.next(), 0));
});

test('a double nan decodes to NaN', () => {
  const d = new ReplyDecoder();
  d.push(Buffer.from(',nan\r\n,-0\r\n,1e+300\r\n'));
  assert.ok(Number.isNaN(d.next() as number));
  assert.ok(Object.is(d.next(), -0));
  assert.equal(d.next(), 1e300);
});

test('a map has no prototype and string keys', () => {
  const d = new ReplyDecoder();
  d.push(Buffer.from('%2\r\n$9\r\n__proto__\r\n:1\r\n:7\r\n#t\r\n'));
  const map = d.next() as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(map), null);
  assert.deepEqual(Object.keys(map), ['7', '__proto__']);
  assert.equal(map['__proto__'], 1);
  assert.equal(map['7'], true);
});

test('a ReplyError carries the error code', () => {
  const d = new ReplyDecoder();
  d.push(Buffer.from('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n-NOCODE\r\n'));
  const e = d.next() as ReplyError;
  assert.ok(e instanceof Error);
  assert.equal(e.code, 'WRONGTYPE');
  assert.equal(e.message, 'WRONGTYPE Operation against a key holding the wrong kind of value');
  assert.equal((d.next() as ReplyError).code, 'NOCODE');
});

test('an error inside an array is a value, not a failure', () => {
  const d = new ReplyDecoder();
  d.push(Buffer.from('*2\r\n+OK\r\n-ERR no\r\n'));
  const v = d.next() as unknown[];
  assert.equal(v[0], 'OK');
  assert.ok(v[1] instanceof ReplyError);
});

test('attributes are dropped at the top level and inside aggregates, and kept in raw bytes', () => {
  const wire = '|1\r\n+a\r\n:1\r\n*3\r\n:1\r\n|1\r\n+b\r\n*0\r\n:2\r\n|0\r\n:3\r\n+after\r\n';
  const d = new ReplyDecoder();
  d.push(Buffer.from(wire));
  assert.deepEqual(d.next(), [1, 2, 3]);
  assert.equal(d.next(), 'after');
  const r = new ReplyDecoder();
  r.push(Buffer.from(wire));
  assert.equal(r.nextRaw()?.toString(), wire.slice(0, wire.indexOf('+after')));
});

test('push frames are PushFrame instances, also when nested data is aggregate', () => {
  const d = new ReplyDecoder();
  d.push(Buffer.from('>2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nfoo\r\n'));
  const p = d.next();
  assert.ok(p instanceof PushFrame);
  assert.deepEqual(p.data, ['invalidate', ['foo']]);
});

test('next returns undefined until a frame is complete', () => {
  const d = new ReplyDecoder();
  assert.equal(d.next(), undefined);
  d.push(Buffer.from('*2\r\n$3\r\nfo'));
  assert.equal(d.next(), undefined);
  d.push(Buffer.from('o\r\n:1'));
  assert.equal(d.next(), undefined);
  d.push(Buffer.from('\r\n+x'));
  assert.deepEqual(d.next(), ['foo', 1]);
  assert.equal(d.next(), undefined);
  d.push(Buffer.from('\r\n'));
  assert.equal(d.next(), 'x');
});

test('readers can change between frames but not within one', () => {
  const d = new ReplyDecoder();
  d.push(Buffer.from('+a\r\n+b\r\n'));
  assert.equal(d.next(), 'a');
  assert.deepEqual(d.nextRaw(), Buffer.from('+b\r\n'));
  assert.equal(d.next(), undefined);
  assert.equal(d.nextRaw(), undefined);
  d.push(Buffer.from('*2\r\n+c'));
  assert.equal(d.nextNode(), undefined);
  assert.throws(() => d.next(), /same one/);
});

test('an unknown type byte is a protocol error', () => {
  const d = new ReplyDecoder();
  d.push(Buffer.from('?what\r\n'));
  assert.throws(() => d.next(), { message: 'Protocol error, got "?" as reply type byte' });
  const e = new ReplyDecoder();
  e.push(Buffer.from(':12x\r\n'));
  assert.throws(() => e.next(), /Protocol error/);
});

test('a 64 MB bulk in 16 KB chunks decodes in linear time, for every reader', () => {
  const size = 64 * 1024 * 1024;
  const body = Buffer.alloc(size, 0x61);
  body[0] = 0x62;
  body[size - 1] = 0x63;
  const wire = Buffer.concat([Buffer.from(`*2\r\n$${size}\r\n`), body, Buffer.from('\r\n:1\r\n')]);
  for (const reader of ['buffer', 'string', 'raw'] as const) {
    const d = new ReplyDecoder({ bulkAs: reader === 'string' ? 'string' : 'buffer' });
    const started = process.hrtime.bigint();
    let result: unknown;
    for (let i = 0; i < wire.length; i += 16384) {
      d.push(wire.subarray(i, i + 16384));
      const v = reader === 'raw' ? d.nextRaw() : d.next();
      if (v !== undefined) result = v;
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 3000, `${reader}: ${ms} ms`);
    if (reader === 'raw') {
      assert.ok((result as Buffer).equals(wire));
    } else {
      const [bulk, one] = result as [Buffer | string, number];
      assert.equal(one, 1);
      assert.equal(bulk.length, size);
      if (reader === 'buffer') assert.ok((bulk as Buffer).equals(body));
      else assert.equal((bulk as string)[0] + (bulk as string)[size - 1], 'bc');
    }
  }
});

test('a long status line cut into many chunks is read in linear time', () => {
  const text = 'x'.repeat(8 * 1024 * 1024);
  const wire = Buffer.from(`+${text}\r\n`);
  const d = new ReplyDecoder();
  const started = Date.now();
  let v: unknown;
  for (let i = 0; i < wire.length; i += 1024) {
    d.push(wire.subarray(i, i + 1024));
    v = d.next() ?? v;
  }
  assert.ok(Date.now() - started < 3000);
  assert.equal(v, text);
});

test('many frames in one chunk are all returned', () => {
  const wire = Buffer.from(':1\r\n'.repeat(100000));
  const d = new ReplyDecoder();
  d.push(wire);
  let n = 0;
  while (d.next() !== undefined) n++;
  assert.equal(n, 100000);
});
