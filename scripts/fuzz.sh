#!/usr/bin/env bash
# Fuzzes every parser of outside input with libFuzzer and AddressSanitizer: the /proc/net parser, the
# sock_diag reply parser and port filter, the cgroup paths that name a namespace's pod or container, the registry CSV reader, the policy YAML reader, the web configuration reader, the JSON reader of
# Prometheus replies and the HTTP request path (raw bytes to a live server).
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
  [FuzzProcNet]=seeds-procnet [FuzzSockDiag]=seeds-sockdiag [FuzzRegistryCSV]=seeds-csv [FuzzPolicyYAML]=seeds-yaml
  [FuzzWebConfig]=seeds-webconfig [FuzzHTTPRequest]=seeds-http [FuzzCgroupPath]=seeds-cgroup
  [FuzzPrometheusJSON]=seeds-json
)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzProcNet FuzzSockDiag FuzzCgroupPath FuzzRegistryCSV FuzzPolicyYAML FuzzWebConfig
  FuzzPrometheusJSON FuzzHTTPRequest)
flags=(-c debug --scratch-path .build-fuzz --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address)
for target in "${targets[@]}"; do
  [ -n "${seeds[$target]:-}" ] || { echo "unknown fuzz target: $target" >&2; exit 2; }
  swift build "${flags[@]}" --product "$target" 2>&1 | grep -vE "Cannot export local symbol" || true
done
bin=$(swift build "${flags[@]}" --show-bin-path)
work=.build-fuzz/corpus
for target in "${targets[@]}"; do mkdir -p "$work/$target"; done
# Every seed folder, since the seeds below are written whichever targets run.
for folder in "${seeds[@]}"; do mkdir -p "$work/$folder"; done

# Seeds: the captured tables (first byte picks the table, second the chunk size), a registry excerpt, the
# example policy and web config, small documents with aliases and deep nesting, and HTTP requests.
i=0
for table in tcp tcp6 udp udp6; do
  { printf "\\x$(printf %02x $i)\\x$(printf %02x $((17 * (i + 1))))"; cat "Tests/PortUsageCoreTests/Fixtures/proc/net/$table"; } \
    > "$work/seeds-procnet/$table"
  i=$((i + 1))
done
# sock_diag seeds: the captured dumps behind a byte with the table (tcp, tcp6, udp, udp6 = 0-3; +4 checks
# the port id), the dump's sequence number and the capture's port id 4242 (see Fixtures/netlink/README.md);
# and port sets for the filter (first byte 0x80, then the range bound, then little-endian ports).
sequence=0
for name in tcp4-listeners tcp6-listeners udp4-listeners udp6-listeners tcp4-connections tcp6-connections \
  tcp4-everything udp4-everything udp6-everything tcp4-connections-17101 unknown-protocol \
  tcp4-listeners-skmeminfo udp4-listeners-skmeminfo; do
  case $name in tcp4-* | unknown-*) table=4 ;; tcp6-*) table=5 ;; udp4-*) table=6 ;; udp6-*) table=7 ;; esac
  { printf "\\x$(printf %02x $table)\\x$(printf %02x $sequence)\\x00\\x01\\x00\\x92\\x10\\x00\\x00"
    cat "Tests/PortUsageCoreTests/Fixtures/netlink/$name.bin"; } > "$work/seeds-sockdiag/$name"
  sequence=$((sequence + 1))
done
printf '\x80\x1f\x50\x00\x51\x00\xbb\x01\x90\x1f\xff\xff\x00\x00\xcd\x42' > "$work/seeds-sockdiag/filter-small"
{ printf '\x80\x20'; for port in $(seq 1000 97 65000); do printf "$(printf '\\x%02x\\x%02x' $((port & 255)) $((port >> 8)))"; done; } \
  > "$work/seeds-sockdiag/filter-spread"
printf '0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0f1e2d3c_4b5a_6978_8695_a4b3c2d1e0f9.slice/cri-containerd-%s.scope\n' \
  "$(printf 'ab%.0s' {1..32})" > "$work/seeds-cgroup/pod"
