#!/usr/bin/env bash
# The real check of docs/fairness.md: builds the biased and unbiased training sets from the bundled
# SpamAssassin corpus (data/fairness/make-biased-spam.py), trains a private (epsilon 3) and a non-private
# model on each with `edp train --save --save-non-private`, and on the biased set also with
# `--counterfactual-augment` (each email and its gender-swapped copy as one privacy unit), and audits
# the six on the gender-balanced test set with `edp fairness`. Writes data/fairness/out/ (not
# committed); prints the table.
#
#   scripts/fairness-check.sh            # needs cli/target/edp.jar (mvn -B -DskipTests package)
#
# About a minute of training per set on the 2-core build machine (the augmented one twice that). The private models' noise is fresh
# on every run (secure noise), so their figures move a little between runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/cli/target/edp.jar"
out="$root/data/fairness/out"
[[ -f "$jar" ]] || { echo "error: $jar is missing; run mvn -B -DskipTests package first" >&2; exit 1; }
python3 "$root/data/fairness/make-biased-spam.py" "$out"
cd "$out"
for set in biased unbiased; do
  java --add-modules jdk.incubator.vector -jar "$jar" train --train "$set-train.csv" --test test.csv --max-len 64 --no-progress \
    --save "$set.edp" --save-non-private "$set-nondp.edp" --json "$set-train.json" | tee "$set-train.txt"
done
java --add-modules jdk.incubator.vector -jar "$jar" train --train biased-train.csv --test test.csv --max-len 64 --no-progress \
  --counterfactual-augment --save biased-augmented.edp --save-non-private biased-augmented-nondp.edp \
  --json biased-augmented-train.json | tee biased-augmented-train.txt
java --add-modules jdk.incubator.vector -jar "$jar" fairness --model biased.edp --model biased-augmented.edp --model biased-nondp.edp \
  --model biased-augmented-nondp.edp --model unbiased.edp --model unbiased-nondp.edp --data test.csv \
  --group-column gender --json fairness.json | tee fairness.txt
