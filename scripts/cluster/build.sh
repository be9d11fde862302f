#!/usr/bin/env bash
# Builds everything the local single-node Kubernetes cluster (scripts/cluster/up.sh) runs, from
# package registries only (the Go module proxy and Debian's archive; no container registry):
#   kubernetes   one multi-call binary `kube` (kube-apiserver, kube-controller-manager,
#                kube-scheduler, kubelet, kube-proxy, kubectl chosen by argv[0], like hyperkube),
#                from a wrapper module requiring k8s.io/kubernetes with its staging modules
#                replaced by their published v0.x releases
#   kube-router  policy-only NetworkPolicy agent (Go module)
#   coredns      CoreDNS with only the plugins the cluster uses (Go module)
#   local-path   rancher local-path-provisioner (Go module) + its helper image
#   metrics      metrics-server (Go module) image
#   pause        the sandbox image: a tiny static Go binary
#   debian       etcd 3.4, containerd 1.6, runc, CNI plugins: `apt-get download` + `dpkg-deb -x`
#                (extracted, never installed: no daemon starts, no dpkg lock)
#   images       OCI archives of the in-cluster images (pause, coredns, kube-router, local-path,
#                its helper, metrics-server) for `ctr images import`
#
# Usage: scripts/cluster/build.sh [component...]   (default: all, in the order above)
#
# Results are cached by version under $CLOUDEDU_CLUSTER_CACHE (default /var/cache/cloudedu-cluster),
# outside any checkout, e.g. /var/cache/cloudedu-cluster/kubernetes-v1.37.2/bin/kube; Go's module
# and build caches are the default GOPATH/GOCACHE. A component whose result exists is skipped, so a
# second run takes seconds; bump a version below to rebuild that component. Each step prints its time.
# Needs root, go (>= the Kubernetes go.mod's), apt-get, dpkg-deb, tar.
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-v1.37.2}"
KUBE_ROUTER_VERSION="${KUBE_ROUTER_VERSION:-v2.1.0}"
COREDNS_VERSION="${COREDNS_VERSION:-v1.15.0}"
LOCAL_PATH_VERSION="${LOCAL_PATH_VERSION:-v0.0.30}"
METRICS_SERVER_VERSION="${METRICS_SERVER_VERSION:-v0.9.0}"
PAUSE_VERSION="${PAUSE_VERSION:-3.10}"
CACHE="${CLOUDEDU_CLUSTER_CACHE:-/var/cache/cloudedu-cluster}"
# The Kubernetes staging modules are published as v0.<minor>.<patch> of v1.<minor>.<patch>.
STAGING_VERSION="v0.${KUBE_VERSION#v1.}"

export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:--buildvcs=false}"

