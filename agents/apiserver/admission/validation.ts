// Validation: the last admission step before a write (kubernetes pkg/apis/*/validation). It takes
// the defaulted object, and on update the stored one, and returns every problem as a FieldCause;
// the registry turns a non-empty list into 422 Invalid:
//
//   The Service "Web" is invalid: metadata.name: Invalid value: "Web": a DNS-1035 label must …
//
// validate is pure and reports everything it finds at once, as upstream does, so a user fixes a
// manifest in one round. Per-kind rules live beside this file: validation-meta (names, labels,
// selectors), validation-pod (pod specs and pod updates), validation-workloads (controllers).
// NodePort range and ClusterIP range checks need the apiserver's flags and are its job.

import type { FieldCause } from '../../api/errors';
import { isDNS1123Label, isDNS1123Subdomain } from '../../api/names';
import type { ResourceInfo } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import { autoscalingValidators } from './autoscaling';
import {
  at,
  duplicate,
  forbidden,
  idx,
  immutable,
  invalid,
  invalidEach,
  isPort,
  key,
  notSupported,
  PORT_RANGE,
  portNameErrors,
  required,
  tooLong,
} from './field-errors';
import { storageUpdateValidators, storageValidators } from './storage';
import { validateLabels, validateObjectMeta } from './validation-meta';
import { PROTOCOLS, validatePodSpec, validatePodSpecUpdate } from './validation-pod';
import { workloadUpdateValidators, workloadValidators } from './validation-workloads';

type Obj = Record<string, any>;

export function validate(r: ResourceInfo, obj: KubeObject, old?: KubeObject): FieldCause[] {
  const o = obj as Obj;
  const causes = validateObjectMeta(r, o.metadata);
  causes.push(...(kindValidators[r.resource]?.(o) ?? []));
  if (old) causes.push(...(updateValidators[r.resource]?.(o, old as Obj) ?? []));
  return causes;
}

const kindValidators: Record<string, (obj: Obj) => FieldCause[]> = {
  ...workloadValidators,
  ...storageValidators,
  ...autoscalingValidators,
  pods: (pod) => validatePodSpec(pod.spec, 'spec'),
  services: validateService,
  configmaps: (cm) => validateConfigData(cm),
  secrets: validateSecret,
};

const updateValidators: Record<string, (next: Obj, old: Obj) => FieldCause[]> = {
  ...workloadUpdateValidators,
  ...storageUpdateValidators,
  pods: (next, old) => validatePodSpecUpdate(next.spec, old.spec),
  services: validateServiceUpdate,
  secrets: (next, old) => (next.type !== old.type ? [immutable('type', next.type)] : []),
};

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const AFFINITIES = ['ClientIP', 'None'];

function validateService(svc: Obj): FieldCause[] {
  const spec: Obj = svc.spec ?? {};
  const causes: FieldCause[] = [];
  const type = spec.type ?? 'ClusterIP';
  if (!SERVICE_TYPES.includes(type)) causes.push(notSupported('spec.type', type, SERVICE_TYPES));
  if (spec.sessionAffinity && !AFFINITIES.includes(spec.sessionAffinity))
    causes.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, AFFINITIES));
  const headless = spec.clusterIP === 'None';
  const ports: Obj[] = spec.ports ?? [];
  if (type === 'ExternalName') {
    if (!spec.externalName) causes.push(required('spec.externalName'));
    else
      causes.push(
        ...invalidEach('spec.externalName', spec.externalName, isDNS1123Subdomain(spec.externalName)),
      );
  } else if (ports.length === 0 && !headless) {
    causes.push(required('spec.ports'));
  }
  const names = new Set<string>();
  causes.push(
    ...ports.flatMap((p, i) => validateServicePort(p, idx('spec.ports', i), ports.length > 1, names, type)),
  );
  causes.push(...validateLabels(spec.selector, 'spec.selector'));
  return causes;
}

function validateServicePort(
  p: Obj,
  path: string,
  named: boolean,
  names: Set<string>,
  type: string,
): FieldCause[] {
  const causes: FieldCause[] = [];
  if (named && !p.name) causes.push(required(at(path, 'name')));
  if (p.name) {
    if (names.has(p.name)) causes.push(duplicate(at(path, 'name'), p.name));
    else causes.push(...invalidEach(at(path, 'name'), p.name, isDNS1123Label(p.name)));
    names.add(p.name);
  }
  if (!isPort(p.port)) causes.push(invalid(at(path, 'port'), p.port ?? 0, PORT_RANGE));
  if (p.protocol && !PROTOCOLS.includes(p.protocol))
    causes.push(notSupported(at(path, 'protocol'), p.protocol, PROTOCOLS));
  const target = p.targetPort;
  if (typeof target === 'number' && !isPort(target))
    causes.push(invalid(at(path, 'targetPort'), target, PORT_RANGE));
  if (typeof target === 'string')
    causes.push(...invalidEach(at(path, 'targetPort'), target, portNameErrors(target)));
  if (p.nodePort != null && p.nodePort !== 0) {
    if (type === 'ClusterIP' || type === 'ExternalName')
      causes.push(forbidden(at(path, 'nodePort'), `may not be used when \`type\` is '${type}'`));
    else if (!isPort(p.nodePort)) causes.push(invalid(at(path, 'nodePort'), p.nodePort, PORT_RANGE));
  }
  return causes;
}

/**
 * A set ClusterIP stays. An update that leaves it empty keeps the allocated one (upstream's
 * patchAllocatedValues; here the allocator carries it over), so only a different value is wrong.
 */
function validateServiceUpdate(next: Obj, old: Obj): FieldCause[] {
  const was = old.spec?.clusterIP;
  const now = next.spec?.clusterIP;
  const switchingToExternalName = next.spec?.type === 'ExternalName';
  if (was && now && was !== now && !switchingToExternalName) return [immutable('spec.clusterIP', now)];
  return [];
}

const CONFIG_KEY = '[-._a-zA-Z0-9]+';
const CONFIG_SIZE_LIMIT = 1024 * 1024;

/** ConfigMap and Secret keys (IsConfigMapKey), no key in both maps, at most 1 MiB in total. */
function validateConfigData(obj: Obj, maps: string[] = ['data', 'binaryData']): FieldCause[] {
  const causes: FieldCause[] = [];
  const seen = new Set<string>();
  let size = 0;
  for (const m of maps) {
    for (const [k, v] of Object.entries((obj[m] ?? {}) as Obj)) {
      const p = key(m, k);
      if (k.length > 253 || !new RegExp(`^${CONFIG_KEY}$`).test(k) || k === '.' || k === '..') {
        causes.push(
          invalid(
            p,
            k,
            `a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '${CONFIG_KEY}')`,
          ),
        );
      }
      if (seen.has(k)) causes.push(duplicate(p, k));
      seen.add(k);
      size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
    }
  }
  if (size > CONFIG_SIZE_LIMIT) causes.push(tooLong(maps[0], CONFIG_SIZE_LIMIT));
  return causes;
}

/** Keys each built-in secret type must carry (core/v1 types.go). */
const SECRET_REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/basic-auth': [],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

function validateSecret(secret: Obj): FieldCause[] {
  const causes = validateConfigData(secret, ['data', 'stringData']);
  const present = { ...(secret.data ?? {}), ...(secret.stringData ?? {}) };
  for (const k of SECRET_REQUIRED_KEYS[secret.type] ?? [])
    if (!(k in present)) causes.push(required(key('data', k)));
  return causes;
}
