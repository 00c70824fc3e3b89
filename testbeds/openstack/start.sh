#!/usr/bin/env bash
# Starts a real OpenStack (Zed, Debian bookworm packages) on 127.0.0.1 for Hoist's OpenStack tests:
# MariaDB, RabbitMQ, Keystone (uwsgi, http :5000 and https :5443), Glance (file store), Cinder (stock NFS
# driver on a bind-mounted local export), Placement, Nova (one FakeDriver compute) and Neutron (ML2 with the
# no-op mechanism driver in ml2/), then seeds the resources the tests migrate (seed.py).
#
# Idempotent: when a testbed started by this script answers, it only prints its state file and exits.
# Usage: testbeds/openstack/start.sh [--fresh|--wait] (--fresh: stop and wipe a running one first; --wait: start
#        nothing, wait for a start already under way and say whether the testbed came up)
# Env:   HOIST_OPENSTACK_DIR  working folder (default /var/tmp/hoist-openstack): configs, databases, logs,
#                             Glance images, the NFS export holding each Cinder volume as a file
# Prints the path of BASE/testbed.json (URLs, credentials, ids of what seed.py made) on its last line.
# Needs root (apt-get, mount --bind for the NFS share). Stop with testbeds/openstack/stop.sh.
set -euo pipefail
HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
BASE="${HOIST_OPENSTACK_DIR:-/var/tmp/hoist-openstack}"
DB_PORT=33306
RABBIT_PORT=35672
PY=/usr/bin/python3          # Debian's python: the OpenStack modules live there, not in a pyenv one
T0=$(date +%s)
{ # the whole script is read before it runs: an edit (or a git checkout) during a start cannot derail it

say() { echo "openstack-testbed: [$(( $(date +%s) - T0 ))s] $*" >&2; }
die() {
  say "FAILED: $*"
  if [ "$BASHPID" = "$$" ]; then # the main script: stop what runs (a setup step still in the background too)
    for j in $(jobs -p); do kill -- "$j" 2>/dev/null; done
    "$HERE/stop.sh" >/dev/null 2>&1
  fi
  exit 1
}

# one start at a time: ./test.sh starts the testbed in the background while Maven builds, and the tests call
# this script too; a second caller waits here, then finds the testbed up
exec 9>"$BASE.start-lock"
flock 9

if [ "${1:-}" = "--wait" ]; then # a start runs elsewhere (./test.sh's, in the background): its outcome only
  if [ -f "$BASE/testbed.json" ] && "$HERE/status.sh" >/dev/null 2>&1; then echo "$BASE/testbed.json"; exit 0; fi
  say "not up after the background start; its log: ${HOIST_OPENSTACK_START_LOG:-(HOIST_OPENSTACK_START_LOG not set)}"
  exit 1
elif [ "${1:-}" = "--fresh" ]; then
  "$HERE/stop.sh" || true
elif [ -f "$BASE/testbed.json" ] && "$HERE/status.sh" >/dev/null 2>&1; then
  say "already running"
  echo "$BASE/testbed.json"
  exit 0
fi

say "Debian packages (install.sh)"
"$HERE/install.sh"
say "packages there"
"$HERE/stop.sh" >/dev/null 2>&1 || true
rm -rf "$BASE"
mkdir -p "$BASE"/{etc,log,pids,lock,keystone,glance/images,glance/staging,glance/tasks,cinder/state,cinder/export,cinder/mnt,cinder/conversion,placement,nova/state,nova/instances,neutron/state,mysql/data,rabbitmq,tls}

# ---------------------------------------------------------------- configs
render() { # render TEMPLATE OUT: fills @BASE@, @DB_PORT@, @RABBIT_PORT@ and the shared [keystone_authtoken] lines
  awk -v base="$BASE" -v db="$DB_PORT" -v rmq="$RABBIT_PORT" -v inc="$HERE/conf/common-authtoken.inc" '
    /^@AUTHTOKEN@$/ { while ((getline line < inc) > 0) print line; close(inc); next }
    { gsub(/@BASE@/, base); gsub(/@DB_PORT@/, db); gsub(/@RABBIT_PORT@/, rmq); print }' "$1" > "$2"
}
for f in keystone glance-api cinder nova neutron mysql; do render "$HERE/conf/$f.conf" "$BASE/etc/$f.conf"; done
mkdir -p "$BASE/etc/placement" && render "$HERE/conf/placement.conf" "$BASE/etc/placement/placement.conf"

# ---------------------------------------------------------------- helpers
start_bg() { # start_bg NAME CMD...: own process group (stop.sh kills the group), output in log/NAME.out
  local name=$1; shift
  setsid "$@" > "$BASE/log/$name.out" 2>&1 < /dev/null 9>&- &   # 9: start.sh's lock, not the daemon's
  echo $! > "$BASE/pids/$name.pid"
}
wait_port() { # wait_port NAME PORT SECONDS
  local i=0
  until (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt $(( $3 * 2 )) ]; then tail -20 "$BASE/log/$1.out" >&2 2>/dev/null; die "$1 did not listen on :$2 within $3 s"; fi
    if [ -f "$BASE/pids/$1.pid" ] && ! kill -0 "$(cat "$BASE/pids/$1.pid")" 2>/dev/null; then
      tail -30 "$BASE/log/$1.out" >&2 2>/dev/null; die "$1 exited (log: $BASE/log/$1.out)"
    fi
    sleep 0.5
  done
}
run() { # run NAME CMD...: a setup step, output appended to log/setup-NAME.out
  local name=$1; shift
  "$@" >> "$BASE/log/setup-$name.out" 2>&1 || { tail -30 "$BASE/log/setup-$name.out" >&2; die "$name: $*"; }
}
uwsgi_app() { # uwsgi_app NAME PORT WSGI_FILE [extra uwsgi args]: one process, no threads (the WSGI apps expect that)
  local name=$1 port=$2 file=$3; shift 3
  start_bg "$name" uwsgi --plugin python3 --http-socket "127.0.0.1:$port" --wsgi-file "$file" \
    --processes 1 --threads 1 --master --die-on-term --need-app --buffer-size 65535 \
    --add-header 'Connection: close' --logto "$BASE/log/$name.log" "$@"
}

# ---------------------------------------------------------------- MariaDB and RabbitMQ (in parallel)
say "MariaDB :$DB_PORT, RabbitMQ :$RABBIT_PORT"
chown -R mysql:mysql "$BASE/mysql"
run mysql mariadb-install-db --defaults-file="$BASE/etc/mysql.conf" --auth-root-authentication-method=normal --skip-test-db
start_bg mysql mariadbd --defaults-file="$BASE/etc/mysql.conf"

export RABBITMQ_NODENAME=hoist@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$RABBIT_PORT \
  RABBITMQ_DIST_PORT=35673 ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT=34369 \
  RABBITMQ_MNESIA_BASE="$BASE/rabbitmq/mnesia" RABBITMQ_LOG_BASE="$BASE/rabbitmq/log" \
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
(umask 077; head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$BASE/rabbitmq/.erlang.cookie")
HOME="$BASE/rabbitmq" start_bg rabbitmq /usr/lib/rabbitmq/bin/rabbitmq-server

# Every service's database on MariaDB: SQLite locks under concurrent writers (Keystone answered 500
# 'database is locked' during seeding), and Nova's and Neutron's migrations need MariaDB anyway.
wait_port mysql "$DB_PORT" 300
run mysql mariadb --socket="$BASE/mysql/mysqld.sock" -uroot -e "
  CREATE DATABASE keystone; CREATE DATABASE glance; CREATE DATABASE cinder; CREATE DATABASE placement;
  CREATE DATABASE nova_api; CREATE DATABASE nova; CREATE DATABASE nova_cell0; CREATE DATABASE neutron;
  CREATE USER 'os'@'127.0.0.1' IDENTIFIED BY 'ospw'; GRANT ALL PRIVILEGES ON *.* TO 'os'@'127.0.0.1';"

# ---------------------------------------------------------------- Keystone while RabbitMQ starts
say "Keystone :5000 (https :5443)"
KS="--config-file $BASE/etc/keystone.conf"
run keystone keystone-manage $KS db_sync
run keystone keystone-manage $KS fernet_setup --keystone-user root --keystone-group root
run keystone keystone-manage $KS credential_setup --keystone-user root --keystone-group root
run keystone keystone-manage $KS bootstrap --bootstrap-password adminpw --bootstrap-region-id RegionOne \
  --bootstrap-admin-url http://127.0.0.1:5000/v3/ --bootstrap-internal-url http://127.0.0.1:5000/v3/ \
  --bootstrap-public-url http://127.0.0.1:5000/v3/
# a CA and a server certificate for 127.0.0.1, plus an unrelated CA: the TLS tests use Keystone's https socket
run tls openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=Hoist testbed CA" \
  -keyout "$BASE/tls/ca.key" -out "$BASE/tls/ca.pem"
run tls openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=Unrelated CA" \
  -keyout "$BASE/tls/unrelated-ca.key" -out "$BASE/tls/unrelated-ca.pem"
run tls openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$BASE/tls/server.key" -out "$BASE/tls/server.csr"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$BASE/tls/san.ext"
run tls openssl x509 -req -in "$BASE/tls/server.csr" -CA "$BASE/tls/ca.pem" -CAkey "$BASE/tls/ca.key" \
  -CAcreateserial -days 30 -extfile "$BASE/tls/san.ext" -out "$BASE/tls/server.pem"
uwsgi_app keystone 5000 /usr/bin/keystone-wsgi-public \
  --https-socket "127.0.0.1:5443,$BASE/tls/server.pem,$BASE/tls/server.key" \
  --env "OS_KEYSTONE_CONFIG_FILES=$BASE/etc/keystone.conf"
wait_port keystone 5000 300
say "Keystone projects, users, services, endpoints"
run keystone "$PY" "$HERE/seed_identity.py"

# ---------------------------------------------------------------- the services, set up in parallel
glance() {
  run glance glance-manage --config-file "$BASE/etc/glance-api.conf" db_sync
  start_bg glance glance-api --config-file "$BASE/etc/glance-api.conf"
}
cinder() {
  local share="127.0.0.1:$BASE/cinder/export"
  echo "$share" > "$BASE/cinder/nfs_shares"
  # The stock NFS driver mounts the share at mnt/<md5 of the share string>; it finds it mounted already
  # (a bind mount of the local export), so no NFS server runs and each volume is a plain file in export/.
  local mp="$BASE/cinder/mnt/$(printf '%s' "$share" | md5sum | cut -d' ' -f1)"
  mkdir -p "$mp" && mount --bind "$BASE/cinder/export" "$mp"
  echo "$mp" > "$BASE/cinder/mountpoint"
  run cinder cinder-manage --config-file "$BASE/etc/cinder.conf" db sync
  start_bg cinder-api cinder-api --config-file "$BASE/etc/cinder.conf"
  start_bg cinder-scheduler cinder-scheduler --config-file "$BASE/etc/cinder.conf"
  start_bg cinder-volume cinder-volume --config-file "$BASE/etc/cinder.conf"
}
placement() {
  export OS_PLACEMENT_CONFIG_DIR="$BASE/etc/placement"
  run placement placement-manage --config-file "$BASE/etc/placement/placement.conf" db sync
  uwsgi_app placement 8778 /usr/bin/placement-api --env "OS_PLACEMENT_CONFIG_DIR=$BASE/etc/placement"
}
nova() {
  local N="--config-file $BASE/etc/nova.conf"
  run nova nova-manage $N api_db sync
  run nova nova-manage $N cell_v2 map_cell0 \
    --database_connection "mysql+pymysql://os:ospw@127.0.0.1:$DB_PORT/nova_cell0"
  run nova nova-manage $N db sync
  run nova nova-manage $N cell_v2 create_cell --name cell1
  start_bg nova-api nova-api $N
  start_bg nova-conductor nova-conductor $N
  start_bg nova-scheduler nova-scheduler $N
  # python3-nova ships nova-compute's code without the nova-compute package (which pulls libvirt)
  PYTHONPATH="$HERE/nova" start_bg nova-compute "$PY" "$HERE/nova/nova-compute" $N
}
neutron() {
  run neutron neutron-db-manage --config-file "$BASE/etc/neutron.conf" upgrade heads
  PYTHONPATH="$HERE/ml2" start_bg neutron neutron-server --config-file "$BASE/etc/neutron.conf"
}
wait_port rabbitmq "$RABBIT_PORT" 300
say "Glance, Cinder, Placement, Nova, Neutron: database schemas and daemons"
pids=()
for svc in glance cinder placement nova neutron; do ( $svc ) & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || die "a service failed to set up (logs in $BASE/log)"; done
wait_port glance 9292 300
wait_port cinder-api 8776 300
wait_port placement 8778 300
wait_port nova-api 8774 300
wait_port neutron 9696 300

say "Nova: the fake compute host into cell1"
for i in $(seq 1 300); do
  # output read whole: nova-manage aborts its transaction on a closed pipe (grep -q)
  nova-manage --config-file "$BASE/etc/nova.conf" cell_v2 discover_hosts >> "$BASE/log/setup-nova.out" 2>&1 || true
  hosts=$(nova-manage --config-file "$BASE/etc/nova.conf" cell_v2 list_hosts 2>/dev/null || true)
  if [[ "$hosts" == *hoist-fake-compute* ]]; then break; fi
  [ "$i" -lt 300 ] || die "nova-compute never registered (log: $BASE/log/nova-compute.out)"
  sleep 2
done

say "seeding flavors, networks, image, volume types, volumes and servers"
run seed "$PY" "$HERE/seed.py" "$BASE"
say "up in $(( $(date +%s) - T0 )) s; state in $BASE/testbed.json"
echo "$BASE/testbed.json"
exit 0
}
