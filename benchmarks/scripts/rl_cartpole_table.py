#!/usr/bin/env python3
"""Tabulates the CartPole-v1 Deep Double Sarsa runs printed by benchmarks/Cohort.Benchmarks.Rl.

Usage: python3 rl_cartpole_table.py RESULT.json [MORE.json ...]

Columns (total environment steps = population x the member step, every member having trained that long):
  first     some member's validation return (10 greedy episodes) >= 475
  twice     ... on two successive evaluations of one member (paper 004)
  confirmed ... and its 100-episode test return >= 475 as well
  stays     the population's best validation return is >= 475 at every later evaluation
  final mean / solved: the population's mean validation return after the last task, and how many members are >= 475
"""

import json
import sys


def fmt(steps):
    return "never" if steps is None else f"{steps:,}"


def stays(run, population, ready):
    curve = run["best_curve"]
    for i in range(len(curve)):
        if all(v >= 475 for v in curve[i:]):
            return (i + 1) * ready * population
    return None


def main():
    rows = []
    for path in sys.argv[1:]:
        with open(path) as f:
            report = json.load(f)
        for run in report["runs"]:
            rows.append((run["method"], run["seed"], run["steps_to_target"], run["steps_to_target_twice"],
                         run["steps_to_confirmed_target"], stays(run, report["population"], report["ready_interval"]),
                         run["final_mean"], run["final_solved"], report["population"], run["exploits"]))
    rows.sort(key=lambda r: (r[0], r[1]))
    print("| method | seed | first | twice | confirmed (100 ep.) | stays solved | final mean | final solved | exploits |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for m, seed, first, twice, confirmed, stay, mean, solved, pop, exploits in rows:
        print(f"| {m} | {seed} | {fmt(first)} | {fmt(twice)} | {fmt(confirmed)} | {fmt(stay)} | {mean:.1f} | {solved}/{pop} | {exploits} |")


if __name__ == "__main__":
    main()
