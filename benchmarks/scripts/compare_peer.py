#!/usr/bin/env python3
"""One side-by-side run of Cohort's engine benchmark and the PyTorch peer on this machine, as a Markdown table.

Usage (from the repository root; needs Debian's python3-torch and libopenblas0-openmp):
    python3 benchmarks/scripts/compare_peer.py [--seconds 3]
Runs `dotnet run -c Release --project benchmarks/Cohort.Benchmarks -- throughput` and
`/usr/bin/python3 ../shared/peers/throughput.py` one after the other and prints both JSON objects and the ratios.
"""
import argparse, json, os, subprocess

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--peer", default="../shared/peers/throughput.py")
    a = ap.parse_args()
    s = str(a.seconds)
    ours = json.loads(subprocess.run(
        ["dotnet", "run", "-c", "Release", "--project", "benchmarks/Cohort.Benchmarks", "--", "throughput", "--seconds", s],
        check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    # This workplace sets OPENBLAS_CORETYPE=Haswell and OPENBLAS_L2_SIZE for old OpenBLAS builds; they slow the peer
    # down. Unset both for the peer alone, so the peer script picks its best kernel (CooperLake on AVX-512 BF16 CPUs).
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    peer = json.loads(subprocess.run(["/usr/bin/python3", a.peer, "--seconds", s],
        check=True, capture_output=True, text=True, env=env).stdout.strip().splitlines()[-1])
    print("cohort:", json.dumps(ours))
    print("peer:  ", json.dumps(peer))
    print()
    print(f"peer: {peer.get('peer')} ({peer.get('blas')})")
    print()
    print("| case | threads | Cohort samples/s | PyTorch samples/s | ratio | Cohort GFLOP/s | PyTorch GFLOP/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    pc = {(c["case"], c["threads"]): c for c in peer["cases"]}
    for c in ours["cases"]:
        p = pc.get((c["case"], c["threads"]))
        if p:
            print(f"| {c['case']} | {c['threads']} | {c['samples_per_second']:,.0f} | {p['samples_per_second']:,.0f} | "
                  f"{c['samples_per_second'] / p['samples_per_second']:.2f}x | {c['gflops']:.1f} | {p['gflops']:.1f} |")
    print()
    print("| GEMM n | threads | Cohort GFLOP/s | PyTorch GFLOP/s | ratio |")
    print("|---:|---:|---:|---:|---:|")
    pg = {(g["n"], g["threads"]): g for g in peer["gemm"]}
    for g in ours["gemm"]:
        p = pg.get((g["n"], g["threads"]))
        if p:
            print(f"| {g['n']} | {g['threads']} | {g['gflops']:.1f} | {p['gflops']:.1f} | {g['gflops'] / p['gflops']:.2f} |")

if __name__ == "__main__":
    main()
