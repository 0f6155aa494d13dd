// Defaults and validation for HorizontalPodAutoscalers, as stored (autoscaling/v2:
// pkg/apis/autoscaling/v2/defaults.go, pkg/apis/autoscaling/validation/validation.go):
//
//   minReplicas 1; no metrics → CPU at 80 % of requests; a behavior given in part is completed
//   with the default scaling rules (api/hpa-behavior.ts)
//   scaleTargetRef kind and name required; 1 ≤ minReplicas ≤ maxReplicas; each metric has a
//   known type, its source, and a target that type allows; behavior policies in range

import type { MetricSpec, MetricTarget } from 'kubernetes-types/autoscaling/v2';
import { cloneJson } from '../../api/clone';
import type { FieldCause } from '../../api/errors';
import { DEFAULT_SCALE_DOWN, DEFAULT_SCALE_UP, withDefaultRules } from '../../api/hpa-behavior';
import { parseQuantity } from '../../api/quantity';
import { at, idx, invalid, notSupported, required } from './field-errors';
import { child, setDefault } from './pod-defaults';

type Obj = Record<string, any>;

export const DEFAULT_CPU_TARGET: MetricSpec = {
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
};

export const autoscalingDefaulters: Record<string, (obj: Obj) => void> = {
  horizontalpodautoscalers(hpa) {
    const spec = child(hpa, 'spec');
    setDefault(spec, 'minReplicas', 1);
    if (!Array.isArray(spec.metrics) || spec.metrics.length === 0)
      spec.metrics = [cloneJson(DEFAULT_CPU_TARGET)];
    if (spec.behavior && typeof spec.behavior === 'object') {
      spec.behavior.scaleUp = withDefaultRules(spec.behavior.scaleUp, DEFAULT_SCALE_UP);
      spec.behavior.scaleDown = withDefaultRules(spec.behavior.scaleDown, DEFAULT_SCALE_DOWN);
    }
  },
};

const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SOURCE_FIELD: Record<string, string> = {
  ContainerResource: 'containerResource',
  External: 'external',
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
};

function positiveQuantity(field: string, q: unknown): FieldCause[] {
  try {
    return parseQuantity(q as string) > 0 ? [] : [invalid(field, q, 'must be positive')];
  } catch {
    return [invalid(field, q, 'must be a quantity')];
  }
}

function validateTarget(path: string, t: MetricTarget | undefined, allowed: string[]): FieldCause[] {
  if (!t) return [required(path, 'must specify a metric target')];
  const errs: FieldCause[] = [];
  if (!t.type) errs.push(required(at(path, 'type'), 'must specify a metric target type'));
  else if (!allowed.includes(t.type)) errs.push(notSupported(at(path, 'type'), t.type, allowed));
  if (t.type === 'Utilization') {
    if (t.averageUtilization === undefined)
      errs.push(
        required(
          at(path, 'averageUtilization'),
          'must set either a target raw value or a target utilization',
        ),
      );
    else if (t.averageUtilization <= 0)
      errs.push(invalid(at(path, 'averageUtilization'), t.averageUtilization, 'must be greater than 0'));
  }
  if (t.type === 'AverageValue') {
    if (t.averageValue === undefined)
      errs.push(
        required(at(path, 'averageValue'), 'must set either a target raw value or a target utilization'),
      );
    else errs.push(...positiveQuantity(at(path, 'averageValue'), t.averageValue));
  }
  if (t.type === 'Value') {
    if (t.value === undefined)
      errs.push(required(at(path, 'value'), 'must set either a target raw value or a target utilization'));
    else errs.push(...positiveQuantity(at(path, 'value'), t.value));
  }
  return errs;
}

