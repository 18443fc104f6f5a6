#!/usr/bin/env bash
# One-time set-up for the PyTorch side of `npm run bench:suite` (bench/suite.ts, bench/suite-torch.py) on Debian:
# python3-torch (1.13.1 in bookworm) and libopenblas0-pthread. Not part of scripts/setup.sh and never of CI's default
# path: CI runs `npm run bench:suite -- --quick` (with or without torch: the suite then measures the project only).
#
# OpenBLAS must be the BLAS: python3-torch links libblas.so.3, which without OpenBLAS is Debian's reference
# (netlib) BLAS, about 8× slower for PyTorch's dense layers. Installing libopenblas0-pthread switches the
# libblas.so.3 alternative to OpenBLAS (priority 100 over the reference's 10); this script checks that it did.
set -euo pipefail

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

missing=()
for pkg in python3-torch libopenblas0-pthread; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench-setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The libblas.so.3 alternative: auto mode picks OpenBLAS; a manual setting to the reference BLAS is left alone but named.
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || readlink -f "/usr/lib/$(uname -m)-linux-gnu/libblas.so.3" || true)
echo "bench-setup: libblas.so.3 -> ${blas:-?}"
case "$blas" in
  *openblas*) ;;
  *) echo "bench-setup: WARNING: libblas.so.3 is not OpenBLAS; run: $SUDO update-alternatives --auto libblas.so.3-$(uname -m)-linux-gnu" >&2 ;;
esac

# What torch itself loads (the suite checks this again and prints it), with the environment the suite gives it.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
  /usr/bin/python3 "$(dirname "$0")/../bench/suite-torch.py" --info
