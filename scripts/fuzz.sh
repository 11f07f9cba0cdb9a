#!/usr/bin/env bash
# Fuzzes the parsers of external input with libFuzzer and AddressSanitizer: the /proc/net parser and the
# registry CSV reader, the policy YAML reader, and the HTTP request path (raw bytes to a live server). Usage: scripts/fuzz.sh [seconds per target, default 60]. A crash leaves
# crash-<sha1> in .build-fuzz/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_build_deps
seconds=${1:-60}
flags=(-c debug --scratch-path .build-fuzz --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address)
for target in FuzzProcNet FuzzRegistryCSV FuzzPolicyYAML FuzzHTTPRequest; do
  swift build "${flags[@]}" --product "$target" 2>&1 | grep -vE "Cannot export local symbol" || true
done
bin=$(swift build "${flags[@]}" --show-bin-path)
work=.build-fuzz/corpus
mkdir -p "$work/FuzzProcNet" "$work/FuzzRegistryCSV" "$work/FuzzPolicyYAML" "$work/seeds-procnet" "$work/seeds-csv" \
  "$work/seeds-yaml" "$work/FuzzHTTPRequest" "$work/seeds-http"
# Seeds: the captured tables (first byte picks the table, second the chunk size) and a registry excerpt.
i=0
for table in tcp tcp6 udp udp6; do
  { printf "\\x$(printf %02x $i)\\x$(printf %02x $((17 * (i + 1))))"; cat "Tests/PortUsageCoreTests/Fixtures/proc/net/$table"; } \
    > "$work/seeds-procnet/$table"
  i=$((i + 1))
done
if [ -f ../shared/data/iana-service-names-port-numbers.csv ]; then
  head -c 20000 ../shared/data/iana-service-names-port-numbers.csv > "$work/seeds-csv/iana-head"
fi
printf 'Service Name,Port Number,Transport Protocol,Description\necho,7,,"a ""b"",\nc"\n' > "$work/seeds-csv/small"
cp Deploy/policy.example.yml "$work/seeds-yaml/example"
printf 'a: &a [*a]\nexpected:\n  - {port: 1-2, protocol: udp}\nservices: {"9/tcp": x}\n' > "$work/seeds-yaml/small"
printf 'GET /metrics HTTP/1.1\r\nHost: a\r\nAccept: application/openmetrics-text\r\nAccept-Encoding: gzip\r\n\r\n' \
  > "$work/seeds-http/metrics"
printf 'POST /-/reload HTTP/1.1\r\nOrigin: http://a\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET http://a/ HTTP/1.0\r\n\r\n' \
  > "$work/seeds-http/pipelined"
printf '%.0s[' {1..70} > "$work/seeds-yaml/deep"
printf 'a: &a [x, {b: &b [y]}]\nc: [*a, *b, *a]\n' > "$work/seeds-yaml/aliases"
status=0
run() {
  local target=$1 seeds=$2
  echo "== $target, ${seconds}s"
  (cd .build-fuzz && SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$bin/$target" \
      -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 "corpus/$target" "corpus/$seeds" 2>&1 \
      | grep -E "^#[0-9]+ +DONE|stat::number_of_executed_units|ERROR|crash-|Test unit written" ) || status=1
}
run FuzzProcNet seeds-procnet
run FuzzRegistryCSV seeds-csv
run FuzzPolicyYAML seeds-yaml
run FuzzHTTPRequest seeds-http
if ls .build-fuzz/crash-* >/dev/null 2>&1; then
  echo "fuzzing found crashes:" && ls .build-fuzz/crash-*
  exit 1
fi
exit $status
