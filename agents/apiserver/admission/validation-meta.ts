// ObjectMeta, labels and label selectors (apimachinery pkg/api/validation/objectmeta.go and
// pkg/apis/meta/v1/validation/validation.go).

import type { FieldCause } from '../../api/errors';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
} from '../../api/names';
import type { ResourceInfo } from '../../api/resources';
import { at, forbidden, idx, invalid, invalidEach, required, tooLong } from './field-errors';

type Obj = Record<string, any>;

/** Upstream's TotalAnnotationSizeLimitB: 256 KiB of keys and values together. */
export const ANNOTATIONS_SIZE_LIMIT = 256 * 1024;

/**
 * The name rule per resource: namespaces are DNS labels, services DNS-1035 labels (they become
 * DNS names and environment variables), RBAC objects path segments, everything else DNS subdomains.
 */
export function nameRule(resource: string): (name: string) => string[] {
  if (resource === 'namespaces') return isDNS1123Label;
  if (resource === 'services') return isDNS1035Label;
  if (RBAC_RESOURCES.has(resource)) return isValidPathSegmentName;
  return isDNS1123Subdomain;
}

/** RBAC names are path segments (ValidateRBACName), so `system:node` and `system:kube-scheduler` are valid. */
const RBAC_RESOURCES = new Set(['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings']);

function isValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

/**
 * ValidateObjectMeta. An empty name is left to the registry, which reports
 * "name or generateName is required" once; so is namespace presence.
 */
export function validateObjectMeta(r: ResourceInfo, meta: Obj | undefined): FieldCause[] {
  const m = meta ?? {};
  const causes: FieldCause[] = [];
  if (m.name) causes.push(...invalidEach('metadata.name', m.name, nameRule(r.resource)(m.name)));
  if (r.namespaced && m.namespace)
    causes.push(...invalidEach('metadata.namespace', m.namespace, isDNS1123Label(m.namespace)));
  if (!r.namespaced && m.namespace) causes.push(forbidden('metadata.namespace', 'not allowed on this type'));
  causes.push(...validateLabels(m.labels, 'metadata.labels'));
  causes.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  (m.ownerReferences ?? []).forEach((ref: Obj, i: number) => {
    for (const f of ['apiVersion', 'kind', 'name', 'uid'])
      if (!ref[f]) causes.push(required(at(idx('metadata.ownerReferences', i), f)));
  });
  return causes;
}

/** ValidateLabels: keys are qualified names, values label values; both reported at the map's path. */
export function validateLabels(labels: Obj | undefined, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    causes.push(...invalidEach(path, k, isQualifiedName(k)));
    if (typeof v !== 'string') causes.push(invalid(path, v, 'label values must be strings'));
    else causes.push(...invalidEach(path, v, isValidLabelValue(v)));
  }
  return causes;
}

export function validateAnnotations(annotations: Obj | undefined, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    causes.push(...invalidEach(path, k, isQualifiedName(k.toLowerCase())));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (size > ANNOTATIONS_SIZE_LIMIT) causes.push(tooLong(path, ANNOTATIONS_SIZE_LIMIT));
  return causes;
}

/** metav1 ValidateLabelSelector: matchLabels as labels, matchExpressions operator by operator. */
export function validateLabelSelector(sel: Obj | undefined, path: string): FieldCause[] {
  if (!sel) return [];
  const causes = validateLabels(sel.matchLabels, at(path, 'matchLabels'));
  (sel.matchExpressions ?? []).forEach((e: Obj, i: number) => {
    const p = idx(at(path, 'matchExpressions'), i);
    const values: unknown[] = e.values ?? [];
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (values.length === 0)
        causes.push(required(at(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (values.length > 0)
        causes.push(
          forbidden(at(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
    } else {
      causes.push(invalid(at(p, 'operator'), e.operator ?? '', 'not a valid selector operator'));
    }
    causes.push(...invalidEach(at(p, 'key'), e.key ?? '', isQualifiedName(e.key ?? '')));
  });
  return causes;
}
