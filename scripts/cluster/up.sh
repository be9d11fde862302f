#!/usr/bin/env bash
# Starts a single-node Kubernetes cluster on this machine, from the parts scripts/cluster/build.sh
# built (it runs build.sh first: seconds when cached).
#
# Usage: scripts/cluster/up.sh
#   Prints, on stdout only, `KUBECONFIG=<path>` (cluster-admin; /var/lib/cloudedu-cluster/kubeconfig)
#   and `KUBECTL=<path>` once the node is Ready, cluster DNS resolves and the default StorageClass
#   exists; progress goes to stderr. Exits non-zero (after tearing down what it started) if the
#   cluster does not come up in CLUSTER_UP_TIMEOUT seconds (default 300).
#   Stop it with scripts/cluster/down.sh; load images with scripts/cluster/load-image.sh.
#
# What runs: etcd 3.4, kube-apiserver (Node+RBAC, Pod Security admission: `baseline` enforced by
# default, namespaces opt into `restricted` with labels), controller-manager, scheduler, containerd
# 1.6 (CRI), kubelet (cgroup v1, cgroupfs driver), kube-proxy (iptables), kube-router (NetworkPolicy
# only), bridge CNI on the bridge cloudedu0 (node address 10.244.0.1: API server :6443, NodePorts),
# CoreDNS (cluster names only), local-path-provisioner (default StorageClass `local-path`),
# metrics-server. Registries are unreachable on purpose: images are loaded, never pulled.
# Pods cannot reach beyond this machine (the bridge does not forward to other interfaces).
set -Eeuo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/cluster/lib.sh
source "$here/lib.sh"

[[ $(id -u) -eq 0 ]] || cluster_die 'must run as root'
timeout_s=${CLUSTER_UP_TIMEOUT:-300}
started=$SECONDS
phase() { cluster_log "[$((SECONDS - started))s] $*"; }

if [[ -f $RUN/kube-apiserver.pid ]] && kill -0 "$(cat "$RUN/kube-apiserver.pid")" 2>/dev/null; then
  cluster_die "a cluster is already running (KUBECONFIG=$KUBECONFIG_PATH); stop it with scripts/cluster/down.sh"
fi
# Leftovers of a failed or interrupted run go first.
if [[ -e $RUN || -e $STATE ]] || ip link show "$BRIDGE" >/dev/null 2>&1; then
  phase 'removing leftovers of an earlier run'
  bash "$here/down.sh" >&2
fi

bash "$here/build.sh" >&2
cluster_env

failed() {
  cluster_log "error: the cluster did not come up; logs in $STATE/logs (tearing down)"
  tail -n 5 "$STATE"/logs/*.log >&2 2>/dev/null || true
  # Keep the logs for a look: down.sh removes $STATE.
  rm -rf /tmp/cloudedu-cluster-logs
  cp -r "$STATE/logs" /tmp/cloudedu-cluster-logs 2>/dev/null || true
  bash "$here/down.sh" >&2 || true
  cluster_log "logs kept in /tmp/cloudedu-cluster-logs"
}
trap 'failed' ERR

mkdir -p "$STATE"/{pki,logs,etcd,kubelet,containerd,local-path,pod-logs,cni/net.d,cni/networks,config} "$RUN"
chmod 700 "$STATE" "$STATE/pki"
PKI="$STATE/pki"
CONF="$STATE/config"
LOGS="$STATE/logs"

# start NAME CMD...: runs a daemon in its own session, logging to $LOGS/NAME.log.
start() {
  local name=$1
  shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}
# wait_for WHAT CMD...: retries CMD until it succeeds or the deadline passes.
wait_for() {
  local what=$1
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS - started < timeout_s)) || { cluster_log "timed out waiting for $what"; return 1; }
    sleep 0.5
  done
  phase "$what"
}
kubectl() { command kubectl --kubeconfig "$KUBECONFIG_PATH" "$@"; }

phase 'sysctls, bridge, /run/netns'
# Saved once (a second up after a failed one must not save the changed values).
[[ -f $STATE/sysctl.saved ]] || for key in "${SYSCTLS[@]}"; do
  value=$(sysctl -n "$key" 2>/dev/null) && printf '%s=%s\n' "$key" "$value"
done >"$STATE/sysctl.saved"
[[ -d /proc/sys/net/bridge ]] || modprobe br_netfilter 2>/dev/null ||
  cluster_die 'the kernel lacks br_netfilter (kube-proxy needs bridged traffic to pass iptables)'
sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1
ip link add "$BRIDGE" type bridge
ip addr add "$NODE_IP/${POD_CIDR#*/}" dev "$BRIDGE"
ip link set "$BRIDGE" up
# Service addresses never leave through the default route, even before kube-proxy has rules.
ip route add "$SERVICE_CIDR" dev "$BRIDGE"
# Nothing is forwarded between the pod bridge and any other interface: no pod traffic leaves
# this machine and none comes in (mangle runs before kube-router's filter rules can accept).
iptables -t mangle -N CLOUDEDU-CLUSTER
iptables -t mangle -A CLOUDEDU-CLUSTER -i "$BRIDGE" ! -o "$BRIDGE" -j DROP
iptables -t mangle -A CLOUDEDU-CLUSTER -o "$BRIDGE" ! -i "$BRIDGE" -j DROP
iptables -t mangle -I FORWARD -j CLOUDEDU-CLUSTER
# containerd mounts pod network namespaces under /run/netns; podman bind-mounts that folder over
# itself when it is not a mount point, hiding them. A shared bind mount made first avoids that.
mkdir -p /run/netns
if ! mountpoint -q /run/netns; then
  mount --bind /run/netns /run/netns
  touch "$RUN/netns-bind"
