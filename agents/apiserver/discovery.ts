// Discovery documents in the legacy (per group-version) format, which every kubectl 1.27–1.33
// understands when it is served as plain application/json (research-kubectl-compat.md §1).
// Built once from the resource catalogue; pure.
//
//   GET /api              APIVersions
//   GET /apis             APIGroupList
//   GET /api/v1           APIResourceList (with subresources: pods/eviction is policy/v1 Eviction)
//   GET /apis/apps/v1     APIResourceList (deployments/scale is autoscaling/v1 Scale)
//
// A group served at several versions (autoscaling: v2, v1) lists them all, the stored one first
// and preferred, as upstream's APIGroup does.

import { type ResourceInfo, resources, servedVersions, verbsFor } from '../api/resources';

interface SubresourceShape {
  kind: string;
  verbs: string[];
  group?: string;
  version?: string;
}

/** What each subresource answers, as upstream's discovery lists it. */
function subresourceShape(r: ResourceInfo, sub: string): SubresourceShape {
  switch (sub) {
    case 'status':
      return { kind: r.kind, verbs: ['get', 'patch', 'update'] };
    case 'scale':
      return { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };
    case 'binding':
      return { kind: 'Binding', verbs: ['create'] };
    case 'eviction':
      return { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] };
    case 'log':
      return { kind: 'Pod', verbs: ['get'] };
    case 'exec':
      return { kind: 'PodExecOptions', verbs: ['create', 'get'] };
    case 'attach':
      return { kind: 'PodAttachOptions', verbs: ['create', 'get'] };
    case 'portforward':
      return { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] };
    case 'finalize':
      return { kind: r.kind, verbs: ['update'] };
    case 'token':
      return { kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] };
    case 'proxy':
      return { kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] };
    default:
      return { kind: r.kind, verbs: ['get'] };
  }
}

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** A group's versions: those of its first resource in the catalogue, preferred first. */
function groupVersions(group: string): Array<{ groupVersion: string; version: string }> | undefined {
  const r = resources.find((x) => x.group === group);
  return r && servedVersions(r).map((version) => ({ groupVersion: `${group}/${version}`, version }));
}

/** Named groups in catalogue order. */
export function apiGroupList(): object {
  const names = [...new Set(resources.filter((r) => r.group).map((r) => r.group))];
  const groups = names.map((name) => {
    const versions = groupVersions(name) ?? [];
    return { name, versions, preferredVersion: versions[0] };
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(group: string): object | undefined {
  const versions = groupVersions(group);
  if (!versions) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0] };
}

export function apiResourceList(group: string, version: string): object | undefined {
  const rs = resources.filter((r) => r.group === group && servedVersions(r).includes(version));
  if (!rs.length) return undefined;
  const list: object[] = [];
  for (const r of rs) {
    list.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: verbsFor(r),
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
    });
    for (const sub of r.subresources ?? []) {
      const s = subresourceShape(r, sub);
      list.push({ name: `${r.resource}/${sub}`, singularName: '', namespaced: r.namespaced, ...s });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: list,
  };
}
