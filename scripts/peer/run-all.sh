#!/usr/bin/env bash
# Issue 20's tables in one command, for a quiet machine: builds the benchmarks jar, then runs
#   1. scripts/NoiseProbe.java          secure-noise candidates, normals/s on one thread (JDK 17; and the
#                                       newest other JDK under /usr/lib/jvm, if any, for comparison)
#   2. scripts/peer/gemm_vs_openblas.py SGEMM at the workloads' shapes, edp4j against OpenBLAS (numpy,
#                                       torch.mm), alternating, 2 threads wall time and 1 thread
#   3. org.edp4j.jmh.AttentionVsGemm    attention's GFLOP/s next to the GEMM's, interleaved
#   4. scripts/peer/step_vs_pytorch.py  PyTorch tuned, then edp4j's ordinary and private steps and
#                                       PyTorch's ordinary step alternating, batch 64/256/1024, 1 and 2 threads
# and writes bench-results/peer/*.md and the part of BENCHMARKS.md between its GENERATED markers.
#
#   scripts/peer/run-all.sh [--quick]     # --quick: fewer rounds, no PyTorch tuning (~15 min instead of ~60)
set -euo pipefail
cd "$(dirname "$0")/../.."
QUICK=0
[[ "${1:-}" == "--quick" ]] && QUICK=1
OUT=bench-results/peer
mkdir -p "$OUT"
mvn -B ${OFFLINE:+-o} -q -pl core-java,jmh -am package -DskipTests
scripts/peer/install-peer.sh >&2
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +%Y-%m-%dT%H:%MZ)
if [[ $QUICK -eq 1 ]]; then R=2; SR=1; else R=5; SR=3; fi

echo "1/4 noise probe" >&2
java --add-modules jdk.incubator.vector -cp core-java/target/classes scripts/NoiseProbe.java $((R + 3)) \
  2>/dev/null | grep '^|\|^(' > "$OUT/noise-jdk17.md"
OTHER=$(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | grep -v -- '17' | sort | tail -1 || true)
if [[ -n "$OTHER" ]]; then
  "$OTHER" --add-modules jdk.incubator.vector -cp core-java/target/classes scripts/NoiseProbe.java $((R + 3)) \
    2>/dev/null | grep '^|\|^(' > "$OUT/noise-other-jdk.md" || true
  OTHER_VERSION=$("$OTHER" -version 2>&1 | head -1)
fi

echo "2/4 GEMM against OpenBLAS" >&2
scripts/peer/gemm_vs_openblas.py --rounds $R --seconds 1 --threads 2 --out "$OUT/gemm-2-threads.md" >/dev/null
scripts/peer/gemm_vs_openblas.py --rounds $R --seconds 1 --threads 1 --out "$OUT/gemm-1-thread.md" >/dev/null

echo "3/4 attention against the GEMM" >&2
java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar org.edp4j.jmh.AttentionVsGemm $((R + 2)) 1 \
  2>/dev/null > "$OUT/attention.md"

echo "4/4 steps against PyTorch" >&2
if [[ $QUICK -eq 1 ]]; then
  scripts/peer/step_vs_pytorch.py --quick --out "$OUT" >/dev/null
else
  scripts/peer/step_vs_pytorch.py --rounds $SR --out "$OUT" >/dev/null
fi

LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "Run $STARTED to $(date -u +%H:%MZ), \`scripts/peer/run-all.sh${1:+ $1}\`, git $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- core-java jmh scripts || echo '+dirty'); load average $LOAD0 at start, $LOAD1 at the end."
  echo
  echo "#### Secure noise, one thread (\`scripts/NoiseProbe.java\`), JDK 17"
  echo
  echo "| variant | M normals/s, median [min-max] |"
  echo "|---|---:|"
  cat "$OUT/noise-jdk17.md"
  if [[ -s "$OUT/noise-other-jdk.md" ]]; then
    echo
    echo "The same jar on ${OTHER_VERSION:-another JDK}:"
    echo
    echo "| variant | M normals/s, median [min-max] |"
    echo "|---|---:|"
    cat "$OUT/noise-other-jdk.md"
  fi
  echo
  echo "#### SGEMM against OpenBLAS, 2 threads"
  echo
  cat "$OUT/gemm-2-threads.md"
  echo
  echo "#### SGEMM against OpenBLAS, 1 thread"
  echo
  cat "$OUT/gemm-1-thread.md"
  echo
  echo "#### Attention against the GEMM (\`org.edp4j.jmh.AttentionVsGemm\`)"
  echo
  cat "$OUT/attention.md"
  echo
  echo "#### Training steps against PyTorch (\`scripts/peer/step_vs_pytorch.py\`)"
  echo
  cat "$OUT/steps.md"
} > "$OUT/summary.md"
python3 - "$OUT/summary.md" BENCHMARKS.md <<'PY'
import re, sys
text = open(sys.argv[1]).read()
doc = open(sys.argv[2]).read()
b, e = "<!-- BEGIN GENERATED: scripts/peer/run-all.sh -->", "<!-- END GENERATED: scripts/peer/run-all.sh -->"
if b in doc and e in doc:
    doc = re.sub(re.escape(b) + ".*?" + re.escape(e), lambda m: b + "\n\n" + text + "\n" + e, doc, flags=re.S)
    open(sys.argv[2], "w").write(doc)
    print("updated " + sys.argv[2], file=sys.stderr)
PY
cat "$OUT/summary.md"
