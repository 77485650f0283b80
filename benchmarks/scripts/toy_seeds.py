#!/usr/bin/env python3
"""Runs examples/toy.yaml over many seeds and prints, per run, the steps to reach Q >= 1.19 and the final best Q.

Usage (from the repository root, after `dotnet build -c Release src/Cohort.Cli`):
    python3 benchmarks/scripts/toy_seeds.py [--seeds 30] [--out /tmp/toy-seeds]
Prints one JSON object: {"seeds": N, "runs": {name: {"reached": k, "steps_median": ..., "steps_mean": ..., "final_q_mean": ..., "final_q_min": ...}}}.
"Steps" counts one member's steps: the first evaluation (at any member) with Q >= 1.19.
"""
import argparse, csv, json, os, statistics, subprocess, sys

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--out", default="/tmp/toy-seeds")
    ap.add_argument("--threshold", type=float, default=1.19)
    a = ap.parse_args()
    cli = os.path.join("src", "Cohort.Cli", "bin", "Release", "net10.0", "cohort.dll")
    per_run = {}
    for seed in range(a.seeds):
        out = os.path.join(a.out, str(seed))
        subprocess.run(["rm", "-rf", out], check=True)
        subprocess.run(["dotnet", cli, "run", "examples/toy.yaml", "--out", out, "--seed", str(seed)],
                       check=True, stdout=subprocess.DEVNULL)
        first, final = {}, {}
        with open(os.path.join(out, "events.csv")) as f:
            for row in csv.DictReader(f):
                if row["kind"] != "evaluation" or not row["score"]:
                    continue
                run, step, q = row["run"], int(row["step"]), float(row["score"])
                if q >= a.threshold and (run not in first or step < first[run]):
                    first[run] = step
        summary = json.load(open(os.path.join(out, "summary.json")))
        for r in summary["runs"]:
            d = per_run.setdefault(r["name"], {"steps": [], "final": []})
            d["final"].append(r["best"]["score"])
            if r["name"] in first:
                d["steps"].append(first[r["name"]])
        print(f"seed {seed} done", file=sys.stderr)
    result = {}
    for name, d in per_run.items():
        result[name] = {
            "reached": len(d["steps"]),
            "steps_median": statistics.median(d["steps"]) if d["steps"] else None,
            "steps_mean": round(statistics.mean(d["steps"]), 1) if d["steps"] else None,
            "final_q_mean": round(statistics.mean(d["final"]), 5),
            "final_q_min": round(min(d["final"]), 5),
        }
    print(json.dumps({"seeds": a.seeds, "threshold": a.threshold, "runs": result}))

if __name__ == "__main__":
    main()
