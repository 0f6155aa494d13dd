// The horizontal pod autoscaler (upstream: pkg/controller/podautoscaler/horizontal.go). Every
// --horizontal-pod-autoscaler-sync-period (15 s) each autoscaler is reconciled; a new one, or a
// changed spec, at once. sync(key):
//   1. read the target's scale (GET <target>/scale); failing: AbleToScale=False FailedGetScale
//   2. decide the count: outside [min, max] → clamp; else the metrics' count (compute-metrics.ts),
//      stabilized and rate-limited (normalize.ts)
//   3. if it differs, PUT <target>/scale, event SuccessfulRescale "New size: 4; reason: …"
//   4. write status (current/desired replicas, currentMetrics, conditions) when it changed
// Recommendations and scale events live in memory per autoscaler, as upstream's do. A failure
// is logged and written into the status; the next resync tries again (upstream's queue retries
// at the sync period too, never sooner).

import type { HorizontalPodAutoscaler, HPAScalingRules, MetricStatus } from 'kubernetes-types/autoscaling/v2';
import type { Pod } from 'kubernetes-types/core/v1';
import { DEFAULT_SCALE_DOWN, DEFAULT_SCALE_UP, withDefaultRules } from '../../../api/hpa-behavior';
import { R, type ResourceInfo, resourceForKind } from '../../../api/resources';
import { matchesLabels, parseLabelSelector } from '../../../api/selectors';
import { type KubeObject, objectKey } from '../../../api/types';
import type { EventRecorder } from '../../../client/types';
import type { Controller, ControllerContext } from '../../controller';
import { canonicalJson, clone, type Obj, type PodObj } from '../common/objects';
import { computeReplicasForMetrics, type Verdict } from './compute-metrics';
import { type ConditionType, setCondition } from './conditions';
import { apiResourceMetrics, type ResourceMetricsClient } from './metrics-client';
import {
  type AutoscalerMemory,
  emptyMemory,
  normalizeDesiredReplicas,
  normalizeWithBehaviors,
  recordScaleEvent,
} from './normalize';
import type { CalculatorConfig } from './replica-calculator';

type HpaObj = Obj<HorizontalPodAutoscaler>;
type Behavior = NonNullable<HorizontalPodAutoscaler['spec']>['behavior'];

interface Scale extends KubeObject {
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

export interface AutoscalerConfig extends CalculatorConfig {
  syncPeriodMs: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (5m). */
  downscaleStabilizationMs: number;
}

const apiTime = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** A failure already reported (event, condition) that ends this reconcile. */
class Stop extends Error {}

/** One reconcile's working copy: the status being built, and how to report on the autoscaler. */
class Attempt {
  readonly next: HpaObj & { status: NonNullable<HpaObj['status']> };
  readonly now: string;

  constructor(
    readonly hpa: HpaObj,
    readonly nowMs: number,
    private readonly recorder: EventRecorder,
  ) {
    this.next = clone(hpa);
    this.next.status ??= { desiredReplicas: 0 };
    this.now = apiTime(nowMs);
  }

  condition(type: ConditionType, v: Verdict): void {
    const s = this.next.status;
    s.conditions = setCondition(s.conditions ?? [], type, v.status, v.reason, v.message, this.now);
  }

  event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event(this.hpa, type, reason, message);
  }

  /** What every ending writes: the replicas seen and the metrics read (setStatus). */
  settle(current: number, desired: number, statuses: MetricStatus[]): void {
    Object.assign(this.next.status, {
      observedGeneration: this.hpa.metadata?.generation,
      currentReplicas: current,
      desiredReplicas: desired,
      currentMetrics: statuses.length ? statuses : undefined,
    });
  }
}

/** The count to set, and why. */
interface Decision {
  desired: number;
  reason: string;
  rescale: boolean;
  statuses: MetricStatus[];
  /** Some metrics failed but the others decided: reported after the write. */
  partialFailure?: string;
}

