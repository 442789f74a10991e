#!/usr/bin/env bash
# Installs the peer the benchmarks compare against, from Debian's packages, if missing:
# PyTorch 1.13 (python3-torch) and numpy for the system Python (/usr/bin/python3), and the
# OpenMP variant of OpenBLAS (libopenblas0-openmp), which libblas.so.3 then points to.
# Prints the versions and the BLAS in use. Needs root (apt-get) only when something is missing.
set -euo pipefail
PY=/usr/bin/python3
need=0
$PY -c 'import torch, numpy' 2>/dev/null || need=1
[[ -e /usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3 ]] || need=1
if [[ $need -eq 1 ]]; then
  echo "installing python3-torch, python3-numpy and libopenblas0-openmp (apt-get)" >&2
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch python3-numpy libopenblas0-openmp >&2
fi
$PY - <<'PY'
import numpy, torch
print(f"torch {torch.__version__}, numpy {numpy.__version__}")
PY
update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | sed -n 's/^Value: /libblas.so.3 -> /p'
