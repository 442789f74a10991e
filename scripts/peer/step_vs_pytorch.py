#!/usr/bin/python3
"""edp4j's ordinary and private steps next to PyTorch's ordinary step, alternating in one run.

    scripts/peer/step_vs_pytorch.py [--rounds 3] [--quick] [--no-tune] [--jar jmh/target/benchmarks.jar]
                                    [--out bench-results/peer] [--benchmarks FILE]

1. Installs the peer if missing (scripts/peer/install-peer.sh: Debian's python3-torch 1.13, OpenBLAS 0.3.21
   in its OpenMP and pthreads variants, tcmalloc).
2. Tunes PyTorch (unless --no-tune): for each headline case (mlp:256, text:256, encoder:64, 2 threads), a
   coordinate search over its threading and allocation setup, one short run per setup, keeping the fastest
   median step: OMP_WAIT_POLICY (unset, PASSIVE, ACTIVE), OMP_PROC_BIND/OMP_PLACES (unset, spread/cores),
   the OpenBLAS variant (openmp, pthread; chosen by LD_LIBRARY_PATH, the system's alternative is not
   touched), OPENBLAS_CORETYPE (SkylakeX, unset: OpenBLAS 0.3.21 picks its AVX2 Haswell kernels on this
   AMD CPU) and the allocator (tcmalloc by LD_PRELOAD, glibc: on this VM a first touch of fresh memory is
   expensive and glibc returns PyTorch's per-step activations to the system). Every setup tried goes to
   bench-results/peer/tuning.json.
3. Measures --rounds rounds; each round runs, in alternating order, edp4j (org.edp4j.jmh.PeerStep: ordinary
   and private steps in alternating blocks; --add-modules jdk.incubator.vector) and PyTorch with each case's
   best setup (scripts/peer/torch_step.py), at batch 64/256/1024 for mlp and text and 64 for the encoder on 2
   threads, and mlp:256, text:256 on 1 thread (edp4j: -Dedp4j.threads=1; PyTorch: torch.set_num_threads(1)).
4. Writes the table (medians over rounds of each round's medians; ratios per round, then their median and
   range) to bench-results/peer/steps.md (scripts/peer/run-all.sh puts it into BENCHMARKS.md).

--quick: 1 round, no tuning (the default setup: tcmalloc, SkylakeX, OpenMP variant, OMP_WAIT_POLICY=PASSIVE).
"""
import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LIB = "/usr/lib/x86_64-linux-gnu"
TCMALLOC = f"{LIB}/libtcmalloc_minimal.so.4"
VARIANTS = {"openmp": f"{LIB}/openblas-openmp", "pthread": f"{LIB}/openblas-pthread"}
HEADLINE = ["mlp:256", "text:256", "encoder:64"]
CASES2 = ["mlp:64", "mlp:256", "mlp:1024", "text:64", "text:256", "text:1024", "encoder:64"]
CASES1 = ["mlp:256", "text:256"]
TARGET_RATIO = {"mlp:256": 1.15, "text:256": 1.25, "encoder:64": 1.15}
DEFAULT_SETUP = {"wait": "PASSIVE", "bind": "", "variant": "openmp", "coretype": "SkylakeX", "alloc": "tcmalloc"}
BEGIN = "<!-- BEGIN GENERATED: scripts/peer/step_vs_pytorch.py -->"
END = "<!-- END GENERATED: scripts/peer/step_vs_pytorch.py -->"


def describe(s):
    parts = [f"OMP_WAIT_POLICY={s['wait'] or '(unset)'}"]
    parts.append("OMP_PROC_BIND=spread OMP_PLACES=cores" if s["bind"] else "no binding")
    parts.append(f"OpenBLAS {s['variant']}")
    parts.append(f"OPENBLAS_CORETYPE={s['coretype'] or '(unset)'}")
    parts.append(s["alloc"])
    return ", ".join(parts)


def torch_env(setup, threads):
    env = {k: v for k, v in os.environ.items()
           if k not in ("OMP_WAIT_POLICY", "OMP_PROC_BIND", "OMP_PLACES", "OPENBLAS_CORETYPE", "LD_PRELOAD")}
    env["OMP_NUM_THREADS"] = str(threads)
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    if setup["wait"]:
        env["OMP_WAIT_POLICY"] = setup["wait"]
    if setup["bind"]:
        env["OMP_PROC_BIND"] = "spread"
        env["OMP_PLACES"] = "cores"
    if setup["coretype"]:
        env["OPENBLAS_CORETYPE"] = setup["coretype"]
    if setup["alloc"] == "tcmalloc":
        env["LD_PRELOAD"] = TCMALLOC
    env["LD_LIBRARY_PATH"] = VARIANTS[setup["variant"]] + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    return env


