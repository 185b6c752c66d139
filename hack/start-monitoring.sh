#!/usr/bin/env bash
# Starts a real Prometheus and Alertmanager on 127.0.0.1 for Escalator's integration tests.
#
# Prometheus evaluates one rule, EscalatorAlwaysFiring (vector(1), for: 0s), and sends it to the
# Alertmanager, so tests can see a firing alert without waiting on any scrape. It also loads the
# project's own alert rules (monitoring/escalator-rules.yml) and scrapes, every second, the operators
# that tests register as file_sd targets: a JSON file in $ESCALATOR_PROMETHEUS_TARGETS_DIR
# ([{"targets": ["127.0.0.1:PORT"], "labels": {...}}]), picked up within seconds. Everything they
# write lives under hack/.state/ (gitignored). Idempotent: servers already up and ready are left
# alone, except that Prometheus re-reads its configuration and rules (SIGHUP).
#
#   hack/start-monitoring.sh      # prints the URLs, and the exports the tests read
#   hack/stop-monitoring.sh
#
# Ports: ESCALATOR_PROMETHEUS_PORT (19090) and ESCALATOR_ALERTMANAGER_PORT (19093).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="${here}/.state/monitoring"
repo="$(cd "${here}/.." && pwd)"
prom_port="${ESCALATOR_PROMETHEUS_PORT:-19090}"
am_port="${ESCALATOR_ALERTMANAGER_PORT:-19093}"
prom_url="http://127.0.0.1:${prom_port}"
am_url="http://127.0.0.1:${am_port}"
alert_name="EscalatorAlwaysFiring"

die() { echo "start-monitoring: $*" >&2; exit 1; }

install_if_missing() {
  if command -v prometheus >/dev/null && command -v prometheus-alertmanager >/dev/null; then return; fi
  command -v apt-get >/dev/null || die "prometheus/prometheus-alertmanager missing and no apt-get to install them"
  [[ $(id -u) -eq 0 ]] || die "prometheus/prometheus-alertmanager missing; run as root to install them with apt-get"
  echo "installing prometheus and prometheus-alertmanager (Debian packages)" >&2
  apt-get update -q >&2
  # The packages' postinst does not start the services in a container; this script starts them.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q prometheus prometheus-alertmanager >&2
}

write_config() {
  mkdir -p "${state}/prometheus-data" "${state}/alertmanager-data" "${state}/targets"
  cat >"${state}/alertmanager.yml" <<YAML
route:
  receiver: discard
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: discard
YAML
  cat >"${state}/rules.yml" <<YAML
groups:
  - name: escalator-test
    interval: 1s
    rules:
      - alert: ${alert_name}
        expr: vector(1)
        for: 0s
        labels:
          severity: test
        annotations:
          summary: Always firing, for Escalator's integration tests.
YAML
  cat >"${state}/prometheus.yml" <<YAML
global:
  scrape_interval: 5s
  evaluation_interval: 1s
rule_files:
  - ${state}/rules.yml
  - ${repo}/monitoring/escalator-rules.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:${am_port}"]
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["127.0.0.1:${prom_port}"]
  - job_name: escalator
    scrape_interval: 1s
    scrape_timeout: 1s
    file_sd_configs:
      - files: ["${state}/targets/*.json"]
        refresh_interval: 5s
YAML
}

ready() { curl -fsS --max-time 2 "$1/-/ready" >/dev/null 2>&1; }

running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_alertmanager() {
  if running "${state}/alertmanager.pid" && ready "${am_url}"; then return; fi
  ready "${am_url}" && die "something else answers on ${am_url}; set ESCALATOR_ALERTMANAGER_PORT"
  # An empty cluster address disables gossip, which would otherwise claim port 9094.
  nohup prometheus-alertmanager \
    --config.file="${state}/alertmanager.yml" \
    --storage.path="${state}/alertmanager-data" \
    --web.listen-address="127.0.0.1:${am_port}" \
    --cluster.listen-address= \
    >"${state}/alertmanager.log" 2>&1 &
  echo $! >"${state}/alertmanager.pid"
}

start_prometheus() {
  if running "${state}/prometheus.pid" && ready "${prom_url}"; then
    # Already up: make it read the configuration and rules written above.
    kill -HUP "$(cat "${state}/prometheus.pid")"
    return
  fi
  ready "${prom_url}" && die "something else answers on ${prom_url}; set ESCALATOR_PROMETHEUS_PORT"
  # A 1s resend delay: the first notification is dropped while the Alertmanager is being
  # discovered, and the default (1m) would make the alert appear a minute late.
  nohup prometheus \
    --config.file="${state}/prometheus.yml" \
    --rules.alert.resend-delay=1s \
    --storage.tsdb.path="${state}/prometheus-data" \
    --web.listen-address="127.0.0.1:${prom_port}" \
    >"${state}/prometheus.log" 2>&1 &
  echo $! >"${state}/prometheus.pid"
}

wait_for() {
  local what="$1" log="$2"; shift 2
  for _ in $(seq 1 120); do
    if "$@"; then return; fi
    sleep 0.5
  done
  echo "--- last lines of ${log}" >&2
  tail -n 20 "${log}" >&2 || true
  die "${what} not ready after 60s"
}

alert_visible() {
  # Captured, not piped into grep -q: with pipefail, grep closing early fails the pipeline.
  local alerts
  alerts="$(curl -fsS --max-time 2 -G "${am_url}/api/v2/alerts" \
    --data-urlencode "filter=alertname=\"${alert_name}\"" 2>/dev/null)" || return 1
  [[ "${alerts}" == *"\"${alert_name}\""* ]]
}

command -v curl >/dev/null || die "curl is needed"
install_if_missing
write_config
start_alertmanager
start_prometheus
wait_for "Alertmanager at ${am_url}" "${state}/alertmanager.log" ready "${am_url}"
wait_for "Prometheus at ${prom_url}" "${state}/prometheus.log" ready "${prom_url}"
wait_for "alert ${alert_name} in Alertmanager" "${state}/prometheus.log" alert_visible

echo "Prometheus:   ${prom_url}"
echo "Alertmanager: ${am_url}"
echo "export ESCALATOR_PROMETHEUS_URL=${prom_url}"
echo "export ESCALATOR_ALERTMANAGER_URL=${am_url}"
echo "export ESCALATOR_PROMETHEUS_TARGETS_DIR=${state}/targets"