fi
mount --make-shared /run/netns
# kubelet's cgroup root, in every cgroup v1 hierarchy.
for hierarchy in /sys/fs/cgroup/*/; do
  [[ -d $hierarchy && ! -L ${hierarchy%/} ]] && mkdir -p "$hierarchy$CGROUP_PARENT"
done
# A new cpuset cgroup starts with no CPUs and no memory nodes; give it its parent's.
for file in cpuset.cpus cpuset.mems; do
  cat "/sys/fs/cgroup/cpuset/$file" >"/sys/fs/cgroup/cpuset/$CGROUP_PARENT/$file"
done

phase 'certificates'
# cert NAME SUBJECT [SANS] [CA]: an EC key and a certificate signed by CA (default: ca).
cert() {
  local name=$1 subject=$2 sans=${3:-} ca=${4:-ca}
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/$name.key" 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr" 2>/dev/null
  {
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n'
    printf 'extendedKeyUsage=%s\n' "${sans:+serverAuth,}clientAuth"
    [[ -z $sans ]] || printf 'subjectAltName=%s\n' "$sans"
  } >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" -CAcreateserial \
    -days 30 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}
ca() {
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/$1.key" 2>/dev/null
  openssl req -x509 -new -key "$PKI/$1.key" -subj "/CN=$2" -days 30 -sha256 -out "$PKI/$1.crt" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}
ca ca cloudedu-cluster-ca
ca front-proxy-ca cloudedu-cluster-front-proxy-ca
cert apiserver /CN=kube-apiserver \
  "IP:$NODE_IP,IP:127.0.0.1,IP:$API_SERVICE_IP,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost"
cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
cert front-proxy-client /CN=front-proxy-client "" front-proxy-ca
cert admin "/O=system:masters/CN=cloudedu-admin"
cert controller-manager /CN=system:kube-controller-manager
cert scheduler /CN=system:kube-scheduler
cert kube-proxy /CN=system:kube-proxy
cert kube-router /CN=cloudedu:kube-router
cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME"
cert kubelet-serving "/CN=$NODE_NAME" "IP:$NODE_IP,DNS:$NODE_NAME"
openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/sa.key" 2>/dev/null
openssl ec -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
# kubeconfig NAME CERT: a kubeconfig for a client certificate.
kubeconfig() {
  cat >"$2" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: cloudedu
    cluster: {server: "https://$NODE_IP:6443", certificate-authority: "$PKI/ca.crt"}
users:
  - name: $1
    user: {client-certificate: "$PKI/$1.crt", client-key: "$PKI/$1.key"}
contexts:
  - name: cloudedu
    context: {cluster: cloudedu, user: $1}
current-context: cloudedu
EOF
}
for name in controller-manager scheduler kube-proxy kube-router kubelet; do
  kubeconfig "$name" "$CONF/$name.kubeconfig"
done
kubeconfig admin "$KUBECONFIG_PATH.new"

phase 'etcd, kube-apiserver, containerd'
# shellcheck disable=SC2153 # ETCD_ROOT comes from build.sh's env file
start etcd "$ETCD_ROOT/usr/bin/etcd" --name "$NODE_NAME" --data-dir "$STATE/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
  --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
  --initial-cluster "$NODE_NAME=http://127.0.0.1:$((ETCD_PORT + 1))" \
  --snapshot-count 10000 --logger zap --log-level warn
cat >"$CONF/admission.yaml" <<EOF
apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: PodSecurity
    configuration:
      apiVersion: pod-security.admission.config.k8s.io/v1
      kind: PodSecurityConfiguration
      # Secure by default: a namespace without labels gets baseline; the project's namespaces
      # label themselves restricted.
      defaults: {enforce: baseline, enforce-version: latest, warn: baseline, warn-version: latest}
      exemptions: {usernames: [], runtimeClasses: [], namespaces: [kube-system]}
EOF
start kube-apiserver kube-apiserver \
  --advertise-address="$NODE_IP" --bind-address="$NODE_IP" --secure-port=6443 \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --service-cluster-ip-range="$SERVICE_CIDR" --service-node-port-range=30000-32767 \
  --client-ca-file="$PKI/ca.crt" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" \
  --kubelet-client-key="$PKI/apiserver-kubelet-client.key" --kubelet-certificate-authority="$PKI/ca.crt" \
  --kubelet-preferred-address-types=InternalIP \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
  --admission-control-config-file="$CONF/admission.yaml" --allow-privileged=true \
  --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --enable-aggregator-routing=true --profiling=false --v=1

# containerd: CRI only, its own root and state, registries pointed at a port that refuses.
mkdir -p "$CONF/certs.d"
for registry in docker.io registry.k8s.io ghcr.io quay.io gcr.io; do
  mkdir -p "$CONF/certs.d/$registry"
  cat >"$CONF/certs.d/$registry/hosts.toml" <<EOF
# No registry is reachable from this machine: pulls fail at once instead of leaving it.
server = "https://127.0.0.1:1"
[host."https://127.0.0.1:1"]
  capabilities = ["pull", "resolve"]
EOF
done
cat >"$CONF/containerd.toml" <<EOF
version = 2
root = "$STATE/containerd"
state = "$RUN/containerd"
disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$RUN/containerd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # This VM lacks CAP_SYS_RESOURCE: without it runc fails every sandbox
  # ("can't get final child's PID from pipe").
  restrict_oom_score_adj = true
  disable_apparmor = true
  stream_server_address = "127.0.0.1"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$RUNC_ROOT/usr/sbin/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_ROOT/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$CONF/certs.d"
EOF
cat >"$STATE/cni/net.d/10-$CNI_NETWORK.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "$CNI_NETWORK",
  "plugins": [
    {
      "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$STATE/cni/networks",
        "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$NODE_IP"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    }
  ]
}
EOF
start containerd containerd --config "$CONF/containerd.toml"

wait_for 'containerd' cluster_ctr version
for archive in "$IMAGES_DIR"/*.tar; do
  cluster_ctr images import "$archive" >/dev/null
done
phase 'images loaded'

curl_api() { curl -fsS --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "https://$NODE_IP:6443$1"; }
wait_for 'kube-apiserver ready' curl_api /readyz
mv "$KUBECONFIG_PATH.new" "$KUBECONFIG_PATH"

start kube-controller-manager kube-controller-manager \
  --kubeconfig="$CONF/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$CONF/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$CONF/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --leader-elect=false \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --root-ca-file="$PKI/ca.crt" --service-account-private-key-file="$PKI/sa.key" \
  --use-service-account-credentials=true \
  --allocate-node-cidrs=true --cluster-cidr="$CLUSTER_CIDR" --node-cidr-mask-size=24 \
  --service-cluster-ip-range="$SERVICE_CIDR" --profiling=false
start kube-scheduler kube-scheduler \
  --kubeconfig="$CONF/scheduler.kubeconfig" \
  --authentication-kubeconfig="$CONF/scheduler.kubeconfig" \
  --authorization-kubeconfig="$CONF/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --leader-elect=false --profiling=false

# Pods resolve cluster names only: the kubelet gives them no upstream resolver.
: >"$CONF/resolv.conf"
cat >"$CONF/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# This host is cgroup v1, which kubelet 1.35+ refuses unless told otherwise.
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: /$CGROUP_PARENT
containerRuntimeEndpoint: unix://$RUN/containerd/containerd.sock
address: $NODE_IP
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$PKI/ca.crt"}
authorization: {mode: Webhook}
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
clusterDomain: cluster.local
clusterDNS: [$DNS_IP]
resolvConf: $CONF/resolv.conf
podLogsDir: $STATE/pod-logs
failSwapOn: false
# A shared test machine: evict only when really short, and never garbage-collect the images that
# were loaded by hand (there is no registry to pull them back from).
evictionHard: {memory.available: 100Mi, nodefs.available: 2%, imagefs.available: 2%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
EOF
start kubelet kubelet --config="$CONF/kubelet.yaml" --kubeconfig="$CONF/kubelet.kubeconfig" \
  --root-dir="$STATE/kubelet" --hostname-override="$NODE_NAME" --node-ip="$NODE_IP"

cat >"$CONF/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "$CONF/kube-proxy.kubeconfig"}
mode: iptables
hostnameOverride: $NODE_NAME
clusterCIDR: $CLUSTER_CIDR
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# NodePorts answer on the bridge address only, not on the machine's own interfaces.
nodePortAddresses: ["$NODE_IP/32"]
# Leave the host's conntrack settings alone (nothing to restore afterwards).
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
start kube-proxy kube-proxy --config="$CONF/kube-proxy.yaml"

sed -e "s|@@COREDNS_IMAGE@@|$COREDNS_IMAGE|g" -e "s|@@DNS_IP@@|$DNS_IP|g" \
  -e "s|@@LOCAL_PATH_IMAGE@@|$LOCAL_PATH_IMAGE|g" -e "s|@@LOCAL_PATH_HELPER_IMAGE@@|$LOCAL_PATH_HELPER_IMAGE|g" \
  -e "s|@@LOCAL_PATH_DIR@@|$STATE/local-path|g" -e "s|@@METRICS_SERVER_IMAGE@@|$METRICS_SERVER_IMAGE|g" \
  "$here/addons.yaml" >"$CONF/addons.yaml"
# The API server's RBAC bootstrap (system:* roles) may lag /readyz by a moment.
wait_for 'add-ons applied' kubectl apply -f "$CONF/addons.yaml"

# kube-router exits when its Node object does not exist yet.
wait_for 'node registered' kubectl get node "$NODE_NAME"
start kube-router env PATH="$IPSET_ROOT/usr/sbin:$PATH" \
  LD_LIBRARY_PATH="$LIBIPSET_ROOT/usr/lib/x86_64-linux-gnu" \
  "$KUBE_ROUTER" --kubeconfig="$CONF/kube-router.kubeconfig" --hostname-override="$NODE_NAME" \
  --run-firewall=true --run-router=false --run-service-proxy=false --enable-cni=false \
  --enable-ipv4=true --enable-ipv6=false --metrics-port=0 --health-port=0

wait_for 'node Ready' kubectl wait --for=condition=Ready "node/$NODE_NAME" --timeout=5s
wait_for 'CoreDNS ready' kubectl -n kube-system wait --for=condition=Available deployment/coredns --timeout=5s
dns_resolves() {
  "$BUSYBOX" nslookup kubernetes.default.svc.cluster.local "$DNS_IP" | grep -qE "[[:space:]]${API_SERVICE_IP//./\\.}\$"
}
wait_for 'cluster DNS resolves' dns_resolves
wait_for 'default StorageClass' kubectl get storageclass local-path
ln -sfn "$KUBE_BIN/kubectl" "$STATE/kubectl"
trap - ERR
phase "up (kubectl: $STATE/kubectl)"
printf 'KUBECONFIG=%s\nKUBECTL=%s\n' "$KUBECONFIG_PATH" "$STATE/kubectl"
