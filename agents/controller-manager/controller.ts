// What every controller in this manager is: event handlers that enqueue keys, and one
// `sync(key)` that reads the informer caches and writes through the client (STYLE 2;
// upstream's controllers.md). The manager runs `sync` with the shared runController, which owns
// get/done/forget and the retry decision, so no controller repeats that loop.

import type { ResourceInfo } from '../api/resources';
import type { KubeObject } from '../api/types';
import type { ApiClient, EventRecorder, Informer, WorkQueue } from '../client/types';
import type { ControllerManagerConfig } from './config';

/** An informer source: one shared informer per resource for every controller (informer-factory.ts). */
export interface Informers {
  for<T extends KubeObject>(r: ResourceInfo): Informer<T>;
}

/** Everything a controller is built from; tests hand in fakes of the same interfaces. */
export interface ControllerContext {
  client: ApiClient;
  informers: Informers;
  recorder: EventRecorder;
  queue: WorkQueue;
  config: ControllerManagerConfig;
  /** Injected clock (ms since epoch) so time-based decisions are testable. */
  now: () => number;
  log: (msg: string) => void;
}

export interface Controller {
  name: string;
  queue: WorkQueue;
  workers: number;
  sync(key: string): Promise<void>;
  /** Periodic work not driven by events (node monitor, cron), started with the workers. */
  tick?: { everyMs: number; run(): void };
}
