/**
 * Every command family, in one list the engine registers. A new family adds one line here.
 */

import { connectionCommands } from './connection.js';
import { stringCommands } from './strings.js';
import type { CommandEntry } from './types.js';

export const ALL_FAMILIES: readonly (readonly CommandEntry[])[] = [connectionCommands, stringCommands];
