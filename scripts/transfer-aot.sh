# Sourced by ./hoist for `hoist copy` and `hoist verify` (one JVM per disk, so start-up counts): a JDK AOT cache
# (JEP 483 classes loaded and linked, JEP 515 method profiles) recorded from a training run of those commands
# (io.hoist.cli.CopyStartupTraining). It is valid for one JDK build, one class path (the jars' sizes and times) and
# the JVM options below; the key of those is stored beside it, so a stale cache is never handed to the JVM (which
# would print [error][aot]/[warning][aot] lines): it is recorded again, or, when that fails or another process is
# recording it, this run starts without it. HOIST_DEBUG=1 prints what was decided on stderr.

# C1 only: the data path's hot code is native (reads, writes, libcrypto's SHA-256, see BlockSha256), so C2 has
# little to speed up in a copy and its compile threads cost ~0.3 CPU-s per JVM on start-up code (measured on the
# 2-core test VM: a 64 MiB copy 0.9 -> 0.55 CPU-s, 256 MiB dense 1.05-1.5 -> 0.75, 512 MiB of zero bytes 1.2 -> 0.7).
# Serial GC: the heap holds a few MiB (the data sits in direct buffers), and G1's set-up and threads are start-up cost.
# CompileThresholdScaling=10: C1 compiling start-up code was a third of an empty copy's CPU (perf); the copy loops
# still compile within milliseconds. Measured (round 6, 5 runs each, user+sys): empty 1 MiB copy 0.44-0.51 (G1)
# -> 0.42-0.44 (serial) -> 0.38-0.40 (both); serial -> both: 1 GiB of written zero bytes 0.65-0.86 -> 0.63-0.66,
# 2 GiB dense 2.56-2.93 -> 2.50-2.54.
HOIST_COPY_JVM_FLAGS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CompileThresholdScaling=10)
# The options a cache is recorded and used with (they must be the same on both sides; ./hoist passes these).
# shellcheck disable=SC2206
HOIST_AOT_JVM=(--enable-native-access=ALL-UNNAMED "${HOIST_COPY_JVM_FLAGS[@]}" ${HOIST_JAVA_OPTS:-})

hoist_aot_debug() {
  [ "${HOIST_DEBUG:-}" = 1 ] && echo "hoist: aot: $*" >&2
  return 0
}

# Prints the key of a cache for this JDK and class path $1 (colon-separated jars).
hoist_aot_key() {
  {
    echo "$JAVA_HOME"
    grep -E '^(JAVA_RUNTIME_VERSION|IMPLEMENTOR|IMPLEMENTOR_VERSION|JAVA_VERSION_DATE)=' "$JAVA_HOME/release" 2>/dev/null || true
    stat -L -c '%s %Y' "$JAVA_HOME/lib/modules" 2>/dev/null
    echo "${HOIST_AOT_JVM[*]}"
    # one stat for all jars (every fork is wall time paid by each disk's copy); a missing jar drops out of the list
    local -a jars
    IFS=: read -ra jars <<< "$1"
    stat -L -c '%n %s %Y' "${jars[@]}" 2>/dev/null || true
  } | sha256sum | cut -c1-64
}

# Records the cache for class path $2 into folder $1 with key $3; returns non-zero when it could not.
hoist_aot_record() {
  local dir=$1 cp=$2 key=$3 tmp rc
  mkdir -p "$dir" 2>/dev/null || return 1
  tmp="$(mktemp -d "$dir/.record.XXXXXX" 2>/dev/null)" || return 1
  "$JAVA_HOME/bin/java" "${HOIST_AOT_JVM[@]}" "-XX:AOTCacheOutput=$tmp/copy.aot" -Xlog:aot*=warning:file="$tmp/aot.log" \
    -cp "$cp" io.hoist.cli.CopyStartupTraining "$tmp/work" >/dev/null 2>"$tmp/training.log"
  rc=$?
  if [ $rc -eq 0 ] && [ -s "$tmp/copy.aot" ]; then
    # key first, then the cache: a reader that sees the new cache with the old key skips it, never the reverse
    echo "$key" > "$tmp/copy.key" && mv -f "$tmp/copy.aot" "$dir/copy.aot" && mv -f "$tmp/copy.key" "$dir/copy.key"
    rc=$?
  else
    hoist_aot_debug "recording failed (exit $rc): $(tail -1 "$tmp/training.log" 2>/dev/null) $(tail -1 "$tmp/aot.log" 2>/dev/null)"
    [ $rc -eq 0 ] && rc=1
  fi
  rm -rf "$tmp"
  return $rc
}

# Sets HOIST_AOT_OPTS (an array) to the JVM options for a copy/verify run with class path $2, cache folder $1:
# the flags above, and the cache when it is current, after recording it when it is missing or stale.
hoist_aot_options() {
  local dir=$1 cp=$2 key
  HOIST_AOT_OPTS=("${HOIST_COPY_JVM_FLAGS[@]}")
  [ "${HOIST_AOT:-1}" = 0 ] && { hoist_aot_debug "off (HOIST_AOT=0)"; return 0; }
  key="$(hoist_aot_key "$cp")"
  if [ ! -s "$dir/copy.aot" ] || [ "$(cat "$dir/copy.key" 2>/dev/null)" != "$key" ]; then
    hoist_aot_debug "cache missing or stale (JDK or jars changed): recording it"
    if ! command -v flock >/dev/null 2>&1; then
      hoist_aot_record "$dir" "$cp" "$key" || { hoist_aot_debug "not recorded; starting without it"; return 0; }
    else
      mkdir -p "$dir" 2>/dev/null || { hoist_aot_debug "$dir not writable; starting without it"; return 0; }
      # Many disks start at once: one records, the others start without the cache rather than wait.
      # (./hoist runs with set -e: every failure here is caught, none ends the launcher)
      local rc=0
      ( flock -n 9 || exit 3; hoist_aot_record "$dir" "$cp" "$key" || exit 1 ) 9>"$dir/.lock" 2>/dev/null || rc=$?
      case $rc in
        0) ;;
        3) hoist_aot_debug "another process is recording it; starting without it"; return 0 ;;
        *) hoist_aot_debug "not recorded; starting without it"; return 0 ;;
      esac
    fi
    [ "$(cat "$dir/copy.key" 2>/dev/null)" = "$key" ] || return 0
  fi
  hoist_aot_debug "using $dir/copy.aot"
  HOIST_AOT_OPTS+=("-XX:AOTCache=$dir/copy.aot")
}
