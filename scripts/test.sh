#!/usr/bin/env bash
# The README's test command (`npm test`) and what CI runs: on a fresh Debian/Ubuntu machine it
# installs what is missing (apt packages, dockerd started, node_modules), builds, type-checks, lints,
# and runs every vitest project: unit, integration (real etcd, Docker, iptables in netns, real
# kubectl) and e2e (a 1+3 cluster on Vagrant's docker provider).
# Pass vitest arguments through: `npm test -- --project unit`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash provision/host-deps.sh
# Reproducible installs from the lock file (it lists every platform's optional biome binary,
# which npm 11's `ci` insists on).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
npx tsc --noEmit -p .
npm run --silent lint
exec npx vitest run "$@"
