#!/usr/bin/env python3
"""Per-individual time to target of a topology-mode GA run (paper 004 sec. 4.2.3 rule: the target counts as reached at
the second of two successive evaluations meeting it), read from a run's cohort.db.

Usage: python3 benchmarks/scripts/ga_topology_times.py OUT_DIR [--target 0.97] [--run NAME]
Prints one JSON line per individual: member, generation, shape + training hyperparameters, steps to target, training
seconds to target (sum of the trainable's train_seconds), forward multiply-adds to target (train_cost), and whether
it reached the target; then a JSON summary grouped by hyperparameters (mean seconds and steps over the repeats).
"""
import argparse, json, os, sqlite3, statistics


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--target", type=float, default=0.97)
    ap.add_argument("--run", default=None)
    a = ap.parse_args()
    db = sqlite3.connect(os.path.join(a.out, "cohort.db"))
    rows = db.execute("SELECT run, member, start_step, end_step, outcome, json FROM results ORDER BY id").fetchall()
    individuals = {}
    order = []
    for run, member, start, end, outcome, text in rows:
        if a.run and run != a.run or outcome == "failed":
            continue
        r = json.loads(text)
        task = r["task"]
        if start == 0 and task.get("from") is None:
            key = (run, member, len(order))
            individuals[(run, member)] = {"key": key, "h": task["hyperparameters"], "generation": task["generation"], "evals": []}
            order.append(individuals[(run, member)])
        ind = individuals[(run, member)]
        v = r.get("validation", {})
        ind["evals"].append((end, v.get("accuracy", float("nan")), v.get("train_seconds", 0.0), v.get("train_cost", 0.0)))
    groups = {}
    for ind in order:
        steps = secs = cost = None
        run_len, t_s, t_c = 0, 0.0, 0.0
        for end, acc, s, c in ind["evals"]:
            t_s += s
            t_c += c
            run_len = run_len + 1 if acc >= a.target else 0
            if run_len >= 2:
                steps, secs, cost = end, t_s, t_c
                break
        h = {k: (v if not isinstance(v, dict) else v.get("number", v)) for k, v in ind["h"].items()}
        line = {"member": ind["key"][1], "generation": ind["generation"], "hyperparameters": h, "reached": steps is not None,
                "steps_to_target": steps, "seconds_to_target": None if secs is None else round(secs, 2), "cost_to_target": cost}
        print(json.dumps(line))
        g = groups.setdefault(json.dumps(h, sort_keys=True), {"steps": [], "seconds": [], "missed": 0})
        if steps is None:
            g["missed"] += 1
        else:
            g["steps"].append(steps)
            g["seconds"].append(secs)
    summary = []
    for h, g in groups.items():
        summary.append({"hyperparameters": json.loads(h), "runs": len(g["steps"]) + g["missed"], "missed": g["missed"],
                        "mean_steps": statistics.mean(g["steps"]) if g["steps"] else None,
                        "mean_seconds": round(statistics.mean(g["seconds"]), 2) if g["seconds"] else None,
                        "seconds": [round(s, 2) for s in g["seconds"]]})
    print(json.dumps({"target": a.target, "groups": summary}))


if __name__ == "__main__":
    main()
