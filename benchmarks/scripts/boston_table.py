#!/usr/bin/env python3
"""Per-run table for the Boston experiments (EXPERIMENTS.md): for each run, the member with the best final
validation objective (as `cohort show`), its validation and test objective and, from cohort.db, its final validation
and test MSE (which for the Keras protocol differ from the objective by the l1/l2 penalty), plus the best member's
final hyperparameters. Usage: python3 benchmarks/scripts/boston_table.py RUNDIR [RUNDIR ...]"""
import json
import sqlite3
import sys


def table(path):
    summary = json.load(open(path + "/summary.json"))
    db = sqlite3.connect(path + "/cohort.db")
    rows = []
    for run in summary["runs"]:
        best = run["best"]
        final = None
        for (text,) in db.execute("select json from results where run = ? and member = ? order by end_step desc limit 1",
                                  (run["name"], best["member"])):
            final = json.loads(text)
        h = final["task"]["hyperparameters"] if final else {}
        rows.append({
            "run": run["name"], "val": best["score"], "test": best.get("test_score"),
            "val_mse": final["validation"]["mse"] if final else None,
            "test_mse": final["test"].get("mse") if final else None,
            "wall": run["wall_seconds"],
            "h": {k: v for k, v in h.items() if k != "learning_rate"},
        })
    return rows


for path in sys.argv[1:]:
    print(path)
    for r in table(path):
        hs = " ".join("%s=%.3g" % kv for kv in sorted(r["h"].items()))
        print("  %-8s val %7.2f test %7.2f | val mse %7.2f test mse %7.2f | %5.1f s | %s"
              % (r["run"], r["val"], r["test"], r["val_mse"], r["test_mse"], r["wall"], hs))
