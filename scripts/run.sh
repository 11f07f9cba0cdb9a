#!/usr/bin/env bash
# Quick start: installs what is missing, builds the exporter as it ships (scripts/build-release.sh) and runs
# it on its default address (:10768). Extra arguments go to the exporter, e.g. scripts/run.sh --web.listen-address=127.0.0.1:10768
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_build_deps
scripts/build-release.sh .build-release-static/port_usage_exporter
exec .build-release-static/port_usage_exporter "$@"
