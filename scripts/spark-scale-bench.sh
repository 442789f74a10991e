#!/usr/bin/env bash
# The scale benchmark of DP-FedAvg on Spark (BENCHMARKS.md): 1,000,000 simulated devices over the bundled
# corpus, K expected devices per round, at local[1] and local[2], and how a round's cost grows with K.
# Re-runnable: builds core and spark (tests skipped), then writes bench-results/spark-scale-STAMP.csv
# (~5 minutes on 2 cores).
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
run() {
  # shellcheck disable=SC2086
  java $opts -cp "$cp" org.edp4j.spark.bench.ScaleBenchmark --devices 1000000 --rounds "$rounds" --warmup "$warmup" \
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
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load: $(cut -d' ' -f1-3 /proc/loadavg)"
{ head -1 "bench-results/spark-scale-sweep-$stamp.csv"
  for f in bench-results/spark-scale-cores-"$stamp"-*.csv; do tail -n +2 "$f"; done
  tail -n +2 "bench-results/spark-scale-sweep-$stamp.csv"; } > "bench-results/spark-scale-$stamp.csv"
rm bench-results/spark-scale-cores-"$stamp"-*.csv "bench-results/spark-scale-sweep-$stamp.csv"
cat "bench-results/spark-scale-$stamp.csv"
