import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensurePki, loadPkiMaterial, pkiPaths } from './pki';
import { type ClusterPki, certificatePlan } from './plan';

const cluster: ClusterPki = {
  masterName: 'master',
  masterIp: '192.168.56.10',
  serviceIp: '10.96.0.1',
  nodes: [{ name: 'minion-1', ip: '192.168.56.11' }],
};

let dir: string;
let first: string[];
const cert = async (name: string) => new X509Certificate(await readFile(pkiPaths(dir, name).cert));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pki-'));
  first = (await ensurePki(dir, cluster)).created;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('ensurePki', () => {
  it('writes the CA and every planned pair on first run', () => {
    expect(first).toEqual(['ca', ...certificatePlan(cluster).map((s) => s.name), 'sa', 'encryption-config']);
  });

  it('makes a CA that can sign: CA:TRUE, keyCertSign, ten years', async () => {
    const ca = await cert('ca');
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=nodekube-ca');
    const years = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / (365 * 86_400_000);
    expect(Math.round(years)).toBe(10);
  });

  it('serves the apiserver under every name pods and hosts use', async () => {
    const api = await cert('apiserver');
    expect(api.checkIssued(await cert('ca'))).toBe(true);
    expect(api.verify((await cert('ca')).publicKey)).toBe(true);
    expect(api.ca).toBe(false);
    expect(api.subjectAltName?.split(', ')).toEqual([
      'DNS:master',
      'DNS:kubernetes',
      'DNS:kubernetes.default',
      'DNS:kubernetes.default.svc',
      'DNS:kubernetes.default.svc.cluster.local',
      'DNS:localhost',
      'IP Address:192.168.56.10',
      'IP Address:10.96.0.1',
      'IP Address:127.0.0.1',
    ]);
    expect(api.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth only
    expect(api.checkHost('kubernetes.default.svc')).toBe('kubernetes.default.svc');
    expect(api.checkIP('10.96.0.1')).toBe('10.96.0.1');
  });

  it('names users and groups the way RBAC bootstrap bindings expect', async () => {
    expect((await cert('admin')).subject).toBe('CN=kubernetes-admin\nO=system:masters');
    expect((await cert('scheduler')).subject).toBe('CN=system:kube-scheduler');
    expect((await cert('controller-manager')).subject).toBe('CN=system:kube-controller-manager');
    expect((await cert('kube-proxy')).subject).toBe('CN=system:kube-proxy');
    expect((await cert('nodes/minion-1')).subject).toBe('CN=system:node:minion-1\nO=system:nodes');
    expect((await cert('admin')).keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // clientAuth
    expect((await cert('etcd/peer')).keyUsage?.sort()).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  });

  it('gives each kubelet a serving cert for its own IP and name, valid one year', async () => {
    const k = await cert('nodes/minion-1-serving');
    expect(k.subjectAltName).toBe('DNS:minion-1, IP Address:192.168.56.11');
    const days = (Date.parse(k.validTo) - Date.parse(k.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(365);
  });

  it('keeps private keys 0600 and certificates 0644', async () => {
    expect((await stat(pkiPaths(dir, 'ca').key)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'sa.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(pkiPaths(dir, 'apiserver').cert)).mode & 0o777).toBe(0o644);
  });

  it('reuses what exists and only issues for a new node', async () => {
    const before = await readFile(pkiPaths(dir, 'apiserver').cert, 'utf8');
    const again = await ensurePki(dir, cluster);
    expect(again.created).toEqual([]);
    const grown = await ensurePki(dir, {
      ...cluster,
      nodes: [...cluster.nodes, { name: 'minion-2', ip: '192.168.56.12' }],
    });
    expect(grown.created).toEqual(['nodes/minion-2', 'nodes/minion-2-serving']);
    expect(await readFile(pkiPaths(dir, 'apiserver').cert, 'utf8')).toBe(before);
  });

  it('reissues the apiserver cert when the master IP changes', async () => {
    const moved = await ensurePki(dir, { ...cluster, masterIp: '192.168.56.20' });
    expect(moved.created).toEqual(['apiserver', 'etcd/server', 'etcd/peer']);
    expect((await cert('apiserver')).checkIP('192.168.56.20')).toBe('192.168.56.20');
  });

  it('renews every leaf certificate and keeps the CA, its key and the service-account keys', async () => {
    const ca = await readFile(pkiPaths(dir, 'ca').cert, 'utf8');
    const sa = await readFile(join(dir, 'sa.key'), 'utf8');
    const admin = await readFile(pkiPaths(dir, 'admin').cert, 'utf8');
    const renewed = await ensurePki(dir, cluster, new Date(), { renew: true });
    expect(renewed.created).toEqual(certificatePlan(cluster).map((s) => s.name));
    expect(await readFile(pkiPaths(dir, 'ca').cert, 'utf8')).toBe(ca);
    expect(await readFile(join(dir, 'sa.key'), 'utf8')).toBe(sa);
    expect(await readFile(pkiPaths(dir, 'admin').cert, 'utf8')).not.toBe(admin);
  });

  it('writes an aescbc EncryptionConfiguration for secrets once, 0600, identity last', async () => {
    const text = await readFile(join(dir, 'encryption-config.yaml'), 'utf8');
    const config = parse(text);
    expect(config).toMatchObject({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'EncryptionConfiguration',
    });
    const [rule] = config.resources;
    expect(rule.resources).toEqual(['secrets']);
    expect(Buffer.from(rule.providers[0].aescbc.keys[0].secret, 'base64')).toHaveLength(32);
    expect(rule.providers[1]).toEqual({ identity: {} });
    expect((await stat(join(dir, 'encryption-config.yaml'))).mode & 0o777).toBe(0o600);
  });

  it('loads the material the hosts’ files are made of', async () => {
    const pki = await loadPkiMaterial(dir);
    expect(pki.names).toEqual(expect.arrayContaining(['ca', 'apiserver', 'etcd/server', 'nodes/minion-1']));
    expect(pki.pair('nodes/minion-1').certPem).toContain('BEGIN CERTIFICATE');
    expect(() => pki.pair('nodes/nope')).toThrow(/nodes\/nope.crt\/.key missing/);
  });
});
