/**
 * startServer: build an engine from a configuration and put it on the network, with the
 * start-up and shutdown sequence of redis-server (log lines, signals, pidfile).
 */

import { ALL_FAMILIES } from '../commands/index.js';
import { Config } from './config.js';
import { Engine } from './engine.js';
import { NetServer } from './net-server.js';
import { CACHICA_VERSION, SERVER_VERSION } from './version.js';
import { warmUp } from './warm-up.js';

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
  // The cron runs during the warm-up: its first runs change the shape of objects the hot paths
  // use (doubles where integers were), which would otherwise discard their compiled code later.
  engine.startCron();
  await engine.scripting.start();
  const warmMs = await warmUp(engine, net);
  engine.log.verbose(`Warmed up the serving path in ${warmMs.toFixed(0)} ms`);
  await net.listen();
  engine.log.notice(`Server initialized, listening on ${net.addresses().join(', ') || 'nothing'}`);
  // After the warm-up, whose keys must not meet the data; clients get -LOADING meanwhile.
  await engine.persistence.loadAtStartup();
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
