/**
 * Replaying the AOF at start-up (aof.c's loadAppendOnlyFiles and loadSingleAppendOnlyFile): the
 * manifest's base file (an RDB file, or commands, possibly behind an RDB preamble), then each
 * incremental file in order, every command run by a client of its own as Redis's fake AOF
 * client runs them: no reply, no blocking, MULTI ... EXEC applied whole at EXEC.
 *
 * It is resumable like the snapshot loader, so the server answers -LOADING meanwhile. A file
 * that ends inside a command is a truncated AOF: for the last file, with aof-load-truncated,
 * it is cut back to the last whole command (before an unfinished MULTI) and the load goes on;
 * otherwise, and for damage of any other kind, the load fails naming the file and the offset.
 */

import { closeSync, ftruncateSync, openSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Argv } from '../protocol/argv.js';
import type { Command } from '../commands/types.js';
import { Client, ClientFlag } from './client.js';
import type { Engine } from './engine.js';
import type { Manifest } from './aof-manifest.js';
import { SnapshotLoader } from './snapshot.js';

export class AofLoadError extends Error {}

/** What a parse step found at an offset. */
export const enum Parsed {
  Command,
  End,
  Truncated,
  Bad,
}

/**
 * Commands in RESP, read from a buffer as Redis's loader reads them with fgets: `*<argc>`,
 * then argc times `$<len>` and the bytes. Lines starting with '#' are annotations (timestamps).
 */
export class AofCommandReader {
  pos: number;
  readonly argv = new Argv();

  constructor(
    readonly data: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  next(): Parsed {
    const data = this.data;
    const argv = this.argv;
    argv.count = 0;
    for (;;) {
      if (this.pos >= data.length) return Parsed.End;
      if (data[this.pos] !== 35) break; // '#'
      const eol = data.indexOf(10, this.pos);
      if (eol === -1) return Parsed.Truncated;
      this.pos = eol + 1;
    }
    let at = this.pos;
    const header = this.line(at);
    if (header === null) return Parsed.Truncated;
    if (data[at] !== 42) return Parsed.Bad; // '*'
    const argc = Number(data.toString('latin1', at + 1, header.end));
    if (!Number.isSafeInteger(argc) || argc < 1) return Parsed.Bad;
    at = header.next;
    for (let i = 0; i < argc; i++) {
      const line = this.line(at);
      if (line === null) return Parsed.Truncated;
      if (data[at] !== 36) return Parsed.Bad; // '$'
      const len = Number(data.toString('latin1', at + 1, line.end));
      if (!Number.isSafeInteger(len) || len < 0) return Parsed.Bad;
      const start = line.next;
      if (start + len + 2 > data.length) return Parsed.Truncated;
      argv.push(data, start, start + len);
      at = start + len + 2;
    }
    this.pos = at;
    return Parsed.Command;
  }

  /** The line at `at`: where its text ends (before CR LF) and the next begins, or null if cut. */
  private line(at: number): { end: number; next: number } | null {
    const eol = this.data.indexOf(10, at);
    if (eol === -1) return null;
    return { end: eol > at && this.data[eol - 1] === 13 ? eol - 1 : eol, next: eol + 1 };
  }
}

interface Part {
  file: string;
  name: string;
  last: boolean;
}

/** The resumable replay of every file the manifest lists. */
export class AofLoader {
  readonly totalBytes: number;
  private readonly parts: Part[];
  private index = 0;
  private doneBytes = 0;
  private snapshot: SnapshotLoader | null = null;
  private reader: AofCommandReader | null = null;
  private readonly client: Client;
  /** Commands of an open MULTI, and where that MULTI began. */
  private queued: { cmd: Command; argv: Argv }[] | null = null;
  private multiAt = 0;
  keys = 0;
  commands = 0;

  constructor(
    private readonly engine: Engine,
    dir: string,
    manifest: Manifest,
  ) {
    const files = [...(manifest.base === null ? [] : [manifest.base]), ...manifest.incrs];
    this.parts = files.map((f, i) => ({ file: path.join(dir, f.name), name: f.name, last: i === files.length - 1 }));
    let total = 0;
    for (const p of this.parts) total += fileSize(p.file);
    this.totalBytes = total;
    this.client = new Client(engine, 0);
    this.client.flags |= ClientFlag.DenyBlocking | ClientFlag.ObeyAlways;
  }

  get loadedBytes(): number {
    return this.doneBytes + (this.reader?.pos ?? this.snapshot?.loadedBytes ?? 0);
  }

