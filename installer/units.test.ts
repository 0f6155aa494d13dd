import { describe, expect, it } from 'vitest';
import { renderTeardown } from './down';
import { findHost, parseVagrantConfig } from './inventory';
import {
  dockerDaemonConfig,
  filesRead,
  masterUnits,
  minionUnits,
  planServiceAction,
  renderUnit,
  unitsFor,
} from './units';

const inv = parseVagrantConfig(
  'host_groups: {master: 192.168.200.100, minion1: 192.168.200.101, minion2: 192.168.200.102, minion3: 192.168.200.103}\n',
);
const minion2 = findHost(inv, 'minion2');

describe('units from typed flags', () => {
  it('renders the kubelet of minion2 pinned to its private IP and pod CIDR', () => {
    const kubelet = minionUnits(inv, minion2).find((u) => u.name === 'kubelet');
    expect(kubelet?.exec).toEqual([
      '/usr/bin/node',
      '/opt/nodekube/bin/nodekube-agent.cjs',
      'kubelet',
      '--kubeconfig=/etc/kubernetes/kubelet.conf',
      '--hostname-override=minion2',
      '--node-ip=192.168.200.102',
      '--pod-cidr=10.244.2.0/24',
      '--docker-endpoint=unix:///var/run/docker.sock',
      '--port=10250',
      '--tls-cert-file=/var/lib/kubelet/pki/kubelet.crt',
      '--tls-private-key-file=/var/lib/kubelet/pki/kubelet.key',
      '--client-ca-file=/etc/kubernetes/pki/ca.crt',
      '--anonymous-auth=false',
      '--authentication-token-webhook=true',
      '--authorization-mode=Webhook',
      '--cluster-dns=10.96.0.10',
      '--cluster-domain=cluster.local',
    ]);
    const text = renderUnit(kubelet as never);
    // Wants, not Requires: `systemctl stop docker` must leave the kubelet running (it reports NotReady).
    expect(text).toContain('After=network-online.target docker.service');
    expect(text).toContain('Wants=docker.service');
    expect(text).not.toContain('Requires=');
    expect(text).toContain('ExecStart=/usr/bin/node \\\n  /opt/nodekube/bin/nodekube-agent.cjs \\\n');
    expect(text).toContain('Restart=always');
    expect(text).toContain('WantedBy=multi-user.target');
    expect(text).toContain('[Service]\nEnvironment=MALLOC_ARENA_MAX=2\nExecStart=');
  });

  it("sets the agents' environment on the units that run our bundle only (etcd is Go)", () => {
    const units = masterUnits(inv, findHost(inv, 'master'));
    const etcd = renderUnit(units[0]);
    expect(units[0].name).toBe('etcd');
    expect(etcd).not.toContain('Environment=');
    for (const u of units.slice(1)) expect(renderUnit(u)).toContain('Environment=MALLOC_ARENA_MAX=2');
  });

  it('gives the master etcd and the control plane with the contract flags', () => {
    const units = masterUnits(inv, findHost(inv, 'master'));
    expect(units.map((u) => u.name)).toEqual([
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
    ]);
    // The apiserver's Node options come before the bundle (AGENT_NODE_OPTIONS).
    expect(units[1].exec.slice(0, 3)).toEqual([
      '/usr/bin/node',
      '--max-semi-space-size=4',
      '/opt/nodekube/bin/nodekube-agent.cjs',
    ]);
    expect(units[1].exec.slice(3)).toEqual([
      'apiserver',
      '--etcd-servers=https://127.0.0.1:2379',
      '--etcd-cafile=/etc/kubernetes/pki/ca.crt',
      '--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt',
      '--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key',
      '--bind-address=0.0.0.0',
      '--advertise-address=192.168.200.100',
      '--secure-port=6443',
      '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt',
      '--tls-private-key-file=/etc/kubernetes/pki/apiserver.key',
      '--client-ca-file=/etc/kubernetes/pki/ca.crt',
      '--insecure-bind-address=127.0.0.1',
      '--port=8080',
      '--authorization-mode=Node,RBAC',
      '--service-account-key-file=/etc/kubernetes/pki/sa.pub',
      '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt',
      '--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key',
      '--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt',
      '--encryption-provider-config=/etc/kubernetes/encryption-config.yaml',
      '--service-cluster-ip-range=10.96.0.0/12',
      '--service-node-port-range=30000-32767',
      '--default-not-ready-toleration-seconds=300',
      '--default-unreachable-toleration-seconds=300',
    ]);
    expect(units[2].exec.slice(3)).toEqual(
      expect.arrayContaining([
        '--kubeconfig=/etc/kubernetes/controller-manager.conf',
        '--bind-address=127.0.0.1',
        '--root-ca-file=/etc/kubernetes/pki/ca.crt',
        '--node-monitor-grace-period=40s',
      ]),
    );
    // The three control-plane components run with a small young generation (AGENT_NODE_OPTIONS).
    for (const u of units.slice(1)) expect(u.exec.slice(0, 3)).toContain('--max-semi-space-size=4');
    expect(units[3].exec.slice(2, 4)).toEqual(['/opt/nodekube/bin/nodekube-agent.cjs', 'scheduler']);
    expect(units[3].exec.slice(4)).toEqual([
      '--kubeconfig=/etc/kubernetes/scheduler.conf',
      '--bind-address=127.0.0.1',
      '--port=10259',
    ]);
    // etcd: TLS on loopback, and only clients with a certificate from the cluster CA get in.
    expect(units[0].exec).toEqual(
      expect.arrayContaining([
        '--listen-client-urls=https://127.0.0.1:2379',
        '--client-cert-auth=true',
        '--trusted-ca-file=/etc/kubernetes/pki/ca.crt',
        '--peer-client-cert-auth=true',
      ]),
    );
    expect(units[0].usesBundle).toBe(false);
  });

  it('gives the master kube-proxy and hostgw (no kubelet), hostgw keeping both cluster ranges inside', () => {
    const master = findHost(inv, 'master');
    const units = unitsFor(inv, master);
    expect(units.map((u) => u.name)).toEqual([
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kube-proxy',
      'kube-hostgw',
    ]);
    expect(units[5].exec.slice(2)).toEqual([
      'hostgw',
      '--kubeconfig=/etc/kubernetes/kube-proxy.conf',
      '--hostname-override=master',
      '--node-ip=192.168.200.100',
      '--cluster-cidr=10.244.0.0/16',
      '--service-cluster-ip-range=10.96.0.0/12',
      '--bind-address=127.0.0.1',
    ]);
    expect(unitsFor(inv, minion2).map((u) => u.name)).toEqual(['kubelet', 'kube-proxy', 'kube-hostgw']);
  });

  it('gives an ai host both sets', () => {
    const ai = parseVagrantConfig('host_groups: {boss: 10.0.0.10, w: 10.0.0.11}\nroles: {boss: ai}\n');
    expect(unitsFor(ai, findHost(ai, 'boss')).map((u) => u.name)).toEqual([
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kubelet',
      'kube-proxy',
      'kube-hostgw',
    ]);
  });

  it("puts Docker's bridge on the pod CIDR and leaves masquerading to the pod network", () => {
    expect(dockerDaemonConfig(minion2)).toMatchObject({
      bip: '10.244.2.1/24',
      iptables: true,
      'ip-masq': false,
    });
  });
});

