#!/usr/bin/env bash
# Benchmark: builds release with a static Swift runtime (as deployed), then measures our collection against
# `cat` of the same files and `ss -tuan` in the same run, and the exporter's peak RSS on a 100k-line procfs.
# Exits 1 when a budget (scrape <= 1.1x cat on /proc; peak RSS <= 25 MiB; stripped binary <= 30 MB) is
# exceeded.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_build_deps
ensure_apt iproute2:ss
scripts/stamp-build-info.sh
flags=(-c release --static-swift-stdlib --scratch-path .build-release-static)
swift build "${flags[@]}" --product port_usage_exporter
swift build "${flags[@]}" --product PortUsageBenchmark
bin=$(swift build "${flags[@]}" --show-bin-path)
strip -o "$bin/port_usage_exporter.stripped" "$bin/port_usage_exporter"
size=$(stat -c %s "$bin/port_usage_exporter.stripped")
status=0
if [ "$size" -le 30000000 ]; then verdict=ok; else verdict="OVER BUDGET"; status=1; fi
echo "static stripped binary: $(awk "BEGIN { printf \"%.1f\", $size / 1e6 }") MB (budget 30 MB): $verdict"
"$bin/PortUsageBenchmark" "$bin/port_usage_exporter" || status=$?
exit "$status"
