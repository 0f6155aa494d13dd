// Field selectors (apimachinery pkg/fields/selector.go) and the fields each resource exposes to
// them (the `ToSelectableFields`/`GetAttrs` functions in pkg/registry/<group>/<resource>/strategy.go).
//
// `?fieldSelector=spec.nodeName=node-1,status.phase!=Succeeded` is a comma-separated AND of
// `field=value`, `field==value` or `field!=value`. Values may be empty (`spec.nodeName=` selects
// unscheduled pods), and `\,` `\=` `\\` escape the separators inside a value.

import { badRequest } from './errors';
import type { KubeObject } from './types';

export interface FieldRequirement {
  field: string;
  operator: 'Equals' | 'NotEquals';
  value: string;
}

/** Split on unescaped commas, keeping escapes for the value unescaper. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

/** The first unescaped `!=`, `==` or `=` splits field from value (checked in that order). */
function splitTerm(term: string): FieldRequirement | undefined {
  for (let i = 0; i < term.length; i++) {
    if (term[i] === '\\') {
      i++;
      continue;
    }
    for (const [op, operator] of [
      ['!=', 'NotEquals'],
      ['==', 'Equals'],
      ['=', 'Equals'],
    ] as const) {
      if (term.startsWith(op, i)) {
        return { field: term.slice(0, i), operator, value: term.slice(i + op.length) };
      }
    }
  }
  return undefined;
}

/** `a\,b` → `a,b`; a bare `,` or `=` or a dangling `\` is an error, as upstream's UnescapeValue. */
function unescapeValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\') {
      const next = value[i + 1];
      if (next !== '\\' && next !== ',' && next !== '=')
        throw new Error(`invalid field selector: invalid escape sequence: ${value.slice(i, i + 2)}`);
      out += next;
      i++;
    } else if (ch === ',' || ch === '=') {
      throw new Error(`invalid field selector: unescaped ${ch} in value: ${value}`);
    } else {
      out += ch;
    }
  }
  return out;
}

/** Parse `?fieldSelector=` text. Empty text selects everything. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  for (const term of splitTerms(text)) {
    if (term === '') continue;
    const req = splitTerm(term);
    if (!req || req.field === '') throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    try {
      reqs.push({ ...req, value: unescapeValue(req.value) });
    } catch (err) {
      throw badRequest((err as Error).message);
    }
  }
  return reqs;
}

/** Does every requirement hold? A field the set lacks counts as the empty string. */
export function matchesFields(reqs: FieldRequirement[], fields: Record<string, string>): boolean {
  return reqs.every((r) => {
    const have = Object.hasOwn(fields, r.field) ? fields[r.field] : '';
    return r.operator === 'Equals' ? have === r.value : have !== r.value;
  });
}

export function fieldSelectorToString(reqs: FieldRequirement[]): string {
  const esc = (v: string) => v.replace(/[\\,=]/g, (c) => `\\${c}`);
  return reqs.map((r) => `${r.field}${r.operator === 'Equals' ? '=' : '!='}${esc(r.value)}`).join(',');
}

type Obj = Record<string, any>;
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** The extra fields each resource exposes, beyond metadata.name and metadata.namespace. */
const specificFields: Record<string, (o: Obj) => Record<string, string>> = {
  pods: (o) => ({
    'spec.nodeName': str(o.spec?.nodeName),
    'spec.restartPolicy': str(o.spec?.restartPolicy),
    'spec.schedulerName': str(o.spec?.schedulerName),
    'spec.serviceAccountName': str(o.spec?.serviceAccountName),
    'spec.hostNetwork': String(o.spec?.hostNetwork === true),
    'status.phase': str(o.status?.phase),
    // upstream exposes the first pod IP only
    'status.podIP': str(o.status?.podIPs?.[0]?.ip ?? o.status?.podIP),
    'status.nominatedNodeName': str(o.status?.nominatedNodeName),
  }),
  events: (o) => ({
    'involvedObject.kind': str(o.involvedObject?.kind),
    'involvedObject.namespace': str(o.involvedObject?.namespace),
    'involvedObject.name': str(o.involvedObject?.name),
    'involvedObject.uid': str(o.involvedObject?.uid),
    'involvedObject.apiVersion': str(o.involvedObject?.apiVersion),
    'involvedObject.resourceVersion': str(o.involvedObject?.resourceVersion),
    'involvedObject.fieldPath': str(o.involvedObject?.fieldPath),
    reason: str(o.reason),
    reportingComponent: str(o.reportingComponent),
    // `source` is source.component, falling back to the events.k8s.io reporting controller
    source: str(o.source?.component || o.reportingComponent),
    type: str(o.type),
  }),
  secrets: (o) => ({ type: str(o.type) }),
  nodes: (o) => ({ 'spec.unschedulable': String(o.spec?.unschedulable === true) }),
  namespaces: (o) => ({ 'status.phase': str(o.status?.phase) }),
  replicasets: (o) => ({ 'status.replicas': String(o.status?.replicas ?? 0) }),
  replicationcontrollers: (o) => ({ 'status.replicas': String(o.status?.replicas ?? 0) }),
  jobs: (o) => ({ 'status.successful': String(o.status?.succeeded ?? 0) }),
  services: (o) => ({ 'spec.clusterIP': str(o.spec?.clusterIP), 'spec.type': str(o.spec?.type) }),
};

/** The field set a field selector is matched against, for one object of one resource. */
export function fieldsOf(resource: string, obj: KubeObject): Record<string, string> {
  const meta = {
    'metadata.name': str(obj.metadata?.name),
    'metadata.namespace': str(obj.metadata?.namespace),
  };
  const extra = specificFields[resource];
  return extra ? { ...meta, ...extra(obj as Obj) } : meta;
}

/** The field names a resource supports in selectors. */
export function supportedFields(resource: string): string[] {
  return Object.keys(fieldsOf(resource, {}));
}

/** Reject selectors on fields the resource does not index: 400 `field label not supported: x`. */
export function validateFieldSelector(resource: string, reqs: FieldRequirement[]): void {
  const known = new Set(supportedFields(resource));
  for (const r of reqs) {
    if (!known.has(r.field)) throw badRequest(`field label not supported: ${r.field}`);
  }
}
