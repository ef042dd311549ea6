#!/usr/bin/env bash
# Runs a command with the Node.js 24 that the packages ship first on PATH, so
# that the suite is also run on the runtime the packages bring:
#
#   bash packaging/node24.sh npx vitest run
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-runtime.sh"
case $(uname -m) in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "node24.sh: no Node.js 24 package for $(uname -m)" >&2; exit 1 ;;
esac
node=$(node_runtime "$arch")
export PATH=$(dirname "$node"):$PATH
echo "# $(node --version) from $node" >&2
exec "$@"
