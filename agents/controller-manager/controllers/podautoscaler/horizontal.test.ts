import { describe, expect, it } from 'vitest';
import { R } from '../../../api/resources';
import type { KubeObject } from '../../../api/types';
import { fakeContext, summarize } from '../../testing/fakes';
import { type AutoscalerConfig, newHorizontalPodAutoscalerController } from './horizontal';
import type { ResourceMetricsClient } from './metrics-client';
import { DEFAULT_CALCULATOR_CONFIG } from './replica-calculator';

const cfg: AutoscalerConfig = {
  ...DEFAULT_CALCULATOR_CONFIG,
  syncPeriodMs: 15_000,
  downscaleStabilizationMs: 300_000,
};
const NOW = Date.parse('2026-01-01T00:00:00Z');

const hpa = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default', uid: 'hpa-uid', generation: 1 },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas: 10,
    metrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
      },
    ],
    ...spec,
  },
  status: { desiredReplicas: 0 },
});

const scale = (replicas: number) => ({
  apiVersion: 'autoscaling/v1',
  kind: 'Scale',
  metadata: { name: 'web', namespace: 'default', resourceVersion: '7' },
  spec: { replicas },
  status: { replicas, selector: 'app=web' },
});

/** A Running pod of the Deployment, Ready for an hour, requesting 200m. */
const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'busybox', resources: { requests: { cpu: '200m' } } }] },
  status: {
    phase: 'Running',
    startTime: '2025-12-31T23:00:00Z',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-12-31T23:00:01Z' }],
  },
});

/** metrics.k8s.io as the apiserver would answer: each pod's CPU in millicores. */
const usage = (m: Record<string, number> | Error): ResourceMetricsClient => ({
  async getResourceMetric() {
    if (m instanceof Error) throw m;
    if (Object.keys(m).length === 0) throw new Error('no metrics returned from resource metrics API');
    return {
      timestampMs: NOW - 5000,
      metrics: new Map(
        Object.entries(m).map(([n, v]) => [n, { timestampMs: NOW - 5000, windowMs: 10_000, value: v }]),
      ),
    };
  },
});

function setUp(replicas: number, metrics: ResourceMetricsClient, spec: Record<string, unknown> = {}) {
  const ctx = fakeContext();
  ctx.clock.now = NOW;
  ctx.informers.seed(R.horizontalpodautoscalers, [hpa(spec)]);
  ctx.informers.seed(R.pods, ['web-1', 'web-2'].slice(0, replicas).map(pod));
  ctx.client.objects.set('deployments', new Map([['default/web', scale(replicas)]]));
  return { ctx, controller: newHorizontalPodAutoscalerController(ctx, cfg, metrics) };
}

const conditions = (status: { conditions?: Array<{ type: string; status: string; reason: string }> }) =>
  status.conditions?.map((c) => `${c.type}=${c.status} ${c.reason}`);

