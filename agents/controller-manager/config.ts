// The controller-manager's one typed configuration (STYLE 10), with upstream's flag names and
// defaults (kube-controller-manager --help): parsed once in index.ts, logged at start.

import { parseDuration, parseFlags } from '../api/flags';

export const defaultFlags = {
  /** Empty: --kubeconfig, else a pod's service account, else http://127.0.0.1:8080 (client/connection.ts). */
  master: '',
  kubeconfig: '',
  port: 10257,
  bindAddress: '0.0.0.0',
  leaderElect: true,
  leaderElectLeaseDuration: '15s',
  leaderElectRenewDeadline: '10s',
  leaderElectRetryPeriod: '2s',
  nodeMonitorPeriod: '5s',
  nodeMonitorGracePeriod: '40s',
  clusterCidr: '10.244.0.0/16',
  nodeCidrMaskSize: 24,
  allocateNodeCidrs: true,
  concurrentDeploymentSyncs: 5,
  concurrentReplicasetSyncs: 5,
  concurrentEndpointSyncs: 5,
  concurrentGcSyncs: 20,
  concurrentNamespaceSyncs: 10,
  concurrentJobSyncs: 5,
  concurrentDaemonsetSyncs: 2,
  concurrentStatefulsetSyncs: 5,
  kubeApiQps: 50,
  kubeApiBurst: 100,
  controllers: '*',
  /** The cluster CA the root-ca-cert-publisher puts in every namespace (empty: not published). */
  rootCaFile: '',
  // The horizontal pod autoscaler (controllers/podautoscaler/), upstream's flags and defaults.
  horizontalPodAutoscalerSyncPeriod: '15s',
  horizontalPodAutoscalerDownscaleStabilization: '5m0s',
  horizontalPodAutoscalerTolerance: 0.1,
  horizontalPodAutoscalerCpuInitializationPeriod: '5m0s',
  horizontalPodAutoscalerInitialReadinessDelay: '30s',
  concurrentHorizontalPodAutoscalerSyncs: 5,
  /** Where the local-path provisioner's volumes live on the nodes (one directory per volume). */
  localPathRoot: '/var/lib/nodekube/local-path',
};

export type Flags = typeof defaultFlags;

export interface ControllerManagerConfig {
  flags: Flags;
  nodeMonitorPeriodMs: number;
  nodeMonitorGracePeriodMs: number;
  enabled: (name: string) => boolean;
}

export function loadConfig(argv: string[]): ControllerManagerConfig {
  const flags = parseFlags(argv, defaultFlags);
  return configFromFlags(flags);
}

export function configFromFlags(flags: Flags): ControllerManagerConfig {
  // --controllers=*,-job,cronjob: '*' turns on the defaults, '-x' turns x off (upstream's syntax).
  const names = flags.controllers.split(',').map((s) => s.trim());
  const enabled = (name: string) =>
    !names.includes(`-${name}`) && (names.includes('*') || names.includes(name));
  return {
    flags,
    nodeMonitorPeriodMs: parseDuration(flags.nodeMonitorPeriod),
    nodeMonitorGracePeriodMs: parseDuration(flags.nodeMonitorGracePeriod),
    enabled,
  };
}
