// The root CA publisher (upstream: pkg/controller/certificates/rootcacertpublisher, controller
// `root-ca-cert-publisher`): every active namespace holds ConfigMap `kube-root-ca.crt` with key
// `ca.crt` = --root-ca-file, which the token volume of every pod projects as
// /var/run/secrets/kubernetes.io/serviceaccount/ca.crt. Edited or deleted, it is put back.
//
// Handlers: a namespace added or updated, or that ConfigMap changed or deleted → its namespace.
// sync(namespace): gone or terminating → nothing; missing → create; data or the description
// annotation differs → update; else nothing (decideRootCaConfigMap, pure).

import { isAlreadyExists, isForbidden, isNotFound } from '../../../api/errors';
import { R } from '../../../api/resources';
import type { ConfigMap } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import type { NamespaceObj, Obj } from '../common/objects';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
/** Upstream's wording, so `kubectl describe cm kube-root-ca.crt` reads the same. */
export const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

type ConfigMapObj = Obj<ConfigMap>;

export type RootCaAction =
  | { action: 'none' }
  | { action: 'create'; obj: ConfigMapObj }
  | { action: 'update'; obj: ConfigMapObj };

/**
 * What namespace `ns` needs, given the ConfigMap it has:
 *   none                                   → create {ca.crt: rootCA}
 *   ca.crt edited, a key added, or no description → update: data is exactly {ca.crt}, labels kept
 *   as wanted                              → none
 */
export function decideRootCaConfigMap(
  ns: string,
  current: ConfigMapObj | undefined,
  rootCA: string,
): RootCaAction {
  const data = { 'ca.crt': rootCA };
  if (!current)
    return {
      action: 'create',
      obj: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: ROOT_CA_CONFIGMAP,
          namespace: ns,
          annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION },
        },
        data,
      },
    };
  const same =
    JSON.stringify(current.data ?? {}) === JSON.stringify(data) &&
    !current.binaryData &&
    !!current.metadata?.annotations?.[DESCRIPTION_ANNOTATION];
  if (same) return { action: 'none' };
  const next = structuredClone(current) as ConfigMapObj;
  next.data = data;
  delete next.binaryData;
  next.metadata = {
    ...next.metadata,
    annotations: { ...(next.metadata?.annotations ?? {}), [DESCRIPTION_ANNOTATION]: DESCRIPTION },
  };
  return { action: 'update', obj: next };
}

export function newRootCaPublisher(ctx: ControllerContext, rootCA: string, workers = 1): Controller {
  const namespaces = ctx.informers.for<NamespaceObj>(R.namespaces);
  const configMaps = ctx.informers.for<ConfigMapObj>(R.configmaps);
  const { queue, client } = ctx;
  const ours = (cm: ConfigMapObj) => cm.metadata?.name === ROOT_CA_CONFIGMAP;
  namespaces.addEventHandler({
    add: (ns) => queue.add(ns.metadata?.name ?? ''),
    update: (_o, ns) => queue.add(ns.metadata?.name ?? ''),
  });
  configMaps.addEventHandler({
    update: (_o, cm) => ours(cm) && queue.add(cm.metadata?.namespace ?? ''),
    delete: (cm) => ours(cm) && queue.add(cm.metadata?.namespace ?? ''),
  });

  async function sync(name: string): Promise<void> {
    const ns = namespaces.get(name);
    if (!ns || ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    const decision = decideRootCaConfigMap(name, configMaps.get(`${name}/${ROOT_CA_CONFIGMAP}`), rootCA);
    if (decision.action === 'create')
      await client.create(R.configmaps, decision.obj, { namespace: name }).catch((err) => {
        // The cache lags a create of ours; a namespace gone or terminating takes nothing new.
        if (!isAlreadyExists(err) && !isNotFound(err) && !isForbidden(err)) throw err;
      });
    if (decision.action === 'update') await client.update(R.configmaps, decision.obj);
  }

  return { name: 'root-ca-cert-publisher', queue, workers, sync };
}
