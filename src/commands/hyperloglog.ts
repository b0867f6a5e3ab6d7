/**
 * HyperLogLog commands, as Redis 7.2's hyperloglog.c: PFADD, PFCOUNT, PFMERGE, PFDEBUG and
 * PFSELFTEST. The value is a string in Redis's bytes (types/hyperloglog.ts), so GET, SET, DUMP
 * and the bitmap commands see exactly what Redis would hold.
 *
 * Dense values (a fixed 12304 bytes) are changed where they lie; sparse ones, which change
 * length, go through an HllEditor and are stored back once per command.
 */

import type { Argv } from '../protocol/argv.js';
import type { Client } from '../server/client.js';
import { Notify } from '../server/keyspace-events.js';
import { Lookup, type Database } from '../store/database.js';
import { EntryFlag } from '../store/entries.js';
import {
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HllEditor,
  HllEncoding,
  cachedCardinality,
  decodeSparse,
  denseGet,
  denseSet,
  denseSetRegister,
  hashElement,
  hllCount,
  hllEncoding,
  invalidateCache,
  isHll,
  mergeRegisters,
  patternRegister,
  patternRun,
  rawCount,
  storeCardinality,
} from '../types/hyperloglog.js';
import { lookupString } from './strings.js';
import type { CommandEntry } from './types.js';

const NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const CORRUPT_HLL = 'INVALIDOBJ Corrupted HLL object detected';

const editor = new HllEditor();
const maxRegisters = new Uint8Array(HLL_REGISTERS);

/**
 * lookupKey + isHLLObjectOrReply: the HyperLogLog at argv[i] (0 when missing), or -1 after
 * WRONGTYPE for another type or a string that is not a HyperLogLog.
 */
function lookupHll(c: Client, argv: Argv, i: number, flags: Lookup): number {
  const id = lookupString(c, argv, i, flags);
  if (id <= 0) return id;
  const db = c.db;
  if (!isHll(db.stringBuffer(id), db.stringOffset(id), db.stringLength(id))) {
    c.reply.error(NOT_HLL);
    return -1;
  }
  return id;
}

/** dbUnshareStringValue: a value changed in place is a raw string from then on. */
function unshare(db: Database, id: number): void {
  db.setFlags(id, EntryFlag.RawEncoding);
}

/** Load entry `id` into the editor. */
function edit(db: Database, id: number): void {
  editor.load(db.stringBuffer(id), db.stringOffset(id), db.stringLength(id));
}

/** Store the editor's bytes as the value of entry `id` (TTL kept). */
function storeEdited(db: Database, id: number): void {
  const n = editor.length;
  if (editor.promoted) {
    // A dense value never changes size again: give it a block of exactly its size.
    db.replaceString(id, editor.bytes, 0, n);
  } else {
    if (db.stringLength(id) !== n) db.resizeString(id, n);
    db.stringBuffer(id).set(editor.view, db.stringOffset(id));
  }
  unshare(db, id);
}

function sparseMaxBytes(c: Client): number {
  return c.engine.config.getNumber('hll-sparse-max-bytes');
}

// ---------------------------------------------------------------------------------------------
// PFADD
// ---------------------------------------------------------------------------------------------

