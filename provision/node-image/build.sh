#!/usr/bin/env bash
# Builds the node image for Vagrant's docker provider: a debootstrap'd Debian 12 (bookworm)
# root file system with systemd as PID 1, sshd, Docker, Node.js 18 and etcd, imported with
# `docker import` — no registry, no Dockerfile, no base image pulled from anywhere.
#
# Cache: the image carries a label with the sha256 of its build inputs (this folder). When an
# image with the same label exists the build is skipped; `--force` rebuilds anyway.
# Usage: provision/node-image/build.sh [--force]     (env: NODEKUBE_NODE_IMAGE, NODEKUBE_DEBIAN_MIRROR)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=${NODEKUBE_NODE_IMAGE:-nodekube/node:bookworm}
cache=/var/cache/nodekube/debootstrap

# What the nodes need. Docker and etcd ship disabled: the installer configures them first
# (the inner Docker must get its pod CIDR as bridge address before it ever starts).
packages=(systemd systemd-sysv dbus openssh-server sudo docker.io nodejs etcd-server etcd-client
          iptables iproute2 conntrack kmod busybox-static ca-certificates procps iputils-ping curl)

inputs_hash() {
  (cd "$here" && find . -type f ! -name '*.md' | LC_ALL=C sort | xargs sha256sum; echo "${packages[*]}") \
    | sha256sum | cut -c1-16
}

# Use the mirror this machine's apt already uses (deb822 `URIs:` or one-line `deb URL bookworm`).
debian_mirror() {
  if [ -n "${NODEKUBE_DEBIAN_MIRROR:-}" ]; then echo "$NODEKUBE_DEBIAN_MIRROR"; return; fi
  local m
  m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
      | grep -oE '(URIs:|^deb) +https?://[^ ]+/debian/?( |$)' | grep -v security | head -1 | awk '{print $2}')
  echo "${m:-http://deb.debian.org/debian}"
}

hash=$(inputs_hash)
current=$(docker image inspect "$image" --format '{{ index .Config.Labels "nodekube.inputs" }}' 2>/dev/null || true)
if [ "${1:-}" != "--force" ] && [ "$current" = "$hash" ]; then
  echo "✓ $image is up to date (inputs $hash)"
  exit 0
fi

start=$(date +%s)
rootfs=$(mktemp -d /var/tmp/nodekube-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$cache"
mirror=$(debian_mirror)
echo "• debootstrap bookworm from $mirror into $rootfs"
debootstrap --variant=minbase --cache-dir="$cache" --include="$(IFS=,; echo "${packages[*]}")" \
  bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || { tail -30 "$rootfs.log" >&2; exit 1; }
rm -f "$rootfs.log"

echo "• customizing"
cp -a "$here/files/." "$rootfs/"
cp "$here/customize.sh" "$rootfs/tmp/customize.sh"
chroot "$rootfs" /bin/bash /tmp/customize.sh
rm -f "$rootfs/tmp/customize.sh"

echo "• importing as $image"
tar -C "$rootfs" --numeric-owner -c . | docker import \
  --change 'CMD ["/sbin/init"]' \
  --change 'ENV container=docker' \
  --change "LABEL nodekube.inputs=$hash" \
  - "$image" >/dev/null
echo "✓ built $image (inputs $hash) in $(( $(date +%s) - start ))s, $(docker image inspect "$image" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}')"
