#!/usr/bin/env bash
# Transfer benchmark: Hoist's copier against nbdcopy and qemu-img convert -W -m 8, same run, same images.
# Usage: bench/transfer/run.sh            (env: SIZE_GIB=4 SMALL_GIB=2 REPS=3 WORK=/tmp/hoist-bench-transfer)
# Prints one line per run, a summary table of medians, and last: hoist/nbdcopy=<ratio> hoist/qemu-img=<ratio>
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SIZE_GIB=${SIZE_GIB:-4}
SMALL_GIB=${SMALL_GIB:-2}
REPS=${REPS:-3}
WORK=${WORK:-/tmp/hoist-bench-transfer}
CHUNK_MIB=32
RUN_TIMEOUT=${RUN_TIMEOUT:-180}
mkdir -p "$WORK"
RESULTS="$WORK/results.tsv"
: > "$RESULTS"
PIDS=()

cleanup() {
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# ---- tools: install what is missing ----
need() { # command package
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "installing $2 (for $1)" >&2
        local SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
        $SUDO apt-get install -y -q "$2" >/dev/null || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q "$2" >/dev/null; }
    fi
}
need qemu-img qemu-utils
need nbdkit nbdkit
need nbdcopy libnbd-bin
need java openjdk-17-jdk-headless
need mvn maven
need bc bc
need curl curl
need nginx nginx
need python3 python3
need /usr/bin/time time
[ -e /usr/lib/x86_64-linux-gnu/nbdkit/plugins/nbdkit-curl-plugin.so ] || need_curl=1
[ "${need_curl:-0}" = 1 ] && { SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo; $SUDO apt-get install -y -q nbdkit-plugin-libcurl >/dev/null || true; }

# ---- build the engine (compile only; the classes run from target/) ----
(cd "$ROOT" && (mvn -q -o -pl platform-core/transfer -am compile 2>/dev/null || mvn -q -pl platform-core/transfer -am compile))
CP="$ROOT/plugin-api/target/classes:$ROOT/platform-core/transfer/target/classes"
HOIST=(java -XX:+UseParallelGC -cp "$CP" io.hoist.core.transfer.tool.TransferTool)

# ---- images: every CHUNK_MIB chunk is random data or a hole, spread evenly ----
make_image() { # name size_gib data_every (1 = dense, 2 = half zeros, 4 = 75% zeros)
    local img="$WORK/$1" size=$2 every=$3
    if [ -f "$img" ] && [ -f "$img.ok" ]; then return; fi
    rm -f "$img" "$img.ok"
    truncate -s "${size}G" "$img"
    local chunks=$(( size * 1024 / CHUNK_MIB ))
    for ((i = 0; i < chunks; i++)); do
        if (( i % every == 0 )); then
            head -c "${CHUNK_MIB}M" /dev/urandom | dd of="$img" bs=1M seek=$(( i * CHUNK_MIB )) conv=notrunc status=none
        fi
    done
    touch "$img.ok"
}
echo "preparing images in $WORK" >&2
make_image half.img "$SIZE_GIB" 2
make_image zero75.img "$SMALL_GIB" 4
make_image dense.img "$SMALL_GIB" 1

declare -A REF
for img in half zero75 dense; do
    REF[$img]=$("${HOIST[@]}" verify "$WORK/$img.img" | cut -d' ' -f1)
done

