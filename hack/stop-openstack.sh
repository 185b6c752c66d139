#!/usr/bin/env bash
# Stops the OpenStack test cloud started by hack/start-openstack.sh. The state is kept (the next
# start is a cold start of the same cloud); --clean deletes it too, like start --reset would.
#
# Every service was started in its own session, so its recorded pid is also its process group:
# we signal exactly the groups recorded in run/*.pid, never processes found by name.
set -euo pipefail

base="${ESCALATOR_OPENSTACK_BASE:-/tmp/escalator-openstack}"
run="${base}/run"
# Clients first, then what they need: the APIs and Nova services together, RabbitMQ, MariaDB.
clients="nova-compute nova-scheduler nova-conductor nova-api neutron-api glance-api placement keystone"
backends="rabbitmq epmd mysqld"

group_alive() {  # some non-zombie process is still in process group $1
  ps -eo pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

wait_gone() {  # process group, tenths of a second to wait for it to be gone
  local i
  for ((i = 0; i < $2; i++)); do
    group_alive "$1" || return 0
    sleep 0.1
  done
  return 1
}

# SIGTERM to the service's leader (a uWSGI master or an oslo.service parent stops its own
# workers), then to its whole group, then SIGKILL; a test cloud has nothing worth waiting for.
stop() {
  local name="$1" pidfile="${run}/$1.pid" group
  [[ -f "${pidfile}" ]] || return 0
  group="$(cat "${pidfile}")"
  if [[ "${group}" =~ ^[0-9]+$ ]] && group_alive "${group}"; then
    kill -TERM "${group}" 2>/dev/null || true
    wait_gone "${group}" 50 || kill -TERM -- "-${group}" 2>/dev/null || true
    if ! wait_gone "${group}" 50; then
      echo "stop-openstack: ${name} still running 10 s after SIGTERM; sending SIGKILL" >&2
      kill -KILL -- "-${group}" 2>/dev/null || true
      wait_gone "${group}" 20 || true
    fi
    echo "stopped ${name}"
  fi
  rm -f "${pidfile}"
}

for name in ${clients}; do stop "${name}" & done
wait
for name in ${backends}; do stop "${name}"; done

if [[ "${1:-}" == "--clean" && -d "${base}" ]]; then
  if [[ -f "${base}/.escalator-openstack" ]]; then
    rm -rf "${base}"
    echo "deleted ${base}"
  else
    echo "stop-openstack: ${base} was not created by start-openstack.sh; not deleting it" >&2
    exit 1
  fi
fi
