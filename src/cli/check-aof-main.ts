#!/usr/bin/env node
/**
 * cachica-check-aof: check an append-only file the way the server replays it, and cut a
 * damaged tail off, as redis-check-aof does. Given the manifest of a multi-part AOF it checks
 * every file it names (an RDB base as cachica-check-rdb would); given one file, that file.
 *
 *   cachica-check-aof [--fix] <file.manifest|file.aof>
 *
 * A file is valid when it holds whole commands only and every MULTI has its EXEC. --fix
 * truncates the last file at the end of its last whole command (after asking, unless stdin is
 * not a terminal and says y); damage elsewhere cannot be fixed by truncation.
 */

import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { ALL_FAMILIES } from '../commands/index.js';
import { AofCommandReader, Parsed } from '../server/aof-loader.js';
import { Manifest } from '../server/aof-manifest.js';
import { Config } from '../server/config.js';
import { Engine } from '../server/engine.js';
import { SnapshotLoader } from '../server/snapshot.js';

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const out = (line: string): void => void process.stdout.write(`${line}\n`);

interface Analysis {
  size: number;
  /** Where the whole commands end, and the line count up to there. */
  okUpTo: number;
  okUpToLine: number;
  error: string | null;
}

function countLines(data: Buffer, end: number): number {
  let n = 1;
  for (let i = data.indexOf(10); i !== -1 && i < end; i = data.indexOf(10, i + 1)) n++;
  return n;
}

/** checkSingleAof: the commands of `data` from `start` (after an RDB preamble, if any). */
function analyzeCommands(data: Buffer, start: number): Analysis {
  const reader = new AofCommandReader(data, start);
  let okUpTo = start;
  let multiAt = -1;
  let error: string | null = null;
  for (;;) {
    const at = reader.pos;
    const parsed = reader.next();
    if (parsed === Parsed.End) break;
    if (parsed === Parsed.Truncated) {
      error = `0x${at.toString(16).padStart(16, '0')}: Premature end of file (a command is cut short)`;
      break;
    }
    if (parsed === Parsed.Bad) {
      const got = data[reader.pos] === undefined ? 'EOF' : String.fromCharCode(data[reader.pos]);
      error = `0x${at.toString(16).padStart(16, '0')}: Expected a command ('*' or '$' prefix), got: '${got}'`;
      break;
    }
    const name = reader.argv.lower(0);
    if (name === 'multi') {
      if (multiAt !== -1) {
        error = `0x${at.toString(16).padStart(16, '0')}: Unexpected MULTI`;
        break;
      }
      multiAt = at;
    } else if (name === 'exec') {
      if (multiAt === -1) {
        error = `0x${at.toString(16).padStart(16, '0')}: Unexpected EXEC`;
        break;
      }
      multiAt = -1;
    }
    if (multiAt === -1) okUpTo = reader.pos;
  }
  if (error === null && multiAt !== -1) error = 'Reached EOF before reading EXEC for MULTI';
  return { size: data.length, okUpTo, okUpToLine: countLines(data, okUpTo), error };
}

/** One file: an RDB (or RDB preamble) first if it starts with "REDIS", then commands. */
function analyzeFile(file: string, engine: Engine): Analysis {
  const data = readFileSync(file);
  let start = 0;
  if (data.length >= 5 && data.toString('latin1', 0, 5) === 'REDIS') {
    out(`[offset 0] Checking RDB file ${path.basename(file)}`);
    try {
      const loader = new SnapshotLoader(engine, data);
      loader.step(Infinity);
      start = loader.result.end + 8;
      out(`[offset ${loader.result.end}] \\o/ RDB looks OK! \\o/`);
      out(`[info] ${loader.result.keys + loader.result.expired} keys read`);
    } catch (e) {
      return { size: data.length, okUpTo: 0, okUpToLine: 1, error: `RDB preamble is not valid: ${(e as Error).message}` };
    }
    engine.store.flushAll();
    if (start >= data.length) return { size: data.length, okUpTo: data.length, okUpToLine: countLines(data, data.length), error: null };
    out('RDB preamble is OK, proceeding with AOF tail...');
  }
  return analyzeCommands(data, start);
}

