#!/bin/sh
# Builds, once, the image panorama-cli's Dockerfiles start FROM (public.ecr.aws/panorama/panorama-application)
# from Debian's packages, since no image registry is reachable here: a minimal bookworm root file
# system with Python 3 and numpy (debootstrap), imported into the local Docker Engine, with
# EdgeFleet's panoramasdk on top, under that name, so `docker build` and panorama-cli's
# `build-container --local-image` work offline. The root file system is cached in
# ~/.cache/edgefleet/images; --force builds it again. A newer panoramasdk rebuilds the top layer.
set -eu
IMAGE=public.ecr.aws/panorama/panorama-application:latest
CACHE="${EDGEFLEET_CACHE:-$HOME/.cache/edgefleet}/images"
ROOTFS_TAR="$CACHE/panorama-application-bookworm.tar"
PACKAGES=python3-minimal,python3-numpy
SDK_DIR="$(cd "$(dirname "$0")/../../apps/edge-agent/python" && pwd)"
SDK=$(cat "$SDK_DIR"/panoramasdk/*.py | sha256sum | cut -c1-16)
force=""
[ "${1:-}" = "--force" ] && force=1

built() { [ "$(docker image inspect --format '{{index .Config.Labels "com.edgefleet.panoramasdk"}}' "$IMAGE" 2>/dev/null)" = "$SDK" ]; }
if [ -z "$force" ] && built; then exit 0; fi
for tool in docker debootstrap; do
  command -v "$tool" >/dev/null 2>&1 || { echo "panorama-base-image: $tool is missing: apt-get install -y $( [ "$tool" = docker ] && echo docker.io || echo debootstrap )" >&2; exit 1; }
done
mkdir -p "$CACHE"
# One build at a time (test suites running side by side ask at once).
exec 9>"$CACHE/.panorama-base-image.lock"
flock 9
if [ -z "$force" ] && built; then exit 0; fi
if [ -n "$force" ] || [ ! -f "$ROOTFS_TAR" ]; then
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  echo "Building $IMAGE from Debian's packages (bookworm, $PACKAGES), once…" >&2
  debootstrap --variant=minbase --include="$PACKAGES" bookworm "$dir" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$CACHE/debootstrap.log" 2>&1 || {
    echo "panorama-base-image: debootstrap failed; see $CACHE/debootstrap.log" >&2
    exit 1
  }
  rm -rf "$dir/var/cache/apt/"* "$dir/var/lib/apt/lists/"* "$dir/usr/share/doc" "$dir/usr/share/man" "$dir/usr/share/locale"
  mkdir -p "$dir/panorama" "$dir/opt/aws/panorama/storage"
  tar -C "$dir" -cf "$ROOTFS_TAR.part" .
  mv "$ROOTFS_TAR.part" "$ROOTFS_TAR"
fi
docker import --change 'WORKDIR /panorama' --change 'CMD ["python3"]' "$ROOTFS_TAR" "$IMAGE-rootfs" >/dev/null
printf 'FROM %s\nCOPY panoramasdk /usr/lib/python3/dist-packages/panoramasdk\n' "$IMAGE-rootfs" |
  docker build -q --label "com.edgefleet.panoramasdk=$SDK" -t "$IMAGE" -f - "$SDK_DIR" >"$CACHE/build.log" 2>&1 || {
  echo "panorama-base-image: adding panoramasdk failed; see $CACHE/build.log" >&2
  exit 1
}
echo "$IMAGE is in the local engine." >&2
