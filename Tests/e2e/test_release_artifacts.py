"""scripts/package.sh on the shipped binary: the tarball in node_exporter's layout with its checksums, and
the Debian package, lintian-clean, installed and purged in bare Debian 11 and Debian 12 roots."""
import platform
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest

from conftest import BINARY, REPO
from shipped import debian_root, in_root, run_script, shipped_only

pytestmark = shipped_only
NAME = "port_usage_exporter"
PACKAGE = "port-usage-exporter"
VERSION = (REPO / "VERSION").read_text().strip()
ARCH = {"x86_64": "amd64", "aarch64": "arm64"}[platform.machine()]
CONFFILES = [f"/etc/default/{NAME}", f"/etc/default/{NAME}-push", f"/etc/{NAME}/policy.yml"]


def run(*args, **kwargs):
    return subprocess.run([str(arg) for arg in args], capture_output=True, text=True, timeout=600, **kwargs)


@pytest.fixture(scope="module")
def dist():
    with tempfile.TemporaryDirectory(prefix="pue-dist-") as path:
        result = run_script("package.sh", env={"PUE_DIST": path})
        assert result.returncode == 0, result.stderr
        yield Path(path)


def test_dist_holds_the_tarball_the_package_and_their_checksums(dist):
    tarball, deb = f"{NAME}-{VERSION}.linux-{ARCH}.tar.gz", f"{PACKAGE}_{VERSION}_{ARCH}.deb"
    assert sorted(path.name for path in dist.iterdir()) == sorted([tarball, deb, "sha256sums.txt"])
    check = run("sha256sum", "--check", "--strict", "sha256sums.txt", cwd=dist)
    assert check.returncode == 0 and set(check.stdout.splitlines()) == {f"{tarball}: OK", f"{deb}: OK"}


def test_the_tarball_is_one_folder_with_the_binary_and_its_documents(dist):
    folder = f"{NAME}-{VERSION}.linux-{ARCH}"
    with tarfile.open(dist / f"{folder}.tar.gz") as archive:
        members = {member.name: member for member in archive.getmembers()}
        top = {name.split("/")[1] for name in members if "/" in name}
        assert {name.split("/")[0] for name in members} == {folder}
        assert top == {NAME, "LICENSE", "NOTICE", "README.md", "CHANGELOG.md", "Deploy", "Dashboards"}
        binary = members[f"{folder}/{NAME}"]
        assert binary.mode & 0o111 and binary.uid == 0 and binary.size == BINARY.stat().st_size
        assert f"{folder}/Deploy/systemd/{NAME}.service" in members
        assert "Apache License" in archive.extractfile(f"{folder}/LICENSE").read().decode()


def deb_path(dist):
    return dist / f"{PACKAGE}_{VERSION}_{ARCH}.deb"


def test_the_package_holds_units_conffiles_and_completions(dist):
    info = run("dpkg-deb", "--info", deb_path(dist)).stdout
    assert f"Package: {PACKAGE}\n" in info and f"Version: {VERSION}\n" in info and "Depends: libc6 (>= 2.28)" in info
    with tempfile.TemporaryDirectory() as control:
        run("dpkg-deb", "--control", deb_path(dist), control)
        assert (Path(control) / "conffiles").read_text().split() == sorted(CONFFILES)
    contents = run("dpkg-deb", "--contents", deb_path(dist)).stdout
    for path in [f"./usr/bin/{NAME}", f"./lib/systemd/system/{NAME}.service", f"./lib/systemd/system/{NAME}-push.service",
                 f"./lib/systemd/system/{NAME}-push.timer", f"./usr/share/bash-completion/completions/{NAME}",
                 f"./usr/share/zsh/vendor-completions/_{NAME}", f"./usr/share/fish/vendor_completions.d/{NAME}.fish",
                 f"./usr/share/doc/{PACKAGE}/copyright", *(f".{path}" for path in CONFFILES)]:
        assert f" {path}\n" in contents, path
    assert "root/root" in contents and "/usr/local" not in contents


def test_lintian_finds_nothing_but_the_explained_overrides(dist):
    result = run("lintian", "--fail-on", "error,warning", deb_path(dist))
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr
    shown = run("lintian", "--show-overrides", deb_path(dist)).stdout.splitlines()
    overridden = sorted(line for line in shown if not line.startswith("N:"))
    assert overridden == [f"O: {PACKAGE}: embedded-library libyaml [usr/bin/{NAME}]",
                          f"O: {PACKAGE}: embedded-library zlib [usr/bin/{NAME}]",
                          f"O: {PACKAGE}: no-manual-page [usr/bin/{NAME}]"]


@pytest.mark.parametrize("suite", ["bullseye", "bookworm"])
def test_installs_runs_and_purges_cleanly(dist, suite):
    with tempfile.TemporaryDirectory(prefix=f"pue-{suite}-") as scratch:
        root = Path(scratch) / "root"
        assert run("cp", "-a", debian_root(suite), root).returncode == 0
        before = files_of(root)
        shutil.copy(deb_path(dist), root / "tmp" / "package.deb")
        installed = run("chroot", root, "dpkg", "--install", "/tmp/package.deb")
        assert installed.returncode == 0, installed.stdout + installed.stderr
        unit = (root / "lib" / "systemd" / "system" / f"{NAME}.service").read_text()
        assert f"ExecStart=/usr/bin/{NAME} $PORT_USAGE_EXPORTER_ARGS" in unit
        version = run(*in_root(root), f"/usr/bin/{NAME}", "--version")
        assert version.returncode == 0 and version.stdout.startswith(f"{NAME}, version {VERSION} "), version
        assert run("chroot", root, "dpkg-query", "--show", "--showformat=${Status}", PACKAGE).stdout == \
            "install ok installed"
        purged = run("chroot", root, "dpkg", "--purge", PACKAGE)
        assert purged.returncode == 0, purged.stdout + purged.stderr
        (root / "tmp" / "package.deb").unlink()
        assert files_of(root) == before


def files_of(root):
    """Every path in `root` but dpkg's and apt's own bookkeeping."""
    return {path for path in (str(p.relative_to(root)) for p in root.rglob("*"))
            if not path.startswith(("var/lib/dpkg", "var/log", "var/cache"))}
