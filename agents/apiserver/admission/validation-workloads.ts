// Workload validation (kubernetes pkg/apis/apps/validation and pkg/apis/batch/validation):
// replica counts, a selector that selects the template's own pods, a template a controller can
// run, and the fields that may not change once set.
//
// The selector rule is the one that matters most: a Deployment whose selector does not match its
// template labels would create ReplicaSets that never see their own pods, and scale forever.

import type { FieldCause } from '../../api/errors';
import { fromLabelSelector, matchesLabels } from '../../api/selectors';
import { at, forbidden, immutable, invalid, nonNegative, notSupported, required } from './field-errors';
import { validateLabelSelector, validateLabels } from './validation-meta';
import { jsonEqual, validatePodSpec } from './validation-pod';

type Obj = Record<string, any>;

const NO_MATCH = '`selector` does not match template `labels`';

/** Selector required, non-empty, valid, and matching the template's labels. */
function validateSelectorAndTemplate(spec: Obj, kind: string, restartPolicies: string[]): FieldCause[] {
  const causes: FieldCause[] = [];
  const sel = spec.selector;
  if (!sel) causes.push(required('spec.selector'));
  else if (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length) {
    causes.push(invalid('spec.selector', sel, `empty selector is invalid for ${kind}`));
  } else {
    const selectorCauses = validateLabelSelector(sel, 'spec.selector');
    causes.push(...selectorCauses);
    const labels = spec.template?.metadata?.labels ?? {};
    if (!selectorCauses.length && !matchesLabels(fromLabelSelector(sel), labels)) {
      causes.push(invalid('spec.template.metadata.labels', labels, NO_MATCH));
    }
  }
  causes.push(...validateTemplate(spec.template, restartPolicies));
  return causes;
}

/** ValidatePodTemplateSpec plus the restart policies this controller can live with. */
function validateTemplate(template: Obj | undefined, restartPolicies: string[]): FieldCause[] {
  if (!template) return [required('spec.template')];
  const causes = validateLabels(template.metadata?.labels, 'spec.template.metadata.labels');
  causes.push(...validatePodSpec(template.spec, 'spec.template.spec'));
  const policy = template.spec?.restartPolicy;
  if (template.spec && !restartPolicies.includes(policy))
    causes.push(notSupported('spec.template.spec.restartPolicy', policy ?? '', restartPolicies));
  return causes;
}

const ALWAYS = ['Always'];

/** A percent string like "25%" (an IntOrString's string form). */
function validateIntOrPercent(value: unknown, path: string): FieldCause[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'number') return nonNegative(path, value);
  const s = String(value);
  if (!/^[0-9]+%$/.test(s)) {
    return [
      invalid(
        path,
        s,
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ),
    ];
  }
  return Number.parseInt(s, 10) > 100 ? [invalid(path, s, 'must not be greater than 100%')] : [];
}

const isZero = (v: unknown) => v === 0 || v === '0%';

function validateDeploymentStrategy(strategy: Obj | undefined): FieldCause[] {
  if (!strategy) return [];
  const causes: FieldCause[] = [];
  const types = ['Recreate', 'RollingUpdate'];
  if (!types.includes(strategy.type))
    causes.push(notSupported('spec.strategy.type', strategy.type ?? '', types));
  const rolling = strategy.rollingUpdate;
  if (strategy.type === 'Recreate' && rolling) {
    causes.push(
      forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"),
    );
  }
  if (strategy.type === 'RollingUpdate' && rolling) {
    const p = 'spec.strategy.rollingUpdate';
    causes.push(...validateIntOrPercent(rolling.maxUnavailable, at(p, 'maxUnavailable')));
    causes.push(...validateIntOrPercent(rolling.maxSurge, at(p, 'maxSurge')));
    if (isZero(rolling.maxUnavailable) && isZero(rolling.maxSurge)) {
      causes.push(
        invalid(at(p, 'maxUnavailable'), rolling.maxUnavailable, 'may not be 0 when `maxSurge` is 0'),
      );
    }
  }
  return causes;
}

