#!/usr/bin/env bash
# The official Python client's e2e suite against a nodekube cluster started from source.
#
#   scripts/python-client-e2e.sh /work/pyclient-e2e [pytest args…]
#
# <suite-dir> is kubernetes-client/python's kubernetes/e2e_test folder (tag v22.6.0 matches
# Debian 12's python3-kubernetes), fetched outside the repo: we never commit it. Needs
# python3-kubernetes and python3-pytest (apt-get), etcd, and the repo's node_modules.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
suite="$(cd "${1:?usage: $0 <suite-dir> [pytest args…]}" && pwd)"
shift
export NODEKUBE_PYCLIENT_SUITE="$suite"
export PYTHONPATH="$here/pyclient${PYTHONPATH:+:$PYTHONPATH}"
cd "$here/.."
exec node --import tsx scripts/python-client-e2e.ts "$suite" "$@"
