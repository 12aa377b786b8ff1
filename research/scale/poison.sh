#!/usr/bin/env bash
# A shard that kills every Ray actor it meets must not hang `batch`: kill every actor as it
# appears, for 150 s, and time the run (bounded retries: ~25 s and exit 1 with the shards
# reported "not finished"; Ray's default unbounded retries ran until the killing stopped).
#   bash research/scale/poison.sh        (needs the ray extra; writes under /tmp)
set -u
bin=${SPINSCOPE:-.venv/bin/spinscope}
rm -rf /tmp/poison-out /tmp/poison-in
mkdir -p /tmp/poison-in
for i in 1 2 3; do
  printf 'Title %s\n\nOfficials said on Monday that %s drones hit Belgorod.\n' "$i" "$i" \
    > "/tmp/poison-in/a$i.txt"
done
(
  end=$((SECONDS + 150))
  while [ $SECONDS -lt $end ]; do
    for p in $(ps -eo pid=,args= | awk '/ray::MapWorker/ && !/awk/ {print $1}'); do
      kill -9 "$p" 2>/dev/null && echo "killed $p"
    done
    sleep 0.5
  done
) > /tmp/poison-kills.log &
killer=$!
start=$SECONDS
timeout 400 "$bin" batch /tmp/poison-in --out /tmp/poison-out --engine ray --workers 1 \
  --shard-size 1 --layers boilerplate -q 2>&1 | grep -v -e WARNING -e core_worker -e raylet \
  | tail -4
echo "batch ended after $((SECONDS - start)) s; actors killed: $(wc -l < /tmp/poison-kills.log)"
kill "$killer" 2>/dev/null
