// The parts of the apiserver that live in their own folders, wired in one place: admission
// (defaults, validation), patches, Table printing, and the kubelet proxy.

import type { ResourceInfo } from '../api/resources';
import type { KubeObject } from '../api/types';
import type { KubeletProxy } from './handlers';
import { applyPatch } from './patch/index';
import type { AdmissionHooks } from './registry/hooks';

export { toTable } from './tables/index';

export interface AdmissionFlags {
  defaultNotReadyTolerationSeconds: number;
  defaultUnreachableTolerationSeconds: number;
}

export function admissionHooks(_flags: AdmissionFlags): AdmissionHooks {
  return {
    defaults: (_r: ResourceInfo, obj: KubeObject) => obj,
    validate: () => [],
    applyPatch,
  };
}

export function kubeletProxy(): KubeletProxy | undefined {
  return undefined;
}
