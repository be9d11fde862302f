# shellcheck shell=bash
# shellcheck disable=SC2034 # the settings are used by the scripts that source this file
# Shared settings of scripts/cluster/*.sh (sourced, not run). Every path and address the local
# cluster uses is here, so up.sh and down.sh agree on what to create and what to remove.

CACHE="${CLOUDEDU_CLUSTER_CACHE:-/var/cache/cloudedu-cluster}" # built parts (build.sh)
STATE=/var/lib/cloudedu-cluster                                # data, certificates, logs, kubeconfig
RUN=/run/cloudedu-cluster                                      # sockets, pid files, containerd state
KUBECONFIG_PATH="$STATE/kubeconfig"                            # cluster-admin, printed by up.sh
NODE_NAME=cloudedu-node
# The bridge up.sh creates; its address is the node's address (API server, kubelet, NodePorts),
# so nothing listens on the machine's own interfaces.
BRIDGE=cloudedu0
NODE_IP=10.244.0.1
POD_CIDR=10.244.0.0/24
CLUSTER_CIDR=10.244.0.0/16
SERVICE_CIDR=10.96.0.0/12
API_SERVICE_IP=10.96.0.1 # the `kubernetes` Service: first address of SERVICE_CIDR
DNS_IP=10.96.0.10
CNI_NETWORK=cloudedu-cluster
ETCD_PORT=12379 # not 2379: another etcd on the machine keeps its port
CGROUP_PARENT=cloudedu-cluster # kubelet's cgroup root (cgroup v1, cgroupfs driver)
# Sysctls the kubelet, kube-proxy, kube-router and up.sh may change; up.sh saves them first and
# down.sh restores them.
SYSCTLS=(
  vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
  kernel.keys.root_maxkeys kernel.keys.root_maxbytes
  net.ipv4.ip_forward net.ipv4.conf.all.route_localnet
  net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables
)

cluster_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
cluster_die() {
  cluster_log "error: $*"
  exit 1
}

# cluster_env: loads what build.sh built (paths and image references).
cluster_env() {
  [[ -f $CACHE/env ]] || cluster_die "$CACHE/env missing: run scripts/cluster/build.sh first"
  # shellcheck source=/dev/null
  source "$CACHE/env"
  export PATH="$KUBE_BIN:$CONTAINERD_ROOT/usr/bin:$RUNC_ROOT/usr/sbin:$PATH"
}

# ctr against the cluster's containerd, in the namespace the kubelet's CRI uses.
cluster_ctr() { ctr --address "$RUN/containerd/containerd.sock" --namespace k8s.io "$@"; }
