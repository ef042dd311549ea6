#!/usr/bin/env bash
# npm run package: rolewatch as .deb and .rpm, for x86_64 (amd64) and arm64
# (aarch64), each with its own Node.js runtime, into out/packages/.
#
# Needs dpkg-deb and rpmbuild (Debian: apt-get install rpm). The four
# packages differ only by the node binary: no production dependency has
# native code (checked below), so one staged application serves both
# architectures.
#
# The packages are written into out/packages.partial/ and that folder is
# renamed to out/packages/ only when all four are complete, so that nothing
# (a test worker, an upload) ever reads a package that is still being written.
#
# Environment: ROLEWATCH_MAINTAINER (the deb's Maintainer and changelog
# signer), SOURCE_DATE_EPOCH (file times and changelog date; default: the
# last commit's time), ROLEWATCH_OUT (the folder for the stage and the
# packages; default: out/).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
source packaging/node-runtime.sh

out=${ROLEWATCH_OUT:-$repo/out}
stage=$out/stage
packages=$out/packages.partial
version=$(node -p 'require("./package.json").version')
homepage=$(node -p 'require("./package.json").homepage')
maintainer=${ROLEWATCH_MAINTAINER:-rolewatch maintainers <rolewatch@example.org>}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH

for tool in dpkg-deb rpmbuild; do
  command -v "$tool" >/dev/null || { echo "build-packages: $tool not found (apt-get install dpkg rpm)" >&2; exit 1; }
done

# xz level 2: on the node binary, most of each package, 14 % larger than
# level 6 (34 MB against 30 MB) in a third of the time (13 s against 36 s).
xz_level=2

rm -rf "$stage" "$packages" && mkdir -p "$stage" "$packages"

# The application: compiled JavaScript (no source maps: the sources they point
# to are not shipped) and the production dependencies, as package-lock.json
# pins them. No dependency has install scripts; --ignore-scripts also keeps
# "prepare" from building again. npm install, not npm ci: npm ci refuses the
# whole lock when an optional dependency of any package, even a development
# one that --omit=dev never installs, is not on the registry (vite's
# napi-windows-process-start-time); npm install with the lock installs the
# same versions, and a lock it had to change fails the build below.
# --omit=optional leaves out the AWS SDK clients, which only the simulator's
# --aws-backend loads and no agent runs: 40 of the 57 MiB that node_modules
# takes on disk, 5,273 of its 7,897 files (README.md, Packages).
# Compiled into the stage, not dist/: dist/ is what `node dist/main.js` (and
# every test that runs the command) may be reading while this runs.
echo "# build" >&2
node node_modules/typescript/bin/tsc -p tsconfig.build.json --outDir "$stage/dist"
app=$stage/app
mkdir -p "$app"
cp package.json package-lock.json "$app"/
(cd "$stage/dist" && find . -type f ! -name '*.map' -exec install -D -m 0644 {} "$app/dist/{}" \;)
echo "# npm install --omit=dev --omit=optional" >&2
(cd "$app" && npm install --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error)
if ! cmp -s package-lock.json "$app/package-lock.json"; then
  echo "build-packages: package-lock.json does not match package.json; run npm install" >&2
  exit 1
fi
rm -f "$app/package-lock.json"
# What the modules' authors left for git and npm (.npmignore, .gitattributes),
# and npm's own bookkeeping (.bin, .package-lock.json): nothing runs them.
find "$app/node_modules" -name '.*' -prune -exec rm -rf {} +
native=$(find "$app/node_modules" \( -name '*.node' -o -name binding.gyp \) -print)
if [[ -n $native ]]; then
  echo "build-packages: production dependencies with native code cannot be shared across architectures:" >&2
  echo "$native" >&2
  exit 1
