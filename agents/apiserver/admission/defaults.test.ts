import { describe, expect, it } from 'vitest';
import { R } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import { applyDefaults } from './defaults';
import { defaultPullPolicy } from './pod-defaults';

const opts = { notReadyTolerationSeconds: 300, unreachableTolerationSeconds: 120 };
const spec = (o: KubeObject): any => o.spec;

const podSpecDefaults = {
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  securityContext: {},
  schedulerName: 'default-scheduler',
  enableServiceLinks: true,
};
const containerDefaults = {
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  resources: {},
};

describe('applyDefaults: pods', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] },
  };

  it('fills what kubectl get -o yaml shows on a real cluster', () => {
    expect(applyDefaults(R.pods, pod, opts).spec).toEqual({
      ...podSpecDefaults,
      serviceAccountName: 'default',
      serviceAccount: 'default',
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      containers: [
        {
          name: 'c',
          image: 'nginx',
          imagePullPolicy: 'Always',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          ...containerDefaults,
        },
      ],
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 120,
        },
      ],
    });
  });

  it('does not modify its input and is idempotent', () => {
    const before = structuredClone(pod);
    const once = applyDefaults(R.pods, pod, opts);
    expect(pod).toEqual(before);
    expect(applyDefaults(R.pods, once, opts)).toEqual(once);
  });

  it('keeps values the user set, zeros included', () => {
    const p = {
      spec: {
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 0,
        enableServiceLinks: false,
        containers: [{ name: 'c', image: 'x', imagePullPolicy: 'Never' }],
      },
    };
    const s = spec(applyDefaults(R.pods, p, opts));
    expect([
      s.restartPolicy,
      s.terminationGracePeriodSeconds,
      s.enableServiceLinks,
      s.containers[0].imagePullPolicy,
    ]).toEqual(['Never', 0, false, 'Never']);
  });

  it.each([
    [
      'a toleration for the same key',
      [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 5,
        },
      ],
      ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'],
    ],
    ['a toleration for every taint', [{ operator: 'Exists' }], [undefined]],
    [
      'a NoSchedule toleration only',
      [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }],
      ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'],
    ],
  ])('default tolerations respect %s', (_name, tolerations, keys) => {
    const s = spec(applyDefaults(R.pods, { spec: { containers: [], tolerations } }, opts));
    expect(s.tolerations.map((t: any) => t.key)).toEqual(keys);
  });

  it('defaults probes, env fieldRefs, volumes, hostNetwork ports and requests from limits', () => {
    const p = {
      spec: {
        hostNetwork: true,
        volumes: [
          { name: 'a' },
          { name: 'b', secret: { secretName: 's' } },
          {
            name: 't',
            projected: { sources: [{ serviceAccountToken: { path: 'token', audience: 'vault' } }] },
          },
        ],
        containers: [
          {
            name: 'c',
            image: 'x:1',
            ports: [{ containerPort: 8080 }],
            env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            readinessProbe: { httpGet: { port: 80 } },
            resources: { limits: { cpu: '1' } },
          },
        ],
      },
    };
    const s = spec(applyDefaults(R.pods, p, opts));
    expect(s.volumes).toEqual([
      { name: 'a', emptyDir: {} },
      { name: 'b', secret: { secretName: 's', defaultMode: 420 } },
      {
        name: 't',
        projected: {
          defaultMode: 420,
          sources: [{ serviceAccountToken: { path: 'token', audience: 'vault', expirationSeconds: 3600 } }],
        },
      },
    ]);
    const c = s.containers[0];
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.ports).toEqual([{ containerPort: 8080, protocol: 'TCP', hostPort: 8080 }]);
    expect(c.env[0].valueFrom.fieldRef.apiVersion).toBe('v1');
    expect(c.readinessProbe).toEqual({
      httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(c.resources).toEqual({ limits: { cpu: '1' }, requests: { cpu: '1' } });
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['localhost:5000/nginx', 'Always'],
    ['localhost:5000/nginx:1', 'IfNotPresent'],
    ['nginx@sha256:abc', 'IfNotPresent'],
  ])('image %s pulls %s', (image, policy) => {
    expect(defaultPullPolicy(image)).toBe(policy);
  });
});

