#!/usr/bin/env python3
"""PB2 against PBT over seeds (EXPERIMENTS.md, PB2 section): runs a spec whose runs are named pbt-N and pb2-N with
`cohort run --seed S` for each seed, then prints each run's best validation objective (the summary's best member) and
its test objective per seed, the mean and sample standard deviation, and on how many seeds PB2-N beats PBT-N.
Usage: python3 benchmarks/scripts/pb2_seeds.py --spec examples/pb2-noisy-quadratic.yaml --seeds 5 --cli PATH/cohort
       [--first-seed 0] [--data-dir ../shared/data] [--out runs/pb2-seeds]"""
import argparse
import json
import os
import statistics
import subprocess

parser = argparse.ArgumentParser()
parser.add_argument("--spec", required=True)
parser.add_argument("--seeds", type=int, default=5)
parser.add_argument("--first-seed", type=int, default=0)
parser.add_argument("--cli", default="cohort")
parser.add_argument("--data-dir", default="../shared/data")
parser.add_argument("--out", default="runs/pb2-seeds")
args = parser.parse_args()

name = os.path.splitext(os.path.basename(args.spec))[0]
scores = {}
for seed in range(args.first_seed, args.first_seed + args.seeds):
    out = os.path.join(args.out, "%s-s%d" % (name, seed))
    if not os.path.exists(os.path.join(out, "summary.json")):
        subprocess.run([args.cli, "run", args.spec, "--seed", str(seed), "--out", out, "--data-dir", args.data_dir],
                       check=True, stdout=subprocess.DEVNULL)
    summary = json.load(open(os.path.join(out, "summary.json")))
    for run in summary["runs"]:
        best = run["best"]
        scores.setdefault(run["name"], {})[seed] = (best["score"], best.get("test_score"), run["wall_seconds"])

seeds = list(range(args.first_seed, args.first_seed + args.seeds))
print("| run | " + " | ".join("seed %d" % s for s in seeds) + " | val mean ± sd | test mean ± sd |")
print("|---|" + "---:|" * (len(seeds) + 2))
for run, by_seed in scores.items():
    val = [by_seed[s][0] for s in seeds]
    test = [by_seed[s][1] for s in seeds if by_seed[s][1] is not None]
    cells = " | ".join("%.4g (%.4g)" % (by_seed[s][0], by_seed[s][1] if by_seed[s][1] is not None else float("nan")) for s in seeds)
    sd = lambda xs: statistics.stdev(xs) if len(xs) > 1 else 0.0
    tests = "%.4g ± %.2g" % (statistics.mean(test), sd(test)) if test else "-"
    print("| %s | %s | %.4g ± %.2g | %s |" % (run, cells, statistics.mean(val), sd(val), tests))

for run in scores:
    if run.startswith("pb2-") and ("pbt-" + run[4:]) in scores:
        other = scores["pbt-" + run[4:]]
        wins = sum(1 for s in seeds if scores[run][s][0] < other[s][0])
        print("%s beats pbt-%s on validation on %d of %d seeds (lower is better)" % (run, run[4:], wins, len(seeds)))
