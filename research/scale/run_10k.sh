#!/usr/bin/env bash
# The issue-17 scale run: N generated variants through `batch --engine ray`, one actor killed
# (SIGKILL) half-way, then the dataset checked: N documents, no duplicates.
#   research/scale/run_10k.sh [N] [WORKERS] [LAYERS] [SHARD_SIZE]
# Writes under /work/cache/h-batch (never into the repository).
set -euo pipefail
n=${1:-10000}
workers=${2:-2}
layers=${3:-all}
shard=${4:-100}
root=/work/cache/h-batch
bin=${SPINSCOPE:-.venv/bin/spinscope}
py=${PYTHON:-.venv/bin/python}
input="$root/variants-$n.jsonl"
out="$root/v$n-$layers"
[ -f "$input" ] || "$py" research/scale/make_variants.py "$n" "$input"
rm -rf "$out"
layer_args=()
[ "$layers" = all ] || layer_args=(--layers "$layers")
shards=$(( (n + shard - 1) / shard ))
start=$(date +%s.%N)
"$bin" batch "$input" --out "$out" --engine ray --workers "$workers" --shard-size "$shard" \
  "${layer_args[@]}" -q > "$out.log" 2>&1 &
run=$!
# Half-way, kill one Ray actor (a worker holding models and, likely, a shard in flight).
while kill -0 "$run" 2>/dev/null; do
  done_now=$(find "$out/_done" -type f 2>/dev/null | wc -l || true)
  if [ "$done_now" -ge $((shards / 2)) ]; then
    victim=$(ps -eo pid=,args= | awk '/ray::MapWorker/ && !/awk/ {print $1; exit}' || true)
    if [ -n "$victim" ]; then
      echo "killing actor $victim after $done_now of $shards shards ($(date +%T))"
      kill -9 "$victim"
      break
    fi
  fi
  sleep 1
done
wait "$run" || echo "batch exited with $?"
end=$(date +%s.%N)
grep -v -e WARNING -e core_worker.cc "$out.log" | tail -3
"$py" - "$out" "$n" "$start" "$end" <<'PY'
import sys
import duckdb
out, n, start, end = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
docs = f"read_parquet('{out}/documents/*/*.parquet')"
total, ids, sources = duckdb.sql(
    f"SELECT count(*), count(DISTINCT doc_id), count(DISTINCT source) FROM {docs}"
).fetchall()[0]
failed = duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}/failures/*/*.parquet')").fetchall()[0][0]
seconds = end - start
print(f"{total} documents ({ids} distinct ids, {sources} distinct inputs), {failed} failed, of {n}")
print(f"wall {seconds:.0f} s: {seconds / total * 1000:.1f} s per 1,000 articles")
assert total == ids == sources == n, "documents lost or written twice"
PY
