/**
 * Streams, laid out as Redis 7.2's t_stream.c lays them out: entries in listpack "nodes" of at
 * most `stream-node-max-entries` entries and `stream-node-max-bytes` bytes, each node keyed by
 * its master ID (the ID of its first entry) and compressing its entries against a master entry.
 *
 * The node images are Redis's bytes exactly (flags, ID deltas, SAMEFIELDS compression,
 * lp-count), so node boundaries fall where Redis puts them: approximate trimming (`~`), which
 * only drops whole nodes, removes what Redis removes, and XINFO's radix-tree figures agree.
 * Redis keeps the nodes in a radix tree; here they are an array sorted by master ID: appends go
 * to the last node (O(1)), a range read binary-searches its first node (O(log n + count)), and
 * trimming removes nodes from the front.
 *
 * Consumer groups live in stream-groups.ts.
 */

import { parseInt64 } from '../commands/args.js';
import type { Argv } from '../protocol/argv.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import { backlenSize, intEncodedSize, lpGet, lpPrev, lpSkip, lpWriteBulk, stringEncodedSize, writeBacklen, writeEntry, writeInt } from './listpack.js';
import { addDelta, compareIds, deltaOf, idIsZero, MAX_ID, ZERO_ID, type StreamID } from './stream-id.js';
import type { ConsumerGroup } from './stream-groups.js';

/** The first capacity of a node's image. */
const NODE_START_BYTES = 1024;
const HEADER = 6;
const EOF = 0xff;
/** Redis's STREAM_LISTPACK_MAX_SIZE: no node (and no entry) beyond 1 GB. */
export const STREAM_LISTPACK_MAX_SIZE = 1 << 30;

export const enum ItemFlag {
  Deleted = 1,
  SameFields = 2,
}

/** One listpack node: the image in buf[0, bytes), and what its master entry says. */
export class StreamNode {
  buf: Buffer;
  bytes = HEADER + 1;
  private elements = 0;
  /** Offset of the first entry after the master entry. */
  firstEntry = 0;
  /** The master entry's counters: live entries and entries flagged deleted. */
  live = 0;
  deleted = 0;
  masterFields = 0;

  constructor(
    readonly master: StreamID,
    capacity: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, 64));
    this.buf[HEADER] = EOF;
    this.syncHeader();
  }

  /**
   * A node holding `image` (a stream listpack whose layout the caller has checked: see
   * persistence/rdb-value.ts), with what its master entry says.
   */
  static fromImage(master: StreamID, image: Uint8Array, elements: number, firstEntry: number, live: number, deleted: number, masterFields: number): StreamNode {
    const node = new StreamNode(master, image.length);
    node.buf.set(image, 0);
    node.bytes = image.length;
    node.elements = elements;
    node.firstEntry = firstEntry;
    node.live = live;
    node.deleted = deleted;
    node.masterFields = masterFields;
    return node;
  }

  /** A deep copy (COPY). */
  clone(): StreamNode {
    const copy = new StreamNode(this.master, this.bytes);
    this.buf.copy(copy.buf, 0, 0, this.bytes);
    copy.bytes = this.bytes;
    copy.elements = this.elements;
    copy.firstEntry = this.firstEntry;
    copy.live = this.live;
    copy.deleted = this.deleted;
    copy.masterFields = this.masterFields;
    return copy;
  }

  /** Write the total size and element count into the header (after a run of appends). */
  syncHeader(): void {
    const b = this.buf;
    const n = this.bytes;
    b[0] = n & 0xff;
    b[1] = (n >>> 8) & 0xff;
    b[2] = (n >>> 16) & 0xff;
    b[3] = (n >>> 24) & 0xff;
    const count = this.elements < 65535 ? this.elements : 65535;
    b[4] = count & 0xff;
    b[5] = count >>> 8;
  }

  private room(n: number): void {
    if (this.bytes + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes + n, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.bytes);
    this.buf = grown;
  }

  /** lpAppendInteger (the header is written by syncHeader() once the entry is complete). */
  appendInt(v: number | bigint): void {
    const size = intEncodedSize(v);
    const total = size + backlenSize(size);
    this.room(total);
    const at = this.bytes - 1;
    writeBacklen(this.buf, writeInt(this.buf, at, v), size);
    this.bytes += total;
    this.buf[this.bytes - 1] = EOF;
    this.elements++;
  }

  /** lpAppend: a string that reads as an integer is stored as one, as listpack.c does. */
  appendBytes(s: Uint8Array, ss: number, se: number): void {
    const asInt = parseInt64(s, ss, se);
    const size = asInt !== null ? intEncodedSize(asInt) : stringEncodedSize(se - ss);
    const total = size + backlenSize(size);
    this.room(total);
    writeEntry(this.buf, this.bytes - 1, s, ss, se, asInt);
    this.bytes += total;
    this.buf[this.bytes - 1] = EOF;
    this.elements++;
  }

  /** lpReplaceInteger on one of the two master counters (0: live, 1: deleted). */
  setCounter(which: 0 | 1, v: number): void {
    if (which === 0) this.live = v;
    else this.deleted = v;
    const b = this.buf;
    const p = which === 0 ? HEADER : lpSkip(b, HEADER);
    const oldEnd = lpSkip(b, p);
    const size = intEncodedSize(v);
    const total = size + backlenSize(size);
    const diff = total - (oldEnd - p);
    if (diff !== 0) {
      this.room(diff);
      this.buf.copyWithin(p + total, oldEnd, this.bytes);
      this.bytes += diff;
      this.firstEntry += diff;
    }
    writeBacklen(this.buf, writeInt(this.buf, p, v), size);
    this.syncHeader();
  }

  /** Offset of the master entry's first field name. */
  masterFieldsAt(): number {
    return lpSkip(this.buf, lpSkip(this.buf, lpSkip(this.buf, HEADER)));
  }

  /** Offset of the terminator: where a reverse walk over the entries begins. */
  get endAt(): number {
    return this.bytes - 1;
  }
}

