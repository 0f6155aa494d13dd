import { describe, expect, it } from 'vitest';
import { StatusError } from '../../api/errors';
import type { Json } from './json-patch';
import { StrategicPatchConflict, strategicMergePatch } from './strategic-merge';

type M = { [k: string]: Json };
const smp = (resource: string, original: M, patch: M) => strategicMergePatch(original, patch, resource);

const c = (name: string, extra: M = {}): M => ({ name, image: `${name}:1`, ...extra });
const podSpecOf = (containers: M[], extra: M = {}): M => ({ spec: { containers, ...extra } });

describe('strategicMergePatch: lists', () => {
  it('merges containers by name, keeping other containers', () => {
    const out = smp('pods', podSpecOf([c('a'), c('b')]), podSpecOf([{ name: 'b', image: 'b:2' }]));
    expect(out).toEqual(podSpecOf([c('a'), { name: 'b', image: 'b:2' }]));
  });

  it('appends items with a new merge key', () => {
    const out = smp('pods', podSpecOf([c('a')]), podSpecOf([c('z')]));
    expect((out.spec as M).containers).toEqual([c('a'), c('z')]);
  });

  it('merges nested keyed lists (ports by containerPort, env by name, volumeMounts by mountPath)', () => {
    const orig = podSpecOf([
      c('a', {
        ports: [{ containerPort: 80, name: 'http' }],
        env: [
          { name: 'X', value: '1' },
          { name: 'Y', value: '2' },
        ],
        volumeMounts: [{ mountPath: '/d', name: 'v' }],
      }),
    ]);
    const patch = podSpecOf([
      {
        name: 'a',
        ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }],
        env: [{ name: 'Y', value: '3' }],
        volumeMounts: [{ mountPath: '/e', name: 'w' }],
      },
    ]);
    expect(smp('pods', orig, patch)).toEqual(
      podSpecOf([
        c('a', {
          ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 443 }],
          env: [
            { name: 'X', value: '1' },
            { name: 'Y', value: '3' },
          ],
          volumeMounts: [
            { mountPath: '/d', name: 'v' },
            { mountPath: '/e', name: 'w' },
          ],
        }),
      ]),
    );
  });

  it('replaces atomic lists whole (args, tolerations)', () => {
    const orig = podSpecOf([c('a', { args: ['x', 'y'] })], {
      tolerations: [{ key: 'k', operator: 'Exists' }],
    });
    const patch = podSpecOf([{ name: 'a', args: ['z'] }], {
      tolerations: [{ key: 'j', operator: 'Exists' }],
    });
    expect(smp('pods', orig, patch)).toEqual(
      podSpecOf([c('a', { args: ['z'] })], { tolerations: [{ key: 'j', operator: 'Exists' }] }),
    );
  });

  it('merges finalizers as a set and deletes from primitive lists', () => {
    const orig = { metadata: { finalizers: ['a', 'b'] } };
    expect(smp('configmaps', orig, { metadata: { finalizers: ['b', 'c'] } })).toEqual({
      metadata: { finalizers: ['a', 'b', 'c'] },
    });
    expect(smp('configmaps', orig, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } })).toEqual({
      metadata: { finalizers: ['b'] },
    });
  });

  it('merges ownerReferences by uid, service ports by port, node addresses and conditions by type', () => {
    expect(
      smp(
        'configmaps',
        { metadata: { ownerReferences: [{ uid: '1', name: 'a' }] } },
        { metadata: { ownerReferences: [{ uid: '2', name: 'b' }] } },
      ),
    ).toEqual({
      metadata: {
        ownerReferences: [
          { uid: '1', name: 'a' },
          { uid: '2', name: 'b' },
        ],
      },
    });
    expect(
      smp(
        'services',
        { spec: { ports: [{ port: 80, targetPort: 8080 }] } },
        { spec: { ports: [{ port: 80, nodePort: 30080 }] } },
      ),
    ).toEqual({
      spec: { ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }] },
    });
    const node = {
      status: {
        addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'MemoryPressure', status: 'False' },
        ],
      },
    };
    expect(
      smp('nodes', node, {
        status: {
          addresses: [{ type: 'Hostname', address: 'n1' }],
          conditions: [{ type: 'Ready', status: 'False' }],
        },
      }),
    ).toEqual({
      status: {
        addresses: [
          { type: 'InternalIP', address: '10.0.0.1' },
          { type: 'Hostname', address: 'n1' },
        ],
        conditions: [
          { type: 'Ready', status: 'False' },
          { type: 'MemoryPressure', status: 'False' },
        ],
      },
    });
  });

  it('finds pod templates inside workloads and cronjobs', () => {
    const deploy = { spec: { template: podSpecOf([c('a'), c('b')]) } };
    expect(
      smp('deployments', deploy, { spec: { template: podSpecOf([{ name: 'a', image: 'a:9' }]) } }),
    ).toEqual({ spec: { template: podSpecOf([c('a', { image: 'a:9' }), c('b')]) } });
    const cj = { spec: { jobTemplate: { spec: { template: podSpecOf([c('a'), c('b')]) } } } };
    const out = smp('cronjobs', cj, {
      spec: { jobTemplate: { spec: { template: podSpecOf([{ name: 'b', image: 'b:9' }]) } } },
    });
    expect(out).toEqual({
      spec: { jobTemplate: { spec: { template: podSpecOf([c('a'), c('b', { image: 'b:9' })]) } } },
    });
  });
});

