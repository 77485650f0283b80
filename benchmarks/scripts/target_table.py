#!/usr/bin/env python3
"""Tabulates the time to the objective's target of experiments run by `cohort run` (one directory per seed).

Usage: python3 target_table.py DIR [DIR ...]

Each DIR holds summary.json and events.csv of a spec with `objective.target` (for example examples/rl-cartpole.yaml run
with --seed 1, 2, 3). One row per run and directory; times are the steps the whole run had trained (population x the
member step when members advance together), as summary.json's `time_to_target` gives them:
  first       some member's validation evaluation meets the target (one lucky evaluation is enough)
  successive  one member meets it on two successive evaluations (paper 004)
  sustained   from then on some member meets it at every evaluation to the end
  pop. mean   the members' mean meets it
Then the population at the end: its mean validation value, how many members meet the target, and the test value
(evaluated after each member's last task) of the summary's best member and the mean over all members.
"""

import csv
import json
import os
import sys


def fmt(point):
    return "never" if point is None else f"{point['total_steps']:,}"


def main():
    rows = []
    for directory in sys.argv[1:]:
        with open(os.path.join(directory, "summary.json")) as f:
            summary = json.load(f)
        maximize = summary["objective"]["mode"] == "maximize"
        last = {}
        with open(os.path.join(directory, "events.csv")) as f:
            for row in csv.DictReader(f):
                if row["kind"] == "evaluation" and row["outcome"] == "completed":
                    key = (row["run"], int(row["member"]))
                    if key not in last or int(row["step"]) >= last[key][0]:
                        last[key] = (int(row["step"]), float(row["score"]), float(row["test_score"]) if row["test_score"] else None)
        for run in summary["runs"]:
            times = run.get("time_to_target")
            if times is None:
                sys.exit(f"{directory}: run {run['name']} has no time_to_target; set objective.target in the spec")
            target = times["target"]
            finals = [v for (name, _), v in last.items() if name == run["name"]]
            scores = [s for _, s, _ in finals]
            tests = [t for _, _, t in finals if t is not None]
            meets = sum(1 for s in scores if (s >= target if maximize else s <= target))
            best = run.get("best") or {}
            rows.append((run["name"], summary["seed"], fmt(times["first"]), fmt(times["successive"]), fmt(times["sustained"]),
                         fmt(times["population_mean"]), sum(scores) / len(scores), f"{meets}/{len(scores)}",
                         best.get("test_score"), sum(tests) / len(tests) if tests else None))
    rows.sort(key=lambda r: (r[0], r[1]))
    print("| run | seed | first | successive | sustained | pop. mean | final mean | final meeting | best's test | mean test |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        best_test = "—" if r[8] is None else f"{r[8]:.1f}"
        mean_test = "—" if r[9] is None else f"{r[9]:.1f}"
        print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} | {r[6]:.1f} | {r[7]} | {best_test} | {mean_test} |")


if __name__ == "__main__":
    main()
