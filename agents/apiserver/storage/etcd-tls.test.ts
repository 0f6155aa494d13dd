import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePki, pkiPaths } from '../../../installer/pki/pki';
import { etcdCredentials } from './etcd-tls';

let dir: string;
let files: Map<string, Buffer>;
const read = (p: string) => {
  const b = files.get(p);
  if (!b) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
  return b;
};
const ca = () => pkiPaths(dir, 'ca').cert;
const client = () => pkiPaths(dir, 'apiserver-etcd-client');
const flags = (over: Partial<Parameters<typeof etcdCredentials>[0]> = {}) => ({
  etcdServers: 'https://127.0.0.1:2379',
  etcdCafile: ca(),
  etcdCertfile: client().cert,
  etcdKeyfile: client().key,
  ...over,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nodekube-etcd-tls-'));
  await ensurePki(dir, { masterName: 'm', masterIp: '127.0.0.1', serviceIp: '10.96.0.1', nodes: [] });
  files = new Map();
  for (const p of [ca(), client().cert, client().key, pkiPaths(dir, 'admin').key])
    files.set(p, await readFile(p));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('etcdCredentials', () => {
  it('is undefined without TLS flags (plain http:// etcd)', () => {
    expect(
      etcdCredentials(
        { etcdServers: 'http://127.0.0.1:2379', etcdCafile: '', etcdCertfile: '', etcdKeyfile: '' },
        read,
      ),
    ).toBeUndefined();
  });

  it('reads the CA, the client certificate and its key', () => {
    const c = etcdCredentials(flags(), read);
    expect(c?.ca).toEqual(files.get(ca()));
    expect(c?.cert).toEqual(files.get(client().cert));
    expect(c?.key).toEqual(files.get(client().key));
    expect(etcdCredentials(flags({ etcdCertfile: '', etcdKeyfile: '' }), read)).toEqual({
      ca: files.get(ca()),
    });
  });

  it.each([
    [{ etcdKeyfile: '' }, '--etcd-certfile and --etcd-keyfile must be given together'],
    [
      { etcdServers: 'https://a:2379,http://b:2379' },
      '--etcd-servers: "http://b:2379" is not https://, but TLS flags are set',
    ],
    [{ etcdCafile: '' }, '--etcd-cafile is required with --etcd-certfile'],
    [
      { etcdCafile: '/nope/ca.crt' },
      "--etcd-cafile=/nope/ca.crt: cannot read the file: ENOENT: no such file or directory, open '/nope/ca.crt'",
    ],
  ])('refuses %j', (over, message) => {
    expect(() => etcdCredentials(flags(over), read)).toThrow(message);
  });

  it('names the flag and file holding the wrong kind of PEM, or a key of another cert', () => {
    expect(() => etcdCredentials(flags({ etcdCafile: client().key }), read)).toThrow(
      `--etcd-cafile=${client().key}: not a PEM certificate`,
    );
    expect(() => etcdCredentials(flags({ etcdKeyfile: client().cert }), read)).toThrow(
      `--etcd-keyfile=${client().cert}: not a PEM private key`,
    );
    const other = pkiPaths(dir, 'admin').key;
    expect(() => etcdCredentials(flags({ etcdKeyfile: other }), read)).toThrow(
      `--etcd-keyfile=${other} is not the key of --etcd-certfile=${client().cert}`,
    );
  });
});
