#!/usr/bin/env bash
# Tears the local cluster of scripts/cluster/up.sh down completely: its processes and containers,
# mounts, pod network namespaces, the bridge, its iptables chains and ipsets, cgroups, the data
# under /var/lib/cloudedu-cluster and /run/cloudedu-cluster, and every sysctl up.sh saved.
#
# Usage: scripts/cluster/down.sh
#   Safe to run twice, with no cluster, or after a failed or interrupted up.sh. The built parts
#   (/var/cache/cloudedu-cluster) stay, so the next up.sh is warm. Exits non-zero only if
#   something is left behind (it says what).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/cluster/lib.sh
source "$here/lib.sh"

[[ $(id -u) -eq 0 ]] || cluster_die 'must run as root'
started=$SECONDS
[[ -f $CACHE/env ]] && cluster_env

# stop NAME...: SIGTERM to each daemon started by up.sh, then SIGKILL to what is left after 10 s.
stop() {
  local name pid pids=()
  for name in "$@"; do
    [[ -f $RUN/$name.pid ]] || continue
    pid=$(cat "$RUN/$name.pid")
    # Only our own process: the pid file may be stale and the number reused.
    if grep -qa "$name" "/proc/$pid/cmdline" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
    fi
    rm -f "$RUN/$name.pid"
  done
  local deadline=$((SECONDS + 10))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}

# The node agents first, so nothing restarts the pods removed next.
stop kube-router kube-proxy kubelet
# Every container and sandbox (their shims are separate processes that outlive containerd).
if [[ -S $RUN/containerd/containerd.sock ]] && command -v ctr >/dev/null; then
  for task in $(cluster_ctr tasks list -q 2>/dev/null); do
    cluster_ctr tasks kill -s SIGKILL "$task" >/dev/null 2>&1 || true
  done
fi
stop kube-scheduler kube-controller-manager kube-apiserver containerd etcd
# Processes still running a built binary (containerd shims outlive containerd).
our_pids() { find /proc/[0-9]*/exe -maxdepth 0 -lname "$CACHE/*" 2>/dev/null | cut -d/ -f3; }
our_pids | xargs -r kill -KILL 2>/dev/null
# Any process still running inside the kubelet's cgroups (containers whose shim is gone).
for tasks in /sys/fs/cgroup/*/"$CGROUP_PARENT"; do
  [[ -d $tasks ]] || continue
  find "$tasks" -name tasks -exec cat {} + 2>/dev/null | sort -u | xargs -r kill -KILL 2>/dev/null || true
done

# Mounts: pod volumes and container root filesystems, then the pod network namespaces.
mounted_under() { awk -v p="$1" '$2 == p || index($2, p "/") == 1 {print $2}' /proc/self/mounts | sort -r; }
for dir in "$STATE" "$RUN"; do
  for mnt in $(mounted_under "$dir"); do umount -l "$mnt" 2>/dev/null || true; done
done
# containerd records each sandbox's namespace; those that are ours go, others (podman's) stay.
if [[ -d $STATE/containerd ]]; then
  grep -rhoa '/run/netns/cni-[0-9a-f-]*' "$STATE/containerd/io.containerd.metadata.v1.bolt" 2>/dev/null | sort -u |
    while read -r netns; do
      umount "$netns" 2>/dev/null || umount -l "$netns" 2>/dev/null || true
      rm -f "$netns"
    done
fi
if [[ -f $RUN/netns-bind ]] && mountpoint -q /run/netns && [[ -z $(ls -A /run/netns) ]]; then
  umount /run/netns 2>/dev/null || true
fi

# Network: the bridge (its veths went with the namespaces), iptables chains, ipsets.
ip link delete "$BRIDGE" 2>/dev/null || true
ip route delete "$SERVICE_CIDR" 2>/dev/null || true
# Chains of kube-proxy and the kubelet (KUBE-*), kube-router (KUBE-ROUTER-*, KUBE-NWPLCY-*,
# KUBE-POD-FW-*, KUBE-SRC-*) and up.sh (CLOUDEDU-*): rules jumping to them go first.
for cmd in iptables ip6tables; do
  command -v "$cmd" >/dev/null || continue
  for table in filter nat mangle raw; do
    rules=$("$cmd-save" -t "$table" 2>/dev/null) || continue
    while IFS= read -r rule; do
      eval "$cmd -t $table ${rule/-A /-D }" 2>/dev/null || true
    done < <(grep -E '^-A [A-Z]+ .*(-j (KUBE-|CLOUDEDU-)|--comment "?kube-router)' <<<"$rules")
    for chain in $(grep -oE '^:(KUBE-|CLOUDEDU-)[^ ]+' <<<"$rules" | tr -d :); do
      "$cmd" -t "$table" -F "$chain" 2>/dev/null || true
    done
    for chain in $(grep -oE '^:(KUBE-|CLOUDEDU-)[^ ]+' <<<"$rules" | tr -d :); do
      "$cmd" -t "$table" -X "$chain" 2>/dev/null || true
    done
  done
done
if [[ -n ${IPSET_ROOT:-} && -x $IPSET_ROOT/usr/sbin/ipset ]]; then
  ipset_() { LD_LIBRARY_PATH="$LIBIPSET_ROOT/usr/lib/x86_64-linux-gnu" "$IPSET_ROOT/usr/sbin/ipset" "$@"; }
  for set in $(ipset_ list -n 2>/dev/null | grep -E '^(KUBE-|kube-router|inet6:KUBE-|inet6:kube-router)'); do
    ipset_ destroy "$set" 2>/dev/null || true
  done
fi

# cgroups (leaf first), the CNI cache entries of our network, the kubelet's log links.
for root in /sys/fs/cgroup/*/"$CGROUP_PARENT"; do
  [[ -d $root ]] && find "$root" -depth -type d -exec rmdir {} + 2>/dev/null
done
rm -f /var/lib/cni/results/"$CNI_NETWORK"-* 2>/dev/null
find /var/log/containers -maxdepth 1 -type l -lname "$STATE/*" -delete 2>/dev/null

# Sysctls back to what they were before up.sh.
if [[ -f $STATE/sysctl.saved ]]; then
  while IFS='=' read -r key value; do
    [[ $(sysctl -n "$key" 2>/dev/null) == "$value" ]] || sysctl -qw "$key=$value" 2>/dev/null ||
      cluster_log "warning: could not restore $key=$value"
  done <"$STATE/sysctl.saved"
fi

rm -rf "$RUN" "$STATE"

# What is left, if anything, is an error worth reading.
left=()
ip link show "$BRIDGE" >/dev/null 2>&1 && left+=("bridge $BRIDGE")
for cmd in iptables ip6tables; do
  "$cmd-save" 2>/dev/null | grep -qE '^:(KUBE-|CLOUDEDU-)' && left+=("$cmd chains")
done
[[ -n $(mounted_under "$STATE") ]] && left+=("mounts under $STATE")
for root in /sys/fs/cgroup/*/"$CGROUP_PARENT"; do [[ -d $root ]] && left+=("cgroup $root"); done
[[ -n $(our_pids) ]] && left+=("processes: $(our_pids | tr '\n' ' ')")
if ((${#left[@]})); then
  cluster_log "error: left behind: ${left[*]}"
  exit 1
fi
cluster_log "down in $((SECONDS - started))s"
