#!/usr/bin/env python3
"""Runs examples/ga-crossover.yaml (GA-PBT with crossover vs PBT on the synthetic separable problem) over seeds and
prints, per run, the population-wide training steps spent until any member first scores >= the target, and the final
best score. Each seed is also a different hidden optimum of the problem.

Usage (from the repository root, after `dotnet build -c Release src/Cohort.Cli`):
    python3 benchmarks/scripts/ga_crossover.py [--seeds 5] [--target 0.9] [--spec examples/ga-crossover.yaml] [--reuse] [--keep]
Prints one JSON object: {"seeds": N, "target": t, "runs": {name: {"reached": k, "total_steps_mean": ...,
"total_steps_median": ..., "total_steps_mean_with_budget": ..., "total_steps_sd_with_budget": ...,
"final_best_mean": ..., "final_best_min": ..., "final_best_sd": ..., "per_seed": [[total steps or null, final best], ...]}}}
(sd: the sample standard deviation over seeds, 0 with one seed).
"Total steps" sums the steps of every task (all members) whose evaluation came at or before the first evaluation
>= target (the runs are synchronous, so this is population x steps); a seed that never reaches the target counts
as the run's whole budget in "total_steps_mean_with_budget" and is left out of "total_steps_mean".
"""
import argparse, csv, json, os, statistics, subprocess, sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--out", default="/tmp/ga-crossover")
    ap.add_argument("--target", type=float, default=0.9)
    ap.add_argument("--spec", default=os.path.join("examples", "ga-crossover.yaml"))
    ap.add_argument("--reuse", action="store_true", help="read the outputs of an earlier call instead of running again")
    ap.add_argument("--keep", action="store_true", help="run only the seeds without a summary.json in --out (add seeds to an earlier call)")
    ap.add_argument("--cli", default=os.path.join("src", "Cohort.Cli", "bin", "Release", "net10.0", "cohort.dll"),
                    help="the built cohort.dll (e.g. a copy made with dotnet build -c Release -o DIR)")
    a = ap.parse_args()
    cli = a.cli
    per_run = {}
    for seed in range(a.seeds):
        out = os.path.join(a.out, str(seed))
        if not a.reuse and not (a.keep and os.path.exists(os.path.join(out, "summary.json"))):
            subprocess.run(["rm", "-rf", out], check=True)
            subprocess.run(["dotnet", cli, "run", a.spec, "--out", out, "--seed", str(seed)],
                           check=True, stdout=subprocess.DEVNULL)
        evaluations = {}
        with open(os.path.join(out, "events.csv")) as f:
            for row in csv.DictReader(f):
                if row["kind"] != "evaluation" or not row["score"]:
                    continue
                evaluations.setdefault(row["run"], []).append((int(row["step"]), float(row["score"])))
        summary = json.load(open(os.path.join(out, "summary.json")))
        for r in summary["runs"]:
            name = r["name"]
            evs = evaluations.get(name, [])
            steps_per_task = min(s for s, _ in evs) if evs else 0
            budget = steps_per_task * len(evs)
            hits = [s for s, q in evs if q >= a.target]
            d = per_run.setdefault(name, {"method": r["method"], "steps": [], "steps_budget": [], "final": [], "hit": []})
            d["final"].append(r["best"]["score"])
            d["hit"].append(bool(hits))
            if hits:
                first = min(hits)
                total = steps_per_task * sum(1 for s, _ in evs if s <= first)
                d["steps"].append(total)
                d["steps_budget"].append(total)
            else:
                d["steps_budget"].append(budget)
        print(f"seed {seed} done", file=sys.stderr)
    result = {}
    for name, d in per_run.items():
        result[name] = {
            "method": d["method"],
            "reached": len(d["steps"]),
            "total_steps_mean": round(statistics.mean(d["steps"]), 1) if d["steps"] else None,
            "total_steps_median": statistics.median(d["steps"]) if d["steps"] else None,
            "total_steps_mean_with_budget": round(statistics.mean(d["steps_budget"]), 1),
            "final_best_mean": round(statistics.mean(d["final"]), 5),
            "final_best_min": round(min(d["final"]), 5),
            "total_steps_sd_with_budget": round(statistics.stdev(d["steps_budget"]), 1) if len(d["steps_budget"]) > 1 else 0.0,
            "final_best_sd": round(statistics.stdev(d["final"]), 5) if len(d["final"]) > 1 else 0.0,
            "per_seed": [[t if h else None, round(f, 5)] for t, f, h in zip(d["steps_budget"], d["final"], d["hit"])],
        }
    print(json.dumps({"seeds": a.seeds, "target": a.target, "spec": a.spec, "runs": result}))


if __name__ == "__main__":
    main()
