#!/usr/bin/env bash
# The page tests drive Debian's Chromium through Playwright (no browser download). Install it if missing.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "ensure-browser: chromium is installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
echo "ensure-browser: installing chromium"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
