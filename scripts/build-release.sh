#!/usr/bin/env bash
# Builds the exporter as it ships: release, static Swift runtime, linked for a small resident set, and
# installs it stripped at OUTPUT (default .build-release-static/port_usage_exporter). Used by
# scripts/package.sh, scripts/build-image.sh, scripts/run.sh, scripts/bench.sh and scripts/test.sh; extra
# arguments go to `swift build`. Needs a git checkout (or PUE_REVISION): --version names the revision.
#
# The flags are release_flags in scripts/lib.sh (prepare_release_flags): portable to glibc 2.28.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
output=${1:-.build-release-static/port_usage_exporter}
[ $# -gt 0 ] && shift
scripts/stamp-build-info.sh --release
prepare_release_flags
swift build "${release_flags[@]}" --product port_usage_exporter "$@"
bin=$(swift build "${release_flags[@]}" --show-bin-path)
mkdir -p "$(dirname "$output")"
strip -o "$output" "$bin/port_usage_exporter"