describe('planServiceAction: restart only what changed', () => {
  it.each([
    [{ unitChanged: false, bundleChanged: false, usesBundle: true, active: true }, 'none'],
    [{ unitChanged: true, bundleChanged: false, usesBundle: true, active: true }, 'restart'],
    [{ unitChanged: false, bundleChanged: true, usesBundle: true, active: true }, 'restart'],
    [{ unitChanged: false, bundleChanged: true, usesBundle: false, active: true }, 'none'], // etcd ignores our bundle
    [{ unitChanged: false, bundleChanged: false, usesBundle: true, active: false }, 'start'],
    [{ unitChanged: true, bundleChanged: true, usesBundle: true, active: false }, 'start'],
    // a renewed certificate restarts what reads it, etcd included
    [
      { unitChanged: false, bundleChanged: false, usesBundle: false, filesChanged: true, active: true },
      'restart',
    ],
  ])('%o → %s', (state, want) => {
    expect(planServiceAction(state)).toBe(want);
  });

  it('knows which credential files each unit reads', () => {
    const [etcd, apiserver] = masterUnits(inv, findHost(inv, 'master'));
    expect(filesRead(etcd)).toContain('/etc/kubernetes/pki/etcd/server.key');
    expect(filesRead(etcd)).not.toContain('/etc/kubernetes/pki/apiserver.key');
    expect(filesRead(apiserver)).toEqual(
      expect.arrayContaining(['/etc/kubernetes/pki/apiserver.key', '/etc/kubernetes/encryption-config.yaml']),
    );
    const kubelet = minionUnits(inv, minion2)[0];
    expect(filesRead(kubelet)).toEqual([
      '/etc/kubernetes/kubelet.conf',
      '/var/lib/kubelet/pki/kubelet.crt',
      '/var/lib/kubelet/pki/kubelet.key',
      '/etc/kubernetes/pki/ca.crt',
    ]);
  });
});

