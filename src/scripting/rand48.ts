/**
 * The random numbers scripts get from math.random (Redis's rand.c): drand48's generator, its
 * state kept for the process and set only by math.randomseed, so a given sequence of scripts
 * sees the same numbers on every machine, as Redis makes them.
 */

import type { Lua } from './lua.js';

const A = 0x5deece66dn;
const C = 0xbn;
const MASK48 = (1n << 48n) - 1n;
/** The initial state (X2 X1 X0 = 0x1234 0xABCD 0x330E). */
const INITIAL = 0x1234abcd330en;
const LRAND48_MAX = 2147483647;

export class Rand48 {
  private x = INITIAL;

  /** redisLrand48: the next 31-bit value. */
  next(): number {
    this.x = (A * this.x + C) & MASK48;
    return Number(this.x >> 17n);
  }

  /** redisSrand48. */
  seed(v: number): void {
    this.x = ((BigInt(v | 0) & 0xffffffffn) << 16n) | 0x330en;
  }

  /** Lua 5.1's math.random over this generator. */
  random(lua: Lua): number {
    const r = (this.next() % LRAND48_MAX) / LRAND48_MAX;
    switch (lua.top) {
      case 0:
        lua.pushNumber(r);
        return 1;
      case 1: {
        const u = toInt(lua.checkNumber(1, 'random'));
        if (u < 1) lua.argError(1, 'random', 'interval is empty');
        lua.pushDouble(Math.floor(r * u) + 1);
        return 1;
      }
      case 2: {
        const l = toInt(lua.checkNumber(1, 'random'));
        const u = toInt(lua.checkNumber(2, 'random'));
        if (l > u) lua.argError(2, 'random', 'interval is empty');
        lua.pushDouble(Math.floor(r * (u - l + 1)) + l);
        return 1;
      }
      default:
        return lua.error('wrong number of arguments');
    }
  }

  randomseed(lua: Lua): number {
    this.seed(toInt(lua.checkNumber(1, 'randomseed')));
    return 0;
  }
}

/** luaL_checkint's cast of a double to a C int. */
function toInt(d: number): number {
  return Number.isFinite(d) ? Math.trunc(d) | 0 : -2147483648;
}
