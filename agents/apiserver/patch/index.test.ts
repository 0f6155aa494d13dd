// The bodies below are what kubectl 1.27–1.33 sends (research-kubectl-compat.md §5).
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../api/errors';
import { R } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import { applyPatch } from './index';

const SMP = 'application/strategic-merge-patch+json';
const MERGE = 'application/merge-patch+json';
const JSONP = 'application/json-patch+json';

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      labels: { app: 'web', tier: 'front' },
      annotations: { 'deployment.kubernetes.io/revision': '2' },
      resourceVersion: '42',
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.26',
              env: [
                { name: 'OLD', value: '1' },
                { name: 'KEEP', value: '2' },
              ],
              ports: [{ containerPort: 80, protocol: 'TCP' }],
            },
            { name: 'log', image: 'busybox' },
          ],
        },
      },
    },
  };
}

const spec = (o: KubeObject) => o.spec as any;
const run = (type: string, obj: KubeObject, body: unknown, r = R.deployments) =>
  applyPatch(type, obj, JSON.stringify(body), r);

describe('applyPatch with what kubectl sends', () => {
  it('kubectl apply: three-way SMP with $setElementOrder, $retainKeys and nulls', () => {
    const patch = {
      metadata: {
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}\n' },
        labels: { tier: null },
      },
      spec: {
        replicas: 3,
        strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' },
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'log' }, { name: 'web' }],
            containers: [
              {
                '$setElementOrder/env': [{ name: 'KEEP' }],
                env: [{ $patch: 'delete', name: 'OLD' }],
                image: 'nginx:1.27',
                name: 'web',
              },
            ],
          },
        },
      },
    };
    const original = deployment();
    const before = structuredClone(original);
    const out = run(SMP, original, patch);
    expect(original).toEqual(before);
    expect(out.metadata?.labels).toEqual({ app: 'web' });
    expect(out.metadata?.annotations).toEqual({
      'deployment.kubernetes.io/revision': '2',
      'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}\n',
    });
    expect(spec(out).replicas).toBe(3);
    expect(spec(out).strategy).toEqual({ type: 'Recreate' });
    expect(spec(out).template.spec.containers).toEqual([
      { name: 'log', image: 'busybox' },
      {
        name: 'web',
        image: 'nginx:1.27',
        env: [{ name: 'KEEP', value: '2' }],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
      },
    ]);
  });

  it('kubectl set image', () => {
    const out = run(SMP, deployment(), {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }, { name: 'log' }],
            containers: [{ image: 'nginx:1.27', name: 'web' }],
          },
        },
      },
    });
    expect(spec(out).template.spec.containers.map((c: any) => `${c.name}=${c.image}`)).toEqual([
      'web=nginx:1.27',
      'log=busybox',
    ]);
    expect(spec(out).template.spec.containers[0].env).toHaveLength(2);
  });

  it('kubectl rollout pause / resume', () => {
    const paused = run(SMP, deployment(), { spec: { paused: true } });
    expect(spec(paused).paused).toBe(true);
    expect('paused' in spec(run(SMP, paused, { spec: { paused: null } }))).toBe(false);
  });

  it('kubectl cordon / uncordon', () => {
    const node: KubeObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      spec: { podCIDR: '10.244.1.0/24' },
    };
    const cordoned = run(SMP, node, { spec: { unschedulable: true } }, R.nodes);
    expect(cordoned.spec).toEqual({ podCIDR: '10.244.1.0/24', unschedulable: true });
    expect(run(SMP, cordoned, { spec: { unschedulable: null } }, R.nodes).spec).toEqual({
      podCIDR: '10.244.1.0/24',
    });
  });

  it('kubectl label / annotate (merge patch; null removes)', () => {
    const out = run(MERGE, deployment(), {
      metadata: { labels: { tier: null, env: 'prod' }, annotations: { note: 'x' } },
    });
    expect(out.metadata?.labels).toEqual({ app: 'web', env: 'prod' });
    expect(out.metadata?.annotations).toEqual({ 'deployment.kubernetes.io/revision': '2', note: 'x' });
  });

  it('kubectl scale (merge patch on the scale subresource shape)', () => {
    expect(spec(run(MERGE, deployment(), { spec: { replicas: 5 } })).replicas).toBe(5);
  });

  it('merge patch replaces lists whole', () => {
    const out = run(MERGE, deployment(), {
      spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }] } } },
    });
    expect(spec(out).template.spec.containers).toEqual([{ name: 'only', image: 'x' }]);
  });

  it('kubectl rollout undo: json-patch replacing /spec/template and /metadata/annotations', () => {
    const template = {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] },
    };
    const annotations = { 'deployment.kubernetes.io/revision': '2', 'kubernetes.io/change-cause': 'undo' };
    const out = run(JSONP, deployment(), [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ]);
    expect(spec(out).template).toEqual(template);
    expect(out.metadata?.annotations).toEqual(annotations);
    expect(spec(out).replicas).toBe(2);
  });

  it('accepts a charset parameter on the content type', () => {
    expect(spec(run(`${MERGE}; charset=utf-8`, deployment(), { spec: { replicas: 0 } })).replicas).toBe(0);
  });
});

describe('applyPatch errors', () => {
  const fail = (type: string, body: string): StatusError => {
    try {
      applyPatch(type, deployment(), body, R.deployments);
    } catch (err) {
      if (err instanceof StatusError) return err;
      throw err;
    }
    throw new Error('expected a StatusError');
  };

  it.each([
    ['bad JSON', SMP, '{"spec":', 400, 'BadRequest'],
    ['a JSON patch that is not a list', JSONP, '{"op":"add"}', 400, 'BadRequest'],
    ['a merge patch that is not an object', MERGE, '[1]', 400, 'BadRequest'],
    ['a failed test op', JSONP, '[{"op":"test","path":"/spec/replicas","value":9}]', 422, 'Invalid'],
    [
      'a json patch on a missing path',
      JSONP,
      '[{"op":"remove","path":"/metadata/labels/nope"}]',
      400,
      'BadRequest',
    ],
    [
      'retainKeys not covering the patch',
      SMP,
      '{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{}}}}',
      422,
      'Invalid',
    ],
    ['server-side apply', 'application/apply-patch+yaml', 'apiVersion: v1', 415, 'UnsupportedMediaType'],
    ['an unknown type', 'text/plain', '{}', 415, 'UnsupportedMediaType'],
  ])('%s → %i %s', (_name, type, body, code, reason) => {
    const err = fail(type, body);
    expect([err.code, err.reason]).toEqual([code, reason]);
  });

  it('answers a failed test with the generic 422 upstream uses, and a missing path with its reason', () => {
    const rejected = fail(JSONP, '[{"op":"test","path":"/spec/replicas","value":9}]');
    expect(rejected.message).toBe('the server rejected our request due to an error in our request');
    expect(rejected.status.details).toEqual({});
    expect(fail(JSONP, '[{"op":"add","path":"/spec/nope/x","value":1}]').message).toBe(
      'add operation does not apply: doc is missing path: "/spec/nope/x": missing value',
    );
  });
});
