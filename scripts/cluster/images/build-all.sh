#!/usr/bin/env bash
# Builds every image the cluster suite (tests/cluster/) loads into the cluster, each step cached:
#   app       the project's image from the Dockerfile on the local Node base (docs/container.md),
#             tagged twice (<version>-cluster-a/-b) so that the suite can upgrade to a new tag
#   mariadb   stand-in for the official mysql image (mariadb.sh)
#   exporter  stand-in for prom/mysqld-exporter (mysqld-exporter.sh)
# Prints one `name=image` line per image on stdout (the suite reads them); each step's time on stderr.
set -euo pipefail
cd "$(dirname "$0")/../../.."
t() { printf 'cluster-images: %-9s %4ss\n' "$1" "$2" >&2; }

t0=$SECONDS
bash scripts/container/build-base-image.sh >&2
t node-base $((SECONDS - t0))

t0=$SECONDS
version="$(node -p 'require("./package.json").version')"
app=localhost/cloudedu-taskmanager
# Same arguments as tests/deploy/container.test.ts, so one of the two builds reuses the other's layers.
secret=()
[[ -f /etc/ssl/certs/ca-certificates.crt ]] && secret=(--secret "id=npm-ca,src=/etc/ssl/certs/ca-certificates.crt")
# runc: the runtime .ci/run installs (podman's default crun may be missing).
podman --runtime "$(command -v runc)" build --format=docker --pull=never --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
  --build-arg NODE_IMAGE=localhost/node-base:24 --build-arg "VERSION=$version" --build-arg REVISION=test \
  "${secret[@]}" --tag "$app:test" . >&2
podman tag "$app:test" "$app:$version-cluster-a" "$app:$version-cluster-b"
t app $((SECONDS - t0))

t0=$SECONDS
mariadb="$(bash scripts/cluster/images/mariadb.sh)"
t mariadb $((SECONDS - t0))
t0=$SECONDS
exporter="$(bash scripts/cluster/images/mysqld-exporter.sh)"
t exporter $((SECONDS - t0))

printf 'app=%s\napp-next=%s\nmariadb=%s\nexporter=%s\n' "$app:$version-cluster-a" "$app:$version-cluster-b" "$mariadb" "$exporter"
