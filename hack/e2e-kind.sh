#!/usr/bin/env bash
# End-to-end suite on a throwaway kind cluster (make e2e):
#   1. create the cluster; build the operator image and load it into the cluster
#   2. helm install the chart (two replicas, leader election) and wait for it
#   3. deploy a small app (hack/e2e/web.yaml) and its Environment (escalation-examples/restart-on-unready.yaml)
#   4. break the app (every pod stops being ready) and watch Escalator repair it: Events
#      QuiescenceStarted, EscalationStarted, StepSucceeded, Converged; status back to Healthy
#   5. read the acting replica's /metrics: the escalation is counted and timed
#   6. uninstall cleanly (Environment, release, CRD, namespaces) and check nothing is left
# On failure it prints what a human needs (Environments, Events, pods, operator logs) before the
# cluster is deleted. KEEP_CLUSTER=1 keeps the cluster; E2E_CLUSTER names it; IMAGE names the image.
#
# Needs docker (with an engine), kind, kubectl, helm and curl.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
cluster="${E2E_CLUSTER:-escalator-e2e}"
image="${IMAGE:-escalator:e2e}"
release=escalator
ns=escalator-system
app_ns=web
lease=escalator-leader
kubectl=(kubectl --context "kind-${cluster}")
started=$(date +%s)

log() { printf '[e2e %4ds] %s\n' "$(( $(date +%s) - started ))" "$*"; }
die() { log "FAILED: $*"; exit 1; }

for tool in docker kind kubectl helm curl; do
  command -v "${tool}" >/dev/null || die "${tool} is not installed"
done
docker info >/dev/null 2>&1 || die "docker cannot reach a Docker engine"

diagnostics() {
  log "--- diagnostics"
  "${kubectl[@]}" get environments -A -o wide || true
  "${kubectl[@]}" get environment web -n "${app_ns}" -o yaml || true
  "${kubectl[@]}" get events -A --sort-by=.lastTimestamp | tail -n 60 || true
  "${kubectl[@]}" get pods -A -o wide || true
  "${kubectl[@]}" get lease -n "${ns}" -o wide || true
  for pod in $("${kubectl[@]}" get pods -n "${ns}" -l app.kubernetes.io/name=escalator -o name 2>/dev/null); do
    log "--- logs of ${pod}"
    "${kubectl[@]}" logs -n "${ns}" "${pod}" --tail=200 || true
  done
}

port_forward_pid=""
cleanup() {
  local rc=$?
  if [[ -n "${port_forward_pid}" ]]; then kill "${port_forward_pid}" 2>/dev/null || true; fi
  if [[ ${rc} -ne 0 ]]; then diagnostics; fi
  if [[ "${KEEP_CLUSTER:-0}" == 1 ]]; then
    log "keeping cluster ${cluster} (kind delete cluster --name ${cluster})"
  else
    kind delete cluster --name "${cluster}" >/dev/null 2>&1 || true
  fi
  if [[ ${rc} -eq 0 ]]; then log "PASSED"; else log "FAILED (exit ${rc})"; fi
}
trap cleanup EXIT

# Polls a command until it succeeds, at most $1 seconds.
until_ok() {
  local deadline=$(( $(date +%s) + $1 )) what="$2"; shift 2
  until "$@" >/dev/null 2>&1; do
    (( $(date +%s) < deadline )) || die "timed out after $1 s waiting for: ${what}"
    sleep 2
  done
  log "ok: ${what}"
}

lease_held() {
  [[ -n "$("${kubectl[@]}" get lease "${lease}" -n "${ns}" -o jsonpath='{.spec.holderIdentity}')" ]]
}

event_seen() { # reason
  [[ -n "$("${kubectl[@]}" get events -n "${app_ns}" --field-selector "involvedObject.name=web,reason=$1" -o name)" ]]
}

log "creating kind cluster ${cluster}"
kind delete cluster --name "${cluster}" >/dev/null 2>&1 || true
kind create cluster --name "${cluster}" --wait 180s

log "building ${image} and loading it into the cluster"
docker build -t "${image}" .
kind load docker-image "${image}" --name "${cluster}"

log "installing the chart"
helm --kube-context "kind-${cluster}" install "${release}" helm/escalator -n "${ns}" --create-namespace \
  --set image.repository="${image%:*}" --set image.tag="${image##*:}" --set image.pullPolicy=Never \
  --wait --timeout 5m
