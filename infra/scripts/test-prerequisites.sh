#!/bin/sh
# What `npm test` needs beyond npm packages and the machine's services: Debian's Chromium (the
# console's browser test), a Docker Engine with debootstrap (the container runtime's tests build
# their images from Debian's packages), busybox-static, and the vision tests' RTSP camera,
# FFmpeg and ONNX tooling, OpenSSH (the secure tunnel's test reaches a real sshd with the real
# ssh and scp) and HAProxy (the load-balanced topology's test). Run as root (as .ci/run is), it installs
# what is missing and starts dockerd when it is not running; otherwise it stops at once with one
# line naming the package and the command that installs it.
set -u
missing=""
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing="$missing chromium"
command -v dockerd >/dev/null 2>&1 || missing="$missing docker.io"
command -v debootstrap >/dev/null 2>&1 || missing="$missing debootstrap"
[ -x /bin/busybox ] || missing="$missing busybox-static"
# The vision data plane's tests: a real RTSP camera (GStreamer's server, Debian's Python with gi),
# FFmpeg to decode it, and python3-onnx to make a small model.
command -v ffmpeg >/dev/null 2>&1 || missing="$missing ffmpeg"
/usr/bin/python3 -c 'import gi; gi.require_version("GstRtspServer", "1.0")' >/dev/null 2>&1 || missing="$missing python3-gi gir1.2-gst-rtsp-server-1.0"
/usr/bin/python3 -c 'import gi, sys; gi.require_version("Gst", "1.0"); from gi.repository import Gst; Gst.init(None); sys.exit(not (Gst.ElementFactory.find("x264enc") and Gst.ElementFactory.find("rtph264pay")))' >/dev/null 2>&1 ||
  missing="$missing gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly"
/usr/bin/python3 -c 'import onnx, numpy' >/dev/null 2>&1 || missing="$missing python3-onnx python3-numpy"
# The secure tunnel's test: a real sshd behind the agent, and the real ssh and scp clients.
{ [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null 2>&1 && command -v scp >/dev/null 2>&1; } || missing="$missing openssh-server openssh-client"
# The load-balanced topology's test: Debian's HAProxy in front of three gateways and two api processes.
[ -x "${HAPROXY_BIN:-/usr/sbin/haproxy}" ] || missing="$missing haproxy"
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
