# Sourced by ./whittle, ./mvnw and ./test: sets WHITTLE_JAVA_HOME to a JDK 21 or newer.
# Order: JAVA_HOME, then the usual system locations (newest first), then java on PATH.
whittle_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
whittle_find_jdk() {
  local candidates=() c major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in $(ls -d /usr/lib/jvm/*/ /usr/local/lib/jvm/*/ /opt/java/*/ /opt/jdk*/ \
             /Library/Java/JavaVirtualMachines/*/Contents/Home/ 2>/dev/null | sort -rV); do
    candidates+=("${c%/}")
  done
  if command -v java >/dev/null 2>&1; then
    c=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    candidates+=("$c")
  fi
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major=$(whittle_java_major "$c")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      WHITTLE_JAVA_HOME="$c"
      return 0
    fi
  done
  echo "whittle: needs a JDK 21 or newer (tested with Temurin 25); none found in JAVA_HOME or /usr/lib/jvm." >&2
  echo "whittle: install one (for example Debian's openjdk-21-jdk or a Temurin 25 JDK) and set JAVA_HOME to it." >&2
  return 1
}
