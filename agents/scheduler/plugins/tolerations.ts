// Does a toleration tolerate a taint? (api/core/v1 toleration.go ToleratesTaint)
//   - an empty effect tolerates every effect; otherwise effects must be equal;
//   - an empty key with operator Exists tolerates every key; otherwise keys must be equal;
//   - operator Exists ignores the value; Equal (the default) needs the same value.

import type { Taint, Toleration } from 'kubernetes-types/core/v1';

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

export function isTolerated(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** How upstream prints a taint in reasons: `{node.kubernetes.io/not-ready: }`. */
export const taintText = (taint: Taint) => `{${taint.key}: ${taint.value ?? ''}}`;
