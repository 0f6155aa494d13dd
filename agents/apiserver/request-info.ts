// URL → what the request is about (upstream: apiserver/pkg/endpoints/request/requestinfo.go).
//
//   GET    /api/v1/namespaces/default/pods/web-1/log   → get, pods, default, web-1, log
//   GET    /apis/apps/v1/deployments?watch=true        → watch, deployments (all namespaces)
//   GET    /api/v1/pods?watch=True                     → watch (any value but 0/false, api/query.ts)
//   GET    /api/v1/watch/namespaces/default/pods       → watch (the legacy /watch/ prefix)
//   PUT    /api/v1/namespaces/ns1/finalize              → update, namespaces, name ns1, finalize
//
// Pure: no I/O, so the routing table is tested by a table of URLs.

import { queryBool } from '../api/query';
import { findResource, type ResourceInfo, servedVersions } from '../api/resources';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  kind: 'resource';
  verb: Verb;
  group: string;
  version: string;
  resource: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
}

export type RequestInfo =
  | ResourceRequest
  | { kind: 'nonresource'; path: string; query: URLSearchParams }
  /** A group/version or resource this server does not serve. */
  | { kind: 'unknown'; path: string; group: string; resourceName?: string };

function verbFor(method: string, hasName: boolean, watch: boolean): Verb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return hasName ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

export function parseRequest(method: string, rawUrl: string): RequestInfo {
  const url = new URL(rawUrl, 'http://apiserver');
  const query = url.searchParams;
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const segs = path.split('/').slice(1).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) {
    [group, version, rest] = ['', segs[1], segs.slice(2)];
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    [group, version, rest] = [segs[1], segs[2], segs.slice(3)];
  } else {
    return { kind: 'nonresource', path, query };
  }
  let watch = queryBool(query, 'watch');
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // namespaces/<ns>/<resource>…, unless the third segment is a namespace subresource (status, finalize)
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    if (findResource(group, rest[2])) {
      namespace = rest[1];
      rest = rest.slice(2);
    } else if (group !== '' || !['status', 'finalize'].includes(rest[2])) {
      return { kind: 'unknown', path, group, resourceName: rest[2] };
    }
  }
  const [resourceName, name, ...sub] = rest;
  const resource = findResource(group, resourceName);
  if (!resource || !servedVersions(resource).includes(version))
    return { kind: 'unknown', path, group, resourceName };
  if (resource.resource === 'namespaces' && name) namespace = undefined;
  const verb = verbFor(method, name !== undefined, watch);
  if (!verb) return { kind: 'unknown', path, group, resourceName };
  const finalVerb: Verb = watch && verb === 'get' ? 'watch' : verb;
  return {
    kind: 'resource',
    verb: finalVerb,
    group,
    version,
    resource,
    namespace,
    name,
    subresource: sub.length ? sub.join('/') : undefined,
    query,
  };
}
