#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; install it when missing and we may (root + apt).
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Chromium not found: installing Debian's chromium for the browser tests"
  (apt-get install -y chromium >/dev/null 2>&1) || (apt-get update >/dev/null && apt-get install -y chromium >/dev/null)
else
  echo "Chromium not found at $CHROMIUM: install it (sudo apt-get install chromium) or set CHROMIUM_PATH" >&2
  exit 1
fi
