#!/usr/bin/env bash
# DP-FedAvg rounds per second (10,000 simulated devices, 100 per round, bag model), the server side
# alone, and the server's sum against a copy of the same updates: JMH FederatedBenchmark and
# FederatedSumBenchmark, then Markdown tables.
#
#   scripts/bench-federated.sh [--no-build] [-- extra JMH options]
#
# Default: 1 fork, 3 x 2 s warm-up, 5 x 2 s measurement (~5 min on 2 cores). Raw results:
# bench-results/federated-jmh.json and .log; the table is printed (paste it into BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=1; EXTRA=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
  shift
done
if [[ $BUILD -eq 1 ]]; then
  mvn -B ${OFFLINE:+-o} -q -pl core-java,jmh -am package -DskipTests
fi
mkdir -p bench-results
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
java -jar jmh/target/benchmarks.jar 'FederatedBenchmark|FederatedSumBenchmark' -f 1 -wi 3 -w 2s -i 5 -r 2s \
  -rf json -rff bench-results/federated-jmh.json "${EXTRA[@]}" 2>&1 | tee bench-results/federated-jmh.log
echo
echo "load average at start: $LOAD_START, at end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
python3 - bench-results/federated-jmh.json <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))
def fmt(r):
    m = r["primaryMetric"]
    return f'{m["score"]:.2f} ± {m["scoreError"]:.2f}' if m["scoreError"] == m["scoreError"] else f'{m["score"]:.2f}'
rows, sums = {}, {}
for r in runs:
    p, name = r["params"], r["benchmark"].rsplit(".", 1)[1]
    if "FederatedSumBenchmark" in r["benchmark"]:
        sums.setdefault(p["bag"], {})[name] = r
    else:
        rows.setdefault((p["bag"], p["selection"], p["threads"]), {})[name] = r
print("| bag | selection | device threads | rounds/s (whole round) | rounds/s (server side only) |")
print("|---|---|---:|---:|---:|")
for key in sorted(rows):
    d = rows[key]
    print(f"| {key[0]} | {key[1]} | {key[2]} | {fmt(d['round']) if 'round' in d else '—'} | "
          f"{fmt(d['serverSide']) if 'serverSide' in d else '—'} |")
print()
print("| bag | sum of 100 updates: GB/s | copy of the same updates: GB/s | sum / copy |")
print("|---|---:|---:|---:|")
for bag in sorted(sums):
    d = sums[bag]
    s = d["sum"]["secondaryMetrics"]["bytes"]["score"] if "sum" in d else None
    c = d["copyUpdates"]["secondaryMetrics"]["bytes"]["score"] if "copyUpdates" in d else None
    print(f"| {bag} | {s / 1e9:.2f} | {c / 1e9:.2f} | {s / c:.2f} |" if s and c else f"| {bag} | — | — | — |")
PY
