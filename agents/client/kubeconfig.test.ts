import { describe, expect, it } from 'vitest';
import { connectionFrom, fileTokenSource, loadConnection, TOKEN_FILE_MAX_AGE_MS } from './connection';
import { type ConfigInputs, KubeconfigError, parseKubeconfig, resolveClientConfig } from './kubeconfig';

const b64 = (t: string) => Buffer.from(t).toString('base64');

/** A kubeconfig shaped like kubeadm's kubelet.conf, with the user's fields given. */
const kubeconfig = (user: string, cluster = `certificate-authority-data: ${b64('CA PEM')}`) => `
apiVersion: v1
kind: Config
clusters:
- name: other
  cluster: {server: "https://10.0.0.9:6443"}
- name: nodekube
  cluster:
    server: https://192.168.200.100:6443
    ${cluster}
users:
- name: system:node:minion1
  user: {${user}}
contexts:
- name: other
  context: {cluster: other, user: system:node:minion1}
- name: kubelet
  context: {cluster: nodekube, user: system:node:minion1}
current-context: kubelet
`;

const inputs = (over: Partial<ConfigInputs> & { text?: string }): ConfigInputs => ({
  flags: { kubeconfig: '/etc/kubernetes/kubelet.conf', master: '' },
  kubeconfigText: over.text,
  env: {},
  ...over,
});

describe('parseKubeconfig: the current context', () => {
  it('takes inline data: CA, client certificate and key', () => {
    const c = parseKubeconfig(
      kubeconfig(`client-certificate-data: ${b64('CERT')}, client-key-data: ${b64('KEY')}`),
      '/etc/kubernetes/kubelet.conf',
    );
    expect(c).toEqual({
      server: 'https://192.168.200.100:6443',
      origin: 'kubeconfig "/etc/kubernetes/kubelet.conf"',
      ca: { data: 'CA PEM' },
      cert: { data: 'CERT' },
      key: { data: 'KEY' },
      token: undefined,
      insecureSkipTlsVerify: false,
    });
  });

  it('resolves file references against the kubeconfig directory; absolute ones stay', () => {
    const c = parseKubeconfig(
      kubeconfig(
        'client-certificate: pki/node.crt, client-key: /var/lib/kubelet/node.key',
        'certificate-authority: ../ca.crt',
      ),
      '/etc/kubernetes/kubelet.conf',
    );
    expect(c.ca).toEqual({ file: '/etc/ca.crt', field: 'clusters[nodekube].cluster.certificate-authority' });
    expect(c.cert).toEqual({
      file: '/etc/kubernetes/pki/node.crt',
      field: 'users[system:node:minion1].user.client-certificate',
    });
    expect(c.key).toEqual({
      file: '/var/lib/kubelet/node.key',
      field: 'users[system:node:minion1].user.client-key',
    });
  });

  it('*-data wins over the file field', () => {
    const c = parseKubeconfig(
      kubeconfig('', `certificate-authority: ca.crt\n    certificate-authority-data: ${b64('INLINE')}`),
      '/k/config',
    );
    expect(c.ca).toEqual({ data: 'INLINE' });
  });

  it('a token is sent as is; a tokenFile wins over it and is relative to the kubeconfig', () => {
    expect(parseKubeconfig(kubeconfig('token: abc.def'), '/k/config').token).toEqual({ data: 'abc.def' });
    expect(parseKubeconfig(kubeconfig('token: abc, tokenFile: sa/token'), '/k/config').token).toEqual({
      file: '/k/sa/token',
      field: 'users[system:node:minion1].user.tokenFile',
    });
  });

  it('insecure-skip-tls-verify without a CA', () => {
    const c = parseKubeconfig(kubeconfig('', 'insecure-skip-tls-verify: true'), '/k/config');
    expect(c).toMatchObject({ insecureSkipTlsVerify: true, ca: undefined });
  });

  it('a context without a user means no credentials', () => {
    const text = `clusters: [{name: c, cluster: {server: "http://127.0.0.1:8080/"}}]
contexts: [{name: x, context: {cluster: c}}]
current-context: x`;
    expect(parseKubeconfig(text, '/k/config')).toMatchObject({
      server: 'http://127.0.0.1:8080',
      cert: undefined,
      token: undefined,
    });
  });
});

