// HorizontalPodAutoscaler as kubectl 1.32 (autoscaling/v1) and 1.33 (autoscaling/v2) send it for
// `kubectl autoscale` (kubernetes/api autoscaling/v1 and v2 generated.proto). Status is skipped:
// create ignores it.

import { i, KEEP, list, type MessageSpec, m, message, s, skipped } from '../schema';
import { LabelSelector, ObjectMeta, Quantity } from './meta';

const object = (spec: MessageSpec) =>
  message('HorizontalPodAutoscaler', {
    1: m('metadata', ObjectMeta),
    2: m('spec', spec),
    3: skipped('status'),
  });

const CrossVersionObjectReference = message('CrossVersionObjectReference', {
  1: s('kind'),
  2: s('name'),
  3: s('apiVersion'),
});

// autoscaling/v1

const SpecV1 = message('HorizontalPodAutoscalerSpec', {
  1: m('scaleTargetRef', CrossVersionObjectReference),
  2: i('minReplicas', KEEP),
  3: i('maxReplicas'),
  4: i('targetCPUUtilizationPercentage', KEEP),
});

// autoscaling/v2

const MetricTarget = message('MetricTarget', {
  1: s('type'),
  2: m('value', Quantity, KEEP),
  3: m('averageValue', Quantity, KEEP),
  4: i('averageUtilization', KEEP),
});

const MetricIdentifier = message('MetricIdentifier', { 1: s('name'), 2: m('selector', LabelSelector, KEEP) });

const MetricSpec = message('MetricSpec', {
  1: s('type'),
  2: m(
    'object',
    message('ObjectMetricSource', {
      1: m('describedObject', CrossVersionObjectReference),
      2: m('target', MetricTarget),
      3: m('metric', MetricIdentifier),
    }),
    KEEP,
  ),
  3: m(
    'pods',
    message('PodsMetricSource', { 1: m('metric', MetricIdentifier), 2: m('target', MetricTarget) }),
    KEEP,
  ),
  4: m('resource', message('ResourceMetricSource', { 1: s('name'), 2: m('target', MetricTarget) }), KEEP),
  5: m(
    'external',
    message('ExternalMetricSource', { 1: m('metric', MetricIdentifier), 2: m('target', MetricTarget) }),
    KEEP,
  ),
  7: m(
    'containerResource',
    message('ContainerResourceMetricSource', {
      1: s('name'),
      2: m('target', MetricTarget),
      3: s('container'),
    }),
    KEEP,
  ),
});

const HPAScalingRules = message('HPAScalingRules', {
  1: s('selectPolicy', KEEP),
  2: list('policies', message('HPAScalingPolicy', { 1: s('type'), 2: i('value'), 3: i('periodSeconds') })),
  3: i('stabilizationWindowSeconds', KEEP),
  4: m('tolerance', Quantity, KEEP),
});

const SpecV2 = message('HorizontalPodAutoscalerSpec', {
  1: m('scaleTargetRef', CrossVersionObjectReference),
  2: i('minReplicas', KEEP),
  3: i('maxReplicas'),
  4: list('metrics', MetricSpec),
  5: m(
    'behavior',
    message('HorizontalPodAutoscalerBehavior', {
      1: m('scaleUp', HPAScalingRules, KEEP),
      2: m('scaleDown', HPAScalingRules, KEEP),
    }),
    KEEP,
  ),
});

export const autoscalingKinds: Record<string, MessageSpec> = {
  'autoscaling/v1/HorizontalPodAutoscaler': object(SpecV1),
  'autoscaling/v2/HorizontalPodAutoscaler': object(SpecV2),
};
