#!/usr/bin/env bash
# Makes (once) and prints the path of a minimal Debian root, cached outside the checkout:
#   scripts/debian-root.sh SUITE [PACKAGE,...]
# SUITE is a Debian release (bullseye, bookworm); the packages are added to `debootstrap --variant=minbase`.
# The release build links against bullseye's libc and libstdc++ (scripts/lib.sh), the tests run the shipped
# binary and install the package in bare roots. Absolute symbolic links are rewritten to stay inside the root,
# so that a linker given --sysroot=ROOT never reaches the host's libraries through one.
#
# The cache is $PUE_CACHE, else /var/cache/port_usage_exporter as root, else
# ${XDG_CACHE_HOME:-~/.cache}/port_usage_exporter. Making one needs root (sudo) and debootstrap.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
suite=$1
packages=${2:-}
if [ -z "${PUE_CACHE:-}" ]; then
  if [ "$(id -u)" -eq 0 ]; then PUE_CACHE=/var/cache/port_usage_exporter; else PUE_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/port_usage_exporter; fi
fi
root="$PUE_CACHE/$suite-minbase${packages:+-$(printf '%s' "$packages" | sha256sum | cut -c1-12)}"
if [ ! -f "$root/.complete" ]; then
  # debootstrap needs root: made once, through sudo for a user (then readable, owned by root).
  [ "$(id -u)" -ne 0 ] && exec sudo PUE_CACHE="$PUE_CACHE" "$0" "$@"
  ensure_apt debootstrap:debootstrap
  rm -rf "$root.partial"
  mkdir -p "$PUE_CACHE"
  echo "making a $suite root in $root (once: it is cached)" >&2
  debootstrap --variant=minbase ${packages:+--include="$packages"} "$suite" "$root.partial" \
    http://deb.debian.org/debian >"$root.partial.log" 2>&1 || {
    tail -n 20 "$root.partial.log" >&2
    exit 1
  }
  find "$root.partial" -type l -lname '/*' -print0 | while IFS= read -r -d '' link; do
    target=$(readlink "$link")
    ln -sfn "$(realpath -m -s --relative-to="$(dirname "$link")" "$root.partial$target")" "$link"
  done
  touch "$root.partial/.complete"
  rm -rf "$root"
  mv "$root.partial" "$root"
  rm -f "$root.partial.log"
fi
printf '%s\n' "$root"
