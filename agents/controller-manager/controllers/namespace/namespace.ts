// The namespace controller (namespace_controller.go, deletion/namespaced_resources_deleter.go).
// `kubectl delete namespace x` only marks x Terminating; this controller empties it and then
// removes the `kubernetes` finalizer through PUT namespaces/x/finalize, which lets the apiserver
// remove the namespace. sync(name):
//   1. not terminating → nothing;
//   2. delete every object of every namespaced resource in the catalogue;
//   3. something still there (pods wait for their kubelet) → look again in a second;
//   4. empty → finalize.

import { isNotFound } from '../../../api/errors';
import { R, resources } from '../../../api/resources';
import { objectKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import { clone, type NamespaceObj } from '../common/objects';

export const NAMESPACE_FINALIZER = 'kubernetes';
const RECHECK_MS = 1000;

export function newNamespaceController(ctx: ControllerContext, workers = 10): Controller {
  const namespaces = ctx.informers.for<NamespaceObj>(R.namespaces);
  const { queue, client } = ctx;
  namespaces.addEventHandler({
    add: (ns) => ns.metadata?.deletionTimestamp && queue.add(objectKey(ns)),
    update: (_o, ns) => ns.metadata?.deletionTimestamp && queue.add(objectKey(ns)),
  });

  async function sync(name: string): Promise<void> {
    const ns = namespaces.get(name);
    if (!ns?.metadata?.deletionTimestamp) return;
    let remaining = 0;
    for (const r of resources.filter((x) => x.namespaced && !x.computed)) {
      const list = await client.list(r, { namespace: name }).catch((err) => {
        if (isNotFound(err)) return { items: [] };
        throw err;
      });
      for (const obj of list.items) {
        remaining++;
        if (obj.metadata?.deletionTimestamp) continue;
        await client
          .delete(r, name, obj.metadata?.name ?? '', { propagationPolicy: 'Background' })
          .catch((err) => {
            if (!isNotFound(err)) throw err;
          });
      }
    }
    if (remaining > 0) {
      queue.addAfter(name, RECHECK_MS);
      return;
    }
    if (!(ns.spec?.finalizers ?? []).includes(NAMESPACE_FINALIZER)) return;
    const body = clone(ns);
    body.spec.finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER);
    await client.update(R.namespaces, body, { subresource: 'finalize' });
    ctx.log(`namespace ${name} is empty; finalized`);
  }

  return { name: 'namespace', queue, workers, sync };
}
