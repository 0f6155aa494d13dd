import { describe, expect, it } from 'vitest';
import { invalid as invalidError } from '../../api/errors';
import { R, type ResourceInfo } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import { applyDefaults } from './defaults';
import { validate } from './validation';

const opts = { notReadyTolerationSeconds: 300, unreachableTolerationSeconds: 300 };
/** Validate what the registry would: the defaulted object. */
const check = (r: ResourceInfo, obj: KubeObject, old?: KubeObject) =>
  validate(r, applyDefaults(r, obj, opts), old && applyDefaults(r, old, opts)).map(
    (c) => `${c.field}: ${c.message}`,
  );

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const pod = (spec: object, metadata: object = { name: 'p', namespace: 'default' }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata,
  spec,
});
const ctr = (name: string, extra: object = {}) => ({ name, image: 'nginx:1', ...extra });

const deployment = (spec: object, name = 'web'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [ctr('c')] } },
    ...spec,
  },
});

describe('validate: valid objects pass', () => {
  it.each<[string, ResourceInfo, KubeObject]>([
    ['pod', R.pods, pod({ containers: [ctr('a', { ports: [{ containerPort: 80, name: 'http' }] })] })],
    ['deployment', R.deployments, deployment({})],
    [
      'service',
      R.services,
      {
        metadata: { name: 'web', namespace: 'default' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
      },
    ],
    [
      'headless service without ports',
      R.services,
      { metadata: { name: 'db', namespace: 'default' }, spec: { clusterIP: 'None' } },
    ],
    ['namespace', R.namespaces, { metadata: { name: 'team-a' } }],
    [
      'configmap',
      R.configmaps,
      { metadata: { name: 'cfg.v1', namespace: 'default' }, data: { 'app.conf': 'x', KEY_2: 'y' } },
    ],
    [
      'job',
      R.jobs,
      {
        metadata: { name: 'j', namespace: 'default', uid: 'u1' },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [ctr('c')] } } },
      },
    ],
    [
      'cronjob',
      R.cronjobs,
      {
        metadata: { name: 'cj', namespace: 'default' },
        spec: {
          schedule: '*/5 * * * *',
          jobTemplate: {
            spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [ctr('c')] } } },
          },
        },
      },
    ],
    [
      'replication controller',
      R.replicationcontrollers,
      {
        metadata: { name: 'rc', namespace: 'default' },
        spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [ctr('c')] } } },
      },
    ],
    [
      'node',
      R.nodes,
      { metadata: { name: 'node-1.example', labels: { 'kubernetes.io/hostname': 'node-1' } } },
    ],
  ])('%s', (_name, r, obj) => {
    expect(check(r, obj)).toEqual([]);
  });
});

