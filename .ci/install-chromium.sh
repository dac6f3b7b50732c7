#!/usr/bin/env bash
# Makes sure /usr/bin/chromium (Debian/Ubuntu package `chromium`) is installed:
# test/report.test.ts loads the HTML report in it, headless. Idempotent: does
# nothing when Chromium is already there. Installs with apt-get as root (or with
# passwordless sudo); otherwise prints what to run and exits 1.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "chromium: already installed at $CHROMIUM ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

# root, or passwordless sudo (CI runners), with apt-get
SUDO=
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
fi
if { [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; } && command -v apt-get >/dev/null 2>&1; then
  echo "chromium: installing the Debian package (apt-get install chromium)"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  if [ ! -x "$CHROMIUM" ]; then
    echo "chromium: apt-get finished but $CHROMIUM is still missing" >&2
    exit 1
  fi
  echo "chromium: installed ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

echo "chromium: $CHROMIUM is missing; the report test (test/report.test.ts) needs it." >&2
if command -v apt-get >/dev/null 2>&1; then
  echo "  install it as root:  sudo apt-get update && sudo apt-get install -y chromium" >&2
else
  echo "  install the Debian/Ubuntu package 'chromium' (or run this script in a Debian-based image as root)" >&2
fi
exit 1
