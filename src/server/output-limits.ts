/**
 * client-output-buffer-limit (Redis's checkClientOutputBufferLimits): a client whose pending
 * output passes its class's hard limit, or stays above the soft limit for longer than the soft
 * seconds, is closed instead of holding memory without bound. The classes are normal, pubsub
 * (a client with a subscription) and replica (once replication exists).
 *
 * Pending output is what the reply writer holds plus what the socket has not handed to the
 * kernel yet: the part that grows when a peer stops reading.
 */

import { ClientFlag, type Client } from './client.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

interface ClassLimits {
  hard: number;
  soft: number;
  softSeconds: number;
}

const NONE: ClassLimits = { hard: 0, soft: 0, softSeconds: 0 };

export class OutputLimits {
  private normal = NONE;
  private pubsub = NONE;

  constructor(config: Config, private readonly log: Logger) {
    const apply = (value: string): void => {
      const words = value.split(' ');
      for (let j = 0; j + 3 < words.length; j += 4) {
        const limits = { hard: Number(words[j + 1]), soft: Number(words[j + 2]), softSeconds: Number(words[j + 3]) };
        if (words[j] === 'normal') this.normal = limits;
        else if (words[j] === 'pubsub') this.pubsub = limits;
      }
    };
    apply(config.get('client-output-buffer-limit'));
    config.watch('client-output-buffer-limit', apply);
  }

  /**
   * Check `c` after output was added to it. Over the limit, it is marked to close at once (its
   * pending output dropped) and the answer is true.
   */
  exceeded(c: Client): boolean {
    if ((c.flags & ClientFlag.CloseAsap) !== 0) return true;
    const limits = (c.flags & ClientFlag.PubSub) !== 0 ? this.pubsub : this.normal;
    if (limits.hard === 0 && limits.soft === 0) return false;
    const used = c.reply.pos + (c.socket?.writableLength ?? 0);
    if (limits.hard !== 0 && used >= limits.hard) return this.close(c);
    if (limits.soft !== 0 && used >= limits.soft) {
      const now = Date.now();
      if (c.softLimitSince === 0) {
        c.softLimitSince = now;
        return false;
      }
      if (now - c.softLimitSince > limits.softSeconds * 1000) return this.close(c);
      return false;
    }
    c.softLimitSince = 0;
    return false;
  }

  private close(c: Client): boolean {
    this.log.warning(`Client id=${c.id} addr=${c.addr} scheduled to be closed ASAP for overcoming of output buffer limits.`);
    c.flags |= ClientFlag.CloseAsap;
    c.reply.pos = 0;
    c.flushSoon();
    return true;
  }
}