function intAt(b: Uint8Array, p: number): number | bigint {
  return lpGet(b, p).int;
}

/** What readEntry() decodes: the entry at `at`, its ID, flags and where its fields begin. */
export class EntryView {
  node!: StreamNode;
  at = 0;
  flags = 0;
  id: StreamID = ZERO_ID;
  numFields = 0;
  /** Offset of the first field (or value, with SAMEFIELDS). */
  fieldsAt = 0;
  /** Offset just past the entry's lp-count. */
  next = 0;

  get deleted(): boolean {
    return (this.flags & ItemFlag.Deleted) !== 0;
  }

  /** Decode the entry whose flags are at `at`. */
  read(node: StreamNode, at: number): void {
    const b = node.buf;
    this.node = node;
    this.at = at;
    let p = at;
    this.flags = intAt(b, p) as number;
    p = lpSkip(b, p);
    const msDelta = intAt(b, p);
    p = lpSkip(b, p);
    const seqDelta = intAt(b, p);
    p = lpSkip(b, p);
    this.id = { ms: addDelta(node.master.ms, msDelta), seq: addDelta(node.master.seq, seqDelta) };
    let skip: number;
    if ((this.flags & ItemFlag.SameFields) !== 0) {
      this.numFields = node.masterFields;
      skip = this.numFields;
    } else {
      this.numFields = Number(intAt(b, p));
      p = lpSkip(b, p);
      skip = this.numFields * 2;
    }
    this.fieldsAt = p;
    for (let i = 0; i < skip; i++) p = lpSkip(b, p);
    this.next = lpSkip(b, p); // past lp-count
  }

  /** Reply the field-value array of the entry. */
  writeFields(r: ReplyWriter): void {
    const b = this.node.buf;
    const n = this.numFields;
    r.arrayLen(n * 2);
    let p = this.fieldsAt;
    if ((this.flags & ItemFlag.SameFields) !== 0) {
      let f = this.node.masterFieldsAt();
      for (let i = 0; i < n; i++) {
        lpWriteBulk(r, b, f);
        lpWriteBulk(r, b, p);
        f = lpSkip(b, f);
        p = lpSkip(b, p);
      }
    } else {
      for (let i = 0; i < n * 2; i++) {
        lpWriteBulk(r, b, p);
        p = lpSkip(b, p);
      }
    }
  }

