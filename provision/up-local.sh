#!/usr/bin/env bash
# `npm run up`: a whole nodekube cluster on this Linux machine, from nothing:
#   host packages + dockerd → npm install (if needed) → build → node image (cached) →
#   four node containers with Vagrant's docker provider → `nodekube up` → how to use kubectl.
# Re-running converges: the image build, `vagrant up` and `nodekube up` each skip what is done.
# Extra arguments go to `nodekube up` (e.g. --timeout 10m).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS=0
export VAGRANT_DEFAULT_PROVIDER=docker
# The machines: vagrant_config.yml, or the file NODEKUBE_VAGRANT_CONFIG names (read by the
# Vagrantfile and by ./bin/nodekube alike).
config=${NODEKUBE_VAGRANT_CONFIG:-vagrant_config.yml}

bash provision/host-deps.sh
# Reproducible installs from the lock file.
if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
npm run --silent build
bash provision/node-image/build.sh

# Machines Vagrant is about to create get fresh SSH host keys: forget the ones recorded for them,
# and only those (the others stay pinned).
recreated=()
for name in $(ruby -ryaml -e 'puts YAML.load_file(ARGV[0])["host_groups"].keys' "$config"); do
  id_file=.vagrant/machines/$name/docker/id
  # A stopped container is only started again (same keys); a missing one is created anew.
  if [ ! -f "$id_file" ] || ! docker inspect "$(cat "$id_file")" >/dev/null 2>&1; then
    recreated+=("$name")
  fi
done
forget=()
if [ ${#recreated[@]} -gt 0 ]; then forget=("--forget-host-keys=$(IFS=,; echo "${recreated[*]}")"); fi

echo "• vagrant up (docker provider)"
t0=$SECONDS
vagrant up --parallel
echo "  ✓ machines up ($((SECONDS - t0))s)"

./bin/nodekube up "${forget[@]}" "$@"

cat <<USAGE

nodekube is up in ${SECONDS}s. Use it with kubectl:
  export KUBECONFIG=$PWD/.nodekube/kubeconfig
  kubectl get nodes
  kubectl get componentstatuses
Other commands: ./bin/nodekube status | validate | logs minion1 kubelet | ssh minion1 -- CMD | down
USAGE
