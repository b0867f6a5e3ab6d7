#!/usr/bin/env node
/**
 * cachica-check-rdb: read an RDB snapshot the way the server loads it and say whether it is
 * whole, as redis-check-rdb does: the aux fields and databases met, then "RDB looks OK" and
 * the number of keys, or the first damage found with its offset (exit status 1).
 *
 *   cachica-check-rdb <rdb-file-name>
 */

import { existsSync } from 'node:fs';
import { ALL_FAMILIES } from '../commands/index.js';
import { RdbFormatError } from '../persistence/rdb-encoding.js';
import { Config } from '../server/config.js';
import { Engine } from '../server/engine.js';
import { loadSnapshot } from '../server/snapshot.js';

// A reader that goes away (`| head`) ends the report, not with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

function main(args: readonly string[]): number {
  if (args.length !== 1) {
    process.stderr.write('Usage: cachica-check-rdb <rdb-file-name>\n');
    return 1;
  }
  const file = args[0];
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  out(`[offset 0] Checking RDB file ${file}`);
  if (!existsSync(file)) {
    out(`--- RDB ERROR DETECTED ---`);
    out(`[offset 0] Cannot open RDB file ${file}`);
    return 1;
  }
  const config = new Config();
  config.setInitial('loglevel', 'nothing');
  const engine = new Engine(config, ALL_FAMILIES);
  try {
    const result = loadSnapshot(engine, file, false, {
      aux: (key, value, offset) => out(`[offset ${offset}] AUX FIELD ${key} = '${value}'`),
      selectDb: (index, offset) => out(`[offset ${offset}] Selecting DB ID ${index}`),
    });
    out(result.checksum === 'ok' ? `[offset ${result.end}] Checksum OK` : `[offset ${result.end}] RDB file was saved with checksum disabled: no check performed.`);
    out(`[offset ${result.end}] \\o/ RDB looks OK! \\o/`);
    out(`[info] ${result.keys + result.expired} keys read`);
    out(`[info] ${result.withExpire} expires`);
    out(`[info] ${result.expired} already expired`);
    return 0;
  } catch (e) {
    out('--- RDB ERROR DETECTED ---');
    if (e instanceof RdbFormatError) out(`[offset ${e.offset}] ${e.message.replace(/ at offset \d+$/, '')}`);
    else out(`[offset 0] ${(e as Error).message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
