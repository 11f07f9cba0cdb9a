"""What the tests of the shipped binary share: whether this run tests it, and the minimal Debian roots
(scripts/debian-root.sh, cached outside the checkout) that it runs and installs in.

scripts/test.sh runs the end-to-end suite twice: against the debug build, then against the release binary
that scripts/build-release.sh makes, with PUE_SHIPPED=1. The tests of what only the release binary
promises (its glibc floor, its shared libraries, the packages made from it) run in that second pass.
"""
import os
import subprocess

import pytest

from conftest import BINARY, REPO

SHIPPED = os.environ.get("PUE_SHIPPED") == "1"
shipped_only = pytest.mark.skipif(not SHIPPED, reason="tests the release binary (PUE_SHIPPED=1, scripts/test.sh)")


def debian_root(suite):
    """The path of a cached `debootstrap --variant=minbase` root of Debian `suite`, made on first use."""
    result = subprocess.run([REPO / "scripts" / "debian-root.sh", suite], capture_output=True, text=True,
                            timeout=1200)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def run_script(name, *args, env=None, timeout=900):
    """Runs scripts/`name` with PUE_BINARY naming the binary under test, which the packaging scripts copy
    (and ask for its shell completions) instead of building one."""
    return subprocess.run([REPO / "scripts" / name, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PUE_BINARY": str(BINARY), **(env or {})})


def in_root(root, *binds, hidden=()):
    """The command prefix that runs a program in `root`, as nobody:nogroup through the root's own setpriv:
    the root's /usr and /etc, a fresh /proc of the host's PID and network namespaces (the exporter sees the
    host's sockets), private /tmp and /dev, and `binds` (host paths: the binary, the test's files) read-only
    at the same paths; the files `hidden` (paths in the root) read as empty. Nothing of the host's
    libraries is visible."""
    return ["bwrap", "--ro-bind", f"{root}/usr", "/usr", "--ro-bind", f"{root}/etc", "/etc",
            *(arg for name in ("bin", "sbin", "lib", "lib64") for arg in ("--symlink", f"usr/{name}", f"/{name}")),
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--die-with-parent",
            *(arg for path in binds for arg in ("--ro-bind", str(path), str(path))),
            *(arg for path in hidden for arg in ("--ro-bind", "/dev/null", str(path))),
            "--", "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--inh-caps=-all",
            "--bounding-set=-all", "--no-new-privs"]
