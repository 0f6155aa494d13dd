import { describe, expect, it } from 'vitest';
import { R } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import { horizontalPodAutoscalerPrinter } from '../tables/autoscaling';
import { toTable } from '../tables/index';
import { applyDefaults } from './defaults';
import { validate } from './validation';

const opts = { notReadyTolerationSeconds: 300, unreachableTolerationSeconds: 300 };
const hpa = (spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default', creationTimestamp: '2026-12-01T10:00:00Z' },
  spec: {
    scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
    maxReplicas: 6,
    ...spec,
  },
  ...(status ? { status } : {}),
});
const messages = (obj: KubeObject) =>
  validate(R.horizontalpodautoscalers, applyDefaults(R.horizontalpodautoscalers, obj, opts)).map(
    (c) => `${c.field}: ${c.message}`,
  );

describe('HorizontalPodAutoscaler defaults', () => {
  it('minReplicas 1 and CPU at 80 % when nothing is said', () => {
    expect(applyDefaults(R.horizontalpodautoscalers, hpa({}), opts).spec).toMatchObject({
      minReplicas: 1,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ],
    });
  });

  it('completes a behavior given in part with the default rules', () => {
    const out = applyDefaults(
      R.horizontalpodautoscalers,
      hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 30 } } }),
      opts,
    );
    expect((out.spec as { behavior: unknown }).behavior).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
      scaleDown: {
        stabilizationWindowSeconds: 30,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      },
    });
  });
});

describe('HorizontalPodAutoscaler validation', () => {
  it('accepts what kubectl autoscale sends', () => {
    expect(messages(hpa({ minReplicas: 2 }))).toEqual([]);
  });

  it.each([
    [{ minReplicas: 0 }, 'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1'],
    [
      { minReplicas: 7 },
      'spec.maxReplicas: Invalid value: 6: must be greater than or equal to `minReplicas`',
    ],
    [{ maxReplicas: 0 }, 'spec.maxReplicas: Invalid value: 0: must be greater than 0'],
    [{ scaleTargetRef: { name: 'web' } }, 'spec.scaleTargetRef.kind: Required value'],
    [
      {
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } },
          },
        ],
      },
      'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
    ],
    [
      { metrics: [{ type: 'Resource' }] },
      'spec.metrics[0].resource: Required value: must populate information for the given metric source',
    ],
    [
      {
        metrics: [
          { type: 'Resource', resource: { name: 'memory', target: { type: 'Value', value: '1Gi' } } },
        ],
      },
      'spec.metrics[0].resource.target.type: Unsupported value: "Value": supported values: "AverageValue", "Utilization"',
    ],
    [
      { behavior: { scaleUp: { policies: [{ type: 'Pods', value: 0, periodSeconds: 15 }] } } },
      'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
    ],
    [
      { behavior: { scaleDown: { stabilizationWindowSeconds: 4000 } } },
      'spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600 and greater than or equal to 0',
    ],
  ])('%j', (spec, message) => {
    expect(messages(hpa(spec))).toContain(message);
  });
});

describe('kubectl get hpa', () => {
  const now = new Date('2026-12-01T10:05:00Z');
  const cells = (obj: KubeObject) => horizontalPodAutoscalerPrinter.cells(obj, now);
  const cpu = (averageUtilization: number) => ({
    type: 'Resource',
    resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } },
  });

  it('has upstream columns: NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE', () => {
    const t = toTable(R.horizontalpodautoscalers, [hpa({ minReplicas: 2, metrics: [cpu(80)] })], { now });
    expect(t.columnDefinitions?.map((c) => c.name)).toEqual([
      'Name',
      'Reference',
      'Targets',
      'MinPods',
      'MaxPods',
      'Replicas',
      'Age',
    ]);
    expect(t.rows[0].cells).toEqual(['web', 'Deployment/web', 'cpu: <unknown>/80%', '2', 6, 0, '5m']);
  });

  it('shows current/target per metric, at most two', () => {
    const status = {
      currentReplicas: 3,
      desiredReplicas: 3,
      currentMetrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', current: { averageUtilization: 35, averageValue: '35m' } },
        },
        { type: 'Resource', resource: { name: 'memory', current: { averageValue: '10Mi' } } },
      ],
    };
    const memory = {
      type: 'Resource',
      resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } },
    };
    const pods = {
      type: 'Pods',
      pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } },
    };
    expect(cells(hpa({ metrics: [cpu(80), memory] }, status))[2]).toBe('cpu: 35%/80%, memory: 10Mi/100Mi');
    expect(cells(hpa({ metrics: [cpu(80), memory, pods] }, status))[2]).toBe(
      'cpu: 35%/80%, memory: 10Mi/100Mi + 1 more...',
    );
    expect(cells(hpa({ metrics: [] }))[2]).toBe('<none>');
    expect(cells(hpa({}))[3]).toBe('<unset>');
  });
});
