/**
 * CLIENT and its subcommands: connection introspection and control.
 */

import type { CommandEntry } from './types.js';

export const clientCommands: CommandEntry[] = [];
