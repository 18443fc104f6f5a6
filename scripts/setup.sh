#!/usr/bin/env bash
# One-time set-up for running every test on a fresh Debian machine: Chromium for the browser tests
# (playwright-core drives Debian's /usr/bin/chromium; it cannot download its own browsers here) and the
# npm packages from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: the browser of the end-to-end tests; it also ships SwiftShader's Vulkan driver, which with
# the Vulkan loader (libvulkan1) lets the WebGPU tests run in Node through the npm package `webgpu`.
if [ ! -x /usr/bin/chromium ] || ! ldconfig -p | grep -q libvulkan.so.1; then
  echo "setup: installing Debian chromium and libvulkan1 for the browser and WebGPU tests"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium libvulkan1 >/dev/null
fi

npm ci --no-audit --no-fund
