#!/bin/sh
# What `npm test` needs beyond npm packages and the machine's services: Debian's Chromium for the
# console's browser test. Run as root (as .ci/run is), it installs what is missing; otherwise it
# stops at once with one line naming the package and the command that installs it.
set -u
missing=""
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing="$missing chromium"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "npm test needs Debian's$missing: install it with  sudo apt-get install -y$missing  (or run npm test as root, which installs it)." >&2
  exit 1
fi
echo "Installing Debian's$missing for the tests (once)…" >&2
{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$missing; } >/dev/null 2>&1 || {
  echo "Could not install$missing with apt-get; install it and run npm test again." >&2
  exit 1
}
