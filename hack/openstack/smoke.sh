#!/usr/bin/env bash
# Smoke test of the cloud started by hack/start-openstack.sh, as the non-admin
# demo user: token, catalog, network/subnet/router/security group, a server with
# a NIC through ACTIVE, reboot, rebuild and delete; leaves nothing behind.
# Exit status 0 when every step passed. See smoke.py for the steps.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
base="${ESCALATOR_OPENSTACK_BASE:-/tmp/escalator-openstack}"
[[ -f "${base}/clouds.yaml" ]] || { echo "smoke: no ${base}/clouds.yaml; run hack/start-openstack.sh first" >&2; exit 1; }
# Debian's python and openstacksdk, never a pyenv/venv one that may be first in PATH.
OS_CLIENT_CONFIG_FILE="${base}/clouds.yaml" exec /usr/bin/python3 "${here}/smoke.py"
