#!/usr/bin/env bash
# Checks of the GitHub workflow's kind job (.github/workflows/ci.yml, e2e-kind) after
# `taskmanager deploy --env dev`: what tests/cluster/ proves on the local cluster, as far as kind
# shows it. Each check undoes what it changed.
#
# Usage: scripts/ci/kind-checks.sh netpol|upgrade|doctor
#   netpol   a pod of another namespace reaches neither MySQL, the app port nor the metrics port
#            (kindnet enforces NetworkPolicies since kind 0.24); the app reaches MySQL by name
#   upgrade  two replicas, then `helm upgrade` to a new image tag under a request loop through the
#            NodePort: every request answers 200
#   doctor   a deliberately broken release (an image tag never loaded, pullPolicy Never): doctor
#            exits 1 naming ErrImageNeverPull, then the release is repaired
# Environment: KUBE_CONTEXT (kubectl context, default kind-cloudedu), NAMESPACE (cloudedu-dev),
# BASE_URL (the NodePort from the runner, http://localhost:30080), KIND_CLUSTER (cloudedu).
set -euo pipefail
cd "$(dirname "$0")/../.."

CONTEXT="${KUBE_CONTEXT:-kind-cloudedu}"
NS="${NAMESPACE:-cloudedu-dev}"
BASE_URL="${BASE_URL:-http://localhost:30080}"
KIND_CLUSTER="${KIND_CLUSTER:-cloudedu}"
RELEASE=cloudedu-taskmanager
CHART=deploy/helm/cloudedu-taskmanager
PROBE_NS=cloudedu-probe

