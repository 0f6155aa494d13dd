// The top-level kinds kubectl 1.32+ sends as protobuf (kubectl-capture.test.ts lists them), plus
// their close relatives, keyed by `apiVersion/kind` (kubernetes/api core/v1, apps/v1, batch/v1,
// policy/v1 generated.proto). Status is not decoded: the apiserver ignores it on create.

import { b, dict, i, KEEP, list, type MessageSpec, m, message, s, skipped } from '../schema';
import { autoscalingKinds } from './autoscaling';
import { DeleteOptions, IntOrString, LabelSelector, ObjectMeta } from './meta';
import { LocalObjectReference, PodSpec, PodTemplateSpec } from './pod';
import { rbacKinds } from './rbac';

/** The usual shape: {1: metadata, 2: spec, 3: status}; create ignores status, so it is skipped. */
const object = (kind: string, spec: MessageSpec) =>
  message(kind, { 1: m('metadata', ObjectMeta), 2: m('spec', spec), 3: skipped('status') });

// core/v1

const NamespaceSpec = message('NamespaceSpec', { 1: list('finalizers') });

const ServicePort = message('ServicePort', {
  1: s('name'),
  2: s('protocol'),
  3: i('port'),
  4: m('targetPort', IntOrString),
  5: i('nodePort'),
  6: s('appProtocol', KEEP),
});

const ServiceSpec = message('ServiceSpec', {
  1: list('ports', ServicePort),
  2: dict('selector'),
  3: s('clusterIP'),
  4: s('type'),
  5: list('externalIPs'),
  7: s('sessionAffinity'),
  8: s('loadBalancerIP'),
  9: list('loadBalancerSourceRanges'),
  10: s('externalName'),
  11: s('externalTrafficPolicy'),
  12: i('healthCheckNodePort'),
  13: b('publishNotReadyAddresses'),
  17: s('ipFamilyPolicy', KEEP),
  18: list('clusterIPs'),
  19: list('ipFamilies'),
  20: b('allocateLoadBalancerNodePorts', KEEP),
  21: s('loadBalancerClass', KEEP),
  22: s('internalTrafficPolicy', KEEP),
});

const ObjectReference = message('ObjectReference', {
  1: s('kind'),
  2: s('namespace'),
  3: s('name'),
  4: s('uid'),
  5: s('apiVersion'),
  6: s('resourceVersion'),
  7: s('fieldPath'),
});

// apps/v1

const RollingUpdateDeployment = message('RollingUpdateDeployment', {
  1: m('maxUnavailable', IntOrString, KEEP),
  2: m('maxSurge', IntOrString, KEEP),
});

const DeploymentSpec = message('DeploymentSpec', {
  1: i('replicas', KEEP),
  2: m('selector', LabelSelector, KEEP),
  3: m('template', PodTemplateSpec),
  4: m(
    'strategy',
    message('DeploymentStrategy', { 1: s('type'), 2: m('rollingUpdate', RollingUpdateDeployment, KEEP) }),
  ),
  5: i('minReadySeconds'),
  6: i('revisionHistoryLimit', KEEP),
  7: b('paused'),
  9: i('progressDeadlineSeconds', KEEP),
});

const ReplicaSetSpec = message('ReplicaSetSpec', {
  1: i('replicas', KEEP),
  2: m('selector', LabelSelector, KEEP),
  3: m('template', PodTemplateSpec),
  4: i('minReadySeconds'),
});

// batch/v1

const JobSpec = message('JobSpec', {
  1: i('parallelism', KEEP),
  2: i('completions', KEEP),
  3: i('activeDeadlineSeconds', KEEP),
  4: m('selector', LabelSelector, KEEP),
  5: b('manualSelector', KEEP),
  6: m('template', PodTemplateSpec),
  7: i('backoffLimit', KEEP),
  8: i('ttlSecondsAfterFinished', KEEP),
  9: s('completionMode', KEEP),
  10: b('suspend', KEEP),
  12: i('backoffLimitPerIndex', KEEP),
  13: i('maxFailedIndexes', KEEP),
  14: s('podReplacementPolicy', KEEP),
  15: s('managedBy', KEEP),
});

const CronJobSpec = message('CronJobSpec', {
  1: s('schedule'),
  2: i('startingDeadlineSeconds', KEEP),
  3: s('concurrencyPolicy'),
  4: b('suspend', KEEP),
  5: m('jobTemplate', message('JobTemplateSpec', { 1: m('metadata', ObjectMeta), 2: m('spec', JobSpec) })),
  6: i('successfulJobsHistoryLimit', KEEP),
  7: i('failedJobsHistoryLimit', KEEP),
  8: s('timeZone', KEEP),
});

// policy/v1

const PodDisruptionBudgetSpec = message('PodDisruptionBudgetSpec', {
  1: m('minAvailable', IntOrString, KEEP),
  2: m('selector', LabelSelector, KEEP),
  3: m('maxUnavailable', IntOrString, KEEP),
  4: s('unhealthyPodEvictionPolicy', KEEP),
});

/** Message tables by `apiVersion/kind`, as runtime.Unknown's typeMeta names them. */
export const kinds: Record<string, MessageSpec> = {
  ...rbacKinds,
  ...autoscalingKinds,
  'v1/Namespace': object('Namespace', NamespaceSpec),
  'v1/Service': object('Service', ServiceSpec),
  'v1/Pod': object('Pod', PodSpec),
  'v1/ConfigMap': message('ConfigMap', {
    1: m('metadata', ObjectMeta),
    2: dict('data'),
    3: dict('binaryData', 'bytes'),
    4: b('immutable', KEEP),
  }),
  'v1/Secret': message('Secret', {
    1: m('metadata', ObjectMeta),
    2: dict('data', 'bytes'),
    3: s('type'),
    4: dict('stringData'),
    5: b('immutable', KEEP),
  }),
  'v1/ServiceAccount': message('ServiceAccount', {
    1: m('metadata', ObjectMeta),
    2: list('secrets', ObjectReference),
    3: list('imagePullSecrets', LocalObjectReference),
    4: b('automountServiceAccountToken', KEEP),
  }),
  'apps/v1/Deployment': object('Deployment', DeploymentSpec),
  'apps/v1/ReplicaSet': object('ReplicaSet', ReplicaSetSpec),
  'batch/v1/Job': object('Job', JobSpec),
  'batch/v1/CronJob': object('CronJob', CronJobSpec),
  'policy/v1/PodDisruptionBudget': object('PodDisruptionBudget', PodDisruptionBudgetSpec),
  'policy/v1/Eviction': message('Eviction', {
    1: m('metadata', ObjectMeta),
    2: m('deleteOptions', DeleteOptions),
  }),
  'meta.k8s.io/v1/DeleteOptions': DeleteOptions,
  'v1/DeleteOptions': DeleteOptions,
};
