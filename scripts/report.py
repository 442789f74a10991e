#!/usr/bin/env python3
"""Turns JMH JSON output (-rf json) into the tables of BENCHMARKS.md.

Usage: report.py JMH.json META.json PROFILE.md BENCHMARKS.md

Replaces the part of BENCHMARKS.md between the GENERATED markers (creating the file if needed);
everything outside the markers (how to run, analysis) is kept. Python 3 standard library only.

Statistics: every time is the median of the measured iterations (all forks), followed by the
JMH score and its 99.9% confidence half-width ("mean +- err"). A ratio is the ratio of medians;
its +- is the relative CI half-widths of the two scores added in quadrature (a rough bound, and
it does not capture drift of a shared machine between the two measurements: see the interleaved
ratios of the step profile for that).

Verdicts use the whole interval, never the median alone: a target is "met" only when the end of
the interval farthest from the target's side meets it (r + e <= target for an upper bound,
r - e >= target for a lower bound), "missed" only when the nearest end misses it, and "not shown"
otherwise (the interval straddles the target).
"""
import json
import math
import sys

BEGIN = "<!-- BEGIN GENERATED: scripts/report.py -->"
END = "<!-- END GENERATED -->"


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class Score:
    def __init__(self, metric):
        raw = [v for fork in metric.get("rawData", []) for v in fork]
        self.median = median(raw) if raw else metric["score"]
        self.mean = metric["score"]
        err = metric.get("scoreError")
        self.err = err if isinstance(err, (int, float)) and not math.isnan(err) else float("nan")
        self.unit = metric["scoreUnit"]
        self.n = len(raw)

    def rel(self):
        return self.err / self.mean if self.mean and not math.isnan(self.err) else float("nan")

    def fmt(self, digits=2):
        e = "n/a" if math.isnan(self.err) else f"{self.err:.{digits}f}"
        return f"{self.median:.{digits}f} ({self.mean:.{digits}f} ± {e})"


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])


def ratio(a, b):
    r = a.median / b.median
    rel = math.sqrt(a.rel() ** 2 + b.rel() ** 2)
    return r, r * rel


def fmt_ratio(rr, digits=3):
    r, e = rr
    return f"{r:.{digits}f} ± {e:.{digits}f}" if not math.isnan(e) else f"{r:.{digits}f}"


def index(results):
    by = {}
    for res in results:
        name = res["benchmark"].rsplit(".", 2)
        key = (name[-2], name[-1], tuple(sorted(res.get("params", {}).items())))
        by[key] = res
    return by


def find(by, cls, method, **params):
    for (c, m, ps), res in by.items():
        if c == cls and m == method and all(dict(ps).get(k) == str(v) for k, v in params.items()):
            return res
    return None


