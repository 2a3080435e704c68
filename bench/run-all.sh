#!/usr/bin/env bash
# Every benchmark table of BENCHMARKS.md, in one run: builds what it needs, then runs
#   gemm     JMH GemmBench (256/512/1024, 1 and 2 threads) beside bench/numpy_gemm.py, in
#            alternating rounds
#   kernels  JMH TrainShapesBench and ConvBench (Whittle alone)
#   ort      OrtCompare (Whittle and ONNX Runtime in one JVM) for lenet300 and lenet5 at 1 and 2
#            threads
#   torch    bench/torch_infer.py (PyTorch eager, TorchScript, TorchScript optimized for
#            inference)
#   train    bench/train-epoch.sh lenet300 (Whittle and PyTorch seconds per epoch), twice,
#            alternating which goes first
# and prints the Markdown tables (bench/report.py) with the ratios.
#
# Usage: bench/run-all.sh [--out DIR] [--rounds N] [--update-doc] [--no-build] [--quick] [PART...]
#   PART       build gemm kernels ort torch train report (default: all, in that order); a
#              partial run keeps the other parts' earlier results in DIR, so the report shows
#              everything measured last; it builds first unless --no-build; `report` alone only
#              re-renders the tables
#   --out      results folder (default whittle-bench/target/bench-results)
#   --rounds   interleaved rounds for every part (defaults: gemm 2, train 2, torch 3, ort 5)
#   --update-doc  also rewrite the tables in BENCHMARKS.md (between its run-all markers)
#   --quick    a smoke test with tiny runs: checks that everything works, figures mean nothing
#              (results go to whittle-bench/target/bench-quick unless --out is given)
# About 10 minutes on 2 cores (more when it has to wait or re-measure). Python peers use
# /usr/bin/python3 (Debian's python3-numpy, python3-torch; OpenBLAS: libopenblas0-openmp;
# MNIST in ~/.cache/whittle/mnist, as `./whittle train` fetches it). The machine should be
# otherwise idle: before each unit (a GEMM round, one OrtCompare run, ...) this waits up to $QUIET_WAIT s (default 60)
# for other processes to quiet down, records how many cores they used during the unit (shown
# under each table), and measures the unit again, up to $TRIES times in all (default 3), when
# that was more than $NOISY_CORES (default 0.15); past $BUDGET s (default 780) it neither waits
# nor re-measures any more, and the targets table marks figures from noisy units.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. "$root/bin/jdk.sh"
whittle_find_jdk || exit 2
export JAVA_HOME="$WHITTLE_JAVA_HOME"
java="$JAVA_HOME/bin/java"
py=/usr/bin/python3

invocation="$*"
out="$root/whittle-bench/target/bench-results"
rounds=""
update=""
build=1
quick=""
parts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --update-doc) update=1; shift ;;
    --no-build) build=""; shift ;;
    --quick) quick=1; shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    build|gemm|kernels|ort|torch|train|report) parts+=("$1"); shift ;;
    *) echo "run-all: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
