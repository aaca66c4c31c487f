#!/bin/sh
# `make test`'s browser for the Chromium tests: Debian's chromium (installed with apt-get where we may), else
# Playwright's own Chromium (a download, where downloads work), else one line saying what to install.
# Usage: scripts/test-browser.sh PYTHON   (CHROMIUM=path overrides /usr/bin/chromium, for tests of this script)
set -u
PYTHON=${1:-python3}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

[ -x "$CHROMIUM" ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    SUDO="none"
  fi
  if [ "$SUDO" != none ]; then
    echo "make test: installing Debian's chromium for the browser tests (apt-get)"
    $SUDO apt-get update -qq >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null 2>&1
    [ -x "$CHROMIUM" ] && exit 0
  fi
fi

# Playwright's own build of Chromium; the tests use it when Debian's is missing. Does nothing if already there.
if "$PYTHON" -m playwright install chromium >/dev/null 2>&1; then
  exit 0
fi

echo "make test: the browser tests need Chromium: install Debian's (sudo apt-get install chromium) or let Playwright download its own ($PYTHON -m playwright install chromium)" >&2
exit 1
