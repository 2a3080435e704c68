#!/usr/bin/env bash
# Seconds per training epoch, Whittle beside PyTorch, run one after the other on this machine.
# Usage: bench/train-epoch.sh [MODEL] [EPOCHS]    (default: lenet300 3; batch 64, 2 threads)
# Needs Debian's python3-torch (apt-get install python3-torch libopenblas0-openmp).
# Both sides report the median epoch (Whittle's from its per-epoch progress lines, so the
# first epoch's JIT warm-up does not count against it; its total / epochs is printed too).
# With TRAIN_EPOCH_JSON=FILE set, the figures are also written there as one JSON object, and
# with TRAIN_EPOCH_TORCH_FIRST=1 PyTorch runs first (bench/run-all.sh uses both).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
model=${1:-lenet300}
epochs=${2:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run_whittle() {
  "$root/whittle" train --model "$model" --data mnist --epochs "$epochs" --batch 64 --threads 2 \
    --out "$tmp/m.wtl" --json "$tmp/m.json" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
  w=$(/usr/bin/python3 - "$tmp/m.json" "$tmp/err" "$epochs" <<'PY'
import json, re, statistics, sys
m = json.load(open(sys.argv[1]))
ep = [float(x) for x in re.findall(r"epoch \d+/\d+ .* ([0-9.]+)s\s*$", open(sys.argv[2]).read(), re.M)]
total = m["train_seconds"] / int(sys.argv[3])
print(statistics.median(ep) if ep else total, total, m["accuracy"])
PY
  )
}
run_torch() {
  t=$(OMP_NUM_THREADS=2 /usr/bin/python3 "$root/bench/torch_train.py" --model "$model" --epochs "$epochs" --batch 64 --threads 2)
}
# TRAIN_EPOCH_TORCH_FIRST=1 runs PyTorch first (bench/run-all.sh alternates the order).
if [ "${TRAIN_EPOCH_TORCH_FIRST:-0}" = 1 ]; then
  run_torch
  run_whittle
else
  run_whittle
  run_torch
fi
/usr/bin/python3 - "$w" "$t" "$model" "$epochs" <<'PY'
import json, os, sys
ws, wtotal, wacc = map(float, sys.argv[1].split())
t = json.loads(sys.argv[2])
print(f"{sys.argv[3]}, MNIST, batch 64, 2 threads, {sys.argv[4]} epochs (median epoch)")
print(f"  whittle: {ws:.2f} s/epoch (total / epochs {wtotal:.2f}; accuracy {wacc:.4f})")
print(f"  {t['engine']}: {t['seconds_per_epoch']:.2f} s/epoch (accuracy {t['accuracy']:.4f})")
print(f"  ratio whittle/pytorch: {ws / t['seconds_per_epoch']:.2f}")
if os.environ.get("TRAIN_EPOCH_JSON"):
    with open(os.environ["TRAIN_EPOCH_JSON"], "w") as f:
        json.dump({"model": sys.argv[3], "epochs": int(sys.argv[4]), "batch": 64, "threads": 2,
                   "whittle_seconds_per_epoch": ws, "whittle_total_per_epoch": wtotal,
                   "whittle_accuracy": wacc, "pytorch": t,
                   "pytorch_seconds_per_epoch": t["seconds_per_epoch"]}, f)
PY
