// --authorization-mode: a chain of authorizers asked in order (upstream: authorizer/union). The
// first allow or deny decides; if all have no opinion the request is forbidden. system:masters
// is allowed before the chain, as upstream's privileged-group authorizer does.
//
//   --authorization-mode=AlwaysAllow   (default: every authenticated request passes)
//   --authorization-mode=Node,RBAC     (kubelets by the Node authorizer, everyone else by RBAC)

import type { Attributes } from './attributes';
import { authorizeNode, type NodeGraph } from './node-authorizer';
import { authorizeRbac, type Decision, type RbacPolicy } from './rbac';
import { SYSTEM_MASTERS } from './user';

export type AuthorizationMode = 'AlwaysAllow' | 'AlwaysDeny' | 'RBAC' | 'Node';
const MODES: AuthorizationMode[] = ['AlwaysAllow', 'AlwaysDeny', 'RBAC', 'Node'];

export function parseAuthorizationModes(flag: string): AuthorizationMode[] {
  const modes = flag
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  for (const m of modes)
    if (!MODES.includes(m as AuthorizationMode))
      throw new Error(`--authorization-mode: unknown mode "${m}" (want ${MODES.join(', ')})`);
  if (!modes.length) throw new Error('--authorization-mode: at least one mode is required');
  return modes as AuthorizationMode[];
}

export interface PolicySource {
  rbac(): RbacPolicy;
  nodes: NodeGraph;
}

export type Authorize = (a: Attributes) => Decision;

export function authorizerChain(modes: AuthorizationMode[], source: PolicySource): Authorize {
  return (a) => {
    if (a.user.groups.includes(SYSTEM_MASTERS)) return { decision: 'allow', reason: 'system:masters' };
    const reasons: string[] = [];
    for (const m of modes) {
      const d = decide(m, a, source);
      if (d.decision !== 'noopinion') return d;
      if (d.reason) reasons.push(d.reason);
    }
    return { decision: 'noopinion', reason: reasons.join('; ') };
  };
}

function decide(mode: AuthorizationMode, a: Attributes, source: PolicySource): Decision {
  switch (mode) {
    case 'AlwaysAllow':
      return { decision: 'allow', reason: '' };
    case 'AlwaysDeny':
      return { decision: 'deny', reason: 'Everything is forbidden.' };
    case 'RBAC':
      return authorizeRbac(a, source.rbac());
    case 'Node':
      return authorizeNode(a, source.nodes);
  }
}
