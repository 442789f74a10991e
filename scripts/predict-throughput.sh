#!/usr/bin/env bash
# Throughput of `edp predict` for the bag model on the bundled corpus's emails (docs/train.md).
# Trains and saves the default private bag model (unless MODEL exists), writes N texts (the corpus's
# 5,897 emails, subject + body, repeated) as JSON Lines, and classifies them three times with 1 and with
# all cores. edp predict prints texts/s on standard error (reading and parsing excluded; JVM start
# excluded); `time` gives the whole command.
#
#   mvn -B -pl core-java,cli -am package -DskipTests
#   scripts/predict-throughput.sh [N=100000] [MODEL=/tmp/edp-bag.edp]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
model="${2:-/tmp/edp-bag.edp}"
jar="${EDP_JAR:-cli/target/edp.jar}"
work="$(mktemp -d "${TMPDIR:-/tmp}/edp4j-predict.XXXXXX")"
trap 'rm -rf "$work"' EXIT
if [[ ! -f "$model" ]]; then
  java --add-modules jdk.incubator.vector -jar "$jar" train --no-progress --no-compare-nondp --save "$model" > /dev/null
fi
unzip -p "$jar" org/edp4j/data/spam-assassin.tsv.gz | gunzip | python3 -c '
import csv, json, sys
n = int(sys.argv[1])
rows = list(csv.reader(sys.stdin, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
texts = [r[4] + " " + r[5] for r in rows]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for i in range(n):
        f.write(json.dumps({"text": texts[i % len(texts)]}) + "\n")
' "$n" "$work/texts.jsonl"
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $n texts, $(wc -c < "$work/texts.jsonl") bytes" >&2
for threads in 1 "$(nproc)"; do
  for rep in 1 2 3; do
    /usr/bin/time -f "  wall %e s for the whole command (JVM start and reading included)" \
      java --add-modules jdk.incubator.vector -jar "$jar" predict --model "$model" --input "$work/texts.jsonl" --threads "$threads" > /dev/null
  done
done
