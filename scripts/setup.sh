#!/usr/bin/env bash
# One-time set-up for running every test on a fresh Debian machine: Chromium for the browser tests
# (playwright-core drives Debian's /usr/bin/chromium; it cannot download its own browsers here), Slurm and
# munge for the cluster-sweep test, and the npm packages from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: the browser of the end-to-end tests; it also ships SwiftShader's Vulkan driver, which with
# the Vulkan loader (libvulkan1) lets the WebGPU tests run in Node through the npm package `webgpu`.
# dataset-fashion-mnist: Fashion-MNIST's gzipped IDX files under /usr/share/datasets/fashion-mnist/, from
# which the prepare step builds the page's Fashion-MNIST shards (and the real-files test reads them).
if [ ! -x /usr/bin/chromium ] || ! ldconfig -p | grep -q libvulkan.so.1 \
  || [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "setup: installing Debian chromium, libvulkan1 and dataset-fashion-mnist for the browser, WebGPU and Fashion-MNIST tests"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium libvulkan1 dataset-fashion-mnist >/dev/null
fi

# slurm-wlm and munge: the one-node Slurm cluster (scripts/slurm/local-cluster.sh) that test/e2e/slurm.test.ts
# submits a sweep to (npm run sweep -- … --slurm). Only the packages: no daemon is enabled or started here.
if ! command -v sbatch >/dev/null 2>&1 || [ ! -x /usr/sbin/slurmctld ] || [ ! -x /usr/sbin/slurmd ] || [ ! -x /usr/sbin/munged ]; then
  echo "setup: installing Debian slurm-wlm and munge for the Slurm sweep test"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

npm ci --no-audit --no-fund
