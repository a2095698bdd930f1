#!/bin/sh
# What `npm test` needs beyond npm packages and the machine's services: Debian's Chromium (the
# console's browser test), a Docker Engine with debootstrap (the container runtime's tests build
# their images from Debian's packages) and busybox-static. Run as root (as .ci/run is), it installs
# what is missing and starts dockerd when it is not running; otherwise it stops at once with one
# line naming the package and the command that installs it.
set -u
missing=""
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing="$missing chromium"
command -v dockerd >/dev/null 2>&1 || missing="$missing docker.io"
command -v debootstrap >/dev/null 2>&1 || missing="$missing debootstrap"
[ -x /bin/busybox ] || missing="$missing busybox-static"
if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "npm test needs Debian's$missing: install it with  sudo apt-get install -y$missing  (or run npm test as root, which installs it)." >&2
    exit 1
  fi
  echo "Installing Debian's$missing for the tests (once)…" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$missing; } >/dev/null 2>&1 || {
    echo "Could not install$missing with apt-get; install it and run npm test again." >&2
    exit 1
  }
fi
docker version >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "npm test needs a running Docker Engine: start it with  sudo dockerd >/var/log/dockerd.log 2>&1 &  (or run npm test as root, which starts it)." >&2
  exit 1
fi
echo "Starting dockerd for the tests…" >&2
setsid nohup dockerd >/var/log/dockerd.log 2>&1 < /dev/null &
for _ in $(seq 1 60); do
  docker version >/dev/null 2>&1 && exit 0
  sleep 0.5
done
echo "dockerd did not start; see /var/log/dockerd.log." >&2
exit 1
