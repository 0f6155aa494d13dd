import type { Node, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { SchedulerCache } from '../cache';
import type { NodeInfo } from '../framework';
import { leastAllocated, leastAllocatedScore } from './least-allocated';
import { nodeAffinity, requirementMatches } from './node-affinity';
import { nodeName } from './node-name';
import { nodePorts, portConflicts } from './node-ports';
import { nodeReady } from './node-ready';
import { nodeResourcesFit } from './node-resources-fit';
import { nodeUnschedulable } from './node-unschedulable';
import { selectorSpread, type spreadState } from './selector-spread';
import { taintTolerationFilter, taintTolerationScore } from './taint-toleration';
import { toleratesTaint } from './tolerations';

const readyNode = (name: string, extra: Partial<Node> = {}): Node => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name, zone: 'a', gen: '5' } },
  spec: {},
  status: {
    allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True' }],
  },
  ...extra,
});

const pod = (name: string, spec: Partial<Pod['spec']> = {}, meta: Partial<Pod['metadata']> = {}): Pod => ({
  metadata: { namespace: 'default', name, ...meta },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
});

const withRequests = (cpu?: string, memory?: string, ports: number[] = []) => ({
  containers: [
    {
      name: 'c',
      image: 'i',
      resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } },
      ports: ports.map((p) => ({ containerPort: p, hostPort: p })),
    },
  ],
});

/** A NodeInfo built the way the scheduler builds it: through the cache. */
function infoWith(node: Node, pods: Pod[] = []): NodeInfo {
  const cache = new SchedulerCache();
  cache.setNode(node);
  for (const p of pods) cache.assume(p, node.metadata?.name ?? '');
  return cache.get(node.metadata?.name ?? '') as NodeInfo;
}

describe('NodeUnschedulable', () => {
  it.each([
    ['schedulable node', readyNode('n'), pod('p'), 'Success'],
    [
      'cordoned node',
      readyNode('n', { spec: { unschedulable: true } }),
      pod('p'),
      'UnschedulableAndUnresolvable',
    ],
    [
      'cordoned node, pod tolerates the taint',
      readyNode('n', { spec: { unschedulable: true } }),
      pod('p', {
        tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
      }),
      'Success',
    ],
  ])('%s → %s', (_n, node, p, code) => {
    const s = nodeUnschedulable.filter(p, infoWith(node));
    expect(s.code).toBe(code);
    if (code !== 'Success') expect(s.reasons).toEqual(['node(s) were unschedulable']);
  });
});

describe('NodeReady', () => {
  const notReady = (status: string) =>
    readyNode('n', { status: { allocatable: {}, conditions: [{ type: 'Ready', status }] } });
  it.each([
    ['Ready=True', readyNode('n'), pod('p'), 'Success'],
    ['Ready=False', notReady('False'), pod('p'), 'UnschedulableAndUnresolvable'],
    ['Ready=Unknown', notReady('Unknown'), pod('p'), 'UnschedulableAndUnresolvable'],
    [
      'no conditions yet',
      readyNode('n', { status: { allocatable: {} } }),
      pod('p'),
      'UnschedulableAndUnresolvable',
    ],
    [
      'Ready=False, tolerates not-ready',
      notReady('False'),
      pod('p', { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }] }),
      'Success',
    ],
    [
      'Ready=Unknown, tolerates only not-ready',
      notReady('Unknown'),
      pod('p', { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }] }),
      'UnschedulableAndUnresolvable',
    ],
  ])('%s → %s', (_n, node, p, code) => {
    expect(nodeReady.filter(p, infoWith(node)).code).toBe(code);
  });
});