export const workloadValidators: Record<string, (obj: Obj) => FieldCause[]> = {
  deployments(d) {
    const spec = d.spec ?? {};
    const causes = [
      ...nonNegative('spec.replicas', spec.replicas),
      ...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit),
    ];
    causes.push(...nonNegative('spec.minReadySeconds', spec.minReadySeconds));
    causes.push(...validateSelectorAndTemplate(spec, 'deployment', ALWAYS));
    causes.push(...validateDeploymentStrategy(spec.strategy));
    if (spec.progressDeadlineSeconds != null && spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      causes.push(
        invalid(
          'spec.progressDeadlineSeconds',
          spec.progressDeadlineSeconds,
          'must be greater than minReadySeconds',
        ),
      );
    }
    return causes;
  },
  replicasets: (rs) => [
    ...nonNegative('spec.replicas', rs.spec?.replicas),
    ...validateSelectorAndTemplate(rs.spec ?? {}, 'replicaset', ALWAYS),
  ],
  daemonsets: (ds) => validateSelectorAndTemplate(ds.spec ?? {}, 'daemonset', ALWAYS),
  statefulsets: (sts) => [
    ...nonNegative('spec.replicas', sts.spec?.replicas),
    ...validateSelectorAndTemplate(sts.spec ?? {}, 'statefulset', ALWAYS),
  ],
  replicationcontrollers(rc) {
    const spec = rc.spec ?? {};
    const causes = nonNegative('spec.replicas', spec.replicas);
    const selector: Obj = spec.selector ?? {};
    if (!Object.keys(selector).length) causes.push(required('spec.selector'));
    else causes.push(...validateLabels(selector, 'spec.selector'));
    const labels: Obj = spec.template?.metadata?.labels ?? {};
    if (Object.keys(selector).length && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
      causes.push(invalid('spec.template.metadata.labels', labels, NO_MATCH));
    }
    causes.push(...validateTemplate(spec.template, ALWAYS));
    return causes;
  },
  jobs: (job) => validateJobSpec(job.spec ?? {}),
  cronjobs(cj) {
    const spec = cj.spec ?? {};
    const causes: FieldCause[] = [];
    if (!spec.schedule) causes.push(required('spec.schedule'));
    else if (!isCronSchedule(spec.schedule))
      causes.push(invalid('spec.schedule', spec.schedule, 'unparseable schedule'));
    const policies = ['Allow', 'Forbid', 'Replace'];
    if (spec.concurrencyPolicy && !policies.includes(spec.concurrencyPolicy))
      causes.push(notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, policies));
    causes.push(...nonNegative('spec.successfulJobsHistoryLimit', spec.successfulJobsHistoryLimit));
    causes.push(...nonNegative('spec.failedJobsHistoryLimit', spec.failedJobsHistoryLimit));
    const template = spec.jobTemplate?.spec?.template;
    if (!template) causes.push(required('spec.jobTemplate.spec.template'));
    else causes.push(...prefixed(validateTemplate(template, JOB_RESTART), 'spec.', 'spec.jobTemplate.spec.'));
    return causes;
  },
};

const JOB_RESTART = ['OnFailure', 'Never'];

function validateJobSpec(spec: Obj): FieldCause[] {
  const causes = [
    ...nonNegative('spec.parallelism', spec.parallelism),
    ...nonNegative('spec.completions', spec.completions),
    ...nonNegative('spec.backoffLimit', spec.backoffLimit),
  ];
  // The selector is generated from the uid unless manualSelector; either way it must match.
  if (spec.selector) causes.push(...validateSelectorAndTemplate(spec, 'job', JOB_RESTART));
  else causes.push(...validateTemplate(spec.template, JOB_RESTART));
  const modes = ['Indexed', 'NonIndexed'];
  if (spec.completionMode && !modes.includes(spec.completionMode))
    causes.push(notSupported('spec.completionMode', spec.completionMode, modes));
  return causes;
}

function prefixed(causes: FieldCause[], from: string, to: string): FieldCause[] {
  return causes.map((c) => ({
    ...c,
    field: c.field.startsWith(from) ? to + c.field.slice(from.length) : c.field,
  }));
}

/** Five cron fields or a macro; the cronjob controller does the real parsing. */
function isCronSchedule(s: string): boolean {
  const text = s.replace(/^(CRON_)?TZ=\S+\s+/, '').trim();
  if (/^@(yearly|annually|monthly|weekly|daily|midnight|hourly|every\s+\S+)$/.test(text)) return true;
  const fields = text.split(/\s+/);
  return fields.length === 5 && fields.every((f) => /^[\d*?/,\-A-Za-z]+$/.test(f));
}

const STS_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
  'revisionHistoryLimit',
];

/** Fields fixed at creation (ValidateDeploymentUpdate, ValidateStatefulSetUpdate, ValidateJobUpdate…). */
export const workloadUpdateValidators: Record<string, (next: Obj, old: Obj) => FieldCause[]> = {
  deployments: selectorImmutable,
  replicasets: selectorImmutable,
  daemonsets: selectorImmutable,
  statefulsets(next, old) {
    const strip = (spec: Obj | undefined) =>
      Object.fromEntries(Object.entries(spec ?? {}).filter(([k]) => !STS_MUTABLE.includes(k)));
    if (jsonEqual(strip(next.spec), strip(old.spec))) return [];
    return [
      forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    ];
  },
  jobs(next, old) {
    const causes = selectorImmutable(next, old);
    // Upstream lets a suspended job's template change (mutable scheduling directives); not a running one.
    if (!old.spec?.suspend && !jsonEqual(next.spec?.template, old.spec?.template))
      causes.push(immutable('spec.template', next.spec?.template));
    if (old.spec?.completionMode !== 'Indexed' && !jsonEqual(next.spec?.completions, old.spec?.completions)) {
      causes.push(immutable('spec.completions', next.spec?.completions ?? null));
    }
    return causes;
  },
};

function selectorImmutable(next: Obj, old: Obj): FieldCause[] {
  if (jsonEqual(next.spec?.selector, old.spec?.selector)) return [];
  return [immutable('spec.selector', next.spec?.selector ?? null)];
}
