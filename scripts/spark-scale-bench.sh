#!/usr/bin/env bash
# The scale benchmark of DP-FedAvg on Spark (BENCHMARKS.md): 1,000,000 simulated devices over the bundled
# corpus, K expected devices per round, at local[1] and local[2], and how a round's cost grows with K.
# Re-runnable: builds core and spark (tests skipped), then writes bench-results/spark-scale-STAMP.csv
# (every line) and bench-results/spark-scale-STAMP.md (machine, date, command, load average before and
# after, and the two tables of BENCHMARKS.md built from the CSV); ~7 minutes on 2 cores.
#   scripts/spark-scale-bench.sh [ROUNDS (default 10)] [WARMUP ROUNDS (default 10)]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-10}"
warmup="${2:-10}"
mvn -B -q -pl spark -am package -Dmaven.test.skip=true
cp="spark/target/classes:core-java/target/classes:$(cat spark/target/spark-classpath.txt)"
opts="$(cat spark/target/spark-java-options.txt) -Xmx6g"
mkdir -p bench-results
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
run() {
  # shellcheck disable=SC2086
  java --add-modules jdk.incubator.vector $opts -cp "$cp" org.edp4j.spark.bench.ScaleBenchmark --devices 1000000 --rounds "$rounds" --warmup "$warmup" \
    --partitions 8 "$@"
}
# local[1] against local[2] at K = 1000: one Spark context per JVM, so the two take turns, three times each.
for rep in 1 2 3; do
  for m in 1 2; do
    run --master "local[$m]" --per-round 1000 --out "bench-results/spark-scale-cores-$stamp-local$m-$rep.csv"
  done
done
# How a round's cost grows with K (local[2]; the K values take turns round by round inside one JVM).
run --master 'local[2]' --per-round 10,250,500,1000,2000,4000 --out "bench-results/spark-scale-sweep-$stamp.csv"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
csv="bench-results/spark-scale-$stamp.csv"
{ head -1 "bench-results/spark-scale-sweep-$stamp.csv"
  for f in bench-results/spark-scale-cores-"$stamp"-*.csv; do tail -n +2 "$f"; done
  tail -n +2 "bench-results/spark-scale-sweep-$stamp.csv"; } > "$csv"
rm bench-results/spark-scale-cores-"$stamp"-*.csv "bench-results/spark-scale-sweep-$stamp.csv"
# The tables: K = 1000 at local[1] and local[2] (each JVM's median, three JVMs each, taking turns), then
# the sweep over K at local[2].
{ echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git describe --always --dirty), $(java -version 2>&1 | head -1),"
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB;"
  echo "load average (1, 5, 15 min) $load_before before, $load_after after;"
  echo "command: scripts/spark-scale-bench.sh $rounds $warmup"
  echo
  echo "| master | run | rounds/s | median round (ms) | driver (ms) | driver share | devices selected |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  awk -F, 'NR > 1 && $3 == 1000 && n[$1] < 3 { n[$1]++; printf "| %s | %d | %s | %s | %s | %.1f %% | %s |\n", $1, n[$1], $7, $6, $9, 100 * $10, $11 }' "$csv"
  echo
  echo "| devices per round (K) | rounds/s | median round (ms) | per selected device (ms) | driver (ms) | driver share |"
  echo "|---:|---:|---:|---:|---:|---:|"
  tail -n +$((2 + 6)) "$csv" | awk -F, '{ printf "| %s | %s | %s | %.2f | %s | %.1f %% |\n", $3, $7, $6, $6 / ($11 > 0 ? $11 : 1), $9, 100 * $10 }'
} > "bench-results/spark-scale-$stamp.md"
cat "$csv" "bench-results/spark-scale-$stamp.md"
