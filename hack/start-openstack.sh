#!/usr/bin/env bash
# Starts a real, small OpenStack on 127.0.0.1 for Escalator's integration tests: Keystone,
# Placement, Glance (file store), Nova (API, conductor, scheduler and a compute service with the
# fake virt driver) and the Neutron API (ML2 without agents), on MariaDB and RabbitMQ, all from
# Debian 12's own packages, as plain processes (no systemd). See docs/openstack-test-cloud.md.
#
#   hack/start-openstack.sh            install the packages if missing, bootstrap once, start,
#                                      and return once a server can be booted
#   hack/start-openstack.sh --reset    the same from a wiped state: a fresh cloud
#   hack/stop-openstack.sh             stop it (state kept; --clean deletes it too)
#   hack/openstack/smoke.sh            prove it works, leaving nothing behind
#
# Idempotent: services already running are left alone, the bootstrap runs once. Everything lives
# under ESCALATOR_OPENSTACK_BASE (default /tmp/escalator-openstack), never in the repository;
# clouds.yaml there holds the clouds escalator-admin and escalator-demo. Progress goes to stderr;
# stdout ends with `export` lines a Makefile can eval. Needs root the first time (apt-get).
# Ports, all on 127.0.0.1: keystone 5000, nova 8774, neutron 9696, glance 9292, placement 8778,
# and MariaDB 3306, RabbitMQ 5672 (epmd 4369, dist 25672) behind them.
set -Eeuo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
helpers="${here}/openstack"
base="${ESCALATOR_OPENSTACK_BASE:-/tmp/escalator-openstack}"
etc="${base}/etc" data="${base}/data" logs="${base}/logs" run="${base}/run"
site="${base}/python"          # our ML2 driver and its entry point, on neutron's PYTHONPATH
compute_host="escalator-compute"
# A throwaway cloud on the loopback: fixed, documented passwords keep clouds.yaml and the
# bootstrapped state in agreement across restarts.
admin_password="admin-secret" demo_password="demo-secret"
service_password="service-secret" db_password="db-secret"

# Debian's python3 and its OpenStack libraries only: a pyenv/venv python3 first in PATH would
# run our helpers without them.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export OS_CLIENT_CONFIG_FILE="${base}/clouds.yaml"
export ESCALATOR_OPENSTACK_SERVICE_PASSWORD="${service_password}"
python=/usr/bin/python3
started_at="$(date +%s.%N)"

# ------------------------------------------------------------------------------- reporting
say() {
  printf '[%5.1fs] %s\n' "$(awk -v a="${started_at}" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')" "$*" >&2
}

# service -> the port it listens on (empty for RPC-only services)
declare -A port=(
  [mysqld]=3306 [epmd]=4369 [rabbitmq]=5672 [keystone]=5000 [placement]=8778 [glance-api]=9292
  [neutron-api]=9696 [nova-api]=8774 [nova-conductor]="" [nova-scheduler]="" [nova-compute]=""
)
# every service, in start order
services="mysqld epmd rabbitmq keystone placement glance-api neutron-api nova-api nova-conductor nova-scheduler nova-compute"

logs_of() {  # the log files a service writes, most telling first
  case "$1" in
    mysqld) echo "${logs}/mysqld.err ${logs}/mysqld.out" ;;
    epmd) echo "${logs}/epmd.out" ;;
    rabbitmq) echo "${logs}/rabbitmq.out ${logs}/rabbitmq/" ;;
    keystone|placement|neutron-api|nova-api) echo "${logs}/$1.log ${logs}/$1.uwsgi.log ${logs}/$1.out" ;;
    *) echo "${logs}/$1.log ${logs}/$1.out" ;;
  esac
}

running() {  # the service's recorded process is alive (and not a zombie)
  local pid
  [[ -f "${run}/$1.pid" ]] || return 1
  pid="$(cat "${run}/$1.pid")"
  [[ -r "/proc/${pid}/stat" ]] && [[ "$(awk '{print $3}' "/proc/${pid}/stat" 2>/dev/null)" != Z ]]
}

