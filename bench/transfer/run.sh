#!/usr/bin/env bash
# Transfer benchmark: `hoist copy` (checksums on: sha256-4m and xxh128-4m; and --checksum none) against nbdcopy and
# qemu-img convert -W -m 8,
# same run, same images, interleaved, medians, CPU seconds per GiB beside every ratio.
# Usage: bench/transfer/run.sh   (env: SIZE_GIB=4 SMALL_GIB=2 REPS=3 WORK=/tmp/hoist-bench-transfer
#                                      BEFORE=<a source tree whose transfer module is compiled>: adds hoist-before rows
#                                      ROWS=<regex>: only the scenarios it matches, e.g. ROWS='^file|75%-zero')
# Prints one line per run, a summary table of medians, ratios, and last:
#   hoist/nbdcopy=<x> hoist/qemu-img=<y> hoist-nosum/nbdcopy=<z> hoist-xxh/nbdcopy=<v>
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
need mvn maven
need bc bc
need curl curl
need nginx nginx
need python3 python3
need /usr/bin/time time
[ -e /usr/lib/x86_64-linux-gnu/nbdkit/plugins/nbdkit-curl-plugin.so ] || need_curl=1
[ "${need_curl:-0}" = 1 ] && { SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo; $SUDO apt-get install -y -q nbdkit-plugin-libcurl >/dev/null || true; }

# ---- hoist as users run it: the launcher (builds dist/ when sources changed, records the copy start-up cache) ----
"$ROOT/hoist" --version >/dev/null
HOIST=("$ROOT/hoist" copy --no-progress)
HOIST_NOSUM=("$ROOT/hoist" copy --no-progress --checksum none)
HOIST_XXH=("$ROOT/hoist" copy --no-progress --checksum xxh128-4m)
# Optional: the engine as it was (a tree whose transfer module is compiled), run the way the old benchmark ran it.
if [ -n "${BEFORE:-}" ]; then
    source "$ROOT/scripts/java25.sh"; hoist_find_java25
    HOIST_BEFORE=("$JAVA_HOME/bin/java" -XX:+UseParallelGC
        -cp "$BEFORE/plugin-api/target/classes:$BEFORE/platform-core/transfer/target/classes"
        io.hoist.core.transfer.tool.TransferTool copy)
fi

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

declare -A REF REFX
for img in half zero75 dense; do
    REF[$img]=$("$ROOT/hoist" verify "$WORK/$img.img" | cut -d' ' -f1)
    REFX[$img]=$("$ROOT/hoist" verify --checksum xxh128-4m "$WORK/$img.img" | cut -d' ' -f1)
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
    case "$tool" in
        hoist|hoist-before) # hoist checks itself; also check it against the reference checksum
            local got; got=$(echo "$out" | awk '/^target /{print $2}')
            [ "$got" = "${REF[$img]}" ] || { echo "FAILED: $scenario $tool: target checksum $got != ${REF[$img]}" >&2; exit 1; } ;;
        hoist-xxh)
            local gotx; gotx=$(echo "$out" | awk '/^target /{print $2}')
            [ "$gotx" = "${REFX[$img]}" ] || { echo "FAILED: $scenario $tool: target checksum $gotx != ${REFX[$img]}" >&2; exit 1; } ;;
        hoist-nosum) # claims nothing: check the target afterwards, outside the timed run
            echo "$out" | grep -q "checksum none: NOT verified" || { echo "FAILED: $scenario: no 'not verified' line" >&2; exit 1; }
            local sum; sum=$("$ROOT/hoist" verify "$DST" | cut -d' ' -f1)
            [ "$sum" = "${REF[$img]}" ] || { echo "FAILED: $scenario hoist-nosum: target $sum != ${REF[$img]}" >&2; exit 1; } ;;
    esac
    printf '%s\t%s\t%s\t%.3f\t%s\n' "$scenario" "$tool" "$size" "$secs" "$cpu" | tee -a "$RESULTS" >&2
    rm -f "$DST"
}

