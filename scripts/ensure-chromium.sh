#!/usr/bin/env bash
# Makes sure the Debian Chromium that the browser tests drive is installed: playwright-core brings no browser,
# and `npm test` must work on a fresh machine with nothing installed by hand. Never fails by itself: without
# Chromium the browser tests fail with the command to run.
[ -x /usr/bin/chromium ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is not installed: the browser tests need /usr/bin/chromium (Debian: apt-get install chromium)." >&2
  exit 0
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo -n); fi
echo "Installing Chromium for the browser tests (apt-get install chromium)..."
if ! { "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium; } >/dev/null 2>&1; then
  echo "Could not install Chromium: run 'apt-get install chromium' as root; the browser tests fail without it." >&2
fi
exit 0
