#!/usr/bin/env bash
# Builds the container image ghcr.io/port-usage-exporter/port_usage_exporter:VERSION (VERSION: the file
# VERSION) from Deploy/container/Dockerfile, FROM scratch: no registry is needed.
#   scripts/build-image.sh [podman|docker|buildah]     (default: podman)
# The context, .build-release-static/image/rootfs, holds the release binary (PUE_BINARY, else built by
# scripts/build-release.sh), the shared libraries it needs and libcrypt.so.1, taken from a Debian 12 root
# (scripts/debian-root.sh), /etc/passwd and /etc/group naming root and nobody, and the example policy.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
tool=${1:-podman}
image=ghcr.io/port-usage-exporter/port_usage_exporter:$(cat VERSION)
context=$PWD/.build-release-static/image
rootfs=$context/rootfs
rm -rf "$context"
mkdir -p "$rootfs/usr/bin" "$rootfs/etc/port_usage_exporter"
if [ -n "${PUE_BINARY:-}" ]; then
  install -m 0755 "$PUE_BINARY" "$rootfs/usr/bin/port_usage_exporter"
else
  scripts/build-release.sh "$rootfs/usr/bin/port_usage_exporter"
fi
debian=$(scripts/debian-root.sh bookworm)
libraries=usr/lib/$(uname -m)-linux-gnu
loader=$(readelf -l "$rootfs/usr/bin/port_usage_exporter" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
install -D -m 0755 "$(realpath "$debian$loader")" "$rootfs$loader"
mkdir -p "$rootfs/$libraries"
for library in $(readelf -d "$rootfs/usr/bin/port_usage_exporter" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p') \
  libcrypt.so.1; do
  [ -e "$rootfs$loader" ] && [ "$(basename "$loader")" = "$library" ] && continue
  install -m 0644 "$(realpath "$debian/$libraries/$library")" "$rootfs/$libraries/$library"
done
ln -s usr/lib "$rootfs/lib"
printf 'root:x:0:0:root:/:/nonexistent\nnobody:x:65534:65534:nobody:/nonexistent:/nonexistent\n' \
  >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
install -m 0644 Deploy/policy.example.yml "$rootfs/etc/port_usage_exporter/policy.yml"
case $tool in
  buildah) buildah bud --layers=false -f Deploy/container/Dockerfile -t "$image" "$context" ;;
  *) "$tool" build -f Deploy/container/Dockerfile -t "$image" "$context" ;;
esac
echo "$image"
