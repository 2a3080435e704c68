#!/usr/bin/env bash
# Seconds per training epoch, Whittle beside PyTorch, run one after the other on this machine.
# Usage: bench/train-epoch.sh [MODEL] [EPOCHS]    (default: lenet300 3; batch 64, 2 threads)
# Needs Debian's python3-torch (apt-get install python3-torch libopenblas0-openmp).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
model=${1:-lenet300}
epochs=${2:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$root/whittle" train --model "$model" --data mnist --epochs "$epochs" --batch 64 --threads 2 \
  --out "$tmp/m.wtl" --json "$tmp/m.json" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
w=$(/usr/bin/python3 -c "import json,sys; m=json.load(open('$tmp/m.json')); print(m['train_seconds']/$epochs, m['accuracy'])")
t=$(OMP_NUM_THREADS=2 /usr/bin/python3 "$root/bench/torch_train.py" --model "$model" --epochs "$epochs" --batch 64 --threads 2)
/usr/bin/python3 - "$w" "$t" "$model" "$epochs" <<'PY'
import json, sys
ws, wacc = map(float, sys.argv[1].split())
t = json.loads(sys.argv[2])
print(f"{sys.argv[3]}, MNIST, batch 64, 2 threads, {sys.argv[4]} epochs")
print(f"  whittle: {ws:.2f} s/epoch (accuracy {wacc:.4f})")
print(f"  {t['engine']}: {t['seconds_per_epoch']:.2f} s/epoch (accuracy {t['accuracy']:.4f})")
print(f"  ratio whittle/pytorch: {ws / t['seconds_per_epoch']:.2f}")
PY
