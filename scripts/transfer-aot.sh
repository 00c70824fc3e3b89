# Sourced by ./hoist for `hoist copy` and `hoist verify`: one disk per fresh JVM, where start-up is a large share of
# a small or sparse copy (class loading, FFM linking, and SHA-256 running slowly until the JIT compiles its SHA-NI
# intrinsic: ~0.5 CPU-s measured on the 2-core test VM). A JDK 25 AOT cache (JEP 483 classes and linked call sites,
# JEP 515 method profiles) recorded from one small training copy removes most of it. The cache is made on the
# first copy after each build (dist/aot/, a few seconds) and is only valid for this JDK, these jars and these JVM
# options: a JVM that cannot use it ignores it (its complaints are silenced) and starts as it would without.

# Sets HOIST_TRANSFER_JVM: the JVM options for a copy/verify run. Needs ROOT, LIB, STAMP, PLUGINS, JAVA_HOME.
hoist_transfer_jvm_options() {
  local aot="$ROOT/dist/aot/transfer.aot"
  # The data path allocates next to nothing: the serial collector starts fastest and keeps no GC threads busy.
  HOIST_TRANSFER_JVM=(-XX:+UseSerialGC)
  if [[ ! -s "$aot" || "$STAMP" -nt "$aot" ]]; then
    hoist_transfer_train "$aot" || rm -f "$aot"
  fi
  [[ -s "$aot" ]] && HOIST_TRANSFER_JVM+=("-XX:AOTCache=$aot" -Xlog:aot=off -Xlog:cds=off)
  return 0
}

# Records the cache from a copy of a small sparse image (data, holes, a short last block) into a new file.
hoist_transfer_train() {
  local aot="$1" tmp
  mkdir -p "$(dirname "$aot")"
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/hoist-aot.XXXXXX")" || return 1
  echo "hoist: recording the copy start-up cache (once per build)..." >&2
  truncate -s 96M "$tmp/train.img" &&
    head -c 24M /dev/urandom | dd of="$tmp/train.img" bs=1M seek=8 conv=notrunc status=none &&
    head -c 12345 /dev/urandom | dd of="$tmp/train.img" bs=1 seek=$((96 * 1024 * 1024 - 12345)) conv=notrunc status=none &&
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED "${HOIST_TRANSFER_JVM[@]}" \
      "-XX:AOTCacheOutput=$tmp/transfer.aot" -Xlog:aot=off -Xlog:cds=off -Dhoist.plugins.dir="$PLUGINS" \
      -cp "$LIB/*" io.hoist.cli.Main copy --no-progress "$tmp/train.img" "$tmp/copy.img" >/dev/null 2>"$tmp/log" &&
    mv -f "$tmp/transfer.aot" "$aot"
  local rc=$?
  [[ $rc -ne 0 ]] && echo "hoist: no start-up cache (copies start slower): $(tail -1 "$tmp/log" 2>/dev/null)" >&2
  rm -rf "$tmp"
  return $rc
}