log() { printf 'cluster-build: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}
# step NAME CMD...: runs CMD under NAME's lock (two builds at once, CI and a developer, would race
# on the same output directory) and prints how long it took (a cached step prints ~0 s).
step() {
  local name=$1 t0=$SECONDS lock
  shift
  exec {lock}>"$CACHE/.lock-$name"
  flock "$lock"
  "$@"
  exec {lock}>&-
  log "$(printf '%-14s %4ss' "$name" $((SECONDS - t0)))"
}

[[ $(id -u) -eq 0 ]] || die 'must run as root'
command -v go >/dev/null || die 'go not found on PATH'
mkdir -p "$CACHE"
ldflags_kube() {
  local minor=${KUBE_VERSION#v1.}
  minor=${minor%%.*}
  printf '%s ' -s -w \
    "-X k8s.io/component-base/version.gitVersion=${KUBE_VERSION}" \
    "-X k8s.io/component-base/version.gitMajor=1" \
    "-X k8s.io/component-base/version.gitMinor=${minor}" \
    "-X k8s.io/component-base/version.gitTreeState=clean" \
    "-X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z" \
    "-X k8s.io/client-go/pkg/version.gitVersion=${KUBE_VERSION}" \
    "-X k8s.io/client-go/pkg/version.gitMajor=1" \
    "-X k8s.io/client-go/pkg/version.gitMinor=${minor}"
}

build_kubernetes() {
  local dir="$CACHE/kubernetes-${KUBE_VERSION}"
  [[ -x $dir/bin/kube ]] && return 0
  mkdir -p "$dir/src" "$dir/bin"
  local kmod
  kmod=$(cd "$dir/src" && go mod download -json "k8s.io/kubernetes@${KUBE_VERSION}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  [[ -f $kmod ]] || die "k8s.io/kubernetes@${KUBE_VERSION} go.mod not downloaded"
  {
    printf 'module cloudedu.local/cluster/kube\n\ngo 1.26.0\n\ngodebug default=go1.26\n\n'
    printf 'require k8s.io/kubernetes %s\n\nreplace (\n' "$KUBE_VERSION"
    # k8s.io/kubernetes replaces each staging module with a local folder the module zip lacks;
    # point each at its published release instead.
    awk -v v="$STAGING_VERSION" '$2 == "=>" && $3 ~ /^\.\/staging\// {printf "\t%s => %s %s\n", $1, $1, v}' "$kmod"
    printf ')\n'
  } >"$dir/src/go.mod"
  cat >"$dir/src/main.go" <<'EOF'
// Command kube is a multi-call Kubernetes binary (like the old hyperkube): it runs the component
// named by the program name it was started as, e.g. through a symlink kubelet -> kube, or by its
// first argument (`kube kubelet --flags`).
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	_ "time/tzdata" // CronJob time zones

	"github.com/spf13/cobra"
	_ "k8s.io/client-go/plugin/pkg/client/auth"
	"k8s.io/component-base/cli"
	"k8s.io/component-base/logs"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	kubectl "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

var commands = map[string]func() *cobra.Command{
	"kube-apiserver":          apiserver.NewAPIServerCommand,
	"kube-controller-manager": controllermanager.NewControllerManagerCommand,
	"kube-scheduler":          func() *cobra.Command { return scheduler.NewSchedulerCommand() },
	"kube-proxy":              proxy.NewProxyCommand,
	"kubelet":                 func() *cobra.Command { return kubelet.NewKubeletCommand(context.Background()) },
}

func main() {
	name := filepath.Base(os.Args[0])
	if _, ok := commands[name]; !ok && name != "kubectl" && len(os.Args) > 1 {
		name = os.Args[1]
		os.Args = os.Args[1:]
	}
	if name == "kubectl" {
		logs.GlogSetter(kubectl.GetLogVerbosity(os.Args)) // nolint:errcheck
		if err := cli.RunNoErrOutput(kubectl.NewDefaultKubectlCommand()); err != nil {
			kubectlutil.CheckErr(err)
		}
		return
	}
	newCommand, ok := commands[name]
	if !ok {
		fmt.Fprintln(os.Stderr, "usage: kube {kube-apiserver|kube-controller-manager|kube-scheduler|kubelet|kube-proxy|kubectl} [flags]")
		os.Exit(2)
	}
	os.Exit(cli.Run(newCommand()))
}
EOF
  (
    cd "$dir/src"
    go mod tidy
    go build -trimpath -ldflags "$(ldflags_kube)" -o "$dir/bin/kube.new" .
  )
  mv "$dir/bin/kube.new" "$dir/bin/kube"
  local name
  for name in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
    ln -sfn kube "$dir/bin/$name"
  done
}

# go_wrapper_build NAME DIR PACKAGE [LDFLAGS]: builds PACKAGE of the module in DIR/src (go.mod and
# main.go written by the caller) to DIR/bin/NAME; the binary only appears when the build succeeded.
go_wrapper_build() {
  local name=$1 dir=$2 pkg=$3 ldflags=${4:--s -w}
  mkdir -p "$dir/bin"
  (
    cd "$dir/src"
    go mod tidy
    go build -trimpath -ldflags "$ldflags" -o "$dir/bin/$name.new" "$pkg"
  )
  mv "$dir/bin/$name.new" "$dir/bin/$name"
}

# go_install_build NAME DIR MODULE/PKG@VERSION: `go install` of a module without replace directives.
go_install_build() {
  local name=$1 dir=$2 target=$3
  mkdir -p "$dir/bin"
  GOBIN="$dir/bin.new" go install -trimpath -ldflags '-s -w' "$target"
  mv "$dir/bin.new/$name" "$dir/bin/$name"
  rmdir "$dir/bin.new"
}

build_kube_router() {
  local dir="$CACHE/kube-router-${KUBE_ROUTER_VERSION}"
  [[ -x $dir/bin/kube-router ]] && return 0
  go_install_build kube-router "$dir" "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@${KUBE_ROUTER_VERSION}"
}

build_metrics_server() {
  local dir="$CACHE/metrics-server-${METRICS_SERVER_VERSION}"
  [[ -x $dir/bin/metrics-server ]] && return 0
  go_install_build metrics-server "$dir" "sigs.k8s.io/metrics-server/cmd/metrics-server@${METRICS_SERVER_VERSION}"
}

build_local_path() {
  local dir="$CACHE/local-path-provisioner-${LOCAL_PATH_VERSION}"
  [[ -x $dir/bin/local-path-provisioner ]] && return 0
  go_install_build local-path-provisioner "$dir" "github.com/rancher/local-path-provisioner@${LOCAL_PATH_VERSION}"
}

# CoreDNS with only the plugins the cluster's Corefile uses (no forward: cluster names only).
# Its own main imports every plugin; this one sets the directive list instead (the order is
# plugin.cfg's, which decides the order plugins see a query).
build_coredns() {
  local dir="$CACHE/coredns-${COREDNS_VERSION}"
  [[ -x $dir/bin/coredns ]] && return 0
  mkdir -p "$dir/src"
  # The Kubernetes client at the cluster's version: CoreDNS accepts it, and its compiled
  # packages are in the build cache from the Kubernetes build already.
  printf 'module cloudedu.local/cluster/coredns\n\ngo 1.26.0\n\nrequire (\n\tgithub.com/coredns/coredns %s\n' \
    "$COREDNS_VERSION" >"$dir/src/go.mod"
  printf '\tk8s.io/%s %s\n' api "$STAGING_VERSION" apimachinery "$STAGING_VERSION" client-go "$STAGING_VERSION" \
    >>"$dir/src/go.mod"
  printf ')\n' >>"$dir/src/go.mod"
  cat >"$dir/src/main.go" <<'EOF'
// Command coredns is CoreDNS with the plugins a single-node test cluster needs.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/metrics"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
)

func init() {
	dnsserver.Directives = []string{
		"reload", "ready", "health", "prometheus", "errors", "log", "loadbalance", "cache", "kubernetes",
	}
}

func main() { coremain.Run() }
EOF
  go_wrapper_build coredns "$dir" .
}

# The sandbox ("pause") container: sleeps until told to stop and reaps orphaned children.
build_pause() {
  local dir="$CACHE/pause-${PAUSE_VERSION}"
  [[ -x $dir/bin/pause ]] && return 0
  mkdir -p "$dir/src"
  printf 'module cloudedu.local/cluster/pause\n\ngo 1.26.0\n' >"$dir/src/go.mod"
  cat >"$dir/src/main.go" <<'EOF'
// Command pause holds a pod's namespaces open: it waits for SIGINT/SIGTERM and, as PID 1 of a
// pod sharing its process namespace, reaps zombies.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			var status syscall.WaitStatus
			if pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil); pid <= 0 || err != nil {
				break
			}
		}
	}
}
EOF
  go_wrapper_build pause "$dir" .
}