fi
module_licenses=$(cd "$app" && node -e '
  const fs = require("fs"), path = require("path");
  const found = new Set();
  const walk = (dir) => {
    for (const name of fs.readdirSync(dir)) {
      const pkg = path.join(dir, name);
      if (name.startsWith("@")) { walk(pkg); continue; }
      const manifest = path.join(pkg, "package.json");
      if (fs.existsSync(manifest)) found.add(JSON.parse(fs.readFileSync(manifest, "utf8")).license);
      if (fs.existsSync(path.join(pkg, "node_modules"))) walk(path.join(pkg, "node_modules"));
    }
  };
  walk("node_modules");
  console.log([...found].filter(Boolean).sort().join(" "));')
# The rpm's License: rolewatch's own, Node.js's and the modules', each once.
licenses=$(printf '%s\n' Apache-2.0 MIT $module_licenses | sort -u | paste -sd ' ')
node packaging/config-yaml.mjs > "$stage/config.yaml"

# Files common to every package, then one tree per architecture and format
# (hard links: the trees share one copy of each file).
common=$stage/common
install -d "$common/usr/lib/rolewatch" "$common/usr/bin" "$common/etc/rolewatch" "$common/usr/share/doc/rolewatch"
cp -a "$app/." "$common/usr/lib/rolewatch/"
install -m 0755 packaging/rolewatch.sh "$common/usr/bin/rolewatch"
install -m 0644 "$stage/config.yaml" "$common/etc/rolewatch/config.yaml"
install -m 0644 README.md packaging/iam-policy.json packaging/iam-policy-account.json "$common/usr/share/doc/rolewatch/"
# The man page and the bash completion, written by npm run docs (test/docs/man-completion.test.ts
# keeps them true). The page leaves .TH's date empty for the build to fill: the build's own date.
install -d "$common/usr/share/man/man1" "$common/usr/share/bash-completion/completions"
sed "s/^\.TH ROLEWATCH 1 \"\"/.TH ROLEWATCH 1 \"$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)\"/" packaging/man/rolewatch.1 |
  gzip -9n > "$common/usr/share/man/man1/rolewatch.1.gz"
install -m 0644 packaging/completion/rolewatch.bash "$common/usr/share/bash-completion/completions/rolewatch"

# Node.js's license, as the continuation lines of a copyright file field.
sed -e 's/^[[:space:]]*$/./' -e 's/^/ /' "$(dirname "$(node_runtime x64)")/../LICENSE" > "$stage/node-license"

# Replaces each @NAME@ of a template, and a line @NODE_LICENSE@ with that
# license; awk, not sed, and values through the environment: the license text
# is full of characters that sed (and awk -v) would read as syntax.
fill() {
  VERSION=$version HOMEPAGE=$homepage MAINTAINER=$maintainer NODE_VERSION=$NODE_RUNTIME_VERSION \
    MODULE_LICENSES=${module_licenses// / and } DATE=$(date -u -R -d "@$SOURCE_DATE_EPOCH") NODE_LICENSE=$stage/node-license \
    awk 'BEGIN { n = split("VERSION HOMEPAGE MAINTAINER NODE_VERSION MODULE_LICENSES DATE ARCH INSTALLED_SIZE", names) }
    $0 == "@NODE_LICENSE@" {
      while ((getline line < ENVIRON["NODE_LICENSE"]) > 0) print line
      next
    }
    {
      for (k = 1; k <= n; k++) {
        marker = "@" names[k] "@"; done = ""
        while ((i = index($0, marker)) > 0) { done = done substr($0, 1, i - 1) ENVIRON[names[k]]; $0 = substr($0, i + length(marker)) }
        $0 = done $0
      }
      print
    }' "$@"
}
fill packaging/copyright.in > "$stage/copyright"

# Modes as a package has them; nothing under /usr/lib/rolewatch but node is
# executed (the modules' own command-line scripts are never run).
normalize() {
  chmod -R u=rwX,go=rX "$1"
  find "$1/usr/lib/rolewatch" -type f ! -path '*/usr/lib/rolewatch/node' -exec chmod 0644 {} +
  find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

deb() {
  local node_arch=$1 deb_arch=$2 root=$stage/deb-$2
  cp -al "$common" "$root"
  install -m 0755 "$(node_runtime "$node_arch")" "$root/usr/lib/rolewatch/node"
  install -D -m 0644 systemd/rolewatch.service "$root/lib/systemd/system/rolewatch.service"
  install -D -m 0644 systemd/rolewatch-account.service "$root/lib/systemd/system/rolewatch-account.service"
  install -m 0644 "$stage/copyright" "$root/usr/share/doc/rolewatch/copyright"
  fill packaging/changelog.in | gzip -9n > "$root/usr/share/doc/rolewatch/changelog.gz"
  install -D -m 0644 packaging/deb/lintian-overrides "$root/usr/share/lintian/overrides/rolewatch"
  install -D -m 0644 packaging/completion/_rolewatch "$root/usr/share/zsh/vendor-completions/_rolewatch"
  install -d "$root/DEBIAN"
  (cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum > DEBIAN/md5sums)
  local size
  size=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
  ARCH=$deb_arch INSTALLED_SIZE=$size fill packaging/deb/control.in > "$root/DEBIAN/control"
  install -m 0644 packaging/deb/conffiles "$root/DEBIAN/conffiles"
  install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm "$root/DEBIAN/"
  normalize "$root"
  dpkg-deb --root-owner-group -Zxz -z"$xz_level" --build "$root" "$packages/rolewatch_${version}_${deb_arch}.deb" >/dev/null
}

rpm() {
  local node_arch=$1 rpm_arch=$2 root=$stage/rpm-$2
  cp -al "$common" "$root"
  install -m 0755 "$(node_runtime "$node_arch")" "$root/usr/lib/rolewatch/node"
  install -D -m 0644 systemd/rolewatch.service "$root/usr/lib/systemd/system/rolewatch.service"
  install -D -m 0644 systemd/rolewatch-account.service "$root/usr/lib/systemd/system/rolewatch-account.service"
  install -D -m 0644 "$stage/copyright" "$root/usr/share/licenses/rolewatch/copyright"
  install -D -m 0644 packaging/completion/_rolewatch "$root/usr/share/zsh/site-functions/_rolewatch"
  normalize "$root"
  rpmbuild -bb --quiet --target "$rpm_arch-linux" \
    --define "_topdir $stage/rpmbuild" --define "_rpmdir $packages" \
    --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    --define "_binary_payload w${xz_level}T.xzdio" \
    --define "pkg_version $version" --define "pkg_homepage $homepage" --define "stage $root" \
    --define "pkg_license ${licenses// / AND }" --define "pkg_packager $maintainer" \
    --define "pkg_node_version $NODE_RUNTIME_VERSION" --define "pkg_changelog_date $(LC_ALL=C date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %d %Y')" \
    packaging/rpm/rolewatch.spec >/dev/null
}

for target in "x64 amd64 x86_64" "arm64 arm64 aarch64"; do
  read -r node_arch deb_arch rpm_arch <<<"$target"
  echo "# $deb_arch" >&2
  deb "$node_arch" "$deb_arch"
  rpm "$node_arch" "$rpm_arch"
done
# All four are complete: put them in place in one rename (the previous
# packages, if any, go aside first and are removed after).
rm -rf "$out/packages.previous"
if [[ -d $out/packages ]]; then mv "$out/packages" "$out/packages.previous"; fi
mv "$packages" "$out/packages"
rm -rf "$out/packages.previous"
ls -l "$out/packages"
