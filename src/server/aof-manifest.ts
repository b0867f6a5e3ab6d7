/**
 * The AOF manifest of Redis 7's multi-part AOF (aof.c): the list of files in `appenddirname`
 * that together hold the dataset, one line each:
 *
 *   file appendonly.aof.1.base.rdb seq 1 type b
 *   file appendonly.aof.1.incr.aof seq 1 type i
 *
 * one base (type b: an RDB file, or commands), the incremental files written since (type i)
 * in order, and history files (type h) a finished rewrite left for deletion. A manifest is
 * replaced whole: written to a temp file, fsynced and renamed.
 */

import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface AofFileInfo {
  name: string;
  seq: number;
  type: 'b' | 'i' | 'h';
}

export class ManifestError extends Error {}

export class Manifest {
  base: AofFileInfo | null = null;
  incrs: AofFileInfo[] = [];
  history: AofFileInfo[] = [];
  /** The highest sequence numbers given so far (the next file takes one more). */
  baseSeq = 0;
  incrSeq = 0;

  static parse(text: string): Manifest {
    const m = new Manifest();
    const lines = text.split('\n');
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n].trim();
      if (line === '' || line.startsWith('#')) continue;
      const words = splitQuoted(line);
      if (words === null || words.length % 2 !== 0) throw new ManifestError(`Invalid AOF manifest file format (line ${n + 1})`);
      const info: Partial<AofFileInfo> = {};
      for (let i = 0; i < words.length; i += 2) {
        const [k, v] = [words[i], words[i + 1]];
        if (k === 'file') info.name = v;
        else if (k === 'seq') info.seq = Number(v);
        else if (k === 'type') info.type = v as AofFileInfo['type'];
      }
      if (info.name === undefined || info.name.includes('/') || !Number.isSafeInteger(info.seq) || !['b', 'i', 'h'].includes(info.type ?? '')) {
        throw new ManifestError(`Invalid AOF manifest file format (line ${n + 1})`);
      }
      const file = info as AofFileInfo;
      if (file.type === 'b') {
        if (m.base !== null) throw new ManifestError('Found duplicate base file information');
        m.base = file;
        m.baseSeq = file.seq;
      } else if (file.type === 'i') {
        if (file.seq <= m.incrSeq) throw new ManifestError('Found a non-monotonic sequence number');
        m.incrs.push(file);
        m.incrSeq = file.seq;
      } else {
        m.history.push(file);
      }
    }
    return m;
  }

  format(): string {
    let out = '';
    const line = (f: AofFileInfo): string => `file ${quoteIfNeeded(f.name)} seq ${f.seq} type ${f.type}\n`;
    if (this.base !== null) out += line(this.base);
    for (const f of this.history) out += line(f);
    for (const f of this.incrs) out += line(f);
    return out;
  }

  clone(): Manifest {
    const m = new Manifest();
    m.base = this.base === null ? null : { ...this.base };
    m.incrs = this.incrs.map((f) => ({ ...f }));
    m.history = this.history.map((f) => ({ ...f }));
    m.baseSeq = this.baseSeq;
    m.incrSeq = this.incrSeq;
    return m;
  }

  /** Write to `dir`/`name` through a temp file, fsynced, then renamed over the old one. */
  persist(dir: string, name: string): void {
    const temp = path.join(dir, `temp-${name}`);
    const fd = openSync(temp, 'w');
    try {
      const bytes = Buffer.from(this.format(), 'utf8');
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path.join(dir, name));
  }
}

/** Redis's sdssplitargs, enough for the manifest: words, with "quoted" names. */
function splitQuoted(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    if (line[i] === '"') {
      let word = '';
      i++;
      for (;;) {
        if (i >= line.length) return null;
        const ch = line[i];
        if (ch === '\\' && i + 1 < line.length) {
          const next = line[i + 1];
          if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
            word += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
            i += 4;
            continue;
          }
          word += next === 'n' ? '\n' : next === 'r' ? '\r' : next === 't' ? '\t' : next;
          i += 2;
          continue;
        }
        if (ch === '"') {
          i++;
          break;
        }
        word += ch;
        i++;
      }
      out.push(word);
    } else {
      let j = i;
      while (j < line.length && line[j] !== ' ' && line[j] !== '\t') j++;
      out.push(line.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** Names with spaces or unusual bytes are written quoted, as Redis's sdscatrepr does. */
function quoteIfNeeded(name: string): string {
  if (/^[\x21-\x7e]+$/.test(name) && !name.includes('"') && !name.includes('\\')) return name;
  let out = '"';
  for (const ch of name) {
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