def run_torch(setup, threads, cases, warm, steps):
    cmd = ["/usr/bin/python3", os.path.join(HERE, "torch_step.py"), "--threads", str(threads),
           "--warm-seconds", str(warm), "--steps", str(steps)] + cases
    res = subprocess.run(cmd, capture_output=True, text=True, env=torch_env(setup, threads), cwd=ROOT)
    if res.returncode != 0:
        raise RuntimeError(f"torch_step.py failed ({describe(setup)}):\n{res.stderr[-2000:]}")
    return [json.loads(l) for l in res.stdout.splitlines() if l.startswith("{")]


def run_edp4j(jar, threads, cases):
    cmd = ["java", "--add-modules", "jdk.incubator.vector"]
    if threads == 1:
        cmd += ["-Dedp4j.threads=1", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=1"]
    cmd += ["-cp", jar, "org.edp4j.jmh.PeerStep"]
    cmd += [c + (":2" if c.startswith("encoder") else ":10") for c in cases]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        raise RuntimeError(f"PeerStep failed:\n{res.stderr[-2000:]}")
    return [json.loads(l) for l in res.stdout.splitlines() if l.startswith("{")]


def tune(case, log):
    """Coordinate search from the default setup; returns the best setup and its median ms."""
    choices = [("wait", ["", "PASSIVE", "ACTIVE"]), ("bind", ["", "spread"]), ("variant", ["openmp", "pthread"]),
               ("coretype", ["SkylakeX", ""]), ("alloc", ["tcmalloc", "glibc"])]
    best = dict(DEFAULT_SETUP)
    steps = 12 if case.startswith("encoder") else 30
    warm = 6 if case.startswith("encoder") else 4
    cache = {}

    def measure(s):
        key = json.dumps(s, sort_keys=True)
        if key not in cache:
            r = run_torch(s, 2, [case], warm, steps)[0]
            cache[key] = r["ms"]
            log.append({"case": case, "setup": s, "describe": describe(s), "ms": r["ms"], "q1": r["q1"], "q3": r["q3"]})
            print(f"  tune {case}: {describe(s)}: {r['ms']:.2f} ms", file=sys.stderr)
        return cache[key]

    best_ms = measure(best)
    for name, values in choices:
        for v in values:
            s = dict(best, **{name: v})
            ms = measure(s)
            if ms < best_ms:
                best, best_ms = s, ms
    return best, best_ms


def peer_versions():
    q = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}; ", "python3-torch", "libopenblas0-openmp",
                        "libopenblas0-pthread", "libtcmalloc-minimal4"], capture_output=True, text=True).stdout
    return q.strip().rstrip(";")


def verdict(values, target):
    """'met' when every round's ratio is at most the target, 'missed' when none is, else 'not shown'
    (a median on the right side is not enough: BENCHMARKS.md, "Verdicts")."""
    if max(values) <= target:
        return "met"
    if min(values) > target:
        return "missed"
    return "not shown"


