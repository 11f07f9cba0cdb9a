"""The shipped binary starts on glibc 2.28 and newer (RHEL 8, Debian 10, Ubuntu 18.10 on): it asks for no
symbol version above GLIBC_2.28, has no DT_RELR (glibc 2.36), and needs no shared library beyond glibc's
and libgcc_s. Read from the ELF file with binutils, as the loader would."""
import platform
import re
import subprocess

from conftest import BINARY
from shipped import shipped_only

pytestmark = shipped_only

FLOOR = (2, 28)
LOADERS = {"x86_64": "ld-linux-x86-64.so.2", "aarch64": "ld-linux-aarch64.so.1"}
ALLOWED_NEEDED = {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libgcc_s.so.1",
                  LOADERS[platform.machine()]}


def binutils(*args, path=BINARY):
    """What a binutils command says of the ELF file at `path` (read, not run)."""
    return subprocess.run([*args, str(path)], capture_output=True, text=True, check=True, timeout=60).stdout


def glibc_versions(text):
    """Every GLIBC_x.y[.z] named in `text`, as tuples."""
    return {tuple(int(part) for part in match.split(".")) for match in re.findall(r"GLIBC_(\d+(?:\.\d+)+)", text)}


def test_needed_libraries_are_only_glibc_and_libgcc_s():
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", binutils("readelf", "-d")))
    assert "libc.so.6" in needed
    assert needed <= ALLOWED_NEEDED, f"unexpected NEEDED entries: {sorted(needed - ALLOWED_NEEDED)}"


def test_no_packed_relative_relocations():
    dynamic = binutils("readelf", "-d")
    assert "(RELA)" in dynamic  # the table was read: relocations are there, in the classic form
    assert "(RELR" not in dynamic
    assert "GLIBC_ABI_DT_RELR" not in binutils("readelf", "-V")


def test_no_symbol_version_above_the_floor():
    symbols = binutils("objdump", "-T")
    needs = binutils("readelf", "-V")
    versions = glibc_versions(symbols) | glibc_versions(needs)
    assert (2, 2, 5) in versions or (2, 17) in versions  # the original ABI of x86-64, aarch64
    offenders = [line.split()[-1] + " " + line.split()[-2] for line in symbols.splitlines()
                 if any(version > FLOOR for version in glibc_versions(line))]
    assert max(versions) <= FLOOR, f"needs glibc {max(versions)}: {offenders[:20]}"
    assert not re.search(r"GLIBCXX_|CXXABI_", symbols + needs)  # libstdc++ is linked statically
