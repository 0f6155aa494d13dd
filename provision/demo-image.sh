#!/usr/bin/env bash
# Builds `demo/web:1` locally (there is no registry): Debian's static busybox with a link per
# applet, serving "It works!" with `httpd` on port 80 — the seeds' httpd demo without Docker Hub.
# Copy it to the minions with `./bin/nodekube load-image demo/web:1`.
set -euo pipefail
image=${1:-demo/web:1}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/bin"
echo 'It works!' > "$root/index.html"
for applet in $(/bin/busybox --list); do ln -sf busybox "$root/bin/$applet"; done
rm "$root/bin/busybox"   # the list names busybox itself: the link would hide the binary
cp /bin/busybox "$root/bin/busybox"
tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["httpd","-f","-p","80","-h","/"]' - "$image" >/dev/null
echo "built $image"