  /**
   * The entry's fields and values in order (field, value, ...): each as a view of its bytes, or
   * an integer's decimal text (what the AOF rewrite and DEBUG DIGEST walk).
   */
  fieldsAndValues(): (string | Uint8Array)[] {
    const b = this.node.buf;
    const part = (p: number): string | Uint8Array => {
      const v = lpGet(b, p);
      return v.isInt ? String(v.int) : b.subarray(v.start, v.end);
    };
    const out: (string | Uint8Array)[] = [];
    let p = this.fieldsAt;
    if ((this.flags & ItemFlag.SameFields) !== 0) {
      let f = this.node.masterFieldsAt();
      for (let i = 0; i < this.numFields; i++) {
        out.push(part(f), part(p));
        f = lpSkip(b, f);
        p = lpSkip(b, p);
      }
    } else {
      for (let i = 0; i < this.numFields * 2; i++) {
        out.push(part(p));
        p = lpSkip(b, p);
      }
    }
    return out;
  }

  /** Mark the entry deleted in place (its flags stay a one-byte integer). */
  markDeleted(): void {
    this.flags |= ItemFlag.Deleted;
    this.node.buf[this.at] = this.flags;
  }
}

/** Walks the entries of a stream between two IDs (inclusive), forwards or backwards. */
export class StreamIterator {
  readonly entry = new EntryView();
  private stream!: Stream;
  private start: StreamID = ZERO_ID;
  private end: StreamID = MAX_ID;
  private rev = false;
  private skipTombstones = true;
  private nodeIndex = 0;
  private node: StreamNode | null = null;
  private pos = 0;

  /** streamIteratorStart. */
  begin(stream: Stream, start: StreamID, end: StreamID, rev: boolean, skipTombstones = true): this {
    this.stream = stream;
    this.start = start;
    this.end = end;
    this.rev = rev;
    this.skipTombstones = skipTombstones;
    this.node = null;
    const nodes = stream.nodes;
    if (!rev) {
      const i = idIsZero(start) ? -1 : stream.lastNodeAtOrBefore(start);
      this.nodeIndex = i === -1 ? 0 : i;
    } else {
      const i = idIsZero(end) ? -1 : stream.lastNodeAtOrBefore(end);
      this.nodeIndex = i === -1 ? nodes.length - 1 : i;
    }
    return this;
  }

  /** The next entry in range into `entry`; false at the end. */
  next(): boolean {
    return this.rev ? this.previousEntry() : this.nextEntry();
  }

  private nextEntry(): boolean {
    const nodes = this.stream.nodes;
    const e = this.entry;
    for (;;) {
      let node = this.node;
      if (node === null) {
        if (this.nodeIndex >= nodes.length) return false;
        node = this.node = nodes[this.nodeIndex++];
        this.pos = node.firstEntry;
      }
      if (node.buf[this.pos] === EOF) {
        this.node = null;
        continue;
      }
      e.read(node, this.pos);
      this.pos = e.next;
      if (compareIds(e.id, this.end) > 0) return false;
      if (compareIds(e.id, this.start) >= 0) {
        if (this.skipTombstones && e.deleted) continue;
        return true;
      }
    }
  }

  private previousEntry(): boolean {
    const nodes = this.stream.nodes;
    const e = this.entry;
    for (;;) {
      let node = this.node;
      if (node === null) {
        if (this.nodeIndex < 0) return false;
        node = this.node = nodes[this.nodeIndex--];
        this.pos = node.endAt;
      }
      if (this.pos <= node.firstEntry) {
        this.node = null;
        continue;
      }
      // lp-count says how many elements to walk back to the entry's flags.
      const b = node.buf;
      let p = lpPrev(b, 0, this.pos);
      const n = intAt(b, p) as number;
      for (let i = 0; i < n; i++) p = lpPrev(b, 0, p);
      e.read(node, p);
      this.pos = p;
      if (compareIds(e.id, this.start) < 0) return false;
      if (compareIds(e.id, this.end) <= 0) {
        if (this.skipTombstones && e.deleted) continue;
        return true;
      }
    }
  }
}

export const enum TrimStrategy {
  None = 0,
  MaxLen = 1,
  MinId = 2,
}

export interface TrimArgs {
  strategy: TrimStrategy;
  approx: boolean;
  /** Most entries to remove; 0 = no limit. */
  limit: number;
  maxLen: number;
  minId: StreamID;
}