export function newHorizontalPodAutoscalerController(
  ctx: ControllerContext,
  cfg: AutoscalerConfig,
  metricsClient: ResourceMetricsClient = apiResourceMetrics(ctx.client),
  workers = 5,
): Controller {
  const hpas = ctx.informers.for<HpaObj>(R.horizontalpodautoscalers);
  const pods = ctx.informers.for<PodObj>(R.pods);
  const { client, queue } = ctx;
  const memories = new Map<string, AutoscalerMemory>();

  hpas.addEventHandler({
    add: (h) => queue.add(objectKey(h)),
    // Only a spec change wakes it early: its own status writes must not (the resync does).
    update: (old, h) => old.metadata?.generation !== h.metadata?.generation && queue.add(objectKey(h)),
    delete: (h) => memories.delete(objectKey(h)),
  });

  async function sync(key: string): Promise<void> {
    const hpa = hpas.get(key);
    if (!hpa) {
      memories.delete(key);
      return;
    }
    const attempt = new Attempt(hpa, ctx.now(), ctx.recorder);
    try {
      await reconcile(attempt, key);
    } catch (err) {
      // A reported failure still owes its status write (a partial one has written it already).
      if (err instanceof Stop) await writeStatus(attempt).catch(() => undefined);
      ctx.log(`horizontal-pod-autoscaler: ${key}: ${(err as Error).message}`);
    }
  }

  async function reconcile(a: Attempt, key: string): Promise<void> {
    const { target, scale } = await readScale(a);
    const current = scale.spec?.replicas ?? 0;
    const memory = memories.get(key) ?? emptyMemory();
    if (memory.recommendations.length === 0)
      memory.recommendations.push({ replicas: current, atMs: a.nowMs });
    memories.set(key, memory);

    const d = await decide(a, key, scale, current);
    if (d.rescale) {
      try {
        await client.update(
          target,
          { ...scale, spec: { ...scale.spec, replicas: d.desired } },
          { subresource: 'scale' },
        );
      } catch (err) {
        const message = (err as Error).message;
        a.event('Warning', 'FailedRescale', `New size: ${d.desired}; reason: ${d.reason}; error: ${message}`);
        a.condition('AbleToScale', {
          status: 'False',
          reason: 'FailedUpdateScale',
          message: `the HPA controller was unable to update the target scale: ${message}`,
        });
        a.settle(current, a.next.status.desiredReplicas, d.statuses);
        throw new Stop(`failed to rescale ${reference(a.hpa)}: ${message}`);
      }
      a.condition('AbleToScale', {
        status: 'True',
        reason: 'SucceededRescale',
        message: `the HPA controller was able to update the target scale to ${d.desired}`,
      });
      a.event('Normal', 'SuccessfulRescale', `New size: ${d.desired}; reason: ${d.reason}`);
      const behavior = a.hpa.spec?.behavior;
      if (behavior)
        memories.set(
          key,
          recordScaleEvent(memories.get(key) ?? memory, rules(behavior), current, d.desired, a.nowMs),
        );
      a.next.status.lastScaleTime = a.now;
    }
    a.settle(current, d.rescale ? d.desired : current, d.statuses);
    await writeStatus(a);
    if (d.partialFailure) throw new Error(d.partialFailure);
  }

  /** 1. GET <target>/scale, mapping scaleTargetRef's kind to a resource with a scale subresource. */
  async function readScale(a: Attempt): Promise<{ target: ResourceInfo; scale: Scale }> {
    const ref = a.hpa.spec?.scaleTargetRef;
    const target = ref && resourceForKind(ref.apiVersion ?? '', ref.kind);
    try {
      if (!target?.subresources?.includes('scale')) {
        const group = (ref?.apiVersion ?? '').split('/').slice(0, -1).join('/');
        throw new Error(`no matches for kind "${ref?.kind}" in group "${group}"`);
      }
      const scale = await client.get<Scale>(target, a.hpa.metadata?.namespace, ref?.name ?? '', 'scale');
      a.condition('AbleToScale', {
        status: 'True',
        reason: 'SucceededGetScale',
        message: "the HPA controller was able to get the target's current scale",
      });
      return { target, scale };
    } catch (err) {
      const message = (err as Error).message;
      a.event('Warning', 'FailedGetScale', message);
      a.condition('AbleToScale', {
        status: 'False',
        reason: 'FailedGetScale',
        message: `the HPA controller was unable to get the target's current scale: ${message}`,
      });
      throw new Stop(`failed to query scale subresource for ${reference(a.hpa)}: ${message}`);
    }
  }

  /** 2. Outside [min, max]: the bound. Else what the metrics ask, stabilized and rate-limited. */
  async function decide(a: Attempt, key: string, scale: Scale, current: number): Promise<Decision> {
    const spec = a.hpa.spec;
    const min = spec?.minReplicas ?? 1;
    const max = spec?.maxReplicas ?? 0;
    if (current === 0 && min !== 0) {
      a.condition('ScalingActive', {
        status: 'False',
        reason: 'ScalingDisabled',
        message: 'scaling is disabled since the replica count of the target is zero',
      });
      return { desired: 0, reason: '', rescale: false, statuses: [] };
    }
    if (current > max)
      return {
        desired: max,
        reason: 'Current number of replicas above Spec.MaxReplicas',
        rescale: true,
        statuses: [],
      };
    if (current < min)
      return {
        desired: min,
        reason: 'Current number of replicas below Spec.MinReplicas',
        rescale: true,
        statuses: [],
      };

    const selector = scale.status?.selector ?? '';
    if (!selector) {
      a.event('Warning', 'SelectorRequired', 'selector is required');
      a.condition('ScalingActive', {
        status: 'False',
        reason: 'InvalidSelector',
        message: "the HPA target's scale is missing a selector",
      });
      a.settle(current, a.next.status.desiredReplicas, []);
      throw new Stop('selector is required');
    }
    const ns = a.hpa.metadata?.namespace ?? '';
    const result = await computeReplicasForMetrics({
      metrics: spec?.metrics ?? [],
      namespace: ns,
      specReplicas: current,
      selector,
      pods: selected(pods.list(ns), selector),
      metricsClient,
      cfg,
      nowMs: a.nowMs,
      warn: (reason, message) => a.event('Warning', reason, message),
    });
    a.condition('ScalingActive', result.scalingActive);
    if (result.replicas === -1) {
      a.event('Warning', 'FailedComputeMetricsReplicas', result.error ?? '');
      a.settle(current, a.next.status.desiredReplicas, result.statuses);
      throw new Stop(
        `failed to compute desired number of replicas based on listed metrics for ${reference(a.hpa)}: ${result.error}`,
      );
    }
    let reason = '';
    if (result.replicas > current) reason = `${result.metricName} above target`;
    if (result.replicas < current) reason = 'All metrics below target';
    const base = {
      memory: memories.get(key) ?? emptyMemory(),
      currentReplicas: current,
      desiredReplicas: result.replicas,
    };
    const n = spec?.behavior
      ? normalizeWithBehaviors({
          ...base,
          minReplicas: min,
          maxReplicas: max,
          ...rules(spec.behavior),
          nowMs: a.nowMs,
        })
      : normalizeDesiredReplicas({
          ...base,
          minReplicas: min,
          maxReplicas: max,
          downscaleStabilizationMs: cfg.downscaleStabilizationMs,
          nowMs: a.nowMs,
        });
    memories.set(key, n.memory);
    a.condition('AbleToScale', n.ableToScale);
    a.condition('ScalingLimited', n.scalingLimited);
    return {
      desired: n.replicas,
      reason,
      rescale: n.replicas !== current,
      statuses: result.statuses,
      partialFailure: result.error,
    };
  }

  /** The behavior's rules with the controller's defaults where the object leaves them out. */
  function rules(behavior: Behavior): { scaleUp: HPAScalingRules; scaleDown: HPAScalingRules } {
    const scaleDown = withDefaultRules(behavior?.scaleDown, DEFAULT_SCALE_DOWN);
    scaleDown.stabilizationWindowSeconds ??= Math.round(cfg.downscaleStabilizationMs / 1000);
    return { scaleUp: withDefaultRules(behavior?.scaleUp, DEFAULT_SCALE_UP), scaleDown };
  }

  /** 4. PUT status only when it changed (updateStatusIfNeeded). */
  async function writeStatus(a: Attempt): Promise<void> {
    const status = JSON.parse(JSON.stringify(a.next.status)) as HpaObj['status'];
    if (canonicalJson(status) === canonicalJson(a.hpa.status ?? {})) return;
    await client.update(R.horizontalpodautoscalers, { ...a.next, status }, { subresource: 'status' });
  }

  return {
    name: 'horizontal-pod-autoscaler',
    queue,
    workers,
    sync,
    // Upstream resyncs every autoscaler each sync period: usage changes without any event.
    tick: {
      everyMs: cfg.syncPeriodMs,
      run: () => {
        for (const h of hpas.list()) queue.add(objectKey(h));
      },
    },
  };
}

const reference = (hpa: HpaObj) => `${hpa.spec?.scaleTargetRef.kind}/${hpa.spec?.scaleTargetRef.name}`;

/** The pods a scale's selector text matches. */
function selected(list: PodObj[], selector: string): Pod[] {
  const reqs = parseLabelSelector(selector);
  return list.filter((p) => matchesLabels(reqs, p.metadata?.labels));
}
