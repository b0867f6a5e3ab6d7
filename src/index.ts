/**
 * The package's public entry: the embedded store, the network server, and the client library.
 */

export { Cachica, Session, type CachicaOptions, type CommandArgument } from './embedded/cachica.js';
export { startServer, type RunningServer } from './server/server.js';
export { Config } from './server/config.js';
export { ReplyError, PushFrame, type ReplyValue } from './client/decoder.js';
export { Client } from './client/index.js';
