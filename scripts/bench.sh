#!/usr/bin/env bash
# Benchmark: builds the exporter as shipped (release, static Swift runtime, the flags below) and a C
# sock_diag reference (Benchmarks/Reference/sockdiag_count.c), then measures on three live loopback
# populations (a: 1k listeners, 200 UDP, 10k connections; b: 5k, 1k, 100k; c: 15k, 2k, 300k) our scrapes
# beside the C reference, `ss` and `cat` of /proc/net, and the exporter's peak RSS beside node_exporter's.
# `scripts/bench.sh --memory [b|c]` measures populations b and c (or the one named): memory only, no budget.
# Exits 1 when a budget is exceeded: listeners only <= 1.5x C (b); listeners + connections <= 1.0x C (b);
# procfs scrape <= 1.1x cat (a); peak RSS <= 20 MiB (b) and <= node_exporter's (b, c); stripped binary <= 30 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_build_deps
ensure_apt iproute2:ss prometheus-node-exporter:prometheus-node-exporter
prepare_release_flags
bin=$(swift build "${release_flags[@]}" --show-bin-path)
scripts/build-release.sh "$bin/port_usage_exporter.stripped"
swift build "${release_flags[@]}" --product PortUsageBenchmark
cc -O2 -Wall -Wextra -o "$bin/sockdiag_count" Benchmarks/Reference/sockdiag_count.c
size=$(stat -c %s "$bin/port_usage_exporter.stripped")
status=0
if [ "$size" -le 30000000 ]; then verdict=ok; else verdict="OVER BUDGET"; status=1; fi
echo "static stripped binary: $(awk "BEGIN { printf \"%.1f\", $size / 1e6 }") MB (budget 30 MB): $verdict"
# The stripped binary is what ships (scripts/package.sh), so that is the one measured.
"$bin/PortUsageBenchmark" "$@" "$bin/port_usage_exporter.stripped" "$bin/sockdiag_count" \
  "$(command -v prometheus-node-exporter)" || status=$?
exit "$status"
