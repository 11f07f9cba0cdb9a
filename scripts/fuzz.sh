#!/usr/bin/env bash
# Fuzzes every parser of outside input with libFuzzer and AddressSanitizer: the /proc/net parser, the
# registry CSV reader, the policy YAML reader, the web configuration reader and the HTTP request path (raw
# bytes to a live server).
#
# Usage: scripts/fuzz.sh [seconds per target, default 60] [target ...]
#   FUZZ_JOBS=N runs N targets at once (default 1). The long run: FUZZ_JOBS=2 scripts/fuzz.sh 600
# Each target keeps its corpus in .build-fuzz/corpus/<target>. A crash leaves crash-<sha1> in .build-fuzz/
# and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_build_deps
seconds=${1:-60}
shift || true
declare -A seeds=(
  [FuzzProcNet]=seeds-procnet [FuzzRegistryCSV]=seeds-csv [FuzzPolicyYAML]=seeds-yaml
  [FuzzWebConfig]=seeds-webconfig [FuzzHTTPRequest]=seeds-http
)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzProcNet FuzzRegistryCSV FuzzPolicyYAML FuzzWebConfig FuzzHTTPRequest)
flags=(-c debug --scratch-path .build-fuzz --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address)
for target in "${targets[@]}"; do
  [ -n "${seeds[$target]:-}" ] || { echo "unknown fuzz target: $target" >&2; exit 2; }
  swift build "${flags[@]}" --product "$target" 2>&1 | grep -vE "Cannot export local symbol" || true
done
bin=$(swift build "${flags[@]}" --show-bin-path)
work=.build-fuzz/corpus
for target in "${targets[@]}"; do mkdir -p "$work/$target" "$work/${seeds[$target]}"; done

# Seeds: the captured tables (first byte picks the table, second the chunk size), a registry excerpt, the
# example policy and web config, small documents with aliases and deep nesting, and HTTP requests.
i=0
for table in tcp tcp6 udp udp6; do
  { printf "\\x$(printf %02x $i)\\x$(printf %02x $((17 * (i + 1))))"; cat "Tests/PortUsageCoreTests/Fixtures/proc/net/$table"; } \
    > "$work/seeds-procnet/$table"
  i=$((i + 1))
done
if [ -f ../shared/data/iana-service-names-port-numbers.csv ]; then
  head -c 20000 ../shared/data/iana-service-names-port-numbers.csv > "$work/seeds-csv/iana-head"
else
  echo "fuzz: ../shared/data/iana-service-names-port-numbers.csv is not beside this checkout; the registry CSV target is seeded with the small example only"
fi
printf 'Service Name,Port Number,Transport Protocol,Description\necho,7,,"a ""b"",\nc"\n' > "$work/seeds-csv/small"
cp Deploy/policy.example.yml "$work/seeds-yaml/example"
printf 'a: &a [*a]\nexpected:\n  - {port: 1-2, protocol: udp}\nservices: {"9/tcp": x}\n' > "$work/seeds-yaml/small"
printf '%.0s[' {1..70} > "$work/seeds-yaml/deep"
printf 'a: &a [x, {b: &b [y]}]\nc: [*a, *b, *a]\n' > "$work/seeds-yaml/aliases"
cp Deploy/web-config.example.yml "$work/seeds-webconfig/example"
printf 'tls_server_config: {cert_file: a, key_file: /b, client_auth_type: VerifyClientCertIfGiven, client_ca_file: c,\n  max_version: TLS13, cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256], curve_preferences: [X25519]}\nhttp_server_config: {http2: false, headers: {X-Frame-Options: deny}}\n' \
  > "$work/seeds-webconfig/small"
printf 'GET /metrics HTTP/1.1\r\nHost: a\r\nAccept: application/openmetrics-text\r\nAccept-Encoding: gzip\r\n\r\n' \
  > "$work/seeds-http/metrics"
printf 'POST /-/reload HTTP/1.1\r\nOrigin: http://a\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET http://a/ HTTP/1.0\r\n\r\n' \
  > "$work/seeds-http/pipelined"

# Runs one target; prints its executions and any finding, and fails on a finding.
run() {
  local target=$1 output
  output=$(cd .build-fuzz && SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$bin/$target" \
    -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 "corpus/$target" "corpus/${seeds[$target]}" 2>&1) \
    || { echo "== $target: FAILED"; grep -E "ERROR|crash-|Test unit written|panic|Fatal" <<<"$output" | head -20; return 1; }
  echo "== $target, ${seconds}s: $(grep -oE "stat::number_of_executed_units: [0-9]+" <<<"$output" | grep -oE "[0-9]+$") executions, corpus $(ls "$work/$target" | wc -l) inputs"
}
status=0
running=0
for target in "${targets[@]}"; do
  run "$target" &
  running=$((running + 1))
  if [ "$running" -ge "${FUZZ_JOBS:-1}" ]; then
    wait -n || status=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || status=1
  running=$((running - 1))
done
if ls .build-fuzz/crash-* >/dev/null 2>&1; then
  echo "fuzzing found crashes:" && ls .build-fuzz/crash-*
  exit 1
fi
exit $status
