import { describe, expect, it } from 'vitest';
import { R } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import {
  BEHAVIOR_ANNOTATION,
  CONDITIONS_ANNOTATION,
  CURRENT_METRICS_ANNOTATION,
  hpaFromV1,
  hpaToV1,
  METRICS_ANNOTATION,
  metricSpecFromV1,
  metricSpecToV1,
} from './autoscaling';
import { versionView } from './index';

const ref = { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' };
const cpu80 = {
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
};
const memory = {
  type: 'Resource',
  resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } },
};
const behavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }],
  },
  scaleDown: { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
};
const conditions = [
  {
    type: 'AbleToScale',
    status: 'True',
    lastTransitionTime: '2026-12-01T10:00:00Z',
    reason: 'ReadyForNewScale',
    message: 'recommended size matches current size',
  },
];
const currentCpu = {
  type: 'Resource',
  resource: { name: 'cpu', current: { averageUtilization: 35, averageValue: '35m' } },
};
const currentMemory = { type: 'Resource', resource: { name: 'memory', current: { averageValue: '50Mi' } } };

const v2: KubeObject = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default', annotations: { team: 'a' } },
  spec: { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 6, metrics: [cpu80, memory], behavior },
  status: { currentReplicas: 2, desiredReplicas: 3, currentMetrics: [currentCpu, currentMemory], conditions },
};

describe('HorizontalPodAutoscaler v2 → v1', () => {
  const v1 = hpaToV1(v2);

  it('keeps the CPU target as targetCPUUtilizationPercentage and the current CPU as a percentage', () => {
    expect(v1.apiVersion).toBe('autoscaling/v1');
    expect(v1.spec).toEqual({
      scaleTargetRef: ref,
      minReplicas: 2,
      maxReplicas: 6,
      targetCPUUtilizationPercentage: 80,
    });
    expect(v1.status).toEqual({
      currentReplicas: 2,
      desiredReplicas: 3,
      currentCPUUtilizationPercentage: 35,
    });
  });

  it('carries what v1 cannot say in the autoscaling.alpha.kubernetes.io annotations', () => {
    const a = v1.metadata?.annotations ?? {};
    expect(a.team).toBe('a');
    expect(JSON.parse(a[METRICS_ANNOTATION])).toEqual([
      { type: 'Resource', resource: { name: 'memory', targetAverageValue: '100Mi' } },
    ]);
    expect(JSON.parse(a[CURRENT_METRICS_ANNOTATION])).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', currentAverageUtilization: 35, currentAverageValue: '35m' },
      },
      { type: 'Resource', resource: { name: 'memory', currentAverageValue: '50Mi' } },
    ]);
    expect(JSON.parse(a[CONDITIONS_ANNOTATION])).toEqual(conditions);
    // Go's internal type, without json tags: Go field names, nil pointers as null.
    expect(JSON.parse(a[BEHAVIOR_ANNOTATION])).toEqual({
      ScaleUp: {
        StabilizationWindowSeconds: 0,
        SelectPolicy: 'Max',
        Policies: [{ Type: 'Pods', Value: 4, PeriodSeconds: 15 }],
      },
      ScaleDown: {
        StabilizationWindowSeconds: null,
        SelectPolicy: 'Max',
        Policies: [{ Type: 'Percent', Value: 100, PeriodSeconds: 15 }],
      },
    });
  });

  it('comes back to v2 whole (other metrics first, then the CPU target, as upstream orders them)', () => {
    const back = hpaFromV1(v1);
    expect(back.apiVersion).toBe('autoscaling/v2');
    expect(back.metadata?.annotations).toEqual({ team: 'a' });
    expect(back.spec).toEqual({ ...(v2.spec as object), metrics: [memory, cpu80] });
    expect(back.status).toEqual(v2.status);
  });

  it('does not keep stale round-trip annotations from an earlier v1 write', () => {
    const stale = {
      ...v2,
      metadata: { name: 'web', annotations: { [METRICS_ANNOTATION]: '[]' } },
      spec: { scaleTargetRef: ref, maxReplicas: 3, metrics: [cpu80] },
      status: {},
    };
    expect(hpaToV1(stale).metadata).toEqual({ name: 'web' });
  });
});

