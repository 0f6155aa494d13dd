// The controllers this manager runs, by upstream's names (kube-controller-manager --controllers),
// each with the flag that sets its worker count. index.ts builds the ones --controllers enables.

import { readFileSync } from 'node:fs';
import { parseDuration } from '../api/flags';
import { createEventRecorder } from '../client';
import type { ControllerManagerConfig } from './config';
import type { Controller, ControllerContext } from './controller';
import { newCronJobController } from './controllers/cronjob/cronjob';
import { newDaemonSetController } from './controllers/daemonset/daemonset';
import { newDeploymentController } from './controllers/deployment/deployment';
import { newDisruptionController } from './controllers/disruption/disruption';
import { newEndpointsController } from './controllers/endpoints/endpoints';
import { newEndpointSliceController } from './controllers/endpoints/endpointslice';
import { newEndpointSliceMirroringController } from './controllers/endpointslicemirroring/endpointslice-mirroring';
import { newGarbageCollector } from './controllers/garbagecollector/garbage-collector';
import { newJobController } from './controllers/job/job';
import { newLocalPathProvisioner } from './controllers/localpath/provisioner';
import { newNamespaceController } from './controllers/namespace/namespace';
import { newNodeIpamController } from './controllers/nodeipam/node-ipam';
import { newNodeLifecycleController } from './controllers/nodelifecycle/node-lifecycle';
import { newHorizontalPodAutoscalerController } from './controllers/podautoscaler/horizontal';
import { newPodGcController } from './controllers/podgc/pod-gc';
import { replicaSetKind, replicationControllerKind } from './controllers/replicaset/kinds';
import { newReplicaSetController } from './controllers/replicaset/replica-set';
import { newRootCaPublisher } from './controllers/rootcacertpublisher/publisher';
import { newServiceAccountController } from './controllers/serviceaccount/serviceaccount';
import { newStatefulSetController } from './controllers/statefulset/statefulset';
import { newPersistentVolumeController } from './controllers/volume/persistent-volume';

export interface ControllerEntry {
  name: string;
  build(ctx: ControllerContext, config: ControllerManagerConfig): Controller;
}

export const controllerEntries: ControllerEntry[] = [
  {
    name: 'replicaset',
    build: (ctx, c) => newReplicaSetController(ctx, replicaSetKind, c.flags.concurrentReplicasetSyncs),
  },
  {
    name: 'replicationcontroller',
    build: (ctx, c) =>
      newReplicaSetController(ctx, replicationControllerKind, c.flags.concurrentReplicasetSyncs),
  },
  { name: 'deployment', build: (ctx, c) => newDeploymentController(ctx, c.flags.concurrentDeploymentSyncs) },
  { name: 'endpoint', build: (ctx, c) => newEndpointsController(ctx, c.flags.concurrentEndpointSyncs) },
  {
    name: 'endpointslice',
    build: (ctx, c) => newEndpointSliceController(ctx, c.flags.concurrentEndpointSyncs),
  },
  {
    name: 'endpointslicemirroring',
    build: (ctx, c) => newEndpointSliceMirroringController(ctx, c.flags.concurrentEndpointSyncs),
  },
  { name: 'nodelifecycle', build: (ctx) => newNodeLifecycleController(ctx) },
  {
    name: 'nodeipam',
    build: (ctx, c) => (c.flags.allocateNodeCidrs ? newNodeIpamController(ctx) : disabled('nodeipam', ctx)),
  },
  { name: 'garbagecollector', build: (ctx, c) => newGarbageCollector(ctx, c.flags.concurrentGcSyncs) },
  { name: 'namespace', build: (ctx, c) => newNamespaceController(ctx, c.flags.concurrentNamespaceSyncs) },
  { name: 'serviceaccount', build: (ctx) => newServiceAccountController(ctx) },
  {
    // Upstream falls back to the CA of its own kubeconfig; here only --root-ca-file turns it on.
    name: 'root-ca-cert-publisher',
    build: (ctx, c) =>
      c.flags.rootCaFile
        ? newRootCaPublisher(ctx, readFileSync(c.flags.rootCaFile, 'utf8'))
        : disabled('root-ca-cert-publisher', ctx),
  },
  { name: 'job', build: (ctx, c) => newJobController(ctx, c.flags.concurrentJobSyncs) },
  { name: 'daemonset', build: (ctx, c) => newDaemonSetController(ctx, c.flags.concurrentDaemonsetSyncs) },
  { name: 'cronjob', build: (ctx) => newCronJobController(ctx) },
  {
    name: 'statefulset',
    build: (ctx, c) => newStatefulSetController(ctx, c.flags.concurrentStatefulsetSyncs),
  },
  { name: 'disruption', build: (ctx) => newDisruptionController(ctx) },
  { name: 'podgc', build: (ctx) => newPodGcController(ctx) },
  { name: 'persistentvolume-binder', build: (ctx) => newPersistentVolumeController(ctx) },
  { name: 'local-path-provisioner', build: (ctx, c) => newLocalPathProvisioner(ctx, c.flags.localPathRoot) },
  {
    name: 'horizontalpodautoscaling',
    build: (ctx, c) =>
      newHorizontalPodAutoscalerController(
        // Its events say who scaled, as upstream's: `kubectl describe hpa` shows horizontal-pod-autoscaler.
        { ...ctx, recorder: createEventRecorder(ctx.client, { component: 'horizontal-pod-autoscaler' }) },
        {
          syncPeriodMs: parseDuration(c.flags.horizontalPodAutoscalerSyncPeriod),
          downscaleStabilizationMs: parseDuration(c.flags.horizontalPodAutoscalerDownscaleStabilization),
          tolerance: c.flags.horizontalPodAutoscalerTolerance,
          cpuInitializationPeriodMs: parseDuration(c.flags.horizontalPodAutoscalerCpuInitializationPeriod),
          delayOfInitialReadinessStatusMs: parseDuration(
            c.flags.horizontalPodAutoscalerInitialReadinessDelay,
          ),
        },
        undefined,
        c.flags.concurrentHorizontalPodAutoscalerSyncs,
      ),
  },
];

/** A controller switched off by a flag: no workers, nothing to sync. */
function disabled(name: string, ctx: ControllerContext): Controller {
  return { name, queue: ctx.queue, workers: 0, sync: async () => {} };
}