describe('applyDefaults: workloads', () => {
  const template = {
    metadata: { labels: { app: 'w' } },
    spec: { containers: [{ name: 'c', image: 'nginx:1' }] },
  };
  const templateSpecDefaults = {
    ...podSpecDefaults,
    containers: [{ name: 'c', image: 'nginx:1', imagePullPolicy: 'IfNotPresent', ...containerDefaults }],
  };

  it('deployment', () => {
    expect(spec(applyDefaults(R.deployments, { spec: { template } }, opts))).toEqual({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: { metadata: template.metadata, spec: templateSpecDefaults },
    });
  });

  it('templates get pod-spec defaults but not tolerations, service account or priority', () => {
    const s = spec(applyDefaults(R.replicasets, { spec: { template } }, opts));
    expect(s.replicas).toBe(1);
    expect(s.template.spec).toEqual(templateSpecDefaults);
  });

  it('a Recreate deployment gets no rollingUpdate', () => {
    expect(
      spec(applyDefaults(R.deployments, { spec: { strategy: { type: 'Recreate' }, template } }, opts))
        .strategy,
    ).toEqual({ type: 'Recreate' });
  });

  it('replication controller selector and labels come from the template', () => {
    const rc = applyDefaults(R.replicationcontrollers, { metadata: { name: 'r' }, spec: { template } }, opts);
    expect(spec(rc).selector).toEqual({ app: 'w' });
    expect(rc.metadata?.labels).toEqual({ app: 'w' });
    expect(spec(rc).replicas).toBe(1);
  });

  it('daemonset and statefulset', () => {
    const ds = spec(applyDefaults(R.daemonsets, { spec: { template } }, opts));
    expect([ds.updateStrategy, ds.revisionHistoryLimit]).toEqual([
      { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      10,
    ]);
    const sts = spec(applyDefaults(R.statefulsets, { spec: { template } }, opts));
    expect([sts.replicas, sts.podManagementPolicy, sts.updateStrategy]).toEqual([
      1,
      'OrderedReady',
      { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    ]);
  });

  it('job: one completion, six retries, and a selector by uid', () => {
    const job = applyDefaults(
      R.jobs,
      {
        metadata: { name: 'j', uid: 'u-1' },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [] } } },
      },
      opts,
    );
    expect(spec(job)).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } },
    });
    expect(spec(job).template.metadata.labels).toEqual({
      'batch.kubernetes.io/controller-uid': 'u-1',
      'batch.kubernetes.io/job-name': 'j',
      'controller-uid': 'u-1',
      'job-name': 'j',
    });
    expect(spec(job).template.spec.restartPolicy).toBe('Never');
    expect(spec(applyDefaults(R.jobs, { spec: { parallelism: 3 } }, opts)).completions).toBeUndefined();
  });

  it('cronjob', () => {
    const cj = spec(
      applyDefaults(
        R.cronjobs,
        { spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } },
        opts,
      ),
    );
    expect(cj).toMatchObject({
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    expect(cj.jobTemplate.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6 });
    expect(cj.jobTemplate.spec.template.spec.dnsPolicy).toBe('ClusterFirst');
  });
});

describe('applyDefaults: other kinds', () => {
  it('service ClusterIP', () => {
    const svc = applyDefaults(R.services, { spec: { selector: { app: 'w' }, ports: [{ port: 80 }] } }, opts);
    expect(svc.spec).toEqual({
      selector: { app: 'w' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    });
    expect(svc.status).toEqual({ loadBalancer: {} });
  });

  it('service NodePort and ExternalName', () => {
    expect(
      spec(
        applyDefaults(
          R.services,
          { spec: { type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] } },
          opts,
        ),
      ),
    ).toMatchObject({
      externalTrafficPolicy: 'Cluster',
      ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
    const ext = spec(
      applyDefaults(R.services, { spec: { type: 'ExternalName', externalName: 'example.com' } }, opts),
    );
    expect([ext.ipFamilies, ext.internalTrafficPolicy, ext.sessionAffinity]).toEqual([
      undefined,
      undefined,
      'None',
    ]);
  });

  it('namespace, secret, node, configmap', () => {
    const ns = applyDefaults(R.namespaces, { metadata: { name: 'team' } }, opts);
    expect([ns.spec, ns.status, ns.metadata?.labels]).toEqual([
      { finalizers: ['kubernetes'] },
      { phase: 'Active' },
      { 'kubernetes.io/metadata.name': 'team' },
    ]);
    expect(applyDefaults(R.secrets, { data: {} }, opts).type).toBe('Opaque');
    expect(applyDefaults(R.secrets, { type: 'kubernetes.io/tls' }, opts).type).toBe('kubernetes.io/tls');
    expect(
      (applyDefaults(R.nodes, { status: { capacity: { cpu: '2' } } }, opts).status as any).allocatable,
    ).toEqual({ cpu: '2' });
    expect(applyDefaults(R.configmaps, { data: { a: 'b' } }, opts)).toEqual({ data: { a: 'b' } });
    expect(applyDefaults(R.events, { reason: 'X' }, opts)).toEqual({ reason: 'X' });
  });
});