describe('parseKubeconfig: errors name the file and the field', () => {
  const path = '/etc/kubernetes/kubelet.conf';
  const cases: [string, string, string][] = [
    ['unparsable', 'clusters: [unclosed', 'kubeconfig "/etc/kubernetes/kubelet.conf": not valid YAML: '],
    ['not a mapping', '- just\n- a list', 'not a kubeconfig'],
    ['no current-context', 'clusters: []\ncontexts: []', 'current-context is not set'],
    [
      'unknown context',
      'current-context: nope\ncontexts: []',
      'current-context "nope" names no entry in contexts',
    ],
    [
      'unknown cluster',
      'current-context: x\ncontexts: [{name: x, context: {cluster: gone}}]',
      'contexts[x].context.cluster "gone" names no entry in clusters',
    ],
    [
      'unknown user',
      'current-context: x\nclusters: [{name: c, cluster: {server: "https://a:1"}}]\ncontexts: [{name: x, context: {cluster: c, user: who}}]',
      'contexts[x].context.user "who" names no entry in users',
    ],
    [
      'no server',
      'current-context: x\nclusters: [{name: c, cluster: {}}]\ncontexts: [{name: x, context: {cluster: c}}]',
      'clusters[c].cluster.server is not set',
    ],
    [
      'server not a URL',
      'current-context: x\nclusters: [{name: c, cluster: {server: "10.0.0.1:6443"}}]\ncontexts: [{name: x, context: {cluster: c}}]',
      'clusters[c].cluster.server: "10.0.0.1:6443" is not an http:// or https:// URL',
    ],
    [
      'certificate without key',
      kubeconfig(`client-certificate-data: ${b64('C')}`),
      'needs both client-certificate and client-key',
    ],
    [
      'CA and insecure',
      kubeconfig('', 'certificate-authority: ca.crt\n    insecure-skip-tls-verify: true'),
      'sets both',
    ],
    [
      'exec plugin',
      kubeconfig('exec: {command: aws}'),
      'users[system:node:minion1].user.exec is not supported',
    ],
  ];
  it.each(cases)('%s', (_, text, message) => {
    let err: unknown;
    try {
      parseKubeconfig(text, path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KubeconfigError);
    expect((err as Error).message).toContain(message);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).not.toContain('\n');
  });
});

