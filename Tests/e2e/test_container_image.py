"""The container image (Deploy/container/Dockerfile, FROM scratch) built by scripts/build-image.sh with podman
from the shipped binary, no registry involved, and run as the DaemonSet runs it: read-only, as 65534, on the
host's network. It serves /metrics with a listener the test holds on the host."""
import resource
import socket
import subprocess
import time
import urllib.request

import pytest
import yaml

from conftest import BINARY, REPO, free_port, samples_in
from shipped import run_script, shipped_only

pytestmark = shipped_only


def podman(*args, timeout=120):
    """podman with runc, which also runs on hosts with cgroup v1 and v2 controllers mixed, where crun
    refuses to."""
    return subprocess.run(["podman", "--runtime", "runc", *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def image():
    result = run_script("build-image.sh", "podman")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def test_the_daemonset_names_the_image_the_script_builds(image):
    daemonset = yaml.safe_load((REPO / "Deploy" / "kubernetes" / "daemonset.yaml").read_text())
    assert daemonset["spec"]["template"]["spec"]["containers"][0]["image"] == image


def test_the_image_holds_the_binary_and_runs_as_nobody(image):
    user = podman("image", "inspect", "--format", "{{.Config.User}}", image)
    assert user.stdout.strip() == "65534:65534", user
    size = int(podman("image", "inspect", "--format", "{{.Size}}", image).stdout)
    assert BINARY.stat().st_size < size < BINARY.stat().st_size + 8 * 2**20  # binary, glibc, libgcc_s, libcrypt


def test_runs_read_only_as_65534_on_the_host_network_and_sees_a_held_listener(image):
    with socket.socket() as held:
        held.bind(("127.0.0.1", free_port(low=42000, high=42999)))
        held.listen(1)
        port = free_port()
        name = f"pue-test-{port}"
        # Explicit limits: podman's defaults (1048576 files) need CAP_SYS_RESOURCE, which a sandboxed
        # runner may not have.
        files = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        started = podman("run", "--detach", "--rm", "--name", name, "--read-only", "--user", "65534:65534",
                         "--network", "host", "--cap-drop", "ALL", "--ulimit", f"nofile={files}:{files}",
                         "--ulimit", "nproc=4096:4096", image, f"--web.listen-address=127.0.0.1:{port}")
        assert started.returncode == 0, started.stderr
        try:
            text = scrape_when_ready(f"http://127.0.0.1:{port}", name)
            listeners = {dict(labels)["port"] for labels in samples_in(text, "port_usage_listeners")}
            assert str(held.getsockname()[1]) in listeners
            assert podman("exec", name, "/usr/bin/port_usage_exporter", "--version").stdout.startswith(
                "port_usage_exporter, version ")
            top = podman("top", name, "user").stdout.split()
            assert top[1:] == ["nobody"] or top[1:] == ["65534"], top
        finally:
            podman("rm", "--force", name)


def scrape_when_ready(base, name):
    deadline = time.monotonic() + 30
    while True:
        try:
            return urllib.request.urlopen(base + "/metrics", timeout=5).read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(podman("logs", name).stderr[-2000:])
            time.sleep(0.2)
