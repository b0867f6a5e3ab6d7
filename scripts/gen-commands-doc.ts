/**
 * Writes docs/COMMANDS.md: every command Redis 7 has, grouped as Redis groups them, marked
 * implemented or not, with any difference from Redis. The table comes from the engine's own
 * registry and the command metadata, so it cannot drift from the code; a test checks that the
 * committed file equals this script's output.
 *
 *   npx tsc -p . && node dist/scripts/gen-commands-doc.js          (rewrite docs/COMMANDS.md)
 *   node dist/scripts/gen-commands-doc.js --check                   (exit 1 if out of date)
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { ALL_FAMILIES } from '../src/commands/index.js';
import { currentCommandMeta, type CommandMeta } from '../src/commands/meta/index.js';
import { CommandRegistry } from '../src/commands/registry.js';

/**
 * Sorted-set scores, and doubles in RESP3, are printed as Redis 7.0 prints them ("%.17g");
 * Redis 7.2 prints the shortest text that reads back as the same double.
 */
const SCORES_AS_70 = 'Scores print as in Redis 7.0 (%.17g: 1.1 is 1.1000000000000001); Redis 7.2 prints the shortest form (1.1).';

/**
 * Geo distances: V8's sin, cos and asin are within one unit in the last place of glibc's, which
 * Redis uses; where the last bit shows, cachica computes them correctly rounded, as glibc does.
 */
function geoDistanceNotes(): Record<string, string> {
  const note =
    'Distances printed with 4 decimals use V8\'s sin, cos and asin, within one unit in the last place of glibc\'s: the fourth decimal could in principle differ (never seen in tests). The radius edge, near-equal distances and STOREDIST values use correctly rounded functions and equal Redis\'s.';
  const names = ['geodist', 'geosearch', 'georadius', 'georadius_ro', 'georadiusbymember', 'georadiusbymember_ro'];
  return Object.fromEntries(names.map((n) => [n, note]));
}

/** The note for every sorted-set command that replies scores. */
function scoreFormatNotes(): Record<string, string> {
  const commands = ['zadd', 'zincrby', 'zscore', 'zmscore', 'zrange', 'zrevrange', 'zrangebyscore', 'zrevrangebyscore', 'zrank', 'zrevrank',
    'zpopmin', 'zpopmax', 'bzpopmin', 'bzpopmax', 'zmpop', 'bzmpop', 'zunion', 'zinter', 'zdiff'];
  return Object.fromEntries(commands.map((c) => [c, SCORES_AS_70]));
}