# A smoke test never lands in the real results folder unless asked to.
[ -n "$quick" ] && [ "$out" = "$root/whittle-bench/target/bench-results" ] && out="$root/whittle-bench/target/bench-quick"
all=""
if [ ${#parts[@]} -eq 0 ]; then
  all=1
  parts=(build gemm kernels ort torch train report)
fi
has() { [[ " ${parts[*]} " == *" $1 "* ]]; }
# Every measuring run builds first (a stale jar would measure old code), unless --no-build.
if [ -n "$build" ] && ! has build && [ "${parts[*]}" != report ]; then
  parts=(build "${parts[@]}")
fi
[ -n "$build" ] || parts=("${parts[@]/build}")
report_only=""
[ "${parts[*]}" = report ] && report_only=1

gemm_rounds=${rounds:-2}
train_rounds=${rounds:-2}
jmh_opts=(-f 1 -wi 3 -i 5 -w 1s -r 1s)
np_opts=()
ort_opts=(--rounds "${rounds:-5}")
torch_opts=(--rounds "${rounds:-3}")
epochs=3
if [ -n "$quick" ]; then
  gemm_rounds=1
  train_rounds=1
  jmh_opts=(-f 1 -wi 1 -i 1 -w 200ms -r 200ms)
  np_opts=(--warmup 0.1 --iters 1 --iter-seconds 0.2)
  ort_opts=(--rounds 1 --calls 200 --seconds 0.3)
  torch_opts=(--rounds 1 --calls 200 --seconds 0.3)
  epochs=1
fi

jopts=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g)
[ "$(whittle_java_major "$JAVA_HOME")" -ge 24 ] && jopts+=(--sun-misc-unsafe-memory-access=allow)
jar="$root/whittle-bench/target/whittle-bench.jar"

[ -n "$all" ] && [ -z "$quick" ] && rm -rf "$out"
mkdir -p "$out"

say() { printf '\n== %s\n' "$*" >&2; }

# --- machine load: CPU used by processes other than this script's, during each part ---------
# /proc/stat: busy = user nice system irq softirq; steal separately. Our own CPU is the children
# time (cutime + cstime) of this shell, in the same clock ticks.
probe() {
  awk '/^cpu /{print $2+$3+$4+$7+$8, $9}' /proc/stat | tr '\n' ' '
  awk '{print $16+$17}' /proc/$$/stat | tr '\n' ' '
  date +%s.%N
}
busy_now() { # percent of the machine busy over one second (nothing of ours runs meanwhile)
  local a b
  a=$(probe); sleep 1; b=$(probe)
  awk -v a="$a" -v b="$b" -v n="$(nproc)" -v hz="$(getconf CLK_TCK)" 'BEGIN{split(a,x," ");
    split(b,y," "); printf "%d", 100*(y[1]-x[1])/hz/(y[4]-x[4])/n}'
}
# Past $BUDGET seconds since the start (default 780) the script stops waiting and re-measuring,
# so a run on a busy machine still ends in about a quarter of an hour (noisy units flagged).
over_budget() { [ "$SECONDS" -gt "${BUDGET:-780}" ]; }
wait_quiet() {
  local waited=0 limit=${QUIET_WAIT:-60} b
  [ -n "$quick" ] && return 0
  over_budget && return 0
  while b=$(busy_now); [ "$b" -gt 10 ] && [ "$waited" -lt "$limit" ]; do
    [ "$waited" -eq 0 ] && echo "run-all: the machine is ${b}% busy with other processes; waiting up to ${limit}s" >&2
    sleep 4
    waited=$((waited + 5))
  done
  [ "$b" -gt 10 ] && echo "run-all: still ${b}% busy; measuring anyway (see 'other processes' under the tables)" >&2
  return 0
}
# Drops a part's earlier load records (a re-run replaces them all).
forget_part() {
  [ -f "$out/load.jsonl" ] || return 0
  grep -v "\"part\":\"$1\"" "$out/load.jsonl" > "$out/load.jsonl.tmp" || true
  mv "$out/load.jsonl.tmp" "$out/load.jsonl"
}
# Records one measured unit in load.jsonl: how many cores other processes used meanwhile.
record() { # NAME START END
  awk -v a="$2" -v b="$3" -v p="$1" -v hz="$(getconf CLK_TCK)" -v t="$(date -u +%Y-%m-%dT%H:%MZ)" 'BEGIN{
    split(a,x," "); split(b,y," "); s=y[4]-x[4];
    other=((y[1]-x[1])-(y[3]-x[3]))/hz/s; if (other<0) other=0;
    printf "{\"part\":\"%s\",\"unit\":\"%s\",\"seconds\":%.1f,\"other_cores\":%.3f,\"steal_cores\":%.3f,\"finished_utc\":\"%s\"}\n",
      substr(p, 1, index(p "/", "/") - 1), p, s, other, (y[2]-x[2])/hz/s, t}' >> "$out/load.jsonl"
}
other_cores() { # START END -> cores used by other processes in between
  awk -v a="$1" -v b="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN{split(a,x," "); split(b,y," ");
    o=((y[1]-x[1])-(y[3]-x[3]))/hz/(y[4]-x[4]); printf "%.2f", o<0?0:o}'
}
# run_unit NAME CMD...: waits for a quiet machine, runs CMD, and runs it again (up to $TRIES
# times in all, default 3) when other processes used more than $NOISY_CORES cores (default
# 0.15) meanwhile; the last try counts. NAME is PART or PART/UNIT.
run_unit() {
  local name=$1 try=1 s e o
  shift
  while :; do
    wait_quiet
    s=$(probe)
    "$@"
    e=$(probe)
    o=$(other_cores "$s" "$e")
    if [ -z "$quick" ] && [ "$try" -lt "${TRIES:-3}" ] && ! over_budget &&
       awk -v o="$o" -v l="${NOISY_CORES:-0.15}" 'BEGIN{exit !(o > l)}'; then
      try=$((try + 1))
      echo "run-all: $name: other processes used $o cores meanwhile; measuring again (try $try of ${TRIES:-3})" >&2
      continue
    fi
    break
  done
  record "$name" "$s" "$e"
}

