#!/usr/bin/env bash
# DP-FedAvg rounds per second (10,000 simulated devices, 100 per round, bag model) and the server's
# sum + noise + update against a plain copy: JMH FederatedBenchmark, then a Markdown table.
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
java -jar jmh/target/benchmarks.jar FederatedBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s \
  -rf json -rff bench-results/federated-jmh.json "${EXTRA[@]}" 2>&1 | tee bench-results/federated-jmh.log
echo
echo "load average at start: $LOAD_START, at end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
python3 - bench-results/federated-jmh.json <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))
copy = [r for r in runs if r["benchmark"].endswith(".copy")]
copy_bw = sum(r["secondaryMetrics"]["bytes"]["score"] for r in copy) / len(copy) if copy else None
print("| bag | selection | device threads | rounds/s (whole round) | server side only: rounds/s | sum of 100 updates: GB/s | % of copy |")
print("|---|---|---:|---:|---:|---:|---:|")
rows = {}
for r in runs:
    p = r["params"]
    key = (p["bag"], p["selection"], p["threads"])
    name = r["benchmark"].rsplit(".", 1)[1]
    rows.setdefault(key, {})[name] = r
for key in sorted(rows):
    d = rows[key]
    def fmt(r):
        m = r["primaryMetric"]
        return f'{m["score"]:.2f} ± {m["scoreError"]:.2f}' if m["scoreError"] == m["scoreError"] else f'{m["score"]:.2f}'
    rnd = fmt(d["round"]) if "round" in d else "—"
    srv = fmt(d["serverSide"]) if "serverSide" in d else "—"
    bw = d["sum"]["secondaryMetrics"]["bytes"]["score"] if "sum" in d else None
    pct = f"{100 * bw / copy_bw:.0f}%" if bw and copy_bw else "—"
    print(f"| {key[0]} | {key[1]} | {key[2]} | {rnd} | {srv} | {bw / 1e9:.2f} | {pct} |" if bw else
          f"| {key[0]} | {key[1]} | {key[2]} | {rnd} | {srv} | — | — |")
if copy_bw:
    print(f"\ncopy of 2^22 floats: {copy_bw / 1e9:.2f} GB/s (read + write)")
PY