function validateMetric(path: string, m: MetricSpec): FieldCause[] {
  if (!m.type) return [required(at(path, 'type'), 'must specify a metric source type')];
  if (!METRIC_TYPES.includes(m.type)) return [notSupported(at(path, 'type'), m.type, METRIC_TYPES)];
  const field = SOURCE_FIELD[m.type];
  const src = (m as Obj)[field];
  if (!src) return [required(at(path, field), 'must populate information for the given metric source')];
  const p = at(path, field);
  switch (m.type) {
    case 'Resource':
    case 'ContainerResource': {
      const errs = src.name ? [] : [required(at(p, 'name'), 'must specify a resource name')];
      if (m.type === 'ContainerResource' && !src.container)
        errs.push(required(at(p, 'container'), 'must specify a container'));
      return [...errs, ...validateTarget(at(p, 'target'), src.target, ['AverageValue', 'Utilization'])];
    }
    case 'Pods':
      return [
        ...(src.metric?.name ? [] : [required(at(p, 'metric', 'name'), 'must specify a metric name')]),
        ...validateTarget(at(p, 'target'), src.target, ['AverageValue']),
      ];
    default:
      return [
        ...(src.metric?.name ? [] : [required(at(p, 'metric', 'name'), 'must specify a metric name')]),
        ...validateTarget(at(p, 'target'), src.target, ['AverageValue', 'Value']),
      ];
  }
}

function validateRules(path: string, rules: Obj | undefined): FieldCause[] {
  if (!rules) return [];
  const errs: FieldCause[] = [];
  const w = rules.stabilizationWindowSeconds;
  if (w !== undefined && (w < 0 || w > 3600))
    errs.push(
      invalid(
        at(path, 'stabilizationWindowSeconds'),
        w,
        'must be less than or equal to 3600 and greater than or equal to 0',
      ),
    );
  if (rules.selectPolicy !== undefined && !['Disabled', 'Max', 'Min'].includes(rules.selectPolicy))
    errs.push(notSupported(at(path, 'selectPolicy'), rules.selectPolicy, ['Disabled', 'Max', 'Min']));
  (rules.policies ?? []).forEach((p: Obj, i: number) => {
    const pp = idx(at(path, 'policies'), i);
    if (!['Percent', 'Pods'].includes(p.type))
      errs.push(notSupported(at(pp, 'type'), p.type, ['Percent', 'Pods']));
    if (!(p.value > 0)) errs.push(invalid(at(pp, 'value'), p.value, 'must be greater than zero'));
    if (!(p.periodSeconds > 0))
      errs.push(invalid(at(pp, 'periodSeconds'), p.periodSeconds, 'must be greater than zero'));
    else if (p.periodSeconds > 1800)
      errs.push(invalid(at(pp, 'periodSeconds'), p.periodSeconds, 'must be less than or equal to 1800'));
  });
  if (Array.isArray(rules.policies) && rules.policies.length === 0)
    errs.push(required(at(path, 'policies'), 'must specify at least one Policy'));
  return errs;
}

export const autoscalingValidators: Record<string, (obj: Obj) => FieldCause[]> = {
  horizontalpodautoscalers(hpa) {
    const spec = hpa.spec ?? {};
    const errs: FieldCause[] = [];
    const ref = spec.scaleTargetRef ?? {};
    if (!ref.kind) errs.push(required('spec.scaleTargetRef.kind'));
    if (!ref.name) errs.push(required('spec.scaleTargetRef.name'));
    const min = spec.minReplicas;
    if (min !== undefined && min < 1)
      errs.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
    if (!(spec.maxReplicas >= 1))
      errs.push(invalid('spec.maxReplicas', spec.maxReplicas ?? 0, 'must be greater than 0'));
    else if (min !== undefined && spec.maxReplicas < min)
      errs.push(
        invalid('spec.maxReplicas', spec.maxReplicas, 'must be greater than or equal to `minReplicas`'),
      );
    (spec.metrics ?? []).forEach((m: MetricSpec, i: number) => {
      errs.push(...validateMetric(idx('spec.metrics', i), m));
    });
    errs.push(...validateRules('spec.behavior.scaleUp', spec.behavior?.scaleUp));
    errs.push(...validateRules('spec.behavior.scaleDown', spec.behavior?.scaleDown));
    return errs;
  },
};
