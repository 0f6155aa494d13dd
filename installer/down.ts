// `nodekube down`: stop and remove what `up` installed — units, bundle, etcd data, credentials,
// pod containers, Docker's config, kube-proxy's chains, host-gw routes — and nothing else: SSH,
// users and packages stay, so the machine can be reinstalled (kubespray#6119 locked users out).
import type { Host, Inventory } from './inventory';
import { HOST_PATHS } from './pki/host-files';
import { unitPath } from './services';
import { shellQuote } from './ssh';
import { AGENT_BUNDLE, ETCD_DATA_DIR, INSTALL_DIR, unitsFor } from './units';

/**
 * Fallback for the agents' own --cleanup: the KUBE-* (kube-proxy) and NODEKUBE-* (hostgw) chains
 * of every table — drop the jumps into them, then flush and delete them.
 */
export const REMOVE_KUBE_CHAINS = `for t in nat filter mangle; do
  iptables-save -t $t 2>/dev/null | grep -E '^-A .* -j (NODE)?KUBE-' | sed 's/^-A/-D/' | while read -r rule; do eval iptables -w -t $t $rule || true; done
  for c in $(iptables-save -t $t 2>/dev/null | sed -nE 's/^:((NODE)?KUBE-[^ ]*).*/\\1/p'); do iptables -w -t $t -F $c || true; done
  for c in $(iptables-save -t $t 2>/dev/null | sed -nE 's/^:((NODE)?KUBE-[^ ]*).*/\\1/p'); do iptables -w -t $t -X $c || true; done
done`;

export function renderTeardown(inv: Inventory, h: Host): string {
  const units = unitsFor(inv, h).map((u) => u.name);
  const minion = h.roles.includes('minion');
  return [
    'set +e',
    `systemctl disable --now ${units.map((u) => `${u}.service`).join(' ')} 2>/dev/null`,
    `rm -f ${units.map((u) => unitPath(u)).join(' ')}`,
    'systemctl daemon-reload',
    ...(minion
      ? [
          // Pod containers first (kubelet names them k8s_…), then Docker itself and its config.
          'if docker info >/dev/null 2>&1; then docker ps -aq --filter name=k8s_ | xargs -r docker rm -f >/dev/null; fi',
          'systemctl disable --now docker.service docker.socket 2>/dev/null',
          'rm -f /etc/docker/daemon.json',
          'ip link delete docker0 2>/dev/null',
          // The kubelet's pod volumes: unmount what it mounted, then remove its root dir.
          'awk \'$2 ~ "^/var/lib/kubelet/" {print $2}\' /proc/mounts | sort -r | xargs -r -n1 umount -l',
          'rm -rf /var/lib/kubelet',
        ]
      : []),
    // Every host runs kube-proxy and hostgw. The agents know their own rules and routes best.
    `if [ -f ${AGENT_BUNDLE} ]; then node ${AGENT_BUNDLE} proxy --cleanup; node ${AGENT_BUNDLE} hostgw --cleanup --cluster-cidr=${inv.clusterCidr}; fi`,
    // Fallback: host-gw routes to the minions' pod CIDRs, and its cluster routes (proto 201).
    `ip -4 route show root ${shellQuote(inv.clusterCidr)} | grep ' via ' | while read -r r; do ip route del $r; done`,
    'ip -4 route flush proto 201 2>/dev/null',
    REMOVE_KUBE_CHAINS,
    `rm -rf ${INSTALL_DIR} ${ETCD_DATA_DIR} /var/lib/nodekube`,
    // The credentials `up` shipped (only ours: a kubeadm install's other files stay), then the
    // directories they leave empty.
    // (a minion's /var/lib/kubelet/pki went with /var/lib/kubelet above).
    `rm -f ${Object.values(HOST_PATHS)
      .filter((p) => !p.startsWith('/var/lib/kubelet/'))
      .join(' ')}`,
    'rmdir /etc/kubernetes/pki/etcd /etc/kubernetes/pki /etc/kubernetes 2>/dev/null',
    'true',
  ].join('\n');
}
