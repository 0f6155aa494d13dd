// Defaulting: the values the API fills in when a client leaves a field unset, so that
// `kubectl get -o yaml` shows what a real cluster shows and controllers never guess. Sources are
// upstream's pkg/apis/{core,apps,batch}/v1/defaults.go plus the admission plugins that default
// pods (ServiceAccount, Priority, DefaultTolerationSeconds).
//
// applyDefaults copies the object once, then each defaulter fills unset fields in place on the
// copy. It is idempotent: the registry runs it on create and again on every update. ClusterIP and
// NodePort allocation need storage and stay in the apiserver (admission/allocators.ts).

import { cloneJson } from '../../api/clone';
import type { ResourceInfo } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import { autoscalingDefaulters } from './autoscaling';
import { addDefaultTolerations, child, defaultPodOnly, defaultPodSpec, setDefault } from './pod-defaults';
import { storageDefaulters } from './storage';

export interface DefaultsOptions {
  /** --default-not-ready-toleration-seconds (upstream default 300). */
  notReadyTolerationSeconds: number;
  /** --default-unreachable-toleration-seconds (upstream default 300). */
  unreachableTolerationSeconds: number;
}

type Obj = Record<string, any>;

export function applyDefaults(r: ResourceInfo, obj: KubeObject, opts: DefaultsOptions): KubeObject {
  const out = cloneJson(obj) as Obj;
  const defaulter = defaulters[r.resource];
  if (defaulter) defaulter(out, opts);
  return out as KubeObject;
}

/** The pod spec inside a workload's template (`spec.template.spec`), when there is a template. */
function templateSpec(workloadSpec: Obj): Obj | undefined {
  const template = workloadSpec.template;
  if (!template || typeof template !== 'object') return undefined;
  return child(template, 'spec');
}

function defaultTemplate(workloadSpec: Obj): void {
  const spec = templateSpec(workloadSpec);
  if (spec) defaultPodSpec(spec);
}

