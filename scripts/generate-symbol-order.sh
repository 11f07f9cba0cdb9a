#!/usr/bin/env bash
# generate-symbol-order.sh — build an lld --symbol-ordering-file for port_usage_exporter
#
# Usage:
#   generate-symbol-order.sh <unstripped-binary> <output-file>
#
# It runs the binary under valgrind and records every function the program executes, in order of
# first execution, across two runs:
#   run 1 (default collectors): start-up, 3 scrapes of /metrics (plain; Accept-Encoding: gzip;
#         Accept: application/openmetrics-text;version=1.0.0), GET / (landing page), SIGTERM.
#   run 2 (--collector.sockets --collector.ephemeral): the same requests.
# The output has one mangled symbol name per line (run 1's order, then run 2's new functions).
# A side file <output-file>.details.tsv lists order, address, size, symbol type and name.
#
# How functions are found: valgrind's core translates every superblock (SB) once, when it is first
# executed. With --trace-flags/--trace-notbelow=0 it prints a header for every translation:
#   ==== SB 2838 (evchecks 197370) [tid 1] 0x505370 <fn> /path/binary+0x3fd370
# "+0x..." is the ELF virtual address inside the binary. --vex-guest-chase=no keeps valgrind from
# folding a callee into its caller's SB, so each function's entry gets its own SB. SBs are numbered
# in translation order (valgrind serializes threads), which gives first-execution order. We map the
# addresses to symbols ourselves with `nm`, so valgrind's own symbol names are not needed.
#
# Environment knobs (all optional):
#   VALGRIND=valgrind       valgrind binary
#   NM=nm                   nm used to read the symbol table (GNU nm or llvm-nm)
#   OBJCOPY=...             objcopy used to drop DWARF (default: objcopy, else llvm-objcopy)
#   START_TIMEOUT=600       seconds to wait for the exporter to listen under valgrind
#   REQUEST_TIMEOUT=300     curl --max-time per request
#   KEEP_TMP=1              keep the temporary directory (logs, raw SB lists) for inspection
#
# Pitfalls handled:
#   * valgrind 3.19 cannot parse the DWARF 5 the swift 6.3 toolchain emits ("Possibly corrupted
#     debuginfo file ... I can't recover") and aborts. We run a copy with --strip-debug (symbol
#     table kept, addresses unchanged) and read symbols from the original.
#   * The exporter is PIE; valgrind loads it at a bias, but the "+0x..." offset it prints is the
#     unbiased ELF address, so it matches `nm` directly.
#   * Several symbols may share one address (aliases); we prefer a global name over a local one
#     because lld applies an ordering entry for a local name to every object defining that name.
#     Names are written once (about 50 executed "...Tm"/value-witness helpers exist as several
#     local copies with one name).
#   * ~1300 executed SB addresses (a few hundred small private functions, e.g. value witnesses
#     emitted with .L-private labels) have no symbol in .symtab and cannot be listed; they move
#     only together with the input section that holds them.
#   * lld orders input *sections*: a listed function in an object's plain .text drags that
#     object's whole .text along (see estimate-gain.py).
set -euo pipefail

