// Which credentials each host gets, and where: kubeadm's layout, so a user who knows kubeadm finds
// them where they look. Pure: the PKI's text in, a list of files out; steps/ship-pki.ts writes them.
//
//   master   /etc/kubernetes/pki/{ca.crt, apiserver.*, apiserver-kubelet-client.*,
//            apiserver-etcd-client.*, sa.key, sa.pub, etcd/server.*, etcd/peer.*}
//            /etc/kubernetes/{admin,controller-manager,scheduler,kube-proxy}.conf
//            /etc/kubernetes/encryption-config.yaml
//   minion   /etc/kubernetes/pki/ca.crt, /etc/kubernetes/{kubelet,kube-proxy}.conf,
//            /var/lib/kubelet/pki/kubelet.{crt,key} (its serving pair)
//
// The CA's key never leaves the workstation: nothing on a host signs certificates.

import type { Host, Inventory } from '../inventory';
import { apiUrlOf } from '../inventory';
import { kubeconfigYaml } from './kubeconfig';
import type { Issued } from './x509';

export const K8S_DIR = '/etc/kubernetes';
export const HOST_PKI = `${K8S_DIR}/pki`;
const KUBELET_PKI = '/var/lib/kubelet/pki';

/** Every path a unit's flags name: units.ts reads these, ship-pki writes them. */
export const HOST_PATHS = {
  ca: `${HOST_PKI}/ca.crt`,
  apiserverCert: `${HOST_PKI}/apiserver.crt`,
  apiserverKey: `${HOST_PKI}/apiserver.key`,
  kubeletClientCert: `${HOST_PKI}/apiserver-kubelet-client.crt`,
  kubeletClientKey: `${HOST_PKI}/apiserver-kubelet-client.key`,
  etcdClientCert: `${HOST_PKI}/apiserver-etcd-client.crt`,
  etcdClientKey: `${HOST_PKI}/apiserver-etcd-client.key`,
  saKey: `${HOST_PKI}/sa.key`,
  saPub: `${HOST_PKI}/sa.pub`,
  etcdServerCert: `${HOST_PKI}/etcd/server.crt`,
  etcdServerKey: `${HOST_PKI}/etcd/server.key`,
  etcdPeerCert: `${HOST_PKI}/etcd/peer.crt`,
  etcdPeerKey: `${HOST_PKI}/etcd/peer.key`,
  encryptionConfig: `${K8S_DIR}/encryption-config.yaml`,
  adminConf: `${K8S_DIR}/admin.conf`,
  controllerManagerConf: `${K8S_DIR}/controller-manager.conf`,
  schedulerConf: `${K8S_DIR}/scheduler.conf`,
  kubeletConf: `${K8S_DIR}/kubelet.conf`,
  kubeProxyConf: `${K8S_DIR}/kube-proxy.conf`,
  kubeletServingCert: `${KUBELET_PKI}/kubelet.crt`,
  kubeletServingKey: `${KUBELET_PKI}/kubelet.key`,
} as const;

export interface HostFile {
  path: string;
  content: string;
  /** Keys and kubeconfigs (which embed keys) are 0600; certificates and public keys 0644. */
  mode: '0600' | '0644';
}

/** The PKI as text, read from the workstation's .nodekube/pki (pki.ts wrote it). */
export interface PkiMaterial {
  caPem: string;
  /** Every pair's plan name, the CA's (`ca`) included. */
  names: string[];
  /** A pair by its plan name: `apiserver`, `nodes/minion1`, `etcd/server` … */
  pair(name: string): Issued;
  saKeyPem: string;
  saPubPem: string;
  encryptionConfig: string;
}

/** A kubeconfig for one identity of the plan, pointed at the secure port (kubeadm's *.conf). */
export function identityKubeconfig(inv: Inventory, pki: PkiMaterial, pairName: string, user: string): string {
  const pair = pki.pair(pairName);
  return kubeconfigYaml({
    server: apiUrlOf(inv),
    user,
    caPem: pki.caPem,
    certPem: pair.certPem,
    keyPem: pair.keyPem,
  });
}

export function hostFiles(inv: Inventory, host: Host, pki: PkiMaterial): HostFile[] {
  const P = HOST_PATHS;
  const cert = (path: string, pem: string): HostFile => ({ path, content: pem, mode: '0644' });
  const secret = (path: string, text: string): HostFile => ({ path, content: text, mode: '0600' });
  const pairFiles = (name: string, certPath: string, keyPath: string) => [
    cert(certPath, pki.pair(name).certPem),
    secret(keyPath, pki.pair(name).keyPem),
  ];
  const conf = (path: string, pairName: string, user: string) =>
    secret(path, identityKubeconfig(inv, pki, pairName, user));

  const files: HostFile[] = [
    cert(P.ca, pki.caPem),
    // Every host runs kube-proxy and hostgw, both as system:kube-proxy (system:node-proxier).
    conf(P.kubeProxyConf, 'kube-proxy', 'system:kube-proxy'),
  ];
  if (host.roles.includes('master'))
    files.push(
      ...pairFiles('apiserver', P.apiserverCert, P.apiserverKey),
      ...pairFiles('apiserver-kubelet-client', P.kubeletClientCert, P.kubeletClientKey),
      ...pairFiles('apiserver-etcd-client', P.etcdClientCert, P.etcdClientKey),
      ...pairFiles('etcd/server', P.etcdServerCert, P.etcdServerKey),
      ...pairFiles('etcd/peer', P.etcdPeerCert, P.etcdPeerKey),
      secret(P.saKey, pki.saKeyPem),
      cert(P.saPub, pki.saPubPem),
      secret(P.encryptionConfig, pki.encryptionConfig),
      conf(P.adminConf, 'admin', 'kubernetes-admin'),
      conf(P.controllerManagerConf, 'controller-manager', 'system:kube-controller-manager'),
      conf(P.schedulerConf, 'scheduler', 'system:kube-scheduler'),
    );
  if (host.roles.includes('minion'))
    files.push(
      conf(P.kubeletConf, `nodes/${host.name}`, `system:node:${host.name}`),
      ...pairFiles(`nodes/${host.name}-serving`, P.kubeletServingCert, P.kubeletServingKey),
    );
  return files;
}
