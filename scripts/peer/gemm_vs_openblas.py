#!/usr/bin/python3
"""edp4j's CPU SGEMM next to OpenBLAS's at the workloads' shapes, interleaved in one run.

    scripts/peer/gemm_vs_openblas.py [--rounds 5] [--seconds 1] [--threads 2] [--jar jmh/target/benchmarks.jar]
                                     [--out bench-results/gemm-vs-openblas.md] [--java-opts "..."]

Each round runs one edp4j process (org.edp4j.jmh.PeerGemm: CpuBackend.gemm, NN, alpha 1, beta 0,
with --add-modules jdk.incubator.vector) and one peer process (this script with --peer: numpy's
float32 matmul, which calls OpenBLAS's sgemm, and torch.mm) over the same shapes, the order of the
two alternating from round to round, so that a neighbour's load hits both alike. Each process warms
up every shape for the measured time before measuring it. Prints and writes a markdown table:
median [min-max] GFLOP/s over the rounds and the median [min-max] of the per-round ratio
edp4j / OpenBLAS (numpy). GFLOP/s = 2 M N K per call over the time.

The peer runs /usr/bin/python3 with OMP_NUM_THREADS / OPENBLAS_NUM_THREADS = --threads,
OPENBLAS_CORETYPE = --coretype (SkylakeX by default: on the AMD Zen 5 build machine OpenBLAS 0.3.21
detects no known core and runs its AVX2 Haswell kernels, about half as fast as its AVX-512 ones), and
torch.set_num_threads(--threads); edp4j with -Dedp4j.threads=threads and
-Djava.util.concurrent.ForkJoinPool.common.parallelism = threads - 1 (the calling thread is the other one). scripts/peer/install-peer.sh installs the peer.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

SHAPES = ["256x784x512", "256x512x512", "256x512x10", "8192x256x768", "8192x256x256", "8192x256x1024",
          "8192x1024x256", "1024x1024x1024"]
WHAT = {
    "256x784x512": "mlp layer 1, batch 256",
    "256x512x512": "mlp layer 2, batch 256",
    "256x512x10": "mlp layer 3, batch 256",
    "8192x256x768": "encoder QKV (B T = 64 x 128)",
    "8192x256x256": "encoder attention output",
    "8192x256x1024": "encoder FFN in",
    "8192x1024x256": "encoder FFN out",
    "1024x1024x1024": "square",
}


def peer(seconds, threads, shapes, cpu_time):
    import numpy as np
    import torch
    torch.set_num_threads(threads)
    rng = np.random.default_rng(1)
    for s in shapes:
        m, k, n = (int(x) for x in s.split("x"))
        a = (rng.random((m, k), dtype=np.float32) * 2 - 1)
        b = (rng.random((k, n), dtype=np.float32) * 2 - 1)
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        out = {"shape": s}
        for name, f in (("numpy", lambda: a @ b), ("torch", lambda: torch.mm(ta, tb))):
            for rep in range(2):  # warm-up, then measure
                t0 = time.perf_counter()
                c0 = time.thread_time()
                calls = 0
                while True:
                    f()
                    calls += 1
                    now = time.perf_counter()
                    if now - t0 >= seconds:
                        break
            secs = time.thread_time() - c0 if cpu_time else now - t0
            out[name] = 2.0 * m * n * k * calls / secs / 1e9
        print(json.dumps(out), flush=True)


def run_java(args, shapes):
    cmd = ["java", "--add-modules", "jdk.incubator.vector", f"-Dedp4j.threads={args.threads}",
           f"-Djava.util.concurrent.ForkJoinPool.common.parallelism={max(1, args.threads - 1)}"]
    cmd += args.java_opts.split() if args.java_opts else []
    cmd += ["-Dpeer.cpuTime=true"] if args.cpu_time else []
    cmd += ["-cp", args.jar, "org.edp4j.jmh.PeerGemm", str(args.seconds)] + shapes
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return {d["shape"]: d for d in (json.loads(l) for l in res.stdout.splitlines() if l.startswith("{"))}


def run_peer(args, shapes):
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), OPENBLAS_NUM_THREADS=str(args.threads))
    if args.coretype:
        env["OPENBLAS_CORETYPE"] = args.coretype
    cmd = ["/usr/bin/python3", os.path.abspath(__file__), "--peer", "--seconds", str(args.seconds),
           "--threads", str(args.threads)] + (["--cpu-time"] if args.cpu_time else []) + shapes
    res = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    return {d["shape"]: d for d in (json.loads(l) for l in res.stdout.splitlines() if l.startswith("{"))}


def stat(v):
    return f"{statistics.median(v):.1f} [{min(v):.1f}-{max(v):.1f}]"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--peer", action="store_true", help="internal: run the numpy/torch side")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--jar", default="jmh/target/benchmarks.jar")
    ap.add_argument("--java-opts", default="")
    ap.add_argument("--out", default="bench-results/gemm-vs-openblas.md")
    ap.add_argument("--coretype", default="SkylakeX",
                    help="OPENBLAS_CORETYPE for the peer (default SkylakeX: OpenBLAS 0.3.21 picks its AVX2 Haswell "
                         "kernels on this AMD CPU, at half the AVX-512 kernels' speed; '' for its own choice)")
    ap.add_argument("--cpu-time", action="store_true",
                    help="with --threads 1: time by the thread's CPU time (a development aid on a loaded machine)")
    ap.add_argument("shapes", nargs="*", default=SHAPES)
    args = ap.parse_args()
    if args.cpu_time and args.threads != 1:
        ap.error("--cpu-time needs --threads 1")
    if args.peer:
        peer(args.seconds, args.threads, args.shapes, args.cpu_time)
        return
    load0 = open("/proc/loadavg").read().split()[:3]
    java, ob, tm = {}, {}, {}
    kernels = ""
    for r in range(args.rounds):
        order = (run_java, run_peer) if r % 2 == 0 else (run_peer, run_java)
        for f in order:
            res = f(args, args.shapes)
            for s, d in res.items():
                if "gflops" in d:
                    java.setdefault(s, []).append(d["gflops"])
                    kernels = d["kernels"]
                else:
                    ob.setdefault(s, []).append(d["numpy"])
                    tm.setdefault(s, []).append(d["torch"])
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)
    load1 = open("/proc/loadavg").read().split()[:3]
    clock = "thread CPU time" if args.cpu_time else "wall time"
    lines = [f"SGEMM GFLOP/s ({clock}) on {args.threads} thread(s), {args.rounds} rounds of {args.seconds:g} s per shape "
             f"(edp4j and the peer alternating), median [min-max]; load average {' '.join(load0)} at start, "
             f"{' '.join(load1)} at the end; edp4j: {kernels}; OpenBLAS: OPENBLAS_CORETYPE={args.coretype or '(unset)'}.", "",
             "| M x K x N | what | edp4j | OpenBLAS (numpy) | torch.mm | **edp4j / OpenBLAS** |",
             "|---|---|---:|---:|---:|---:|"]
    for s in args.shapes:
        ratios = [j / o for j, o in zip(java[s], ob[s])]
        lines.append(f"| {s} | {WHAT.get(s, '')} | {stat(java[s])} | {stat(ob[s])} | {stat(tm[s])} | "
                     f"**{statistics.median(ratios):.2f}** [{min(ratios):.2f}-{max(ratios):.2f}] |")
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
