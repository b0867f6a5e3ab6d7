/**
 * MemberIndex (the open-addressing index of a MemberTable): against a Map model, with hashes
 * chosen to collide and cluster, through growth, shrinking and lookups in mid-resize.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemberIndex } from '../../src/types/member-index.js';
import { MemberTable } from '../../src/types/member-table.js';
import { mulberry32 } from '../helpers/prng.js';

/** A dense member array with its index, kept as MemberTable keeps them. */
class Harness {
  readonly members: string[] = [];
  readonly index = new MemberIndex(this.members);
  constructor(readonly hash: (m: string) => number) {}

  find(m: string): number {
    const i = this.index.findString(m, this.hash(m));
    const b = Buffer.from(m, 'latin1');
    const padded = Buffer.concat([Buffer.from('xy'), b, Buffer.from('z')]);
    assert.equal(this.index.findBytes(padded, 2, 2 + b.length, this.hash(m)), i, `bytes lookup of ${m}`);
    return i;
  }

  add(m: string): void {
    this.index.insert(this.hash(m), this.members.length);
    this.members.push(m);
  }

  remove(m: string): void {
    const i = this.find(m);
    this.index.remove(this.hash(m), i);
    const last = this.members.length - 1;
    if (i !== last) {
      this.index.renumber(this.hash(this.members[last]), last, i);
      this.members[i] = this.members[last];
    }
    this.members.pop();
  }
}

function churn(hash: (m: string) => number, seed: number, span: number, steps: number): void {
  const rand = mulberry32(seed);
  const h = new Harness(hash);
  const model = new Set<string>();
  for (let step = 0; step < steps; step++) {
    // Phases of mostly inserts then mostly deletes, so the index grows and shrinks repeatedly.
    const growing = Math.floor(step / 3000) % 2 === 0;
    const m = `m${Math.floor(rand() * span)}`;
    const present = h.find(m) >= 0;
    assert.equal(present, model.has(m), `step ${step}: ${m}`);
    if (rand() < (growing ? 0.8 : 0.2)) {
      if (!present) h.add(m), model.add(m);
    } else if (present) {
      h.remove(m), model.delete(m);
    }
  }
  assert.equal(h.members.length, model.size);
  for (const m of model) assert.equal(h.members[h.find(m)], m);
  for (let i = 0; i < 200; i++) assert.equal(h.find(`absent${i}`), -1);
}

describe('MemberIndex', () => {
  it('matches a set model through growth and shrinking, well-spread hashes', () => {
    churn((m) => Buffer.from(m).reduce((a, c) => Math.imul(a ^ c, 16777619) >>> 0, 2166136261), 1, 4000, 24000);
  });

  it('matches a set model when many hashes collide or share a home slot', () => {
    // 16 distinct hash values: long clusters, wrap-around at the table's end, backward shifts.
    churn((m) => (m.length * 2654435761 + m.charCodeAt(m.length - 1)) % 16 >>> 0, 2, 600, 12000);
    // Hashes near 2^32 - 1 land in the last slots and wrap to the first.
    churn((m) => (0xffffffff - (m.charCodeAt(m.length - 1) % 4)) >>> 0, 3, 300, 6000);
  });

  it('answers lookups, deletes and renumbering while a resize is part way through', () => {
    const h = new Harness((m) => Number(m.slice(1)) * 2654435761 >>> 0);
    for (let i = 0; i < 1000; i++) h.add(`k${i}`);
    // The last insert past 3/4 started a move of 128 slots per write: delete every other member
    // across it and check every survivor after each step.
    for (let i = 0; i < 1000; i += 2) {
      h.remove(`k${i}`);
      if (i % 100 === 0) for (let j = i + 1; j < 1000; j += 2) assert.notEqual(h.find(`k${j}`), -1);
    }
    assert.equal(h.members.length, 500);
    for (let i = 0; i < 1000; i++) assert.equal(h.find(`k${i}`) >= 0, i % 2 === 1);
    assert.equal(h.index.reservedBytes, 2048 * 8);
    // Below 1/16 full the index shrinks (to 8 slots per member), moving entries over as it goes.
    for (let i = 41; i < 1000; i += 2) h.remove(`k${i}`);
    for (let i = 0; i < 1000; i++) assert.equal(h.find(`k${i}`) >= 0, i % 2 === 1 && i < 41, `k${i}`);
    for (let i = 0; i < 300; i++) h.add(`n${i}`);
    assert.equal(h.members.length, 320);
    assert.equal(h.index.reservedBytes, 512 * 8);
  });
});

describe('MemberTable by bytes', () => {
  it('setBytes, getBytes, hasBytes, deleteBytes and indexOfBytes agree with the string forms', () => {
    const t = new MemberTable<number>();
    const rand = mulberry32(9);
    const model = new Map<string, number>();
    for (let step = 0; step < 5000; step++) {
      // Binary members, every byte value, the empty member included.
      const len = Math.floor(rand() * 4);
      const b = Buffer.alloc(len + 3);
      for (let j = 0; j < len; j++) b[1 + j] = Math.floor(rand() * 256) & (j === 0 ? 0xff : 0x81);
      const m = b.latin1Slice(1, 1 + len);
      const op = rand();
      if (op < 0.5) assert.equal(t.setBytes(b, 1, 1 + len, step), !model.has(m)), model.set(m, step);
      else if (op < 0.7) assert.equal(t.deleteBytes(b, 1, 1 + len), model.delete(m));
      else {
        assert.equal(t.getBytes(b, 1, 1 + len), model.get(m));
        assert.equal(t.hasBytes(b, 1, 1 + len), t.has(m));
        assert.equal(t.indexOfBytes(b, 1, 1 + len), t.indexOf(m));
      }
      assert.equal(t.size, model.size);
    }
    for (const [m, v] of model) assert.equal(t.get(m), v);
  });
});
