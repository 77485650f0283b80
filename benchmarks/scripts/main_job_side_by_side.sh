#!/usr/bin/env bash
# Runs the README's main job (examples/boston-bad-grid.yaml) with two builds of the CLI, alternately, and prints
# each run's wall and CPU seconds, then whether the two summaries agree on every score and schedule.
# usage: benchmarks/scripts/main_job_side_by_side.sh BASE_REPO NEW_REPO DATA_DIR [REPEATS]
# Each repository must have `dotnet build src/Cohort.Cli -c Release` done.
set -euo pipefail
base=$1; new=$2; data=$3; repeats=${4:-2}
out=$(mktemp -d)
for i in $(seq 1 "$repeats"); do
  for side in base new; do
    repo=$base; [ "$side" = new ] && repo=$new
    dir="$out/$side-$i"
    /usr/bin/time -f "$side run $i: wall %e s, user %U s, sys %S s" \
      dotnet "$repo/src/Cohort.Cli/bin/Release/net10.0/cohort.dll" run "$repo/examples/boston-bad-grid.yaml" \
      --data-dir "$data" --out "$dir" > "$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
    tail -n 1 "$dir.log"
  done
done
# Scores and schedules must be bit-identical: compare each run's name, method, status, steps and best member (score,
# test score, hyperparameters, schedule); other fields (wall times, fields a newer build adds) are left out.
strip() { python3 -c 'import json,sys
s=json.load(open(sys.argv[1]))
keys=("name","method","status","population","steps_per_member","total_steps","best")
print(json.dumps([{k: r.get(k) for k in keys} for r in s["runs"]], sort_keys=True))' "$1"; }
if [ "$(strip "$out/base-1/summary.json")" = "$(strip "$out/new-1/summary.json")" ]; then
  echo "summaries: every run's status, steps and best member (scores, schedule) identical"
else
  echo "summaries: DIFFER"; diff <(strip "$out/base-1/summary.json") <(strip "$out/new-1/summary.json") | head; exit 1
fi
rm -rf "$out"
