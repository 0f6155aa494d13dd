// Real kubectl against a recording server on loopback: which commands send protobuf, whether the
// bytes still match the golden files, and whether the decoded object makes it back to kubectl
// (the server answers each create with the object it decoded, so kubectl's "web created" line
// proves the name survived the trip).
//
// UPDATE_GOLDEN=1 rewrites testdata/ from kubectl 1.33 (protobuf) and 1.31 (JSON).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Kubectl, kubectl } from '../../../test/support/kubectl';
import type { KubeObject } from '../../api/types';
import { hpaFromV1 } from '../conversion/autoscaling';
import { decodeProtobufObject, isProtobufContentType } from './index';
import { CAPTURED_COMMANDS, CRONJOB_FIXTURE, DEPLOYMENT_FIXTURE, JSON_COMMANDS } from './testdata/commands';
import { type Recorder, startRecorder } from './testdata/recorder';

const dir = join(import.meta.dirname, 'testdata');
const update = process.env.UPDATE_GOLDEN === '1';

let rec: Recorder;
// One kubectl per version, so discovery is cached across commands (test/support keeps each
// one's kubeconfig and cache in a temp dir of its own).
const kubectls = new Map<string, Kubectl>();

beforeAll(async () => {
  rec = await startRecorder(
    (req, r) => {
      const obj: KubeObject = isProtobufContentType(req.contentType)
        ? decodeProtobufObject(req.body)
        : JSON.parse(req.body.toString('utf8'));
      return { ...obj, kind: obj.kind ?? r?.kind, metadata: { namespace: 'default', ...obj.metadata } };
    },
    (req) => {
      const path = req.url.split('?')[0];
      if (path.endsWith('/cronjobs/hello')) return CRONJOB_FIXTURE;
      if (path.endsWith('/deployments/web')) return DEPLOYMENT_FIXTURE;
      if (path.endsWith('/deployments/web/scale')) {
        const { name, namespace } = DEPLOYMENT_FIXTURE.metadata;
        return {
          apiVersion: 'autoscaling/v1',
          kind: 'Scale',
          metadata: { name, namespace },
          spec: { replicas: 3 },
        };
      }
      return undefined;
    },
  );
});

afterAll(async () => {
  await rec?.close();
});

/** Runs one command and returns the single write (POST, PATCH, PUT, DELETE) it made. */
async function post(version: string, args: string[]) {
  const before = rec.requests.length;
  if (!kubectls.has(version)) kubectls.set(version, kubectl(version, rec.url));
  const result = await (kubectls.get(version) as Kubectl)(args);
  const posts = rec.requests.slice(before).filter((r) => r.method !== 'GET');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(posts).toHaveLength(1);
  return { result, body: posts[0] };
}

const subset = (names: string[]) => (update ? Object.keys(CAPTURED_COMMANDS) : names);

describe('kubectl 1.33 sends protobuf for typed creates', () => {
  it.each(Object.keys(CAPTURED_COMMANDS))('%s', { timeout: 60_000 }, async (name) => {
    const args = CAPTURED_COMMANDS[name];
    const { result, body } = await post('1.33', args);
    expect(body.contentType).toBe('application/vnd.kubernetes.protobuf');
    const golden = join(dir, `${name}.kubectl-1.33.bin`);
    if (update) writeFileSync(golden, body.body);
    expect(body.body.equals(readFileSync(golden))).toBe(true);
    const decoded = decodeProtobufObject(body.body);
    expect(result.stdout).toContain(`/${decoded.metadata?.name} created`);
  });

  it.each(Object.keys(JSON_COMMANDS))('%s stays JSON', { timeout: 60_000 }, async (name) => {
    const { body } = await post('1.33', JSON_COMMANDS[name]);
    expect(body.contentType).toMatch(/^application\/(json|merge-patch\+json|strategic-merge-patch\+json)$/);
  });
});

describe('kubectl 1.32 sends the same bytes', () => {
  it.each(subset(['deployment', 'namespace', 'service-nodeport']))(
    '%s',
    { timeout: 60_000 },
    async (name) => {
      const { body } = await post('1.32', CAPTURED_COMMANDS[name]);
      expect(body.contentType).toBe('application/vnd.kubernetes.protobuf');
      expect(body.body.equals(readFileSync(join(dir, `${name}.kubectl-1.33.bin`)))).toBe(true);
    },
  );
});

