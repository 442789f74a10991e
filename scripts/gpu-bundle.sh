#!/usr/bin/env bash
# Builds the self-contained GPU verification bundle (docs/cuda.md, "The GPU bundle") on the build
# machine: a jlink Java runtime, the edp4j-cuda jars with test classes and dependencies, JUnit's
# console launcher, and the JNI library (inside edp4j-cuda-*-linux-x86_64.jar). Checks it stays
# under 64 MiB. Usage: scripts/gpu-bundle.sh [OUTDIR]   (default: bundle/edp4j-gpu, git-ignored)
# Set OFFLINE=1 for mvn -o (once the plugins are cached). Set BUILD=0 to reuse the jars already installed by `mvn -pl cuda,native -am install`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=${1:-bundle/edp4j-gpu}
limit=$((64 * 1024 * 1024))
junit_console=1.14.1
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)

if [ "${BUILD:-1}" = 1 ]; then
  mvn -B -q ${OFFLINE:+-o} -pl cuda,native -am install -DskipTests
fi
rm -rf "$out"
mkdir -p "$out/lib" "$out/scripts"

# 1. Java runtime (about 35 MB; jdk.zipfs lets JUnit scan packages inside jars)
jlink --add-modules java.base,java.logging,java.management,jdk.management,jdk.unsupported,java.xml,jdk.zipfs \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output "$out/jre"

# 2. Jars: edp4j-cuda (classes, tests, JNI library), its runtime dependencies, the console launcher
cp native/target/edp4j-cuda-"$version".jar native/target/edp4j-cuda-"$version"-tests.jar \
   native/target/edp4j-cuda-"$version"-linux-x86_64.jar "$out/lib/"
# test scope brings core-java's test jar (the layer / DP suite that sweeps every backend) and jqwik;
# JUnit itself comes from the console launcher, so its jars are left out (two Jupiter engines clash).
mvn -B -q ${OFFLINE:+-o} -pl native dependency:copy-dependencies -DincludeScope=test -DexcludeTypes=pom \
  -DexcludeGroupIds=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian \
  -DoutputDirectory="$root/$out/lib"
mvn -B -q ${OFFLINE:+-o} dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:$junit_console \
  -DoutputDirectory="$root/$out" -Dmdep.stripVersion=true

# 3. The run script
cp scripts/gpu-run.sh "$out/scripts/"

size=$(du -sb "$out" | cut -f1)
echo "bundle $out: $((size / 1024 / 1024)) MiB ($size bytes), limit 64 MiB"
ls -la "$out" "$out/lib"
if [ "$size" -ge "$limit" ]; then
  echo "bundle is too large" >&2
  exit 1
fi