describe('strategicMergePatch: directives', () => {
  it('$patch: delete drops a keyed item', () => {
    expect(smp('pods', podSpecOf([c('a'), c('b')]), podSpecOf([{ name: 'a', $patch: 'delete' }]))).toEqual(
      podSpecOf([c('b')]),
    );
  });

  it('$patch: replace as a list item replaces the list', () => {
    expect(smp('pods', podSpecOf([c('a'), c('b')]), podSpecOf([{ $patch: 'replace' }, c('z')]))).toEqual(
      podSpecOf([c('z')]),
    );
  });

  it('$patch: replace / delete in a map', () => {
    const orig = { metadata: { labels: { a: '1', b: '2' } } };
    expect(smp('pods', orig, { metadata: { labels: { $patch: 'replace', c: '3' } } })).toEqual({
      metadata: { labels: { c: '3' } },
    });
    expect(smp('pods', orig, { metadata: { labels: { $patch: 'delete' } } })).toEqual({
      metadata: { labels: {} },
    });
    expect(() => smp('pods', orig, { metadata: { labels: { $patch: 'explode' } } })).toThrow(StatusError);
  });

  it('$retainKeys keeps only the listed keys of a union (deployment strategy → Recreate)', () => {
    const orig = {
      spec: {
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      },
    };
    const patch = { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } };
    expect(smp('deployments', orig, patch)).toEqual({ spec: { strategy: { type: 'Recreate' } } });
    expect(() =>
      smp('deployments', orig, {
        spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 1 } } },
      }),
    ).toThrow(StrategicPatchConflict);
    expect(() => smp('deployments', orig, { spec: { strategy: { $retainKeys: 'type' } } })).toThrow(
      'invalid patch format of retainKeys',
    );
  });

  it('$retainKeys inside a keyed item switches a volume source (kubectl apply on volumes)', () => {
    const orig = {
      spec: {
        volumes: [
          { name: 'v', emptyDir: {} },
          { name: 'w', emptyDir: {} },
        ],
      },
    };
    const patch = {
      spec: {
        '$setElementOrder/volumes': [{ name: 'v' }, { name: 'w' }],
        volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cfg' }, name: 'v' }],
      },
    };
    expect(smp('pods', orig, patch)).toEqual({
      spec: {
        volumes: [
          { name: 'v', configMap: { name: 'cfg' } },
          { name: 'w', emptyDir: {} },
        ],
      },
    });
  });

  it('$setElementOrder orders the merged list, keeping server-only items after their neighbour', () => {
    const orig = podSpecOf([c('a'), c('sidecar'), c('b')]);
    const patch = {
      spec: {
        '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }, { name: 'n' }],
        containers: [c('n')],
      },
    };
    const names = ((smp('pods', orig, patch).spec as M).containers as M[]).map((x) => x.name);
    expect(names).toEqual(['b', 'a', 'sidecar', 'n']);
  });

  it('$setElementOrder alone reorders without changing items', () => {
    const orig = { metadata: { finalizers: ['x', 'y'] } };
    expect(smp('pods', orig, { metadata: { '$setElementOrder/finalizers': ['y', 'x'] } })).toEqual({
      metadata: { finalizers: ['y', 'x'] },
    });
  });

  it('strips directives and nulls from subtrees the original lacks', () => {
    const patch = { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } };
    expect(smp('deployments', {}, patch)).toEqual({ spec: { strategy: { type: 'Recreate' } } });
    expect(
      smp(
        'pods',
        { spec: {} },
        podSpecOf([{ name: 'a', '$setElementOrder/env': [{ name: 'X' }], env: [{ name: 'X', value: '1' }] }]),
      ),
    ).toEqual(podSpecOf([{ name: 'a', env: [{ name: 'X', value: '1' }] }]));
  });

  it('rejects keyed items without their merge key and unknown directives', () => {
    expect(() => smp('pods', podSpecOf([c('a')]), podSpecOf([{ image: 'x' }]))).toThrow(
      'map: {"image":"x"} does not contain declared merge key: name',
    );
    expect(() => smp('pods', {}, { $frob: 1 })).toThrow('unknown strategic merge patch directive: $frob');
  });

  it('never modifies its inputs', () => {
    const orig = podSpecOf([c('a', { env: [{ name: 'X', value: '1' }] })], { strategy: { type: 'R', x: 1 } });
    const patch = podSpecOf([{ name: 'a', env: [{ name: 'X', $patch: 'delete' }] }], {
      strategy: { $retainKeys: ['type'], type: 'Q' },
    });
    const [o, p] = [structuredClone(orig), structuredClone(patch)];
    smp('pods', orig, patch);
    expect([orig, patch]).toEqual([o, p]);
  });
});
