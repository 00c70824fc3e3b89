# Sourced by ./hoist and ./test.sh: finds a JDK >= 25 and exports JAVA_HOME and PATH for it.
# Looks at $JAVA_HOME first, then the system JVM folder (/usr/lib/jvm), then `java` on PATH.

hoist_java_major() { # prints the feature version of the java binary $1, or nothing
  # The JDK's release file says it without starting a JVM (~0.1 CPU-s, paid by every ./hoist command).
  # Read in the shell, without a fork: ./hoist copy pays this once per disk.
  local release="${1%/bin/java}/release" line
  if [ -r "$release" ]; then
    while IFS= read -r line; do
      if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then
        echo "${BASH_REMATCH[1]}"
        return
      fi
    done < "$release"
  fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1
}

hoist_find_java25() {
  local candidate major
  local -a candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for candidate in /usr/lib/jvm/*/; do candidates+=("${candidate%/}"); done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major="$(hoist_java_major "$candidate/bin/java")"
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "error: Hoist needs a JDK 25 or newer (JAVA_HOME, /usr/lib/jvm and java on PATH have none): install Temurin 25 (temurin-25-jdk) or openjdk-25-jdk" >&2
  return 1
}

# Maven 3.8's own Guava calls sun.misc.Unsafe, which JDK 24+ warns about on every build; the warning is
# Maven's, not Hoist's, so it is allowed here (the option exists on the JDKs this script accepts).
case " ${MAVEN_OPTS:-} " in
  *" --sun-misc-unsafe-memory-access="*) ;;
  *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
esac