const defaulters: Record<string, (obj: Obj, opts: DefaultsOptions) => void> = {
  ...storageDefaulters,
  ...autoscalingDefaulters,
  pods(pod, opts) {
    const spec = child(pod, 'spec');
    defaultPodSpec(spec);
    defaultPodOnly(spec);
    addDefaultTolerations(spec, opts.notReadyTolerationSeconds, opts.unreachableTolerationSeconds);
  },

  deployments(d) {
    const spec = child(d, 'spec');
    setDefault(spec, 'replicas', 1);
    const strategy = child(spec, 'strategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const rolling = child(strategy, 'rollingUpdate');
      setDefault(rolling, 'maxUnavailable', '25%');
      setDefault(rolling, 'maxSurge', '25%');
    }
    setDefault(spec, 'revisionHistoryLimit', 10);
    setDefault(spec, 'progressDeadlineSeconds', 600);
    defaultTemplate(spec);
  },

  replicasets(rs) {
    const spec = child(rs, 'spec');
    setDefault(spec, 'replicas', 1);
    defaultTemplate(spec);
  },

  /** core/v1 SetDefaults_ReplicationController: selector and labels come from the template. */
  replicationcontrollers(rc) {
    const spec = child(rc, 'spec');
    setDefault(spec, 'replicas', 1);
    const templateLabels = spec.template?.metadata?.labels;
    if (templateLabels && Object.keys(templateLabels).length) {
      if (!spec.selector || Object.keys(spec.selector).length === 0) spec.selector = { ...templateLabels };
      const meta = child(rc, 'metadata');
      if (!meta.labels || Object.keys(meta.labels).length === 0) meta.labels = { ...templateLabels };
    }
    defaultTemplate(spec);
  },

  daemonsets(ds) {
    const spec = child(ds, 'spec');
    const strategy = child(spec, 'updateStrategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const rolling = child(strategy, 'rollingUpdate');
      setDefault(rolling, 'maxUnavailable', 1);
      setDefault(rolling, 'maxSurge', 0);
    }
    setDefault(spec, 'revisionHistoryLimit', 10);
    defaultTemplate(spec);
  },

  statefulsets(sts) {
    const spec = child(sts, 'spec');
    setDefault(spec, 'replicas', 1);
    setDefault(spec, 'podManagementPolicy', 'OrderedReady');
    const strategy = child(spec, 'updateStrategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') setDefault(child(strategy, 'rollingUpdate'), 'partition', 0);
    setDefault(spec, 'revisionHistoryLimit', 10);
    setDefault(spec, 'persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' });
    defaultTemplate(spec);
  },

  jobs(job) {
    defaultJobSpec(child(job, 'spec'));
    generateJobSelector(job);
  },

  cronjobs(cj) {
    const spec = child(cj, 'spec');
    setDefault(spec, 'concurrencyPolicy', 'Allow');
    setDefault(spec, 'suspend', false);
    setDefault(spec, 'successfulJobsHistoryLimit', 3);
    setDefault(spec, 'failedJobsHistoryLimit', 1);
    const jobTemplate = child(spec, 'jobTemplate');
    defaultJobSpec(child(jobTemplate, 'spec'));
  },

  services: defaultService,

  namespaces(ns) {
    const meta = child(ns, 'metadata');
    // Since 1.21 every namespace carries its own name as a label, for namespaceSelectors.
    if (meta.name) child(meta, 'labels')['kubernetes.io/metadata.name'] = meta.name;
    setDefault(child(ns, 'spec'), 'finalizers', ['kubernetes']);
    setDefault(child(ns, 'status'), 'phase', 'Active');
  },

  secrets(secret) {
    setDefault(secret, 'type', 'Opaque');
  },

  nodes(node) {
    const status = node.status;
    if (status?.capacity) setDefault(status, 'allocatable', { ...status.capacity });
  },

  endpoints(ep) {
    for (const subset of ep.subsets ?? [])
      for (const p of subset.ports ?? []) setDefault(p, 'protocol', 'TCP');
  },
};

/** batch/v1 SetDefaults_Job: one pod, six retries, non-indexed. */
function defaultJobSpec(spec: Obj): void {
  if (spec.completions == null && spec.parallelism == null) spec.completions = 1;
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  if (spec.podFailurePolicy == null) setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
  defaultTemplate(spec);
}

/**
 * The job strategy's generateSelector (pkg/registry/batch/job/strategy.go): unless the user asks
 * for spec.manualSelector, a job selects its pods by its own uid. Needs metadata.uid, so the
 * registry must assign the uid before defaulting.
 */
function generateJobSelector(job: Obj): void {
  const uid = job.metadata?.uid;
  const spec = job.spec;
  if (!uid || spec.manualSelector === true || spec.selector) return;
  const name = job.metadata?.name ?? '';
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const meta = child(child(spec, 'template'), 'metadata');
  meta.labels = {
    ...(meta.labels ?? {}),
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
  // SetDefaults_Job: a Job without labels takes its template's (describe job shows them).
  const jobMeta = child(job, 'metadata');
  if (!jobMeta.labels || Object.keys(jobMeta.labels).length === 0) jobMeta.labels = { ...meta.labels };
}

/** core/v1 SetDefaults_Service, plus the single-stack IPv4 choice of a cluster without IPv6. */
function defaultService(svc: Obj): void {
  const spec = child(svc, 'spec');
  setDefault(child(svc, 'status'), 'loadBalancer', {});
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') {
    setDefault(child(child(spec, 'sessionAffinityConfig'), 'clientIP'), 'timeoutSeconds', 10800);
  }
  for (const p of spec.ports ?? []) {
    setDefault(p, 'protocol', 'TCP');
    setDefault(p, 'targetPort', p.port);
  }
  if (spec.type === 'ExternalName') return;
  setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer')
    setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  setDefault(spec, 'ipFamilies', ['IPv4']);
  setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
}
