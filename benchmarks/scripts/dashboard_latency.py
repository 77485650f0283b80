#!/usr/bin/env python3
"""Stored-to-streamed latency of `cohort dashboard` on a real run (issue 17's bar: a new evaluation within 2 s).

While `cohort run SPEC --out DIR` writes DIR/cohort.db and `cohort dashboard DIR --port PORT` serves it, this script
(1) polls the database read-only every 20 ms and notes when each result id first becomes visible (its commit, within
20 ms), and (2) reads the dashboard's event stream and notes when each id arrives. It prints one JSON line with the
latency percentiles over the ids seen both ways. Usage:
    benchmarks/scripts/dashboard_latency.py DIR PORT [SECONDS]
    benchmarks/scripts/dashboard_latency.py postgresql://... PORT SECONDS EXPERIMENT
With a PostgreSQL URL (`cohort dashboard --storage URL` following `cohort worker` processes) the experiment's result
ids are read with `psql` every 20 ms plus psql's start-up, so commit times are known only to that resolution.
The browser test (tests/Cohort.Dashboard.Tests/Browser) measures the same up to the page itself.
"""
import http.client
import json
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

directory, port = sys.argv[1], int(sys.argv[2])
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 30
experiment = sys.argv[4] if len(sys.argv) > 4 else None
postgres = directory.startswith(("postgresql://", "postgres://"))
committed, streamed = {}, {}
stop = time.time() + seconds


def stored_ids(last):
    if postgres:  # concurrent workers commit ids out of order: read them all
        query = "select id from cohort_results where experiment = :'e'"
        out = subprocess.run(["psql", "-d", directory, "-tA", "-v", "e=" + experiment], input=query,
                             capture_output=True, text=True, check=True).stdout
        return [int(i) for i in out.split()]
    return [i for (i,) in db.execute("select id from results where id > ?", (last,))]


def poll_database():
    global db
    if not postgres:
        db = sqlite3.connect(f"file:{directory}/cohort.db?mode=ro", uri=True)
    before = set(stored_ids(0))
    last = max(before, default=0)
    while time.time() < stop:
        now = time.time()
        for i in stored_ids(last):
            if i not in before:
                committed.setdefault(i, now)
            last = max(last, i)
        time.sleep(0.02)


def read_stream():
    experiments = json.loads(get("/api/experiments"))
    name = experiment or experiments[0]["name"]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=seconds + 10)
    connection.request("GET", "/api/stream?experiment=" + urllib.parse.quote(name))
    response = connection.getresponse()
    event = None
    while time.time() < stop:
        line = response.readline().decode().rstrip("\n")
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: ") and event == "evaluations":
            now = time.time()
            for row in json.loads(line[6:]):
                streamed.setdefault(row["id"], now)


def get(path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    return connection.getresponse().read()


threads = [threading.Thread(target=poll_database), threading.Thread(target=read_stream, daemon=True)]
for t in threads:
    t.start()
threads[0].join()
latencies = sorted(streamed[i] - committed[i] for i in committed if i in streamed)
if not latencies:
    sys.exit("no evaluation was stored and streamed during the window: is the run still training?")
pick = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 3)
print(json.dumps({"evaluations": len(latencies), "stored_not_streamed": len([i for i, t in committed.items() if i not in streamed and t < stop - 3]),
                  "latency_s": {"p50": pick(0.5), "p95": pick(0.95), "max": round(latencies[-1], 3)}}))
