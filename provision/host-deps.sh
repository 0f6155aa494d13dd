#!/usr/bin/env bash
# Makes this Debian/Ubuntu machine ready to build, test and run nodekube's docker-provider
# cluster: installs what is missing from apt and starts dockerd when none answers.
# Idempotent: a second run installs nothing and starts nothing. Used by .ci/run and `npm run up`.
set -euo pipefail

packages=(etcd-server etcd-client docker.io iptables iproute2 debootstrap busybox-static
          openssh-client vagrant socat conntrack curl ca-certificates chromium)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "• installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The machine has no systemd of its own: start dockerd by hand when nothing answers on its socket.
if ! timeout 5 docker info >/dev/null 2>&1; then
  echo "• starting dockerd"
  mkdir -p /var/log/nodekube
  nohup dockerd >/var/log/nodekube/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    timeout 5 docker info >/dev/null 2>&1 && break
    sleep 1
  done
  timeout 5 docker info >/dev/null 2>&1 || { echo "✗ dockerd did not start; see /var/log/nodekube/dockerd.log" >&2; exit 1; }
fi

# The real kubectl binaries ship in google-cloud-cli beside the dispatcher; tests call kubectl.1.NN.
KUBECTL_DIR=/usr/lib/google-cloud-sdk/bin
if [ ! -x "$KUBECTL_DIR/kubectl.1.33" ]; then
  echo "! kubectl.1.27 … 1.33 not found in $KUBECTL_DIR: the kubectl tests will fail" >&2
fi