describe('tolerations', () => {
  const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  it.each([
    [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, true],
    [{ key: 'dedicated', operator: 'Equal', value: 'gpu' }, true],
    [{ key: 'dedicated', value: 'cpu' }, false],
    [{ key: 'dedicated', operator: 'Exists' }, true],
    [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    [{ operator: 'Exists' }, true],
    [{ key: 'other', operator: 'Exists' }, false],
  ])('%j tolerates dedicated=gpu:NoSchedule → %s', (t, want) => {
    expect(toleratesTaint(t, taint)).toBe(want);
  });
});

describe('TaintToleration', () => {
  const tainted = (effect: string) =>
    readyNode('n', { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect }] } });
  it.each([
    ['NoSchedule, not tolerated', tainted('NoSchedule'), pod('p'), 'UnschedulableAndUnresolvable'],
    ['NoExecute, not tolerated', tainted('NoExecute'), pod('p'), 'UnschedulableAndUnresolvable'],
    ['PreferNoSchedule only', tainted('PreferNoSchedule'), pod('p'), 'Success'],
    [
      'NoSchedule, tolerated',
      tainted('NoSchedule'),
      pod('p', { tolerations: [{ key: 'dedicated', value: 'gpu' }] }),
      'Success',
    ],
  ])('%s → %s', (_n, node, p, code) => {
    const s = taintTolerationFilter.filter(p, infoWith(node));
    expect(s.code).toBe(code);
    if (code !== 'Success') expect(s.reasons).toEqual(['node(s) had untolerated taint {dedicated: gpu}']);
  });
  it('scores nodes with fewer untolerated PreferNoSchedule taints higher', () => {
    const counts = [readyNode('a'), tainted('PreferNoSchedule')].map((n) =>
      taintTolerationScore.score(pod('p'), infoWith(n), undefined),
    );
    expect(counts).toEqual([0, 1]);
    expect(taintTolerationScore.normalize?.(counts)).toEqual([100, 0]);
  });
});

describe('NodeName', () => {
  it.each([
    [undefined, 'Success'],
    ['n', 'Success'],
    ['other', 'UnschedulableAndUnresolvable'],
  ])('spec.nodeName %s on node n → %s', (want, code) => {
    expect(nodeName.filter(pod('p', { nodeName: want }), infoWith(readyNode('n'))).code).toBe(code);
  });
});

describe('NodeAffinity', () => {
  it.each([
    ['In', 'a', ['a', 'b'], true],
    ['In', undefined, ['a'], false],
    ['NotIn', 'a', ['a'], false],
    ['NotIn', undefined, ['a'], true],
    ['Exists', 'x', [], true],
    ['Exists', undefined, [], false],
    ['DoesNotExist', undefined, [], true],
    ['Gt', '5', ['4'], true],
    ['Gt', '5', ['5'], false],
    ['Lt', '5', ['6'], true],
    ['Lt', 'five', ['6'], false],
  ])('%s with value %s and values %j → %s', (operator, value, values, want) => {
    expect(requirementMatches({ key: 'k', operator, values }, value)).toBe(want);
  });

  const affinity = (...terms: object[]) => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
  });
  it.each([
    ['nodeSelector matches', pod('p', { nodeSelector: { zone: 'a' } }), 'Success'],
    [
      'nodeSelector does not match',
      pod('p', { nodeSelector: { zone: 'b' } }),
      'UnschedulableAndUnresolvable',
    ],
    [
      'terms are ORed',
      pod('p', {
        affinity: affinity(
          { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
          { matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] },
        ),
      }),
      'Success',
    ],
    [
      'expressions in a term are ANDed',
      pod('p', {
        affinity: affinity({
          matchExpressions: [
            { key: 'zone', operator: 'In', values: ['a'] },
            { key: 'gpu', operator: 'Exists' },
          ],
        }),
      }),
      'UnschedulableAndUnresolvable',
    ],
    [
      'matchFields metadata.name',
      pod('p', {
        affinity: affinity({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n'] }] }),
      }),
      'Success',
    ],
    [
      'matchFields other name',
      pod('p', {
        affinity: affinity({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['m'] }] }),
      }),
      'UnschedulableAndUnresolvable',
    ],
    ['an empty term matches nothing', pod('p', { affinity: affinity({}) }), 'UnschedulableAndUnresolvable'],
  ])('%s → %s', (_n, p, code) => {
    const s = nodeAffinity.filter(p, infoWith(readyNode('n')));
    expect(s.code).toBe(code);
    if (code !== 'Success') expect(s.reasons).toEqual(["node(s) didn't match Pod's node affinity/selector"]);
  });
});

describe('NodeResourcesFit (node: 4 cpu, 16Gi, 110 pods)', () => {
  it.each([
    ['fits', [pod('a', withRequests('3'))], pod('p', withRequests('1', '1Gi')), []],
    [
      'one millicore too many',
      [pod('a', withRequests('3'))],
      pod('p', withRequests('1001m')),
      ['Insufficient cpu'],
    ],
    [
      'memory',
      [pod('a', withRequests(undefined, '15Gi'))],
      pod('p', withRequests(undefined, '2Gi')),
      ['Insufficient memory'],
    ],
    [
      'both',
      [pod('a', withRequests('4', '16Gi'))],
      pod('p', withRequests('1', '1Mi')),
      ['Insufficient cpu', 'Insufficient memory'],
    ],
    ['no requests always fit cpu/memory', [pod('a', withRequests('4', '16Gi'))], pod('p'), []],
  ])('%s → %j', (_n, existing, p, reasons) => {
    const s = nodeResourcesFit.filter(p, infoWith(readyNode('n'), existing));
    expect(s.reasons).toEqual(reasons);
    expect(s.code).toBe(reasons.length ? 'Unschedulable' : 'Success');
  });
  it('counts pods against allocatable pods', () => {
    const small = readyNode('n', { status: { allocatable: { cpu: '4', memory: '1Gi', pods: '2' } } });
    const s = nodeResourcesFit.filter(pod('p'), infoWith(small, [pod('a'), pod('b')]));
    expect(s.reasons).toEqual(['Too many pods']);
  });
});

