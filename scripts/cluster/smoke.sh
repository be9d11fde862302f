#!/usr/bin/env bash
# Smoke check of the local cluster (scripts/cluster/up.sh), run by hand or reused by tests:
#   - a pod in a namespace enforcing Pod Security `restricted` becomes Running and Ready, with a
#     volume from the default StorageClass (local-path-provisioner and its helper image);
#   - a privileged pod is rejected there by admission;
#   - a ClusterIP Service answers from another pod and from the node, a NodePort on the node's
#     address (kube-proxy, iptables);
#   - cluster DNS resolves a Service name inside a pod (CoreDNS) and nothing outside the cluster;
#   - a NetworkPolicy denying ingress is enforced (kube-router), where the same request passed before;
#   - the metrics API answers (metrics-server).
#
# Usage: scripts/cluster/smoke.sh
#   Uses the running cluster, or brings one up and tears it down afterwards. Each check prints
#   `ok - ...`; the first failure prints `not ok - ...` and exits 1. Leaves nothing behind (its
#   namespaces are deleted). Waits are bounded (rules take a few seconds to be programmed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/cluster/lib.sh
source "$here/lib.sh"

[[ $(id -u) -eq 0 ]] || cluster_die 'must run as root'
own_cluster=
if ! [[ -f $RUN/kube-apiserver.pid ]] || ! kill -0 "$(cat "$RUN/kube-apiserver.pid")" 2>/dev/null; then
  own_cluster=1
  bash "$here/up.sh" >/dev/null || { bash "$here/down.sh"; exit 1; }
fi
cluster_env
kubectl() { command kubectl --kubeconfig "$KUBECONFIG_PATH" "$@"; }
ns=cloudedu-smoke
client_ns=cloudedu-smoke-client
cleanup() {
  if [[ -n $own_cluster ]]; then
    bash "$here/down.sh"
  else
    kubectl delete namespace "$ns" "$client_ns" --ignore-not-found --wait=true >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
kubectl delete namespace "$ns" "$client_ns" --ignore-not-found --wait=true >/dev/null

ok() { printf 'ok - %s\n' "$*"; }
not_ok() {
  printf 'not ok - %s\n' "$*"
  kubectl get pods -A -o wide >&2 || true
  exit 1
}
# eventually SECONDS CMD...: CMD succeeds within SECONDS (retried every second).
eventually() {
  local until=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < until)) || return 1
    sleep 1
  done
}

image=$LOCAL_PATH_HELPER_IMAGE # busybox: sh, httpd, wget, nslookup
# Debian busybox 1.35 wget crashes (SIGSEGV) on its own -T timeout; `timeout` bounds it instead.
restricted_context='{"runAsNonRoot": true, "runAsUser": 65534, "seccompProfile": {"type": "RuntimeDefault"}}'
container_context='{"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}'
kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $ns
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
---
apiVersion: v1
kind: Namespace
metadata:
  name: $client_ns
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: $ns}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 10Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: $ns, labels: {app: web}}
spec:
  securityContext: $restricted_context
  containers:
    - name: web
      image: $image
      imagePullPolicy: Never
      command: [sh, -c, 'echo cloudedu-smoke > /data/index.html && exec httpd -f -p 8080 -h /data']
      ports: [{containerPort: 8080}]
      readinessProbe: {httpGet: {path: /index.html, port: 8080}, periodSeconds: 1}
      securityContext: $container_context
      volumeMounts: [{name: data, mountPath: /data}]
  volumes:
    - name: data
      persistentVolumeClaim: {claimName: data}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: $ns}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080, nodePort: 30999}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: $client_ns}
spec:
  securityContext: $restricted_context
  containers:
    - name: client
      image: $image
      imagePullPolicy: Never
      command: [sleep, '3600']
      securityContext: $container_context
EOF

kubectl -n "$ns" wait --for=condition=Ready pod/web --timeout=120s >/dev/null ||
  not_ok 'restricted pod with a local-path volume Running and Ready'
[[ $(kubectl -n "$ns" get pvc data -o jsonpath='{.status.phase}') == Bound ]] || not_ok 'PVC bound'
ok "restricted pod Running and Ready, its PVC Bound by the default StorageClass"

if out=$(kubectl -n "$ns" run privileged --image="$image" --image-pull-policy=Never --restart=Never \
  --overrides='{"spec":{"containers":[{"name":"privileged","image":"'"$image"'","securityContext":{"privileged":true}}]}}' 2>&1); then
  not_ok "privileged pod rejected under restricted (it was admitted: $out)"
fi
[[ $out == *'violates PodSecurity "restricted'* ]] || not_ok "privileged pod rejected by Pod Security (got: $out)"
ok 'privileged pod rejected by Pod Security admission (restricted)'

kubectl -n "$client_ns" wait --for=condition=Ready pod/client --timeout=60s >/dev/null || not_ok 'client pod Ready'
in_client() { kubectl -n "$client_ns" exec client -- "$@"; }
fetch() { [[ $(in_client timeout 3 wget -q -O - "$1") == cloudedu-smoke ]]; }
eventually 30 fetch "http://web.$ns.svc.cluster.local/index.html" || not_ok 'ClusterIP by DNS name from another pod'
ok 'ClusterIP Service reached by its DNS name from a pod of another namespace'
cluster_ip=$(kubectl -n "$ns" get service web -o jsonpath='{.spec.clusterIP}')
host_fetch() { [[ $(curl -fsS -m 2 "$1") == cloudedu-smoke ]]; }
eventually 30 host_fetch "http://$cluster_ip/index.html" || not_ok "ClusterIP $cluster_ip from the node"
eventually 30 host_fetch "http://$NODE_IP:30999/index.html" || not_ok "NodePort $NODE_IP:30999 from the node"
ok "ClusterIP $cluster_ip and NodePort $NODE_IP:30999 answer from the node"

# The answer's address ends a line ("Address: 10.96.0.1"); the server's is followed by ":53".
resolves() { in_client nslookup "$1" | grep -qE "[[:space:]]${2//./\\.}\$"; }
resolves "kubernetes.default.svc.cluster.local" "$API_SERVICE_IP" || not_ok 'DNS: kubernetes.default'
resolves "web.$ns.svc.cluster.local" "$cluster_ip" || not_ok "DNS: web.$ns"
if in_client nslookup example.com >/dev/null 2>&1; then not_ok 'DNS answers outside names (it must not)'; fi
ok 'cluster DNS resolves Service names, and no name outside the cluster'

kubectl apply -f - >/dev/null <<EOF
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-ingress, namespace: $ns}
spec:
  podSelector: {}
  policyTypes: [Ingress]
EOF
denied() { ! in_client timeout 3 wget -q -O - "http://web.$ns.svc.cluster.local/index.html"; }
eventually 30 denied || not_ok 'NetworkPolicy deny enforced'
denied || not_ok 'NetworkPolicy deny still enforced on a second request'
ok 'NetworkPolicy denying ingress enforced (the same request passed before it)'

eventually 120 kubectl get --raw /apis/metrics.k8s.io/v1beta1/nodes || not_ok 'metrics API answers'
ok 'metrics API (metrics-server) answers'