QEMU=(qemu-img convert -W -m 8 -f raw -O raw)
# One scenario: hoist (checksums on), nbdcopy, hoist --checksum none, qemu-img; extras: noflush, before, no-nbdcopy.
compare() { # scenario img size_gib source [extras...]
    local S=$1 img=$2 size=$3 src=$4 nbd=1 extra; shift 4
    [[ $S =~ ${ROWS:-.} ]] || return 0
    for extra in "$@"; do [ "$extra" = no-nbdcopy ] && nbd=0; done
    run "$S" hoist "$img" "$size" "${HOIST[@]}" "$src" "$DST"
    [ $nbd = 1 ] && run "$S" nbdcopy "$img" "$size" nbdcopy --flush "$src" "$DST"
    run "$S" hoist-xxh "$img" "$size" "${HOIST_XXH[@]}" "$src" "$DST"
    run "$S" hoist-nosum "$img" "$size" "${HOIST_NOSUM[@]}" "$src" "$DST"
    # qemu-img's curl driver sometimes stalls for good on this machine; 60 s is ten times its normal HTTP run
    RUN_TIMEOUT=$([[ $src == http* ]] && echo 60 || echo "$RUN_TIMEOUT") run "$S" qemu-img "$img" "$size" "${QEMU[@]}" "$src" "$DST"
    for extra in "$@"; do
        case "$extra" in
            noflush) run "$S" nbdcopy-noflush "$img" "$size" nbdcopy "$src" "$DST" ;;
            before) [ -n "${BEFORE:-}" ] && run "$S" hoist-before "$img" "$size" "${HOIST_BEFORE[@]}" "$src" "$DST" ;;
        esac
    done
    return 0
}
read -r _ u0 n0 s0 i0 w0 q0 sq0 st0 _ < /proc/stat
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
T_START=$(date +%s)
for rep in $(seq "$REPS"); do
    echo "--- repetition $rep of $REPS" >&2
    compare "nbd-unix ${SIZE_GIB}G half-zero" half "$SIZE_GIB" "$HALF_UNIX" noflush before
    # what the checksum alone costs: hoist verify reads the image file and hashes its data blocks, no copy
    [[ "checksum only" =~ ${ROWS:-.} ]] && run "checksum only ${SIZE_GIB}G half-zero" hoist-verify half "$SIZE_GIB" "$ROOT/hoist" verify "$WORK/half.img"
    [[ "checksum only" =~ ${ROWS:-.} ]] && run "checksum only ${SIZE_GIB}G half-zero" hoist-verify-xxh half "$SIZE_GIB" "$ROOT/hoist" verify --checksum xxh128-4m "$WORK/half.img"
    compare "nbd-tcp ${SIZE_GIB}G half-zero" half "$SIZE_GIB" "$HALF_TCP"
    compare "file ${SIZE_GIB}G half-zero" half "$SIZE_GIB" "$WORK/half.img" before
    compare "http ${SIZE_GIB}G half-zero" half "$SIZE_GIB" "$HALF_HTTP" no-nbdcopy
    compare "nbd-unix ${SMALL_GIB}G 75%-zero" zero75 "$SMALL_GIB" "$Z75_UNIX" before
    compare "nbd-unix ${SMALL_GIB}G dense" dense "$SMALL_GIB" "$DENSE_UNIX" before
done
read -r _ u1 n1 s1 i1 w1 q1 sq1 st1 _ < /proc/stat
BUSY=$(( (u1 + n1 + s1 + q1 + sq1 + st1) - (u0 + n0 + s0 + q0 + sq0 + st0) ))
IDLE=$(( (i1 + w1) - (i0 + w0) ))
OURS=$(awk '{s += $5} END {printf "%.0f", s}' "$RESULTS" 2>/dev/null || echo 0)

