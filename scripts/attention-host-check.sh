#!/usr/bin/env bash
# Checks the cuBLAS arrangement of cuda/src/attention.cu on the CPU (no GPU, no CUDA needed): extracts
# the two launchers' text, turns `kernel<<<...>>>(` into `host_kernel(`, compiles them with g++ against
# cuda/hostcheck/attention_arrangement.cpp (a naive column-major strided-batched sgemm with cuBLAS's
# semantics) and compares with a row-major float64 reference. Usage: scripts/attention-host-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -n '/^static int check_sizes/,$p' cuda/src/attention.cu \
  | sed -E -e 's/([A-Za-z_0-9]+)<<<[^>]*>>>\(/host_\1(/' -e 's/^extern "C" //' > "$tmp/attention_launchers.inc"
grep -q host_attention_softmax_kernel "$tmp/attention_launchers.inc"
grep -q host_attention_softmax_backward_kernel "$tmp/attention_launchers.inc"
"${CXX:-g++}" -O2 -std=c++17 -I"$tmp" -o "$tmp/check" cuda/hostcheck/attention_arrangement.cpp
"$tmp/check"
