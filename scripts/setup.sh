#!/usr/bin/env bash
# One-time set-up for running every test on a fresh Debian machine: Chromium for the browser tests
# (playwright-core drives Debian's /usr/bin/chromium; it cannot download its own browsers here) and the
# npm packages from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian chromium for the end-to-end tests"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

npm ci --no-audit --no-fund
