// One shared informer per resource for every controller (shared_informer_factory.go): the
// ReplicaSet, Deployment, endpoints and garbage-collector controllers all read pods, but the
// manager lists and watches pods once. Controllers ask for informers while they are built;
// start() runs them all and waitForSync() resolves when every cache holds its first list.

import type { ResourceInfo } from '../api/resources';
import type { KubeObject } from '../api/types';
import { createInformer } from '../client';
import type { ApiClient, Informer } from '../client/types';
import type { Informers } from './controller';

export interface InformerFactory extends Informers {
  start(): void;
  stop(): void;
  waitForSync(signal?: AbortSignal): Promise<void>;
  resources(): string[];
}

export function createInformerFactory(client: ApiClient): InformerFactory {
  const informers = new Map<string, Informer<any>>();
  let started = false;
  return {
    for<T extends KubeObject>(r: ResourceInfo): Informer<T> {
      const key = `${r.group}/${r.resource}`;
      let inf = informers.get(key);
      if (!inf) {
        inf = createInformer<T>(client, r);
        informers.set(key, inf);
        if (started) inf.start();
      }
      return inf as Informer<T>;
    },
    start() {
      started = true;
      for (const inf of informers.values()) inf.start();
    },
    stop() {
      for (const inf of informers.values()) inf.stop();
    },
    async waitForSync(signal?: AbortSignal) {
      await Promise.all([...informers.values()].map((inf) => inf.waitForSync(signal)));
    },
    resources: () => [...informers.keys()],
  };
}
