#!/usr/bin/env python3
"""Tables for EXPERIMENTS.md sec. 11 (paper 002's translation, examples/nmt-pbt.yaml) from finished experiment folders.

usage: nmt_table.py runs/nmt-s1 runs/nmt-s2 runs/nmt-s3

Per run and seed: the summary's best member (best final validation BLEU, its test BLEU), the best evaluation BLEU
in the population at steps 100, 200 and 300 (BLEU over steps), the population's mean final BLEU and how many members
end below 0.5; then the mean and standard deviation over seeds.
"""
import csv
import json
import statistics
import sys
from collections import defaultdict

STEPS = (100, 200, 300)


def rows(folder):
    summary = json.load(open(f"{folder}/summary.json"))
    at = defaultdict(lambda: defaultdict(dict))  # run -> step -> member -> score
    for e in csv.DictReader(open(f"{folder}/events.csv")):
        if e["kind"] == "evaluation" and e["score"]:
            at[e["run"]][int(e["step"])][int(e["member"])] = float(e["score"])
    for run in summary["runs"]:
        name = run["name"]
        last = max(at[name])
        final = list(at[name][last].values())
        yield name, summary["seed"], {
            "best final": run["best"]["score"],
            "its test": run["best"]["test_score"],
            **{f"best @{s}": max(at[name][s].values()) for s in STEPS},
            "mean final": statistics.mean(final),
            "below 0.5": sum(1 for x in final if x < 0.5),
        }


def main(folders):
    table = [r for f in folders for r in rows(f)]
    columns = list(table[0][2])
    print("| run | seed | " + " | ".join(columns) + " |")
    print("| --- | --- |" + " --- |" * len(columns))
    for name, seed, values in sorted(table, key=lambda r: (r[0], r[1])):
        print(f"| {name} | {seed} | " + " | ".join(f"{values[c]:.4f}" if isinstance(values[c], float) else str(values[c]) for c in columns) + " |")
    print()
    print("| run | " + " | ".join(columns) + " |")
    print("| --- |" + " --- |" * len(columns))
    for name in dict.fromkeys(r[0] for r in table):
        cells = []
        for c in columns:
            xs = [r[2][c] for r in table if r[0] == name]
            sd = statistics.stdev(xs) if len(xs) > 1 else 0.0
            cells.append(f"{statistics.mean(xs):.4f} ± {sd:.4f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
