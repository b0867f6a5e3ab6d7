/**
 * What the libraries do beyond what redis-server 7.0 (the compat oracle) has: cjson's
 * decode_array_with_array_mt, which newer Redis versions give scripts.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cachica } from '../../src/index.js';

test('cjson.decode_array_with_array_mt: decoded arrays keep their kind through encode', async () => {
  const db = await Cachica.open();
  try {
    const run = (body: string): unknown => db.commandSync('EVAL', body, '0');
    // Off (the default): an empty array comes back as an empty object.
    assert.equal(run("return cjson.encode(cjson.decode('[]'))"), '{}');
    assert.equal(run("return tostring(getmetatable(cjson.decode('[1]')) == cjson.array_mt)"), 'false');
    // On: decoded arrays carry cjson.array_mt, and encode as arrays even when empty.
    assert.equal(run('return tostring(cjson.decode_array_with_array_mt(true))'), 'true');
    assert.equal(run("return cjson.encode(cjson.decode('[]'))"), '[]');
    assert.equal(run("return cjson.encode(cjson.decode('{\"a\":[],\"b\":[1,[]]}').b)"), '[1,[]]');
    assert.equal(run("return tostring(getmetatable(cjson.decode('[1]')) == cjson.array_mt)"), 'true');
    assert.equal(run("return cjson.encode(setmetatable({}, cjson.array_mt))"), '[]');
    // Objects are untouched, and the setting can be turned off again.
    assert.equal(run("return cjson.encode(cjson.decode('{}'))"), '{}');
    assert.equal(run('return tostring(cjson.decode_array_with_array_mt(false))'), 'false');
    assert.equal(run("return cjson.encode(cjson.decode('[]'))"), '{}');
    assert.throws(() => run("return cjson.decode_array_with_array_mt('maybe')"), /bad argument #1 to 'decode_array_with_array_mt' \(invalid option 'maybe'\)/);
  } finally {
    db.close();
  }
});
