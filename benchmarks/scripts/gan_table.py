#!/usr/bin/env python3
"""Tabulates examples/gan-mnist.yaml runs: per experiment directory and run, the best and the mean validation
Inception score of the members at each evaluated step, and the best member at the end (its test draw and learning
rates, from summary.json). Usage: gan_table.py RUNDIR [RUNDIR ...] (directories written by `cohort-torch run`)."""
import collections
import csv
import json
import os
import sys


def main(dirs):
    print("| experiment, run | step: best / mean | final best (test) | its learning rates (g, d) |")
    print("|---|---|---:|---|")
    for d in dirs:
        summary = json.load(open(os.path.join(d, "summary.json")))
        scores = collections.defaultdict(lambda: collections.defaultdict(list))
        with open(os.path.join(d, "events.csv"), newline="") as f:
            for row in csv.DictReader(f):
                if row["kind"] == "evaluation" and row["outcome"] == "completed":
                    scores[row["run"]][int(row["step"])].append(float(row["score"]))
        for run in summary["runs"]:
            by_step = scores[run["name"]]
            steps = " ".join(f"{s}: {max(v):.2f} / {sum(v) / len(v):.2f}" for s, v in sorted(by_step.items()))
            best = run["best"]
            h = best["hyperparameters"]
            print(f"| {os.path.basename(d.rstrip('/'))}, {run['name']} | {steps} | {best['score']:.2f} ({best['test_score']:.2f}) "
                  f"| {h.get('learning_rate_g', float('nan')):.2e}, {h.get('learning_rate_d', float('nan')):.2e} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
