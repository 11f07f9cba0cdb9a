#!/usr/bin/env bash
# Builds the exporter as it ships: release, static Swift runtime, linked for a small resident set, and
# installs it stripped at OUTPUT (default .build-release-static/port_usage_exporter). Used by the
# Dockerfile, scripts/run.sh and scripts/bench.sh; extra arguments go to `swift build`.
#
# The flags are release_flags in scripts/lib.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
output=${1:-.build-release-static/port_usage_exporter}
[ $# -gt 0 ] && shift
scripts/stamp-build-info.sh
swift build "${release_flags[@]}" --product port_usage_exporter "$@"
bin=$(swift build "${release_flags[@]}" --show-bin-path)
mkdir -p "$(dirname "$output")"
strip -o "$output" "$bin/port_usage_exporter"
