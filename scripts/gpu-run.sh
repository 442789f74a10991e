#!/usr/bin/env bash
# Runs the GPU verification of edp4j-cuda on a GPU host, from the bundle made by scripts/gpu-bundle.sh.
# Usage: scripts/gpu-run.sh OUTDIR    (run from the bundle folder, or anywhere: it finds its bundle)
# Stages (env STAGES, default "info tests memcheck racecheck initcheck timing"):
#   info       nvidia-smi, driver, cuBLAS location
#   tests      the whole org.edp4j.cuda suite (CPU vs CUDA for every op, noise stream vs reference)
#   memcheck / racecheck / initcheck   compute-sanitizer over CudaBackendTest (the kernel tests)
#   timing     CudaKernelTiming: ms per call and GB/s of the DP kernels
# Full logs go to OUTDIR; a summary table is printed last (and saved as OUTDIR/summary.txt).
# Env: EDP4J_CUBLAS=/path/libcublas.so.13 when it is not on the loader path or in /usr/local/cuda;
#      STAGE_TIMEOUT seconds per stage (default 900).
set -uo pipefail
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
stages=${STAGES:-info tests memcheck racecheck initcheck timing}
tmo=${STAGE_TIMEOUT:-900}
java=$here/jre/bin/java
[ -x "$java" ] || java=$(command -v java)
cp=$(ls "$here"/lib/*.jar | tr '\n' ':')
jopts=(-Dorg.bytedeco.javacpp.cachedir="$out/javacpp-cache" -Xmx4g)
[ -n "${EDP4J_CUBLAS:-}" ] && jopts+=(-Dedp4j.cuda.cublas="$EDP4J_CUBLAS")
san=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
declare -a rows

row() { rows+=("$(printf '%-11s %-5s %s' "$1" "$2" "$3")"); }

junit() { # junit LOGNAME SELECTOR... (run through an optional wrapper in $wrap)
  local name=$1; shift
  timeout "$tmo" ${wrap:-} "$java" "${jopts[@]}" -jar "$here/junit-platform-console-standalone.jar" execute \
    --class-path "$cp" --details=tree --disable-banner --reports-dir "$out/junit-$name" "$@" > "$out/$name.log" 2>&1
}

for s in $stages; do
  case $s in
    info)
      { date -u; uname -a; nvidia-smi; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv;
        ls /usr/local/cuda/lib64 2>/dev/null | grep -E 'cublas|cudart'; "$java" -version; } > "$out/info.txt" 2>&1
      gpu=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)
      row info "$([ -n "$gpu" ] && echo ok || echo FAIL)" "${gpu:-nvidia-smi found no GPU}"
      ;;
    tests)
      wrap='' junit tests --select-package org.edp4j
      rc=$?
      row tests "$([ $rc = 0 ] && echo PASS || echo FAIL)" "$(grep -E 'tests (successful|failed|skipped|aborted)' "$out/tests.log" | tr -s ' ' | tr '\n' ' ')"
      ;;
    memcheck|racecheck|initcheck)
      extra=()
      [ "$s" = memcheck ] && extra=(--leak-check full)
      wrap="$san --tool $s ${extra[*]} --target-processes all --error-exitcode 99 --log-file $out/$s-sanitizer.log" \
        junit "$s" --select-class org.edp4j.cuda.CudaBackendTest
      rc=$?
      row "$s" "$([ $rc = 0 ] && echo PASS || echo FAIL)" "rc=$rc $(grep -h 'ERROR SUMMARY\|RACECHECK SUMMARY' "$out/$s-sanitizer.log" 2>/dev/null | tail -1)"
      ;;
    timing)
      timeout "$tmo" "$java" "${jopts[@]}" -cp "$cp" org.edp4j.cuda.CudaKernelTiming > "$out/timing.txt" 2>&1
      rc=$?
      row timing "$([ $rc = 0 ] && echo ok || echo FAIL)" "see timing.txt"
      ;;
    *) row "$s" "?" "unknown stage" ;;
  esac
done

[ -f "$out/timing.txt" ] && { echo "--- timing"; cat "$out/timing.txt"; }
{
  echo "--- edp4j GPU verification, $(date -u +%Y-%m-%dT%H:%MZ), logs in $out"
  printf '%-11s %-5s %s\n' stage result details
  printf '%s\n' "${rows[@]}"
} | tee "$out/summary.txt"
