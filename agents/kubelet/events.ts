// The kubelet's events (Pulling, Pulled, Created, Started, Killing, BackOff, Unhealthy …) go
// through the shared EventRecorder; this narrows it to the typed objects the kubelet holds.

import type { Node, Pod } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../api/types';
import type { EventRecorder } from '../client/types';

export interface KubeletEvents {
  event(obj: Pod | Node, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export function kubeletEvents(recorder: EventRecorder): KubeletEvents {
  return {
    event: (obj, type, reason, message) =>
      recorder.event(obj as unknown as KubeObject, type, reason, message),
  };
}

/** For tests and tools that do not record events. */
export const noEvents: KubeletEvents = { event: () => undefined };
