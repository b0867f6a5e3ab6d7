/**
 * Server commands: INFO, CONFIG, DEBUG, SHUTDOWN, TIME and the other administration commands.
 */

import type { CommandEntry } from './types.js';

export const serverCommands: CommandEntry[] = [];
