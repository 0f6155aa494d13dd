// The add-ons `nodekube up` runs as pods, the way kube-up did: today the cluster DNS. Each
// minion builds the DNS image from its own Node.js and the agent bundle (no registry: every
// node makes the same image from the same inputs); then the kube-dns Service and the coredns
// Deployment are created or brought up to date through the API, and the step waits (bounded)
// until the DNS pods are Ready.

import { createHash } from 'node:crypto';
import { isNotFound } from '../../agents/api/errors';
import type { ResourceInfo } from '../../agents/api/resources';
import { R } from '../../agents/api/resources';
import type { KubeObject } from '../../agents/api/types';
import type { ApiClient } from '../../agents/client/types';
import { DNS_DEPLOYMENT, DNS_NAMESPACE, dnsImageScript, kubeDnsObjects } from '../addons/kube-dns';
import { clusterClient } from '../api';
import type { Context, HostStep, LocalStep, Step } from '../context';
import { CLUSTER_DOMAIN, clusterDnsOf, minionsOf } from '../inventory';

/** nodekube/dns:<first 12 of the bundle hash>: a new bundle, a new image, a rolling update. */
const dnsImage = (ctx: Context) => `nodekube/dns:${(ctx.bundle?.hash ?? 'dev').slice(0, 12)}`;

export const buildDnsImage: HostStep = {
  title: 'Build the cluster DNS image from the node’s Node.js and the agent bundle',
  hosts: minionsOf,
  async run(ctx, _host, remote) {
    const r = await remote.exec(dnsImageScript(dnsImage(ctx)), { sudo: true, timeoutMs: 180_000 });
    return `${r.stdout.trim().split('\n').at(-1)} (${dnsImage(ctx)})`;
  },
};

/** The annotation holding the hash of the spec we last applied (kubectl apply keeps the whole object). */
const APPLIED = 'nodekube.io/applied-spec';
const specHash = (obj: KubeObject) =>
  createHash('sha256')
    .update(JSON.stringify(bodyOf(obj)))
    .digest('hex')
    .slice(0, 12);

/** What we own of an object: its spec, or an RBAC object's rules, roleRef and subjects. */
function bodyOf(obj: KubeObject): Record<string, unknown> {
  const { apiVersion, kind, metadata, status, ...body } = obj as KubeObject & Record<string, unknown>;
  return body;
}

const RESOURCE_OF_KIND: Record<string, ResourceInfo> = {
  ServiceAccount: R.serviceaccounts,
  ClusterRole: R.clusterroles,
  ClusterRoleBinding: R.clusterrolebindings,
  Service: R.services,
  Deployment: R.deployments,
};

/**
 * Create the object, or patch its spec when ours changed since we last applied it. The stored
 * spec carries the apiserver's defaults, so it is compared through the hash we left on it, not
 * field by field.
 */
async function apply(client: ApiClient, obj: KubeObject): Promise<string> {
  const r = RESOURCE_OF_KIND[obj.kind ?? ''];
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  const what = `${obj.kind?.toLowerCase()}/${name}`;
  const hash = specHash(obj);
  try {
    const have = await client.get(r, ns, name);
    if (have.metadata?.annotations?.[APPLIED] === hash) return `${what} unchanged`;
    await client.patch(r, ns, name, 'merge', {
      metadata: { annotations: { [APPLIED]: hash } },
      ...bodyOf(obj),
    });
    return `${what} updated`;
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const annotations = { ...obj.metadata?.annotations, [APPLIED]: hash };
    await client.create(r, { ...obj, metadata: { ...obj.metadata, annotations } });
    return `${what} created`;
  }
}

const applyDns: LocalStep = {
  title: 'Run the cluster DNS add-on (its service account and RBAC, kube-dns Service, coredns Deployment)',
  local: true,
  async run(ctx) {
    const client = await clusterClient(ctx, 'nodekube-installer/addons');
    const objects = kubeDnsObjects({
      image: dnsImage(ctx),
      clusterIP: clusterDnsOf(ctx.inv),
      domain: CLUSTER_DOMAIN,
    });
    const notes: string[] = [];
    for (const obj of objects) notes.push(await apply(client, obj));
    // Bounded wait for the Deployment to be available; a timeout fails `up` with what we saw.
    // The same bound as validation: the DNS pods need Ready minions first.
    const boundMs = ctx.opts.validateTimeoutMs;
    const deadline = Date.now() + boundMs;
    let last = '';
    while (Date.now() < deadline) {
      const d = await client.get(R.deployments, DNS_NAMESPACE, DNS_DEPLOYMENT);
      const want = (d.spec as { replicas?: number })?.replicas ?? 0;
      const st = (d.status ?? {}) as { updatedReplicas?: number; availableReplicas?: number };
      last = `${st.availableReplicas ?? 0}/${want} available, ${st.updatedReplicas ?? 0} updated`;
      if ((st.availableReplicas ?? 0) >= want && (st.updatedReplicas ?? 0) >= want)
        return `${notes.join(', ')}; ${last}`;
      await new Promise((r) => setTimeout(r, 2000));
    }
    throw new Error(
      `the DNS pods were not Ready within ${boundMs / 1000}s (${last}); see kubectl -n kube-system describe pods -l k8s-app=kube-dns`,
    );
  },
};

export const addons: Step[] = [buildDnsImage, applyDns];
