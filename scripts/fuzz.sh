#!/usr/bin/env bash
# Fuzzes the parsers of external input with libFuzzer and AddressSanitizer: the /proc/net parser and the
# registry CSV reader, the policy YAML reader and the web configuration reader. Usage: scripts/fuzz.sh
# [seconds per target, default 60]. A crash leaves crash-<sha1> in .build-fuzz/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_build_deps
seconds=${1:-60}
flags=(-c debug --scratch-path .build-fuzz --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address)
for target in FuzzProcNet FuzzRegistryCSV FuzzPolicyYAML FuzzWebConfig; do
  swift build "${flags[@]}" --product "$target" 2>&1 | grep -vE "Cannot export local symbol" || true
done
bin=$(swift build "${flags[@]}" --show-bin-path)
work=.build-fuzz/corpus
mkdir -p "$work/FuzzProcNet" "$work/FuzzRegistryCSV" "$work/FuzzPolicyYAML" "$work/FuzzWebConfig" "$work/seeds-procnet" \
  "$work/seeds-csv" "$work/seeds-yaml" "$work/seeds-webconfig"
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
cp Deploy/web-config.example.yml "$work/seeds-webconfig/example"
printf 'tls_server_config: {cert_file: a, key_file: /b, client_auth_type: VerifyClientCertIfGiven, client_ca_file: c,\n  max_version: TLS13, cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256], curve_preferences: [X25519]}\nhttp_server_config: {http2: false, headers: {X-Frame-Options: deny}}\n' \
  > "$work/seeds-webconfig/small"
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
run FuzzWebConfig seeds-webconfig
if ls .build-fuzz/crash-* >/dev/null 2>&1; then
  echo "fuzzing found crashes:" && ls .build-fuzz/crash-*
  exit 1
fi
exit $status
