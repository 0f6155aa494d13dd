import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  apiUrlOf,
  bridgeAddress,
  masterOf,
  minionsOf,
  parseHostsList,
  parseSshConfig,
  parseVagrantConfig,
  podCidrFor,
  withVagrantSsh,
} from './inventory';
import { addHostToConfig, removeHostFromConfig } from './inventory-edit';

const repoConfig = readFileSync(new URL('../vagrant_config.yml', import.meta.url), 'utf8');

describe('vagrant_config.yml', () => {
  it('reads the repo file: one master, three minions with 10.244.N.0/24 in order', () => {
    const inv = parseVagrantConfig(repoConfig, '/repo');
    expect(inv.hosts.map((h) => [h.name, h.ip, h.roles.join('+'), h.podCidr])).toEqual([
      ['master', '192.168.200.100', 'master', undefined],
      ['minion1', '192.168.200.101', 'minion', '10.244.1.0/24'],
      ['minion2', '192.168.200.102', 'minion', '10.244.2.0/24'],
      ['minion3', '192.168.200.103', 'minion', '10.244.3.0/24'],
    ]);
    expect(inv.hosts[1].ssh).toEqual({
      host: '192.168.200.101',
      port: 22,
      user: 'vagrant',
      keyFile: '/repo/.nodekube/ssh/id_ed25519',
    });
    expect([inv.clusterCidr, inv.serviceCidr, inv.nodePortRange]).toEqual([
      '10.244.0.0/16',
      '10.96.0.0/12',
      '30000-32767',
    ]);
    expect(apiUrlOf(inv)).toBe('https://192.168.200.100:6443');
  });

  it('takes kube-up roles: ai is master and minion and gets the first pod CIDR', () => {
    const inv = parseVagrantConfig(
      'host_groups: {boss: 10.0.0.10, worker: 10.0.0.11}\nroles: {boss: ai, worker: i}\n',
    );
    expect(masterOf(inv).name).toBe('boss');
    expect(minionsOf(inv).map((h) => [h.name, h.podCidr])).toEqual([
      ['boss', '10.244.1.0/24'],
      ['worker', '10.244.2.0/24'],
    ]);
  });

  it('keeps pinned pod CIDRs and gives the others the next free ones', () => {
    const inv = parseVagrantConfig(
      'host_groups: {master: 10.0.0.1, minion1: 10.0.0.2, minion3: 10.0.0.4, minion4: 10.0.0.5}\npod_cidrs: {minion3: 10.244.2.0/24}\n',
    );
    expect(minionsOf(inv).map((h) => h.podCidr)).toEqual(['10.244.1.0/24', '10.244.2.0/24', '10.244.3.0/24']);
  });

  it.each([
    ['no host_groups', 'box: {}\n', /no host_groups/],
    [
      'two masters',
      'host_groups: {master: 10.0.0.1, master2: 10.0.0.2, m: 10.0.0.3}\n',
      /exactly one master, found 2/,
    ],
    ['no minion', 'host_groups: {master: 10.0.0.1}\n', /at least one minion/],
    ['duplicate IP', 'host_groups: {master: 10.0.0.1, minion1: 10.0.0.1}\n', /10.0.0.1 appears twice/],
    ['bad name', 'host_groups: {master: 10.0.0.1, Minion_1: 10.0.0.2}\n', /not a valid node name/],
    [
      'bad role',
      'host_groups: {master: 10.0.0.1, minion1: 10.0.0.2}\nroles: {minion1: worker}\n',
      /unknown role "worker"/,
    ],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseVagrantConfig(text)).toThrow(message);
  });
});

describe('hosts list', () => {
  it('reads name user@address[:port] role lines, skipping comments', () => {
    const inv = parseHostsList(
      '# bare metal\nmaster root@10.0.0.10 ai\nminion1 core@10.0.0.11:2222 minion\n',
      { keyFile: '/k' },
    );
    expect(
      inv.hosts.map((h) => [h.name, h.ip, h.roles.join('+'), h.ssh.user, h.ssh.port, h.podCidr]),
    ).toEqual([
      ['master', '10.0.0.10', 'master+minion', 'root', 22, '10.244.1.0/24'],
      ['minion1', '10.0.0.11', 'minion', 'core', 2222, '10.244.2.0/24'],
    ]);
  });

  it('names the line it cannot read', () => {
    expect(() => parseHostsList('master root@10.0.0.10 ai\nminion1 nowhere\n')).toThrow(/hosts line 2/);
  });
});

