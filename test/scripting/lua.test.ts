/**
 * The Lua state binding (src/scripting/lua.ts) on its own: code runs, strings cross as bytes
 * both ways (NUL and high bytes included), JavaScript functions are called with their arguments
 * and raise errors that a pcall catches, tables are built and walked, numbers keep Lua 5.4's
 * integer and float kinds.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lua, LuaStatus, LuaType } from '../../src/scripting/lua.js';
import { ByteBuilder } from '../../src/protocol/byte-builder.js';

async function withLua(fn: (lua: Lua) => void): Promise<void> {
  const lua = await Lua.create();
  try {
    fn(lua);
  } finally {
    lua.close();
  }
}

/** Run `code` and return its one result as bytes (or the error message). */
function run(lua: Lua, code: string): { ok: boolean; value: Buffer | null; type: LuaType } {
  assert.equal(lua.load(code, '@test'), LuaStatus.Ok, 'compiles');
  const status = lua.pcall(0, 1);
  const type = lua.type(-1);
  const value = lua.toBytes(-1);
  lua.pop(1);
  return { ok: status === LuaStatus.Ok, value, type };
}

test('code runs and returns values of each kind', async () => {
  await withLua((lua) => {
    assert.equal(run(lua, 'return 1 + 2').value?.toString(), '3');
    assert.equal(run(lua, 'return "a" .. "b"').value?.toString(), 'ab');
    assert.equal(run(lua, 'return nil').type, LuaType.Nil);
    assert.equal(run(lua, 'return {}').type, LuaType.Table);
    assert.equal(run(lua, 'return string.format("%.17g", 0.1)').value?.toString(), '0.10000000000000001');
    assert.equal(run(lua, 'return 100000 * 100000').value?.toString(), '10000000000', '64-bit integers, no 32-bit wrap');
    assert.equal(lua.top, 0, 'the stack is left as found');
  });
});

test('a syntax error and a runtime error are reported, not thrown', async () => {
  await withLua((lua) => {
    assert.equal(lua.load('return +', '@test'), LuaStatus.ErrSyntax);
    assert.match(lua.toLatin1(-1) ?? '', /unexpected symbol/);
    lua.pop(1);
    const r = run(lua, 'error("boom")');
    assert.equal(r.ok, false);
    assert.match(r.value?.toString() ?? '', /test:1: boom/);
  });
});

test('strings cross as bytes, both ways', async () => {
  await withLua((lua) => {
    const bytes = Buffer.from([0xff, 0x00, 0x61, 0x80, 0x0d, 0x0a]);
    lua.register('give', (l) => {
      l.pushString(bytes);
      return 1;
    });
    let seen: Buffer | null = null;
    lua.register('take', (l) => {
      seen = l.toBytes(1);
      l.pushInteger(l.rawLen(1));
      return 1;
    });
    assert.equal(run(lua, 'return #give()').value?.toString(), '6');
    assert.equal(run(lua, 'return take("\\255\\000a\\128\\r\\n")').value?.toString(), '6');
    assert.deepEqual(seen, bytes);
    assert.deepEqual(run(lua, 'return give()').value, bytes);
    lua.pushString('caf\xe9');
    assert.deepEqual(lua.toBytes(-1), Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'a JS string is latin1');
    lua.pop(1);
  });
});

test('a JavaScript function gets its arguments and raises errors a pcall catches', async () => {
  await withLua((lua) => {
    lua.register('add', (l) => {
      if (l.type(1) !== LuaType.Number || l.type(2) !== LuaType.Number) {
        l.pushString('add needs two numbers');
        return l.raise();
      }
      l.pushNumber(l.toNumber(1) + l.toNumber(2));
      return 1;
    });
    assert.equal(run(lua, 'return add(2, 3.5)').value?.toString(), '5.5');
    const failed = run(lua, 'return add(2, {})');
    assert.equal(failed.ok, false);
    assert.equal(failed.value?.toString(), 'add needs two numbers');
    assert.equal(run(lua, 'local ok, e = pcall(add, 1) return tostring(ok) .. " " .. e').value?.toString(), 'false add needs two numbers');
    // Many calls: the error path leaves nothing behind.
    assert.equal(run(lua, 'local n = 0 for i = 1, 1000 do if not pcall(add) then n = n + 1 end end return n').value?.toString(), '1000');
    assert.equal(lua.top, 0);
  });
});

test('tables are built from JavaScript and walked', async () => {
  await withLua((lua) => {
    lua.newTable();
    for (let i = 1; i <= 3; i++) {
      lua.pushString(`v${i}`);
      lua.rawSetI(-2, i);
    }
    lua.pushString('yes');
    lua.setField(-2, 'flag');
    lua.setGlobal('t');
    assert.equal(run(lua, 'return #t .. t[2] .. t.flag').value?.toString(), '3v2yes');
    assert.equal(lua.load('return {a = 1, b = 2}', '@test'), LuaStatus.Ok);
    assert.equal(lua.pcall(0, 1), LuaStatus.Ok);
    const keys: string[] = [];
    lua.pushNil();
    while (lua.next(-2)) {
      keys.push(`${lua.toLatin1(-2)}=${lua.toInteger(-1)}`);
      lua.pop(1);
    }
    lua.pop(1);
    assert.deepEqual(keys.sort(), ['a=1', 'b=2']);
  });
});

test('numbers keep their kind: integers pushed as integers, floats as floats', async () => {
  await withLua((lua) => {
    lua.pushInteger(9007199254740993n);
    assert.equal(lua.isInteger(-1), true);
    assert.equal(lua.toInteger(-1), 9007199254740993n, 'exact past 2^53');
    lua.setGlobal('big');
    assert.equal(run(lua, 'return tostring(big + 1)').value?.toString(), '9007199254740994');
    lua.pushNumber(2.5);
    assert.equal(lua.isInteger(-1), false);
    lua.pop(1);
  });
});

test('bytes cross through the heap at every size, also after the memory grows', async () => {
  await withLua((lua) => {
    const out = new ByteBuilder();
    for (const size of [0, 1, 63, 64, 65, 4096, 8 << 20]) {
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
      lua.pushBytes(bytes, 0, size);
      assert.deepEqual(lua.toBytes(-1), bytes, `toBytes of ${size} bytes`);
      assert.equal(lua.toLatin1(-1), bytes.toString('latin1'));
      out.reset();
      out.ascii('ab');
      assert.ok(lua.appendBytes(-1, out));
      assert.equal(out.length, 2 + size);
      assert.deepEqual(out.buf.subarray(2, out.length), bytes, `appendBytes of ${size} bytes`);
      lua.pop(1);
    }
    lua.pushString('after growth');
    assert.equal(lua.toLatin1(-1), 'after growth');
    lua.pop(1);
  });
});

test('a coroutine yields from the count hook and resumes where it was', async () => {
  await withLua((lua) => {
    let hooks = 0;
    lua.setCountHook(1000, (l) => {
      hooks++;
      if (l.isYieldable()) l.yieldFromHook();
    });
    const thread = lua.newThread();
    assert.equal(thread.load('local n = 0 for i = 1, 100000 do n = n + i end return n', '@test'), LuaStatus.Ok);
    let result = thread.resume(0);
    let yields = 0;
    while (result.status === LuaStatus.Yield) {
      yields++;
      result = thread.resume(0);
    }
    assert.equal(result.status, LuaStatus.Ok);
    assert.equal(thread.toLatin1(-1), '5000050000');
    assert.ok(yields > 10 && yields === hooks, `yielded at each hook (${yields} of ${hooks})`);
    lua.setCountHook(0, () => {});
  });
});
