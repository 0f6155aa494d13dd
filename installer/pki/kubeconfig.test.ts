import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubeconfigYaml } from './kubeconfig';

describe('kubeconfigYaml', () => {
  it('embeds CA, certificate and key as base64 and selects its one context', () => {
    const cfg = parse(
      kubeconfigYaml({
        server: 'https://192.168.56.10:6443',
        user: 'kubernetes-admin',
        caPem: 'CA',
        certPem: 'CERT',
        keyPem: 'KEY',
      }),
    );
    expect(cfg['current-context']).toBe('kubernetes-admin@nodekube');
    expect(cfg.clusters[0]).toEqual({
      name: 'nodekube',
      cluster: { server: 'https://192.168.56.10:6443', 'certificate-authority-data': 'Q0E=' },
    });
    expect(cfg.users[0].user).toEqual({ 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' });
    expect(cfg.contexts[0].context).toEqual({ cluster: 'nodekube', user: 'kubernetes-admin' });
  });
});
