// Pod spec validation (kubernetes pkg/apis/core/validation/validation.go: ValidatePodSpec,
// validateContainers, validateVolumes, ValidatePodUpdate), for pods and for the pod templates of
// every workload. Only the rules nodekube's components rely on are here; see the report for gaps.

import type { FieldCause } from '../../api/errors';
import { isDNS1123Label } from '../../api/names';
import { cpuMillis, memoryBytes } from '../../api/quantity';
import { deepEqual } from '../patch/json-patch';
import {
  at,
  duplicate,
  forbidden,
  idx,
  invalid,
  invalidEach,
  isPort,
  notFound,
  notSupported,
  PORT_RANGE,
  portNameErrors,
  required,
} from './field-errors';
import { validateLabels } from './validation-meta';

type Obj = Record<string, any>;

/** Equal as JSON: key order and keys holding `undefined` do not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return deepEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null)));
}

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const ENV_NAME = '[-._a-zA-Z][-._a-zA-Z0-9]*';

export function validatePodSpec(spec: Obj | undefined, path: string): FieldCause[] {
  if (!spec || typeof spec !== 'object') return [required(path)];
  const causes: FieldCause[] = [];
  const volumes = validateVolumes(spec.volumes ?? [], at(path, 'volumes'), causes);
  if (!Array.isArray(spec.containers) || spec.containers.length === 0)
    causes.push(required(at(path, 'containers')));
  const names = new Set<string>();
  for (const [field, list] of [
    ['initContainers', spec.initContainers ?? []],
    ['containers', spec.containers ?? []],
  ] as const) {
    causes.push(
      ...list.flatMap((c: Obj, i: number) => validateContainer(c, idx(at(path, field), i), names, volumes)),
    );
  }
  causes.push(...validateLabels(spec.nodeSelector, at(path, 'nodeSelector')));
  if (spec.restartPolicy && !RESTART_POLICIES.includes(spec.restartPolicy))
    causes.push(notSupported(at(path, 'restartPolicy'), spec.restartPolicy, RESTART_POLICIES));
  if (spec.dnsPolicy && !DNS_POLICIES.includes(spec.dnsPolicy))
    causes.push(notSupported(at(path, 'dnsPolicy'), spec.dnsPolicy, DNS_POLICIES));
  if (spec.activeDeadlineSeconds != null && !(spec.activeDeadlineSeconds >= 1)) {
    causes.push(
      invalid(
        at(path, 'activeDeadlineSeconds'),
        spec.activeDeadlineSeconds,
        'must be between 1 and 2147483647, inclusive',
      ),
    );
  }
  causes.push(
    ...(spec.tolerations ?? []).flatMap((t: Obj, i: number) =>
      validateToleration(t, idx(at(path, 'tolerations'), i)),
    ),
  );
  return causes;
}

/** Volume names must be DNS labels and unique; returns the set for volumeMount checks. */
function validateVolumes(volumes: Obj[], path: string, causes: FieldCause[]): Set<string> {
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const p = at(idx(path, i), 'name');
    if (!v.name) causes.push(required(p));
    else if (names.has(v.name)) causes.push(duplicate(p, v.name));
    else causes.push(...invalidEach(p, v.name, isDNS1123Label(v.name)));
    if (v.name) names.add(v.name);
  });
  return names;
}

function validateContainer(c: Obj, path: string, names: Set<string>, volumes: Set<string>): FieldCause[] {
  const causes: FieldCause[] = [];
  const name = at(path, 'name');
  if (!c.name) causes.push(required(name));
  else if (names.has(c.name)) causes.push(duplicate(name, c.name));
  else causes.push(...invalidEach(name, c.name, isDNS1123Label(c.name)));
  if (c.name) names.add(c.name);
  if (!c.image || !String(c.image).trim()) causes.push(required(at(path, 'image')));
  if (c.imagePullPolicy && !PULL_POLICIES.includes(c.imagePullPolicy))
    causes.push(notSupported(at(path, 'imagePullPolicy'), c.imagePullPolicy, PULL_POLICIES));
  causes.push(
    ...(c.ports ?? []).flatMap((p: Obj, i: number) => validateContainerPort(p, idx(at(path, 'ports'), i))),
  );
  (c.env ?? []).forEach((e: Obj, i: number) => {
    const p = at(idx(at(path, 'env'), i), 'name');
    if (!e.name) causes.push(required(p));
    else if (!new RegExp(`^${ENV_NAME}$`).test(e.name)) {
      causes.push(
        invalid(
          p,
          e.name,
          `a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '${ENV_NAME}')`,
        ),
      );
    }
  });
  (c.volumeMounts ?? []).forEach((m: Obj, i: number) => {
    const p = idx(at(path, 'volumeMounts'), i);
    if (!m.name) causes.push(required(at(p, 'name')));
    else if (!volumes.has(m.name)) causes.push(notFound(at(p, 'name'), m.name));
    if (!m.mountPath) causes.push(required(at(p, 'mountPath')));
  });
  causes.push(...validateResources(c.resources, at(path, 'resources')));
  return causes;
}

