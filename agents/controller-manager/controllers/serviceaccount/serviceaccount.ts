// The service account controller (serviceaccounts_controller.go): every active namespace has a
// ServiceAccount named `default`, which pods run as when they name none. sync(namespace):
// terminating or gone → nothing; `default` missing → create it.

import { isAlreadyExists } from '../../../api/errors';
import { R } from '../../../api/resources';
import { objectKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import type { NamespaceObj, ServiceAccountObj } from '../common/objects';

export function newServiceAccountController(ctx: ControllerContext, workers = 1): Controller {
  const namespaces = ctx.informers.for<NamespaceObj>(R.namespaces);
  const accounts = ctx.informers.for<ServiceAccountObj>(R.serviceaccounts);
  const { queue, client } = ctx;
  namespaces.addEventHandler({
    add: (ns) => queue.add(objectKey(ns)),
    update: (_o, ns) => queue.add(objectKey(ns)),
  });
  accounts.addEventHandler({
    delete: (sa) => sa.metadata?.name === 'default' && queue.add(sa.metadata?.namespace ?? ''),
  });

  async function sync(name: string): Promise<void> {
    const ns = namespaces.get(name);
    if (!ns || ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    if (accounts.get(`${name}/default`)) return;
    await client
      .create<ServiceAccountObj>(
        R.serviceaccounts,
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } },
        { namespace: name },
      )
      .catch((err) => {
        if (!isAlreadyExists(err)) throw err;
      });
  }

  return { name: 'serviceaccount', queue, workers, sync };
}
