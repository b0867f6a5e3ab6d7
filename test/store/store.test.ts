import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../src/store/store.js';
import { Lookup } from '../../src/store/database.js';
import { ValueType } from '../../src/store/entries.js';
import { blockCapacity, Heap, MAX_BLOCK } from '../../src/store/heap.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

function set(store: Store, db: number, key: string, value: string): number {
  const k = b(key);
  const v = b(value);
  return store.databases[db].setString(k, 0, k.length, v, 0, v.length);
}

function get(store: Store, db: number, key: string): string | null {
  const k = b(key);
  const d = store.databases[db];
  const id = d.find(k, 0, k.length);
  return id === 0 ? null : d.stringValue(id);
}

test('heap reuses freed blocks of the same class and keeps large blocks apart', () => {
  const heap = new Heap();
  const a = heap.alloc(10);
  heap.free(a, 10);
  assert.equal(heap.alloc(12), a, 'a 16-byte class block is reused');
  const big = heap.alloc(MAX_BLOCK + 1);
  assert.equal(heap.bufferOf(big).length, MAX_BLOCK + 1);
  assert.equal(heap.offsetOf(big), 0);
  assert.equal(blockCapacity(1), 8);
  assert.equal(blockCapacity(65), 80);
  assert.equal(blockCapacity(1000), 1024);
  const used = heap.usedBytes;
  heap.free(big, MAX_BLOCK + 1);
  assert.equal(heap.usedBytes, used - (MAX_BLOCK + 1));
});

test('set, get, overwrite and delete across value sizes', () => {
  const store = new Store(16);
  for (const size of [0, 1, 7, 8, 44, 45, 1000, MAX_BLOCK, MAX_BLOCK + 1, 100000]) {
    const value = 'v'.repeat(size);
    set(store, 0, `k${size}`, value);
    assert.equal(get(store, 0, `k${size}`), value);
    set(store, 0, `k${size}`, 'short');
    assert.equal(get(store, 0, `k${size}`), 'short');
  }
  const db = store.databases[0];
  assert.equal(db.size, 10);
  assert.equal(db.deleteKey(b('k45'), 0, 3), true);
  assert.equal(db.deleteKey(b('k45'), 0, 3), false);
  assert.equal(get(store, 0, 'k45'), null);
  assert.equal(db.size, 9);
});

test('the table grows past 2^20 keys incrementally and every key stays findable', () => {
  const store = new Store(1);
  const db = store.databases[0];
  const n = 1 << 20;
  for (let i = 0; i < n; i++) set(store, 0, `key:${i}`, String(i));
  assert.equal(db.size, n);
  while (store.backgroundWork(50)) {}
  for (let i = 0; i < n; i += 997) assert.equal(get(store, 0, `key:${i}`), String(i));
  for (let i = 0; i < n; i += 2) db.deleteKey(b(`key:${i}`), 0, b(`key:${i}`).length);
  assert.equal(db.size, n / 2);
  assert.equal(get(store, 0, 'key:1'), '1');
  assert.equal(get(store, 0, 'key:0'), null);
});

test('SCAN returns every key present for the whole scan while the table grows', () => {
  const store = new Store(1);
  const db = store.databases[0];
  for (let i = 0; i < 1000; i++) set(store, 0, `old:${i}`, 'x');
  const seen = new Set<string>();
  let cursor = 0;
  let added = 0;
  let calls = 0;
  do {
    const out: number[] = [];
    cursor = db.dict.scan(cursor, out);
    for (const id of out) seen.add(db.keyString(id));
    // Grow the table between calls (faster than the cursor advances at first, forcing several
    // resizes mid-scan, then slower so the scan can finish).
    const burst = added < 30000 ? 300 : 1;
    for (let j = 0; j < burst; j++) set(store, 0, `new:${added++}`, 'y');
    calls++;
  } while (cursor !== 0 && calls < 1e6);
  assert.equal(cursor, 0);
  for (let i = 0; i < 1000; i++) assert.ok(seen.has(`old:${i}`), `old:${i} missing`);
});

test('SCAN also covers every key while the table shrinks', () => {
  const store = new Store(1);
  const db = store.databases[0];
  for (let i = 0; i < 20000; i++) set(store, 0, `k:${i}`, 'x');
  const seen = new Set<string>();
  let cursor = 0;
  let deleted = 0;
  do {
    const out: number[] = [];
    cursor = db.dict.scan(cursor, out);
    for (const id of out) seen.add(db.keyString(id));
    // Delete keys that are not kept, then let the cron shrink the table.
    for (let j = 0; j < 200 && deleted < 19000; j++, deleted++) {
      const k = b(`k:${1000 + deleted}`);
      db.deleteKey(k, 0, k.length);
    }
    store.shrinkTables();
  } while (cursor !== 0);
  for (let i = 0; i < 1000; i++) assert.ok(seen.has(`k:${i}`), `k:${i} missing`);
});

