#!/usr/bin/env bash
# Writes .build/build-info.h with the version (the file VERSION: the one place it is set), git revision
# and Swift version that port_usage_exporter_build_info and --version report. Rewrites it (and touches the
# C file that includes it) only when it changes, so an unchanged tree does not rebuild. With --release,
# fails when the revision is unknown: a released binary always names the commit it was built from.
set -euo pipefail
cd "$(dirname "$0")/.."
revision=${PUE_REVISION:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)}
if [ -z "${PUE_REVISION:-}" ] && [ "$revision" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  revision="$revision-dirty"
fi
if [ "${1:-}" = --release ] && [ "$revision" = unknown ]; then
  echo "error: no git revision: build from a git checkout or set PUE_REVISION" >&2
  exit 1
fi
swift_version=$(swift --version 2>&1 | sed -n 's/.*Swift version \([0-9][0-9.]*\).*/\1/p' | head -n 1)
version=$(cat VERSION)
header=".build/build-info.h"
content="#define PUE_VERSION \"$version\"
#define PUE_REVISION \"$revision\"
#define PUE_SWIFT_VERSION \"${swift_version:-unknown}\""
mkdir -p .build
if [ ! -f "$header" ] || [ "$(cat "$header")" != "$content" ]; then
  printf '%s\n' "$content" > "$header"
  touch Sources/CBuildInfo/CBuildInfo.c
fi
