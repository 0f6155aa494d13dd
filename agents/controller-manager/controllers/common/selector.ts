// Label selectors as the workload controllers use them, over the one matcher in
// agents/api/selectors.ts. Two controller-specific rules sit on top: a missing selector on a
// workload selects nothing (upstream's labels.Nothing()), and an invalid one selects nothing
// rather than failing every sync (the apiserver's validation should have refused it).

import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fromLabelSelector, labelSelectorToString, matchesLabels } from '../../../api/selectors';

type Labels = Readonly<Record<string, string>> | undefined;

export function selectorMatches(sel: LabelSelector | undefined, labels: Labels): boolean {
  return compileSelector(sel)(labels);
}

/** Parse once, match many: a sync that checks every pod in a namespace compiles its selector once. */
export function compileSelector(sel: LabelSelector | undefined): (labels: Labels) => boolean {
  if (!sel) return () => false;
  let reqs: ReturnType<typeof fromLabelSelector>;
  try {
    reqs = fromLabelSelector(sel);
  } catch {
    return () => false;
  }
  return (labels) => matchesLabels(reqs, labels as Record<string, string> | undefined);
}

/** A map selector (`spec.selector` of RCs and Services): an empty map selects nothing here. */
export function mapSelectorMatches(sel: Labels, labels: Labels): boolean {
  return compileMapSelector(sel)(labels);
}

export function compileMapSelector(sel: Labels): (labels: Labels) => boolean {
  if (!sel || Object.keys(sel).length === 0) return () => false;
  return compileSelector({ matchLabels: { ...sel } });
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
