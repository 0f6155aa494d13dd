// A throwaway API server for watching what real kubectl sends (and, in tables/, for showing it
// Tables): enough discovery for kubectl to resolve every resource in the catalogue (legacy
// discovery, plain JSON), an empty /openapi/v2 (which kubectl reads as "no schema"), and a log of
// every request. Creates are answered with a minimal object so kubectl prints "<kind>/<name> created".
//
// Test support only: it stores nothing and serves no real API.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ResourceInfo, resources, servedVersions, verbsFor } from '../../../api/resources';

export interface RecordedRequest {
  method: string;
  url: string;
  contentType: string;
  accept: string;
  body: Buffer;
}

export interface Recorder {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** How to answer a write: the object to return, given the request. */
export type Reply = (req: RecordedRequest, r: ResourceInfo | undefined) => unknown;

const defaultReply: Reply = (_req, r) => ({
  apiVersion: r ? (r.group ? `${r.group}/${r.version}` : r.version) : 'v1',
  kind: r?.kind ?? 'Status',
  metadata: { name: 'recorded', namespace: 'default' },
});

export function discoveryDocument(path: string, eviction = true): unknown | undefined {
  if (path === '/version') {
    return { major: '1', minor: '33', gitVersion: 'v1.33.0', platform: 'linux/amd64' };
  }
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  const groups = [...new Set(resources.filter((r) => r.group).map((r) => r.group))];
  if (path === '/apis') {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: groups.map((name) => {
        const first = resources.find((r) => r.group === name) as ResourceInfo;
        const versions = servedVersions(first).map((version) => ({ groupVersion: `${name}/${version}`, version }));
        return { name, versions, preferredVersion: versions[0] };
      }),
    };
  }
  const gv = path === '/api/v1' ? 'v1' : path.startsWith('/apis/') ? path.slice('/apis/'.length) : undefined;
  const inGroup = resources.filter((r) =>
    servedVersions(r).some((v) => (r.group ? `${r.group}/${v}` : v) === gv),
  );
  if (!gv || inGroup.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv,
    resources: inGroup.flatMap((r) => [
      {
        name: r.resource,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: verbsFor(r),
        shortNames: r.shortNames,
        categories: r.categories,
      },
      // kubectl autoscale refuses a kind without a scale subresource in discovery.
      ...(r.subresources?.includes('scale')
        ? [
            {
              name: `${r.resource}/scale`,
              namespaced: true,
              group: 'autoscaling',
              version: 'v1',
              kind: 'Scale',
              verbs: ['get', 'patch', 'update'],
            },
          ]
        : []),
      // kubectl drain evicts only when discovery lists pods/eviction; otherwise it deletes.
      ...(eviction && r.subresources?.includes('eviction')
        ? [
            {
              name: `${r.resource}/eviction`,
              namespaced: true,
              group: 'policy',
              version: 'v1',
              kind: 'Eviction',
              verbs: ['create'],
            },
          ]
        : []),
    ]),
  };
}

/** The resource a collection URL names: /apis/apps/v1/namespaces/default/deployments → deployments. */
function resourceOf(url: string): ResourceInfo | undefined {
  const parts = url.split('?')[0].split('/').filter(Boolean);
  const rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3); // drop /api/v1 or /apis/<g>/<v>
  const plural = rest[0] === 'namespaces' && rest.length > 2 ? rest[2] : rest[0];
  const group = parts[0] === 'api' ? '' : parts[1];
  return resources.find((r) => r.group === group && r.resource === plural);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * `reply` answers POSTs; `get`, when given, answers GETs that are not discovery (return undefined
 * for a 404). `eviction: false` leaves pods/eviction out of discovery, as an old server would.
 */
export function startRecorder(
  reply: Reply = defaultReply,
  get?: Reply,
  opts: { eviction?: boolean } = {},
): Promise<Recorder> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => res.writeHead(500).end(String(err)));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const rec = {
      method: req.method ?? '',
      url: req.url ?? '',
      contentType: req.headers['content-type'] ?? '',
      accept: req.headers.accept ?? '',
      body,
    };
    requests.push(rec);
    const path = rec.url.split('?')[0];
    const json = (code: number, obj: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(obj));
    };
    const doc = rec.method === 'GET' ? discoveryDocument(path, opts.eviction ?? true) : undefined;
    // PATCH and DELETE are answered like GET (the object as it is), enough for kubectl to carry on.
    const readLike = (rec.method === 'GET' && !doc) || rec.method === 'PATCH' || rec.method === 'DELETE';
    const answer = readLike ? get?.(rec, resourceOf(rec.url)) : undefined;
    if (path === '/openapi/v2') res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end();
    else if (doc) json(200, doc);
    else if (rec.method === 'POST') json(201, reply(rec, resourceOf(rec.url)));
    else if (answer !== undefined) json(200, answer);
    else json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  }
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
