#!/usr/bin/env bash
# Loads container images into the running local cluster (scripts/cluster/up.sh): there is no
# registry, so pods can only use images loaded here (with imagePullPolicy Never or IfNotPresent).
#
# Usage: scripts/cluster/load-image.sh <image ref | archive.tar>...
#   An image ref is taken from podman's (root) storage: `podman save -m` → `ctr images import`.
#   Refer to it in pods by the name podman gives it (a local build `taskmanager:dev` is
#   `localhost/taskmanager:dev`). A path to a docker-archive or OCI archive is imported as is.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/cluster/lib.sh
source "$here/lib.sh"

[[ $(id -u) -eq 0 ]] || cluster_die 'must run as root'
[[ $# -gt 0 ]] || cluster_die 'usage: load-image.sh <image ref | archive.tar>...'
cluster_env
[[ -S $RUN/containerd/containerd.sock ]] || cluster_die 'no cluster is running (scripts/cluster/up.sh)'

refs=()
for arg in "$@"; do
  if [[ -f $arg ]]; then
    cluster_ctr images import "$arg" >&2
  else
    podman image exists "$arg" || cluster_die "podman has no image $arg"
    refs+=("$arg")
  fi
done
if ((${#refs[@]})); then
  archive=$(mktemp /tmp/cloudedu-cluster-images.XXXXXX.tar)
  trap 'rm -f "$archive"' EXIT
  rm -f "$archive" # podman save refuses to overwrite
  podman save -q -m --format docker-archive -o "$archive" "${refs[@]}"
  cluster_ctr images import "$archive" >&2
fi
