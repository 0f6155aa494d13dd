// Label selectors as the workload controllers use them. A LabelSelector (`matchLabels` plus
// `matchExpressions`) and the older map selector of ReplicationControllers and Services both
// reduce to "every requirement holds for these labels".
// TODO(#3): delegate to agents/api/selectors.ts once it lands, so there is one matcher.

import type { LabelSelector } from 'kubernetes-types/meta/v1';

type Labels = Readonly<Record<string, string>> | undefined;

/** An absent selector matches nothing (upstream's labels.Nothing()); an empty one matches everything. */
export function selectorMatches(sel: LabelSelector | undefined, labels: Labels): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(l, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(l[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A map selector (`spec.selector` of RCs and Services): an empty map selects nothing here. */
export function mapSelectorMatches(sel: Labels, labels: Labels): boolean {
  if (!sel || Object.keys(sel).length === 0) return false;
  return selectorMatches({ matchLabels: { ...sel } }, labels);
}

export function selectorIsEmpty(sel: LabelSelector | undefined): boolean {
  return !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
}

/** `app=web,tier in (fe)` — for listing through the API. */
export function selectorString(sel: LabelSelector | undefined): string {
  if (!sel) return '';
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`);
  }
  return parts.join(',');
}