/** Known differences from Redis, by full command name. Keep these honest and short. */
export const DIFFERENCES: Record<string, string> = {
  scan: 'Cursor values and the order of keys differ from Redis (another hash function); the guarantees are the same.',
  keys: 'Order of keys differs from Redis (another hash function).',
  randomkey: 'Random choice by another generator, as any two Redis processes differ.',
  unlink: 'Same as DEL: freeing a value is already O(1) here.',
  'debug': 'Subcommands HELP, SLEEP, SET-ACTIVE-EXPIRE, OBJECT, POPULATE, RELOAD (MERGE, NOFLUSH, NOSAVE), LOADAOF, DIGEST, DIGEST-VALUE, CHANGE-REPL-ID, LOG, ERROR, PROTOCOL. DEBUG OBJECT serializedlength ignores LZF compression. DEBUG LOADAOF replies an error when the files cannot be loaded, where Redis exits.',
  save: 'Writes RDB 10 (loadable by Redis 7.0 and 7.2) to a temporary file, fsyncs and renames it.',
  eval: 'Lua 5.4 (wasmoon) with Lua 5.1\'s names Redis scripts use; RESP2 conversions only so far (redis.setresp, RESP3 types, cjson, cmsgpack, bit, struct, shebang flags and busy-script handling are to come). An integral float a script turns into text prints as 5.0, where Lua 5.1 prints 5. A script running past busy-reply-threshold is stopped with an error instead of making others wait with -BUSY (see docs/SCRIPTING.md).',
  bgsave: 'No fork: the point-in-time snapshot is written on the event loop in 2 ms slices, each key a write command names written first as it was. A write whose keys its arguments do not name (FLUSHALL, FLUSHDB, SWAPDB, DEBUG) completes the save first.',
  bgrewriteaof: 'No fork: the new base is written in slices as BGSAVE writes (an RDB base, or commands with aof-use-rdb-preamble no).',
  dump: 'Payloads are RDB 10 (what Redis 7.0 writes, and 7.2 reads); a small set of strings, a listpack in 7.2, is written as a plain set, and a consumer\'s active time (RDB 11) is not written. A hash with field expiry is written in Redis 7.4\'s types (RDB 12), which older servers refuse, as they cannot hold it.',
  restore: 'Reads RDB 10 to 12 payloads (Redis 7.0 to 7.4; fields of a hash already past their deadline are dropped) and the ziplist and zipmap forms of older versions. Listpack, ziplist, intset and stream images are always checked entry by entry (as sanitize-dump-payload yes does).',
  shutdown: 'Saves an RDB snapshot first when asked (SAVE) or when save points are configured, as Redis does; SIGTERM saves likewise. There are no replicas to wait for, so NOW changes nothing.',
  info: 'used_memory counts the keyspace (blocks, entry records, bucket tables, expiry sets, and each collection\'s estimated size) and the clients\' buffers, as maxmemory does; the runtime\'s own heap (code, command table) shows only in used_memory_rss, and used_memory_startup is 0. The fork and copy-on-write fields are 0 (there is no fork); replication fields show idle values.',
  'config|get': 'Only the parameters cachica implements (see src/server/config.ts).',
  'config|set': 'Only the parameters cachica implements. port and bind are rebound after the reply; a failed bind is logged, not rolled back. maxmemory-clients (client eviction) is not implemented.',
  'client|list': 'qbuf-free is 0 and the memory fields are estimates.',
  'client|info': 'qbuf-free is 0 and the memory fields are estimates.',
  command: 'Subcommand lists follow Redis 7.0\'s table (7.2-only subcommands are not listed under their container).',
  hscan: 'On a hashtable the cursor is a position in cachica\'s table, not Redis\'s reverse-binary cursor; the guarantees are the same. NOVALUES (Redis 7.4) works; COMMAND DOCS lists Redis 7.0\'s arguments.',
  hrandfield: 'A negative count whose reply passes 512 MB closes the connection there (Redis writes until the client\'s output buffer limit closes it, or memory runs out).',
  'object|encoding': 'A list goes back from quicklist to listpack once the whole list is within half of list-max-listpack-size; Redis 7.2 also requires its quicklist to be down to one node, which depends on how its nodes were filled.',
  pfcount: 'A sparse value whose runs reach past register 16384 is corrupt (INVALIDOBJ), as in Redis releases with the CVE-2025-32023 fix (7.2.10 on; Debian\'s 7.0.15); older releases ignored a VAL run past the end.',
  'xinfo|stream': 'entries-added and entries-read (as set by XSETID ENTRIESADDED and XGROUP ENTRIESREAD) are exact up to 2^53.',
  xclaim: 'The pending entries list is a sorted array: claiming an entry older than most of the list costs O(n) moves where Redis\'s radix tree costs O(log n).',
  ...geoDistanceNotes(),
  ...scoreFormatNotes(),
  zscan: 'On a skiplist the cursor is a position in cachica\'s member table, not Redis\'s reverse-binary cursor; the guarantees are the same. ' + SCORES_AS_70,
  zrandmember: 'A negative count whose reply passes 512 MB closes the connection there (as HRANDFIELD). ' + SCORES_AS_70,
};

export function renderCommandsDoc(): string {
  const registry = new CommandRegistry();
  for (const family of ALL_FAMILIES) registry.register(family);
  const groups = new Map<string, CommandMeta[]>();
  for (const meta of currentCommandMeta()) {
    const group = meta.docs?.group ?? 'other';
    if (!groups.has(group)) groups.set(group, []);
    (groups.get(group) as CommandMeta[]).push(meta);
  }
  let implemented = 0;
  let total = 0;
  const sections: string[] = [];
  for (const group of [...groups.keys()].sort()) {
    const rows: string[] = [];
    for (const meta of (groups.get(group) as CommandMeta[]).sort((a, b) => a.name.localeCompare(b.name))) {
      const entries = meta.subcommands.length > 0 ? meta.subcommands : [meta];
      for (const m of [...entries].sort((a, b) => a.name.localeCompare(b.name))) {
        total++;
        const done = registry.isImplemented(m.name) && registry.getFull(m.name)?.handler !== null;
        if (done) implemented++;
        const name = m.name.replace('|', ' ').toUpperCase();
        const note = DIFFERENCES[m.name] ?? (meta.subcommands.length > 0 ? DIFFERENCES[meta.name] ?? '' : '');
        rows.push(`| ${name} | ${done ? 'yes' : 'no'} | ${note} |`);
      }
    }
    sections.push(`## ${group}\n\n| command | implemented | difference from Redis |\n|---|---|---|\n${rows.join('\n')}\n`);
  }
  return [
    '# Commands',
    '',
    'Every command of Redis 7, as cachica implements it. Generated by `scripts/gen-commands-doc.ts`',
    'from the command registry and Redis\'s command metadata; do not edit by hand.',
    '',
    `Implemented: ${implemented} of ${total} commands and subcommands. Where the last column is empty,`,
    'replies are those of Redis 7.2 byte for byte (checked against Redis in test/compat).',
    '',
    ...sections,
  ].join('\n');
}

const docPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'COMMANDS.md');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = renderCommandsDoc();
  if (process.argv.includes('--check')) {
    const current = readFileSync(docPath, 'utf8');
    if (current !== text) {
      process.stderr.write('docs/COMMANDS.md is out of date: run node dist/scripts/gen-commands-doc.js\n');
      process.exit(1);
    }
  } else {
    writeFileSync(docPath, text);
  }
}
