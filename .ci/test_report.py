#!/usr/bin/env python3
"""Reads the .trx files `dotnet test --logger trx` wrote into a folder and prints, for CI logs:
the skipped tests grouped by the reason they gave, and the slowest tests with their durations.
Usage: python3 .ci/test_report.py RESULTS_DIR [--slowest N]"""
import argparse, glob, os, sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def seconds(duration):
    h, m, s = duration.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("--slowest", type=int, default=10)
    a = p.parse_args()
    results, skipped = [], {}
    for path in sorted(glob.glob(os.path.join(a.results, "**", "*.trx"), recursive=True)):
        for r in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", NS):
            name, outcome = r.get("testName"), r.get("outcome")
            if outcome == "NotExecuted":
                message = r.find("t:Output/t:ErrorInfo/t:Message", NS)
                reason = (message.text or "").strip() if message is not None else "(no reason given)"
                skipped.setdefault(reason, []).append(name)
            elif r.get("duration"):
                results.append((seconds(r.get("duration")), outcome, name))
    if skipped:
        print(f"Skipped tests ({sum(len(v) for v in skipped.values())}), by reason:")
        for reason, names in sorted(skipped.items(), key=lambda kv: -len(kv[1])):
            print(f"  {len(names)} x {reason}")
            for n in sorted(names)[:3]:
                print(f"      e.g. {n}")
    if results:
        print(f"The {min(a.slowest, len(results))} slowest tests:")
        for s, outcome, name in sorted(results, reverse=True)[: a.slowest]:
            print(f"  {s:7.1f} s  {outcome:<7} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
