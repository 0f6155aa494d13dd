// The pod that recycles a Released volume (upstream's "basic scrub", NewPersistentVolumeRecyclerPodTemplate):
// it mounts the volume at /scrub and removes everything in it, hidden files too, then checks
// that nothing is left. The controller waits for it to succeed before the volume is Available
// again. Recycle is deprecated upstream in favour of dynamic provisioning, but seed 003 uses it.
import type { PersistentVolume, Pod, Volume } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../../api/types';

/** Label naming the volume a recycler pod works for (how its events find the volume). */
export const RECYCLER_LABEL = 'nodekube.io/recycler-for';
/** The image the recycler runs: the seeds' busybox, loaded on every node by `nodekube up`. */
export const RECYCLER_IMAGE = 'busybox';

const SCRUB =
  'test -e /scrub && rm -rf /scrub/..?* /scrub/.[!.]* /scrub/* && test -z "$(ls -A /scrub)" || exit 1';

/** `default/recycler-for-<volume>`: the informer key of a volume's recycler pod. */
export const recyclerPodKey = (volume: string) => `default/recycler-for-${volume}`;

export function recyclerPod(pv: PersistentVolume): Pod & KubeObject {
  const name = pv.metadata?.name ?? '';
  const source: Volume = pv.spec?.nfs
    ? { name: 'vol', nfs: pv.spec.nfs }
    : { name: 'vol', hostPath: { path: pv.spec?.hostPath?.path ?? pv.spec?.local?.path ?? '' } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `recycler-for-${name}`, namespace: 'default', labels: { [RECYCLER_LABEL]: name } },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: 60,
      // A local volume lives on one node: recycle it there.
      ...(pv.spec?.local && pv.spec.nodeAffinity?.required
        ? {
            affinity: {
              nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: pv.spec.nodeAffinity.required },
            },
          }
        : {}),
      volumes: [source],
      containers: [
        {
          name: 'pv-recycler',
          image: RECYCLER_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: ['/bin/sh', '-c', SCRUB],
          volumeMounts: [{ name: 'vol', mountPath: '/scrub' }],
        },
      ],
    },
  };
}
