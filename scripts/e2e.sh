#!/usr/bin/env bash
# Runs the end-to-end tests (Tests/e2e, with the venv scripts/test.sh makes) against BINARY:
#   scripts/e2e.sh BINARY [PYTEST ARGUMENTS...]
# With PUE_SHIPPED=1 in the environment, also the tests of what only the shipped binary promises (see
# Tests/e2e/shipped.py). As root, the tests run the exporter as nobody, which must reach the binary and the
# checkout's files: a checkout below a directory nobody cannot enter (/root) is tested from a copy that it
# can.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$1
shift
venv=$PWD/.build/venv
e2e=$PWD
if [ "$(id -u)" -eq 0 ] && ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$PWD/$binary"; then
  e2e=$(mktemp -d /tmp/pue-e2e-XXXXXX)
  trap 'rm -rf "$e2e"' EXIT
  chmod 0755 "$e2e"
  echo "nobody cannot reach $PWD: running the end-to-end tests from a copy in $e2e"
  git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$e2e"
  install -D -m 0755 "$binary" "$e2e/$binary"
fi
cd "$e2e"
PUE_BINARY="$binary" "$venv/bin/python" -m pytest -q -rs -p no:cacheprovider Tests/e2e "$@"