test('lazy expiry deletes on lookup; NoExpire reports missing without deleting', () => {
  const store = new Store(1);
  const db = store.databases[0];
  const id = set(store, 0, 'k', 'v');
  store.tick(1000);
  db.setExpire(id, 1500);
  assert.equal(db.expires.size, 1);
  store.tick(1500);
  assert.equal(get(store, 0, 'k'), 'v', 'a key lives through its deadline millisecond, as in Redis');
  store.tick(1501);
  assert.equal(db.find(b('k'), 0, 1, Lookup.NoExpire), 0);
  assert.equal(db.size, 1);
  assert.equal(get(store, 0, 'k'), null);
  assert.equal(db.size, 0);
  assert.equal(db.expires.size, 0);
  assert.equal(store.expiredKeys, 1);
});

test('active expiry removes expired keys without lookups and keeps live ones', () => {
  const store = new Store(2);
  store.tick(10000);
  for (let i = 0; i < 5000; i++) {
    const id = set(store, 1, `k${i}`, 'v');
    store.databases[1].setExpire(id, i % 2 === 0 ? 10001 : 999999999);
  }
  store.tick(20000);
  for (let round = 0; round < 100 && store.databases[1].size > 2500; round++) store.activeExpireCycle(50);
  assert.equal(store.databases[1].size, 2500);
  assert.equal(store.databases[1].expires.size, 2500);
  assert.ok(store.databases[1].avgTtl > 0);
});

test('swap-removal in the expiry set keeps every slot pointing at its entry', () => {
  const store = new Store(1);
  const db = store.databases[0];
  const ids: number[] = [];
  for (let i = 0; i < 100; i++) {
    ids.push(set(store, 0, `k${i}`, 'v'));
    db.setExpire(ids[i], 1e12 + i);
  }
  for (let i = 0; i < 100; i += 3) db.removeExpire(ids[i]);
  for (let i = 0; i < 100; i++) assert.equal(db.expireAt(ids[i]), i % 3 === 0 ? 0 : 1e12 + i);
});

test('deadlines beyond 2^53 ms are kept exactly', () => {
  const store = new Store(1);
  const db = store.databases[0];
  const id = set(store, 0, 'k', 'v');
  db.setExpire(id, 9223372036854775807n);
  assert.equal(db.expireAtExact(id), 9223372036854775807n);
  db.setExpire(id, 5000);
  assert.equal(db.expireAtExact(id), 5000);
});

test('rekey, moveTo, swap and flush', () => {
  const store = new Store(3);
  const db0 = store.databases[0];
  const id = set(store, 0, 'a', 'x');
  db0.setExpire(id, 1e13);
  db0.rekey(id, b('bb'), 0, 2);
  assert.equal(get(store, 0, 'a'), null);
  assert.equal(get(store, 0, 'bb'), 'x');
  db0.moveTo(id, store.databases[1]);
  assert.equal(get(store, 0, 'bb'), null);
  assert.equal(get(store, 1, 'bb'), 'x');
  assert.equal(store.databases[1].expireAt(id), 1e13);
  assert.equal(db0.expires.size, 0);
  store.swap(1, 2);
  assert.equal(get(store, 2, 'bb'), 'x');
  assert.equal(store.databases[1].size, 0);
  for (let i = 0; i < 10000; i++) set(store, 2, `f${i}`, 'v');
  store.flushDatabase(store.databases[2], true);
  assert.equal(store.databases[2].size, 0);
  assert.ok(store.pendingLazyFree > 0);
  while (store.backgroundWork(10)) {}
  assert.equal(store.pendingLazyFree, 0);
  assert.equal(store.entries.live, 0);
  set(store, 0, 'z', 'z');
  store.flushAll();
  assert.equal(store.totalKeys, 0);
  assert.equal(store.heap.usedBytes, 0);
});

test('object values are held by handle and released with the key', () => {
  const store = new Store(1);
  const db = store.databases[0];
  const k = b('list');
  const id = db.setObject(k, 0, k.length, ValueType.List, ['a', 'b']);
  assert.equal(db.type(id), ValueType.List);
  assert.deepEqual(db.object<string[]>(id), ['a', 'b']);
  assert.equal(store.objects.size, 1);
  set(store, 0, 'list', 'now a string');
  assert.equal(store.objects.size, 0);
  assert.equal(get(store, 0, 'list'), 'now a string');
});

test('random() finds keys in a sparse table', () => {
  const store = new Store(1);
  const db = store.databases[0];
  for (let i = 0; i < 100000; i++) set(store, 0, `k${i}`, 'v');
  for (let i = 1; i < 100000; i++) db.deleteKey(b(`k${i}`), 0, b(`k${i}`).length);
  assert.equal(db.keyString(db.dict.random()), 'k0');
});