die() { echo "generate-symbol-order: $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

[[ $# -eq 2 ]] || die "usage: $0 <unstripped-binary> <output-file>"
BIN=$(readlink -f "$1")
OUT=$2
[[ -x $BIN ]] || die "not an executable: $BIN"

VALGRIND=${VALGRIND:-valgrind}
NM=${NM:-nm}
START_TIMEOUT=${START_TIMEOUT:-600}
REQUEST_TIMEOUT=${REQUEST_TIMEOUT:-300}
if [[ -z ${OBJCOPY:-} ]]; then
  if command -v objcopy >/dev/null; then OBJCOPY=objcopy
  elif command -v llvm-objcopy >/dev/null; then OBJCOPY=llvm-objcopy
  else die "need objcopy or llvm-objcopy (set OBJCOPY)"; fi
fi
for tool in "$VALGRIND" "$NM" "$OBJCOPY" curl readelf perl mkfifo; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done

TMP=$(mktemp -d /tmp/symorder.XXXXXX)
VG_PID=""; READER_PID=""
cleanup() {
  # Stop only the processes this script started, by PID.
  if [[ -n $VG_PID ]] && kill -0 "$VG_PID" 2>/dev/null; then kill -KILL "$VG_PID" 2>/dev/null || true; fi
  if [[ -n $READER_PID ]] && kill -0 "$READER_PID" 2>/dev/null; then kill "$READER_PID" 2>/dev/null || true; fi
  if [[ ${KEEP_TMP:-0} == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# --- 1. copy of the binary without DWARF ----------------------------------------------------------
# The copy gets its own name so that somebody else's `pkill port_usage_exporter` on this machine
# does not stop our run (it happened once while this script was written).
RUNBIN="$TMP/symorder-target"
log "copying $BIN without debug info"
"$OBJCOPY" --strip-debug "$BIN" "$RUNBIN"
# Sanity: the program headers (load addresses) must be identical.
cmp -s <(readelf -lW "$BIN" | grep -E '^\s+LOAD') <(readelf -lW "$RUNBIN" | grep -E '^\s+LOAD') \
  || die "strip-debug changed the LOAD segments; cannot map addresses"

# --- 2. a free loopback port ------------------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  if command -v python3 >/dev/null; then
    p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || true)
    [[ -n $p ]] && { echo "$p"; return 0; }
  fi
  for p in $(shuf -i 20000-29999 -n 200); do port_in_use "$p" || { echo "$p"; return 0; }; done
  return 1
}

# --- 3. one valgrind run -------------------------------------------------------------------------
stop_run() {  # stop what run_once started (by PID), after a failure
  if [[ -n $VG_PID ]] && kill -0 "$VG_PID" 2>/dev/null; then kill -KILL "$VG_PID" 2>/dev/null || true; fi
  [[ -n $VG_PID ]] && { wait "$VG_PID" 2>/dev/null || true; }
  [[ -n $READER_PID ]] && { wait "$READER_PID" 2>/dev/null || true; }
  VG_PID=""; READER_PID=""
}
fail() { echo "generate-symbol-order: $*" >&2; return 1; }

# run_once <name> <exporter flags...>; writes $TMP/<name>.sb (ordered, unique ELF addresses, hex).
# Returns non-zero on any failure (the caller retries); set -e does not apply inside it because it
# is called in a `||` list, so every step checks its status explicitly.
run_once() {
  local name=$1; shift
  local port; port=$(free_port) || { fail "no free port"; return 1; }
  local url="http://127.0.0.1:$port"
  local fifo="$TMP/$name.fifo"
  rm -f "$fifo" "$TMP/$name.out" "$TMP/$name.vglog" "$TMP/$name.sb"
  mkfifo "$fifo" || return 1
  # valgrind's translation trace is huge (the generated code of every SB); keep only the SB headers
  # of the exporter itself plus valgrind's own "==PID==" messages. LC_ALL=C and -a: the stream is
  # not guaranteed to be valid UTF-8, and grep would otherwise stop at "binary file matches".
  LC_ALL=C grep -aE "^(==== SB .*/$(basename "$RUNBIN")[+]0x|==[0-9]+==)" <"$fifo" >"$TMP/$name.vglog" &
  READER_PID=$!
  log "run $name: starting under valgrind on 127.0.0.1:$port ($*)"
  local t0=$SECONDS
  # --trace-flags=00000010 (print code after register allocation) is one of the shorter dumps
  # that come with the "==== SB" header; --trace-notbelow=0 enables it from the first SB.
  "$VALGRIND" --tool=none --demangle=no --vex-guest-chase=no \
      --trace-flags=00000010 --trace-notbelow=0 --log-file="$fifo" \
      "$RUNBIN" --web.listen-address="127.0.0.1:$port" "$@" \
      >"$TMP/$name.out" 2>&1 &
  VG_PID=$!

  # Wait for the exporter's own "msg=listening" log line (no probe request, so the first request
  # the profile sees is the first scrape), or for it to die, or time out.
  local deadline=$((SECONDS + START_TIMEOUT))
  until grep -q 'msg=listening' "$TMP/$name.out" 2>/dev/null; do
    kill -0 "$VG_PID" 2>/dev/null || { cat "$TMP/$name.out" >&2; stop_run; fail "run $name: exporter exited during start-up"; return 1; }
    (( SECONDS < deadline )) || { stop_run; fail "run $name: not listening after ${START_TIMEOUT}s"; return 1; }
    sleep 0.5
  done
  log "run $name: listening after $((SECONDS - t0))s"

  # The requests to profile; -f turns an HTTP error status into a failure.
  local c=(curl -fsS --max-time "$REQUEST_TIMEOUT" -o /dev/null -w '%{http_code} %{size_download}B %{time_total}s')
  local r
  r=$("${c[@]}" "$url/metrics") || { stop_run; fail "run $name: GET /metrics failed"; return 1; }
  log "run $name: GET /metrics               -> $r"
  r=$("${c[@]}" -H 'Accept-Encoding: gzip' "$url/metrics") || { stop_run; fail "run $name: gzip scrape failed"; return 1; }
  log "run $name: GET /metrics (gzip)        -> $r"
  r=$("${c[@]}" -H 'Accept: application/openmetrics-text;version=1.0.0' "$url/metrics") || { stop_run; fail "run $name: openmetrics scrape failed"; return 1; }
  log "run $name: GET /metrics (openmetrics) -> $r"
  r=$("${c[@]}" "$url/") || { stop_run; fail "run $name: GET / failed"; return 1; }
  log "run $name: GET /                      -> $r"

  # A shutdown we did not ask for (someone else signalled it) makes the profile incomplete.
  if grep -q 'shutting down' "$TMP/$name.out"; then stop_run; fail "run $name: exporter was stopped by someone else"; return 1; fi
  kill -TERM "$VG_PID"
  local rc=0; wait "$VG_PID" || rc=$?
  VG_PID=""
  wait "$READER_PID" || true
  READER_PID=""
  log "run $name: exited rc=$rc after $((SECONDS - t0))s"
  (( rc == 0 )) || { tail -n 20 "$TMP/$name.out" >&2; fail "run $name: exit status $rc after SIGTERM"; return 1; }
  # "==== SB <n> (evchecks ..) [tid t] 0x<avma> <fn> <obj>+0x<elfaddr>" -> <elfaddr>, first-seen order
  sed -nE 's/^==== SB .*[+]0x([0-9a-f]+)$/\1/p' "$TMP/$name.vglog" | awk '!seen[$0]++' >"$TMP/$name.sb"
  [[ -s $TMP/$name.sb ]] || { fail "run $name: no superblocks recorded (see $TMP/$name.vglog)"; return 1; }
  log "run $name: $(wc -l <"$TMP/$name.sb") distinct superblocks in the binary"
}

run_with_retries() {
  local attempt
  for attempt in 1 2 3; do
    run_once "$@" && return 0
    log "run $1: attempt $attempt failed"
  done
  die "run $1: failed 3 times"
}

run_with_retries default
run_with_retries collectors --collector.sockets --collector.ephemeral

# --- 4. map addresses to symbols -------------------------------------------------------------------
log "mapping addresses to symbols"
# .text bounds: only code from .text is reorderable (drops .init/.fini/.plt).
read -r TEXT_ADDR TEXT_SIZE < <(readelf -SW "$BIN" | sed -nE 's/.*\] \.text +PROGBITS +([0-9a-f]+) +[0-9a-f]+ +([0-9a-f]+).*/\1 \2/p')
[[ -n ${TEXT_ADDR:-} ]] || die "no .text section in $BIN"
# nm -S: "<addr> <size> <type> <name>" (size absent for size-less symbols).
"$NM" -S --defined-only --no-demangle "$BIN" 2>/dev/null >"$TMP/nm.txt" || die "$NM failed"

cat "$TMP/default.sb" "$TMP/collectors.sb" | perl -e '
  use strict; use warnings;
  my ($nmfile, $tlo, $tsz, $out, $details) = @ARGV;
  my ($lo, $hi) = (hex($tlo), hex($tlo) + hex($tsz));
  my %best;   # addr -> [name, size, type, rank]
  open(my $nm, "<", $nmfile) or die;
  while (<$nm>) {
    chomp;
    my @f = split / /, $_, 4;
    my ($a, $s, $t, $n) = @f == 4 ? @f : ($f[0], undef, $f[1], $f[2]);
    next unless defined $n && $t =~ /^[TtWwi]$/;
    my $addr = hex($a); next if $addr < $lo || $addr >= $hi;
    my $size = defined $s ? hex($s) : 0;
    # prefer: global/weak over local, then sized over size-less, then the first seen
    my $rank = ($t =~ /^[TWwi]$/ ? 2 : 0) + ($size ? 1 : 0);
    if (!exists $best{$addr} || $rank > $best{$addr}[3]) { $best{$addr} = [$n, $size, $t, $rank]; }
  }
  my @addrs = sort { $a <=> $b } keys %best;
  my (%done, @order);
  my $unmapped = 0;
  while (my $x = <STDIN>) {
    chomp $x; my $v = hex($x);
    next if $v < $lo || $v >= $hi;
    # binary search: greatest symbol address <= v
    my ($l, $r) = (0, $#addrs);
    next if $v < $addrs[0];
    while ($l < $r) { my $m = int(($l + $r + 1) / 2); if ($addrs[$m] <= $v) { $l = $m } else { $r = $m - 1 } }
    my $sa = $addrs[$l];
    my ($n, $size) = @{$best{$sa}};
    if ($size && $v >= $sa + $size) { $unmapped++; next; }   # in padding / unnamed code
    next if $done{$sa}++;
    push @order, $sa;
  }
  open(my $o, ">", $out) or die; open(my $d, ">", $details) or die;
  print $d "order\taddress\tsize\ttype\tsymbol\n";
  my ($i, $tot, $dup) = (0, 0, 0);
  my %named;
  for my $sa (@order) {
    my ($n, $size, $t) = @{$best{$sa}};
    printf $d "%d\t0x%x\t%d\t%s\t%s\n", ++$i, $sa, $size, $t, $n; $tot += $size;
    # A name can belong to several local copies (e.g. merged "...Tm" helpers emitted per object);
    # lld wants each name once and then applies it to every copy.
    if ($named{$n}++) { $dup++; next; }
    print $o "$n\n";
  }
  print STDERR "executed functions whose name was already listed (local copies): $dup\n";
  printf STDERR "functions: %d, total size: %d bytes (%.1f KiB), 64 KiB windows if packed: %d, SB addresses outside any sized symbol: %d\n",
    scalar(@order), $tot, $tot / 1024, int(($tot + 65535) / 65536), $unmapped;
' "$TMP/nm.txt" "$TEXT_ADDR" "$TEXT_SIZE" "$TMP/order.txt" "$TMP/order.details.tsv"

mkdir -p "$(dirname "$OUT")"
mv "$TMP/order.txt" "$OUT"
mv "$TMP/order.details.tsv" "$OUT.details.tsv"
log "wrote $OUT ($(wc -l <"$OUT") symbols) and $OUT.details.tsv"