"${kubectl[@]}" wait --for=condition=Established crd/environments.escalator.dev --timeout=60s
until_ok 120 "a replica holds the Lease" lease_held

log "deploying the app and its Environment"
"${kubectl[@]}" apply -f hack/e2e/web.yaml
"${kubectl[@]}" rollout status deployment/web -n "${app_ns}" --timeout=180s
"${kubectl[@]}" apply -f escalation-examples/restart-on-unready.yaml
"${kubectl[@]}" wait environment/web -n "${app_ns}" --for=jsonpath='{.status.phase}'=Healthy --timeout=120s
"${kubectl[@]}" get environments -n "${app_ns}"

log "breaking the app: every pod stops being ready"
for pod in $("${kubectl[@]}" get pods -n "${app_ns}" -l app=web -o name); do
  "${kubectl[@]}" exec -n "${app_ns}" "${pod}" -- rm -f /tmp/ready
done

until_ok 120 "Event QuiescenceStarted" event_seen QuiescenceStarted
until_ok 120 "Event EscalationStarted" event_seen EscalationStarted
until_ok 240 "Event StepSucceeded (the rollout restart finished)" event_seen StepSucceeded
until_ok 240 "Event Converged" event_seen Converged
"${kubectl[@]}" wait environment/web -n "${app_ns}" --for=jsonpath='{.status.phase}'=Healthy --timeout=120s
outcome="$("${kubectl[@]}" get environment web -n "${app_ns}" -o jsonpath='{.status.history[0].outcome}')"
[[ "${outcome}" == Converged ]] || die "status.history[0].outcome is '${outcome}', not Converged"
"${kubectl[@]}" get events -n "${app_ns}" --field-selector involvedObject.name=web --sort-by=.lastTimestamp

log "reading the acting replica's metrics"
leader="$("${kubectl[@]}" get lease "${lease}" -n "${ns}" -o jsonpath='{.spec.holderIdentity}')"
"${kubectl[@]}" get pod -n "${ns}" "${leader}" >/dev/null || die "Lease holder '${leader}' is not a pod of ${ns}"
"${kubectl[@]}" port-forward -n "${ns}" "pod/${leader}" 18080:8080 >/dev/null 2>&1 &
port_forward_pid=$!
until_ok 30 "port-forward to ${leader}" curl -fsS http://127.0.0.1:18080/readyz
metrics="$(curl -fsS http://127.0.0.1:18080/metrics)"
expect_metric() { # regex
  grep -Eq "$1" <<<"${metrics}" || die "no metric matching $1 on ${leader}"
  log "ok: metric $(grep -E "$1" <<<"${metrics}" | head -n 1)"
}
expect_metric '^escalator_escalations_total\{namespace="web",environment="web",outcome="Converged",\} 1\.0$'
expect_metric '^escalator_step_duration_seconds_count\{namespace="web",level="restart-web",outcome="Succeeded",\} 1\.0$'
expect_metric '^escalator_environment_phase\{namespace="web",environment="web",phase="Healthy",\} 1\.0$'
expect_metric '^escalator_operator_reconciling 1\.0$'
expect_metric '^escalator_reconciliations_succeeded_total\{controller="environment",\} [1-9]'
kill "${port_forward_pid}" 2>/dev/null || true
port_forward_pid=""

log "uninstalling"
# The Environment first: its finalizer is removed by the operator, which must still be running.
"${kubectl[@]}" delete -f escalation-examples/restart-on-unready.yaml --wait --timeout=60s
helm --kube-context "kind-${cluster}" uninstall "${release}" -n "${ns}" --wait --timeout 3m
# Helm never deletes CRDs it installed from crds/.
"${kubectl[@]}" delete crd environments.escalator.dev --wait --timeout=60s
"${kubectl[@]}" delete -f hack/e2e/web.yaml --wait --timeout=120s
"${kubectl[@]}" delete namespace "${ns}" --wait --timeout=120s
left="$("${kubectl[@]}" get clusterrole,clusterrolebinding -l app.kubernetes.io/instance="${release}" -o name)"
[[ -z "${left}" ]] || die "left behind after uninstall: ${left}"
log "nothing left behind"
