// PodTemplateSpec and everything inside it (kubernetes/api core/v1/generated.proto): the part of
// a Deployment, Job or CronJob that says what to run. Covered: containers with ports, env,
// resources, mounts, probes and a security context; volumes of the common kinds; scheduling
// fields. Anything else is reported as an unknown field and left out.

import { b, dict, i, KEEP, list, m, message, s } from '../schema';
import { IntOrString, ObjectMeta, Quantity } from './meta';

const inline = { inline: true } as const;

export const LocalObjectReference = message('LocalObjectReference', { 1: s('name') });

export const ContainerPort = message('ContainerPort', {
  1: s('name'),
  2: i('hostPort'),
  3: i('containerPort'),
  4: s('protocol'),
  5: s('hostIP'),
});

const KeySelector = (name: string) =>
  message(name, { 1: m('', LocalObjectReference, inline), 2: s('key'), 3: b('optional', KEEP) });

export const EnvVarSource = message('EnvVarSource', {
  1: m('fieldRef', message('ObjectFieldSelector', { 1: s('apiVersion'), 2: s('fieldPath') }), KEEP),
  2: m(
    'resourceFieldRef',
    message('ResourceFieldSelector', { 1: s('containerName'), 2: s('resource'), 3: m('divisor', Quantity) }),
    KEEP,
  ),
  3: m('configMapKeyRef', KeySelector('ConfigMapKeySelector'), KEEP),
  4: m('secretKeyRef', KeySelector('SecretKeySelector'), KEEP),
});

export const EnvVar = message('EnvVar', {
  1: s('name'),
  2: s('value'),
  3: m('valueFrom', EnvVarSource, KEEP),
});

const EnvSourceRef = (name: string) =>
  message(name, { 1: m('', LocalObjectReference, inline), 2: b('optional', KEEP) });

export const EnvFromSource = message('EnvFromSource', {
  1: s('prefix'),
  2: m('configMapRef', EnvSourceRef('ConfigMapEnvSource'), KEEP),
  3: m('secretRef', EnvSourceRef('SecretEnvSource'), KEEP),
});

export const ResourceRequirements = message('ResourceRequirements', {
  1: dict('limits', Quantity),
  2: dict('requests', Quantity),
});

export const VolumeMount = message('VolumeMount', {
  1: s('name'),
  2: b('readOnly'),
  3: s('mountPath'),
  4: s('subPath'),
  5: s('mountPropagation', KEEP),
  6: s('subPathExpr'),
});

const HTTPHeader = message('HTTPHeader', { 1: s('name'), 2: s('value') });

export const ProbeHandler = message('ProbeHandler', {
  1: m('exec', message('ExecAction', { 1: list('command') }), KEEP),
  2: m(
    'httpGet',
    message('HTTPGetAction', {
      1: s('path'),
      2: m('port', IntOrString, KEEP),
      3: s('host'),
      4: s('scheme'),
      5: list('httpHeaders', HTTPHeader),
    }),
    KEEP,
  ),
  3: m('tcpSocket', message('TCPSocketAction', { 1: m('port', IntOrString, KEEP), 2: s('host') }), KEEP),
  4: m('grpc', message('GRPCAction', { 1: i('port'), 2: s('service', KEEP) }), KEEP),
});

export const Probe = message('Probe', {
  1: m('', ProbeHandler, inline),
  2: i('initialDelaySeconds'),
  3: i('timeoutSeconds'),
  4: i('periodSeconds'),
  5: i('successThreshold'),
  6: i('failureThreshold'),
  7: i('terminationGracePeriodSeconds', KEEP),
});

export const SecurityContext = message('SecurityContext', {
  1: m('capabilities', message('Capabilities', { 1: list('add'), 2: list('drop') }), KEEP),
  2: b('privileged', KEEP),
  4: i('runAsUser', KEEP),
  5: b('runAsNonRoot', KEEP),
  6: b('readOnlyRootFilesystem', KEEP),
  7: b('allowPrivilegeEscalation', KEEP),
  8: i('runAsGroup', KEEP),
});

export const Container = message('Container', {
  1: s('name'),
  2: s('image'),
  3: list('command'),
  4: list('args'),
  5: s('workingDir'),
  6: list('ports', ContainerPort),
  7: list('env', EnvVar),
  8: m('resources', ResourceRequirements),
  9: list('volumeMounts', VolumeMount),
  10: m('livenessProbe', Probe, KEEP),
  11: m('readinessProbe', Probe, KEEP),
  13: s('terminationMessagePath'),
  14: s('imagePullPolicy'),
  15: m('securityContext', SecurityContext, KEEP),
  16: b('stdin'),
  17: b('stdinOnce'),
  18: b('tty'),
  19: list('envFrom', EnvFromSource),
  20: s('terminationMessagePolicy'),
  22: m('startupProbe', Probe, KEEP),
  24: s('restartPolicy', KEEP),
});

const KeyToPath = message('KeyToPath', { 1: s('key'), 2: s('path'), 3: i('mode', KEEP) });

/** VolumeSource's members are pointers: `emptyDir: {}` is a whole, meaningful volume. */
export const VolumeSource = message('VolumeSource', {
  1: m('hostPath', message('HostPathVolumeSource', { 1: s('path'), 2: s('type', KEEP) }), KEEP),
  2: m(
    'emptyDir',
    message('EmptyDirVolumeSource', { 1: s('medium'), 2: m('sizeLimit', Quantity, KEEP) }),
    KEEP,
  ),
  6: m(
    'secret',
    message('SecretVolumeSource', {
      1: s('secretName'),
      2: list('items', KeyToPath),
      3: i('defaultMode', KEEP),
      4: b('optional', KEEP),
    }),
    KEEP,
  ),
  10: m(
    'persistentVolumeClaim',
    message('PersistentVolumeClaimVolumeSource', { 1: s('claimName'), 2: b('readOnly') }),
    KEEP,
  ),
  19: m(
    'configMap',
    message('ConfigMapVolumeSource', {
      1: m('', LocalObjectReference, inline),
      2: list('items', KeyToPath),
      3: i('defaultMode', KEEP),
      4: b('optional', KEEP),
    }),
    KEEP,
  ),
});

export const Volume = message('Volume', { 1: s('name'), 2: m('', VolumeSource, inline) });

export const Toleration = message('Toleration', {
  1: s('key'),
  2: s('operator'),
  3: s('value'),
  4: s('effect'),
  5: i('tolerationSeconds', KEEP),
});

export const PodSpec = message('PodSpec', {
  1: list('volumes', Volume),
  2: list('containers', Container),
  3: s('restartPolicy'),
  4: i('terminationGracePeriodSeconds', KEEP),
  5: i('activeDeadlineSeconds', KEEP),
  6: s('dnsPolicy'),
  7: dict('nodeSelector'),
  8: s('serviceAccountName'),
  9: s('serviceAccount'),
  10: s('nodeName'),
  11: b('hostNetwork'),
  12: b('hostPID'),
  13: b('hostIPC'),
  15: list('imagePullSecrets', LocalObjectReference),
  16: s('hostname'),
  17: s('subdomain'),
  19: s('schedulerName'),
  20: list('initContainers', Container),
  21: b('automountServiceAccountToken', KEEP),
  22: list('tolerations', Toleration),
  24: s('priorityClassName'),
  25: i('priority', KEEP),
  30: b('enableServiceLinks', KEEP),
});

export const PodTemplateSpec = message('PodTemplateSpec', {
  1: m('metadata', ObjectMeta),
  2: m('spec', PodSpec),
});
