#!/usr/bin/env bash
# The quantization benchmarks of BENCHMARKS.md (issue 6):
#   1. int8 plan against the float32 plan: `whittle bench` on lenet300 and lenet5 (trained with
#      the defaults) and their int8 per-channel post-training quantized copies, batch 1 and 256,
#      1 and 2 threads;
#   2. Whittle's int8 plan against ONNX Runtime running the QDQ export (OrtCompare, one JVM,
#      interleaved rounds; ONNX Runtime fuses some QDQ pairs into integer kernels that round
#      differently, hence the tolerance);
#   3. the kernels: JMH QuantKernelBench (int8, XNOR-popcount and sign-and-scale binary GEMM
#      against float32 sgemm on the same shapes).
# Usage: bench/quant.sh [--out DIR] [--quick]     (about 10 minutes on an idle 2-core machine)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. "$root/bin/jdk.sh"
whittle_find_jdk || exit 2
java="$WHITTLE_JAVA_HOME/bin/java"
out="$root/whittle-bench/target/bench-quant"
quick=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    *) echo "quant.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
./mvnw -q -B -o install -DskipTests
w="$root/whittle"
jvm=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
[ "$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p')" -ge 24 ] \
  && jvm+=(--sun-misc-unsafe-memory-access=allow)
epochs300=10; epochs5=4; rounds=3
[ -n "$quick" ] && epochs300=1 && epochs5=1 && rounds=1
for m in lenet300 lenet5; do
  e=$epochs300; [ $m = lenet5 ] && e=$epochs5
  [ -f "$out/$m.wtl" ] || "$w" train --model $m --data mnist --epochs $e --out "$out/$m.wtl" >/dev/null
  [ -f "$out/$m-int8.wtl" ] || "$w" quantize "$out/$m.wtl" --mode ptq --per-channel \
      --data mnist --out "$out/$m-int8.wtl" >/dev/null
  for t in 1 2; do
    echo "== whittle bench $m, $t thread(s)"
    "$w" bench "$out/$m.wtl" "$out/$m-int8.wtl" --data mnist --threads $t --batch 1,256 2>/dev/null
  done
  for t in 1 2; do
    echo "== OrtCompare $m int8 (QDQ), $t thread(s)"
    "$java" "${jvm[@]}" -cp whittle-bench/target/whittle-bench.jar dev.whittle.bench.OrtCompare \
      --model "$out/$m-int8.wtl" --threads $t --rounds $rounds --tolerance 0.2 2>/dev/null
  done
done
echo "== JMH QuantKernelBench"
if [ -n "$quick" ]; then
  "$java" -jar whittle-bench/target/whittle-bench.jar QuantKernelBench -f 1 -wi 1 -i 1 -w 0.2s -r 0.2s \
    -p threads=1 -p shape=xnor-256-1024-1024
else
  "$java" -jar whittle-bench/target/whittle-bench.jar QuantKernelBench -f 1 -wi 3 -i 5 -w 1s -r 1s -p threads=1
fi