# --- build -----------------------------------------------------------------------------------
if has build; then
  say "build: ./mvnw -q -B -DskipTests install (the bench jar is shaded in its package phase)"
  if ! ./mvnw -q -B -DskipTests install >"$out/build.log" 2>&1; then
    echo "run-all: build failed; retrying in 60 s (someone may be mid-edit)" >&2
    sleep 60
    ./mvnw -q -B -DskipTests install >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
  fi
fi
[ -n "$report_only" ] || [ -f "$jar" ] || { echo "run-all: $jar is missing; run without --no-build" >&2; exit 1; }

# --- machine ---------------------------------------------------------------------------------
[ -n "$report_only" ] || "$java" "${jopts[@]}" -cp "$jar" dev.whittle.bench.MachineInfo 2>/dev/null > "$out/java.json"
[ -n "$report_only" ] || $py - "$out" "$invocation" "$quick" <<'PY'
import json, os, platform, re, subprocess, sys, datetime
out = sys.argv[1]
cpu = open("/proc/cpuinfo").read()
model = re.search(r"model name\s*:\s*(.*)", cpu).group(1).strip()
flags = set(re.search(r"flags\s*:\s*(.*)", cpu).group(1).split())
vec = " ".join(f for f in ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni", "amx_tile") if f in flags)
mem = re.search(r"MemTotal:\s*(\d+)", open("/proc/meminfo").read()).group(1)
fam = re.search(r"cpu family\s*:\s*(\d+)", cpu)
mod = re.search(r"^model\s*:\s*(\d+)", cpu, re.M)
caches = []
for i in range(4):
    d = f"/sys/devices/system/cpu/cpu0/cache/index{i}"
    try:
        lvl, typ, size = (open(f"{d}/{x}").read().strip() for x in ("level", "type", "size"))
    except OSError:
        continue
    if typ != "Instruction":
        caches.append(f"L{lvl} {size}")
try:
    hv = re.search(r"Hypervisor vendor:\s*(\S+)", subprocess.run(["lscpu"], stdout=subprocess.PIPE, text=True).stdout)
except OSError:
    hv = None
def ver(mod):
    try:
        return subprocess.run(["/usr/bin/python3", "-c", f"import {mod}; print({mod}.__version__)"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip() or "?"
    except OSError:
        return "?"
try:
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], stdout=subprocess.PIPE, text=True).stdout.strip()
    git += " (with uncommitted changes)" if dirty else ""
except OSError:
    git = "?"
m = {"nproc": os.cpu_count(), "cpu_model": model, "cpu_vector_flags": vec,
     "cpu_detail": ", ".join(x for x in [
         f"family {fam.group(1)} model {mod.group(1)}" if fam and mod else "",
         "caches per core: " + ", ".join(caches) if caches else "",
         f"virtual machine ({hv.group(1)})" if hv else ""] if x),
     "mem": f"{int(mem) / 1024 / 1024:.0f} GiB", "os": " ".join(platform.uname()[0:3:2]),
     "java": json.load(open(os.path.join(out, "java.json"))),
     "peers": f"numpy {ver('numpy')}, PyTorch {ver('torch')} (Debian), ONNX Runtime (Maven, Java API; version in the inference table)",
     "git": git, "started_utc": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"),
     "command": ("bench/run-all.sh " + sys.argv[2]).strip(), "quick": bool(sys.argv[3])}
path = os.path.join(out, "machine.json")
try:
    runs = json.load(open(path)).get("runs", [])
except (OSError, ValueError):
    runs = []
m["runs"] = runs + [{"started_utc": m["started_utc"], "command": m["command"], "git": git}]
json.dump(m, open(path, "w"), indent=1)
PY

# --- gemm: JMH and numpy, alternating rounds -------------------------------------------------
run_jmh() { # ROUND
  say "gemm round $1/$gemm_rounds: JMH GemmBench ${jmh_opts[*]}"
  "$java" "${jopts[@]}" -jar "$jar" 'dev.whittle.bench.GemmBench' "${jmh_opts[@]}" \
    -rf json -rff "$out/gemm/round-$1-jmh.json" >"$out/gemm/round-$1-jmh.log" 2>&1 \
    || { tail -30 "$out/gemm/round-$1-jmh.log" >&2; exit 1; }
  grep -E '^GemmBench.sgemm:gflops' "$out/gemm/round-$1-jmh.log" >&2 || true
}
run_numpy() { # ROUND
  say "gemm round $1/$gemm_rounds: bench/numpy_gemm.py"
  $py "$root/bench/numpy_gemm.py" "${np_opts[@]}" >"$out/gemm/round-$1-numpy.jsonl"
  $py -c "import json,sys
for l in open(sys.argv[1]):
    d=json.loads(l); print(f\"numpy {d['size']:5d} {d['threads']} threads {d['gflops']:7.1f} GFLOPS ({d['blas'].get('openblas_corename','?')})\")" \
    "$out/gemm/round-$1-numpy.jsonl" >&2
}
gemm_round() { # ROUND: odd rounds run JMH first, even rounds numpy first
  if [ $(($1 % 2)) -eq 1 ]; then run_jmh "$1"; run_numpy "$1"; else run_numpy "$1"; run_jmh "$1"; fi
}
if has gemm; then
  mkdir -p "$out/gemm"
  rm -f "$out"/gemm/round-*
  forget_part gemm
  for r in $(seq 1 "$gemm_rounds"); do
    run_unit "gemm/round-$r" gemm_round "$r"
  done
fi

# --- kernels: the training shapes and lenet5's convolutions ----------------------------------
run_kernels() {
  say "kernels: JMH TrainShapesBench ConvBench ${jmh_opts[*]}"
  "$java" "${jopts[@]}" -jar "$jar" 'dev.whittle.bench.(TrainShapesBench|ConvBench)' "${jmh_opts[@]}" \
    -rf json -rff "$out/kernels/jmh.json" >"$out/kernels/jmh.log" 2>&1 \
    || { tail -30 "$out/kernels/jmh.log" >&2; exit 1; }
  grep -E '^(TrainShapesBench|ConvBench)\.[a-z]+:gflops' "$out/kernels/jmh.log" >&2 || true
}
if has kernels; then
  mkdir -p "$out/kernels"
  forget_part kernels
  run_unit kernels run_kernels
fi

# --- ort: Whittle and ONNX Runtime in one JVM ------------------------------------------------
run_ort() { # MODEL THREADS
  say "ort: OrtCompare --model $1 --threads $2 ${ort_opts[*]}"
  "$java" "${jopts[@]}" -cp "$jar" dev.whittle.bench.OrtCompare --model "$1" --threads "$2" \
    "${ort_opts[@]}" --json "$out/ort/$1-t$2.json" >"$out/ort/$1-t$2.md" 2>"$out/ort/$1-t$2.log" \
    || { cat "$out/ort/$1-t$2.log" >&2; exit 1; }
  cat "$out/ort/$1-t$2.md" >&2
}
if has ort; then
  mkdir -p "$out/ort"
  forget_part ort
  for cfg in lenet300:1 lenet300:2 lenet5:1 lenet5:2; do
    run_unit "ort/${cfg/:/-t}" run_ort "${cfg%:*}" "${cfg#*:}"
  done
fi

# --- torch: PyTorch inference ----------------------------------------------------------------
run_torch() { # MODEL
  say "torch: bench/torch_infer.py --models $1 ${torch_opts[*]}"
  OMP_NUM_THREADS=2 $py "$root/bench/torch_infer.py" --models "$1" "${torch_opts[@]}" \
    >"$out/torch/$1.jsonl" 2>"$out/torch/$1.log" || { cat "$out/torch/$1.log" >&2; exit 1; }
  grep '^round' "$out/torch/$1.log" >&2 || true
}
if has torch; then
  mkdir -p "$out/torch"
  rm -f "$out/torch/infer.jsonl"
  forget_part torch
  for m in lenet300 lenet5; do
    run_unit "torch/$m" run_torch "$m"
  done
fi

# --- train: seconds per epoch ----------------------------------------------------------------
run_train() { # ROUND: odd rounds train Whittle first, even rounds PyTorch first
  say "train round $1/$train_rounds: bench/train-epoch.sh lenet300 $epochs"
  TRAIN_EPOCH_JSON="$out/train/lenet300-r$1.json" TRAIN_EPOCH_TORCH_FIRST=$((1 - $1 % 2)) \
    "$root/bench/train-epoch.sh" lenet300 "$epochs" >&2
}
if has train; then
  mkdir -p "$out/train"
  rm -f "$out"/train/lenet300*.json
  forget_part train
  for r in $(seq 1 "$train_rounds"); do
    run_unit "train/round-$r" run_train "$r"
  done
fi

# --- report ----------------------------------------------------------------------------------
say "report ($out)"
if [ -n "$update" ] && [ -z "$quick" ]; then
  $py "$root/bench/report.py" "$out" --update "$root/BENCHMARKS.md" | tee "$out/report.md"
else
  $py "$root/bench/report.py" "$out" | tee "$out/report.md"
fi
