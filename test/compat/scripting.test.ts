/**
 * EVAL and SCRIPT against real Redis: the conversions between Lua and RESP both ways, the
 * redis library (call, pcall, error_reply, status_reply, sha1hex), read-only globals, errors
 * with their "script: <sha>, on @user_script:<line>." suffix, compile errors, the script
 * cache (EVALSHA, SCRIPT LOAD, EXISTS, FLUSH), EVAL_RO, and Lua 5.1's names Redis scripts use.
 */

import { describe } from 'node:test';
import { defineScenarios, helpText, useBed, type Scenario } from './bed.js';

const scenarios: Scenario[] = [
  {
    name: 'results convert to RESP by Redis\'s rules',
    steps: [
      ['EVAL', "return {1, 2.9, -3.7, 'a', true, false, nil, 5}", '0'],
      ['EVAL', 'return 3.99', '0'],
      ['EVAL', 'return -3.99', '0'],
      ['EVAL', "return {1,{2,{3,'x'}}}", '0'],
      ['EVAL', "return {ok='fine'}", '0'],
      ['EVAL', "return {err='bad thing'}", '0'],
      ['EVAL', "return redis.error_reply('My Error')", '0'],
      ['EVAL', "return redis.status_reply('GOOD')", '0'],
      ['EVAL', 'return nil', '0'],
      ['EVAL', 'return true', '0'],
      ['EVAL', 'return false', '0'],
      ['EVAL', 'return {}', '0'],
      ['EVAL', "return 'bin\\0\\255'", '0'],
      ['EVAL', 'return KEYS[1] .. ARGV[1] .. #KEYS .. #ARGV', '1', 'k', 'a', 'b'],
      ['EVAL', 'return {KEYS[1], ARGV[1]}', '1', Buffer.from([0, 255, 13, 10]), Buffer.from([128, 0])],
    ],
  },
  {
    name: 'replies convert to Lua by Redis\'s rules',
    steps: [
      ['EVAL', "return redis.call('ping')", '0'],
      ['EVAL', "return type(redis.call('ping'))", '0'],
      ['EVAL', "return redis.call('get', 'missing')", '0'],
      ['EVAL', "return tostring(redis.call('get', 'missing'))", '0'],
      ['EVAL', "return {redis.call('rpush', 'L', 1, 2, 3), redis.call('lrange', 'L', 0, -1)}", '0'],
      ['EVAL', "return redis.call('set', KEYS[1], 3.5)", '1', 'f'],
      ['GET', 'f'],
      ['EVAL', "return redis.call('incrbyfloat', KEYS[1], 1.25)", '1', 'f'],
      ['EVAL', "return redis.call('incrby', 'n', 9007199254740993)", '0'],
      ['EVAL', "return redis.call('hgetall', 'nohash')", '0'],
      ['EVAL', "redis.call('select', 9) return redis.call('set', 'in9', 'x')", '0'],
      ['GET', 'in9'],
      ['SELECT', '9'],
      ['GET', 'in9'],
    ],
  },
  {
    name: 'errors: from commands, from Lua, from the guard, with where they were raised',
    steps: [
      ['EVAL', "return redis.call('get')", '0'],
      ['EVAL', "return redis.call('nosuch')", '0'],
      ['EVAL', 'return redis.call()', '0'],
      ['EVAL', "return redis.call('get', {})", '0'],
      ['SET', 's', 'abc'],
      ['EVAL', "return redis.call('incr', KEYS[1])", '1', 's'],
      ['EVAL', "return redis.pcall('incr', KEYS[1])", '1', 's'],
      ['EVAL', "return redis.pcall('lpush', 's', 1)", '0'],
      ['EVAL', "local ok = redis.call('set', 'a', 'b')\nreturn redis.call('lpush', 's', 1)", '0'],
      ['EVAL', 'x = 1', '0'],
      ['EVAL', 'return y', '0'],
      ['EVAL', "error('plain')", '0'],
      ['EVAL', "error({err='tbl'})", '0'],
      ['EVAL', 'return +', '0'],
      ['EVAL', "return redis.call('eval', 'return 1', 0)", '0'],
      ['EVAL', 'return 1', '2', 'a'],
      ['EVAL', 'return 1', '-1'],
      ['EVAL', 'return 1', 'x'],
      ['EVAL_RO', "return redis.call('set', 'a', 'b')", '0'],
      ['EVAL_RO', "return redis.call('get', 's')", '0'],
    ],
  },
  {
    name: 'the script cache: EVALSHA, SCRIPT LOAD, EXISTS, FLUSH',
    steps: [
      ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '0'],
      ['SCRIPT', 'LOAD', 'return ARGV[1]'],
      ['EVALSHA', '098e0f0d1448c0a81dafe820f66d460eb09263da', '0', 'hello'],
      ['EVALSHA', '098E0F0D1448C0A81DAFE820F66D460EB09263DA', '0', 'upper'],
      ['EVALSHA_RO', '098e0f0d1448c0a81dafe820f66d460eb09263da', '0', 'ro'],
      ['SCRIPT', 'EXISTS', '098e0f0d1448c0a81dafe820f66d460eb09263da', 'ffffffffffffffffffffffffffffffffffffffff'],
      ['SCRIPT', 'LOAD', 'return +'],
      ['SCRIPT', 'FLUSH', 'bad'],
      ['SCRIPT', 'FLUSH', 'ASYNC'],
      ['SCRIPT', 'EXISTS', '098e0f0d1448c0a81dafe820f66d460eb09263da'],
      ['EVALSHA', '098e0f0d1448c0a81dafe820f66d460eb09263da', '0', 'gone'],
      ['EVAL', "return redis.sha1hex('')", '0'],
      ['EVAL', 'return redis.sha1hex(ARGV[1])', '0', 'abc'],
    ],
  },
  {
    name: 'SCRIPT HELP and KILL; redis.set_repl, breakpoint and debug',
    steps: [
      { cmd: ['SCRIPT', 'HELP'], compare: helpText },
      ['SCRIPT', 'KILL'],
      ['SCRIPT', 'NOSUCH'],
      ['EVAL', 'return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}', '0'],
      ['EVAL', 'redis.set_repl(99)', '0'],
      ['EVAL', 'redis.set_repl()', '0'],
      ['EVAL', "redis.set_repl(redis.REPL_NONE) return redis.call('set', 'nr', '1')", '0'],
      ['GET', 'nr'],
      ['EVAL', 'return redis.breakpoint()', '0'],
      ['EVAL', "return redis.debug('x')", '0'],
    ],
  },
  {
    name: 'Lua 5.1 names Redis scripts use',
    steps: [
      ['EVAL', 'return unpack({1, 2, 3})', '0'],
      ['EVAL', "return loadstring('return 7')()", '0'],
      ['EVAL', 'return table.getn({1, 2})', '0'],
      ['EVAL', 'return redis.REDIS_VERSION_NUM > 0', '0'],
      ['EVAL', 'return type(redis.LOG_WARNING)', '0'],
      ['EVAL', "return string.format('%.17g', 0.1)", '0'],
      ['EVAL', 'return math.floor(10 / 4)', '0'],
    ],
  },
];

describe('EVAL and SCRIPT', () => {
  const bed = useBed();
  defineScenarios(bed, scenarios);
});
