import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types';
import { nodeTokenRequestProblem } from './node-restriction';

const web: KubeObject = {
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'demo', uid: 'u1' },
  spec: { nodeName: 'n1' },
};
const ref = { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'u1' };

describe('nodeTokenRequestProblem (NodeRestriction for TokenRequest)', () => {
  it.each([
    ['a token bound to a pod on the node', ref, web, undefined],
    ['no binding at all', undefined, undefined, 'node requested token not bound to a pod'],
    [
      'a binding to a Secret',
      { ...ref, kind: 'Secret' },
      undefined,
      'node requested token not bound to a pod',
    ],
    [
      'a pod binding without uid',
      { ...ref, uid: '' },
      web,
      'node requested token with a pod binding without a uid',
    ],
    [
      'a stale uid',
      { ...ref, uid: 'u0' },
      web,
      'the UID in the bound object reference (u0) does not match the UID in record. The object might have been deleted and then recreated',
    ],
    [
      "another node's pod",
      ref,
      { ...web, spec: { nodeName: 'n2' } },
      'node requested token bound to a pod scheduled on a different node',
    ],
  ])('%s', (_n, r, pod, want) => expect(nodeTokenRequestProblem('n1', r, pod)).toBe(want));
});
