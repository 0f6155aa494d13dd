import { describe, expect, it } from 'vitest';
import { findHost, parseVagrantConfig } from '../inventory';
import { describeHost, evaluatePreflight, parseFacts } from './preflight';

const inv = parseVagrantConfig('host_groups: {master: 192.168.200.100, minion1: 192.168.200.101}\n');
const master = findHost(inv, 'master');
const minion = findHost(inv, 'minion1');

const good = parseFacts(`sudo=yes
os=debian 12
init=systemd
node=v18.20.4
docker=20.10.24+dfsg1
etcd=3.4.23
iptables=iptables v1.8.9 (nf_tables)
ip_forward=1
addresses=127.0.0.1 172.17.0.3 192.168.200.101 192.168.200.100
listening=22
active_etcd=inactive
active_kube-apiserver=inactive
active_kubelet=inactive
now_ms=1700000000000`);

const checks = (facts: Record<string, string>, host = minion, skew = 0) =>
  evaluatePreflight(host, facts, skew).map((p) => p.check);

describe('preflight', () => {
  it('passes a prepared node and describes it', () => {
    expect(checks(good)).toEqual([]);
    expect(checks(good, master)).toEqual([]);
    expect(describeHost(good)).toBe('debian 12, node v18.20.4, docker 20.10.24+dfsg1, etcd 3.4.23');
  });

  it.each([
    ['sudo', { sudo: 'no' }],
    ['systemd', { init: 'bash' }],
    ['node', { node: 'v16.20.0' }],
    ['node', { node: '' }],
    ['docker', { docker: '' }],
    ['iptables', { iptables: '' }],
    ['ip_forward', { ip_forward: '0' }],
    ['node-ip', { addresses: '127.0.0.1 10.0.2.15' }],
    ['ports', { listening: '22 10250' }],
  ])('flags %s', (check, change) => {
    expect(checks({ ...good, ...change })).toEqual([check]);
  });

  it('gives every problem a fix naming what to run', () => {
    const [p] = evaluatePreflight(minion, { ...good, sudo: 'no' }, 0);
    expect(p.message).toBe('vagrant cannot sudo without a password');
    expect(p.fix).toContain('NOPASSWD');
  });

  it('accepts ports held by our own running units (re-running up)', () => {
    expect(checks({ ...good, listening: '22 10250', active_kubelet: 'active' })).toEqual([]);
    expect(checks({ ...good, listening: '2379 2380 8080', active_etcd: 'active' }, master)).toEqual([
      'ports',
    ]); // 8080 by someone else
  });

  it('only the master needs etcd, only minions need docker and ip_forward', () => {
    expect(checks({ ...good, etcd: '' }, minion)).toEqual([]);
    expect(checks({ ...good, etcd: '' }, master)).toEqual(['etcd']);
    expect(checks({ ...good, docker: '', ip_forward: '0' }, master)).toEqual([]);
  });

  it('allows 30 s of clock skew, not more', () => {
    expect(checks(good, minion, 29_000)).toEqual([]);
    expect(checks(good, minion, -31_000)).toEqual(['clock']);
  });
});
