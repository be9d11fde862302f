# shellcheck shell=bash
# Shared by the stand-in image scripts in this folder (sourced, not run). A stand-in is a local
# image built from Debian packages that honours the contract the chart uses for an official image
# no registry here can serve; the cluster suite (tests/cluster/) selects it by chart values.
# Needs root, debootstrap and podman.

log() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

[[ $(id -u) -eq 0 ]] || die 'must run as root (debootstrap and rootful podman)'
for tool in podman debootstrap apt-cache; do
  command -v "$tool" >/dev/null || die "$tool not found on PATH"
done

DEBIAN_SUITE="${DEBIAN_SUITE:-bookworm}"
# shellcheck source-path=SCRIPTDIR source=../../container/debian-mirror.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../container/debian-mirror.sh"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-$(host_mirror debian || true)}"
DEBIAN_SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-$(host_mirror debian-security || true)}"
[[ -n $DEBIAN_MIRROR ]] || die 'no Debian mirror in /etc/apt/sources.list*; set DEBIAN_MIRROR'

# The Debian version of a package as an image tag: 1:10.11.19-0+deb12u1 -> 10.11.19-0-deb12u1.
package_tag() {
  local version
  version="$(apt-cache policy "$1" | sed -n 's/^  Candidate: //p')"
  [[ -n $version && $version != '(none)' ]] || die "no candidate version of $1 (apt-get update?)"
  version="${version#*:}"
  printf '%s\n' "${version//[^A-Za-z0-9._-]/-}"
}

# debootstrap minbase into $1 (a new folder), then apt-get install the other arguments in it
# with services kept from starting (policy-rc.d), then drop documentation and apt lists.
debian_rootfs() {
  local rootfs="$1"
  shift
  debootstrap --variant=minbase "$DEBIAN_SUITE" "$rootfs" "$DEBIAN_MIRROR" >"$rootfs.log" 2>&1 || {
    tail -n 30 "$rootfs.log" >&2
    die 'debootstrap failed'
  }
  if [[ $# -gt 0 ]]; then
    # Updates and security too, like the host, so the version installed is the one package_tag names.
    {
      printf 'deb %s %s main\ndeb %s %s-updates main\n' "$DEBIAN_MIRROR" "$DEBIAN_SUITE" "$DEBIAN_MIRROR" "$DEBIAN_SUITE"
      [[ -z $DEBIAN_SECURITY_MIRROR ]] || printf 'deb %s %s-security main\n' "$DEBIAN_SECURITY_MIRROR" "$DEBIAN_SUITE"
    } >"$rootfs/etc/apt/sources.list"
    printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
    chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
    mount -t proc proc "$rootfs/proc"
    local status=0
    chroot "$rootfs" sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"' \
      apt "$@" >>"$rootfs.log" 2>&1 || status=$?
    umount "$rootfs/proc"
    rm -f "$rootfs/usr/sbin/policy-rc.d"
    [[ $status -eq 0 ]] || {
      tail -n 30 "$rootfs.log" >&2
      die "apt-get install $* failed"
    }
  fi
  rm -rf "$rootfs"/usr/share/{doc,man,info,locale,lintian}/* "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* "$rootfs"/etc/resolv.conf "$rootfs"/etc/hostname
}

# podman import of a root filesystem with the given --change options; $1 image, $2 folder.
import_rootfs() {
  local image="$1" rootfs="$2"
  shift 2
  tar --numeric-owner -C "$rootfs" -cf - . | podman import "$@" - "$image" >/dev/null
  log "built $image, $(podman image inspect --format '{{.Size}}' "$image") bytes"
}
