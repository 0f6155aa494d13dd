// Handlers shared by the Endpoints and EndpointSlice controllers: a Service change wakes that
// Service; a pod change wakes every Service in its namespace whose selector matches the pod's
// old or new labels (a relabelled pod must leave the old Service's endpoints).

import { R } from '../../../api/resources';
import { objectKey } from '../../../api/types';
import type { WorkQueue } from '../../../client/types';
import type { Informers } from '../../controller';
import type { PodObj, ServiceObj } from '../common/objects';
import { mapSelectorMatches } from '../common/selector';

export function watchServicesAndPods(informers: Informers, queue: WorkQueue) {
  const services = informers.for<ServiceObj>(R.services);
  const pods = informers.for<PodObj>(R.pods);
  const wake = (...ps: PodObj[]) => {
    const keys = new Set<string>();
    for (const p of ps) {
      for (const svc of services.list(p.metadata?.namespace)) {
        if (mapSelectorMatches(svc.spec?.selector, p.metadata?.labels)) keys.add(objectKey(svc));
      }
    }
    for (const k of keys) queue.add(k);
  };
  services.addEventHandler({
    add: (s) => queue.add(objectKey(s)),
    update: (_o, s) => queue.add(objectKey(s)),
    delete: (s) => queue.add(objectKey(s)),
  });
  pods.addEventHandler({ add: (p) => wake(p), update: (o, p) => wake(o, p), delete: (p) => wake(p) });
  return { services, pods };
}
