/**
 * startServer: build an engine from a configuration and put it on the network, with the
 * start-up and shutdown sequence of redis-server (log lines, signals, pidfile).
 */

import { ALL_FAMILIES } from '../commands/index.js';
import { Config } from './config.js';
import { Engine } from './engine.js';
import { NetServer } from './net-server.js';
import { CACHICA_VERSION, SERVER_VERSION } from './version.js';

export interface RunningServer {
  engine: Engine;
  net: NetServer;
  /** Stop serving: close listeners and clients. Does not exit the process. */
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const engine = new Engine(config, ALL_FAMILIES);
  const net = new NetServer(engine);
  engine.log.notice(`cachica ${CACHICA_VERSION} is starting (Redis ${SERVER_VERSION} compatible), pid=${process.pid}`);
  await net.listen();
  engine.startCron();
  engine.log.notice(`Server initialized, listening on ${net.addresses().join(', ') || 'nothing'}`);
  engine.log.notice('Ready to accept connections');
  return {
    engine,
    net,
    async close() {
      engine.stopCron();
      await net.close();
    },
  };
}
