// Kubeconfigs that carry a client certificate (kubeadm's admin.conf, scheduler.conf,
// controller-manager.conf, kubelet.conf), built from the PKI's files. Pure text; the installer
// writes it with mode 0600 because it embeds a private key.
//
//   kubeconfigYaml({ server: 'https://192.168.56.10:6443', user: 'kubernetes-admin', ca, cert, key })

import { stringify } from 'yaml';

export interface KubeconfigSpec {
  server: string;
  /** The name of the user entry (the certificate's CN, by kubeadm's habit). */
  user: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  cluster?: string;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

export function kubeconfigYaml(s: KubeconfigSpec): string {
  const cluster = s.cluster ?? 'nodekube';
  const context = `${s.user}@${cluster}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: s.server, 'certificate-authority-data': b64(s.caPem) } }],
    users: [
      { name: s.user, user: { 'client-certificate-data': b64(s.certPem), 'client-key-data': b64(s.keyPem) } },
    ],
    contexts: [{ name: context, context: { cluster, user: s.user } }],
    'current-context': context,
    preferences: {},
  });
}
