#!/usr/bin/env bash
# Installs the peer the benchmarks compare against, from Debian's packages, if missing: PyTorch 1.13
# (python3-torch) and numpy for the system Python (/usr/bin/python3), OpenBLAS 0.3.21 in both its
# OpenMP and pthreads variants (libopenblas0-openmp, libopenblas0-pthread; the scripts pick one per run
# with LD_LIBRARY_PATH), and tcmalloc (libtcmalloc-minimal4, preloaded by the scripts when it is the
# faster allocator). Installing a variant can switch the system's libblas.so.3 alternative: it is put
# back as it was. Prints the versions. Needs root (apt-get) only when something is missing.
set -euo pipefail
PY=/usr/bin/python3
LIB=/usr/lib/x86_64-linux-gnu
need=0
$PY -c 'import torch, numpy' 2>/dev/null || need=1
for f in $LIB/openblas-openmp/libblas.so.3 $LIB/openblas-pthread/libblas.so.3 $LIB/libtcmalloc_minimal.so.4; do
  [[ -e $f ]] || need=1
done
if [[ $need -eq 1 ]]; then
  blas_before=$(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | sed -n 's/^Value: //p')
  lapack_before=$(update-alternatives --query liblapack.so.3-x86_64-linux-gnu 2>/dev/null | sed -n 's/^Value: //p')
  echo "installing python3-torch, python3-numpy, libopenblas0-openmp, libopenblas0-pthread, libtcmalloc-minimal4 (apt-get)" >&2
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch python3-numpy libopenblas0-openmp \
    libopenblas0-pthread libtcmalloc-minimal4 >&2
  [[ -n "$blas_before" ]] && update-alternatives --set libblas.so.3-x86_64-linux-gnu "$blas_before" >&2
  [[ -n "$lapack_before" ]] && update-alternatives --set liblapack.so.3-x86_64-linux-gnu "$lapack_before" >&2
fi
$PY - <<'PY'
import numpy, torch
print(f"torch {torch.__version__}, numpy {numpy.__version__}")
PY
dpkg-query -W -f '${Package} ${Version}\n' python3-torch libopenblas0-openmp libopenblas0-pthread libtcmalloc-minimal4
