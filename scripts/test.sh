#!/usr/bin/env bash
# The whole test suite: installs what is missing (Debian: prometheus for promtool and the server,
# prometheus-pushgateway, prometheus-node-exporter, openssl, systemd for systemd-analyze; util-linux,
# bubblewrap, libseccomp2 and the system python3 to run the exporter under the deployments' security
# settings; binutils, debootstrap, podman, runc, lintian and dpkg for the release tests; chromium to load the
# landing page in a real browser; iproute2 for ss; PyPI, in .build/venv: Tests/e2e/requirements.txt),
# checks formatting, builds, then runs the
# Swift tests (plain, under ThreadSanitizer, under AddressSanitizer with leak detection), a short fuzz run
# of the input parsers, and the end-to-end tests: the built binary, unprivileged, against real sockets on
# loopback, a real Prometheus, Pushgateway and node_exporter, the alert rules (promtool), the dashboard,
# the deploy files, and the exporter under the systemd unit's and the DaemonSet's security settings; then
# the same end-to-end tests against the release binary as it ships (scripts/build-release.sh), with the
# tests of its glibc floor and shared libraries, of it in a bare Debian 11 root, of the tarball and Debian
# package (scripts/package.sh; lintian; installed and purged in Debian 11 and 12 roots) and of the container
# image (scripts/build-image.sh, podman). The Debian roots (debootstrap) are cached outside the checkout:
# see scripts/debian-root.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_build_deps
ensure_apt prometheus:promtool prometheus:prometheus prometheus-pushgateway:prometheus-pushgateway \
  prometheus-node-exporter:prometheus-node-exporter openssl:openssl systemd:systemd-analyze \
  python3:/usr/bin/python3 util-linux:setpriv bubblewrap:bwrap chromium:chromium iproute2:ss \
  "libseccomp2:/usr/lib/$(uname -m)-linux-gnu/libseccomp.so.2" binutils:readelf debootstrap:debootstrap \
  podman:podman runc:runc lintian:lintian dpkg:dpkg-deb
python3 -c 'import venv, ensurepip' 2>/dev/null || install_apt python3-venv

venv=.build/venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! cmp -s Tests/e2e/requirements.txt "$venv/installed-requirements.txt"; then
  "$venv/bin/pip" install -q --disable-pip-version-check -r Tests/e2e/requirements.txt
  cp Tests/e2e/requirements.txt "$venv/installed-requirements.txt"
fi

echo "== swift format lint"
swift format lint --strict --recursive --parallel Package.swift Sources Tests Benchmarks Fuzz

echo "== build"
scripts/stamp-build-info.sh
swift build --build-tests

echo "== swift test"
swift test --skip-build --disable-xctest

echo "== swift test under ThreadSanitizer"
swift test --disable-xctest --sanitize=thread --scratch-path .build-tsan

echo "== swift test under AddressSanitizer and LeakSanitizer"
swift test --disable-xctest --sanitize=address --scratch-path .build-asan

echo "== fuzz smoke (libFuzzer + ASan, 20 s a target)"
scripts/fuzz.sh 20

echo "== end-to-end tests (debug build)"
scripts/e2e.sh .build/debug/port_usage_exporter

echo "== release build: the shipped binary"
scripts/build-release.sh .build-release-static/port_usage_exporter

echo "== end-to-end tests (the shipped binary, its packages, image and glibc floor)"
PUE_SHIPPED=1 scripts/e2e.sh .build-release-static/port_usage_exporter
