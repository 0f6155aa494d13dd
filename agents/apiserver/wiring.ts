// The parts of the apiserver that live in their own folders, wired in one place: admission
// (defaults, validation), patches, Table printing, and the kubelet proxy.

import type { ResourceInfo } from '../api/resources';
import type { KubeObject } from '../api/types';
import { applyDefaults } from './admission/defaults';
import { validate } from './admission/validation';
import type { ProtobufCodec } from './body';
import { decodeProtobufObject, isProtobufContentType } from './protobuf/index';
import type { KubeletProxy } from './handlers';
import { applyPatch } from './patch/index';
import type { AdmissionHooks } from './registry/hooks';

export { toTable } from './tables/index';

export interface AdmissionFlags {
  defaultNotReadyTolerationSeconds: number;
  defaultUnreachableTolerationSeconds: number;
}

export function admissionHooks(flags: AdmissionFlags): AdmissionHooks {
  const opts = { notReadyTolerationSeconds: flags.defaultNotReadyTolerationSeconds, unreachableTolerationSeconds: flags.defaultUnreachableTolerationSeconds };
  return {
    defaults: (r: ResourceInfo, obj: KubeObject) => applyDefaults(r, obj, opts),
    validate,
    applyPatch,
  };
}

export function kubeletProxy(): KubeletProxy | undefined {
  return undefined;
}

export const protobuf: ProtobufCodec = {
  isProtobufContentType,
  decodeProtobufObject: (buf) => decodeProtobufObject(buf),
};