# ---- summary: medians ----
echo
echo "Medians of $REPS runs (wall time of the whole command, target durable at the end except nbdcopy-noflush;"
echo "GiB/s = virtual disk size / time; cpu s = the command plus the servers it read from, all cores together)."
echo "Machine: $(nproc) CPUs; load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end;"
echo "  CPUs busy $(( 100 * BUSY / (BUSY + IDLE + 1) ))% over the $(( $(date +%s) - T_START )) s of runs, of which these runs ~$(( 100 * OURS * $(getconf CLK_TCK) / (BUSY + 1) ))% (the rest: other work on the machine)."
python3 - "$RESULTS" <<'PY'
import sys, statistics, collections
rows = collections.OrderedDict()
cpus = collections.defaultdict(list)
sizes = {}
for line in open(sys.argv[1]):
    scen, tool, size, secs, cpu = line.rstrip("\n").split("\t")
    rows.setdefault((scen, tool), []).append(secs)
    sizes[scen] = float(size)
    if cpu != "fail":
        cpus[(scen, tool)].append(float(cpu))
print(f"{'scenario':<28} {'tool':<16} {'median s':>9} {'GiB/s':>7} {'cpu s':>6} {'cpu/GiB':>8}  runs")
med, cpg = {}, {}
for (scen, tool), raw in rows.items():
    size = sizes[scen]
    vals = [float(v) for v in raw if v != "fail"]
    runs = ' '.join(v if v == "fail" else f"{float(v):.2f}" for v in raw)
    if not vals:
        print(f"{scen:<28} {tool:<16} {'-':>9} {'-':>7} {'-':>6} {'-':>8}  {runs}")
        continue
    m = statistics.median(vals)
    cpu = statistics.median(cpus[(scen, tool)])
    med[(scen, tool)], cpg[(scen, tool)] = m, cpu / size
    print(f"{scen:<28} {tool:<16} {m:>9.3f} {size / m:>7.2f} {cpu:>6.2f} {cpu / size:>8.2f}  {runs}")
print("(cpu/GiB: CPU seconds per GiB of virtual disk)")

def ratio(scen, a, b):
    if (scen, a) not in med or (scen, b) not in med:
        return None, "-"
    r = med[(scen, b)] / med[(scen, a)]
    return r, f"{r:.2f} ({cpg[(scen, a)]:.2f} vs {cpg[(scen, b)]:.2f})"

print()
print("Ratios: throughput of the first over the second (same run, medians; higher is better),")
print("with each side's CPU seconds per GiB in brackets.")
pairs = [("hoist", "nbdcopy"), ("hoist", "qemu-img"), ("hoist-xxh", "nbdcopy"), ("hoist-xxh", "qemu-img"),
         ("hoist-nosum", "nbdcopy"), ("hoist-nosum", "qemu-img"), ("hoist", "hoist-before")]
pairs = [p for p in pairs if any((s, p[1]) in med for s in sizes)]
print(f"{'scenario':<28} " + " ".join(f"{a + '/' + b:<24}" for a, b in pairs))
for scen in sizes:
    if scen.startswith("checksum only"):
        continue
    print(f"{scen:<28} " + " ".join(f"{ratio(scen, a, b)[1]:<24}" for a, b in pairs))
z = next((s for s in sizes if "75%-zero" in s), None)
d = next((s for s in sizes if s.endswith(" dense")), None)
if z and d:
    ts = ("hoist", "hoist-xxh", "hoist-nosum", "nbdcopy", "qemu-img", "hoist-before")
    parts = [f"{t} {med[(z, t)] / med[(d, t)]:.2f}" for t in ts if (z, t) in med and (d, t) in med]
    print(f"75%-zero time / dense time (lower is better): " + ", ".join(parts))
    parts = [f"{t} {cpg[(z, t)] / cpg[(d, t)]:.2f}" for t in ts if (z, t) in cpg and (d, t) in cpg]
    print(f"75%-zero CPU / dense CPU (lower is better): " + ", ".join(parts))
main = next((s for s in sizes if s.startswith("nbd-unix") and "half" in s), None)
print(f"(last line: {main})")
x, y, w = ratio(main, "hoist", "nbdcopy")[0], ratio(main, "hoist", "qemu-img")[0], ratio(main, "hoist-nosum", "nbdcopy")[0]
v = ratio(main, "hoist-xxh", "nbdcopy")[0]
fmt = lambda r: "-" if r is None else f"{r:.2f}"
print(f"hoist/nbdcopy={fmt(x)} hoist/qemu-img={fmt(y)} hoist-nosum/nbdcopy={fmt(w)} hoist-xxh/nbdcopy={fmt(v)}")
PY