  /** Replay until `deadline`; true when every file is loaded. Throws AofLoadError. */
  step(deadline: number): boolean {
    while (this.index < this.parts.length) {
      const part = this.parts[this.index];
      if (this.snapshot === null && this.reader === null) this.open(part);
      if (this.snapshot !== null) {
        let finished: boolean;
        try {
          finished = this.snapshot.step(deadline);
        } catch (e) {
          throw new AofLoadError(`Bad file format reading the append only file ${part.name}: ${(e as Error).message}`);
        }
        if (!finished) return false;
        this.keys += this.snapshot.result.keys;
        const after = this.snapshot.result.end + 8;
        const data = this.snapshotData!;
        this.snapshot = null;
        this.snapshotData = null;
        if (part.name.endsWith('.rdb') || after >= data.length) {
          this.nextPart(data.length);
          continue;
        }
        this.reader = new AofCommandReader(data, after);
      }
      if (!this.replay(part, deadline)) return false;
    }
    return true;
  }

  private snapshotData: Buffer | null = null;

  private open(part: Part): void {
    let data: Buffer;
    try {
      data = readFileSync(part.file);
    } catch (e) {
      throw new AofLoadError(`Fatal error: can't open the append log file ${part.name} for reading: ${(e as Error).message}`);
    }
    if (data.length >= 5 && data.toString('latin1', 0, 5) === 'REDIS') {
      this.snapshotData = data;
      this.snapshot = new SnapshotLoader(this.engine, data);
      this.engine.log.notice(`Reading RDB base file on AOF loading...`);
    } else {
      this.reader = new AofCommandReader(data);
    }
  }

  private nextPart(size: number): void {
    this.doneBytes += size;
    this.index++;
    this.reader = null;
  }

  /** Run the commands of the current file until the deadline or its end. */
  private replay(part: Part, deadline: number): boolean {
    const reader = this.reader!;
    const { engine, client } = this;
    for (let n = 0; ; n++) {
      if ((n & 255) === 255 && performance.now() > deadline) return false;
      const start = reader.pos;
      const parsed = reader.next();
      if (parsed === Parsed.End) break;
      if (parsed === Parsed.Bad) {
        throw new AofLoadError(
          `Bad file format reading the append only file ${part.name} (at offset ${start}): make a backup of your AOF file, then use ./cachica-check-aof --fix <filename.manifest>`,
        );
      }
      if (parsed === Parsed.Truncated) {
        this.truncated(part, this.queued !== null ? this.multiAt : start);
        break;
      }
      const argv = reader.argv;
      const cmd = engine.commands.lookup(argv);
      if (cmd === undefined || cmd.handler === null) {
        throw new AofLoadError(`Unknown command '${argv.str(0)}' reading the append only file ${part.name} (at offset ${start})`);
      }
      this.commands++;
      if (cmd.name === 'multi') {
        this.queued = [];
        this.multiAt = start;
        continue;
      }
      if (cmd.name === 'exec') {
        const queued = this.queued ?? [];
        this.queued = null;
        for (const q of queued) this.run(q.cmd, q.argv);
        continue;
      }
      if (this.queued !== null) {
        this.queued.push({ cmd, argv: argv.clone() });
        continue;
      }
      this.run(cmd, argv);
    }
    if (this.queued !== null) {
      // A MULTI without its EXEC at the very end is a truncated transaction.
      this.truncated(part, this.multiAt);
      this.queued = null;
    }
    this.nextPart(reader.data.length);
    return true;
  }

  private run(cmd: Command, argv: Argv): void {
    const { engine, client } = this;
    const outer = engine.current;
    engine.current = client;
    engine.executingCmd = cmd;
    cmd.handler!(client, argv);
    engine.executingCmd = null;
    engine.current = outer;
    client.reply.pos = 0;
    client.reply.errors.length = 0;
  }

  /** The file ends inside a command (or a MULTI): cut it back to `validUpTo`, if allowed. */
  private truncated(part: Part, validUpTo: number): void {
    const { engine } = this;
    const log = engine.log;
    if (!part.last || !engine.config.getBool('aof-load-truncated')) {
      throw new AofLoadError(
        `Unexpected end of file reading the append only file ${part.name} (the last whole command ends at offset ${validUpTo}). You can: 1) Make a backup of your AOF file, then use ./cachica-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
      );
    }
    if (this.queued !== null) log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${part.name}`);
    log.warning(`!!! Warning: short read while loading the AOF file ${part.name}!!!`);
    log.warning(`!!! Truncating the AOF ${part.name} at offset ${validUpTo} !!!`);
    const fd = openSync(part.file, 'r+');
    try {
      ftruncateSync(fd, validUpTo);
    } finally {
      closeSync(fd);
    }
    log.warning(`AOF ${part.name} loaded anyway because aof-load-truncated is enabled`);
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    throw new AofLoadError(`The AOF file ${path.basename(file)} doesn't exist`);
  }
}