describe('validate: names, labels, annotations', () => {
  it.each<[string, ResourceInfo, KubeObject, string[]]>([
    [
      'subdomain names',
      R.configmaps,
      { metadata: { name: 'Foo_Bar', namespace: 'default' } },
      [`metadata.name: Invalid value: "Foo_Bar": ${SUBDOMAIN_MSG}`],
    ],
    [
      'namespaces are DNS labels',
      R.namespaces,
      { metadata: { name: 'a.b' } },
      [
        "metadata.name: Invalid value: \"a.b\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ],
    ],
    [
      'services are DNS-1035 labels',
      R.services,
      { metadata: { name: '1web', namespace: 'default' }, spec: { ports: [{ port: 80 }] } },
      [
        "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      ],
    ],
    [
      'label keys and values',
      R.configmaps,
      { metadata: { name: 'c', namespace: 'default', labels: { 'a/b/c': 'x', ok: 'bad value' } } },
      [
        "metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        "metadata.labels: Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    ],
    [
      'annotation size',
      R.configmaps,
      { metadata: { name: 'c', namespace: 'default', annotations: { big: 'x'.repeat(262_142) } } },
      ['metadata.annotations: Too long: must have at most 262144 bytes'],
    ],
    [
      'namespace on a cluster-scoped object',
      R.nodes,
      { metadata: { name: 'n', namespace: 'default' } },
      ['metadata.namespace: Forbidden: not allowed on this type'],
    ],
  ])('%s', (_name, r, obj, want) => {
    expect(check(r, obj)).toEqual(want);
  });

  it('leaves a missing name to the registry', () => {
    expect(check(R.configmaps, { metadata: { namespace: 'default' } })).toEqual([]);
  });
});

describe('validate: pods', () => {
  it.each<[string, object, string[]]>([
    ['no containers', { containers: [] }, ['spec.containers: Required value']],
    [
      'name and image required',
      { containers: [{}] },
      ['spec.containers[0].name: Required value', 'spec.containers[0].image: Required value'],
    ],
    [
      'container names unique across init and app containers',
      { initContainers: [ctr('a')], containers: [ctr('a')] },
      ['spec.containers[0].name: Duplicate value: "a"'],
    ],
    [
      'port range',
      { containers: [ctr('a', { ports: [{ containerPort: 70000 }] })] },
      [
        'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      ],
    ],
    [
      'protocol',
      { containers: [ctr('a', { ports: [{ containerPort: 80, protocol: 'ICMP' }] })] },
      [
        'spec.containers[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      ],
    ],
    [
      'restart policy',
      { restartPolicy: 'Sometimes', containers: [ctr('a')] },
      [
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      ],
    ],
    [
      'volume mounts name a volume',
      { containers: [ctr('a', { volumeMounts: [{ name: 'data', mountPath: '/d' }] })] },
      ['spec.containers[0].volumeMounts[0].name: Not found: "data"'],
    ],
    [
      'requests within limits',
      { containers: [ctr('a', { resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } })] },
      [
        'spec.containers[0].resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1',
      ],
    ],
    [
      'nodeSelector labels',
      { containers: [ctr('a')], nodeSelector: { disk: 'ssd!' } },
      [`spec.nodeSelector: Invalid value: "ssd!": ${LABEL_VALUE_MSG}`],
    ],
    [
      'toleration effect',
      { containers: [ctr('a')], tolerations: [{ key: 'k', operator: 'Exists', effect: 'Sometimes' }] },
      [
        'spec.tolerations[0].effect: Unsupported value: "Sometimes": supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"',
      ],
    ],
  ])('%s', (_name, spec, want) => {
    expect(check(R.pods, pod(spec))).toEqual(want);
  });

  const running = pod({
    nodeName: 'n1',
    containers: [ctr('a')],
    tolerations: [{ key: 'x', operator: 'Exists' }],
  });
  it.each<[string, object, string[]]>([
    [
      'image change',
      {
        nodeName: 'n1',
        containers: [ctr('a', { image: 'nginx:2' })],
        tolerations: [{ key: 'x', operator: 'Exists' }],
      },
      [],
    ],
    [
      'added toleration',
      {
        nodeName: 'n1',
        containers: [ctr('a')],
        tolerations: [
          { key: 'x', operator: 'Exists' },
          { key: 'y', operator: 'Exists' },
        ],
      },
      [],
    ],
    [
      'removed toleration',
      { nodeName: 'n1', containers: [ctr('a')] },
      [
        'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      ],
    ],
    [
      'moved to another node',
      { nodeName: 'n2', containers: [ctr('a')], tolerations: [{ key: 'x', operator: 'Exists' }] },
      [
        'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      ],
    ],
  ])('update: %s', (_name, spec, want) => {
    expect(check(R.pods, pod(spec), running)).toEqual(want);
  });

  it('update: binding sets nodeName once', () => {
    const pending = pod({ containers: [ctr('a')] });
    expect(check(R.pods, pod({ nodeName: 'n1', containers: [ctr('a')] }), pending)).toEqual([]);
  });
});

describe('validate: workloads', () => {
  it.each<[string, object, string[]]>([
    [
      'negative replicas',
      { replicas: -1 },
      ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    ],
    ['selector required', { selector: undefined }, ['spec.selector: Required value']],
    [
      'empty selector',
      { selector: {} },
      ['spec.selector: Invalid value: {}: empty selector is invalid for deployment'],
    ],
    [
      'selector must match template',
      { selector: { matchLabels: { app: 'db' } } },
      [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
      ],
    ],
    [
      'bad selector operator',
      { selector: { matchExpressions: [{ key: 'app', operator: 'Is', values: ['web'] }] } },
      ['spec.selector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator'],
    ],
    [
      'template restart policy',
      {
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { restartPolicy: 'Never', containers: [ctr('c')] },
        },
      },
      ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    ],
    [
      'template pod spec',
      { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c' }] } } },
      ['spec.template.spec.containers[0].image: Required value'],
    ],
    [
      'surge and unavailable both 0',
      { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } },
      ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0'],
    ],
    [
      'bad percent',
      { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '150%' } } },
      ['spec.strategy.rollingUpdate.maxSurge: Invalid value: "150%": must not be greater than 100%'],
    ],
    [
      'recreate with rollingUpdate',
      { strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } },
      ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
    ],
  ])('deployment: %s', (_name, spec, want) => {
    expect(check(R.deployments, deployment(spec))).toEqual(want);
  });

  it('deployment update: selector is immutable, replicas are not', () => {
    const old = deployment({});
    expect(check(R.deployments, deployment({ replicas: 5 }), old)).toEqual([]);
    const changed = deployment({
      selector: { matchLabels: { app: 'web', v: '2' } },
      template: { metadata: { labels: { app: 'web', v: '2' } }, spec: { containers: [ctr('c')] } },
    });
    expect(check(R.deployments, changed, old)).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable',
    ]);
  });

  it('job: restart policy must be OnFailure or Never, template immutable while running', () => {
    const job = (restartPolicy: string, image = 'busybox:1'): KubeObject => ({
      metadata: { name: 'j', namespace: 'default', uid: 'u1' },
      spec: { template: { spec: { restartPolicy, containers: [{ name: 'c', image }] } } },
    });
    expect(
      check(R.jobs, {
        metadata: { name: 'j', namespace: 'default', uid: 'u1' },
        spec: { template: { spec: { containers: [ctr('c')] } } },
      }),
    ).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ]);
    const causes = check(R.jobs, job('Never', 'busybox:2'), job('Never'));
    expect(causes).toHaveLength(1);
    expect(causes[0]).toMatch(/^spec\.template: Invalid value: .*: field is immutable$/);
  });

  it('replication controller selector must match the template', () => {
    const rc = {
      metadata: { name: 'rc', namespace: 'default' },
      spec: {
        selector: { app: 'y' },
        template: { metadata: { labels: { app: 'x' } }, spec: { containers: [ctr('c')] } },
      },
    };
    expect(check(R.replicationcontrollers, rc)).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
    ]);
  });

  it('cronjob schedule and policy', () => {
    const cj = (spec: object): KubeObject => ({
      metadata: { name: 'cj', namespace: 'default' },
      spec: {
        jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [ctr('c')] } } } },
        ...spec,
      },
    });
    expect(check(R.cronjobs, cj({}))).toEqual(['spec.schedule: Required value']);
    expect(check(R.cronjobs, cj({ schedule: 'every minute' }))).toEqual([
      'spec.schedule: Invalid value: "every minute": unparseable schedule',
    ]);
    expect(check(R.cronjobs, cj({ schedule: '@hourly', concurrencyPolicy: 'Sometimes' }))).toEqual([
      'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    ]);
  });

  it('statefulset update may change only replicas, template, updateStrategy and friends', () => {
    const sts = (spec: object): KubeObject => ({
      metadata: { name: 's', namespace: 'default' },
      spec: {
        serviceName: 's',
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: { labels: { a: 'b' } }, spec: { containers: [ctr('c')] } },
        ...spec,
      },
    });
    expect(check(R.statefulsets, sts({ replicas: 3 }), sts({}))).toEqual([]);
    expect(check(R.statefulsets, sts({ serviceName: 'other' }), sts({}))).toEqual([
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });
});

