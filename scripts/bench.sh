#!/usr/bin/env bash
# Runs the edp4j benchmark suite and writes the tables of BENCHMARKS.md.
#
#   scripts/bench.sh [--quick] [--no-build] [--backend cpu[,cuda]] [-- extra JMH options]
#
#   --quick      1 fork, 4 x 2 s warm-up (3 x 1 s left the text private step still compiling), 5 x 1 s
#                measurement; step profile ~30 steps each (~20-25 min on 2 cores)
#                default: 3 forks, 5 x 2 s warm-up, 10 x 2 s measurement; profile ~100 steps each
#   --no-build   use the existing jmh/target/benchmarks.jar
#   --backend    value(s) of the JMH @Param backend (default cpu; add cuda where a GPU is present)
#
# Raw results go to bench-results/ (JMH JSON, log, step profile); BENCHMARKS.md is updated
# between its GENERATED markers. Needs Java 17, Maven (offline is fine) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
ORIG_CMD="scripts/bench.sh $*"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
QUICK=0; BUILD=1; BACKEND=cpu; EXTRA=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --no-build) BUILD=0 ;;
    --backend) BACKEND="$2"; shift ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
  shift
done
if [[ $BUILD -eq 1 ]]; then
  mvn -B ${OFFLINE:+-o} -q -pl core-java,jmh -am package -DskipTests
fi
JAR=jmh/target/benchmarks.jar
OUT=bench-results
mkdir -p "$OUT"
if [[ $QUICK -eq 1 ]]; then
  MODE=quick; JMH_OPTS=(-f 1 -wi 4 -w 2s -i 5 -r 1s); STEPS=${BENCH_PROFILE_STEPS:-30}
else
  MODE=full; JMH_OPTS=(-f 3 -wi 5 -w 2s -i 10 -r 2s); STEPS=${BENCH_PROFILE_STEPS:-100}
fi
# Options given after -- replace the mode's option of the same name (JMH refuses repeats).
BASE=()
for ((k = 0; k < ${#JMH_OPTS[@]}; k += 2)); do
  skip=0
  for e in "${EXTRA[@]}"; do [[ "$e" == "${JMH_OPTS[k]}" ]] && skip=1; done
  [[ $skip -eq 0 ]] && BASE+=("${JMH_OPTS[k]}" "${JMH_OPTS[k+1]}")
done
JMH_OPTS=("${BASE[@]}")
JMH_CMD=(java -jar "$JAR" 'org.edp4j.jmh.(StepBenchmark|EncoderStepBenchmark|NaiveStepBenchmark|ScalingBenchmark|KernelBenchmark)'
         "${JMH_OPTS[@]}" -p "backend=$BACKEND" -rf json -rff "$OUT/jmh.json" "${EXTRA[@]}")
echo "running: ${JMH_CMD[*]}"
"${JMH_CMD[@]}" 2>&1 | tee "$OUT/jmh.log"
echo "running: step profile ($STEPS pairs)"
[[ -n "${BENCH_SKIP_PROFILE:-}" ]] || java --add-modules jdk.incubator.vector -cp "$JAR" org.edp4j.jmh.StepProfile "$OUT/step-profile.md" "$STEPS" "${BACKEND%%,*}"

export B_MODE="$MODE" B_CMD="$ORIG_CMD" B_LOAD="$LOAD_START" B_OPTS="${JMH_OPTS[*]} ${EXTRA[*]:-}"
export B_DATE="$(date -u +%Y-%m-%dT%H:%MZ)"
export B_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- core-java jmh 2>/dev/null || echo '+dirty')"
export B_CPU="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
export B_CORES="$(nproc)" B_MEM="$(free -g 2>/dev/null | awk '/Mem:/{print $2}')" B_OS="$(uname -sr)"
export B_JDK="$(java -version 2>&1 | head -2 | tr '\n' ' ')"
python3 - "$OUT/meta.json" <<'PY'
import json, os, sys
e = os.environ
note = e.get("BENCH_MACHINE_NOTE", "")
json.dump({
    "date": e["B_DATE"], "mode": e["B_MODE"], "commit": e["B_COMMIT"],
    "machine": f"{e['B_CPU'] or 'unknown CPU'}, {e['B_CORES']} cores visible, {e['B_MEM']} GiB RAM, {e['B_OS']}; "
               f"load average at start {e['B_LOAD']}" + (f"; {note}" if note else ""),
    "jdk": e["B_JDK"].strip(), "jmh_options": e["B_OPTS"], "command": e["B_CMD"],
}, open(sys.argv[1], "w"), indent=1)
PY
python3 scripts/report.py "$OUT/jmh.json" "$OUT/meta.json" "$OUT/step-profile.md" BENCHMARKS.md
echo "wrote BENCHMARKS.md (raw data in $OUT/)"
