#!/usr/bin/env python3
"""Runs examples/fire-noisy-quadratic.yaml (PBT vs FIRE PBT at equal workers and steps) over seeds and prints a table:
per seed and run, the final loss of the best member (summary.json "best.score": the member whose last evaluation is
best), the step at which that member's schedule first decays the learning rate (the first schedule segment whose lr
is at most half the largest lr earlier in the schedule) and its lr at mid-training. Then mean and spread per run.

Usage (from the repository root, after `dotnet build -c Release src/Cohort.Cli -o /tmp/cohort-cli`):
    python3 benchmarks/scripts/fire_seeds.py [--seeds 5] [--cli /tmp/cohort-cli/cohort] [--spec ...] [--reuse]
Ends with one JSON line with the same numbers.
"""
import argparse, json, os, statistics, subprocess, sys


def decay_step(schedule):
    peak = 0.0
    for seg in schedule:
        lr = seg["hyperparameters"]["lr"]
        if peak > 0 and lr <= 0.5 * peak:
            return seg["step"]
        peak = max(peak, lr)
    return None


def lr_at(schedule, step):
    lr = schedule[0]["hyperparameters"]["lr"]
    for seg in schedule:
        if seg["step"] <= step:
            lr = seg["hyperparameters"]["lr"]
    return lr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--out", default="/tmp/fire-seeds")
    ap.add_argument("--cli", default=os.path.join("src", "Cohort.Cli", "bin", "Release", "net10.0", "cohort"))
    ap.add_argument("--spec", default=os.path.join("examples", "fire-noisy-quadratic.yaml"))
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--reuse", action="store_true", help="read the outputs of an earlier call instead of running again")
    a = ap.parse_args()
    rows = []
    for seed in range(a.first_seed, a.first_seed + a.seeds):
        out = os.path.join(a.out, str(seed))
        if not a.reuse:
            subprocess.run(["rm", "-rf", out], check=True)
            subprocess.run([a.cli, "run", a.spec, "--out", out, "--seed", str(seed), "--workers", str(a.workers)],
                           check=True, stdout=subprocess.DEVNULL)
        summary = json.load(open(os.path.join(out, "summary.json")))
        steps = None
        for r in summary["runs"]:
            best = r["best"]
            steps = r["steps_per_member"]
            rows.append({"seed": seed, "run": r["name"], "method": r["method"], "final_loss": best["score"],
                         "decay_step": decay_step(best["schedule"]), "lr_mid": lr_at(best["schedule"], steps // 2),
                         "wall_seconds": r["wall_seconds"], "total_steps": r["total_steps"]})
        print(f"seed {seed} done", file=sys.stderr)

    names = list(dict.fromkeys(r["run"] for r in rows))
    print(f"{'seed':>4}  " + "  ".join(f"{n + ' loss':>12} {n + ' decay@':>11} {n + ' lr@mid':>11}" for n in names))
    for seed in sorted({r["seed"] for r in rows}):
        cells = []
        for n in names:
            r = next(x for x in rows if x["seed"] == seed and x["run"] == n)
            cells.append(f"{r['final_loss']:12.6f} {str(r['decay_step']):>11} {r['lr_mid']:11.4f}")
        print(f"{seed:>4}  " + "  ".join(cells))
    result = {}
    for n in names:
        losses = [r["final_loss"] for r in rows if r["run"] == n]
        decays = [r["decay_step"] if r["decay_step"] is not None else steps for r in rows if r["run"] == n]
        result[n] = {"final_loss_mean": statistics.mean(losses),
                     "final_loss_sd": statistics.stdev(losses) if len(losses) > 1 else 0.0,
                     "final_loss_min": min(losses), "final_loss_max": max(losses),
                     "decay_step_mean": statistics.mean(decays),
                     "wall_seconds_mean": statistics.mean(r["wall_seconds"] for r in rows if r["run"] == n),
                     "total_steps": rows[[r["run"] for r in rows].index(n)]["total_steps"]}
        print(f"{n:>6}: final loss {result[n]['final_loss_mean']:.6f} +- {result[n]['final_loss_sd']:.6f} (sd; "
              f"min {result[n]['final_loss_min']:.6f}, max {result[n]['final_loss_max']:.6f}), first decay at step "
              f"{result[n]['decay_step_mean']:.0f} on average")
    if len(names) == 2:
        a_, b_ = names
        wins = sum(1 for s in {r["seed"] for r in rows}
                   if next(x for x in rows if x["seed"] == s and x["run"] == b_)["final_loss"]
                   < next(x for x in rows if x["seed"] == s and x["run"] == a_)["final_loss"])
        print(f"{b_} lower than {a_} on {wins}/{len({r['seed'] for r in rows})} seeds")
    print(json.dumps({"seeds": a.seeds, "spec": a.spec, "rows": rows, "runs": result}))


if __name__ == "__main__":
    main()
