// The Endpoints controller (endpoints_controller.go): for each Service with a selector, an
// Endpoints object of the same name listing the pods behind it. kube-proxy and kubectl 1.27–1.30
// `describe service` read it. sync(key):
//   1. Service gone → delete its Endpoints; Service without selector (or default/kubernetes) → leave alone;
//   2. collect matching pods with IPs, resolve ports, group into subsets;
//   3. create or update the Endpoints when the subsets or labels differ.

import { isNotFound } from '../../../api/errors';
import { R } from '../../../api/resources';
import { splitKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import { SKIP_MIRROR_LABEL } from '../common/endpointslice-labels';
import { canonicalJson, clone, type EndpointsObj } from '../common/objects';
import { buildSubsets, managesService, podEndpoints } from './endpoints-math';
import { watchServicesAndPods } from './service-pods';

export function newEndpointsController(ctx: ControllerContext, workers = 5): Controller {
  const { services, pods } = watchServicesAndPods(ctx.informers, ctx.queue);
  const endpoints = ctx.informers.for<EndpointsObj>(R.endpoints);
  const { client } = ctx;

  async function sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = services.get(key);
    if (!svc) {
      if (namespace === 'default' && name === 'kubernetes') return;
      if (endpoints.get(key))
        await client.delete(R.endpoints, namespace, name).catch((e) => {
          if (!isNotFound(e)) throw e;
        });
      return;
    }
    if (!managesService(svc)) return;
    const subsets = buildSubsets(podEndpoints(svc, pods.list(namespace)));
    // skip-mirror: these Endpoints come from a selector; the mirroring controller must not copy them.
    const labels = { ...(svc.metadata?.labels ?? {}), [SKIP_MIRROR_LABEL]: 'true' };
    const current = endpoints.get(key);
    if (
      current &&
      canonicalJson(current.subsets ?? []) === canonicalJson(subsets) &&
      canonicalJson(current.metadata?.labels ?? {}) === canonicalJson(labels)
    )
      return;
    if (!current) {
      await client.create<EndpointsObj>(
        R.endpoints,
        { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets },
        { namespace },
      );
      return;
    }
    const body = clone(current);
    body.metadata.labels = labels;
    body.subsets = subsets;
    await client.update(R.endpoints, body);
  }

  return { name: 'endpoint', queue: ctx.queue, workers, sync };
}