# Fails loudly: what went wrong, which services died, their log files and last lines.
fail() {
  trap - ERR
  say "FAILED: $*"
  local name file dead=0
  for name in ${services}; do
    if [[ -f "${run}/${name}.pid" ]] && ! running "${name}"; then
      dead=1
      say "service ${name} has died; its logs: $(logs_of "${name}")"
      for file in $(logs_of "${name}"); do
        if [[ -s "${file}" && -f "${file}" ]]; then
          echo "--- last lines of ${file}" >&2
          tail -n 15 "${file}" >&2
        fi
      done
    fi
  done
  ((dead)) || say "no service has died; all logs are in ${logs}/"
  exit 1
}
trap 'fail "unexpected error (exit $?) at line ${LINENO}: ${BASH_COMMAND}"' ERR

# ------------------------------------------------------------------------------- arguments
reset=""
case "${1:-}" in
  "") ;;
  --reset) reset=1 ;;
  -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
  *) echo "usage: $0 [--reset]" >&2; exit 2 ;;
esac
[[ "${base}" == /?* && "${base}" != *..* ]] || { echo "ESCALATOR_OPENSTACK_BASE must be an absolute path" >&2; exit 2; }

# One start at a time (a second `make it` waits for the first).
mkdir -p "$(dirname "${base}")"
exec 9>"${base%/}.lock"
flock -w 1800 9 || fail "another start-openstack.sh holds ${base%/}.lock"

# The state directory carries a marker so --reset only ever wipes a directory we created.
wipe_state() {
  [[ -d "${base}" ]] || return 0
  [[ -f "${base}/.escalator-openstack" ]] || fail "${base} exists but was not created by this script; not wiping it"
  ESCALATOR_OPENSTACK_BASE="${base}" "${here}/stop-openstack.sh" >&2
  rm -rf "${base}"
}
if [[ -n "${reset}" ]]; then
  say "--reset: wiping ${base}"
  wipe_state
elif [[ -d "${data}" && ! -f "${data}/bootstrapped" ]]; then
  say "an earlier first start did not finish: wiping ${base} and bootstrapping again"
  wipe_state
fi
# Created before anything writes into it (the apt logs included).
mkdir -p "${base}" "${logs}" "${run}"
touch "${base}/.escalator-openstack"
first_start=""
[[ -f "${data}/bootstrapped" ]] || first_start=1