describe('teardown script', () => {
  it('removes units, bundle, etcd data and KUBE chains but never touches SSH', () => {
    const m = renderTeardown(inv, findHost(inv, 'master'));
    expect(m).toContain(
      'systemctl disable --now etcd.service kube-apiserver.service kube-controller-manager.service kube-scheduler.service',
    );
    expect(m).toContain('rm -rf /opt/nodekube /var/lib/nodekube/etcd /var/lib/nodekube');
    expect(m).not.toContain('/var/lib/kubelet');
    // the credentials go too, and only nodekube's files of /etc/kubernetes
    expect(m).toContain('/etc/kubernetes/pki/apiserver.key');
    expect(m).not.toContain('rm -rf /etc/kubernetes');
    expect(m).not.toContain('docker');
    // The master runs kube-proxy and hostgw too: their rules and routes go with them.
    expect(m).toContain('proxy --cleanup');
    expect(m).toContain('hostgw --cleanup');
    expect(m).toContain('ip -4 route flush proto 201');
    const n = renderTeardown(inv, minion2);
    expect(n).toContain('--filter name=k8s_');
    expect(n).toContain('rm -f /etc/docker/daemon.json');
    expect(n).toContain('rm -rf /var/lib/kubelet');
    expect(n).toContain('ip -4 route show root 10.244.0.0/16');
    for (const text of [m, n]) expect(text).not.toMatch(/ssh|sudoers|userdel/);
  });
});

describe('failure-detection profiles in the master units', () => {
  const exec = (profile: 'default' | 'fast', unit: string) =>
    masterUnits(inv, findHost(inv, 'master'), profile).find((u) => u.name === unit)?.exec ?? [];

  it('writes upstream timings by default: 5s/40s on the controller-manager, 300s tolerations on the apiserver', () => {
    expect(exec('default', 'kube-controller-manager')).toEqual(
      expect.arrayContaining(['--node-monitor-period=5s', '--node-monitor-grace-period=40s']),
    );
    expect(exec('default', 'kube-apiserver')).toEqual(
      expect.arrayContaining([
        '--default-not-ready-toleration-seconds=300',
        '--default-unreachable-toleration-seconds=300',
      ]),
    );
  });

  it('writes 2s/20s and 5s tolerations for the fast profile, and nothing else changes', () => {
    expect(exec('fast', 'kube-controller-manager')).toEqual(
      expect.arrayContaining(['--node-monitor-period=2s', '--node-monitor-grace-period=20s']),
    );
    expect(exec('fast', 'kube-apiserver')).toEqual(
      expect.arrayContaining([
        '--default-not-ready-toleration-seconds=5',
        '--default-unreachable-toleration-seconds=5',
      ]),
    );
    expect(exec('fast', 'kube-scheduler')).toEqual(exec('default', 'kube-scheduler'));
    expect(exec('fast', 'etcd')).toEqual(exec('default', 'etcd'));
  });
});
