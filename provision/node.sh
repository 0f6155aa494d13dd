#!/usr/bin/env bash
# Prepares one Debian/Ubuntu machine to be a nodekube node. Vagrant runs it on every machine
# (VirtualBox and docker providers alike) as root, with the cluster's machines as arguments:
#   provision/node.sh 192.168.200.100=master 192.168.200.101=minion1 …
# Idempotent: packages only when missing, files only rewritten when different.
set -euo pipefail
echo "$(date -u +%FT%TZ) [INFO] provisioning $(hostname)"

in_container() { systemd-detect-virt --container --quiet 2>/dev/null || [ -f /.dockerenv ]; }

# 1. Packages (the docker provider's image has them all; a VirtualBox box gets them here).
packages=(docker.io nodejs etcd-server etcd-client iptables iproute2 conntrack kmod
          busybox-static ca-certificates curl sudo)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "• installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Docker and etcd wait for the installer: the inner Docker must get its pod CIDR as bridge
  # address (daemon.json `bip`) before it serves pods, and only the master runs etcd.
  for p in "${missing[@]}"; do
    case $p in
      docker.io) systemctl disable --now docker.service docker.socket >/dev/null 2>&1 || true ;;
      etcd-server) systemctl disable --now etcd.service >/dev/null 2>&1 || true ;;
    esac
  done
fi

# 2. Kernel settings: forward packets (pods, services) and let bridged traffic meet iptables.
modprobe br_netfilter 2>/dev/null || [ -e /proc/sys/net/bridge ] || echo "• br_netfilter: not available here"
cat >/etc/sysctl.d/90-nodekube.conf <<'SYSCTL'
net.ipv4.ip_forward = 1
net.bridge.bridge-nf-call-iptables = 1
SYSCTL
# A container's /proc/sys is read-only: its values come from `docker run` (and are usually right).
set_sysctl() {
  local key=$1 want=$2 file=/proc/sys/${1//.//}
  [ -e "$file" ] || { echo "• $key: not available here"; return 0; }
  [ "$(cat "$file")" = "$want" ] && return 0
  sysctl -q -w "$key=$want" 2>/dev/null || echo "! could not set $key=$want (is /proc/sys read-only?)" >&2
}
set_sysctl net.ipv4.ip_forward 1
set_sysctl net.bridge.bridge-nf-call-iptables 1

# In a node container /proc/sys is read-only, yet the node agents set network sysctls (hostgw
# writes net.ipv4.ip_forward, kube-proxy may write net.* too). Network sysctls belong to the
# container's own network namespace, so /proc/sys/net alone is made writable, at every boot;
# kernel.* and vm.* stay read-only (they would be the host's). A VM skips this unit.
cat >/etc/systemd/system/nodekube-proc-sys-net.service <<'UNIT'
[Unit]
Description=Writable /proc/sys/net in a node container (per-netns sysctls only)
ConditionVirtualization=container
DefaultDependencies=no
Before=docker.service kubelet.service kube-proxy.service kube-hostgw.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'grep -q " /proc/sys/net proc rw" /proc/mounts || { mount --bind /proc/sys/net /proc/sys/net && mount -o remount,rw,bind /proc/sys/net; }'

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now --quiet nodekube-proc-sys-net.service || echo "! /proc/sys/net stays read-only" >&2

# 3. /etc/hosts: every machine by name, in one marked block (replaced, never appended twice).
block=$(printf '# nodekube machines (provision/node.sh)\n'; for pair in "$@"; do printf '%s\t%s\n' "${pair%%=*}" "${pair#*=}"; done; printf '# end nodekube machines\n')
tmp=$(mktemp)
sed '/^# nodekube machines/,/^# end nodekube machines/d' /etc/hosts >"$tmp"
printf '%s\n' "$block" >>"$tmp"
if ! cmp -s "$tmp" /etc/hosts; then cat "$tmp" >/etc/hosts; fi   # cat keeps Docker's bind mount
rm -f "$tmp"

# 4. Time: a container shares the host's clock; a VM syncs its own (the installer checks skew ≤ 30 s).
if ! in_container; then
  if ! dpkg-query -W -f='${Status}' systemd-timesyncd 2>/dev/null | grep -q 'install ok installed'; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd-timesyncd >/dev/null || true
  fi
  systemctl enable --now systemd-timesyncd >/dev/null 2>&1 || true
fi

date >/etc/vagrant_provisioned_at
echo "$(date -u +%FT%TZ) [INFO] provisioned $(hostname)"
