#!/usr/bin/env bash
# Ray local vs --workers on the same articles, side by side (same machine, same moment):
# local, ray, local again, so that a change in the machine's other load shows.
#   research/scale/engines.sh [ARTICLES] [WORKERS] [OUT_ROOT]
# Each run prints batch's summary line (documents/s, peak memory per worker) and the wall
# time. Datasets go to OUT_ROOT (default /work/cache/h-batch), never into the repository.
set -euo pipefail
articles=${1:-../shared/data/ptc/unlabeled/articles}
workers=${2:-2}
root=${3:-/work/cache/h-batch}
bin=${SPINSCOPE:-.venv/bin/spinscope}
for run in local ray local; do
  out="$root/engines-$run"
  rm -rf "$out"
  start=$(date +%s.%N)
  "$bin" batch "$articles" --out "$out" --engine "$run" --workers "$workers" --shard-size 8 -q \
    2>&1 | grep -v -e WARNING -e core_worker.cc || true
  end=$(date +%s.%N)
  echo "$run --workers $workers: wall $(echo "$end - $start" | bc) s"
done