function validateContainerPort(p: Obj, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (p.containerPort == null || p.containerPort === 0) causes.push(required(at(path, 'containerPort')));
  else if (!isPort(p.containerPort))
    causes.push(invalid(at(path, 'containerPort'), p.containerPort, PORT_RANGE));
  if (p.hostPort != null && p.hostPort !== 0 && !isPort(p.hostPort))
    causes.push(invalid(at(path, 'hostPort'), p.hostPort, PORT_RANGE));
  if (p.protocol && !PROTOCOLS.includes(p.protocol))
    causes.push(notSupported(at(path, 'protocol'), p.protocol, PROTOCOLS));
  if (p.name) causes.push(...invalidEach(at(path, 'name'), p.name, portNameErrors(p.name)));
  return causes;
}

/** Requests may not exceed limits (cpu and memory; other resources compared as plain numbers). */
function validateResources(resources: Obj | undefined, path: string): FieldCause[] {
  const requests = resources?.requests ?? {};
  const limits = resources?.limits ?? {};
  const causes: FieldCause[] = [];
  for (const [name, request] of Object.entries(requests)) {
    if (limits[name] === undefined) continue;
    const amount = name === 'cpu' ? cpuMillis : memoryBytes;
    try {
      if (amount(request as string) > amount(limits[name])) {
        causes.push(
          invalid(
            `${at(path, 'requests')}[${name}]`,
            request,
            `must be less than or equal to ${name} limit of ${limits[name]}`,
          ),
        );
      }
    } catch {
      causes.push(
        invalid(
          `${at(path, 'requests')}[${name}]`,
          request,
          "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        ),
      );
    }
  }
  return causes;
}

const TOLERATION_OPERATORS = ['Equal', 'Exists'];
const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];

function validateToleration(t: Obj, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  if (t.operator && !TOLERATION_OPERATORS.includes(t.operator))
    causes.push(notSupported(at(path, 'operator'), t.operator, TOLERATION_OPERATORS));
  if (t.operator === 'Exists' && t.value)
    causes.push(invalid(at(path, 'operator'), t.value, "value must be empty when `operator` is 'Exists'"));
  if (!t.key && t.operator !== 'Exists')
    causes.push(
      invalid(
        at(path, 'operator'),
        t.operator ?? '',
        'operator must be Exists when `key` is empty, which means "match all values and all keys"',
      ),
    );
  if (t.effect && !TAINT_EFFECTS.includes(t.effect))
    causes.push(notSupported(at(path, 'effect'), t.effect, TAINT_EFFECTS));
  if (t.tolerationSeconds != null && t.effect !== 'NoExecute') {
    causes.push(
      invalid(
        at(path, 'effect'),
        t.effect ?? '',
        "effect must be 'NoExecute' when `tolerationSeconds` is set",
      ),
    );
  }
  return causes;
}

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/**
 * ValidatePodUpdate: a running pod's spec is fixed, except images, a shorter deadline, added
 * tolerations, and (here, because pods/binding is an update) a nodeName set for the first time.
 */
export function validatePodSpecUpdate(next: Obj | undefined, old: Obj | undefined): FieldCause[] {
  const a = structuredClone(next ?? {});
  const b = old ?? {};
  for (const field of ['containers', 'initContainers']) {
    (a[field] ?? []).forEach((c: Obj, i: number) => {
      const before = b[field]?.[i];
      if (before && c) c.image = before.image;
    });
  }
  const causes: FieldCause[] = [];
  if (
    b.activeDeadlineSeconds != null &&
    (a.activeDeadlineSeconds == null || a.activeDeadlineSeconds > b.activeDeadlineSeconds)
  ) {
    causes.push(
      invalid(
        'spec.activeDeadlineSeconds',
        a.activeDeadlineSeconds ?? null,
        'must be less than or equal to previous value',
      ),
    );
  }
  a.activeDeadlineSeconds = b.activeDeadlineSeconds;
  const kept = (b.tolerations ?? []).every((t: Obj) =>
    (a.tolerations ?? []).some((n: Obj) => jsonEqual(n, t)),
  );
  if (kept) a.tolerations = b.tolerations;
  if (!b.nodeName) a.nodeName = b.nodeName;
  if (b.terminationGracePeriodSeconds < 0 && a.terminationGracePeriodSeconds === 1)
    a.terminationGracePeriodSeconds = b.terminationGracePeriodSeconds;
  if (!jsonEqual(a, b)) causes.push(forbidden('spec', POD_UPDATE_FORBIDDEN));
  return causes;
}
