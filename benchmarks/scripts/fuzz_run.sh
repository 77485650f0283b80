#!/usr/bin/env bash
# Issue 13's bar: N mutated example specs (default 1,000) through `cohort run` (in-process, CohortApp.RunAsync: the
# same code path as the command), each capped at S seconds (default 20). Spec i is a pure function of (SEED, i)
# (tests/Cohort.Cli.Tests/SpecFuzzer.cs: an example shrunk to a small budget, then changed in one to three places).
# Writes one line per spec to LOG (exit code, seconds, TRACE when a stack trace was printed, INTERNAL when
# "internal error" was, the changes, the first error line), followed by the whole output and YAML of every spec that
# ended otherwise than 0, 2 or stopped at the cap (130); then prints the tally. The bar: 0 exits other than 0 or 2 (130
# = stopped at the cap) and 0 stack traces. With ../shared/data present (or COHORT_DATA), the examples that train on
# Boston and MNIST are mutated too. FIRST skips to spec FIRST (to continue a stopped sweep with the same specs).
# COHORT_FUZZ_EXAMPLES=TEXT mutates only the examples whose file name contains TEXT (e.g. rl-).
# Usage: benchmarks/scripts/fuzz_run.sh [N] [S] [SEED] [LOG] [FIRST]
set -euo pipefail
cd "$(dirname "$0")/../.."
log="${4:-fuzz-run.log}"
case "$log" in /*) ;; *) log="$PWD/$log" ;; esac
export COHORT_FUZZ_SPECS="${1:-1000}" COHORT_FUZZ_SECONDS="${2:-20}" COHORT_FUZZ_SEED="${3:-13}" COHORT_FUZZ_LOG="$log" \
  COHORT_FUZZ_FIRST="${5:-0}"
nice -n 10 dotnet build tests/Cohort.Cli.Tests -c Release -v q --nologo >/dev/null
nice -n 10 dotnet test tests/Cohort.Cli.Tests -c Release --no-build \
  --filter "FullyQualifiedName~SpecFuzzTests.Run_Should" --logger "console;verbosity=detailed" 2>&1 | grep -E "mutated specs|Passed!|Failed!" || true
lines=$(grep -c '^spec ' "$log" || true)
echo "$lines specs in $log"
grep '^spec ' "$log" | cut -f2 | sort | uniq -c
echo "stack traces: $(grep -c $'^spec .*\tTRACE\t' "$log" || true); internal errors: $(grep -c $'\tINTERNAL\t' "$log" || true)"
