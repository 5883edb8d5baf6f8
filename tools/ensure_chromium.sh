#!/usr/bin/env bash
# The admin's browser tests drive Debian's Chromium through Playwright (Playwright's own browser
# download is not reachable from every machine): install it when it is missing.
set -euo pipefail
CHROMIUM=${HUB_CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure_chromium: installing chromium (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "ensure_chromium: $CHROMIUM is missing; install Debian's chromium (apt-get install chromium)" >&2
  exit 1
fi