describe('NodePorts', () => {
  it.each([
    ['TCP/0.0.0.0/80', ['TCP/0.0.0.0/80'], true],
    ['TCP/10.0.0.1/80', ['TCP/0.0.0.0/80'], true],
    ['TCP/0.0.0.0/80', ['TCP/10.0.0.1/80'], true],
    ['TCP/10.0.0.2/80', ['TCP/10.0.0.1/80'], false],
    ['UDP/0.0.0.0/80', ['TCP/0.0.0.0/80'], false],
    ['TCP/0.0.0.0/81', ['TCP/0.0.0.0/80'], false],
  ])('%s against %j → conflict %s', (want, used, conflict) => {
    expect(portConflicts(want, new Set(used))).toBe(conflict);
  });
  it('rejects a second pod with the same hostPort on a node', () => {
    const info = infoWith(readyNode('n'), [pod('a', withRequests(undefined, undefined, [8080]))]);
    expect(nodePorts.filter(pod('p', withRequests(undefined, undefined, [8080])), info).reasons).toEqual([
      "node(s) didn't have free ports for the requested pod ports",
    ]);
    expect(nodePorts.filter(pod('p', withRequests(undefined, undefined, [8081])), info).code).toBe('Success');
  });
});

describe('least allocated', () => {
  it.each([
    [0, 4000, 100],
    [1000, 4000, 75],
    [4000, 4000, 0],
    [5000, 4000, 0],
  ])('requested %i of %i → %i', (req, alloc, want) => {
    expect(leastAllocatedScore(req, alloc)).toBe(want);
  });
  it('prefers the emptier node (pod asks 1 cpu, 1Gi)', () => {
    const p = pod('p', withRequests('1', '1Gi'));
    const state = leastAllocated.preScore?.(p, { services: [] }) as { milliCpu: number; memory: number };
    const empty = leastAllocated.score(p, infoWith(readyNode('a')), state);
    const busy = leastAllocated.score(
      p,
      infoWith(readyNode('b'), [pod('x', withRequests('2', '8Gi'))]),
      state,
    );
    // empty: cpu (4-1)/4 = 75, memory (16-1)/16 = 93.75 → 84; busy: cpu 25, memory 43.75 → 34
    expect([empty, busy]).toEqual([84, 34]);
  });
});

describe('selector spread', () => {
  const owned = (name: string) =>
    pod(
      name,
      {},
      {
        labels: { app: 'web' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-1', controller: true },
        ],
      },
    );
  it('counts pods of the same owner per node and prefers the emptiest: [2, 1, 0] → [0, 50, 100]', () => {
    const p = owned('new');
    const state = selectorSpread.preScore?.(p, { services: [] }) as ReturnType<typeof spreadState>;
    const nodes = [
      infoWith(readyNode('a'), [owned('1'), owned('2')]),
      infoWith(readyNode('b'), [owned('3'), pod('other')]),
      infoWith(readyNode('c')),
    ];
    const counts = nodes.map((n) => selectorSpread.score(p, n, state));
    expect(counts).toEqual([2, 1, 0]);
    expect(selectorSpread.normalize?.(counts)).toEqual([0, 50, 100]);
  });
  it('also spreads the pods a Service selects', () => {
    const p = pod('new', {}, { labels: { app: 'api' } });
    const state = selectorSpread.preScore?.(p, {
      services: [{ metadata: { namespace: 'default' }, spec: { selector: { app: 'api' } } }],
    }) as ReturnType<typeof spreadState>;
    const counts = [
      infoWith(readyNode('a'), [pod('x', {}, { labels: { app: 'api' } })]),
      infoWith(readyNode('b')),
    ].map((n) => selectorSpread.score(p, n, state));
    expect(counts).toEqual([1, 0]);
  });
});