test('keys and values cross the inline limits (16-byte keys, 8-byte values) intact', () => {
  const store = new Store(2);
  const db = store.databases[0];
  const bytes = (n: number, seed: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode((seed + i * 37) & 255);
    return s;
  };
  for (const keyLen of [0, 1, 15, 16, 17, 40]) {
    for (const valueLen of [0, 1, 7, 8, 9, 100]) {
      const key = bytes(keyLen, keyLen * 7 + valueLen);
      const value = bytes(valueLen, valueLen);
      set(store, 0, key, value);
      assert.equal(get(store, 0, key), value, `key ${keyLen} value ${valueLen}`);
      const id = db.find(b(key), 0, keyLen);
      assert.equal(db.keyString(id), key);
      // Overwrite across the value limit both ways, in place or not.
      for (const next of [bytes(3, 1), bytes(12, 2), bytes(8, 3), bytes(9, 4), '']) {
        set(store, 0, key, next);
        assert.equal(get(store, 0, key), next);
      }
    }
  }
  // Growing in place from inline to a heap block (APPEND, SETRANGE) keeps the bytes, zero-fills.
  const id = set(store, 0, 'grow', 'abcdef');
  db.resizeString(id, 8);
  assert.equal(db.stringValue(id), 'abcdef\0\0');
  db.resizeString(id, 30);
  assert.equal(db.stringValue(id), 'abcdef' + '\0'.repeat(24));
  const buf = db.stringBuffer(id);
  buf[db.stringOffset(id) + 29] = 90;
  assert.equal(db.stringValue(id).slice(-1), 'Z');
  // Renaming between a short and a long key moves the key out of and back into the record.
  const long = 'a-key-longer-than-sixteen-bytes';
  db.rekey(id, b(long), 0, long.length);
  assert.equal(get(store, 0, 'grow'), null);
  assert.equal(db.keyString(db.find(b(long), 0, long.length)), long);
  db.rekey(id, b('short'), 0, 5);
  assert.equal(db.stringValue(db.find(b('short'), 0, 5)).slice(0, 6), 'abcdef');
  db.moveTo(id, store.databases[1]);
  assert.equal(store.databases[1].keyString(id), 'short');
  // Everything frees cleanly: the heap is empty once the keys are gone.
  store.flushDatabase(db, false);
  store.flushDatabase(store.databases[1], false);
  assert.equal(store.heap.usedBytes, 0);
});

test('packed collections: bytes in the heap, replaced in place or moved, freed with the key', () => {
  const store = new Store(2);
  const db = store.databases[0];
  const key = Buffer.from('list');
  const image = (n: number, fill: number) => Buffer.alloc(n, fill);
  const bytesOf = (id: number) => {
    const off = db.packedOffset(id);
    return Buffer.from(db.packedBuffer(id).subarray(off, off + db.packedLength(id)));
  };
  const id = db.setPacked(key, 0, key.length, ValueType.List, image(5, 1), 0, 5);
  assert.equal(db.type(id), ValueType.List);
  assert.ok(db.isPacked(id));
  assert.deepEqual(bytesOf(id), image(5, 1)); // inline in the record
  const used0 = store.heap.usedBytes;
  for (const [n, fill] of [[40, 2], [41, 3], [500, 4], [20, 5], [3, 6]] as const) {
    db.replacePacked(id, image(n, fill), 0, n);
    assert.deepEqual(bytesOf(id), image(n, fill));
    assert.equal(db.find(key, 0, key.length), id);
  }
  assert.equal(store.heap.usedBytes, used0, 'no block left behind by the moves');
  db.setExpire(id, Date.now() + 100000);
  db.replacePacked(id, image(300, 7), 0, 300);
  assert.ok(db.expireAt(id) > 0, 'the TTL stays');
  db.replaceObject(id, ['table', 'form']);
  assert.ok(!db.isPacked(id));
  assert.deepEqual(db.object(id), ['table', 'form']);
  assert.ok(db.expireAt(id) > 0);
  assert.equal(store.heap.usedBytes, used0, 'the image was freed on conversion');
  // A packed value replaced by a string, then by a packed value again, then deleted.
  db.setString(key, 0, key.length, image(100, 8), 0, 100);
  assert.ok(!db.isPacked(id));
  db.setPacked(key, 0, key.length, ValueType.Hash, image(100, 9), 0, 100);
  assert.equal(db.type(db.find(key, 0, key.length)), ValueType.Hash);
  db.delete(db.find(key, 0, key.length));
  assert.equal(store.objects.size, 0);
  assert.equal(db.size, 0);
});
