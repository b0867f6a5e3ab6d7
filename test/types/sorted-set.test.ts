/**
 * SortedSet, the table form of sorted sets: seeded random operations checked step by step
 * against a plain sorted array, with the tree's invariants (order, subtree counts, bounds, leaf
 * links, fill) verified along the way. Sizes are chosen to grow the tree several levels deep
 * and shrink it back, so splits, merges, borrows and root changes all run.
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SortedSet } from '../../src/types/sorted-set.js';
import { mulberry32 } from '../helpers/prng.js';

type Pair = [score: number, member: string];

function less(a: Pair, b: Pair): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/** The model: a sorted array of pairs plus a member index. */
class Model {
  pairs: Pair[] = [];
  scores = new Map<string, number>();

  private lowerBound(p: Pair): number {
    let lo = 0;
    let hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (less(this.pairs[mid], p)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  set(member: string, score: number): boolean {
    const old = this.scores.get(member);
    if (old !== undefined) {
      if (old === score) return false;
      this.pairs.splice(this.lowerBound([old, member]), 1);
    }
    this.pairs.splice(this.lowerBound([score, member]), 0, [score, member]);
    this.scores.set(member, score);
    return old === undefined;
  }

  delete(member: string): boolean {
    const old = this.scores.get(member);
    if (old === undefined) return false;
    this.pairs.splice(this.lowerBound([old, member]), 1);
    this.scores.delete(member);
    return true;
  }

  rank(member: string): number {
    const s = this.scores.get(member);
    return s === undefined ? -1 : this.lowerBound([s, member]);
  }

  countScoreBelow(x: number, inclusive: boolean): number {
    let n = 0;
    for (const [s] of this.pairs) if (inclusive ? s <= x : s < x) n++;
    return n;
  }

  deleteRange(start: number, count: number): void {
    for (const [, m] of this.pairs.splice(start, count)) this.scores.delete(m);
  }
}

const SPECIAL_SCORES = [0, -0, 1, -1, 0.5, Infinity, -Infinity, 1e300, -1e-300, 5e-324];

function drawScore(rnd: () => number): number {
  const r = rnd();
  if (r < 0.1) return SPECIAL_SCORES[Math.floor(rnd() * SPECIAL_SCORES.length)];
  if (r < 0.5) return Math.floor(rnd() * 50); // many ties: order by member matters
  return (rnd() - 0.5) * 1e6;
}

function drawMember(rnd: () => number, pool: number): string {
  const n = Math.floor(rnd() * pool);
  // Binary bytes and prefixes of each other, to exercise memcmp order.
  return n % 7 === 0 ? `\u0000${String.fromCharCode(n & 0xff)}${n}` : `m${n}`;
}

function checkSame(set: SortedSet, model: Model): void {
  assert.equal(set.size, model.pairs.length);
  const c = set.cursorAt(0);
  let i = 0;
  if (c.valid) {
    do {
      assert.deepEqual([c.score, c.member], model.pairs[i], `element ${i}`);
      i++;
    } while (c.next());
  }
  assert.equal(i, model.pairs.length);
  const back = set.cursorAt(set.size - 1);
  i = model.pairs.length - 1;
  if (back.valid) {
    do {
      assert.equal(back.member, model.pairs[i][1]);
      i--;
    } while (back.prev());
  }
  assert.equal(i, -1);
}

describe('SortedSet against a model', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: random adds, updates, deletes, ranks and range deletes agree`, () => {
      const rnd = mulberry32(seed);
      const set = new SortedSet();
      const model = new Model();
      const pool = 30_000;
      for (let step = 0; step < 60_000; step++) {
        const phase = step < 40_000 ? 0.75 : 0.3; // grow, then shrink
        const r = rnd();
        const member = drawMember(rnd, pool);
        if (r < phase) {
          const score = drawScore(rnd);
          assert.equal(set.set(member, score), model.set(member, score));
        } else if (r < 0.97) {
          assert.equal(set.delete(member), model.delete(member));
        } else if (model.pairs.length > 0) {
          const start = Math.floor(rnd() * model.pairs.length);
          const count = Math.min(model.pairs.length - start, 1 + Math.floor(rnd() * 600));
          set.deleteRange(start, count);
          model.deleteRange(start, count);
        }
        if (step % 97 === 0) {
          assert.equal(set.rank(member), model.rank(member));
          assert.equal(set.score(member), model.scores.get(member));
          if (model.pairs.length > 0) {
            const k = Math.floor(rnd() * model.pairs.length);
            assert.equal(set.memberAt(k), model.pairs[k][1]);
            assert.equal(set.scoreAt(k), model.pairs[k][0]);
            const x = drawScore(rnd);
            assert.equal(set.countScoreBelow(x, false), model.countScoreBelow(x, false), `below ${x}`);
            assert.equal(set.countScoreBelow(x, true), model.countScoreBelow(x, true), `at most ${x}`);
          }
        }
        if (step % 4999 === 0) {
          set.verify();
          checkSame(set, model);
        }
      }
      set.verify();
      checkSame(set, model);
      for (const [, m] of [...model.pairs]) {
        assert.equal(set.rank(m), model.rank(m));
      }
      // Empty it completely by range deletes from the front, as ZPOPMIN would.
      while (model.pairs.length > 0) {
        const n = Math.min(model.pairs.length, 1 + Math.floor(rnd() * 50));
        set.deleteRange(0, n);
        model.deleteRange(0, n);
      }
      set.verify();
      assert.equal(set.size, 0);
      assert.equal(set.cursorAt(0).valid, false);
    });
  }

  it('keeps -0 and 0 as equal scores: an existing member keeps the score it had', () => {
    const set = new SortedSet();
    set.set('a', -0);
    assert.equal(set.set('a', 0), false);
    assert.ok(Object.is(set.score('a'), -0));
    set.set('b', 0);
    assert.deepEqual([set.memberAt(0), set.memberAt(1)], ['a', 'b']);
    assert.equal(set.countScoreBelow(0, false), 0);
    assert.equal(set.countScoreBelow(-0, true), 2);
  });

  it('orders equal scores by member bytes, shorter prefix first', () => {
    const set = new SortedSet();
    for (const m of ['b', 'a', 'ab', '', '\u00ff', '\u0000', 'a\u0000']) set.set(m, 1);
    const order: string[] = [];
    const c = set.cursorAt(0);
    do order.push(c.member);
    while (c.next());
    assert.deepEqual(order, ['', '\u0000', 'a', 'a\u0000', 'ab', 'b', '\u00ff']);
    assert.equal(set.countMemberBelow('a', false), 2);
    assert.equal(set.countMemberBelow('a', true), 3);
    assert.equal(set.countMemberBelow('\u00ff\u00ff', true), 7);
  });

  it('counts members below a bound in large single-score sets (lex ranges)', () => {
    const set = new SortedSet();
    const members: string[] = [];
    for (let i = 0; i < 20_000; i++) members.push(`k${String(i).padStart(6, '0')}`);
    const rnd = mulberry32(9);
    for (const m of [...members].sort(() => rnd() - 0.5)) set.set(m, 7);
    set.verify();
    for (let t = 0; t < 200; t++) {
      const i = Math.floor(rnd() * members.length);
      assert.equal(set.countMemberBelow(members[i], false), i);
      assert.equal(set.countMemberBelow(members[i], true), i + 1);
      assert.equal(set.countMemberBelow(members[i] + '\u0000', false), i + 1);
    }
  });

  it('monotonic inserts fill leaves instead of leaving them half empty', () => {
    const up = new SortedSet();
    const down = new SortedSet();
    for (let i = 0; i < 50_000; i++) {
      up.set(`u${i}`, i);
      down.set(`d${i}`, -i);
    }
    up.verify();
    down.verify();
    assert.equal(up.memberAt(0), 'u0');
    assert.equal(down.memberAt(0), 'd49999');
    assert.equal(up.rank('u12345'), 12345);
    assert.equal(down.rank('d12345'), 50_000 - 1 - 12345);
  });

  it('fromSorted and clone build independent, valid trees of any size', () => {
    for (const n of [0, 1, 127, 128, 129, 5000, 70_000]) {
      const members: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i < n; i++) {
        members.push(`m${String(i).padStart(6, '0')}`);
        scores.push(Math.floor(i / 3));
      }
      const set = SortedSet.fromSorted(members, scores);
      set.verify();
      assert.equal(set.size, n);
      if (n > 0) assert.equal(set.memberAt(n - 1), members[n - 1]);
      const copy = set.clone();
      copy.verify();
      if (n > 0) {
        copy.delete(members[0]);
        copy.set('new', -5);
        assert.equal(set.rank(members[0]), 0);
        assert.equal(set.has('new'), false);
        assert.equal(copy.rank('new'), 0);
        copy.verify();
      }
      set.verify();
    }
  });

  it('random members by table index and scan visit every member', () => {
    const set = new SortedSet();
    for (let i = 0; i < 1000; i++) set.set(`m${i}`, i % 10);
    const seen = new Set<string>();
    let cursor = 0;
    do {
      cursor = set.scan(cursor, 37, (m, s) => {
        assert.equal(set.score(m), s);
        seen.add(m);
      });
    } while (cursor !== 0);
    assert.equal(seen.size, 1000);
    const i = set.randomIndex(mulberry32(4));
    assert.equal(set.score(set.memberAtIndex(i)), set.scoreAtIndex(i));
  });
});