function pfadd(c: Client, argv: Argv): void {
  const db = c.db;
  let id = lookupHll(c, argv, 1, Lookup.Normal);
  if (id < 0) return;
  let updated = 0;
  let corrupt = false;
  if (id !== 0 && hllEncoding(db.stringBuffer(id), db.stringOffset(id)) === HllEncoding.Dense) {
    unshare(db, id);
    const b = db.stringBuffer(id);
    const regs = db.stringOffset(id) + HLL_HDR_SIZE;
    for (let j = 2; j < argv.count; j++) {
      const packed = hashElement(argv.bufs[j], argv.starts[j], argv.ends[j]);
      if (denseSet(b, regs, patternRegister(packed), patternRun(packed))) updated++;
    }
    if (updated > 0) invalidateCache(b, regs - HLL_HDR_SIZE);
  } else {
    if (id === 0) {
      editor.loadEmpty();
      updated++;
    } else {
      edit(db, id);
    }
    const limit = sparseMaxBytes(c);
    for (let j = 2; j < argv.count; j++) {
      const result = editor.add(argv.bufs[j], argv.starts[j], argv.ends[j], limit);
      if (result < 0) {
        corrupt = true;
        break;
      }
      updated += result;
    }
    if (updated > 0 && !corrupt) invalidateCache(editor.bytes, 0);
    if (id === 0) {
      id = db.setString(argv.bufs[1], argv.starts[1], argv.ends[1], editor.bytes, 0, editor.length);
      unshare(db, id);
    } else if (updated > 0) {
      // Registers raised before a corrupt opcode was met stay raised, as in Redis.
      storeEdited(db, id);
    } else {
      unshare(db, id);
    }
  }
  if (corrupt) {
    c.reply.error(CORRUPT_HLL);
    return;
  }
  if (updated > 0) {
    c.engine.events.changedArg(db, argv, 1, Notify.String, 'pfadd');
    c.engine.dirty += updated;
  }
  c.reply.integer(updated > 0 ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// PFCOUNT
// ---------------------------------------------------------------------------------------------

function pfcount(c: Client, argv: Argv): void {
  if (argv.count > 2) {
    pfcountUnion(c, argv);
    return;
  }
  const db = c.db;
  const id = lookupHll(c, argv, 1, Lookup.Read);
  if (id <= 0) {
    if (id === 0) c.reply.integer(0);
    return;
  }
  unshare(db, id);
  const b = db.stringBuffer(id);
  const start = db.stringOffset(id);
  const cached = cachedCardinality(b, start);
  if (typeof cached === 'bigint') {
    c.reply.bigInteger(cached);
    return;
  }
  if (cached >= 0) {
    c.reply.integer(cached);
    return;
  }
  const card = hllCount(b, start, db.stringLength(id));
  if (card < 0) {
    c.reply.error(CORRUPT_HLL);
    return;
  }
  // Caching the estimate changes the string, so watchers and trackers hear of it.
  storeCardinality(b, start, card);
  c.engine.events.modifiedArg(db, argv, 1);
  c.engine.dirty++;
  c.reply.integer(card);
}

/** PFCOUNT of several keys: the estimate of their union, nothing cached. */
function pfcountUnion(c: Client, argv: Argv): void {
  const db = c.db;
  maxRegisters.fill(0);
  for (let j = 1; j < argv.count; j++) {
    const id = lookupHll(c, argv, j, Lookup.Read);
    if (id < 0) return;
    if (id === 0) continue;
    if (!mergeRegisters(maxRegisters, db.stringBuffer(id), db.stringOffset(id), db.stringLength(id))) {
      c.reply.error(CORRUPT_HLL);
      return;
    }
  }
  c.reply.integer(rawCount(maxRegisters));
}

// ---------------------------------------------------------------------------------------------
// PFMERGE
// ---------------------------------------------------------------------------------------------

function pfmerge(c: Client, argv: Argv): void {
  const db = c.db;
  maxRegisters.fill(0);
  let anyDense = false;
  // The destination is merged too: its registers count, and a bad destination is refused here.
  for (let j = 1; j < argv.count; j++) {
    const id = lookupHll(c, argv, j, Lookup.Read);
    if (id < 0) return;
    if (id === 0) continue;
    const b = db.stringBuffer(id);
    const start = db.stringOffset(id);
    if (hllEncoding(b, start) === HllEncoding.Dense) anyDense = true;
    if (!mergeRegisters(maxRegisters, b, start, db.stringLength(id))) {
      c.reply.error(CORRUPT_HLL);
      return;
    }
  }
  let id = db.findArg(argv, 1, Lookup.Normal);
  if (id === 0) editor.loadEmpty();
  else edit(db, id);
  if (anyDense && !editor.toDense()) {
    c.reply.error(CORRUPT_HLL);
    return;
  }
  const limit = sparseMaxBytes(c);
  for (let i = 0; i < HLL_REGISTERS; i++) {
    if (maxRegisters[i] !== 0) editor.set(i, maxRegisters[i], limit);
  }
  invalidateCache(editor.bytes, 0);
  if (id === 0) {
    id = db.setString(argv.bufs[1], argv.starts[1], argv.ends[1], editor.bytes, 0, editor.length);
    unshare(db, id);
  } else {
    storeEdited(db, id);
  }
  // A merge is a mass add: Redis announces it as "pfadd".
  c.engine.events.changedArg(db, argv, 1, Notify.String, 'pfadd');
  c.engine.dirty++;
  c.reply.ok();
}

// ---------------------------------------------------------------------------------------------
// PFDEBUG and PFSELFTEST
// ---------------------------------------------------------------------------------------------

function pfdebug(c: Client, argv: Argv): void {
  const db = c.db;
  const sub = argv.str(1);
  const id = lookupHll(c, argv, 2, Lookup.Normal);
  if (id <= 0) {
    if (id === 0) c.reply.error('ERR The specified key does not exist');
    return;
  }
  unshare(db, id);
  const name = sub.toLowerCase();
  if (name !== 'getreg' && name !== 'decode' && name !== 'encoding' && name !== 'todense') {
    c.reply.error(`ERR Unknown PFDEBUG subcommand '${sub}'`);
    return;
  }
  if (argv.count !== 3) {
    c.reply.error(`ERR Wrong number of arguments for the '${sub}' subcommand`);
    return;
  }
  const sparse = hllEncoding(db.stringBuffer(id), db.stringOffset(id)) === HllEncoding.Sparse;
  switch (name) {
    case 'getreg':
    case 'todense': {
      if (sparse) {
        edit(db, id);
        if (!editor.toDense()) {
          c.reply.error(CORRUPT_HLL);
          return;
        }
        storeEdited(db, id);
        c.engine.dirty++;
      }
      if (name === 'todense') {
        c.reply.integer(sparse ? 1 : 0);
        return;
      }
      const b = db.stringBuffer(id);
      const regs = db.stringOffset(id) + HLL_HDR_SIZE;
      c.reply.arrayLen(HLL_REGISTERS);
      for (let i = 0; i < HLL_REGISTERS; i++) c.reply.integer(denseGet(b, regs, i));
      return;
    }
    case 'decode':
      if (!sparse) {
        c.reply.error('ERR HLL encoding is not sparse');
        return;
      }
      c.reply.bulk(decodeSparse(db.stringBuffer(id), db.stringOffset(id), db.stringLength(id)));
      return;
    default:
      c.reply.simple(sparse ? 'sparse' : 'dense');
  }
}

const SELFTEST_CYCLES = 1000;

/**
 * PFSELFTEST: the register packing keeps every value without disturbing its neighbours, and
 * dense and sparse estimates of 1..10^7 distinct elements agree with each other and stay within
 * six standard errors.
 */
function pfselftest(c: Client): void {
  const dense = new Uint8Array(HLL_DENSE_SIZE + 1);
  const expected = new Uint8Array(HLL_REGISTERS);
  for (let cycle = 0; cycle < SELFTEST_CYCLES; cycle++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = (Math.random() * 64) | 0;
      expected[i] = r;
      denseSetRegister(dense, HLL_HDR_SIZE, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(dense, HLL_HDR_SIZE, i);
      if (v !== expected[i]) {
        c.reply.error(`TESTFAILED Register ${i} should be ${expected[i]} but is ${v}`);
        return;
      }
    }
  }

  dense.fill(0);
  dense.set([0x48, 0x59, 0x4c, 0x4c, HllEncoding.Dense]);
  const sparse = new HllEditor();
  sparse.loadEmpty();
  const limit = sparseMaxBytes(c);
  const relativeError = 1.04 / Math.sqrt(HLL_REGISTERS);
  const element = new Uint8Array(8);
  const view = new DataView(element.buffer);
  const seedLo = (Math.random() * 0x1_0000_0000) >>> 0;
  view.setUint32(4, (Math.random() * 0x1_0000_0000) >>> 0, true);
  let checkpoint = 1;
  for (let j = 1; j <= 10_000_000; j++) {
    view.setUint32(0, (j ^ seedLo) >>> 0, true);
    const packed = hashElement(element, 0, 8);
    denseSet(dense, HLL_HDR_SIZE, patternRegister(packed), patternRun(packed));
    sparse.set(patternRegister(packed), patternRun(packed), limit);
    if (j !== checkpoint) continue;
    if (j < Math.floor(limit / 2) && sparse.encoding !== HllEncoding.Sparse) {
      c.reply.error('TESTFAILED sparse encoding not used');
      return;
    }
    const estimate = hllCount(dense, 0, HLL_DENSE_SIZE);
    if (estimate !== hllCount(sparse.bytes, 0, sparse.length)) {
      c.reply.error('TESTFAILED dense/sparse disagree');
      return;
    }
    // At 10 a collision is likely enough that only an error of one is allowed.
    const maxError = j === 10 ? 1 : Math.ceil(relativeError * 6 * checkpoint);
    const error = Math.abs(checkpoint - estimate);
    if (error > maxError) {
      c.reply.error(`TESTFAILED Too big error. card:${checkpoint} abserr:${error}`);
      return;
    }
    checkpoint *= 10;
  }
  c.reply.ok();
}

/** A command that edits values, then lets the editor give back an outsized buffer. */
function editing(handler: (c: Client, argv: Argv) => void): (c: Client, argv: Argv) => void {
  return (c, argv) => {
    try {
      handler(c, argv);
    } finally {
      editor.trim();
    }
  };
}

export const hyperloglogCommands: CommandEntry[] = [
  { name: 'pfadd', handler: editing(pfadd) },
  { name: 'pfcount', handler: pfcount },
  { name: 'pfmerge', handler: editing(pfmerge) },
  { name: 'pfdebug', handler: editing(pfdebug) },
  { name: 'pfselftest', handler: (c) => pfselftest(c) },
];
