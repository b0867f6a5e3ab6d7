/**
 * COMMAND and its subcommands, answered from the command metadata (meta/).
 */

import type { CommandEntry } from './types.js';

export const commandCommands: CommandEntry[] = [];
