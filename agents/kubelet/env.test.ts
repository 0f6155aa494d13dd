import type { Pod, Service } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { buildEnv, ContainerConfigError, expand, referencedObjects, serviceEnv } from './env';

const svc = (
  ns: string,
  name: string,
  ip: string,
  ports: Array<{ port: number; name?: string; protocol?: string }>,
): Service => ({
  metadata: { namespace: ns, name },
  spec: { clusterIP: ip, ports },
});

const pod: Pod = {
  metadata: { name: 'web', namespace: 'shop', uid: 'u-1', labels: { app: 'web' } },
  spec: {
    nodeName: 'minion-1',
    containers: [
      {
        name: 'c',
        image: 'i',
        resources: { limits: { memory: '64Mi', cpu: '250m' } },
        envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }],
        env: [
          { name: 'GREETING', value: 'hello' },
          { name: 'MESSAGE', value: '$(GREETING) world, $$(GREETING) and $(UNDEFINED)' },
          { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'settings', key: 'color' } } },
          { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
        ],
      },
    ],
  },
};

const sources = {
  configMaps: new Map([['settings', { data: { color: 'blue', size: 'L' } }]]),
  secrets: new Map([['creds', { data: { password: Buffer.from('s3cret').toString('base64') } }]]),
  services: [
    svc('shop', 'redis-master', '10.96.0.11', [{ port: 6379 }]),
    svc('other', 'elsewhere', '10.96.0.12', [{ port: 80 }]),
    svc('default', 'kubernetes', '10.96.0.1', [{ port: 443, name: 'https' }]),
  ],
  podIP: '172.17.0.5',
  hostIP: '192.168.200.101',
};

describe('buildEnv', () => {
  it('combines service variables, envFrom, env with $(VAR) expansion and every valueFrom kind', () => {
    const env = Object.fromEntries(buildEnv(pod, pod.spec!.containers[0], sources));
    expect(env).toMatchObject({
      REDIS_MASTER_SERVICE_HOST: '10.96.0.11',
      REDIS_MASTER_SERVICE_PORT: '6379',
      REDIS_MASTER_PORT: 'tcp://10.96.0.11:6379',
      REDIS_MASTER_PORT_6379_TCP_ADDR: '10.96.0.11',
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      CFG_color: 'blue',
      CFG_size: 'L',
      MESSAGE: 'hello world, $(GREETING) and $(UNDEFINED)',
      COLOR: 'blue',
      PASSWORD: 's3cret',
      POD_NAME: 'web',
      APP: 'web',
      POD_IP: '172.17.0.5',
      MEM: '64',
      CPU: '250',
    });
    expect(env.ELSEWHERE_SERVICE_HOST).toBeUndefined(); // other namespaces' services stay out
  });

  it('a missing ConfigMap or key is a CreateContainerConfigError, unless optional', () => {
    const c = {
      name: 'c',
      image: 'i',
      env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }],
    };
    expect(() => buildEnv(pod, c, sources)).toThrow(new ContainerConfigError('configmap "nope" not found'));
    const missingKey = {
      name: 'c',
      image: 'i',
      env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'k' } } }],
    };
    expect(() => buildEnv(pod, missingKey, sources)).toThrow(
      "couldn't find key k in ConfigMap shop/settings",
    );
    const optional = {
      name: 'c',
      image: 'i',
      env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } }],
    };
    expect(buildEnv(pod, optional, sources).has('X')).toBe(false);
  });
});

describe('serviceEnv', () => {
  it('writes the Docker-links family for every port and skips headless services', () => {
    expect(
      serviceEnv(
        svc('ns', 'web-front', '10.0.0.1', [
          { port: 80, name: 'http' },
          { port: 53, protocol: 'UDP' },
        ]),
      ),
    ).toEqual([
      ['WEB_FRONT_SERVICE_HOST', '10.0.0.1'],
      ['WEB_FRONT_SERVICE_PORT', '80'],
      ['WEB_FRONT_SERVICE_PORT_HTTP', '80'],
      ['WEB_FRONT_PORT', 'tcp://10.0.0.1:80'],
      ['WEB_FRONT_PORT_80_TCP', 'tcp://10.0.0.1:80'],
      ['WEB_FRONT_PORT_80_TCP_PROTO', 'tcp'],
      ['WEB_FRONT_PORT_80_TCP_PORT', '80'],
      ['WEB_FRONT_PORT_80_TCP_ADDR', '10.0.0.1'],
      ['WEB_FRONT_PORT_53_UDP', 'udp://10.0.0.1:53'],
      ['WEB_FRONT_PORT_53_UDP_PROTO', 'udp'],
      ['WEB_FRONT_PORT_53_UDP_PORT', '53'],
      ['WEB_FRONT_PORT_53_UDP_ADDR', '10.0.0.1'],
    ]);
    expect(serviceEnv(svc('ns', 'headless', 'None', [{ port: 80 }]))).toEqual([]);
  });
});

describe('expand', () => {
  it.each([
    ['$(A)-$(B)', 'a-$(B)'],
    ['$$(A)', '$(A)'],
    ['plain $ sign', 'plain $ sign'],
  ])('%s → %s', (input, out) => expect(expand(input, new Map([['A', 'a']]))).toBe(out));
});

it('referencedObjects collects names from env, envFrom and volumes', () => {
  const p: Pod = {
    ...pod,
    spec: {
      ...pod.spec!,
      volumes: [
        { name: 'v', secret: { secretName: 'tls' } },
        { name: 'w', configMap: { name: 'files' } },
      ],
    },
  };
  expect(referencedObjects(p)).toEqual({
    configMaps: new Set(['settings', 'files']),
    secrets: new Set(['creds', 'tls']),
  });
});