# ------------------------------------------------------------------------------- packages
packages=(
  keystone placement-api glance-api nova-api nova-conductor nova-scheduler neutron-server
  mariadb-server python3-pymysql rabbitmq-server uwsgi-plugin-python3
  python3-openstackclient python3-openstacksdk python3-kombu curl iproute2 procps
)
install_packages() {
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "${p}" 2>/dev/null | grep -q 'ok installed' || missing+=("${p}")
  done
  ((${#missing[@]})) || return 0
  [[ "$(id -u)" == 0 ]] || fail "missing Debian packages (${missing[*]}); run as root once to install them"
  say "installing ${missing[*]} (logs: ${logs}/apt-*.log)"
  # Answer the packages' debconf questions "no": no database, Keystone registration, RabbitMQ or
  # service-user setup at install time; this script configures everything itself, under ${base}.
  local s q
  for s in keystone glance nova neutron placement; do
    for q in configure_db configure_ksat configure_rabbit configure_api-endpoint register-endpoint; do
      echo "${s} ${s}/${q} boolean false"
    done
  done | debconf-set-selections
  {
    echo "keystone keystone/create-admin-tenant boolean false"
    echo "nova-api novaapi/configure_db boolean false"
    echo "nova-common nova/configure_neutron boolean false"
    echo "nova-common nova/configure_placement boolean false"
    echo "neutron-common neutron/configure_nova boolean false"
  } | debconf-set-selections
  # Without a policy-rc.d that says "no" (101), the packages start their daemons via their init
  # scripts, on 0.0.0.0 and on the very ports this cloud needs. Only ours is removed afterwards.
  local own_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# written by escalator hack/start-openstack.sh during apt-get install\nexit 101\n' \
      >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  local t0 rc=0
  t0="$(date +%s)"
  # DPkg::Lock::Timeout: wait for another apt-get on the machine instead of failing at once
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q \
    >"${logs}/apt-update.log" 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" >"${logs}/apt-install.log" 2>&1 || rc=$?
  [[ -z "${own_policy}" ]] || rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || fail "apt-get install failed (exit ${rc}); see ${logs}/apt-install.log"
  say "packages installed in $(($(date +%s) - t0))s ($(grep -m1 -E '^Need to get' "${logs}/apt-install.log" || echo 'nothing to download'))"
}

# ------------------------------------------------------------------------------- configuration
db_url() { echo "mysql+pymysql://openstack:${db_password}@127.0.0.1/$1?charset=utf8"; }

keystone_authtoken() {  # $1: the service's own user
  cat <<EOF
[keystone_authtoken]
www_authenticate_uri = http://127.0.0.1:5000
auth_url = http://127.0.0.1:5000
auth_type = password
user_domain_name = Default
project_domain_name = Default
project_name = service
username = $1
password = ${service_password}
region_name = RegionOne
EOF
}

service_credentials() {  # $1: section, $2: user; how one service calls another
  cat <<EOF
[$1]
auth_type = password
auth_url = http://127.0.0.1:5000/v3
user_domain_name = Default
project_domain_name = Default
project_name = service
username = $2
password = ${service_password}
region_name = RegionOne
valid_interfaces = public
EOF
}

write_configs() {
  mkdir -p "${etc}"/{mysql,rabbitmq,keystone,placement,glance,nova,neutron} "${site}" \
    "${data}"/{keystone,glance/images,glance/staging,glance/tasks,nova,neutron,locks,rabbitmq}

  cat >"${etc}/mysql/my.cnf" <<EOF
[mysqld]
user = root
datadir = ${data}/mysql
socket = ${run}/mysqld.sock
pid-file = ${run}/mariadbd.own.pid
bind-address = 127.0.0.1
port = 3306
log-error = ${logs}/mysqld.err
skip-name-resolve
skip-log-bin
performance_schema = OFF
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
max_connections = 500
innodb_buffer_pool_size = 128M
# a test cloud: speed over durability (a crash loses at most the last second)
innodb_flush_log_at_trx_commit = 0
innodb_doublewrite = 0
innodb_flush_method = O_DIRECT_NO_FSYNC
[client]
socket = ${run}/mysqld.sock
user = root
EOF

  # RabbitMQ and its Erlang port mapper listen on the loopback only.
  echo 'listeners.tcp.1 = 127.0.0.1:5672' >"${etc}/rabbitmq/rabbitmq.conf"
  echo '[].' >"${etc}/rabbitmq/enabled_plugins"
  : >"${etc}/rabbitmq/rabbitmq-env.conf"

  cat >"${etc}/keystone/keystone.conf" <<EOF
[DEFAULT]
log_dir = ${logs}
log_file = keystone.log
[database]
connection = $(db_url keystone)
[token]
provider = fernet
expiration = 86400
[fernet_tokens]
key_repository = ${data}/keystone/fernet-keys
[fernet_receipts]
key_repository = ${data}/keystone/fernet-keys
[credential]
key_repository = ${data}/keystone/credential-keys
[identity]
# bcrypt cost 4 instead of 12: each password authentication is ~0.25 s cheaper (test cloud)
password_hash_rounds = 4
EOF

  {
    cat <<EOF
[DEFAULT]
log_dir = ${logs}
log_file = placement.log
[api]
auth_strategy = keystone
[placement_database]
connection = $(db_url placement)
EOF
    keystone_authtoken placement
  } >"${etc}/placement/placement.conf"

  {
    cat <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = 9292
# 0: serve from the one process (no forked worker), which is plenty for tests
workers = 0
log_file = ${logs}/glance-api.log
enabled_backends = file:file
[database]
connection = $(db_url glance)
[glance_store]
default_backend = file
[file]
filesystem_store_datadir = ${data}/glance/images/
[os_glance_staging_store]
filesystem_store_datadir = ${data}/glance/staging/
[os_glance_tasks_store]
filesystem_store_datadir = ${data}/glance/tasks/
[paste_deploy]
flavor = keystone
config_file = /etc/glance/glance-api-paste.ini
[oslo_concurrency]
lock_path = ${data}/locks/glance
EOF
    keystone_authtoken glance
  } >"${etc}/glance/glance-api.conf"

  {
    cat <<EOF
[DEFAULT]
host = ${compute_host}
my_ip = 127.0.0.1
state_path = ${data}/nova
transport_url = rabbit://guest:guest@127.0.0.1:5672/
compute_driver = fake.FakeDriver
use_rootwrap_daemon = false
# no agent ever reports a VIF as plugged
vif_plugging_is_fatal = false
vif_plugging_timeout = 0
# the fake driver would "sync" a stopped server's power state back wrongly
sync_power_state_interval = -1
# one compute host: resize and cold migration can only land on it
allow_resize_to_same_host = true
[api]
auth_strategy = keystone
[wsgi]
api_paste_config = /etc/nova/api-paste.ini
[conductor]
workers = 1
[scheduler]
workers = 1
[glance]
valid_interfaces = public
[vnc]
enabled = false
[spice]
enabled = false
[oslo_concurrency]
lock_path = ${data}/locks/nova
EOF
    keystone_authtoken nova
    service_credentials placement placement
    service_credentials neutron neutron
    echo "service_metadata_proxy = false"
  } >"${etc}/nova/nova.conf"
  # Database settings in a file of their own: nova-compute refuses to start when it sees them.
  cat >"${etc}/nova/nova-db.conf" <<EOF
[api_database]
connection = $(db_url nova_api)
[database]
connection = $(db_url nova)
EOF
  printf '[DEFAULT]\nlog_file = %s/nova-api.log\n' "${logs}" >"${etc}/nova/nova-api.conf"

  {
    cat <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = 9696
state_path = ${data}/neutron
log_file = ${logs}/neutron-api.log
api_paste_config = /etc/neutron/api-paste.ini
auth_strategy = keystone
core_plugin = ml2
service_plugins = router
allow_overlapping_ips = true
transport_url = rabbit://guest:guest@127.0.0.1:5672/
notify_nova_on_port_status_changes = true
notify_nova_on_port_data_changes = true
[database]
connection = $(db_url neutron)
[oslo_concurrency]
lock_path = ${data}/locks/neutron
[ml2]
type_drivers = flat,vlan,vxlan
tenant_network_types = vxlan
mechanism_drivers = escalator_noop
extension_drivers = port_security
[ml2_type_flat]
flat_networks = *
[ml2_type_vlan]
network_vlan_ranges = physnet1:100:199
[ml2_type_vxlan]
vni_ranges = 1:10000
[securitygroup]
enable_security_group = true
[quotas]
# generous defaults for the projects tests create (admin and demo get theirs explicitly,
# and Nova's defaults, from hack/openstack/bootstrap_resources.py)
quota_network = 100
quota_subnet = 200
quota_port = 500
quota_router = 50
quota_floatingip = 100
quota_security_group = 100
quota_security_group_rule = 1000
EOF
    keystone_authtoken neutron
    service_credentials nova nova
  } >"${etc}/neutron/neutron.conf"

  if [[ -n "${ESCALATOR_OPENSTACK_DEBUG:-}" ]]; then
    local f
    for f in keystone/keystone.conf placement/placement.conf glance/glance-api.conf \
             nova/nova.conf nova/nova-api.conf neutron/neutron.conf; do
      sed -i '0,/^\[DEFAULT\]$/s//[DEFAULT]\ndebug = true/' "${etc}/${f}"
    done
  fi

  # The ML2 driver, installed into our own site directory: stevedore finds ML2 mechanism drivers
  # by entry point only, so it comes with a minimal dist-info naming it "escalator_noop".
  cp "${helpers}/escalator_noop_binding.py" "${site}/"
  mkdir -p "${site}/escalator_noop_binding-1.0.dist-info"
  printf 'Metadata-Version: 2.1\nName: escalator-noop-binding\nVersion: 1.0\n' \
    >"${site}/escalator_noop_binding-1.0.dist-info/METADATA"
  printf '[neutron.ml2.mechanism_drivers]\nescalator_noop = escalator_noop_binding:EscalatorNoopBindingDriver\n' \
    >"${site}/escalator_noop_binding-1.0.dist-info/entry_points.txt"

  cat >"${base}/clouds.yaml" <<EOF
# Escalator's OpenStack test cloud (hack/start-openstack.sh); region RegionOne, all on 127.0.0.1.
clouds:
  escalator-admin:          # admin user, admin project, role admin: may create projects and users
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: admin
      password: ${admin_password}
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
  escalator-demo:           # non-admin user demo, project demo, role member
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: demo
      password: ${demo_password}
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
EOF
}

# ------------------------------------------------------------------------------- processes
port_taken() { [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]; }

# Starts a service in its own session (its pid is its process group, which is what
# stop-openstack.sh signals), unless it is running already.
spawn() {
  local name="$1"; shift
  running "${name}" && return 0
  # fd 9 is our start lock: a daemon inheriting it would make the next start wait forever
  (cd "${base}" && exec setsid "$@" </dev/null >>"${logs}/${name}.out" 2>&1 9>&-) &
  echo $! >"${run}/${name}.pid"
}

# Before starting anything: every port we are about to listen on must be free.
check_ports_free() {
  local name
  for name in ${services}; do
    [[ -n "${port[${name}]}" && "${name}" != epmd ]] || continue
    running "${name}" || ! port_taken "${port[${name}]}" || fail "port ${port[${name}]} (for ${name}) is taken by a process this script did not start:
$(ss -Hltnp "sport = :${port[${name}]}")
another OpenStack may be running (e.g. the shared recipe: OSREAL_BASE=... stop-openstack.sh)"
  done
}

# The API services run under uWSGI. --http-socket with "Connection: close": with HTTP/1.1
# keep-alive an idle client connection pins a worker until uWSGI's 4 s socket timeout, and
# nova-api calling neutron then stalls 4 s per request. --skip-atexit-teardown: Python's
# finalisation in an exiting worker can segfault in greenlet and hang the worker's exit.
spawn_uwsgi() {  # name port wsgi-script processes threads [VAR=value...]
  local name="$1" listen="$2" script="$3" processes="$4" threads="$5"; shift 5
  spawn "${name}" env "$@" /usr/bin/uwsgi-core --plugin python3 --master --die-on-term \
    --skip-atexit-teardown --worker-reload-mercy 5 --reload-mercy 5 \
    --http-socket "127.0.0.1:${listen}" --add-header "Connection: close" \
    --wsgi-file "${script}" --processes "${processes}" --threads "${threads}" --enable-threads \
    --lazy-apps --need-app --buffer-size 65535 --procname-prefix "${name}-" \
    --logto "${logs}/${name}.uwsgi.log"
}

# await NAME SECONDS WHAT COMMAND...: poll COMMAND every 0.2 s; fail at once if NAME dies.
await() {
  local name="$1" seconds="$2" what="$3"; shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    running "${name}" || fail "${name} died while waiting for ${what}"
    ((SECONDS < deadline)) || fail "no ${what} after ${seconds}s"
    sleep 0.2
  done
  say "${what}"
}
http_up() { curl -s -o /dev/null -m 2 "$1"; }
tcp_up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
mysql_as_root() { mariadb --defaults-file="${etc}/mysql/my.cnf"; }  # SQL on stdin

start_mariadb() {
  if [[ ! -d "${data}/mysql/mysql" ]]; then
    mariadb-install-db --defaults-file="${etc}/mysql/my.cnf" --skip-test-db \
      --auth-root-authentication-method=socket >"${logs}/mysql-install.log" 2>&1 \
      || fail "mariadb-install-db failed; see ${logs}/mysql-install.log"
  fi
  spawn mysqld /usr/sbin/mariadbd --defaults-file="${etc}/mysql/my.cnf"
}

start_rabbitmq() {
  # Our own foreground epmd, bound to the loopback, so Erlang does not daemonize one we cannot
  # track (listening on every address).
  if ! running epmd && port_taken "${port[epmd]}"; then
    say "reusing the Erlang port mapper already listening on :${port[epmd]}"
  else
    spawn epmd /usr/bin/epmd -address 127.0.0.1
  fi
  running rabbitmq && return 0
  local cookie="${data}/rabbitmq/.erlang.cookie"
  [[ -f "${cookie}" ]] || { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"${cookie}"; chmod 400 "${cookie}"; }
  spawn rabbitmq env HOME="${data}/rabbitmq" \
    RABBITMQ_CONF_ENV_FILE="${etc}/rabbitmq/rabbitmq-env.conf" \
    RABBITMQ_CONFIG_FILE="${etc}/rabbitmq/rabbitmq" \
    RABBITMQ_ENABLED_PLUGINS_FILE="${etc}/rabbitmq/enabled_plugins" \
    RABBITMQ_MNESIA_BASE="${data}/rabbitmq/mnesia" RABBITMQ_LOG_BASE="${logs}/rabbitmq" \
    RABBITMQ_PID_FILE="${run}/rabbitmq.own.pid" RABBITMQ_NODENAME=rabbit@localhost \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=5672 RABBITMQ_DIST_PORT=25672 \
    ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    /usr/lib/rabbitmq/bin/rabbitmq-server
}

nova_manage=(nova-manage --config-file "${etc}/nova/nova.conf" --config-file "${etc}/nova/nova-db.conf")

# Databases and schemas, first start only; the five schema syncs run in parallel.
create_schemas() {
  say "creating databases and schemas"
  {
    local db host
    for db in keystone placement glance neutron nova_api nova_cell0 nova; do
      echo "CREATE DATABASE IF NOT EXISTS ${db};"
    done
    for host in 127.0.0.1 localhost; do
      echo "CREATE USER IF NOT EXISTS 'openstack'@'${host}' IDENTIFIED BY '${db_password}';"
      echo "GRANT ALL PRIVILEGES ON *.* TO 'openstack'@'${host}';"
    done
  } | mysql_as_root
  local keystone_manage=(keystone-manage --config-file "${etc}/keystone/keystone.conf")
  local pids=() names=() i failed=()
  ( "${keystone_manage[@]}" db_sync &&
    "${keystone_manage[@]}" fernet_setup --keystone-user root --keystone-group root &&
    "${keystone_manage[@]}" credential_setup --keystone-user root --keystone-group root
  ) >"${logs}/schema-keystone.log" 2>&1 & pids+=($!) names+=(keystone)
  placement-manage --config-file "${etc}/placement/placement.conf" db sync \
    >"${logs}/schema-placement.log" 2>&1 & pids+=($!) names+=(placement)
  glance-manage --config-file "${etc}/glance/glance-api.conf" db_sync \
    >"${logs}/schema-glance.log" 2>&1 & pids+=($!) names+=(glance)
  neutron-db-manage --config-file "${etc}/neutron/neutron.conf" upgrade heads \
    >"${logs}/schema-neutron.log" 2>&1 & pids+=($!) names+=(neutron)
  ( "${nova_manage[@]}" api_db sync &&
    "${nova_manage[@]}" cell_v2 map_cell0 --database_connection "$(db_url nova_cell0)" &&
    "${nova_manage[@]}" cell_v2 create_cell --name cell1 &&
    "${nova_manage[@]}" db sync
  ) >"${logs}/schema-nova.log" 2>&1 & pids+=($!) names+=(nova)
  for i in "${!pids[@]}"; do
    wait "${pids[i]}" || failed+=("${logs}/schema-${names[i]}.log")
  done
  ((${#failed[@]} == 0)) || fail "schema creation failed; see ${failed[*]}"
  say "schemas created"
}

bootstrap_identity() {
  keystone-manage --config-file "${etc}/keystone/keystone.conf" bootstrap \
    --bootstrap-password "${admin_password}" --bootstrap-region-id RegionOne \
    --bootstrap-admin-url http://127.0.0.1:5000/v3/ \
    --bootstrap-internal-url http://127.0.0.1:5000/v3/ \
    --bootstrap-public-url http://127.0.0.1:5000/v3/ >"${logs}/bootstrap-identity.log" 2>&1 \
    || fail "keystone-manage bootstrap failed; see ${logs}/bootstrap-identity.log"
  "${python}" "${helpers}/bootstrap_identity.py" >>"${logs}/bootstrap-identity.log" 2>&1 \
    || fail "identity bootstrap failed; see ${logs}/bootstrap-identity.log"
  say "users, projects and catalog created"
}

# ------------------------------------------------------------------------------- main
install_packages
write_configs
say "starting the cloud in ${base} ($([[ -n "${first_start}" ]] && echo 'first start: bootstrapping' || echo 'existing state'))"

check_ports_free
start_rabbitmq
start_mariadb
await mysqld 60 "MariaDB ready" mariadb-admin --defaults-file="${etc}/mysql/my.cnf" ping
[[ -z "${first_start}" ]] || create_schemas

# The APIs start together (each needs Keystone only per request). nova-conductor and
# nova-scheduler exit at once when they cannot reach Keystone for a Placement client, so they
# wait for it; nova-compute registers its resources in Placement at start-up and pings the
# conductor with a 10 s RPC timeout, so it waits for both.
spawn_uwsgi keystone 5000 /usr/bin/keystone-wsgi-public 1 4 OS_KEYSTONE_CONFIG_DIR="${etc}/keystone"
spawn_uwsgi placement 8778 /usr/bin/placement-api 1 4 OS_PLACEMENT_CONFIG_DIR="${etc}/placement"
spawn glance-api /usr/bin/glance-api --config-file "${etc}/glance/glance-api.conf"
# Neutron's API alone (Debian's neutron-api WSGI script): without agents, an RPC server would
# have nobody to talk to.
spawn_uwsgi neutron-api 9696 /usr/bin/neutron-api 1 1 OS_NEUTRON_CONFIG_DIR="${etc}/neutron" \
  OS_NEUTRON_CONFIG_FILES=neutron.conf PYTHONPATH="${site}"
# nova-api-wsgi reads its paste pipeline from the FIRST of OS_NOVA_CONFIG_FILES (an absolute path
# wins over OS_NOVA_CONFIG_DIR), and the database settings are for the API, not for compute.
spawn_uwsgi nova-api 8774 /usr/bin/nova-api-wsgi 2 1 OS_NOVA_CONFIG_DIR="${etc}/nova" \
  OS_NOVA_CONFIG_FILES="/etc/nova/api-paste.ini;nova.conf;nova-db.conf;nova-api.conf"

await keystone 120 "Keystone answering on :5000" http_up http://127.0.0.1:5000/v3
[[ -z "${first_start}" ]] || bootstrap_identity

spawn nova-conductor /usr/bin/nova-conductor "${nova_manage[@]:1}" --log-file "${logs}/nova-conductor.log"
spawn nova-scheduler /usr/bin/nova-scheduler "${nova_manage[@]:1}" --log-file "${logs}/nova-scheduler.log"
await placement 120 "Placement answering on :8778" http_up http://127.0.0.1:8778/
await rabbitmq 120 "RabbitMQ accepting on :5672" tcp_up 5672
await nova-conductor 120 "nova-conductor consuming" "${python}" "${helpers}/await_rpc_consumers.py" 1 conductor
spawn nova-compute "${python}" "${helpers}/nova_compute.py" --config-file "${etc}/nova/nova.conf" \
  --log-file "${logs}/nova-compute.log"
await glance-api 120 "Glance answering on :9292" http_up http://127.0.0.1:9292/versions
await neutron-api 120 "Neutron answering on :9696" http_up http://127.0.0.1:9696/
await nova-api 120 "Nova API answering on :8774" http_up http://127.0.0.1:8774/
await nova-scheduler 120 "nova-scheduler consuming" "${python}" "${helpers}/await_rpc_consumers.py" 1 scheduler
await nova-compute 120 "nova-compute consuming" "${python}" "${helpers}/await_rpc_consumers.py" 1 "compute.${compute_host}"

if [[ -n "${first_start}" ]]; then
  "${python}" "${helpers}/bootstrap_resources.py" >"${logs}/bootstrap-resources.log" 2>&1 \
    || fail "creating flavors, image, network and quotas failed; see ${logs}/bootstrap-resources.log"
  say "flavors, image cirros, network public and quotas created"
fi
"${python}" "${helpers}/await_bootable.py" 180 "${nova_manage[*]}" >"${logs}/await-bootable.log" 2>&1 \
  || fail "no server could be booted; see ${logs}/await-bootable.log"
say "$(tail -n 1 "${logs}/await-bootable.log")"
[[ -z "${first_start}" ]] || touch "${data}/bootstrapped"
say "OpenStack is up"

cat <<EOF
OpenStack test cloud on 127.0.0.1 (state, logs and configs under ${base})
  clouds.yaml: ${base}/clouds.yaml   clouds: escalator-admin (admin), escalator-demo (member of demo)
  keystone :5000/v3  nova :8774/v2.1  neutron :9696  glance :9292  placement :8778  region RegionOne
  flavors m1.nano m1.tiny m1.small, image cirros, external network public (203.0.113.0/24)
export OS_CLIENT_CONFIG_FILE=${base}/clouds.yaml
export ESCALATOR_OPENSTACK_CLOUDS=${base}/clouds.yaml
EOF