def fmt_range(v):
    return f"{statistics.median(v):.2f} [{min(v):.2f}, {max(v):.2f}]"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-tune", action="store_true")
    ap.add_argument("--jar", default="jmh/target/benchmarks.jar")
    ap.add_argument("--out", default="bench-results/peer")
    ap.add_argument("--benchmarks", default="", help="a file whose section between this script's GENERATED markers "
                    "is replaced (scripts/peer/run-all.sh writes BENCHMARKS.md itself)")
    ap.add_argument("--cases", default=",".join(CASES2), help="2-thread cases, model:batch,...")
    ap.add_argument("--cases1", default=",".join(CASES1), help="1-thread cases ('' for none)")
    args = ap.parse_args()
    cases2 = [c for c in args.cases.split(",") if c]
    cases1 = [c for c in args.cases1.split(",") if c]
    os.chdir(ROOT)
    if not os.path.exists(args.jar):
        sys.exit(f"{args.jar} is missing: build it first (mvn -B -pl core-java,jmh -am package -DskipTests)")
    subprocess.run([os.path.join(HERE, "install-peer.sh")], check=True, stdout=sys.stderr)
    os.makedirs(args.out, exist_ok=True)
    rounds = 1 if args.quick else args.rounds
    load0 = open("/proc/loadavg").read().split()[:3]
    started = datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%MZ")

    setups = {c: dict(DEFAULT_SETUP) for c in HEADLINE}
    log = []
    if not (args.quick or args.no_tune):
        for c in HEADLINE:
            if c.split(":")[0] not in {x.split(":")[0] for x in cases2 + cases1}:
                continue
            setups[c], _ = tune(c, log)
        with open(os.path.join(args.out, "tuning.json"), "w") as f:
            json.dump(log, f, indent=1)
    model_setup = {c.split(":")[0]: setups[c] for c in HEADLINE}

    edp = {}    # (case, threads) -> list of result dicts, one per round
    torch = {}  # (case, threads) -> list of ms
    for r in range(rounds):
        def edp4j_side():
            for threads, cases in ((2, cases2), (1, cases1)):
                if not cases:
                    continue
                for d in run_edp4j(args.jar, threads, cases):
                    edp.setdefault((f"{d['model']}:{d['batch']}", threads), []).append(d)

        def torch_side():
            for threads, cases in ((2, cases2), (1, cases1)):
                by_setup = {}
                for c in cases:
                    by_setup.setdefault(json.dumps(model_setup[c.split(":")[0]], sort_keys=True), []).append(c)
                for key, cs in by_setup.items():
                    for d in run_torch(json.loads(key), threads, cs, 5, 40):
                        torch.setdefault((f"{d['model']}:{d['batch']}", threads), []).append(d["ms"])

        for side in ((edp4j_side, torch_side) if r % 2 == 0 else (torch_side, edp4j_side)):
            side()
        print(f"round {r + 1}/{rounds} done", file=sys.stderr)
    load1 = open("/proc/loadavg").read().split()[:3]
    with open(os.path.join(args.out, "steps.json"), "w") as f:
        json.dump({"edp4j": {f"{k[0]}@{k[1]}": v for k, v in edp.items()},
                   "pytorch": {f"{k[0]}@{k[1]}": v for k, v in torch.items()},
                   "setups": {c: describe(s) for c, s in setups.items()}}, f, indent=1)

    cpu = subprocess.run("lscpu | sed -n 's/^Model name: *//p'", shell=True, capture_output=True, text=True).stdout.strip()
    jdk = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    kernels = next(iter(edp.values()))[0]["kernels"] if edp else ""
    lines = [f"Run: {started} · `scripts/peer/step_vs_pytorch.py{' --quick' if args.quick else ''}` · {rounds} round(s), "
             f"edp4j and PyTorch alternating · load average {' '.join(load0)} at start, {' '.join(load1)} at the end  ",
             f"Machine: {cpu}, {os.cpu_count()} cores; {jdk}; edp4j: {kernels}; PyTorch: {peer_versions()}  ",
             "PyTorch setups (best of the search, per model): "
             + "; ".join(f"{c.split(':')[0]}: {describe(s)}" for c, s in setups.items()) + "  ",
             "",
             "Verdicts (BENCHMARKS.md's rule, on the per-round ratios): met when every round meets the target, "
             "missed when none does, not shown otherwise.  ",
             "",
             "| workload | batch | threads | PyTorch ordinary ms | edp4j ordinary ms | edp4j private ms "
             "| **private / ordinary** [min, max] | **ordinary / PyTorch** | **private / PyTorch** | targets |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for threads, cases in ((2, cases2), (1, cases1)):
        for c in cases:
            e = edp.get((c, threads), [])
            t = torch.get((c, threads), [])
            if not e or not t:
                continue
            ords = [d["ordinary_ms"] for d in e]
            privs = [d["private_ms"] for d in e]
            rat = [d["ratio"] for d in e]
            vs_o = [o / p for o, p in zip(ords, t)]
            vs_p = [o / p for o, p in zip(privs, t)]
            checks = []
            if c in TARGET_RATIO and threads == 2:
                checks.append(f"p/o ≤ {TARGET_RATIO[c]}: {verdict(rat, TARGET_RATIO[c])}")
            if threads == 2 and c in HEADLINE:
                checks.append(f"o/PT ≤ 1.3: {verdict(vs_o, 1.3)}")
                checks.append(f"p/PT ≤ 1.5: {verdict(vs_p, 1.5)}")
            model, batch = c.split(":")
            lines.append(f"| {model} | {batch} | {threads} | {statistics.median(t):.2f} | {statistics.median(ords):.2f} | "
                         f"{statistics.median(privs):.2f} | **{fmt_range(rat)}** | **{fmt_range(vs_o)}** | "
                         f"**{fmt_range(vs_p)}** | {'; '.join(checks)} |")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(args.out, "steps.md"), "w") as f:
        f.write(text)
    if args.benchmarks and os.path.exists(args.benchmarks):
        doc = open(args.benchmarks).read()
        if BEGIN in doc and END in doc:
            doc = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), BEGIN + "\n\n" + text + "\n" + END, doc, flags=re.S)
            with open(args.benchmarks, "w") as f:
                f.write(doc)
            print(f"updated {args.benchmarks}", file=sys.stderr)


if __name__ == "__main__":
    main()
