#!/usr/bin/env bash
# Times kquant predict (float32) against TensorFlow.js and TensorFlow on the same .npy file:
# whole processes, N sequences shaped for the demo model, each command 3 times; prints wall
# time, CPU time (user + system) and peak memory (RSS) of each run. Run from the repository root
# after `mvn -B -q package -DskipTests`.
#   bash src/bench/predict/run.sh [N]          (default 1000000)
# Installs, in a throwaway folder (default /tmp/kquant-bench, or $KQ_BENCH), @tensorflow/tfjs
# and h5wasm from npm, and tensorflow-cpu in a Python venv where pip can reach PyPI; an engine
# whose install fails is skipped with a message.
set -euo pipefail
n=${1:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
work=${KQ_BENCH:-/tmp/kquant-bench}
mkdir -p "$work"
model=calibration/demo/model.h5
x="$work/x-$n.npy"
[ -f "$x" ] || node "$here/make-data.mjs" "$x" "$n" 5 6

if [ ! -d "$work/node_modules/@tensorflow/tfjs" ]; then
  (cd "$work" && npm init -y >/dev/null && npm install --silent @tensorflow/tfjs@4.22.0 h5wasm@0.10.3) \
    || echo "tfjs: npm install failed; skipping it"
fi
if [ ! -x "$work/venv/bin/python" ]; then
  (python3 -m venv "$work/venv" && "$work/venv/bin/pip" install -q tensorflow-cpu==2.21.0) \
    || echo "tensorflow: pip install failed; skipping it"
fi

measure() {
  local name=$1; shift
  for run in 1 2 3; do
    /usr/bin/time -f "$name run $run: wall %e s, cpu %U+%S s, peak %M KB" "$@" > /dev/null 2> "$work/time.txt" || {
      echo "$name: failed"; tail -3 "$work/time.txt"; return; }
    tail -1 "$work/time.txt"
  done
}

echo "$n sequences of (5, 6) float32, $(nproc) cores, $(java -version 2>&1 | head -1)"
measure "kquant predict float32" java -jar target/kquant.jar predict "$model" --data "$x" --out "$work/y-kquant.npy"
measure "kquant predict float32 -Xmx256m" java -Xmx256m -jar target/kquant.jar predict "$model" --data "$x" --out "$work/y-kquant.npy"
if [ -d "$work/node_modules/@tensorflow/tfjs" ]; then
  # node resolves the npm packages from the script's own folder
  cp "$here/tfjs-predict.mjs" "$work/"
  measure "tfjs 4.22 cpu" node --max-old-space-size=8192 "$work/tfjs-predict.mjs" "$model" "$x" "$work/y-tfjs.npy"
fi
if [ -x "$work/venv/bin/python" ]; then
  measure "tensorflow (keras 3)" env TF_CPP_MIN_LOG_LEVEL=3 "$work/venv/bin/python" "$here/tf_predict.py" "$model" "$x" "$work/y-tf.npy"
fi

# the three computed the same thing: largest difference between their outputs
if [ -x "$work/venv/bin/python" ]; then
  "$work/venv/bin/python" - "$work" <<'PY'
import sys, os
import numpy as np
w = sys.argv[1]
k = np.load(os.path.join(w, "y-kquant.npy"))
for other in ("y-tf.npy", "y-tfjs.npy"):
    p = os.path.join(w, other)
    if os.path.exists(p):
        print(f"max |kquant - {other[2:-4]}| = {np.abs(k - np.load(p)).max():.3g} over {k.size} outputs")
PY
fi
