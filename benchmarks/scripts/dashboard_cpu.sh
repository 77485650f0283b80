#!/usr/bin/env bash
# CPU used by `cohort dashboard` while it follows a 200-member run with no browser attached (issue 17's bar: < 5% of
# one core). Starts `cohort run` on a 200-member toy PBT spec, waits until the run has stored results, starts the
# dashboard on the run directory, and samples the dashboard process's CPU time (utime + stime, /proc/PID/stat) over a
# window while the run keeps writing, and its resident memory at the end. Prints one JSON line. Usage (from the
# repository root, after a Release build):
#   benchmarks/scripts/dashboard_cpu.sh [WINDOW_SECONDS] [BASELINE_COHORT_DLL]
# With a second cohort.dll (another build's src/Cohort.Cli/bin/Release/net10.0/cohort.dll), its dashboard follows the
# same run side by side with this build's, sampled over the same window: the ratio is what to compare on a noisy machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
window=${1:-60}
baseline=${2:-}
cohort="dotnet src/Cohort.Cli/bin/Release/net10.0/cohort.dll"
work=$(mktemp -d)
trap 'kill $run_pid $dash_pid $base_pid 2>/dev/null || true; rm -rf "$work"' EXIT
run_pid=""; dash_pid=""; base_pid=""

cat > "$work/pbt-200.yaml" <<'YAML'
version: 1
experiment: dashboard-cpu
seed: 1
objective: {metric: q, mode: maximize}
trainable: {kind: toy}
hyperparameters:
  h0: {type: float, min: 0, max: 1}
  h1: {type: float, min: 0, max: 1}
constants: {lr: 0.01}
steps: 100000
ready: {every: 4}
runs:
  - name: pbt-200
    method: pbt
    population: 200
    init: random
    exploit: {strategy: truncation, fraction: 0.2}
    explore: {strategy: perturb, factors: [0.8, 1.2]}
YAML

nice -n 10 $cohort run "$work/pbt-200.yaml" --out "$work/run" > "$work/run.log" 2>&1 &
run_pid=$!
for _ in $(seq 1 120); do
  [ -f "$work/run/cohort.db" ] && [ "$(python3 -c "import sqlite3,sys; print(sqlite3.connect('file:$work/run/cohort.db?mode=ro', uri=True).execute('select count(*) from results').fetchone()[0])" 2>/dev/null || echo 0)" -gt 200 ] && break
  sleep 1
done

$cohort dashboard "$work/run" --port 0 > "$work/dash.log" 2>&1 &
dash_pid=$!
if [ -n "$baseline" ]; then
  dotnet "$baseline" dashboard "$work/run" --port 0 > "$work/base.log" 2>&1 &
  base_pid=$!
fi
sleep 20 # start-up (JIT, first read of the stored rows) is not part of following
ticks() { if [ -n "$1" ]; then awk '{print $14 + $15}' "/proc/$1/stat"; else echo 0; fi; }
rss_mb() { if [ -n "$1" ]; then awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$1/status"; else echo 0; fi; }
rows() { python3 -c "import sqlite3; print(sqlite3.connect('file:$work/run/cohort.db?mode=ro', uri=True).execute('select count(*) from results').fetchone()[0])"; }
hz=$(getconf CLK_TCK)
t0=$(ticks $dash_pid); b0=$(ticks "$base_pid"); r0=$(rows); s0=$(date +%s.%N)
sleep "$window"
t1=$(ticks $dash_pid); b1=$(ticks "$base_pid"); r1=$(rows); s1=$(date +%s.%N)
m1=$(rss_mb $dash_pid); mb=$(rss_mb "$base_pid")
kill -0 $run_pid 2>/dev/null || { echo "the run ended during the window: lengthen its steps" >&2; exit 1; }
python3 - "$t0" "$t1" "$s0" "$s1" "$r0" "$r1" "$hz" "$m1" "$b0" "$b1" "$mb" "$baseline" <<'PY'
import json, sys
t0, t1, s0, s1, r0, r1, hz, m1, b0, b1, mb = (float(x) for x in sys.argv[1:12])
wall = s1 - s0
out = {"population": 200, "window_s": round(wall, 1), "results_stored_in_window": int(r1 - r0),
       "results_per_s": round((r1 - r0) / wall, 1), "dashboard_cpu_s": round((t1 - t0) / hz, 2),
       "dashboard_cpu_percent_of_one_core": round(100 * (t1 - t0) / hz / wall, 2), "dashboard_rss_mb": int(m1)}
if sys.argv[12]:
    out.update({"baseline_cpu_s": round((b1 - b0) / hz, 2),
                "baseline_cpu_percent_of_one_core": round(100 * (b1 - b0) / hz / wall, 2), "baseline_rss_mb": int(mb)})
print(json.dumps(out))
PY