describe('vagrant ssh-config', () => {
  const text = `Host master
  HostName 127.0.0.1
  User vagrant
  Port 2222
  IdentityFile /p/.nodekube/ssh/id_ed25519
  IdentitiesOnly yes

Host minion1
  HostName 127.0.0.1
  User vagrant
  Port 2200
  IdentityFile "/p/key with space"
`;
  it('parses endpoints per machine', () => {
    expect(Object.fromEntries(parseSshConfig(text))).toEqual({
      master: { host: '127.0.0.1', port: 2222, user: 'vagrant', identityFile: '/p/.nodekube/ssh/id_ed25519' },
      minion1: { host: '127.0.0.1', port: 2200, user: 'vagrant', identityFile: '/p/key with space' },
    });
  });

  it('points SSH at Vagrant but keeps the private-network node IPs', () => {
    const inv = parseVagrantConfig('host_groups: {master: 192.168.200.100, minion1: 192.168.200.101}\n');
    const v = withVagrantSsh(inv, parseSshConfig(text));
    expect(v.vagrant).toBe(true);
    expect(v.hosts.map((h) => [h.ip, h.ssh.host, h.ssh.port])).toEqual([
      ['192.168.200.100', '127.0.0.1', 2222],
      ['192.168.200.101', '127.0.0.1', 2200],
    ]);
    expect(() => withVagrantSsh(parseVagrantConfig(repoConfig), parseSshConfig(text))).toThrow(
      /no machine "minion2"/,
    );
  });
});

describe('pod CIDRs', () => {
  it.each([
    ['10.244.0.0/16', 1, '10.244.1.0/24'],
    ['10.244.0.0/16', 3, '10.244.3.0/24'],
    ['172.30.0.0/16', 255, '172.30.255.0/24'],
  ])('%s, minion %i → %s', (cluster, n, want) => {
    expect(podCidrFor(cluster, n)).toBe(want);
  });
  it('refuses a cluster CIDR narrower than /16 and the 256th minion', () => {
    expect(() => podCidrFor('10.244.0.0/24', 1)).toThrow(/expected a \/16/);
    expect(() => podCidrFor('10.244.0.0/16', 256)).toThrow(/room for 255/);
  });
  it('puts the Docker bridge on the first address', () => {
    expect(bridgeAddress('10.244.2.0/24')).toBe('10.244.2.1/24');
  });
});

describe('inventory edits (add-node, remove-node)', () => {
  it('adds a host and keeps the comments', () => {
    const text = addHostToConfig(repoConfig, 'minion4', '192.168.200.104');
    expect(text).toContain('# Kubernetes node names are these machine names.');
    expect(
      minionsOf(parseVagrantConfig(text))
        .map((h) => [h.name, h.podCidr])
        .at(-1),
    ).toEqual(['minion4', '10.244.4.0/24']);
    expect(() => addHostToConfig(text, 'minion4', '192.168.200.105')).toThrow(/already/);
  });

  it('removes a host and pins the others, so minion3 keeps 10.244.3.0/24', () => {
    const text = removeHostFromConfig(repoConfig, 'minion2', parseVagrantConfig(repoConfig));
    const after = parseVagrantConfig(text);
    expect(after.hosts.map((h) => h.name)).toEqual(['master', 'minion1', 'minion3']);
    expect(minionsOf(after).map((h) => h.podCidr)).toEqual(['10.244.1.0/24', '10.244.3.0/24']);
    // and a new minion then takes the freed 10.244.2.0/24
    expect(
      minionsOf(parseVagrantConfig(addHostToConfig(text, 'minion4', '192.168.200.104'))).at(-1)?.podCidr,
    ).toBe('10.244.2.0/24');
  });
});
