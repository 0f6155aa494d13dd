// The EndpointSlice mirroring controller (endpointslicemirroring_controller.go): a Service
// without a selector whose Endpoints were written by hand gets EndpointSlices copied from them,
// labelled `endpointslice.kubernetes.io/managed-by: endpointslicemirroring-controller.k8s.io`
// and `kubernetes.io/service-name`, so kube-proxy and kubectl 1.31+ `describe service` see the
// same backends as kubectl 1.27. The key is the Endpoints' (= the Service's) ns/name. sync(key):
//   1. wanted = mirroredSlices(endpoints) when shouldMirror, else none;
//   2. match existing mirrored slices by address type + port set: update the ones that differ;
//   3. create the missing ones, delete the rest (Endpoints gone, Service gone or given a selector).

import { isNotFound } from '../../../api/errors';
import { R } from '../../../api/resources';
import { objectKey, splitKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from '../common/endpointslice-labels';
import {
  canonicalJson,
  clone,
  type EndpointSliceObj,
  type EndpointsObj,
  type ServiceObj,
} from '../common/objects';
import { MIRRORING_MANAGED_BY, mirroredSlices, shouldMirror, sliceKey } from './mirroring-math';

export function newEndpointSliceMirroringController(ctx: ControllerContext, workers = 5): Controller {
  const endpoints = ctx.informers.for<EndpointsObj>(R.endpoints);
  const services = ctx.informers.for<ServiceObj>(R.services);
  const slices = ctx.informers.for<EndpointSliceObj>(R.endpointslices);
  const { client, queue } = ctx;

  const wake = (o: EndpointsObj | ServiceObj) => queue.add(objectKey(o));
  endpoints.addEventHandler({ add: wake, update: (_o, n) => wake(n), delete: wake });
  services.addEventHandler({ add: wake, update: (_o, n) => wake(n), delete: wake });
  // Someone edited or deleted one of our slices: put it back the way the Endpoints say.
  const wakeSlice = (s: EndpointSliceObj) => {
    const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (svc && s.metadata?.labels?.[MANAGED_BY_LABEL] === MIRRORING_MANAGED_BY)
      queue.add(`${s.metadata?.namespace}/${svc}`);
  };
  slices.addEventHandler({ update: (_o, s) => wakeSlice(s), delete: wakeSlice });

  async function sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const ep = endpoints.get(key);
    const wanted = shouldMirror(ep, services.get(key)) && ep ? mirroredSlices(ep) : [];
    const unused = slices
      .list(namespace)
      .filter(
        (s) =>
          s.metadata?.labels?.[SERVICE_NAME_LABEL] === name &&
          s.metadata?.labels?.[MANAGED_BY_LABEL] === MIRRORING_MANAGED_BY,
      );
    for (const want of wanted) {
      const i = unused.findIndex((s) => sliceKey(s) === sliceKey(want));
      const current = i >= 0 ? unused.splice(i, 1)[0] : undefined;
      if (!current) {
        await client.create(R.endpointslices, want, { namespace });
        continue;
      }
      const facts = (s: EndpointSliceObj) => [
        s.endpoints ?? [],
        s.ports ?? [],
        s.metadata?.labels ?? {},
        s.metadata?.annotations ?? {},
        s.metadata?.ownerReferences ?? [],
      ];
      if (canonicalJson(facts(current)) === canonicalJson(facts(want))) continue;
      const body = clone(current);
      body.endpoints = want.endpoints;
      body.ports = want.ports;
      body.metadata.labels = want.metadata?.labels;
      body.metadata.annotations = want.metadata?.annotations;
      body.metadata.ownerReferences = want.metadata?.ownerReferences;
      await client.update(R.endpointslices, body);
    }
    for (const s of unused) {
      await client.delete(R.endpointslices, namespace, s.metadata?.name ?? '').catch((e) => {
        if (!isNotFound(e)) throw e;
      });
    }
  }

  return { name: 'endpointslicemirroring', queue, workers, sync };
}
