# Helpers shared by the scripts: install what is missing, nothing more.
# shellcheck shell=bash

# Installs the Debian packages named whose command or file is missing. Each argument is PACKAGE:PROBE,
# where PROBE is a command name or an absolute path that the package provides.
ensure_apt() {
  local missing=() pair package probe
  for pair in "$@"; do
    package=${pair%%:*}
    probe=${pair#*:}
    if [[ $probe == /* ]]; then [ -e "$probe" ] && continue; else command -v "$probe" >/dev/null 2>&1 && continue; fi
    missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  install_apt "${missing[@]}"
}

# Installs Debian packages, as root or through sudo.
install_apt() {
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing Debian packages: $*" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Fails with a clear message when no Swift 6.1+ toolchain is on PATH (Debian has no package for it).
ensure_swift() {
  if ! command -v swift >/dev/null 2>&1; then
    echo "error: swift is not on PATH. Install a Swift 6.1 or newer toolchain (https://www.swift.org/install/linux/) and retry." >&2
    exit 1
  fi
}

# Build dependencies of the exporter: zlib for gzip responses, libcurl for pushing, libyaml for the
# policy file, libcrypt (libxcrypt) for bcrypt in basic auth, a C compiler and pkg-config for the C targets.
ensure_build_deps() {
  ensure_swift
  ensure_apt zlib1g-dev:/usr/include/zlib.h libcurl4-openssl-dev:curl-config \
    libyaml-dev:/usr/include/yaml.h libcrypt-dev:/usr/include/crypt.h pkg-config:pkg-config gcc:gcc \
    libc6-dev:/usr/include/stdio.h
}

# How the shipped binary is built (scripts/build-release.sh, the Dockerfile through it, scripts/bench.sh):
# release, static Swift runtime, and linked for a small resident set. Measured with scripts/bench.sh: peak
# RSS 21.3 -> 18.8 MiB, stripped binary 27.2 -> 23.5 MB.
# - lld instead of gold, for the next flag;
# - -z pack-relative-relocs: the ~63,000 R_X86_64_RELATIVE relocations become a 12 KB DT_RELR table instead
#   of a 1.5 MB .rela.dyn that the loader reads at every start (needs glibc >= 2.36 at run time, Debian 12);
# - --no-export-dynamic: the Swift driver exports every symbol of a static-stdlib executable, but nothing
#   looks ours up by name, and the 20,000-entry dynamic symbol table is 1 MB more touched at load.
# shellcheck disable=SC2034
release_flags=(
  -c release --static-swift-stdlib --scratch-path .build-release-static
  -Xswiftc -use-ld=lld
  -Xlinker -z -Xlinker pack-relative-relocs
  -Xlinker --no-export-dynamic
)
