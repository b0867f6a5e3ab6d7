/**
 * The part of redlock 5's API the library workload uses. Its package.json "exports" map has no
 * "types" entry, so NodeNext resolution cannot find the declarations it ships.
 */
declare module 'redlock' {
  import type { Redis } from 'ioredis';

  export interface Settings {
    driftFactor?: number;
    retryCount?: number;
    retryDelay?: number;
    retryJitter?: number;
  }

  export class Lock {
    readonly resources: string[];
    readonly expiration: number;
    release(): Promise<unknown>;
    extend(duration: number): Promise<Lock>;
  }

  export class ExecutionError extends Error {}

  export default class Redlock {
    constructor(clients: Iterable<Redis>, settings?: Settings);
    acquire(resources: string[], duration: number): Promise<Lock>;
  }
}
