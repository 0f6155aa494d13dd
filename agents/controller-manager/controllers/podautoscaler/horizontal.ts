// The horizontal pod autoscaler (upstream: pkg/controller/podautoscaler/horizontal.go). Every
// --horizontal-pod-autoscaler-sync-period (15 s) each autoscaler is reconciled; a new one, or a
// changed spec, at once. sync(key):
//   1. read the target's scale (GET <target>/scale); failing: AbleToScale=False FailedGetScale
//   2. decide the count: outside [min, max] → clamp; else the metrics' count (compute-metrics.ts),
//      stabilized and rate-limited (normalize.ts)
//   3. if it differs, PUT <target>/scale, event SuccessfulRescale "New size: 4; reason: …"
//   4. write status (current/desired replicas, currentMetrics, conditions) when it changed
// Recommendations and scale events live in memory per autoscaler, as upstream's do.

import type { HorizontalPodAutoscaler, HPAScalingRules, MetricStatus } from 'kubernetes-types/autoscaling/v2';
import type { Pod } from 'kubernetes-types/core/v1';
import { DEFAULT_SCALE_DOWN, DEFAULT_SCALE_UP, withDefaultRules } from '../../../api/hpa-behavior';
import { R, resourceForKind } from '../../../api/resources';
import { matchesLabels, parseLabelSelector } from '../../../api/selectors';
import { type KubeObject, objectKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import { canonicalJson, clone, type Obj, type PodObj } from '../common/objects';
import { computeReplicasForMetrics } from './compute-metrics';
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

export function newHorizontalPodAutoscalerController(
  ctx: ControllerContext,
  cfg: AutoscalerConfig,
  metricsClient: ResourceMetricsClient = apiResourceMetrics(ctx.client),
  workers = 5,
): Controller {
  const hpas = ctx.informers.for<HpaObj>(R.horizontalpodautoscalers);
  const pods = ctx.informers.for<PodObj>(R.pods);
  const { client, queue, recorder } = ctx;
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
    try {
      await reconcile(hpa, key);
    } catch (err) {
      // Logged, not retried sooner: the next resync tries again (upstream's fixed-interval queue).
      ctx.log(`horizontal-pod-autoscaler: ${key}: ${(err as Error).message}`);
    }
  }

  async function reconcile(hpa: HpaObj, key: string): Promise<void> {
    const nowMs = ctx.now();
    const now = apiTime(nowMs);
    const next = clone(hpa) as HpaObj & { status: NonNullable<HpaObj['status']> };
    next.status ??= { desiredReplicas: 0 };
    const condition = (
      type: ConditionType,
      v: { status: 'True' | 'False'; reason: string; message: string },
    ) => {
      next.status.conditions = setCondition(
        next.status.conditions ?? [],
        type,
        v.status,
        v.reason,
        v.message,
        now,
      );
    };
    const warn = (reason: string, message: string) => recorder.event(hpa, 'Warning', reason, message);
    const spec = hpa.spec;
    const ns = hpa.metadata?.namespace ?? '';
    const ref = spec?.scaleTargetRef;
    const reference = `${ref?.kind}/${ref?.name}`;

    // 1. The target's scale.
    let scale: Scale;
    const target = ref && resourceForKind(ref.apiVersion ?? '', ref.kind);
    try {
      if (!target?.subresources?.includes('scale'))
        throw new Error(
          `no matches for kind "${ref?.kind}" in group "${(ref?.apiVersion ?? '').split('/').slice(0, -1).join('/')}"`,
        );
      scale = await client.get<Scale>(target, ns, ref?.name ?? '', 'scale');
    } catch (err) {
      const message = (err as Error).message;
      warn('FailedGetScale', message);
      condition('AbleToScale', {
        status: 'False',
        reason: 'FailedGetScale',
        message: `the HPA controller was unable to get the target's current scale: ${message}`,
      });
      await writeStatus(hpa, next);
      throw new Error(`failed to query scale subresource for ${reference}: ${message}`);
    }
    condition('AbleToScale', {
      status: 'True',
      reason: 'SucceededGetScale',
      message: "the HPA controller was able to get the target's current scale",
    });
    const current = scale.spec?.replicas ?? 0;
    const memory = memories.get(key) ?? emptyMemory();
    if (memory.recommendations.length === 0) memory.recommendations.push({ replicas: current, atMs: nowMs });
    memories.set(key, memory);

    // 2. The count to set.
    const min = spec?.minReplicas ?? 1;
    const max = spec?.maxReplicas ?? 0;
    let desired = 0;
    let reason = '';
    let statuses: MetricStatus[] = [];
    let rescale = true;
    let failure: string | undefined;
    if (current === 0 && min !== 0) {
      rescale = false;
      condition('ScalingActive', {
        status: 'False',
        reason: 'ScalingDisabled',
        message: 'scaling is disabled since the replica count of the target is zero',
      });
    } else if (current > max) {
      [desired, reason] = [max, 'Current number of replicas above Spec.MaxReplicas'];
    } else if (current < min) {
      [desired, reason] = [min, 'Current number of replicas below Spec.MinReplicas'];
    } else {
      const selector = scale.status?.selector ?? '';
      if (!selector) {
        warn('SelectorRequired', 'selector is required');
        condition('ScalingActive', {
          status: 'False',
          reason: 'InvalidSelector',
          message: "the HPA target's scale is missing a selector",
        });
        return finishWithError(hpa, next, current, statuses, 'selector is required');
      }
      const result = await computeReplicasForMetrics({
        metrics: spec?.metrics ?? [],
        namespace: ns,
        specReplicas: current,
        selector,
        pods: selected(pods.list(ns), selector),
        metricsClient,
        cfg,
        nowMs,
        warn,
      });
      statuses = result.statuses;
      condition('ScalingActive', result.scalingActive);
      if (result.replicas === -1) {
        warn('FailedComputeMetricsReplicas', result.error ?? '');
        return finishWithError(
          hpa,
          next,
          current,
          statuses,
          `failed to compute desired number of replicas based on listed metrics for ${reference}: ${result.error}`,
        );
      }
      failure = result.error;
      desired = result.replicas;
      if (desired > current) reason = `${result.metricName} above target`;
      if (desired < current) reason = 'All metrics below target';
      const normalized = spec?.behavior
        ? normalizeWithBehaviors({
            memory,
            currentReplicas: current,
            desiredReplicas: desired,
            minReplicas: min,
            maxReplicas: max,
            ...rules(spec.behavior),
            nowMs,
          })
        : normalizeDesiredReplicas({
            memory,
            currentReplicas: current,
            desiredReplicas: desired,
            minReplicas: min,
            maxReplicas: max,
            downscaleStabilizationMs: cfg.downscaleStabilizationMs,
            nowMs,
          });
      memories.set(key, normalized.memory);
      condition('AbleToScale', normalized.ableToScale);
      condition('ScalingLimited', normalized.scalingLimited);
      desired = normalized.replicas;
      rescale = desired !== current;
    }

    // 3. Rescale.
    if (rescale) {
      try {
        await client.update(
          target,
          { ...scale, spec: { ...scale.spec, replicas: desired } },
          { subresource: 'scale' },
        );
      } catch (err) {
        const message = (err as Error).message;
        warn('FailedRescale', `New size: ${desired}; reason: ${reason}; error: ${message}`);
        condition('AbleToScale', {
          status: 'False',
          reason: 'FailedUpdateScale',
          message: `the HPA controller was unable to update the target scale: ${message}`,
        });
        return finishWithError(hpa, next, current, statuses, `failed to rescale ${reference}: ${message}`);
      }
      condition('AbleToScale', {
        status: 'True',
        reason: 'SucceededRescale',
        message: `the HPA controller was able to update the target scale to ${desired}`,
      });
      recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`);
      if (spec?.behavior)
        memories.set(
          key,
          recordScaleEvent(memories.get(key) ?? memory, rules(spec.behavior), current, desired, nowMs),
        );
      next.status.lastScaleTime = now;
    } else {
      desired = current;
    }

    // 4. Status.
    Object.assign(next.status, {
      observedGeneration: hpa.metadata?.generation,
      currentReplicas: current,
      desiredReplicas: desired,
      currentMetrics: statuses.length ? statuses : undefined,
    });
    await writeStatus(hpa, next);
    if (failure) throw new Error(failure);
  }

  /** The behavior's rules with the controller's defaults where the object leaves them out. */
  function rules(behavior: NonNullable<HorizontalPodAutoscaler['spec']>['behavior']): {
    scaleUp: HPAScalingRules;
    scaleDown: HPAScalingRules;
  } {
    const scaleDown = withDefaultRules(behavior?.scaleDown, DEFAULT_SCALE_DOWN);
    scaleDown.stabilizationWindowSeconds ??= Math.round(cfg.downscaleStabilizationMs / 1000);
    return { scaleUp: withDefaultRules(behavior?.scaleUp, DEFAULT_SCALE_UP), scaleDown };
  }

  async function finishWithError(
    hpa: HpaObj,
    next: HpaObj,
    current: number,
    statuses: MetricStatus[],
    err: string,
  ) {
    next.status = {
      ...next.status,
      observedGeneration: hpa.metadata?.generation,
      currentReplicas: current,
      desiredReplicas: next.status?.desiredReplicas ?? 0,
      currentMetrics: statuses.length ? statuses : undefined,
    };
    await writeStatus(hpa, next);
    throw new Error(err);
  }

  /** PUT status only when it changed (updateStatusIfNeeded). */
  async function writeStatus(hpa: HpaObj, next: HpaObj): Promise<void> {
    const clean = JSON.parse(JSON.stringify(next.status ?? {})) as HpaObj['status'];
    if (canonicalJson(clean) === canonicalJson(hpa.status ?? {})) return;
    await client.update(R.horizontalpodautoscalers, { ...next, status: clean }, { subresource: 'status' });
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

/** The pods a scale's selector text matches. */
function selected(list: PodObj[], selector: string): Pod[] {
  const reqs = parseLabelSelector(selector);
  return list.filter((p) => matchesLabels(reqs, p.metadata?.labels));
}
