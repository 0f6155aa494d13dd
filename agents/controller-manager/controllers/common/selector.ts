// Label selectors as the workload controllers use them, over the one matcher in
// agents/api/selectors.ts. Two controller-specific rules sit on top: a missing selector on a
// workload selects nothing (upstream's labels.Nothing()), and an invalid one selects nothing
// rather than failing every sync (the apiserver's validation should have refused it).

import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fromLabelSelector, labelSelectorToString, matchesLabels } from '../../../api/selectors';

type Labels = Readonly<Record<string, string>> | undefined;

export function selectorMatches(sel: LabelSelector | undefined, labels: Labels): boolean {
  if (!sel) return false;
  try {
    return matchesLabels(fromLabelSelector(sel), labels as Record<string, string> | undefined);
  } catch {
    return false;
  }
}

/** A map selector (`spec.selector` of RCs and Services): an empty map selects nothing here. */
export function mapSelectorMatches(sel: Labels, labels: Labels): boolean {
  if (!sel || Object.keys(sel).length === 0) return false;
  return selectorMatches({ matchLabels: { ...sel } }, labels);
}

export function selectorIsEmpty(sel: LabelSelector | undefined): boolean {
  return (
    !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)
  );
}

/** `app=web,tier in (fe)`: for listing through the API. */
export function selectorString(sel: LabelSelector | undefined): string {
  return sel ? labelSelectorToString(sel) : '';
}