describe('kubectl 1.31 sends JSON for the same commands', () => {
  it.each(subset(['deployment', 'namespace']))('%s', { timeout: 60_000 }, async (name) => {
    const { body } = await post('1.31', CAPTURED_COMMANDS[name]);
    expect(body.contentType).toBe('application/json');
    const golden = join(dir, `${name}.kubectl-1.31.json`);
    if (update) writeFileSync(golden, body.body);
    expect(JSON.parse(body.body.toString('utf8'))).toEqual(JSON.parse(readFileSync(golden, 'utf8')));
  });
});

describe('kubectl 1.33 drain', () => {
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, spec: {} };
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-1',
      namespace: 'default',
      uid: 'u1',
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'r', controller: true },
      ],
    },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] },
  };

  /** A node with one pod that disappears once evicted or deleted. */
  async function drain(eviction: boolean) {
    let gone = false;
    const server = await startRecorder(
      () => {
        gone = true;
        return { kind: 'Status', apiVersion: 'v1', status: 'Success' };
      },
      (req, r) => {
        if (req.method === 'DELETE') gone = true;
        if (r?.resource === 'nodes') return node;
        if (r?.resource !== 'pods') return undefined;
        if (req.url.split('?')[0].endsWith('/pods')) {
          return {
            apiVersion: 'v1',
            kind: 'PodList',
            metadata: { resourceVersion: '1' },
            items: gone ? [] : [pod],
          };
        }
        return gone ? undefined : pod;
      },
      { eviction },
    );
    try {
      const result = await kubectl('1.33', server.url)(['drain', 'node-1', '--force', '--timeout=30s']);
      return { result, writes: server.requests.filter((q) => q.method !== 'GET') };
    } finally {
      await server.close();
    }
  }

  it('evicts with a JSON Eviction when the server offers pods/eviction', { timeout: 60_000 }, async () => {
    const { result, writes } = await drain(true);
    expect(result.stdout).toContain('node/node-1 drained');
    expect(writes.map((w) => [w.method, w.url.split('?')[0], w.contentType])).toEqual([
      ['PATCH', '/api/v1/nodes/node-1', 'application/strategic-merge-patch+json'],
      ['POST', '/api/v1/namespaces/default/pods/web-1/eviction', 'application/json'],
    ]);
  });

  it('falls back to DELETE with a protobuf DeleteOptions body without it', { timeout: 60_000 }, async () => {
    const { result, writes } = await drain(false);
    expect(result.stdout).toContain('node/node-1 drained');
    const del = writes.find((w) => w.method === 'DELETE');
    expect(del?.contentType).toBe('application/vnd.kubernetes.protobuf');
    expect(decodeProtobufObject(del?.body as Buffer)).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions' });
  });
});

describe('kubectl autoscale', () => {
  const args = ['autoscale', 'deployment', 'web', '--min=2', '--max=6', '--cpu-percent=80'];
  /** The golden file for `name`, written when asked to or when it is not there yet. */
  const golden = (name: string, body: Buffer) => {
    const file = join(dir, name);
    if (update || !existsSync(file)) writeFileSync(file, body);
    return readFileSync(file);
  };

  it('1.31 posts autoscaling/v1 JSON, 1.32 the same as protobuf, 1.33 autoscaling/v2 protobuf', {
    timeout: 90_000,
  }, async () => {
    const json = await post('1.31', args);
    expect(json.body.url.split('?')[0]).toBe(
      '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers',
    );
    expect(json.result.stdout).toContain('horizontalpodautoscaler.autoscaling/web autoscaled');
    const v1 = JSON.parse(golden('hpa.kubectl-1.31.json', json.body.body).toString('utf8')) as KubeObject;
    expect(v1.spec).toEqual({
      scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
      minReplicas: 2,
      maxReplicas: 6,
      targetCPUUtilizationPercentage: 80,
    });

    const pb1 = await post('1.32', args);
    expect(pb1.body.contentType).toBe('application/vnd.kubernetes.protobuf');
    expect(pb1.body.body.equals(golden('hpa.kubectl-1.32.bin', pb1.body.body))).toBe(true);
    expect(decodeProtobufObject(pb1.body.body).spec).toEqual(v1.spec);

    const pb2 = await post('1.33', args);
    expect(pb2.body.url.split('?')[0]).toBe(
      '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers',
    );
    expect(pb2.body.body.equals(golden('hpa.kubectl-1.33.bin', pb2.body.body))).toBe(true);
    const v2 = decodeProtobufObject(pb2.body.body);
    expect(v2.apiVersion).toBe('autoscaling/v2');
    // The same autoscaler either way: v1's CPU percentage is v2's one Resource metric.
    expect(v2.spec).toEqual(hpaFromV1(v1).spec);
    expect(pb2.result.stdout).toContain('horizontalpodautoscaler.autoscaling/web autoscaled');
  });
});