printf '12:pids:/docker/%s\n0::/system.slice/docker-%s.scope\n' "$(printf '9a%.0s' {1..32})" "$(printf 'cd%.0s' {1..32})" \
  > "$work/seeds-cgroup/docker"
if [ -f ../shared/data/iana-service-names-port-numbers.csv ]; then
  head -c 20000 ../shared/data/iana-service-names-port-numbers.csv > "$work/seeds-csv/iana-head"
else
  echo "fuzz: ../shared/data/iana-service-names-port-numbers.csv is not beside this checkout; the registry CSV target is seeded with the small example only"
fi
printf 'Service Name,Port Number,Transport Protocol,Description\necho,7,,"a ""b"",\nc"\n' > "$work/seeds-csv/small"
cp Deploy/policy.example.yml "$work/seeds-yaml/example"
printf 'a: &a [*a]\nexpected:\n  - {port: 1-2, protocol: udp}\nservices: {"9/tcp": x}\n' > "$work/seeds-yaml/small"
printf 'watched_ranges: [system, user]\nexpected:\n  - {port: 22, protocol: tcp, unit: [ssh*.service], process: sshd, user: root, required: true}\n  - {port: 80, protocol: tcp, netns: "pod:*", process: "ng\\\\*x?"}\n' > "$work/seeds-yaml/owners"
printf '%.0s[' {1..70} > "$work/seeds-yaml/deep"
printf 'a: &a [x, {b: &b [y]}]\nc: [*a, *b, *a]\n' > "$work/seeds-yaml/aliases"
cp Deploy/web-config.example.yml "$work/seeds-webconfig/example"
printf 'tls_server_config: {cert_file: a, key_file: /b, client_auth_type: VerifyClientCertIfGiven, client_ca_file: c,\n  max_version: TLS13, cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256], curve_preferences: [X25519]}\nhttp_server_config: {http2: false, headers: {X-Frame-Options: deny}}\n' \
  > "$work/seeds-webconfig/small"
printf '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"port":"22","protocol":"tcp","unit":"ssh.service"},"value":[1712345678.123,"3"]}]},"warnings":["w"]}' \
  > "$work/seeds-json/vector"
printf '{"status":"error","errorType":"bad_data","error":"parse error at char 3: \\u00e9 \\ud83d\\ude00"}' > "$work/seeds-json/error"
printf '[-0.5e-3, 1E+2, 123456789012345678901234567890, "\\"\\\\\\/\\b\\f\\n\\r\\t", true, false, null, {}, []]' > "$work/seeds-json/values"
printf 'GET /metrics HTTP/1.1\r\nHost: a\r\nAccept: application/openmetrics-text\r\nAccept-Encoding: gzip\r\n\r\n' \
  > "$work/seeds-http/metrics"
for value in 1e10 inf nan -1 1e400 '' "$(printf '9%.0s' {1..100})"; do
  printf 'GET /metrics?collect[]=listeners HTTP/1.1\r\nHost: a\r\nX-Prometheus-Scrape-Timeout-Seconds: %s\r\n\r\n' "$value" \
    > "$work/seeds-http/timeout-${value:0:8}"
done
printf 'GET /metrics?exclude%%5B%%5D=process&collect[]=x HTTP/1.1\r\nHost: a\r\n\r\n' > "$work/seeds-http/filters"
printf 'POST /-/reload HTTP/1.1\r\nOrigin: http://a\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET http://a/ HTTP/1.0\r\n\r\n' \
  > "$work/seeds-http/pipelined"

# Runs one target; prints its executions and any finding, and fails on a finding.
run() {
  local target=$1 output
  local dictionary=()
  [ -f "Fuzz/$target/${target#Fuzz}.dict" ] && dictionary=(-dict="$PWD/Fuzz/$target/${target#Fuzz}.dict")
  output=$(cd .build-fuzz && SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$bin/$target" \
    -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 "${dictionary[@]}" "corpus/$target" \
    "corpus/${seeds[$target]}" 2>&1) \
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
