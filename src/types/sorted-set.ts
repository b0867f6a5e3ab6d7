/**
 * SortedSet: the table form of a sorted set (Redis's "skiplist" encoding), for sets past
 * zset-max-listpack-entries.
 *
 * Redis pairs a dict (member -> score) with a skiplist ordered by (score, member). Here the dict
 * is a MemberTable (O(1) score lookup, uniform random member, a SCAN cursor with SCAN's
 * guarantee) and the order is a counted B+tree instead of a skiplist. Inner nodes hold the size
 * of each subtree, so rank, element by rank, range bounds by score or by member, and range
 * deletion are all O(log n). Ties are ordered by member bytes: members are latin1 strings,
 * whose `<` is memcmp's order.
 *
 * The tree is not made of objects. A skiplist node or a tree node per JS object costs memory
 * and collector time, and every step through one is a chain of dependent loads (object, array,
 * backing store) that misses the cache on a large set. Instead each tree keeps all its leaves
 * in one array of scores (unboxed doubles) and one of members, LEAF_CAP slots per leaf id, and
 * its inner nodes likewise; a node is an id, and a step costs one cache miss, not three.
 *
 * Knows nothing of RESP or of the listpack form; the command layer (commands/zset-ops.ts) puts
 * the two encodings behind one API.
 */

import { MemberTable } from './member-table.js';
import { SLOT_BYTES, TREE_FILL } from './memory.js';

/** Elements per leaf: an insert shifts at most this many. */
const LEAF_CAP = 32;
/** A leaf below this merges with a sibling or borrows from it. */
const LEAF_MIN = 8;
/** Children per inner node. */
const INNER_CAP = 64;
const INNER_MIN = 16;
/** No leaf (the end of the leaf chain). */
const NONE = -1;
/**
 * Leaf slots are stored in chunks of CHUNK_LEAVES leaves, allocated whole, so a growing set
 * never copies its slot arrays and leaves the old copies to the collector.
 */
const CHUNK_SHIFT = 10;
const CHUNK_LEAVES = 1 << CHUNK_SHIFT;
const CHUNK_SLOTS = CHUNK_LEAVES * LEAF_CAP;
/** The first chunk starts with room for this many leaves and doubles up to CHUNK_LEAVES. */
const FIRST_CHUNK_LEAVES = 8;

/** Templates that new chunks are sliced from: exact size, final element kinds, no regrowth. */
const SCORE_TEMPLATE: number[] = [];
const MEMBER_TEMPLATE: string[] = [];
for (let k = 0; k < CHUNK_SLOTS; k++) {
  SCORE_TEMPLATE.push(0.5);
  MEMBER_TEMPLATE.push('');
}