def step_tables(by, out):
    out.append("### Training step: private vs non-private vs naive (ms per step)\n")
    out.append("Median of iterations, then (JMH mean ± 99.9% CI). Ratio = ratio of medians ± combined CI.\n")
    out.append("| model | batch | non-private | private | **private / non-private** | naive per-example | **naive / private** |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    rows = {}
    for model in ("mlp", "text"):
        for batch in (64, 256, 1024):
            n = find(by, "StepBenchmark", "step", model=model, batch=batch, mode="nonprivate")
            p = find(by, "StepBenchmark", "step", model=model, batch=batch, mode="private")
            v = find(by, "NaiveStepBenchmark", "step", model=model, batch=batch)
            if not (n and p):
                continue
            sn, sp = Score(n["primaryMetric"]), Score(p["primaryMetric"])
            rp = ratio(sp, sn)
            if v:
                sv = Score(v["primaryMetric"])
                rv = ratio(sv, sp)
                naive, nr = sv.fmt(1), f"**{fmt_ratio(rv, 1)}**"
            else:
                rv, naive, nr = None, "—", "—"
            rows[(model, batch)] = (rp, rv)
            out.append(f"| {model} | {batch} | {sn.fmt()} | {sp.fmt()} | **{fmt_ratio(rp)}** | {naive} | {nr} |")
    for batch in (64, 256):
        n = find(by, "EncoderStepBenchmark", "step", batch=batch, mode="nonprivate")
        p = find(by, "EncoderStepBenchmark", "step", batch=batch, mode="private")
        if not (n and p):
            continue
        sn, sp = Score(n["primaryMetric"]), Score(p["primaryMetric"])
        rp = ratio(sp, sn)
        rows[("encoder", batch)] = (rp, None)
        out.append(f"| encoder | {batch} | {sn.fmt()} | {sp.fmt()} | **{fmt_ratio(rp)}** | — | — |")
    out.append("")
    if any(m == "encoder" for m, _ in rows):
        out.append("`encoder`: 4 layers, width 256, 4 heads, feed-forward 1024, sequence 128 (EncoderStepBenchmark, "
                   "one step per measurement).\n")
    return rows


def verdict_at_most(r, e, target):
    """Target r <= target, with r's confidence half-width e."""
    if math.isnan(e):
        return "not shown (no confidence interval)"
    if r + e <= target:
        return "met"
    if r - e > target:
        return f"missed by {r - target:.2f} ({(r / target - 1) * 100:.0f}% over), the whole interval above"
    return f"not shown: the interval [{r - e:.3f}, {r + e:.3f}] contains {target}"


def verdict_at_least(r, e, target):
    """Target r >= target, with r's confidence half-width e."""
    if math.isnan(e):
        return "not shown (no confidence interval)"
    if r - e >= target:
        return "met"
    if r + e < target:
        return f"missed: {r:.1f}x, {target / r:.1f}x short, the whole interval below"
    return f"not shown: the interval [{r - e:.1f}, {r + e:.1f}] contains {target}"


def verdict_closer_to_one(r1, e1, r2, e2):
    """Is r1 (with half-width e1) closer to 1 than r2 (with e2), whatever the values in the intervals?"""
    if math.isnan(e1) or math.isnan(e2) or math.isnan(r2):
        return "not shown (no confidence interval)"
    if abs(r1 - 1) + e1 < max(0.0, abs(r2 - 1) - e2):
        return "closer to 1 than at 256"
    if max(0.0, abs(r1 - 1) - e1) > abs(r2 - 1) + e2:
        return "not closer to 1 than at 256"
    return "not shown: the intervals overlap"


def targets(rows, out):
    out.append("### Targets (2 cores)\n")
    out.append("A target is met only when the whole confidence interval meets it, missed only when the whole "
               "interval misses it, and not shown otherwise.\n")
    out.append("| target | measured | verdict |")
    out.append("|---|---:|---|")
    for model in ("mlp", "text"):
        if (model, 256) in rows:
            r, e = rows[(model, 256)][0]
            verdict = verdict_at_most(r, e, 1.15)
            out.append(f"| `{model}` private/non-private at batch 256 ≤ 1.15 | {r:.3f} ± {e:.3f} | {verdict} |")
        if (model, 1024) in rows:
            r1, e1 = rows[(model, 1024)][0]
            r2, e2 = rows.get((model, 256), ((float("nan"), float("nan")),))[0]
            verdict = verdict_closer_to_one(r1, e1, r2, e2)
            out.append(f"| `{model}` private/non-private at batch 1024 closer to 1 | {r1:.3f} ± {e1:.3f} | {verdict} |")
        if (model, 256) in rows and rows[(model, 256)][1]:
            r, e = rows[(model, 256)][1]
            verdict = verdict_at_least(r, e, 20)
            out.append(f"| `{model}` naive/private at batch 256 ≥ 20 | {r:.1f} ± {e:.1f} | {verdict} |")
    if ("encoder", 64) in rows:
        r, e = rows[("encoder", 64)][0]
        verdict = verdict_at_most(r, e, 1.2)
        out.append(f"| `encoder` private/non-private at batch 64 ≤ 1.2 | {r:.3f} ± {e:.3f} | {verdict} |")
    out.append("")


def scaling_table(by, out):
    shapes = []
    for (c, m, ps), res in by.items():
        if c == "ScalingBenchmark":
            s = dict(ps)["shape"]
            if s not in shapes:
                shapes.append(s)
    if not shapes:
        return
    out.append("### Scaling with sequence length and width (batch 256, ms per step)\n")
    out.append("`text-s<T>-w<d>`: Embedding(20,000 x d), sequence T, Linear d-d, Tanh, Linear d-2; "
               "`mlp-w<h>`: 784-h-h-10. Batch-size scaling is the first table.\n")
    out.append("| shape | parameters noised per step | non-private | private | private / non-private |")
    out.append("|---|---:|---:|---:|---:|")
    for s in shapes:
        n = find(by, "ScalingBenchmark", "step", shape=s, mode="nonprivate")
        p = find(by, "ScalingBenchmark", "step", shape=s, mode="private")
        if not (n and p):
            continue
        sn, sp = Score(n["primaryMetric"]), Score(p["primaryMetric"])
        out.append(f"| {s} | {param_count(s):,} | {sn.fmt()} | {sp.fmt()} | **{fmt_ratio(ratio(sp, sn))}** |")
    out.append("")


def param_count(shape):
    parts = shape.split("-")
    kv = {p[0]: int(p[1:]) for p in parts[1:]}
    w = kv["w"]
    if parts[0] == "mlp":
        return 784 * w + w + w * w + w + w * 10 + 10
    return 20000 * w + w * w + w + w * 2 + 2


def kernel_table(by, out):
    # A method with parameters besides the backend (e.g. the sequence norms' shape) gets one row per value.
    ks = [(m + "".join(f" {k}={v}" for k, v in ps if k != "backend"), res)
          for (c, m, ps), res in by.items() if c == "KernelBenchmark"]
    if not ks:
        return
    copy = next((res for m, res in ks if m == "copy"), None)
    copy_bw = copy["secondaryMetrics"]["bytes"]["score"] if copy else None
    out.append("### Kernels (one call; bytes moved per second, a lower bound on traffic)\n")
    out.append("Sizes: Linear 512-512 on 256 rows; Embedding 20,000 x 128 with B 256, T 128; "
               "update on 2.56M parameters; noise 2^20 normals on one thread. "
               "`copy` is a 2.56M-float copy: the reference bandwidth.\n")
    out.append("| kernel | time per call (µs) | GB/s | % of copy | normals/s (one thread) |")
    out.append("|---|---:|---:|---:|---:|")
    order = ["normsLinear", "normsEmbedding", "normsLinearSeqGhost", "normsLinearSeqDirect", "forwardLinearSeq", "inputGradLinearSeq", "gradLinearSeq", "clipFactors", "clippedSumLinear", "clippedSumEmbedding",
             "noiseFill", "chacha20Blocks", "chacha20Lanes", "boxMullerStrictMath", "boxMullerMath", "updateNoisy", "updatePlain", "copy"]
    ks.sort(key=lambda x: order.index(x[0].split()[0]) if x[0].split()[0] in order else 99)
    for m, res in ks:
        pm = res["primaryMetric"]
        ops = Score(pm)
        us = 1e6 / ops.median if ops.unit == "ops/s" else float("nan")
        sec = res.get("secondaryMetrics", {})
        bw = sec.get("bytes", {}).get("score", float("nan"))
        normals = sec.get("normals", {}).get("score", 0.0)
        pct = f"{100 * bw / copy_bw:.0f}%" if copy_bw else "—"
        ns = f"{normals / 1e6:.1f} M" if normals > 0 else ""
        out.append(f"| {m} | {us:,.1f} | {bw / 1e9:.2f} | {pct} | {ns} |")
    out.append("")


def main():
    jmh_json, meta_json, profile_md, target = sys.argv[1:5]
    results = load(jmh_json)
    meta = load(meta_json)
    by = index(results)
    out = [BEGIN, ""]
    out.append(f"Run: {meta['date']} · mode `{meta['mode']}` · git `{meta['commit']}`  ")
    out.append(f"Machine: {meta['machine']}  ")
    out.append(f"JDK: {meta['jdk']}  ")
    out.append(f"JMH: {meta['jmh_options']}  ")
    out.append(f"Command: `{meta['command']}`\n")
    rows = step_tables(by, out)
    targets(rows, out)
    scaling_table(by, out)
    kernel_table(by, out)
    try:
        with open(profile_md, encoding="utf-8") as f:
            out.append("### Step profile (manual timers, `org.edp4j.jmh.StepProfile`)\n")
            out.append(f.read())
    except FileNotFoundError:
        pass
    out.append(END)
    generated = "\n".join(out)
    try:
        with open(target, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        text = "# edp4j benchmarks\n\n" + BEGIN + "\n" + END + "\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + generated + tail
    else:
        text = text.rstrip("\n") + "\n\n" + generated + "\n"
    with open(target, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