const scratchIterator = new StreamIterator();
const scratchEntry = new EntryView();

/** A node's object and its slot, beside its buffer. */
const NODE_OBJECT_BYTES = 120;
/** A consumer group, a consumer, a pending entry (its object, ID and slots). */
const GROUP_BYTES = 200;
const CONSUMER_BYTES = 150;
const NACK_BYTES = 80;

export class Stream {
  nodes: StreamNode[] = [];
  length = 0;
  lastId: StreamID = ZERO_ID;
  firstId: StreamID = ZERO_ID;
  maxDeletedId: StreamID = ZERO_ID;
  entriesAdded = 0;
  /** Consumer groups by name (latin1); listed in byte order, as Redis's radix tree lists them. */
  groups: Map<string, ConsumerGroup> | null = null;
  /** Capacity of the nodes' buffers, kept for memoryBytes. */
  nodeBytes = 0;

  /** Estimated bytes held: node images and their objects, and the groups' pending entries. */
  get memoryBytes(): number {
    let n = this.nodeBytes + this.nodes.length * NODE_OBJECT_BYTES;
    if (this.groups !== null) {
      for (const group of this.groups.values()) {
        n += GROUP_BYTES + group.pel.size * NACK_BYTES + group.consumers.size * CONSUMER_BYTES;
      }
    }
    return n;
  }