describe('validate: services, configmaps, secrets', () => {
  const svc = (spec: object): KubeObject => ({ metadata: { name: 'web', namespace: 'default' }, spec });
  it.each<[string, object, string[]]>([
    ['ports required', { selector: { app: 'w' } }, ['spec.ports: Required value']],
    [
      'port range (targetPort defaults to port, so both are wrong)',
      { ports: [{ port: 0 }] },
      [
        'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
        'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
      ],
    ],
    [
      'names required with several ports',
      { ports: [{ port: 80, name: 'http' }, { port: 443 }] },
      ['spec.ports[1].name: Required value'],
    ],
    [
      'duplicate port names',
      {
        ports: [
          { port: 80, name: 'http' },
          { port: 81, name: 'http' },
        ],
      },
      ['spec.ports[1].name: Duplicate value: "http"'],
    ],
    [
      'nodePort on ClusterIP',
      { ports: [{ port: 80, nodePort: 30080 }] },
      ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    ],
    [
      'unknown type',
      { type: 'Magic', ports: [{ port: 80 }] },
      [
        'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      ],
    ],
    ['ExternalName needs a name, not ports', { type: 'ExternalName' }, ['spec.externalName: Required value']],
    [
      'bad named targetPort',
      { ports: [{ port: 80, targetPort: 'HTTP_PORT' }] },
      [
        'spec.ports[0].targetPort: Invalid value: "HTTP_PORT": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.ports[0].targetPort: Invalid value: "HTTP_PORT": must contain at least one letter (a-z)',
      ],
    ],
  ])('service: %s', (_name, spec, want) => {
    expect(check(R.services, svc(spec))).toEqual(want);
  });

  it('service update: a set clusterIP may not change; leaving it empty keeps it', () => {
    const old = svc({ clusterIP: '10.96.0.10', ports: [{ port: 80 }] });
    expect(check(R.services, svc({ ports: [{ port: 80 }] }), old)).toEqual([]);
    expect(check(R.services, svc({ clusterIP: '10.96.0.11', ports: [{ port: 80 }] }), old)).toEqual([
      'spec.clusterIP: Invalid value: "10.96.0.11": field is immutable',
    ]);
  });

  it('configmap keys and secret types', () => {
    expect(check(R.configmaps, { metadata: { name: 'c', namespace: 'd' }, data: { 'a b': 'x' } })).toEqual([
      "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
    expect(
      check(R.configmaps, {
        metadata: { name: 'c', namespace: 'd' },
        data: { k: 'x' },
        binaryData: { k: 'eA==' },
      }),
    ).toEqual(['binaryData[k]: Duplicate value: "k"']);
    expect(
      check(R.secrets, {
        metadata: { name: 's', namespace: 'd' },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': 'eA==' },
      }),
    ).toEqual(['data[tls.key]: Required value']);
    const s = { metadata: { name: 's', namespace: 'd' }, type: 'Opaque' };
    expect(
      check(R.secrets, { ...s, type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }, s),
    ).toEqual(['type: Invalid value: "kubernetes.io/tls": field is immutable']);
  });

  it('renders as kubectl prints it', () => {
    const causes = validate(R.deployments, applyDefaults(R.deployments, deployment({ replicas: -1 }), opts));
    expect(invalidError('Deployment', 'apps', 'web', causes).message).toBe(
      'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
  });
});
