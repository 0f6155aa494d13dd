// The parts of the apiserver that live in their own folders, wired in one place: admission
// (defaults, validation), patches, Table printing, and the kubelet proxy.

import { unsupportedMediaType } from '../api/errors';
import type { ResourceInfo } from '../api/resources';
import type { KubeObject } from '../api/types';
import type { KubeletProxy } from './handlers';
import { applyJsonPatch, decodeJsonPatch, type Json } from './patch/json-patch';
import { mergePatch } from './patch/merge-patch';
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
    applyPatch(contentType: string, original: KubeObject, body: string): KubeObject {
      const parsed = JSON.parse(body) as Json;
      if (contentType === 'application/json-patch+json') return applyJsonPatch(original as Json, decodeJsonPatch(parsed)) as KubeObject;
      if (contentType === 'application/merge-patch+json' || contentType === 'application/strategic-merge-patch+json') {
        return mergePatch(original as Json, parsed) as KubeObject;
      }
      throw unsupportedMediaType(contentType);
    },
  };
}

export function kubeletProxy(): KubeletProxy | undefined {
  return undefined;
}