  /** Index of the last node whose master ID is at most `id`, or -1 (raxSeek "<="). */
  lastNodeAtOrBefore(id: StreamID): number {
    const nodes = this.nodes;
    let lo = 0;
    let hi = nodes.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(nodes[mid].master, id) <= 0) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /**
   * streamAppendItem once the ID is known to be valid: add an entry of `numFields` pairs from
   * argv[fieldAt...], in the last node or a new one, as Redis decides.
   */
  append(id: StreamID, argv: Argv, fieldAt: number, numFields: number, elementBytes: number, maxBytes: number, maxEntries: number): void {
    let node: StreamNode | null = this.nodes.length > 0 ? this.nodes[this.nodes.length - 1] : null;
    if (node !== null) {
      const limit = maxBytes === 0 || maxBytes > STREAM_LISTPACK_MAX_SIZE ? STREAM_LISTPACK_MAX_SIZE : maxBytes;
      if (node.bytes + elementBytes >= limit) node = null;
      else if (maxEntries !== 0 && node.live + node.deleted >= maxEntries) node = null;
    }
    const { bufs, starts, ends } = argv;
    const bytesBefore = node === null ? 0 : node.buf.length;
    let flags = 0;
    if (node === null) {
      // Below 4 KB Buffer.allocUnsafe slices Node's shared pool; from 4 KB on it makes an
      // ArrayBuffer, and one per node was 7% of XADD's time. Nodes grow by doubling.
      node = new StreamNode(id, maxBytes > 0 && maxBytes < NODE_START_BYTES ? maxBytes : NODE_START_BYTES);
      node.appendInt(1);
      node.live = 1;
      node.appendInt(0);
      node.appendInt(numFields);
      node.masterFields = numFields;
      for (let i = 0; i < numFields; i++) {
        const f = fieldAt + i * 2;
        node.appendBytes(bufs[f], starts[f], ends[f]);
      }
      node.appendInt(0);
      node.firstEntry = node.bytes - 1;
      this.nodes.push(node);
      flags = ItemFlag.SameFields;
    } else {
      node.setCounter(0, node.live + 1);
      if (numFields === node.masterFields && this.sameFields(node, argv, fieldAt, numFields)) flags = ItemFlag.SameFields;
    }
    const same = flags === ItemFlag.SameFields;
    node.appendInt(flags);
    node.appendInt(deltaOf(id.ms, node.master.ms));
    node.appendInt(deltaOf(id.seq, node.master.seq));
    if (!same) node.appendInt(numFields);
    for (let i = 0; i < numFields; i++) {
      const f = fieldAt + i * 2;
      if (!same) node.appendBytes(bufs[f], starts[f], ends[f]);
      node.appendBytes(bufs[f + 1], starts[f + 1], ends[f + 1]);
    }
    node.appendInt(same ? numFields + 3 : numFields * 2 + 4);
    node.syncHeader();
    this.nodeBytes += node.buf.length - bytesBefore;
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  private sameFields(node: StreamNode, argv: Argv, fieldAt: number, numFields: number): boolean {
    const b = node.buf;
    let p = node.masterFieldsAt();
    for (let i = 0; i < numFields; i++) {
      const f = fieldAt + i * 2;
      if (!elementEquals(b, p, argv.bufs[f], argv.starts[f], argv.ends[f])) return false;
      p = lpSkip(b, p);
    }
    return true;
  }

  /** The ID of the last entry of `node`, tombstones included (lpGetEdgeStreamID). */
  private lastIdOf(node: StreamNode): StreamID {
    const b = node.buf;
    let p = lpPrev(b, 0, node.endAt);
    const n = intAt(b, p) as number;
    for (let i = 0; i < n; i++) p = lpPrev(b, 0, p);
    scratchEntry.read(node, p);
    return scratchEntry.id;
  }

  /** streamTrim: returns how many entries were removed. */
  trim(args: TrimArgs): number {
    if (args.strategy === TrimStrategy.None) return 0;
    const nodes = this.nodes;
    let removedNodes = 0;
    let deleted = 0;
    for (let i = 0; i < nodes.length; i++) {
      if (args.strategy === TrimStrategy.MaxLen && this.length <= args.maxLen) break;
      const node = nodes[i];
      const entries = node.live;
      if (args.limit !== 0 && deleted + entries > args.limit) break;
      const removeNode =
        args.strategy === TrimStrategy.MaxLen ? this.length - entries >= args.maxLen : compareIds(this.lastIdOf(node), args.minId) < 0;
      if (removeNode) {
        removedNodes++;
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (args.approx) break;
      // Flag entries within this node until the condition holds.
      const e = scratchEntry;
      let pos = node.firstEntry;
      let fromNode = 0;
      while (node.buf[pos] !== EOF) {
        e.read(node, pos);
        const stop = args.strategy === TrimStrategy.MaxLen ? this.length <= args.maxLen : compareIds(e.id, args.minId) >= 0;
        if (stop) break;
        if (!e.deleted) {
          e.markDeleted();
          fromNode++;
          this.length--;
        }
        pos = e.next;
      }
      deleted += fromNode;
      node.setCounter(0, entries - fromNode);
      node.setCounter(1, node.deleted + fromNode);
      break;
    }
    if (removedNodes > 0) {
      for (let i = 0; i < removedNodes; i++) this.nodeBytes -= nodes[i].buf.length;
      nodes.splice(0, removedNodes);
    }
    if (this.length === 0) this.firstId = ZERO_ID;
    else if (deleted > 0) this.firstId = this.edgeId(true, true);
    return deleted;
  }

  /** streamGetEdgeID: the first or last entry's ID (0-0 / max when there is none). */
  edgeId(first: boolean, skipTombstones: boolean): StreamID {
    const it = scratchIterator.begin(this, ZERO_ID, MAX_ID, !first, skipTombstones);
    if (it.next()) return it.entry.id;
    return first ? MAX_ID : ZERO_ID;
  }

  /** streamLastValidID. */
  lastValidId(): StreamID {
    const it = scratchIterator.begin(this, ZERO_ID, MAX_ID, true);
    return it.next() ? it.entry.id : ZERO_ID;
  }

  /** streamEntryExists. */
  has(id: StreamID): boolean {
    return scratchIterator.begin(this, id, id, false).next();
  }

  /** streamDeleteItem: flag entry `id` deleted; drop its node when it was the node's last. */
  deleteEntry(id: StreamID): boolean {
    const it = scratchIterator.begin(this, id, id, false);
    if (!it.next()) return false;
    const e = it.entry;
    const node = e.node;
    if (node.live === 1) {
      this.nodeBytes -= node.buf.length;
      this.nodes.splice(this.nodes.indexOf(node, this.lastNodeAtOrBefore(node.master)), 1);
    } else {
      e.markDeleted();
      node.setCounter(0, node.live - 1);
      node.setCounter(1, node.deleted + 1);
    }
    this.length--;
    return true;
  }

  /** streamRangeHasTombstones (`end` null: to the end of the stream). */
  rangeHasTombstones(start: StreamID | null, end: StreamID | null): boolean {
    if (this.length === 0 || idIsZero(this.maxDeletedId)) return false;
    if (compareIds(this.firstId, this.maxDeletedId) > 0) return false;
    const s = start ?? ZERO_ID;
    const e = end ?? MAX_ID;
    return compareIds(s, this.maxDeletedId) <= 0 && compareIds(this.maxDeletedId, e) <= 0;
  }

  /** streamEstimateDistanceFromFirstEverEntry: the entries-read counter of `id`, or -1. */
  estimateDistance(id: StreamID): number {
    if (this.entriesAdded === 0) return 0;
    if (this.length === 0 && compareIds(id, this.lastId) < 1) return this.entriesAdded;
    const cmpLast = compareIds(id, this.lastId);
    if (cmpLast === 0) return this.entriesAdded;
    if (cmpLast > 0) return -1;
    const cmpFirst = compareIds(id, this.firstId);
    if (idIsZero(this.maxDeletedId) || compareIds(this.maxDeletedId, this.firstId) < 0) {
      if (cmpFirst < 0) return this.entriesAdded - this.length;
      if (cmpFirst === 0) return this.entriesAdded - this.length + 1;
    }
    return -1;
  }

  /**
   * The node count of Redis's radix tree over the nodes' 16-byte big-endian keys (XINFO's
   * radix-tree-nodes): a compressed radix tree's nodes are its root, every branching point, every
   * child of a branching point, and every key.
   */
  radixTreeNodes(): number {
    const keys = this.nodes.map((n) => encodeKey(n.master));
    return countRaxNodes(keys, 0, keys.length, 0, true);
  }

  /** A deep copy (COPY). Groups are copied by the caller. */
  cloneEntries(): Stream {
    const copy = new Stream();
    copy.nodes = this.nodes.map((n) => n.clone());
    for (const node of copy.nodes) copy.nodeBytes += node.buf.length;
    copy.length = this.length;
    copy.lastId = this.lastId;
    copy.firstId = this.firstId;
    copy.maxDeletedId = this.maxDeletedId;
    copy.entriesAdded = this.entriesAdded;
    return copy;
  }
}

/** Does listpack element `p` hold exactly the bytes s[ss, se)? (An integer element compares as its decimal form.) */
function elementEquals(b: Uint8Array, p: number, s: Uint8Array, ss: number, se: number): boolean {
  const e = lpGet(b, p);
  if (e.isInt) {
    const text = String(e.int);
    if (text.length !== se - ss) return false;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== s[ss + i]) return false;
    return true;
  }
  if (e.end - e.start !== se - ss) return false;
  for (let i = 0; i < se - ss; i++) if (b[e.start + i] !== s[ss + i]) return false;
  return true;
}

function u64Bytes(v: number | bigint, out: number[]): void {
  let big = BigInt(v);
  const bytes: number[] = [];
  for (let i = 0; i < 8; i++) {
    bytes.push(Number(big & 0xffn));
    big >>= 8n;
  }
  for (let i = 7; i >= 0; i--) out.push(bytes[i]);
}

export function encodeKey(id: StreamID): number[] {
  const out: number[] = [];
  u64Bytes(id.ms, out);
  u64Bytes(id.seq, out);
  return out;
}

/** Rax nodes for sorted, distinct, equal-length keys[lo, hi) below a shared prefix of `depth` bytes. */
function countRaxNodes(keys: number[][], lo: number, hi: number, depth: number, startsNode: boolean): number {
  if (hi - lo === 0) return 1; // the empty tree's root
  if (depth === 16) return 1; // a key: a leaf node
  let groups = 0;
  let total = 0;
  let i = lo;
  const splits: [number, number][] = [];
  while (i < hi) {
    let j = i + 1;
    while (j < hi && keys[j][depth] === keys[i][depth]) j++;
    splits.push([i, j]);
    groups++;
    i = j;
  }
  if (groups === 1) return (startsNode ? 1 : 0) + countRaxNodes(keys, lo, hi, depth + 1, false);
  // The branching node (a compressed run above it, counted where it began, ends here).
  total = 1;
  for (const [a, b] of splits) total += countRaxNodes(keys, a, b, depth + 1, true);
  return total;
}
