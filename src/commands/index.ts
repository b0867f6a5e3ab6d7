/**
 * Every command family, in one list the engine registers. A new family adds one line here.
 */

import { bitmapCommands } from './bitmaps.js';
import { clientCommands } from './client.js';
import { trackingCommands } from './client-tracking.js';
import { commandCommands } from './command.js';
import { connectionCommands } from './connection.js';
import { dumpCommands } from './dump.js';
import { geoCommands } from './geo.js';
import { hashCommands } from './hashes.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { keyCommands } from './keys.js';
import { listCommands } from './lists.js';
import { pubsubCommands } from './pubsub.js';
import { scriptingCommands } from './scripting.js';
import { serverCommands } from './server.js';
import { setCommands } from './sets.js';
import { sortCommands } from './sort.js';
import { streamCommands } from './streams.js';
import { stringCommands } from './strings.js';
import { transactionCommands } from './transactions.js';
import { zsetCommands } from './zsets.js';
import type { CommandEntry } from './types.js';

export const ALL_FAMILIES: readonly (readonly CommandEntry[])[] = [
  connectionCommands,
  stringCommands,
  keyCommands,
  serverCommands,
  clientCommands,
  trackingCommands,
  commandCommands,
  hashCommands,
  listCommands,
  setCommands,
  sortCommands,
  zsetCommands,
  transactionCommands,
  scriptingCommands,
  bitmapCommands,
  pubsubCommands,
  streamCommands,
  hyperloglogCommands,
  geoCommands,
  dumpCommands,
];