k() { kubectl --context "$CONTEXT" "$@"; }
h() { helm --kube-context "$CONTEXT" "$@"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
app_image() { k -n "$NS" get deployment "$RELEASE" -o jsonpath='{.spec.template.spec.containers[0].image}'; }
app_pod() {
  k -n "$NS" get pods -l "app.kubernetes.io/instance=$RELEASE,app.kubernetes.io/component=app" \
    --field-selector=status.phase=Running -o jsonpath='{.items[0].metadata.name}'
}

# A node script that prints, per "name host port", connected / timeout / error.
reach_script() {
  cat <<'EOF'
import net from 'node:net';
const targets = JSON.parse(process.env.TARGETS);
const probe = ([, host, port]) => new Promise((resolve) => {
  const s = net.connect({ host, port, timeout: 3000 });
  s.on('connect', () => { s.destroy(); resolve('connected'); });
  s.on('timeout', () => { s.destroy(); resolve('timeout'); });
  s.on('error', (e) => resolve('error ' + e.code));
});
for (const t of targets) console.log(`${t[0]} ${await probe(t)}`);
EOF
}

check_netpol() {
  local image mysql_ip app_ip targets out
  image="$(app_image)"
  mysql_ip="$(k -n "$NS" get pod "$RELEASE-mysql-0" -o jsonpath='{.status.podIP}')"
  app_ip="$(k -n "$NS" get pod "$(app_pod)" -o jsonpath='{.status.podIP}')"
  targets="[[\"mysql-service\",\"$RELEASE-mysql.$NS.svc.cluster.local\",3306],[\"mysql-pod\",\"$mysql_ip\",3306],[\"app-http\",\"$app_ip\",8080],[\"app-metrics\",\"$app_ip\",9464],[\"api-server\",\"kubernetes.default.svc.cluster.local\",443]]"
  k create namespace "$PROBE_NS" --dry-run=client -o yaml | k apply -f -
  k -n "$PROBE_NS" delete pod reach --ignore-not-found --wait=true
  # Pod Security restricted, so the same pod also runs where namespaces enforce it.
  node -e '
    const [image, targets, script] = process.argv.slice(1);
    const restricted = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };
    console.log(JSON.stringify({
      apiVersion: "v1", kind: "Pod", metadata: { name: "reach" },
      spec: {
        restartPolicy: "Never", automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
        containers: [{ name: "reach", image, imagePullPolicy: "IfNotPresent", securityContext: restricted,
          command: ["node", "--input-type=module", "-e", script], env: [{ name: "TARGETS", value: targets }] }],
      },
    }));' "$image" "$targets" "$(reach_script)" | k -n "$PROBE_NS" apply -f -
  k -n "$PROBE_NS" wait pod/reach --for=jsonpath='{.status.phase}'=Succeeded --timeout=120s
  out="$(k -n "$PROBE_NS" logs reach)"
  printf 'from namespace %s:\n%s\n' "$PROBE_NS" "$out"
  k delete namespace "$PROBE_NS" --wait=false
  grep -q '^api-server connected$' <<<"$out" || fail 'the probe pod reaches nothing at all (positive control)'
  if grep -v '^api-server ' <<<"$out" | grep -q ' connected$'; then
    fail 'a pod of another namespace reached the release'
  fi
  out="$(k -n "$NS" exec "$(app_pod)" -c app -- env \
    "TARGETS=[[\"mysql\",\"$RELEASE-mysql.$NS.svc.cluster.local\",3306]]" node --input-type=module -e "$(reach_script)")"
  echo "from the app: $out"
  [[ $out == 'mysql connected' ]] || fail 'the app does not reach MySQL'
}

check_upgrade() {
  local image next failures=0 sent=0 pid
  image="$(app_image)"
  next="${image%:*}:$(date +%s)-upgrade"
  h upgrade "$RELEASE" "$CHART" -n "$NS" --reuse-values --set replicaCount=2 --wait --timeout 5m
  docker tag "$image" "$next"
  kind load docker-image "$next" --name "$KIND_CLUSTER"
  # Bounded loop: at most 3000 requests, each on a new connection; failures counted in a file.
  rm -f /tmp/upgrade-stop
  : >/tmp/upgrade-failures
  : >/tmp/upgrade-sent
  (
    for _ in $(seq 3000); do
      [[ -e /tmp/upgrade-stop ]] && break
      curl --silent --output /dev/null --max-time 5 --fail "$BASE_URL/readyz" || echo x >>/tmp/upgrade-failures
      echo >>/tmp/upgrade-sent
      sleep 0.05
    done
  ) &
  pid=$!
  h upgrade "$RELEASE" "$CHART" -n "$NS" --reuse-values --set-string "image.repository=${next%:*}" \
    --set-string "image.tag=${next##*:}" --wait --timeout 10m
  sleep 5
  touch /tmp/upgrade-stop
  wait "$pid"
  failures=$(wc -l </tmp/upgrade-failures)
  sent=$(wc -l </tmp/upgrade-sent)
  rm -f /tmp/upgrade-stop /tmp/upgrade-sent /tmp/upgrade-failures
  echo "helm upgrade to $next: $sent requests, $failures failed"
  [[ $(app_image) == "$next" ]] || fail "the Deployment does not run $next"
  ((sent > 50)) || fail 'too few requests to tell'
  ((failures == 0)) || fail "$failures requests failed during the upgrade"
}

check_doctor() {
  local tag out status=0
  tag="$(app_image)"
  tag="${tag##*:}"
  # No hooks: the migration Job would wait for the same missing image.
  h upgrade "$RELEASE" "$CHART" -n "$NS" --reuse-values --no-hooks \
    --set-string image.tag=never-loaded --set image.pullPolicy=Never
  for _ in $(seq 60); do
    k -n "$NS" get pods -o jsonpath='{.items[*].status.containerStatuses[*].state.waiting.reason}' |
      grep -q ErrImageNeverPull && break
    sleep 2
  done
  out="$(node dist/server/cli/index.js doctor --env dev --context "$CONTEXT")" || status=$?
  echo "$out"
  h upgrade "$RELEASE" "$CHART" -n "$NS" --reuse-values --no-hooks \
    --set-string "image.tag=$tag" --set image.pullPolicy=IfNotPresent --wait --timeout 5m
  ((status == 1)) || fail "doctor exited $status on a broken release, not 1"
  grep -q '\[image-not-in-cluster\]' <<<"$out" || fail 'doctor did not name the image missing from the cluster'
  node dist/server/cli/index.js doctor --env dev --context "$CONTEXT" || fail 'doctor still finds a problem after the repair'
}

case "${1:-}" in
  netpol) check_netpol ;;
  upgrade) check_upgrade ;;
  doctor) check_doctor ;;
  *)
    echo "usage: $0 netpol|upgrade|doctor" >&2
    exit 2
    ;;
esac