/** (s1, m1) < (s2, m2) in sorted-set order. */
function keyLess(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

// Descent path, shared by all trees (one operation runs at a time).
const pathNodes: number[] = [];
const pathIndexes: number[] = [];

/** Where the last locate() landed: a leaf id and a slot in it. */
let foundLeaf = 0;
let foundIndex = 0;

// ---------------------------------------------------------------------------------------------
// The order: a counted B+tree of (score, member)
// ---------------------------------------------------------------------------------------------

class OrderTree {
  // Leaf `l` holds leafSize[l] elements in slots [offsetOf(l), offsetOf(l) + leafSize[l]) of
  // its chunk, scoreChunks/memberChunks[l >>> CHUNK_SHIFT].
  readonly scoreChunks: number[][] = [];
  readonly memberChunks: string[][] = [];
  readonly leafSize: number[] = [];
  readonly leafNext: number[] = [];
  readonly leafPrev: number[] = [];
  private readonly freeLeaves: number[] = [];
  // Inner node `n` has innerSize[n] children in slots [n * INNER_CAP, ...): the child's id, the
  // number of elements under it, and its lower bound (every key under child j is >= bound j
  // and < bound j + 1; the bound of slot 0 is the parent's bound for the node, not kept here).
  readonly innerChild: number[] = [];
  readonly innerCount: number[] = [];
  readonly innerSepScore: number[] = [];
  readonly innerSepMember: string[] = [];
  readonly innerSize: number[] = [];
  private readonly freeInners: number[] = [];

  root: number;
  /** Inner levels above the leaves: at depth `height` ids are leaf ids. */
  height = 0;
  size = 0;
  firstLeaf: number;
  lastLeaf: number;

  constructor() {
    this.root = this.firstLeaf = this.lastLeaf = this.newLeaf();
  }

  /** Leaf slots allocated (for shrinking a set that emptied out). */
  get leafSlots(): number {
    return this.leafSize.length * LEAF_CAP;
  }

  scoresOf(l: number): number[] {
    return this.scoreChunks[l >>> CHUNK_SHIFT];
  }

  membersOf(l: number): string[] {
    return this.memberChunks[l >>> CHUNK_SHIFT];
  }

  /** Where leaf `l`'s slots start in its chunk. */
  offsetOf(l: number): number {
    return (l & (CHUNK_LEAVES - 1)) * LEAF_CAP;
  }

  private newLeaf(): number {
    let l = this.freeLeaves.pop();
    if (l === undefined) {
      l = this.leafSize.length;
      this.leafSize.push(0);
      this.leafNext.push(NONE);
      this.leafPrev.push(NONE);
      this.makeRoom(l);
    }
    this.leafSize[l] = 0;
    this.leafNext[l] = NONE;
    this.leafPrev[l] = NONE;
    return l;
  }

  /** Make sure leaf `l`'s chunk exists and reaches it. */
  private makeRoom(l: number): void {
    const chunk = l >>> CHUNK_SHIFT;
    const end = this.offsetOf(l) + LEAF_CAP;
    if (chunk < this.scoreChunks.length) {
      const scores = this.scoreChunks[chunk];
      if (end <= scores.length) return;
      // Only the first chunk grows (so a small set stays small), by doubling.
      const size = Math.min(CHUNK_SLOTS, Math.max(end, scores.length * 2));
      const grownScores = SCORE_TEMPLATE.slice(0, size);
      const grownMembers = MEMBER_TEMPLATE.slice(0, size);
      const members = this.memberChunks[chunk];
      for (let k = 0; k < scores.length; k++) {
        grownScores[k] = scores[k];
        grownMembers[k] = members[k];
      }
      this.scoreChunks[chunk] = grownScores;
      this.memberChunks[chunk] = grownMembers;
      return;
    }
    const size = chunk === 0 ? FIRST_CHUNK_LEAVES * LEAF_CAP : CHUNK_SLOTS;
    this.scoreChunks.push(SCORE_TEMPLATE.slice(0, size));
    this.memberChunks.push(MEMBER_TEMPLATE.slice(0, size));
  }

  private freeLeaf(l: number): void {
    this.leafSize[l] = 0;
    this.freeLeaves.push(l);
  }

  private newInner(): number {
    let n = this.freeInners.pop();
    if (n === undefined) {
      n = this.innerSize.length;
      this.innerSize.push(0);
      for (let k = 0; k < INNER_CAP; k++) {
        this.innerChild.push(0);
        this.innerCount.push(0);
        this.innerSepScore.push(0.5);
        this.innerSepMember.push('');
      }
    }
    this.innerSize[n] = 0;
    return n;
  }

  private freeInner(n: number): void {
    this.innerSize[n] = 0;
    this.freeInners.push(n);
  }

  /**
   * The child slot of inner node `n` whose key range holds (score, member). The searches here
   * are linear on purpose: on a large set every probe of a binary search is a cache miss that
   * waits for the one before, while a linear scan's loads are independent and run ahead.
   */
  private childFor(n: number, score: number, member: string): number {
    const base = n * INNER_CAP;
    const scores = this.innerSepScore;
    const end = base + this.innerSize[n];
    let i = base + 1;
    while (i < end && scores[i] < score) i++;
    while (i < end && scores[i] === score && this.innerSepMember[i] <= member) i++;
    return i - 1 - base;
  }

  /** First slot of leaf `l` whose key is not below (score, member). */
  private leafLowerBound(l: number, score: number, member: string): number {
    const base = this.offsetOf(l);
    const scores = this.scoresOf(l);
    const end = base + this.leafSize[l];
    let i = base;
    while (i < end && scores[i] < score) i++;
    if (i < end && scores[i] === score) {
      const members = this.membersOf(l);
      while (i < end && scores[i] === score && members[i] < member) i++;
    }
    return i - base;
  }

  /** Copy n elements from leaf `src` at `from` to leaf `dst` at `to` (one leaf: may overlap). */
  private moveElements(src: number, from: number, dst: number, to: number, n: number): void {
    const ss = this.scoresOf(src);
    const sm = this.membersOf(src);
    const ds = this.scoresOf(dst);
    const dm = this.membersOf(dst);
    const f = this.offsetOf(src) + from;
    const t = this.offsetOf(dst) + to;
    if (src === dst && t > f) {
      for (let k = n - 1; k >= 0; k--) {
        ds[t + k] = ss[f + k];
        dm[t + k] = sm[f + k];
      }
    } else {
      for (let k = 0; k < n; k++) {
        ds[t + k] = ss[f + k];
        dm[t + k] = sm[f + k];
      }
    }
  }

  /** Drop member references in positions [from, to) of leaf `l` so the collector can free them. */
  private clearElements(l: number, from: number, to: number): void {
    const members = this.membersOf(l);
    const base = this.offsetOf(l);
    for (let k = base + from; k < base + to; k++) members[k] = '';
  }

  /** Element `i` of leaf `l`. */
  scoreAt(l: number, i: number): number {
    return this.scoresOf(l)[this.offsetOf(l) + i];
  }

  memberAt(l: number, i: number): string {
    return this.membersOf(l)[this.offsetOf(l) + i];
  }

  /** Copy inner slots [from, from + n) to [to, to + n) (absolute slots; may overlap). */
  private moveSlots(from: number, to: number, n: number): void {
    if (to > from) {
      for (let k = n - 1; k >= 0; k--) this.copySlot(from + k, to + k);
    } else {
      for (let k = 0; k < n; k++) this.copySlot(from + k, to + k);
    }
  }

  private copySlot(from: number, to: number): void {
    this.innerChild[to] = this.innerChild[from];
    this.innerCount[to] = this.innerCount[from];
    this.innerSepScore[to] = this.innerSepScore[from];
    this.innerSepMember[to] = this.innerSepMember[from];
  }

  private clearSlots(from: number, to: number): void {
    for (let k = from; k < to; k++) this.innerSepMember[k] = '';
  }

  private sumCounts(n: number): number {
    const base = n * INNER_CAP;
    let total = 0;
    for (let k = 0; k < this.innerSize[n]; k++) total += this.innerCount[base + k];
    return total;
  }

  private insertElement(l: number, pos: number, score: number, member: string): void {
    const size = this.leafSize[l];
    this.moveElements(l, pos, l, pos + 1, size - pos);
    const at = this.offsetOf(l) + pos;
    this.scoresOf(l)[at] = score;
    this.membersOf(l)[at] = member;
    this.leafSize[l] = size + 1;
  }

  private removeElements(l: number, pos: number, k: number): void {
    const size = this.leafSize[l];
    this.moveElements(l, pos + k, l, pos, size - pos - k);
    this.clearElements(l, size - k, size);
    this.leafSize[l] = size - k;
  }

  private insertSlot(n: number, at: number, child: number, count: number, score: number, member: string): void {
    const base = n * INNER_CAP;
    this.moveSlots(base + at, base + at + 1, this.innerSize[n] - at);
    this.innerChild[base + at] = child;
    this.innerCount[base + at] = count;
    this.innerSepScore[base + at] = score;
    this.innerSepMember[base + at] = member;
    this.innerSize[n]++;
  }

  private removeSlot(n: number, at: number): void {
    const base = n * INNER_CAP;
    const size = this.innerSize[n];
    this.moveSlots(base + at + 1, base + at, size - at - 1);
    this.clearSlots(base + size - 1, base + size);
    this.innerSize[n] = size - 1;
  }

  insert(score: number, member: string): void {
    let node = this.root;
    for (let d = 0; d < this.height; d++) {
      const i = this.childFor(node, score, member);
      this.innerCount[node * INNER_CAP + i]++;
      pathNodes[d] = node;
      pathIndexes[d] = i;
      node = this.innerChild[node * INNER_CAP + i];
    }
    const leaf = node;
    const pos = this.leafLowerBound(leaf, score, member);
    this.size++;
    if (this.leafSize[leaf] < LEAF_CAP) {
      this.insertElement(leaf, pos, score, member);
      return;
    }
    // Split. Appending past the last leaf or prepending before the first (monotonic scores)
    // leaves the full leaf full instead of making two half-empty ones.
    let mid = LEAF_CAP >>> 1;
    if (pos === LEAF_CAP && this.leafNext[leaf] === NONE) mid = LEAF_CAP;
    else if (pos === 0 && this.leafPrev[leaf] === NONE) mid = 0;
    const right = this.newLeaf();
    this.moveElements(leaf, mid, right, 0, LEAF_CAP - mid);
    this.clearElements(leaf, mid, LEAF_CAP);
    this.leafSize[right] = LEAF_CAP - mid;
    this.leafSize[leaf] = mid;
    if (pos < mid || (pos === mid && mid < LEAF_CAP)) this.insertElement(leaf, pos, score, member);
    else this.insertElement(right, pos - mid, score, member);
    const next = this.leafNext[leaf];
    this.leafNext[right] = next;
    this.leafPrev[right] = leaf;
    if (next !== NONE) this.leafPrev[next] = right;
    else this.lastLeaf = right;
    this.leafNext[leaf] = right;
    this.addChild(this.height - 1, leaf, this.leafSize[leaf], right, this.leafSize[right], this.scoreAt(right, 0), this.memberAt(right, 0));
  }

  /**
   * Child `left` of the node at path depth `d` (the one descended through) was split: record
   * its new count and insert `right` after it with lower bound (score, member).
   */
  private addChild(d: number, left: number, leftCount: number, right: number, rightCount: number, score: number, member: string): void {
    if (d < 0) {
      const root = this.newInner();
      const base = root * INNER_CAP;
      this.innerSize[root] = 2;
      this.innerChild[base] = left;
      this.innerCount[base] = leftCount;
      this.innerChild[base + 1] = right;
      this.innerCount[base + 1] = rightCount;
      this.innerSepScore[base + 1] = score;
      this.innerSepMember[base + 1] = member;
      this.root = root;
      this.height++;
      return;
    }
    const node = pathNodes[d];
    const i = pathIndexes[d];
    const base = node * INNER_CAP;
    this.innerCount[base + i] = leftCount;
    if (this.innerSize[node] < INNER_CAP) {
      this.insertSlot(node, i + 1, right, rightCount, score, member);
      return;
    }
    const mid = INNER_CAP >>> 1;
    const sibling = this.newInner();
    const sb = sibling * INNER_CAP;
    this.moveSlots(base + mid, sb, INNER_CAP - mid);
    this.clearSlots(base + mid, base + INNER_CAP);
    this.innerSize[sibling] = INNER_CAP - mid;
    this.innerSize[node] = mid;
    if (i + 1 <= mid) this.insertSlot(node, i + 1, right, rightCount, score, member);
    else this.insertSlot(sibling, i + 1 - mid, right, rightCount, score, member);
    this.addChild(d - 1, node, this.sumCounts(node), sibling, this.sumCounts(sibling), this.innerSepScore[sb], this.innerSepMember[sb]);
  }

  /** Remove (score, member), which must be present. */
  delete(score: number, member: string): void {
    let node = this.root;
    for (let d = 0; d < this.height; d++) {
      const i = this.childFor(node, score, member);
      this.innerCount[node * INNER_CAP + i]--;
      pathNodes[d] = node;
      pathIndexes[d] = i;
      node = this.innerChild[node * INNER_CAP + i];
    }
    const leaf = node;
    const pos = this.leafLowerBound(leaf, score, member);
    if (pos >= this.leafSize[leaf] || this.scoreAt(leaf, pos) !== score || this.memberAt(leaf, pos) !== member) {
      throw new Error('sorted set: deleting an element that is not in the tree');
    }
    this.removeElements(leaf, pos, 1);
    this.size--;
    this.rebalanceLeaf(leaf);
  }

  /**
   * Remove `count` elements from rank `start` on, and their members from `table`. Works leaf by
   * leaf: O(log n) per leaf touched plus O(1) per element.
   */
  deleteRange(start: number, count: number, table: MemberTable<number>): void {
    while (count > 0) {
      this.locate(start, true);
      const leaf = foundLeaf;
      const k = Math.min(count, this.leafSize[leaf] - foundIndex);
      for (let j = 0; j < k; j++) table.delete(this.memberAt(leaf, foundIndex + j));
      this.removeElements(leaf, foundIndex, k);
      for (let d = 0; d < this.height; d++) this.innerCount[pathNodes[d] * INNER_CAP + pathIndexes[d]] -= k;
      this.size -= k;
      count -= k;
      this.rebalanceLeaf(leaf);
    }
  }

  /** After a removal from `leaf` (reached by the current path): merge or borrow when it is too small. */
  private rebalanceLeaf(leaf: number): void {
    const h = this.height;
    if (h === 0 || this.leafSize[leaf] >= LEAF_MIN) return;
    const parent = pathNodes[h - 1];
    const i = pathIndexes[h - 1];
    const li = i > 0 ? i - 1 : 0;
    const pb = parent * INNER_CAP;
    const left = this.innerChild[pb + li];
    const right = this.innerChild[pb + li + 1];
    const leftSize = this.leafSize[left];
    const rightSize = this.leafSize[right];
    if (leftSize + rightSize <= LEAF_CAP) {
      this.moveElements(right, 0, left, leftSize, rightSize);
      this.clearElements(right, 0, rightSize);
      this.leafSize[left] = leftSize + rightSize;
      const next = this.leafNext[right];
      this.leafNext[left] = next;
      if (next !== NONE) this.leafPrev[next] = left;
      else this.lastLeaf = left;
      this.freeLeaf(right);
      this.innerCount[pb + li] += this.innerCount[pb + li + 1];
      this.removeSlot(parent, li + 1);
      this.rebalanceInner(h - 1);
      return;
    }
    // Borrow: share the elements of the two leaves evenly.
    const wantLeft = (leftSize + rightSize) >>> 1;
    if (leftSize < wantLeft) {
      const k = wantLeft - leftSize;
      this.moveElements(right, 0, left, leftSize, k);
      this.moveElements(right, k, right, 0, rightSize - k);
      this.clearElements(right, rightSize - k, rightSize);
      this.leafSize[left] = leftSize + k;
      this.leafSize[right] = rightSize - k;
    } else {
      const k = leftSize - wantLeft;
      this.moveElements(right, 0, right, k, rightSize);
      this.moveElements(left, wantLeft, right, 0, k);
      this.clearElements(left, wantLeft, leftSize);
      this.leafSize[left] = wantLeft;
      this.leafSize[right] = rightSize + k;
    }
    this.innerCount[pb + li] = this.leafSize[left];
    this.innerCount[pb + li + 1] = this.leafSize[right];
    this.innerSepScore[pb + li + 1] = this.scoreAt(right, 0);
    this.innerSepMember[pb + li + 1] = this.memberAt(right, 0);
  }

  /** After the node at path depth `d` lost a child: merge or borrow, or shrink the root. */
  private rebalanceInner(d: number): void {
    const node = pathNodes[d];
    if (d === 0) {
      if (this.innerSize[node] === 1) {
        this.root = this.innerChild[node * INNER_CAP];
        this.freeInner(node);
        this.height--;
      }
      return;
    }
    if (this.innerSize[node] >= INNER_MIN) return;
    const parent = pathNodes[d - 1];
    const i = pathIndexes[d - 1];
    const li = i > 0 ? i - 1 : 0;
    const pb = parent * INNER_CAP;
    const left = this.innerChild[pb + li];
    const right = this.innerChild[pb + li + 1];
    const lb = left * INNER_CAP;
    const rb = right * INNER_CAP;
    const leftSize = this.innerSize[left];
    const rightSize = this.innerSize[right];
    // The right node's first child has the parent's bound for the right node.
    this.innerSepScore[rb] = this.innerSepScore[pb + li + 1];
    this.innerSepMember[rb] = this.innerSepMember[pb + li + 1];
    if (leftSize + rightSize <= INNER_CAP) {
      this.moveSlots(rb, lb + leftSize, rightSize);
      this.clearSlots(rb, rb + rightSize);
      this.innerSize[left] = leftSize + rightSize;
      this.freeInner(right);
      this.innerCount[pb + li] += this.innerCount[pb + li + 1];
      this.removeSlot(parent, li + 1);
      this.rebalanceInner(d - 1);
      return;
    }
    const wantLeft = (leftSize + rightSize) >>> 1;
    let moved = 0;
    if (leftSize < wantLeft) {
      const k = wantLeft - leftSize;
      for (let j = 0; j < k; j++) moved += this.innerCount[rb + j];
      this.moveSlots(rb, lb + leftSize, k);
      this.moveSlots(rb + k, rb, rightSize - k);
      this.clearSlots(rb + rightSize - k, rb + rightSize);
      this.innerSize[left] = leftSize + k;
      this.innerSize[right] = rightSize - k;
      this.innerCount[pb + li] += moved;
      this.innerCount[pb + li + 1] -= moved;
    } else {
      const k = leftSize - wantLeft;
      for (let j = wantLeft; j < leftSize; j++) moved += this.innerCount[lb + j];
      this.moveSlots(rb, rb + k, rightSize);
      this.moveSlots(lb + wantLeft, rb, k);
      this.clearSlots(lb + wantLeft, lb + leftSize);
      this.innerSize[left] = wantLeft;
      this.innerSize[right] = rightSize + k;
      this.innerCount[pb + li] -= moved;
      this.innerCount[pb + li + 1] += moved;
    }
    this.innerSepScore[pb + li + 1] = this.innerSepScore[rb];
    this.innerSepMember[pb + li + 1] = this.innerSepMember[rb];
  }

  /**
   * Find the element of rank `rank` (0 <= rank < size): sets foundLeaf/foundIndex. With
   * `recordPath` the descent is left in pathNodes/pathIndexes.
   */
  locate(rank: number, recordPath: boolean): void {
    let node = this.root;
    const counts = this.innerCount;
    for (let d = 0; d < this.height; d++) {
      const base = node * INNER_CAP;
      let i = 0;
      while (rank >= counts[base + i]) rank -= counts[base + i++];
      if (recordPath) {
        pathNodes[d] = node;
        pathIndexes[d] = i;
      }
      node = this.innerChild[base + i];
    }
    foundLeaf = node;
    foundIndex = rank;
  }

  /** 0-based rank of (score, member), which must be present. */
  rankOf(score: number, member: string): number {
    let node = this.root;
    let rank = 0;
    for (let d = 0; d < this.height; d++) {
      const i = this.childFor(node, score, member);
      const base = node * INNER_CAP;
      for (let j = 0; j < i; j++) rank += this.innerCount[base + j];
      node = this.innerChild[base + i];
    }
    return rank + this.leafLowerBound(node, score, member);
  }

  /** How many elements have a score below `x` (`inclusive`: at most `x`). */
  countScoreBelow(x: number, inclusive: boolean): number {
    let node = this.root;
    let rank = 0;
    for (let d = 0; d < this.height; d++) {
      const base = node * INNER_CAP;
      let lo = 1;
      let hi = this.innerSize[node] - 1;
      let i = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const s = this.innerSepScore[base + mid];
        if (inclusive ? s <= x : s < x) {
          i = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      for (let j = 0; j < i; j++) rank += this.innerCount[base + j];
      node = this.innerChild[base + i];
    }
    const base = this.offsetOf(node);
    const scores = this.scoresOf(node);
    let lo = base;
    let hi = base + this.leafSize[node];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = scores[mid];
      if (inclusive ? s <= x : s < x) lo = mid + 1;
      else hi = mid;
    }
    return rank + lo - base;
  }

  /**
   * How many elements have a member below `m` (`inclusive`: at most `m`), for sets whose
   * elements all have the same score (what ZRANGEBYLEX is specified for).
   */
  countMemberBelow(m: string, inclusive: boolean): number {
    let node = this.root;
    let rank = 0;
    for (let d = 0; d < this.height; d++) {
      const base = node * INNER_CAP;
      let lo = 1;
      let hi = this.innerSize[node] - 1;
      let i = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const s = this.innerSepMember[base + mid];
        if (inclusive ? s <= m : s < m) {
          i = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      for (let j = 0; j < i; j++) rank += this.innerCount[base + j];
      node = this.innerChild[base + i];
    }
    const base = this.offsetOf(node);
    const members = this.membersOf(node);
    let lo = base;
    let hi = base + this.leafSize[node];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = members[mid];
      if (inclusive ? s <= m : s < m) lo = mid + 1;
      else hi = mid;
    }
    return rank + lo - base;
  }

  /** The first leaf under `node` at `depth`: its first element is the node's lowest key. */
  private lowestLeaf(node: number, depth: number): number {
    for (let d = depth; d < this.height; d++) node = this.innerChild[node * INNER_CAP];
    return node;
  }

  /** A tree holding members[i], scores[i] for i < n, which are in order. */
  static fromSorted(members: readonly string[], scores: readonly number[], n: number): OrderTree {
    const tree = new OrderTree();
    if (n === 0) return tree;
    let level: number[] = [];
    let levelCounts: number[] = [];
    const leafCount = Math.ceil(n / LEAF_CAP);
    let at = 0;
    let prev = NONE;
    for (let k = 0; k < leafCount; k++) {
      // Even shares keep every leaf above LEAF_MIN.
      const take = Math.floor((n * (k + 1)) / leafCount) - Math.floor((n * k) / leafCount);
      const leaf = k === 0 ? tree.root : tree.newLeaf();
      const base = tree.offsetOf(leaf);
      const leafScores = tree.scoresOf(leaf);
      const leafMembers = tree.membersOf(leaf);
      for (let j = 0; j < take; j++) {
        leafMembers[base + j] = members[at + j];
        leafScores[base + j] = scores[at + j];
      }
      tree.leafSize[leaf] = take;
      at += take;
      tree.leafPrev[leaf] = prev;
      if (prev !== NONE) tree.leafNext[prev] = leaf;
      prev = leaf;
      level.push(leaf);
      levelCounts.push(take);
    }
    tree.lastLeaf = prev;
    tree.size = n;
    while (level.length > 1) {
      const parents: number[] = [];
      const parentCounts: number[] = [];
      const groups = Math.ceil(level.length / INNER_CAP);
      let c = 0;
      for (let g = 0; g < groups; g++) {
        const take = Math.floor((level.length * (g + 1)) / groups) - Math.floor((level.length * g) / groups);
        const inner = tree.newInner();
        const base = inner * INNER_CAP;
        let total = 0;
        for (let j = 0; j < take; j++) {
          const child = level[c + j];
          tree.innerChild[base + j] = child;
          tree.innerCount[base + j] = levelCounts[c + j];
          total += levelCounts[c + j];
        }
        tree.innerSize[inner] = take;
        c += take;
        parents.push(inner);
        parentCounts.push(total);
      }
      // Bounds: the lowest key under each child (the children have `height` levels below).
      for (const inner of parents) {
        const base = inner * INNER_CAP;
        for (let j = 0; j < tree.innerSize[inner]; j++) {
          const low = tree.lowestLeaf(tree.innerChild[base + j], 0);
          tree.innerSepScore[base + j] = tree.scoreAt(low, 0);
          tree.innerSepMember[base + j] = tree.memberAt(low, 0);
        }
      }
      level = parents;
      levelCounts = parentCounts;
      tree.height++;
    }
    tree.root = level[0];
    return tree;
  }

  /** Check the invariants (tests): order, counts, bounds, links, fill. */
  verify(table: MemberTable<number>): void {
    let seen = 0;
    let prevLeaf = NONE;
    let lastScore = -Infinity;
    let lastMember: string | null = null;
    const walk = (node: number, depth: number, isRoot: boolean): number => {
      if (depth === this.height) {
        const size = this.leafSize[node];
        // The first and last leaves may be small: monotonic inserts split them unevenly.
        const atEnd = node === this.firstLeaf || node === this.lastLeaf;
        if (!isRoot && !atEnd && size < LEAF_MIN) throw new Error(`verify: leaf underfull (${size})`);
        if (!isRoot && size === 0) throw new Error('verify: empty leaf');
        if (this.leafPrev[node] !== prevLeaf) throw new Error('verify: broken prev link');
        if (prevLeaf !== NONE && this.leafNext[prevLeaf] !== node) throw new Error('verify: broken next link');
        prevLeaf = node;
        for (let k = 0; k < size; k++) {
          const s = this.scoreAt(node, k);
          const m = this.memberAt(node, k);
          if (lastMember !== null && !keyLess(lastScore, lastMember, s, m)) throw new Error('verify: out of order');
          if (table.get(m) !== s) throw new Error('verify: table and tree disagree');
          lastScore = s;
          lastMember = m;
        }
        seen += size;
        return size;
      }
      const size = this.innerSize[node];
      if (!isRoot && size < INNER_MIN) throw new Error(`verify: inner underfull (${size})`);
      if (isRoot && size < 2) throw new Error('verify: root with one child');
      const base = node * INNER_CAP;
      let total = 0;
      for (let i = 0; i < size; i++) {
        const child = this.innerChild[base + i];
        if (i > 0) {
          const low = this.lowestLeaf(child, depth + 1);
          const bs = this.innerSepScore[base + i];
          const bm = this.innerSepMember[base + i];
          if (keyLess(this.scoreAt(low, 0), this.memberAt(low, 0), bs, bm)) throw new Error('verify: key below its bound');
          if (lastMember !== null && !keyLess(lastScore, lastMember, bs, bm)) throw new Error('verify: bound not above the previous child');
        }
        const c = walk(child, depth + 1, false);
        if (c !== this.innerCount[base + i]) throw new Error(`verify: count ${this.innerCount[base + i]} for a subtree of ${c}`);
        total += c;
      }
      return total;
    };
    walk(this.root, 0, true);
    if (prevLeaf !== this.lastLeaf) throw new Error('verify: lastLeaf is wrong');
    if (seen !== this.size || seen !== table.size) throw new Error(`verify: size ${this.size}, table ${table.size}, seen ${seen}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Walking the order
// ---------------------------------------------------------------------------------------------

/** A position in a sorted set's order; invalid once the set changes. */
export class SortedSetCursor {
  constructor(
    private readonly tree: OrderTree,
    private leaf: number,
    private index: number,
  ) {}

  /** Is the cursor on an element (not past either end)? */
  get valid(): boolean {
    return this.leaf !== NONE;
  }

  get member(): string {
    return this.tree.memberAt(this.leaf, this.index);
  }

  get score(): number {
    return this.tree.scoreAt(this.leaf, this.index);
  }

  /** Step to the next element in order; false past the last. */
  next(): boolean {
    if (++this.index < this.tree.leafSize[this.leaf]) return true;
    this.leaf = this.tree.leafNext[this.leaf];
    this.index = 0;
    return this.leaf !== NONE;
  }

  /** Step to the previous element; false before the first. */
  prev(): boolean {
    if (--this.index >= 0) return true;
    this.leaf = this.tree.leafPrev[this.leaf];
    this.index = this.leaf === NONE ? 0 : this.tree.leafSize[this.leaf] - 1;
    return this.leaf !== NONE;
  }
}

// ---------------------------------------------------------------------------------------------
// The sorted set
// ---------------------------------------------------------------------------------------------

export class SortedSet {
  private table = new MemberTable<number>();
  private tree = new OrderTree();

  get size(): number {
    return this.tree.size;
  }

  /** Estimated bytes held: the member table, and a score and a member slot in the tree. */
  get memoryBytes(): number {
    return this.table.memoryBytes + Math.round((this.tree.size * 2 * SLOT_BYTES) / TREE_FILL);
  }

  /** The score of `member`, or undefined. */
  score(member: string): number | undefined {
    return this.table.get(member);
  }

  has(member: string): boolean {
    return this.table.has(member);
  }

  /**
   * Give `member` the score `score`, adding it if it is new (returns true then). As Redis, an
   * existing member keeps its score when the new one compares equal (0 and -0).
   */
  set(member: string, score: number): boolean {
    const i = this.table.indexOf(member);
    if (i < 0) {
      this.insertNew(member, score);
      return true;
    }
    if (this.table.valueAt(i) !== score) this.updateAt(i, score);
    return false;
  }

  /** The table index of `member` (for the *AtIndex methods), or -1. */
  indexOf(member: string): number {
    return this.table.indexOf(member);
  }

  /** indexOf() of the member with bytes b[start, end). */
  indexOfBytes(b: Uint8Array, start: number, end: number): number {
    return this.table.indexOfBytes(b, start, end);
  }

  /**
   * Move the member at table index `i` to `score` (a different score, by `!==`). With
   * indexOf() this costs one hash lookup where score() then set() costs two.
   */
  updateAt(i: number, score: number): void {
    const member = this.table.memberAt(i);
    this.tree.delete(this.table.valueAt(i), member);
    this.tree.insert(score, member);
    this.table.setValueAt(i, score);
  }

  /** Add `member`, known to be absent. */
  insertNew(member: string, score: number): void {
    this.table.add(member, score);
    this.tree.insert(score, member);
  }

  /** Remove `member`; returns whether it was there. */
  delete(member: string): boolean {
    return this.deleteAtIndex(this.table.indexOf(member));
  }

  /** Remove the member with bytes b[start, end); returns whether it was there. */
  deleteBytes(b: Uint8Array, start: number, end: number): boolean {
    return this.deleteAtIndex(this.table.indexOfBytes(b, start, end));
  }

  private deleteAtIndex(i: number): boolean {
    if (i < 0) return false;
    const member = this.table.memberAt(i);
    const score = this.table.valueAt(i);
    this.table.deleteAt(i);
    this.tree.delete(score, member);
    this.maybeShrink();
    return true;
  }

  /** 0-based rank of `member` in ascending order, or -1. */
  rank(member: string): number {
    const score = this.table.get(member);
    return score === undefined ? -1 : this.tree.rankOf(score, member);
  }

  /** A cursor on the element of rank `rank` (invalid when out of range). */
  cursorAt(rank: number): SortedSetCursor {
    if (rank < 0 || rank >= this.tree.size) return new SortedSetCursor(this.tree, NONE, 0);
    this.tree.locate(rank, false);
    return new SortedSetCursor(this.tree, foundLeaf, foundIndex);
  }

  memberAt(rank: number): string {
    this.tree.locate(rank, false);
    return this.tree.memberAt(foundLeaf, foundIndex);
  }

  scoreAt(rank: number): number {
    this.tree.locate(rank, false);
    return this.tree.scoreAt(foundLeaf, foundIndex);
  }

  /** How many elements score below `x` (`inclusive`: at most `x`). */
  countScoreBelow(x: number, inclusive: boolean): number {
    return this.tree.countScoreBelow(x, inclusive);
  }

  /** How many members sort below `m` (`inclusive`: at most `m`), all scores being equal. */
  countMemberBelow(m: string, inclusive: boolean): number {
    return this.tree.countMemberBelow(m, inclusive);
  }

  /** Remove the elements of ranks [start, start + count). */
  deleteRange(start: number, count: number): void {
    this.tree.deleteRange(start, count, this.table);
    this.maybeShrink();
  }

  /**
   * A set that was large and is now small still holds the arrays it grew to; rebuild it
   * compactly once it uses a sixteenth of them (amortized O(1) per removal).
   */
  private maybeShrink(): void {
    const slots = this.tree.leafSlots;
    if (slots > 64 * LEAF_CAP && this.tree.size * 16 < slots) {
      const n = this.size;
      const members: string[] = new Array<string>(n);
      const scores: number[] = new Array<number>(n);
      this.readInto(members, scores);
      this.tree = OrderTree.fromSorted(members, scores, n);
    }
  }

  // Unordered access by table index (random members, SCAN).

  randomIndex(random?: () => number): number {
    return this.table.randomIndex(random);
  }

  memberAtIndex(i: number): string {
    return this.table.memberAt(i);
  }

  scoreAtIndex(i: number): number {
    return this.table.valueAt(i);
  }

  /** ZSCAN: visit up to `count` members from `cursor` (0 starts); returns the next cursor. */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    return this.table.scan(cursor, count, visit);
  }

  /** A set holding members[i] with scores[i] for i < n, which are sorted and unique. */
  static fromSorted(members: readonly string[], scores: readonly number[], n = members.length): SortedSet {
    const set = new SortedSet();
    set.tree = OrderTree.fromSorted(members, scores, n);
    for (let i = 0; i < n; i++) set.table.set(members[i], scores[i]);
    return set;
  }

  /** Every member and score in order. */
  private readInto(members: string[], scores: number[]): void {
    const tree = this.tree;
    let i = 0;
    for (let leaf = tree.firstLeaf; leaf !== NONE; leaf = tree.leafNext[leaf]) {
      for (let k = 0; k < tree.leafSize[leaf]; k++, i++) {
        members[i] = tree.memberAt(leaf, k);
        scores[i] = tree.scoreAt(leaf, k);
      }
    }
  }

  /** An independent copy (COPY). */
  clone(): SortedSet {
    const n = this.size;
    const members: string[] = new Array<string>(n);
    const scores: number[] = new Array<number>(n);
    this.readInto(members, scores);
    return SortedSet.fromSorted(members, scores, n);
  }

  /** Check the tree's invariants against the table (tests). */
  verify(): void {
    this.tree.verify(this.table);
  }
}
