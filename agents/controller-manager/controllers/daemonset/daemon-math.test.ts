import { describe, expect, it } from 'vitest';
import { pinToNode, rollingBudget, shouldRun } from './daemon-math';

const node = (name: string, extra: { labels?: Record<string, string>; taints?: any[] } = {}) =>
  ({ metadata: { name, labels: extra.labels }, spec: { taints: extra.taints } }) as any;
const ds = (podSpec: Record<string, unknown> = {}) =>
  ({ spec: { template: { spec: { containers: [], ...podSpec } } } }) as any;

describe('shouldRun', () => {
  it.each([
    ['any node', ds(), node('n1'), true],
    [
      'nodeSelector matches',
      ds({ nodeSelector: { disk: 'ssd' } }),
      node('n1', { labels: { disk: 'ssd' } }),
      true,
    ],
    ['nodeSelector does not match', ds({ nodeSelector: { disk: 'ssd' } }), node('n1'), false],
    [
      'cordoned node (tolerated by default)',
      ds(),
      node('n1', { taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }),
      true,
    ],
    [
      'unreachable node (tolerated by default)',
      ds(),
      node('n1', { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] }),
      true,
    ],
    [
      'a foreign NoSchedule taint',
      ds(),
      node('n1', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
      false,
    ],
    [
      'a foreign taint the pod tolerates',
      ds({ tolerations: [{ key: 'dedicated', operator: 'Exists' }] }),
      node('n1', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
      true,
    ],
    [
      'PreferNoSchedule is ignored',
      ds(),
      node('n1', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }),
      true,
    ],
  ])('%s', (_name, d, n, want) => {
    expect(shouldRun(d, n)).toBe(want);
  });
});

describe('pinToNode', () => {
  it('adds matchFields metadata.name In [node]', () => {
    expect(pinToNode(undefined, 'n2')).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }],
        },
      },
    });
  });
});

describe('rollingBudget', () => {
  it.each([
    [1, 3, 0, 1],
    [1, 3, 1, 0],
    ['50%', 4, 0, 2],
    [undefined, 3, 0, 1],
  ])('maxUnavailable %s of %i, %i unavailable → %i', (max, desired, unavailable, want) => {
    expect(rollingBudget(max as any, desired, unavailable)).toBe(want);
  });
});
