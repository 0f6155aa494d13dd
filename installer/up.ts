// The runbook for `nodekube up`: one ordered list, one line each (STYLE 9, kind's create.go).
// Re-running converges: files are rewritten only when their text differs and services are
// restarted only when their unit or the bundle they run changed.
import type { Step } from './context';
import { addons, buildDnsImage } from './steps/addons';
import { controlPlane } from './steps/control-plane';
import { docker } from './steps/docker';
import { etcd } from './steps/etcd';
import { nodeAgents } from './steps/node-agents';
import { pki, shipPki } from './steps/pki';
import { preflight } from './steps/preflight';
import { seedImages } from './steps/seed-images';
import { ship } from './steps/ship';
import { validate } from './steps/validate';

export const upSteps: Step[] = [
  preflight, //     every host: SSH, sudo, OS, versions, ports, clock, ip_forward
  pki, //           here: CA, certificates, SA keys, encryption key (once); the admin kubeconfig
  ship, //          the agent bundle to /opt/nodekube, skipped when its sha256 matches
  shipPki, //       each host only its own certificates and kubeconfigs, under /etc/kubernetes
  etcd, //          master: etcd on loopback (TLS, client certs), wait until healthy
  controlPlane, //  master: apiserver (wait for /healthz), controller-manager, scheduler
  docker, //        minions: daemon.json with the pod CIDR as bridge, before Docker starts
  nodeAgents, //    minions: kubelet; every host: kube-proxy, kube-hostgw
  ...seedImages, // here: build nginx/httpd/busybox from busybox-static; minions: docker load
  ...addons, //     minions: build the DNS image; here: kube-dns Service + coredns Deployment, wait Ready
  validate, //      here: all minions Ready, componentstatuses Healthy (bounded)
];

/** The steps for one new minion (add-node): no control plane; its certificates; the DNS image, since DNS pods may land there. */
export const nodeSteps: Step[] = [
  preflight,
  pki,
  ship,
  shipPki,
  docker,
  nodeAgents,
  ...seedImages,
  buildDnsImage,
];
