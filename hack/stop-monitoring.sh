#!/usr/bin/env bash
# Stops the Prometheus and Alertmanager started by hack/start-monitoring.sh (by their pid files
# only; other Prometheus processes on the machine are not touched). Keeps hack/.state/ for the logs;
# pass --clean to delete it too.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="${here}/.state/monitoring"

stop() {
  local name="$1" pidfile="${state}/$1.pid"
  [[ -f "${pidfile}" ]] || return 0
  local pid; pid="$(cat "${pidfile}")"
  if kill -0 "${pid}" 2>/dev/null; then
    kill "${pid}"
    for _ in $(seq 1 40); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.25
    done
    if kill -0 "${pid}" 2>/dev/null; then
      echo "stop-monitoring: ${name} (${pid}) ignored SIGTERM; sending SIGKILL" >&2
      kill -9 "${pid}"
    fi
    echo "stopped ${name} (${pid})"
  fi
  rm -f "${pidfile}"
}

stop prometheus
stop alertmanager
if [[ "${1:-}" == "--clean" ]]; then rm -rf "${state}"; fi