describe('horizontal pod autoscaler sync', () => {
  it('scales up: 2 pods at 180m of 200m (90 %), target 50 % → ceil(1.8 × 2) = 4', async () => {
    const { ctx, controller } = setUp(2, usage({ 'web-1': 180, 'web-2': 180 }));
    await controller.sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual([
      'update deployments/scale default/web',
      'update horizontalpodautoscalers/status default/web',
    ]);
    expect(ctx.client.actions[0].body.spec).toEqual({ replicas: 4 });
    expect(ctx.recorder.events).toEqual([
      {
        object: 'HorizontalPodAutoscaler/default/web',
        type: 'Normal',
        reason: 'SuccessfulRescale',
        message: 'New size: 4; reason: cpu resource utilization (percentage of request) above target',
      },
    ]);
    const status = ctx.client.actions[1].body.status;
    expect(status).toMatchObject({
      currentReplicas: 2,
      desiredReplicas: 4,
      lastScaleTime: '2026-01-01T00:00:00Z',
      observedGeneration: 1,
      currentMetrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', current: { averageUtilization: 90, averageValue: '180m' } },
        },
      ],
    });
    expect(conditions(status)).toEqual([
      'AbleToScale=True SucceededRescale',
      'ScalingActive=True ValidMetricFound',
      'ScalingLimited=False DesiredWithinRange',
    ]);
  });

  it('within tolerance it only writes status: 105 % of target keeps 2', async () => {
    const { ctx, controller } = setUp(2, usage({ 'web-1': 105, 'web-2': 105 }));
    await controller.sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual(['update horizontalpodautoscalers/status default/web']);
    expect(conditions(ctx.client.actions[0].body.status)).toEqual([
      'AbleToScale=True ReadyForNewScale',
      'ScalingActive=True ValidMetricFound',
      'ScalingLimited=False DesiredWithinRange',
    ]);
  });

  it('clamps to maxReplicas and says so', async () => {
    const { ctx, controller } = setUp(2, usage({ 'web-1': 200, 'web-2': 200 }), { maxReplicas: 3 });
    await controller.sync('default/web');
    expect(ctx.client.actions[0].body.spec).toEqual({ replicas: 3 });
    expect(conditions(ctx.client.actions[1].body.status)).toContain('ScalingLimited=True TooManyReplicas');
  });

  it('holds a scale down for the stabilization window, then scales down', async () => {
    const { ctx, controller } = setUp(2, usage({ 'web-1': 20, 'web-2': 20 }));
    await controller.sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual(['update horizontalpodautoscalers/status default/web']);
    expect(conditions(ctx.client.actions[0].body.status)?.[0]).toBe('AbleToScale=True ScaleDownStabilized');
    ctx.clock.now = NOW + 301_000;
    await controller.sync('default/web');
    expect(ctx.client.actions.filter((a) => a.subresource === 'scale').map((a) => a.body.spec)).toEqual([
      { replicas: 1 },
    ]);
    expect(ctx.recorder.events.at(-1)?.message).toBe('New size: 1; reason: All metrics below target');
  });

  it('without metrics: FailedGetResourceMetric, FailedComputeMetricsReplicas, ScalingActive=False', async () => {
    const { ctx, controller } = setUp(2, usage({}));
    await controller.sync('default/web');
    expect(ctx.recorder.events.map((e) => `${e.type} ${e.reason}: ${e.message}`)).toEqual([
      'Warning FailedGetResourceMetric: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API',
      'Warning FailedComputeMetricsReplicas: invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API',
    ]);
    const status = ctx.client.actions[0].body.status;
    expect(status.conditions[1]).toMatchObject({
      type: 'ScalingActive',
      status: 'False',
      reason: 'FailedGetResourceMetric',
      message:
        'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API',
    });
    expect(summarize(ctx.client.actions)).toEqual(['update horizontalpodautoscalers/status default/web']);
  });

  it('a missing target: FailedGetScale, AbleToScale=False', async () => {
    const { ctx, controller } = setUp(2, usage({}));
    ctx.client.objects.set('deployments', new Map());
    await controller.sync('default/web');
    expect(ctx.recorder.events).toEqual([
      expect.objectContaining({
        type: 'Warning',
        reason: 'FailedGetScale',
        message: 'deployments.apps "web" not found',
      }),
    ]);
    expect(ctx.client.actions[0].body.status.conditions).toEqual([
      {
        type: 'AbleToScale',
        status: 'False',
        lastTransitionTime: '2026-01-01T00:00:00Z',
        reason: 'FailedGetScale',
        message: `the HPA controller was unable to get the target's current scale: deployments.apps "web" not found`,
      },
    ]);
  });

  it('a memory AverageValue target reports the average as a quantity', async () => {
    const Mi = 1024 * 1024 * 1000;
    const { ctx, controller } = setUp(2, usage({ 'web-1': 150 * Mi, 'web-2': 150 * Mi }), {
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } },
        },
      ],
    });
    await controller.sync('default/web');
    expect(ctx.client.actions[0].body.spec).toEqual({ replicas: 3 });
    expect(ctx.recorder.events[0].message).toBe('New size: 3; reason: memory resource above target');
    expect(ctx.client.actions[1].body.status.currentMetrics).toEqual([
      { type: 'Resource', resource: { name: 'memory', current: { averageValue: '157286400' } } },
    ]);
  });

  it('resyncs every autoscaler each sync period, and a spec change at once (not its own status writes)', () => {
    const { ctx, controller } = setUp(2, usage({}));
    expect(controller.tick?.everyMs).toBe(15_000);
    controller.tick?.run();
    expect(ctx.queue.added).toEqual(['default/web']);
    const informer = ctx.informers.informer(R.horizontalpodautoscalers);
    informer.set({ ...hpa(), status: { desiredReplicas: 3 } });
    expect(ctx.queue.added).toHaveLength(1);
    informer.set({ ...hpa({ maxReplicas: 5 }), metadata: { ...hpa().metadata, generation: 2 } });
    expect(ctx.queue.added).toHaveLength(2);
  });
});