# ---- servers ----
wait_pid() { # pidfile: nbdkit writes it once it serves
    for _ in $(seq 200); do [ -s "$1" ] && { PIDS+=("$(cat "$1")"); return; }; sleep 0.05; done
    echo "nbdkit did not start ($1)" >&2; exit 1
}
start_nbdkit_unix() { # img -> sets SOCK
    SOCK="$WORK/$1.sock"; rm -f "$SOCK" "$WORK/$1.unix.pid"
    nbdkit -U "$SOCK" -P "$WORK/$1.unix.pid" file "$WORK/$1.img"
    wait_pid "$WORK/$1.unix.pid"
}
start_nbdkit_tcp() { # img port
    rm -f "$WORK/$1.tcp.pid"
    nbdkit -i 127.0.0.1 -p "$2" -P "$WORK/$1.tcp.pid" file "$WORK/$1.img"
    wait_pid "$WORK/$1.tcp.pid"
}
start_nbdkit_unix half; HALF_UNIX="nbd+unix:///?socket=$SOCK"
start_nbdkit_unix zero75; Z75_UNIX="nbd+unix:///?socket=$SOCK"
start_nbdkit_unix dense; DENSE_UNIX="nbd+unix:///?socket=$SOCK"
start_nbdkit_tcp half 10899; HALF_TCP="nbd://127.0.0.1:10899/"
# nginx (a real HTTP server with Range and sendfile, as a datastore or image server would be), not a daemon
mkdir -p "$WORK/nginx/tmp"
cat > "$WORK/nginx/nginx.conf" <<NGINX
daemon on;
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 256; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    client_body_temp_path $WORK/nginx/tmp; proxy_temp_path $WORK/nginx/tmp; fastcgi_temp_path $WORK/nginx/tmp;
    uwsgi_temp_path $WORK/nginx/tmp; scgi_temp_path $WORK/nginx/tmp;
    server { listen 127.0.0.1:18080; root $WORK; }
}
NGINX
[ -s "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null && sleep 0.5
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -e "$WORK/nginx/error.log"
for _ in $(seq 50); do [ -s "$WORK/nginx/nginx.pid" ] && break; sleep 0.1; done
PIDS+=("$(cat "$WORK/nginx/nginx.pid")" $(pgrep -P "$(cat "$WORK/nginx/nginx.pid")"))
HALF_HTTP="http://127.0.0.1:18080/half.img"
for _ in $(seq 50); do curl -sf -r 0-0 -o /dev/null "$HALF_HTTP" 2>/dev/null && break; sleep 0.2; done

# ---- one timed run: wall time of the whole command, target deleted before and after ----
# CPU seconds are the command's (user+sys, /usr/bin/time) plus what the servers (nbdkit, HTTP) burnt meanwhile:
# on a machine with few cores the wall time is bounded below by (CPU seconds / cores).
DST="$WORK/dst.img"
CLK=$(getconf CLK_TCK)
server_ticks() {
    local t=0 p
    for p in "${PIDS[@]:-}"; do
        [ -r "/proc/$p/stat" ] && t=$(( t + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat") ))
    done
    echo "$t"
}
run() { # scenario tool img size_gib command...
    local scenario=$1 tool=$2 img=$3 size=$4; shift 4
    rm -f "$DST"
    [ "$tool" = nbdcopy ] && truncate -s "${size}G" "$DST"   # nbdcopy writes into an existing file
    local t0 t1 out s0 s1
    s0=$(server_ticks)
    t0=$(date +%s.%N)
    if ! out=$(timeout "$RUN_TIMEOUT" /usr/bin/time -f "%U %S" -o "$WORK/cpu.txt" "$@" 2>&1); then
        echo "FAILED or timed out after ${RUN_TIMEOUT}s: $scenario $tool: $(echo "$out" | tail -2)" >&2
        printf '%s\t%s\t%s\tfail\tfail\n' "$scenario" "$tool" "$size" >> "$RESULTS"
        rm -f "$DST"
        return
    fi
    t1=$(date +%s.%N)
    s1=$(server_ticks)
    local secs cpu; secs=$(echo "$t1 - $t0" | bc -l)
    cpu=$(awk -v st=$(( s1 - s0 )) -v hz="$CLK" 'END {printf "%.2f", $1 + $2 + st / hz}' "$WORK/cpu.txt")
    if [ "$tool" = hoist ]; then   # hoist checks itself; also check it against the reference checksum
        local got; got=$(echo "$out" | awk '/^target /{print $2}')
        [ "$got" = "${REF[$img]}" ] || { echo "FAILED: $scenario: target checksum $got != ${REF[$img]}" >&2; exit 1; }
    fi
    printf '%s\t%s\t%s\t%.3f\t%s\n' "$scenario" "$tool" "$size" "$secs" "$cpu" | tee -a "$RESULTS" >&2
    rm -f "$DST"
}

QEMU=(qemu-img convert -W -m 8 -f raw -O raw)
for rep in $(seq "$REPS"); do
    echo "--- repetition $rep of $REPS" >&2
    run "nbd-unix ${SIZE_GIB}G half-zero" hoist half "$SIZE_GIB" "${HOIST[@]}" copy "$HALF_UNIX" "$DST"
    # what the checksum alone costs: Hoist's verify reads the image file and hashes its data blocks, no copy
    run "checksum only ${SIZE_GIB}G half-zero" hoist-verify half "$SIZE_GIB" "${HOIST[@]}" verify "$WORK/half.img"
    run "nbd-unix ${SIZE_GIB}G half-zero" nbdcopy half "$SIZE_GIB" nbdcopy --flush "$HALF_UNIX" "$DST"
    run "nbd-unix ${SIZE_GIB}G half-zero" nbdcopy-noflush half "$SIZE_GIB" nbdcopy "$HALF_UNIX" "$DST"
    run "nbd-unix ${SIZE_GIB}G half-zero" qemu-img half "$SIZE_GIB" "${QEMU[@]}" "$HALF_UNIX" "$DST"
    run "nbd-tcp ${SIZE_GIB}G half-zero" hoist half "$SIZE_GIB" "${HOIST[@]}" copy "$HALF_TCP" "$DST"
    run "nbd-tcp ${SIZE_GIB}G half-zero" nbdcopy half "$SIZE_GIB" nbdcopy --flush "$HALF_TCP" "$DST"
    run "nbd-tcp ${SIZE_GIB}G half-zero" qemu-img half "$SIZE_GIB" "${QEMU[@]}" "$HALF_TCP" "$DST"
    run "file ${SIZE_GIB}G half-zero" hoist half "$SIZE_GIB" "${HOIST[@]}" copy "$WORK/half.img" "$DST"
    run "file ${SIZE_GIB}G half-zero" nbdcopy half "$SIZE_GIB" nbdcopy --flush "$WORK/half.img" "$DST"
    run "file ${SIZE_GIB}G half-zero" qemu-img half "$SIZE_GIB" "${QEMU[@]}" "$WORK/half.img" "$DST"
    run "http ${SIZE_GIB}G half-zero" hoist half "$SIZE_GIB" "${HOIST[@]}" copy "$HALF_HTTP" "$DST"
    # qemu-img's curl driver sometimes stalls for good on this machine; 60 s is ten times its normal run
    RUN_TIMEOUT=60 run "http ${SIZE_GIB}G half-zero" qemu-img half "$SIZE_GIB" "${QEMU[@]}" "$HALF_HTTP" "$DST"
    run "nbd-unix ${SMALL_GIB}G 75%-zero" hoist zero75 "$SMALL_GIB" "${HOIST[@]}" copy "$Z75_UNIX" "$DST"
    run "nbd-unix ${SMALL_GIB}G 75%-zero" nbdcopy zero75 "$SMALL_GIB" nbdcopy --flush "$Z75_UNIX" "$DST"
    run "nbd-unix ${SMALL_GIB}G 75%-zero" qemu-img zero75 "$SMALL_GIB" "${QEMU[@]}" "$Z75_UNIX" "$DST"
    run "nbd-unix ${SMALL_GIB}G dense" hoist dense "$SMALL_GIB" "${HOIST[@]}" copy "$DENSE_UNIX" "$DST"
    run "nbd-unix ${SMALL_GIB}G dense" nbdcopy dense "$SMALL_GIB" nbdcopy --flush "$DENSE_UNIX" "$DST"
    run "nbd-unix ${SMALL_GIB}G dense" qemu-img dense "$SMALL_GIB" "${QEMU[@]}" "$DENSE_UNIX" "$DST"
done

# ---- summary: medians ----
echo
echo "Medians of $REPS runs (wall time of the whole command, target durable at the end except nbdcopy-noflush;"
echo "GiB/s = virtual disk size / time). $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)."
python3 - "$RESULTS" <<'PY'
import sys, statistics, collections
rows = collections.OrderedDict()
cpus = collections.defaultdict(list)
for line in open(sys.argv[1]):
    scen, tool, size, secs, cpu = line.rstrip("\n").split("\t")
    rows.setdefault((scen, tool, float(size)), []).append(secs)
    if cpu != "fail":
        cpus[(scen, tool)].append(float(cpu))
print(f"{'scenario':<28} {'tool':<16} {'median s':>9} {'GiB/s':>7} {'cpu s':>6}  runs")
med = {}
for (scen, tool, size), raw in rows.items():
    vals = [float(v) for v in raw if v != "fail"]
    runs = ' '.join(v if v == "fail" else f"{float(v):.2f}" for v in raw)
    if not vals:
        print(f"{scen:<28} {tool:<16} {'-':>9} {'-':>7} {'-':>6}  {runs}")
        continue
    m = statistics.median(vals)
    med[(scen, tool)] = m
    cpu = statistics.median(cpus[(scen, tool)])
    print(f"{scen:<28} {tool:<16} {m:>9.3f} {size / m:>7.2f} {cpu:>6.2f}  {runs}")
print("(cpu s: median CPU seconds of the command plus the servers it read from, all cores together)")
main = next(s for (s, t) in med if s.startswith("nbd-unix") and "half" in s)
h = med[(main, "hoist")]
print(f"(ratios: {main}, throughput of hoist over the other, higher is better)")
print(f"hoist/nbdcopy={med[(main, 'nbdcopy')] / h:.2f} hoist/qemu-img={med[(main, 'qemu-img')] / h:.2f}")
PY
