// Pod spec defaults (kubernetes pkg/apis/core/v1/defaults.go: SetDefaults_PodSpec,
// SetDefaults_Container, SetDefaults_Probe, SetDefaults_Volume …) and the pod-only admission
// steps that run after them (ServiceAccount, Priority, DefaultTolerationSeconds).
//
// These functions fill fields in place on an object applyDefaults has already copied. "Unset"
// means absent or null; a value the user wrote, even a zero, is kept.

type Obj = Record<string, any>;

export function setDefault(obj: Obj, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

/** The map at `obj[key]`, created empty when unset: `child(pod, 'spec')`. */
export function child(obj: Obj, key: string): Obj {
  setDefault(obj, key, {});
  return obj[key];
}

/** The defaults every pod spec gets, in pods and in the templates of workloads alike. */
export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'enableServiceLinks', true);
  // The deprecated `serviceAccount` field and `serviceAccountName` mirror each other.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])])
    defaultContainer(c, spec.hostNetwork === true);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

/** `nginx`, `nginx:latest` → Always; `nginx:1.27` or `nginx@sha256:…` → IfNotPresent. */
export function defaultPullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  if (!image || image.includes('@')) return image ? 'IfNotPresent' : 'Always';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastPart.lastIndexOf(':');
  const tag = colon < 0 ? '' : lastPart.slice(colon + 1);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Obj, hostNetwork: boolean): void {
  setDefault(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'resources', {});
  for (const p of c.ports ?? []) {
    setDefault(p, 'protocol', 'TCP');
    // With the host's network the container port is the host port.
    if (hostNetwork) setDefault(p, 'hostPort', p.containerPort);
  }
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef) setDefault(e.valueFrom.fieldRef, 'apiVersion', 'v1');
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe) defaultProbe(probe);
}

function defaultProbe(probe: Obj): void {
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  if (probe.httpGet) {
    setDefault(probe.httpGet, 'path', '/');
    setDefault(probe.httpGet, 'scheme', 'HTTP');
  }
}

const VOLUME_SOURCES = [
  'emptyDir',
  'hostPath',
  'secret',
  'configMap',
  'projected',
  'downwardAPI',
  'persistentVolumeClaim',
  'nfs',
  'csi',
  'ephemeral',
  'iscsi',
  'image',
];

function defaultVolume(v: Obj): void {
  if (!VOLUME_SOURCES.some((s) => v[s] != null)) v.emptyDir = {};
  // 0644, written in decimal as the API stores it.
  for (const s of ['secret', 'configMap', 'projected', 'downwardAPI'])
    if (v[s]) setDefault(v[s], 'defaultMode', 420);
  if (v.hostPath) setDefault(v.hostPath, 'type', '');
  // SetDefaults_ServiceAccountTokenProjection: an hour.
  for (const src of v.projected?.sources ?? [])
    if (src?.serviceAccountToken) setDefault(src.serviceAccountToken, 'expirationSeconds', 3600);
}

/** Steps upstream runs only for pods, not templates: service account, priority, resource requests. */
export function defaultPodOnly(spec: Obj): void {
  setDefault(spec, 'serviceAccountName', 'default');
  setDefault(spec, 'serviceAccount', spec.serviceAccountName);
  // Priority admission without a PriorityClass: priority 0, preempting lower priorities.
  if (!spec.priorityClassName) {
    setDefault(spec, 'priority', 0);
    setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  }
  // SetDefaults_Pod: requests default to limits when only limits are given.
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const limits = c.resources?.limits;
    if (limits) c.resources.requests = { ...limits, ...(c.resources.requests ?? {}) };
  }
}

export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

/**
 * DefaultTolerationSeconds admission (plugin/pkg/admission/defaulttolerationseconds): every pod
 * tolerates a NotReady or unreachable node for a while before eviction, unless it already says
 * how it tolerates that taint (a toleration with that key or no key, and NoExecute or no effect).
 */
export function addDefaultTolerations(spec: Obj, notReadySeconds: number, unreachableSeconds: number): void {
  const tolerations: Obj[] = spec.tolerations ?? [];
  const covers = (key: string) =>
    tolerations.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
  const added: Obj[] = [];
  if (!covers(NOT_READY_TAINT))
    added.push({
      key: NOT_READY_TAINT,
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: notReadySeconds,
    });
  if (!covers(UNREACHABLE_TAINT))
    added.push({
      key: UNREACHABLE_TAINT,
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: unreachableSeconds,
    });
  if (added.length) spec.tolerations = [...tolerations, ...added];
}