describe('HorizontalPodAutoscaler v1 → v2', () => {
  it('turns kubectl autoscale --cpu-percent=80 into one Resource metric', () => {
    const v1 = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 80 },
      status: { currentReplicas: 0, desiredReplicas: 0 },
    };
    expect(hpaFromV1(v1).spec).toEqual({
      scaleTargetRef: ref,
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [cpu80],
    });
  });

  it('gives an autoscaler without a CPU target the default of 80 %', () => {
    expect(
      (hpaFromV1({ spec: { scaleTargetRef: ref, maxReplicas: 3 } }).spec as { metrics: unknown }).metrics,
    ).toEqual([cpu80]);
  });

  it('ignores a behavior annotation that is not well formed', () => {
    const obj = {
      metadata: { annotations: { [BEHAVIOR_ANNOTATION]: 'abc' } },
      spec: { scaleTargetRef: ref, maxReplicas: 3 },
    };
    expect(hpaFromV1(obj).spec).not.toHaveProperty('behavior');
    expect(hpaFromV1(obj).metadata).not.toHaveProperty('annotations');
  });
});

describe('metric specs in v1 shape', () => {
  it.each([
    [
      'Pods',
      {
        type: 'Pods',
        pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } },
      },
      { type: 'Pods', pods: { metricName: 'qps', targetAverageValue: '10' } },
    ],
    [
      'Object value',
      {
        type: 'Object',
        object: {
          describedObject: { kind: 'Service', name: 's' },
          metric: { name: 'rps' },
          target: { type: 'Value', value: '1k' },
        },
      },
      {
        type: 'Object',
        object: { target: { kind: 'Service', name: 's' }, metricName: 'rps', targetValue: '1k' },
      },
    ],
    [
      'External average',
      {
        type: 'External',
        external: {
          metric: { name: 'queue', selector: { matchLabels: { q: 'a' } } },
          target: { type: 'AverageValue', averageValue: '30' },
        },
      },
      {
        type: 'External',
        external: {
          metricName: 'queue',
          metricSelector: { matchLabels: { q: 'a' } },
          targetAverageValue: '30',
        },
      },
    ],
    [
      'ContainerResource',
      {
        type: 'ContainerResource',
        containerResource: {
          name: 'cpu',
          container: 'app',
          target: { type: 'Utilization', averageUtilization: 60 },
        },
      },
      {
        type: 'ContainerResource',
        containerResource: { name: 'cpu', container: 'app', targetAverageUtilization: 60 },
      },
    ],
  ])('%s round-trips', (_name, spec, v1) => {
    expect(metricSpecToV1(spec as never)).toEqual(v1);
    expect(metricSpecFromV1(v1)).toEqual(spec);
  });
});

describe('the version view', () => {
  it('converts only at another version, and only the resource kind', () => {
    const atV1 = versionView(R.horizontalpodautoscalers, 'v1');
    expect(atV1.apiVersion).toBe('autoscaling/v1');
    expect(atV1.toServed(v2).apiVersion).toBe('autoscaling/v1');
    const status = { kind: 'Status', apiVersion: 'v1', code: 410 };
    expect(atV1.toServed(status)).toBe(status);
    expect(
      atV1.toServed({
        kind: 'HorizontalPodAutoscaler',
        apiVersion: 'autoscaling/v2',
        metadata: { resourceVersion: '9' },
      }),
    ).toEqual({
      kind: 'HorizontalPodAutoscaler',
      apiVersion: 'autoscaling/v1',
      metadata: { resourceVersion: '9' },
    });
    const atV2 = versionView(R.horizontalpodautoscalers, 'v2');
    expect(atV2.stored).toBe(true);
    expect(atV2.toServed(v2)).toBe(v2);
  });
});
