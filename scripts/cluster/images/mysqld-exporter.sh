#!/usr/bin/env bash
# Builds localhost/cloudedu-mysqld-exporter-standin:<Debian version>, a stand-in for the official
# `prom/mysqld-exporter` image (no registry here serves it) from Debian's
# prometheus-mysqld-exporter. Debian ships 0.14, which has no --mysqld.address (0.15+) that the
# chart passes: the entry point turns it into host/port lines of a copy of the --config.my-cnf
# file in /tmp (the chart mounts an emptyDir there) and passes everything else on unchanged.
# Runs as nobody (65534) like the official image; any non-root UID works.
#
# Idempotent: nothing to do when the image of the current package version exists. Prints the image.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

REPO="${EXPORTER_STANDIN_REPO:-localhost/cloudedu-mysqld-exporter-standin}"
IMAGE="$REPO:$(package_tag prometheus-mysqld-exporter)"
exec 9>/tmp/cloudedu-mysqld-exporter-standin.lock
flock 9
if podman image exists "$IMAGE"; then
  log "$IMAGE exists; nothing to do"
  printf '%s\n' "$IMAGE"
  exit 0
fi

WORK="$(mktemp -d /tmp/mysqld-exporter-standin.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"
log "building $IMAGE from Debian $DEBIAN_SUITE ($DEBIAN_MIRROR)"
# No debootstrap: the exporter (a Go binary linked against libc only) and a shell for the entry
# point are all the image needs, extracted from their packages (seconds instead of minutes).
(cd "$WORK" && apt-get download -q prometheus-mysqld-exporter libc6 dash >/dev/null 2>&1) ||
  die 'apt-get download prometheus-mysqld-exporter libc6 dash failed (apt-get update?)'
mkdir -p "$ROOTFS"
for deb in "$WORK"/*.deb; do dpkg-deb -x "$deb" "$ROOTFS"; done
rm -rf "$ROOTFS"/usr/share/{doc,man,info,locale,lintian} "$ROOTFS"/etc/{default,init.d,logrotate.d}
ln -sf dash "$ROOTFS/bin/sh"
install -d -m 1777 "$ROOTFS/tmp"

install -m 0755 /dev/stdin "$ROOTFS/bin/mysqld_exporter" <<'EOF'
#!/bin/sh
# Stand-in entry point (scripts/cluster/images/mysqld-exporter.sh): accepts --mysqld.address of
# mysqld_exporter 0.15+ on Debian's 0.14, which reads host and port from its my.cnf instead.
set -eu
address=''
cnf=''
for arg in "$@"; do
  shift
  case "$arg" in
    --mysqld.address=*) address="${arg#--mysqld.address=}" ;;
    --config.my-cnf=*) cnf="${arg#--config.my-cnf=}" ;;
    *) set -- "$@" "$arg" ;;
  esac
done
if [ -n "$address" ]; then
  copy=/tmp/exporter.my.cnf
  # No cat in the image: the shell copies the file.
  (umask 077 && {
    while IFS= read -r line || [ -n "$line" ]; do printf '%s\n' "$line"; done <"${cnf:-$HOME/.my.cnf}"
    printf 'host=%s\nport=%s\n' "${address%:*}" "${address##*:}"
  } >"$copy")
  cnf="$copy"
fi
if [ -n "$cnf" ]; then set -- "--config.my-cnf=$cnf" "$@"; fi
exec /usr/bin/prometheus-mysqld-exporter "$@"
EOF

import_rootfs "$IMAGE" "$ROOTFS" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'USER 65534' \
  --change 'EXPOSE 9104' \
  --change 'ENTRYPOINT ["/bin/mysqld_exporter"]' \
  --message "stand-in for prom/mysqld-exporter (Debian $DEBIAN_SUITE prometheus-mysqld-exporter $(package_tag prometheus-mysqld-exporter))"
printf '%s\n' "$IMAGE"
