import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { catFilesCommand, certRows, certTable, needsAttention, parseCatFiles } from '../certs';
import { clusterPkiOf, findHost, parseVagrantConfig } from '../inventory';
import { HOST_PATHS, type HostFile, hostFiles, type PkiMaterial } from './host-files';
import { ensurePki, loadPkiMaterial } from './pki';

const inv = parseVagrantConfig(
  'host_groups: {master: 192.168.200.100, minion1: 192.168.200.101, minion2: 192.168.200.102}\n',
);
let dir: string;
let pki: PkiMaterial;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'host-files-'));
  await ensurePki(dir, clusterPkiOf(inv));
  pki = await loadPkiMaterial(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const byPath = (files: HostFile[]) => new Map(files.map((f) => [f.path, f]));
const clientCertOf = (conf: string) => {
  const doc = parse(conf);
  return {
    server: doc.clusters[0].cluster.server as string,
    subject: new X509Certificate(Buffer.from(doc.users[0].user['client-certificate-data'], 'base64')).subject,
  };
};

describe('what each host gets', () => {
  it('names the PKI the way the certificates must: the master, the first service IP, the minions', () => {
    expect(clusterPkiOf(inv)).toEqual({
      masterName: 'master',
      masterIp: '192.168.200.100',
      serviceIp: '10.96.0.1',
      nodes: [
        { name: 'minion1', ip: '192.168.200.101' },
        { name: 'minion2', ip: '192.168.200.102' },
      ],
    });
  });

  it('gives the master the control plane’s keys and kubeconfigs, never the CA key', () => {
    const files = byPath(hostFiles(inv, findHost(inv, 'master'), pki));
    for (const p of [
      HOST_PATHS.apiserverKey,
      HOST_PATHS.etcdServerKey,
      HOST_PATHS.etcdClientKey,
      HOST_PATHS.kubeletClientKey,
      HOST_PATHS.saKey,
      HOST_PATHS.encryptionConfig,
      HOST_PATHS.adminConf,
      HOST_PATHS.schedulerConf,
    ])
      expect(files.get(p)?.mode, p).toBe('0600');
    expect(files.get(HOST_PATHS.ca)?.mode).toBe('0644');
    expect([...files.keys()].some((p) => p.endsWith('ca.key'))).toBe(false);
    expect(files.has(HOST_PATHS.kubeletConf)).toBe(false);
    expect(clientCertOf(files.get(HOST_PATHS.schedulerConf)?.content ?? '')).toEqual({
      server: 'https://192.168.200.100:6443',
      subject: 'CN=system:kube-scheduler',
    });
  });

  it('gives a minion its own node identity and serving pair, and no control-plane secret', () => {
    const files = byPath(hostFiles(inv, findHost(inv, 'minion2'), pki));
    expect([...files.keys()].sort()).toEqual(
      [
        HOST_PATHS.ca,
        HOST_PATHS.kubeProxyConf,
        HOST_PATHS.kubeletConf,
        HOST_PATHS.kubeletServingCert,
        HOST_PATHS.kubeletServingKey,
      ].sort(),
    );
    expect(clientCertOf(files.get(HOST_PATHS.kubeletConf)?.content ?? '').subject).toBe(
      'CN=system:node:minion2\nO=system:nodes',
    );
    const serving = new X509Certificate(files.get(HOST_PATHS.kubeletServingCert)?.content ?? '');
    expect(serving.subjectAltName).toBe('DNS:minion2, IP Address:192.168.200.102');
  });
});

describe('certs check', () => {
  const master = () => hostFiles(inv, findHost(inv, 'master'), pki);

  it('reads every file in one round trip and splits the answer back per file', () => {
    const cmd = catFilesCommand(['/a.crt', '/b.conf']);
    expect(cmd).toBe('for f in /a.crt /b.conf; do echo "==> $f"; cat "$f" 2>/dev/null; echo; done');
    expect(parseCatFiles('==> /a.crt\nA\n==> /b.conf\n==> /c\nC1\nC2\n')).toEqual(
      new Map([
        ['/a.crt', 'A\n'],
        ['/b.conf', ''],
        ['/c', 'C1\nC2\n'],
      ]),
    );
  });

  it('finds certificates in files and inside kubeconfigs; all current on a fresh host', () => {
    const want = master();
    // as read back over SSH: each file followed by the newline the command adds
    const rows = certRows('master', want, new Map(want.map((f) => [f.path, `${f.content}\n`])));
    expect(rows.map((r) => r.where)).toEqual(
      expect.arrayContaining([HOST_PATHS.apiserverCert, `${HOST_PATHS.adminConf} (client)`]),
    );
    expect(rows.every((r) => r.current)).toBe(true);
    const now = new Date();
    expect(rows.some((r) => needsAttention(r, now))).toBe(false);
    // a year from now less a day the leaves are within the 30-day warning
    expect(rows.some((r) => needsAttention(r, new Date(now.getTime() + 340 * 86_400_000)))).toBe(true);
  });

  it('reports a missing file and one left behind by a renewal', () => {
    const want = master();
    const have = new Map(want.map((f) => [f.path, f.content]));
    have.delete(HOST_PATHS.apiserverCert);
    have.set(HOST_PATHS.etcdServerCert, pki.pair('etcd/peer').certPem);
    const table = certTable(certRows('master', want, have), new Date());
    expect(table).toMatch(
      /^master\s+\/etc\/kubernetes\/pki\/apiserver\.crt\s+kube-apiserver\s+-\s+-\s+missing$/m,
    );
    expect(table).toMatch(/etcd\/server\.crt .*stale \(run certs renew\)$/m);
    expect(table.split('\n')[0]).toMatch(/^HOST\s+CERTIFICATE\s+SUBJECT\s+EXPIRES\s+RESIDUAL TIME\s+STATE$/);
  });
});