function report(name: string, a: Analysis): void {
  if (a.error !== null) out(a.error);
  out(`AOF analyzed: filename=${name}, size=${a.size}, ok_up_to=${a.okUpTo}, ok_up_to_line=${a.okUpToLine}, diff=${a.size - a.okUpTo}`);
}

function confirm(question: string): boolean {
  process.stdout.write(question);
  const buf = Buffer.alloc(16);
  let n = 0;
  try {
    n = readSync(0, buf, 0, buf.length, null);
  } catch {
    return false;
  }
  return buf.toString('latin1', 0, n).trim().toLowerCase().startsWith('y');
}

function fixTail(file: string, a: Analysis): boolean {
  const name = path.basename(file);
  if (!confirm(`This will shrink the AOF ${name} from ${a.size} bytes, with ${a.size - a.okUpTo} bytes, to ${a.okUpTo} bytes\nContinue? [y/N]: `)) {
    out('Aborting...');
    return false;
  }
  const fd = openSync(file, 'r+');
  try {
    ftruncateSync(fd, a.okUpTo);
  } finally {
    closeSync(fd);
  }
  out(`Successfully truncated AOF ${name}`);
  return true;
}

function main(args: string[]): number {
  const fix = args[0] === '--fix';
  if (fix) args = args.slice(1);
  if (args.length !== 1) {
    process.stderr.write('Usage: cachica-check-aof [--fix] <file.manifest|file.aof>\n');
    return 1;
  }
  const target = args[0];
  if (!existsSync(target)) {
    out(`Cannot open file ${target}`);
    return 1;
  }
  const config = new Config();
  config.setInitial('loglevel', 'nothing');
  const engine = new Engine(config, ALL_FAMILIES);
  if (!target.endsWith('.manifest')) {
    out('Start checking Old-Style AOF');
    const a = analyzeFile(target, engine);
    report(path.basename(target), a);
    if (a.error === null) {
      out(`AOF ${path.basename(target)} is valid`);
      return 0;
    }
    if (fix) return fixTail(target, a) ? 0 : 1;
    out(`AOF ${path.basename(target)} is not valid. Use the --fix option to try fixing it.`);
    return 1;
  }
  out('Start checking Multi Part AOF');
  const dir = path.dirname(target);
  let manifest: Manifest;
  try {
    manifest = Manifest.parse(readFileSync(target, 'utf8'));
  } catch (e) {
    out(`Invalid AOF manifest file format: ${(e as Error).message}`);
    return 1;
  }
  const files = [...(manifest.base === null ? [] : [manifest.base]), ...manifest.incrs];
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const kind = f.type === 'b' ? 'BASE' : 'INCR';
    if (i === (manifest.base === null ? 0 : 1)) out('Start to check INCR files.');
    if (f.type === 'b') out(`Start to check BASE AOF (${f.name.endsWith('.rdb') ? 'RDB' : 'AOF'} format).`);
    const file = path.join(dir, f.name);
    if (!existsSync(file)) {
      out(`Cannot open file ${f.name}`);
      return 1;
    }
    const a = analyzeFile(file, engine);
    report(f.name, a);
    if (a.error === null) {
      out(`${kind} AOF ${f.name} is valid`);
      continue;
    }
    const last = i === files.length - 1;
    if (fix && last) {
      if (!fixTail(file, a)) return 1;
      continue;
    }
    out(last ? `${kind} AOF ${f.name} is not valid. Use the --fix option to try fixing it.` : `${kind} AOF ${f.name} is not valid; only the last file can be fixed by truncation.`);
    return 1;
  }
  out('All AOF files and manifest are valid');
  return 0;
}

process.exitCode = main(process.argv.slice(2));