# Debian packages, extracted (never installed) into $CACHE/debian/<package>_<version>/.
DEBIAN_PACKAGES=(etcd-server containerd runc containernetworking-plugins ipset libipset13 busybox-static)
declare -A DEB_VERSION=()
# deb_versions: each package's version. The versions extracted last time ($CACHE/debian/versions)
# are reused while their folders exist, so a warm run asks apt nothing (apt-cache alone took
# minutes on a busy 2-core host); DEBIAN_REFRESH=1 picks up new candidates.
deb_versions() {
  [[ ${#DEB_VERSION[@]} -gt 0 ]] && return 0
  local line pkg='' policy recorded="$CACHE/debian/versions"
  if [[ -f $recorded && ${DEBIAN_REFRESH:-0} != 1 ]]; then
    while IFS='=' read -r pkg line; do DEB_VERSION[$pkg]=$line; done <"$recorded"
    for pkg in "${DEBIAN_PACKAGES[@]}"; do
      [[ -n ${DEB_VERSION[$pkg]:-} && -d $CACHE/debian/${pkg}_${DEB_VERSION[$pkg]//:/%3a} ]] || break
    done
    [[ -n ${DEB_VERSION[$pkg]:-} && -d $CACHE/debian/${pkg}_${DEB_VERSION[$pkg]//:/%3a} ]] && return 0
    DEB_VERSION=()
  fi
  policy=$(apt-cache policy "${DEBIAN_PACKAGES[@]}")
  if ! grep -q 'Candidate: [^(]' <<<"$policy"; then
    apt-get update -q >&2
    policy=$(apt-cache policy "${DEBIAN_PACKAGES[@]}")
  fi
  while IFS= read -r line; do
    case $line in
      [a-z0-9]*:) pkg=${line%:} ;;
      *Candidate:*) DEB_VERSION[$pkg]=${line##*Candidate: } ;;
    esac
  done <<<"$policy"
}
deb_dir() { # package -> extraction directory of its version (call deb_versions first)
  local version=${DEB_VERSION[$1]:-}
  [[ -n $version && $version != '(none)' ]] || die "Debian package $1 not found"
  printf '%s/debian/%s_%s\n' "$CACHE" "$1" "${version//:/%3a}"
}

build_debian() {
  local pkg dir tmp
  mkdir -p "$CACHE/debian"
  deb_versions
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dir=$(deb_dir "$pkg")
    [[ -d $dir ]] && continue
    tmp=$(mktemp -d "$CACHE/debian/.download.XXXXXX")
    chown _apt "$tmp" 2>/dev/null || true # apt downloads as _apt where it can
    (cd "$tmp" && apt-get download -q "$pkg" >&2)
    mkdir -p "$tmp/root"
    dpkg-deb -x "$tmp"/*.deb "$tmp/root"
    mv "$tmp/root" "$dir"
    rm -rf "$tmp"
  done
  for pkg in "${DEBIAN_PACKAGES[@]}"; do printf '%s=%s\n' "$pkg" "${DEB_VERSION[$pkg]}"; done >"$CACHE/debian/versions"
  [[ $(basename "$(deb_dir etcd-server)") == etcd-server_3.4.* ]] || log "warning: etcd is not 3.4"
  [[ $(basename "$(deb_dir containerd)") == containerd_1.6.* ]] || log "warning: containerd is not 1.6"
}

# image_archive NAME:TAG ROOTFS USER ENTRYPOINT_JSON: writes a docker-archive (what
# `ctr images import` reads) of a one-layer image made from ROOTFS, to $CACHE/images/.
image_archive() {
  local ref=$1 rootfs=$2 user=$3 entrypoint=$4
  local out="$CACHE/images/${ref//[\/:]/_}.tar" work layer_id config
  [[ -f $out ]] && return 0
  work=$(mktemp -d)
  tar --sort=name --mtime=@0 --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$work/layer.tar" .
  layer_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
  printf '{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"User":"%s","Entrypoint":%s,"Env":["PATH=/usr/local/bin:/usr/bin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$user" "$entrypoint" "$layer_id" >"$work/config.json"
  config=$(sha256sum "$work/config.json" | cut -d' ' -f1)
  mv "$work/config.json" "$work/$config.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["layer.tar"]}]' "$config" "$ref" >"$work/manifest.json"
  mkdir -p "$CACHE/images"
  tar --sort=name --mtime=@0 --numeric-owner --owner=0 --group=0 -C "$work" -cf "$out.new" \
    manifest.json "$config.json" layer.tar
  mv "$out.new" "$out"
  rm -rf "$work"
}

# rootfs_with DIR FILE:DEST...: a root filesystem holding the given files, /tmp and /etc/passwd.
rootfs_with() {
  local dir=$1 spec
  shift
  rm -rf "$dir"
  mkdir -p "$dir/tmp" "$dir/etc"
  chmod 1777 "$dir/tmp"
  printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\nnonroot:x:65532:65532:nonroot:/:/bin/false\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\nnonroot:x:65532:\n' >"$dir/etc/group"
  for spec in "$@"; do
    mkdir -p "$dir/$(dirname "${spec#*:}")"
    cp "${spec%%:*}" "$dir/${spec#*:}"
  done
}

# Image references the manifests of up.sh use (all loaded locally, never pulled).
PAUSE_IMAGE="localhost/cloudedu-cluster/pause:${PAUSE_VERSION}"
COREDNS_IMAGE="localhost/cloudedu-cluster/coredns:${COREDNS_VERSION}"
METRICS_SERVER_IMAGE="localhost/cloudedu-cluster/metrics-server:${METRICS_SERVER_VERSION}"
LOCAL_PATH_IMAGE="localhost/cloudedu-cluster/local-path-provisioner:${LOCAL_PATH_VERSION}"
LOCAL_PATH_HELPER_IMAGE="localhost/cloudedu-cluster/local-path-helper:busybox"

build_images() {
  local work busybox applet
  work=$(mktemp -d)
  rootfs_with "$work/pause" "$CACHE/pause-${PAUSE_VERSION}/bin/pause:pause"
  image_archive "$PAUSE_IMAGE" "$work/pause" 65535 '["/pause"]'
  rootfs_with "$work/coredns" "$CACHE/coredns-${COREDNS_VERSION}/bin/coredns:coredns"
  image_archive "$COREDNS_IMAGE" "$work/coredns" 65532 '["/coredns"]'
  rootfs_with "$work/metrics" "$CACHE/metrics-server-${METRICS_SERVER_VERSION}/bin/metrics-server:metrics-server"
  image_archive "$METRICS_SERVER_IMAGE" "$work/metrics" 65534 '["/metrics-server"]'
  rootfs_with "$work/lpp" "$CACHE/local-path-provisioner-${LOCAL_PATH_VERSION}/bin/local-path-provisioner:usr/bin/local-path-provisioner"
  image_archive "$LOCAL_PATH_IMAGE" "$work/lpp" 65532 '["/usr/bin/local-path-provisioner"]'
  # The provisioner's helper pod runs `sh /script/setup|teardown` (mkdir, rm) on the node's path.
  busybox="$(deb_dir busybox-static)/bin/busybox"
  rootfs_with "$work/helper" "$busybox:bin/busybox"
  for applet in $("$busybox" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$work/helper/bin/$applet"
  done
  image_archive "$LOCAL_PATH_HELPER_IMAGE" "$work/helper" 0 '["/bin/sh"]'
  rm -rf "$work"
}

# Writes $CACHE/env: where up.sh finds each built part (sourced by up.sh).
write_env() {
  local out="$CACHE/env" v
  {
    printf '# written by scripts/cluster/build.sh\n'
    printf 'KUBE_BIN=%q\n' "$CACHE/kubernetes-${KUBE_VERSION}/bin"
    printf 'KUBE_ROUTER=%q\n' "$CACHE/kube-router-${KUBE_ROUTER_VERSION}/bin/kube-router"
    printf 'ETCD_ROOT=%q\n' "$(deb_dir etcd-server)"
    printf 'CONTAINERD_ROOT=%q\n' "$(deb_dir containerd)"
    printf 'RUNC_ROOT=%q\n' "$(deb_dir runc)"
    printf 'CNI_ROOT=%q\n' "$(deb_dir containernetworking-plugins)"
    printf 'IPSET_ROOT=%q\n' "$(deb_dir ipset)"
    printf 'LIBIPSET_ROOT=%q\n' "$(deb_dir libipset13)"
    printf 'IMAGES_DIR=%q\n' "$CACHE/images"
    printf 'BUSYBOX=%q\n' "$(deb_dir busybox-static)/bin/busybox"
    for v in KUBE_VERSION COREDNS_VERSION KUBE_ROUTER_VERSION LOCAL_PATH_VERSION METRICS_SERVER_VERSION \
      PAUSE_IMAGE COREDNS_IMAGE METRICS_SERVER_IMAGE LOCAL_PATH_IMAGE LOCAL_PATH_HELPER_IMAGE; do
      printf '%s=%q\n' "$v" "${!v}"
    done
  } >"$out.new"
  mv "$out.new" "$out"
}

main() {
  local components=("$@")
  [[ ${#components[@]} -gt 0 ]] || components=(debian kubernetes coredns kube-router local-path metrics-server pause images)
  local total=$SECONDS c
  deb_versions
  for c in "${components[@]}"; do
    declare -F "build_${c//-/_}" >/dev/null || die "unknown component: $c"
    step "$c" "build_${c//-/_}"
  done
  [[ $# -gt 0 ]] || write_env
  log "$(printf '%-14s %4ss' total $((SECONDS - total)))"
}

# Sourcing (for a test of one function) defines the functions only.
[[ ${BASH_SOURCE[0]} != "$0" ]] || main "$@"
