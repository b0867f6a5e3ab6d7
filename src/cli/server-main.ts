#!/usr/bin/env node
/**
 * cachica-server: start the server as redis-server is started.
 *
 *   cachica-server [/path/to/cachica.conf] [--port 6380] [--bind 127.0.0.1] ...
 *
 * A configuration error prints what and where, and exits with status 1 before listening.
 */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Config, ConfigError, loadConfig } from '../server/config.js';
import { startServer, type RunningServer } from '../server/server.js';
import { CACHICA_VERSION, SERVER_VERSION } from '../server/version.js';
import { saveSnapshot } from '../server/snapshot.js';

function usage(): void {
  process.stderr.write(
    [
      'Usage: cachica-server [/path/to/cachica.conf] [options] [-]',
      '       cachica-server - (read config from stdin)',
      '       cachica-server -v or --version',
      '       cachica-server -h or --help',
      '',
      'Examples:',
      '       cachica-server (run the server with default config)',
      '       cachica-server /etc/cachica/6379.conf',
      '       cachica-server --port 7777',
      '       cachica-server /etc/mycachica.conf --loglevel verbose',
      '',
    ].join('\n'),
  );
}

async function main(args: string[]): Promise<void> {
  if (args[0] === '-v' || args[0] === '--version') {
    process.stdout.write(`cachica server v=${CACHICA_VERSION} redis_version=${SERVER_VERSION} node=${process.version}\n`);
    return;
  }
  if (args[0] === '-h' || args[0] === '--help') {
    usage();
    return;
  }
  let fileText: string | null = null;
  let rest = args;
  if (args.length > 0 && !args[0].startsWith('--')) {
    const source = args[0];
    rest = args.slice(1);
    try {
      fileText = source === '-' ? readFileSync(0, 'utf8') : readFileSync(source, 'utf8');
    } catch (e) {
      process.stderr.write(`Fatal error, can't open config file '${source}': ${(e as Error).message}\n`);
      process.exit(1);
    }
  }
  if (rest.length > 0 && rest[rest.length - 1] === '-') {
    fileText = `${fileText ?? ''}\n${readFileSync(0, 'utf8')}`;
    rest = rest.slice(0, -1);
  }
  const config = new Config();
  if (args.length > 0 && !args[0].startsWith('--') && args[0] !== '-') config.configFile = resolve(args[0]);
  try {
    loadConfig(config, fileText, rest);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (e) {
    process.stderr.write(`Failed to start: ${(e as Error).message}\n`);
    process.exit(1);
  }
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    if (signal !== 'SHUTDOWN') {
      server.engine.log.warning(`Received ${signal} scheduling shutdown...`);
      server.engine.persistence.prepareShutdown();
    }
    // prepareForShutdown: with save points configured, a signal saves first, and a failed save
    // keeps the server running (SHUTDOWN has saved, or chosen not to, already).
    if (signal !== 'SHUTDOWN' && server.engine.config.get('save') !== '') {
      server.engine.log.notice('Saving the final RDB snapshot before exiting.');
      try {
        saveSnapshot(server.engine);
      } catch {
        server.engine.log.warning(`${signal} received but errors trying to shut down the server, check the logs for more information`);
        stopping = false;
        return;
      }
    }
    server.engine.persistence.shutdown();
    await server.close();
    server.engine.log.warning('cachica is now ready to exit, bye bye...');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  server.engine.onShutdownRequest = () => void shutdown('SHUTDOWN');
}

void main(process.argv.slice(2));
