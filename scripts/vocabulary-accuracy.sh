#!/usr/bin/env bash
# The accuracy table of docs/train.md: each vocabulary choice of `edp train` at total epsilon 3 (vocabulary
# included), delta 1e-5, bag model and defaults, on the bundled SpamAssassin corpus and on the State of the
# Union passages (data/sotu/prepare.sh). One private run per row (secure noise: about +-1 point between runs);
# the non-private column is the same pipeline without noise (a dp vocabulary replaced by as many fitted
# tokens). Writes one JSON per run to OUT (default bench-results/vocabulary) and prints a markdown table.
#
#   mvn -B -pl core-java,cli -am package -DskipTests
#   data/sotu/prepare.sh && data/public-vocabulary/prepare.sh
#   scripts/vocabulary-accuracy.sh [OUT]          # about 15 minutes on 2 cores
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench-results/vocabulary}"
mkdir -p "$out"
jar="${EDP_JAR:-cli/target/edp.jar}"
vocab=data/public-vocabulary/out/subtlex-us.txt
sotu=(--train data/sotu/out/train.csv.gz --test data/sotu/out/test.csv.gz)
for f in "$jar" "$vocab" data/sotu/out/train.csv.gz; do
  [[ -f "$f" ]] || { echo "missing $f (see the usage above)" >&2; exit 1; }
done

run() {   # name, options...
  local name="$1"; shift
  java --add-modules jdk.incubator.vector -jar "$jar" train --no-progress --json "$out/$name.json" "$@" > "$out/$name.txt" 2> "$out/$name.log"
}

for corpus in spam sotu; do
  data=(); [[ $corpus == sotu ]] && data=("${sotu[@]}")
  run "$corpus-dp"               "${data[@]}"
  run "$corpus-dp-2"             "${data[@]}" --no-compare-nondp
  run "$corpus-dp-no-buckets"    "${data[@]}" --vocab-buckets 0 --no-compare-nondp
  run "$corpus-hashed"           "${data[@]}" --vocabulary hashed:8000
  run "$corpus-file"             "${data[@]}" --vocabulary "$vocab" --no-compare-nondp
  run "$corpus-file-no-buckets"  "${data[@]}" --vocabulary "$vocab" --vocab-buckets 0 --no-compare-nondp
done

python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
rows = [("dp", "dp (default): private vocabulary + 8000 hash buckets"),
        ("dp-2", "dp (default), a second run"),
        ("dp-no-buckets", "dp, no buckets (other tokens UNK)"),
        ("hashed", "hashed:8000"),
        ("file", "public file (SUBTLEXus) + 8000 hash buckets"),
        ("file-no-buckets", "public file (SUBTLEXus), no buckets")]
print("| corpus | vocabulary | ids | private accuracy | non-private (same pipeline) | ε total (RDP) | ε vocabulary alone | ε DP-SGD alone | σ |")
print("|---|---|---|---|---|---|---|---|---|")
for corpus, cname in (("spam", "SpamAssassin (2 classes)"), ("sotu", "State of the Union (4 classes)")):
    for key, label in rows:
        p = os.path.join(out, "%s-%s.json" % (corpus, key))
        if not os.path.exists(p):
            continue
        d = json.load(open(p))
        nd = d.get("nondp_accuracy")
        print("| %s | %s | %d | %.2f %% | %s | %.3f | %.3f | %.3f | %.3f |" % (
            cname, label, d["vocabulary_size"], 100 * d["accuracy"], "-" if nd is None else "%.2f %%" % (100 * nd),
            d["epsilon"], d["epsilon_vocabulary"], d["epsilon_training"], d["noise_multiplier"]))
PY
