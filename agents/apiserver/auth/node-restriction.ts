// What the Node authorizer cannot see because it never reads bodies: the TokenRequest a kubelet
// sends (upstream: plugin/pkg/admission/noderestriction, admitServiceAccount). The authorizer
// lets `system:node:n1` create `serviceaccounts/token` for accounts its pods run as; this check
// then insists the token is bound to one of those pods, so a node cannot mint free-standing
// tokens that outlive the pods it runs.
//
//   boundObjectRef {kind: Pod, apiVersion: v1, name: web, uid: u1}, pod web on n1, uid u1 → allowed
//   no boundObjectRef                                        → "node requested token not bound to a pod"
//   pod web on n2                                            → "… bound to a pod scheduled on a different node"
// Pure: the pod comes in as an argument.

import type { KubeObject } from '../../api/types';

export interface BoundObjectRef {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

/** Why node `node` may not have this token, or undefined when it may. `pod` is the live pod named by the ref. */
export function nodeTokenRequestProblem(
  node: string,
  ref: BoundObjectRef | undefined,
  pod: KubeObject | undefined,
): string | undefined {
  if (ref?.apiVersion !== 'v1' || ref.kind !== 'Pod' || !ref.name)
    return 'node requested token not bound to a pod';
  if (!ref.uid) return 'node requested token with a pod binding without a uid';
  if (!pod) return `pod "${ref.name}" not found`;
  if (pod.metadata?.uid !== ref.uid)
    return `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`;
  if ((pod.spec as { nodeName?: string } | undefined)?.nodeName !== node)
    return 'node requested token bound to a pod scheduled on a different node';
  return undefined;
}
