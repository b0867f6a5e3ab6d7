/**
 * Keyspace commands (Redis's db.c and expire.c): existence, type, deletion, renaming, moving,
 * copying, expiry, iteration and object introspection, for keys of every type.
 */

import type { CommandEntry } from './types.js';

export const keyCommands: CommandEntry[] = [];
