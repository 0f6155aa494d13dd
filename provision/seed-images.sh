#!/usr/bin/env bash
# The images the seed documents name, built here from Debian's static busybox (there is no
# registry and no internet): each a few MB, one layer.
#   nginx  (and nginx:latest, :1.7.9, :1.8, :1.9, :1.9.1, :alpine)
#          busybox httpd serving /usr/share/nginx/html, an index page like nginx's welcome page
#          naming the tag ("nginx/1.7.9"), so a rollout and its undo show in what curl reads.
#          PID 1 is a small sh init that stops httpd and exits on SIGTERM: busybox httpd as
#          PID 1 ignores SIGTERM, and every delete would wait out the 30 s grace period.
#   httpd  (httpd:latest)  the same server on /usr/local/apache2/htdocs, "It works!" (seed 004)
#   latest123/apache       the same on /var/www/html (seed 003's apache pod)
#   busybox (busybox:latest)  `sh` as its command, /tmp, for `kubectl run -it busybox`
# Every image has /bin/sh, /bin/bash (→ sh) and busybox's applets (wget, nc, bc, date …).
# Skips the build when an image already carries this script's hash (label nodekube.inputs);
# `nodekube up` runs it and copies the images to every minion.
set -euo pipefail
cd "$(dirname "$0")"
busybox=${BUSYBOX:-/bin/busybox}
inputs=$(cat seed-images.sh "$busybox" | sha256sum | cut -c1-16)

NGINX_TAGS=(latest 1.7.9 1.8 1.9 1.9.1 alpine)
IMAGES=()
for t in "${NGINX_TAGS[@]}"; do IMAGES+=("nginx:$t"); done
IMAGES+=(httpd:latest latest123/apache:latest busybox:latest)

if [ "${1:-}" = --list ]; then printf '%s\n' "${IMAGES[@]}"; exit 0; fi

current=true
for img in "${IMAGES[@]}"; do
  [ "$(docker image inspect -f '{{index .Config.Labels "nodekube.inputs"}}' "$img" 2>/dev/null)" = "$inputs" ] || current=false
done
if $current; then echo "✓ seed images are up to date (inputs $inputs)"; exit 0; fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# The tree every image shares: busybox with a link per applet, bash → sh, /tmp, root in passwd.
base=$root/base
mkdir -p "$base/bin" "$base/usr/sbin" "$base/tmp" "$base/etc"
chmod 1777 "$base/tmp"
cp "$busybox" "$base/bin/busybox"
for applet in $("$busybox" --list); do [ "$applet" = busybox ] || ln -s busybox "$base/bin/$applet"; done
printf '#!/bin/sh\nexec /bin/sh "$@"\n' > "$base/bin/bash"
chmod 755 "$base/bin/bash"
echo 'root:x:0:0:root:/root:/bin/sh' > "$base/etc/passwd"
echo 'root:x:0:' > "$base/etc/group"

# rootfs DIR DOCROOT PAGE: the shared tree, the server's init and one index page.
rootfs() {
  local dir=$1 docroot=$2 page=$3
  cp -a "$base" "$dir"
  mkdir -p "$dir$docroot"
  printf '%s\n' "$page" > "$dir$docroot/index.html"
  # The server's init: httpd in the background, sh waits; TERM/INT/QUIT stop httpd and exit 0.
  cat > "$dir/usr/sbin/serve" <<INIT
#!/bin/sh
echo "\$0: serving $docroot on :80 (busybox httpd)"
httpd -f -v -p 80 -h $docroot &
pid=\$!
trap 'kill \$pid 2>/dev/null; wait \$pid; echo "\$0: stopped"; exit 0' TERM INT QUIT
wait \$pid
INIT
  chmod 755 "$dir/usr/sbin/serve"
}

# import DIR IMAGE CMD-JSON
import() {
  tar -C "$1" -c . | docker import \
    -c 'ENV PATH=/usr/sbin:/bin' \
    -c "LABEL nodekube.inputs=$inputs" \
    -c 'EXPOSE 80' \
    -c "CMD $3" - "$2" >/dev/null
  echo "built $2"
}

for t in "${NGINX_TAGS[@]}"; do
  version=$t
  [ "$t" = latest ] || [ "$t" = alpine ] && version=1.17.2
  page="<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>
<p><em>Thank you for using nginx.</em></p>
<p>nginx/$version (nodekube's busybox stand-in, image nginx:$t)</p>
</body>
</html>"
  rootfs "$root/nginx-$t" /usr/share/nginx/html "$page"
  import "$root/nginx-$t" "nginx:$t" '["serve"]'
done
rootfs "$root/httpd" /usr/local/apache2/htdocs '<html><body><h1>It works!</h1></body></html>'
import "$root/httpd" httpd:latest '["serve"]'
rootfs "$root/apache" /var/www/html '<html><body><h1>It works!</h1><p>Apache2 default page (nodekube stand-in)</p></body></html>'
import "$root/apache" latest123/apache:latest '["serve"]'
import "$base" busybox:latest '["sh"]'
