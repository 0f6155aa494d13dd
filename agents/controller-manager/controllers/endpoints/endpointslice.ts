// The EndpointSlice controller (endpointslice_controller.go, simplified): the same pods as
// Endpoints, in discovery.k8s.io/v1 slices named `<service>-<suffix>`, labelled with the
// service name and this controller as manager. kubectl 1.31+ `describe service` reads them.
// One slice per distinct port set (upstream also splits at 100 endpoints; a teaching cluster
// stays far below). Slices are owned by their Service, so deleting it lets the garbage
// collector remove them. sync(key): build the wanted slices, then update matching ones by port
// set, create missing ones, delete extras.

import { isNotFound } from '../../../api/errors';
import { R } from '../../../api/resources';
import { splitKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from '../common/endpointslice-labels';
import { canonicalJson, clone, type EndpointSliceObj, type ServiceObj } from '../common/objects';
import { newControllerRef } from '../common/owner';
import { managesService, type PodEndpoint, podEndpoints, portsKey } from './endpoints-math';
import { watchServicesAndPods } from './service-pods';

export const MANAGED_BY = 'endpointslice-controller.k8s.io';

export function newEndpointSliceController(ctx: ControllerContext, workers = 5): Controller {
  const { services, pods } = watchServicesAndPods(ctx.informers, ctx.queue);
  const slices = ctx.informers.for<EndpointSliceObj>(R.endpointslices);
  const { client } = ctx;
  // A slice change (someone deleted ours) wakes its service.
  slices.addEventHandler({
    delete: (s) => {
      const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
      if (svc && s.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY)
        ctx.queue.add(`${s.metadata?.namespace}/${svc}`);
    },
  });

  async function sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = services.get(key);
    const existing = slices
      .list(namespace)
      .filter(
        (s) =>
          s.metadata?.labels?.[SERVICE_NAME_LABEL] === name &&
          s.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY,
      );
    const wanted =
      svc && managesService(svc) ? desiredSlices(svc, podEndpoints(svc, pods.list(namespace))) : [];
    const unused = [...existing];
    for (const want of wanted) {
      const i = unused.findIndex((s) => portsKey(s.ports ?? []) === portsKey(want.ports ?? []));
      const current = i >= 0 ? unused.splice(i, 1)[0] : undefined;
      if (!current) {
        await client.create(R.endpointslices, want, { namespace });
      } else if (
        canonicalJson([current.endpoints ?? [], current.ports ?? [], current.metadata?.labels]) !==
        canonicalJson([want.endpoints, want.ports, want.metadata?.labels])
      ) {
        const body = clone(current);
        body.endpoints = want.endpoints;
        body.ports = want.ports;
        body.metadata.labels = want.metadata?.labels;
        await client.update(R.endpointslices, body);
      }
    }
    // Keep one (empty) slice for a selector service with no pods, as upstream does.
    for (const s of unused) {
      await client.delete(R.endpointslices, namespace, s.metadata?.name ?? '').catch((e) => {
        if (!isNotFound(e)) throw e;
      });
    }
  }

  return { name: 'endpointslice', queue: ctx.queue, workers, sync };
}

export function desiredSlices(svc: ServiceObj, eps: PodEndpoint[]): EndpointSliceObj[] {
  const groups = new Map<string, PodEndpoint[]>();
  for (const ep of eps) {
    const k = portsKey(ep.ports);
    groups.set(k, [...(groups.get(k) ?? []), ep]);
  }
  if (groups.size === 0) groups.set('[]', []);
  const labels = {
    ...(svc.metadata?.labels ?? {}),
    [SERVICE_NAME_LABEL]: svc.metadata?.name ?? '',
    [MANAGED_BY_LABEL]: MANAGED_BY,
  };
  return [...groups.values()].map((group) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${svc.metadata?.name}-`,
      namespace: svc.metadata?.namespace,
      labels,
      ownerReferences: [newControllerRef(svc, 'v1', 'Service')],
    },
    addressType: 'IPv4',
    endpoints: group.map((ep) => ({
      addresses: [ep.ip],
      conditions: {
        ready: ep.ready,
        serving: ep.ready || (ep.terminating && ep.ready),
        terminating: ep.terminating,
      },
      ...(ep.hostname ? { hostname: ep.hostname } : {}),
      ...(ep.pod.spec?.nodeName ? { nodeName: ep.pod.spec.nodeName } : {}),
      targetRef: {
        kind: 'Pod',
        namespace: ep.pod.metadata?.namespace,
        name: ep.pod.metadata?.name,
        uid: ep.pod.metadata?.uid,
      },
    })),
    ports:
      group[0]?.ports ??
      (svc.spec?.ports ?? []).map((p) => ({
        name: p.name ?? '',
        port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
        protocol: p.protocol ?? 'TCP',
      })),
  }));
}
