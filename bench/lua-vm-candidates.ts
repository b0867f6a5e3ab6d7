/**
 * The Lua virtual machines on npm that EVAL could run on, probed for what Redis scripts rely on
 * (Lua 5.1's number formatting and arithmetic, binary-safe strings, calls into JavaScript) and
 * timed. See docs/SCRIPTING.md for what was found and which was chosen.
 *
 *   npm install --no-save fengari wasmoon && node dist/bench/lua-vm-candidates.js
 *
 * Neither package is a dependency of cachica until it is chosen, so each is loaded by name.
 */

interface Candidate {
  name: string;
  /** Run a chunk, returning its single result as text (or "ERR ..."). */
  run(code: string): string;
  /** A global function `jslen(s)` implemented in JavaScript, returning the byte length of s. */
  close(): void;
}

/** Expressions whose Lua 5.1 results are known: what redis-server's embedded Lua 5.1 prints. */
const PROBES: [string, string][] = [
  ['tostring(10/2)', '5'],
  ['tostring(2147483647 + 1)', '2147483648'],
  ['tostring(100000 * 100000)', '10000000000'],
  ['tostring(2^53)', '9.007199254741e+15'],
  ['tostring(123456789012345)', '1.2345678901234e+14'],
  ['string.format("%.17g", 0.1)', '0.10000000000000001'],
  ['tostring(math.huge)', 'inf'],
  ['tostring(-0.0)', '-0'],
  ['jslen("\\255\\000ab")', '4'],
  ['type(unpack)', 'function'],
  ['type(loadstring)', 'function'],
];

async function fengari(): Promise<Candidate> {
  // Its float formatting switch is read from the environment when the module loads.
  process.env.FENGARICONF = JSON.stringify({ LUA_COMPAT_FLOATSTRING: true });
  const { lua, lauxlib, lualib, to_luastring } = await import('fengari' as string);
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  lua.lua_pushcfunction(L, (state: unknown) => {
    lua.lua_pushinteger(state, lua.lua_tolstring(state, 1).length);
    return 1;
  });
  lua.lua_setglobal(L, to_luastring('jslen'));
  return {
    name: 'fengari',
    run(code) {
      if (lauxlib.luaL_loadbuffer(L, to_luastring(code), null, to_luastring('@probe')) !== 0) return `ERR ${lua.lua_tojsstring(L, -1)}`;
      const status = lua.lua_pcall(L, 0, 1, 0);
      const out = status === 0 ? Buffer.from(lua.lua_tolstring(L, -1) ?? []).toString('latin1') : `ERR ${lua.lua_tojsstring(L, -1)}`;
      lua.lua_pop(L, 1);
      return out;
    },
    close() {
      lua.lua_close(L);
    },
  };
}

async function wasmoon(): Promise<Candidate> {
  const { LuaFactory } = await import('wasmoon' as string);
  const engine = await new LuaFactory().createEngine();
  engine.global.set('jslen', (s: string) => s.length);
  return {
    name: 'wasmoon',
    run(code) {
      try {
        return String(engine.doStringSync(code));
      } catch (e) {
        return `ERR ${(e as Error).message}`;
      }
    },
    close() {
      engine.global.close();
    },
  };
}

function time(c: Candidate, code: string, times = 1): number {
  const t = performance.now();
  for (let i = 0; i < times; i++) c.run(code);
  return performance.now() - t;
}

for (const make of [fengari, wasmoon]) {
  let c: Candidate;
  try {
    c = await make();
  } catch (e) {
    console.log(`${make.name}: not installed (${(e as Error).message.split('\n')[0]})`);
    continue;
  }
  console.log(`\n${c.name}`);
  for (const [expr, expected] of PROBES) {
    const got = c.run(`return ${expr}`);
    console.log(`  ${got === expected ? 'same' : 'DIFF'}  ${expr} -> ${JSON.stringify(got)} (Lua 5.1: ${JSON.stringify(expected)})`);
  }
  console.log(`  a loop of 1e6 additions: ${time(c, 'local s = 0 for i = 1, 1000000 do s = s + i end return s').toFixed(1)} ms`);
  console.log(`  100,000 calls into JavaScript: ${time(c, 'local n = 0 for i = 1, 100000 do n = n + jslen("abc") end return n').toFixed(1)} ms`);
  console.log(`  10,000 small chunks loaded and run: ${time(c, 'return 1', 10_000).toFixed(1)} ms`);
  c.close();
}