describe('resolveClientConfig: which source wins (client-go BuildConfigFromFlags)', () => {
  const text = kubeconfig('token: t');
  const inPod = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

  it('--master overrides the kubeconfig server and keeps its credentials', () => {
    const c = resolveClientConfig(
      inputs({ text, flags: { kubeconfig: '/k/config', master: 'http://127.0.0.1:8080' } }),
    );
    expect(c).toMatchObject({
      server: 'http://127.0.0.1:8080',
      token: { data: 't' },
      ca: { data: 'CA PEM' },
    });
  });

  it('--master alone: no credentials, even inside a pod', () => {
    expect(
      resolveClientConfig(inputs({ flags: { kubeconfig: '', master: 'https://m:6443' }, env: inPod })),
    ).toEqual({ server: 'https://m:6443', origin: '--master', insecureSkipTlsVerify: false });
  });

  it('neither flag, in a pod: the service account (client-go InClusterConfig)', () => {
    expect(resolveClientConfig(inputs({ flags: { kubeconfig: '', master: '' }, env: inPod }))).toEqual({
      server: 'https://10.96.0.1:443',
      origin: 'in-cluster config',
      ca: { file: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt', field: 'service account CA' },
      token: { file: '/var/run/secrets/kubernetes.io/serviceaccount/token', field: 'service account token' },
      insecureSkipTlsVerify: false,
    });
  });

  it('an IPv6 service host goes in brackets', () => {
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' };
    expect(resolveClientConfig(inputs({ flags: { kubeconfig: '', master: '' }, env })).server).toBe(
      'https://[fd00::1]:443',
    );
  });

  it('neither flag, outside a pod: the fallback, else an error', () => {
    const none = { flags: { kubeconfig: '', master: '' }, env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' } };
    expect(resolveClientConfig(inputs({ ...none, fallbackServer: 'http://127.0.0.1:8080' })).server).toBe(
      'http://127.0.0.1:8080',
    );
    expect(() => resolveClientConfig(inputs(none))).toThrow(/give --kubeconfig or --master/);
  });
});

describe('loadConnection: files at the edge', () => {
  const files: Record<string, string> = {
    '/k/config': kubeconfig(
      'client-certificate: node.crt, client-key: node.key, tokenFile: token',
      'certificate-authority: ca.crt',
    ),
    '/k/ca.crt': 'CA',
    '/k/node.crt': 'CERT',
    '/k/node.key': 'KEY',
    '/k/token': 'tok-1\n',
  };
  const readText = async (p: string) => {
    if (p in files) return files[p];
    throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  };

  it('reads what the kubeconfig names', async () => {
    const c = await loadConnection({ kubeconfig: '/k/config', master: '' }, { readText });
    expect(c).toMatchObject({
      baseUrl: 'https://192.168.200.100:6443',
      tls: { ca: 'CA', cert: 'CERT', key: 'KEY', insecureSkipTlsVerify: false },
    });
    expect(await c.bearerToken?.()).toBe('tok-1');
  });

  it('a missing kubeconfig names the file', async () => {
    await expect(loadConnection({ kubeconfig: '/nope', master: '' }, { readText })).rejects.toThrow(
      'kubeconfig "/nope": no such file',
    );
  });

  it('a missing referenced file names the field and the file', async () => {
    const read = (p: string) => (p === '/k/node.key' ? readText('/gone') : readText(p));
    await expect(loadConnection({ kubeconfig: '/k/config', master: '' }, { readText: read })).rejects.toThrow(
      'kubeconfig "/k/config": users[system:node:minion1].user.client-key: cannot read "/k/node.key": no such file',
    );
  });

  it('in-cluster without the token file names it', async () => {
    const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    await expect(loadConnection({ kubeconfig: '', master: '' }, { env, readText })).rejects.toThrow(
      'in-cluster config: service account CA: cannot read "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt": no such file',
    );
  });

  it('plain http with no credentials has no TLS and no token', async () => {
    const c = await connectionFrom(
      { server: 'http://127.0.0.1:8080', origin: '--master', insecureSkipTlsVerify: false },
      readText,
    );
    expect(c).toEqual({
      baseUrl: 'http://127.0.0.1:8080',
      tls: undefined,
      bearerToken: undefined,
      origin: '--master',
    });
  });
});

describe('fileTokenSource: a rotated token is picked up within a minute', () => {
  it('re-reads at most once a minute and keeps the last token when a read fails', async () => {
    let now = 0;
    let content: string | Error = 'second';
    let reads = 0;
    const errors: string[] = [];
    const read = async () => {
      reads++;
      if (content instanceof Error) throw content;
      return `${content}\n`;
    };
    const token = fileTokenSource('/t', 'first', read, {
      nowMs: () => now,
      onTokenError: (e) => errors.push(e.message),
    });
    expect(await token()).toBe('first');
    now = TOKEN_FILE_MAX_AGE_MS - 1;
    expect(await token()).toBe('first');
    expect(reads).toBe(0);
    now = TOKEN_FILE_MAX_AGE_MS;
    expect(await token()).toBe('second');
    expect(reads).toBe(1);
    content = new Error('gone');
    now += TOKEN_FILE_MAX_AGE_MS;
    expect(await token()).toBe('second');
    expect(await token()).toBe('second');
    expect(reads).toBe(2);
    expect(errors).toEqual(['gone']);
  });
});
