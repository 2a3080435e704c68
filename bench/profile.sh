#!/usr/bin/env bash
# Where the time goes: records one workload with JFR (profile settings: a Java sample every
# 10 ms per thread; gemm and plan start recording after their warm-up, through the JFR API in
# dev.whittle.bench.Loop; train with -XX:StartFlightRecording) and prints its jdk.ExecutionSample events
# aggregated by top frame and by the first dev.whittle frame (bench/jfr_top.py). This is how the
# notes under the unmet targets in BENCHMARKS.md were made.
#
# Usage: bench/profile.sh gemm  [SIZE=512] [THREADS=1] [SECONDS=15]
#        bench/profile.sh plan  [MODEL=lenet5] [THREADS=2] [BATCH=256] [SECONDS=15]
#        bench/profile.sh train [MODEL=lenet300] [EPOCHS=1]        (batch 64, 2 threads)
# The recording stays in whittle-bench/target/profile-WORKLOAD.jfr for `jfr print` / JMC.
# Needs the bench jar (bench/run-all.sh build, or ./mvnw -q -B -DskipTests install).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/jdk.sh"
whittle_find_jdk || exit 2
export JAVA_HOME="$WHITTLE_JAVA_HOME"
jar="$root/whittle-bench/target/whittle-bench.jar"
what=${1:-}
[ $# -gt 0 ] && shift
jopts=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g)
[ "$(whittle_java_major "$JAVA_HOME")" -ge 24 ] && jopts+=(--sun-misc-unsafe-memory-access=allow)
mkdir -p "$root/whittle-bench/target"
case "$what" in
  gemm)
    rec="$root/whittle-bench/target/profile-gemm-${1:-512}-t${2:-1}.jfr"
    "$JAVA_HOME/bin/java" "${jopts[@]}" "-Dloop.jfr=$rec" \
      -cp "$jar" dev.whittle.bench.Loop gemm "${1:-512}" "${2:-1}" "${3:-15}" 2>/dev/null ;;
  plan)
    rec="$root/whittle-bench/target/profile-plan-${1:-lenet5}-t${2:-2}-b${3:-256}.jfr"
    "$JAVA_HOME/bin/java" "${jopts[@]}" "-Dloop.jfr=$rec" \
      -cp "$jar" dev.whittle.bench.Loop plan "${1:-lenet5}" "${2:-2}" "${3:-256}" "${4:-15}" 2>/dev/null ;;
  train)
    rec="$root/whittle-bench/target/profile-train-${1:-lenet300}.jfr"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    JAVA_OPTS="-Xmx8g -XX:StartFlightRecording=filename=$rec,settings=profile" \
      "$root/whittle" train --model "${1:-lenet300}" --data mnist --epochs "${2:-1}" --batch 64 \
      --threads 2 --out "$tmp/m.wtl" 2>&1 | grep -E '^.?epoch' || true ;;
  *)
    sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 2 ;;
esac
/usr/bin/python3 "$root/bench/jfr_top.py" "$rec"
