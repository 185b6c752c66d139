#!/usr/bin/env bash
# Memory of the running test cloud, per service and in total: RSS, and PSS (which shares the
# common pages of a service's several processes fairly, so the total is the real footprint).
set -euo pipefail
run="${ESCALATOR_OPENSTACK_BASE:-/tmp/escalator-openstack}/run"
total_rss=0 total_pss=0
printf '%-15s %5s %8s %8s\n' service procs RSS_MiB PSS_MiB
for pidfile in "${run}"/*.pid; do
  [[ -e "${pidfile}" ]] || continue
  name="$(basename "${pidfile}" .pid)"
  case "${name}" in *.own) continue ;; esac   # written by MariaDB and RabbitMQ themselves
  group="$(cat "${pidfile}")"
  rss=0 pss=0 procs=0
  for pid in $(ps -eo pid=,pgid= | awk -v g="${group}" '$2 == g { print $1 }'); do
    procs=$((procs + 1))
    rss=$((rss + $(awk '/^VmRSS:/ { print $2 }' "/proc/${pid}/status" 2>/dev/null || echo 0)))
    pss=$((pss + $(awk '/^Pss:/ { print $2 }' "/proc/${pid}/smaps_rollup" 2>/dev/null || echo 0)))
  done
  ((procs)) || continue
  printf '%-15s %5d %8d %8d\n' "${name}" "${procs}" $((rss / 1024)) $((pss / 1024))
  total_rss=$((total_rss + rss)) total_pss=$((total_pss + pss))
done
printf '%-15s %5s %8d %8d\n' TOTAL "" $((total_rss / 1024)) $((total_pss / 1024))
