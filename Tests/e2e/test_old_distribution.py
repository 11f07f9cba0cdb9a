"""The shipped binary in a bare Debian 11 (glibc 2.31, `debootstrap --variant=minbase`: no libyaml, no
libcurl): it starts, serves /metrics with a listener the test holds, applies a policy, checks a bcrypt user
(libcrypt.so.1 is part of minbase), and `push` fails at start with one line naming libcurl, as basic auth
does with libcrypt hidden."""
import base64
import platform
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import bcrypt
import pytest

from conftest import BINARY, REPO, Daemon, Exporter, exporter_command, free_port
from shipped import debian_root, in_root, shipped_only
from test_policy import UNEXPECTED, ports_of, write_policy

pytestmark = shipped_only
LIBRARIES = f"usr/lib/{platform.machine()}-linux-gnu"


@pytest.fixture(scope="module")
def bullseye():
    root = Path(debian_root("bullseye"))
    assert (root / LIBRARIES / "libc-2.31.so").exists()
    return root


@pytest.fixture
def held_listener():
    """A TCP listener on a loopback user port, held by the test on the host."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", free_port(low=41000, high=41999)))
        sock.listen(1)
        yield str(sock.getsockname()[1])


def test_the_root_lacks_what_the_binary_must_not_need(bullseye):
    for library in ("libyaml-0.so.2", "libcurl.so.4"):
        assert not (bullseye / LIBRARIES / library).exists(), library
    assert (bullseye / LIBRARIES / "libcrypt.so.1").exists()


def test_serves_a_held_listener_and_applies_a_policy(bullseye, exporter_tmp, held_listener):
    policy = exporter_tmp / "policy.yml"
    write_policy(policy, "1")  # the held listener is not expected
    with Exporter(f"--policy.file={policy}", prefix=in_root(bullseye, BINARY, exporter_tmp)) as exporter:
        listeners = ports_of(exporter.samples("port_usage_listeners"))
        assert listeners[held_listener]["protocol"] == "tcp"
        assert listeners[held_listener]["exposure"] == "loopback"
        assert held_listener in ports_of(exporter.samples(UNEXPECTED))
        assert exporter.samples("port_usage_config_last_reload_successful") == {frozenset(): 1}


def test_checks_a_bcrypt_user(bullseye, exporter_tmp):
    password = "old-distro-Pa55"
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
    config = exporter_tmp / "web.yml"
    config.write_text(f"basic_auth_users:\n  alice: '{hashed}'\n")
    port = free_port()
    args = exporter_command(f"--web.listen-address=127.0.0.1:{port}", f"--web.config.file={config}",
                            prefix=in_root(bullseye, BINARY, exporter_tmp))
    good = {"Authorization": "Basic " + base64.b64encode(f"alice:{password}".encode()).decode()}
    bad = {"Authorization": "Basic " + base64.b64encode(b"alice:wrong").decode()}
    with Daemon(args, f"http://127.0.0.1:{port}/-/ready", exporter_tmp / "log", headers=good):
        assert status(f"http://127.0.0.1:{port}/metrics", good) == 200
        assert status(f"http://127.0.0.1:{port}/metrics", bad) == 401
        assert status(f"http://127.0.0.1:{port}/metrics", {}) == 401


def test_basic_auth_without_libcrypt_is_one_line_naming_it(bullseye, exporter_tmp):
    config = exporter_tmp / "web.yml"
    config.write_text("basic_auth_users:\n  alice: '$2y$04$" + "a" * 53 + "'\n")
    libcrypt = f"/{LIBRARIES}/libcrypt.so.1"
    args = exporter_command(f"--web.listen-address=127.0.0.1:{free_port()}", f"--web.config.file={config}",
                            prefix=in_root(bullseye, BINARY, exporter_tmp, hidden=[libcrypt]))
    result = subprocess.run(args, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{config}: basic_auth_users: libcrypt (libcrypt.so.1" in lines[0], result.stderr


def status(url, headers):
    """The HTTP status of a GET of `url` with `headers`."""
    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


def test_push_without_libcurl_is_one_line_naming_it(bullseye):
    args = exporter_command("push", f"--push.url=http://127.0.0.1:{free_port()}", prefix=in_root(bullseye, BINARY))
    result = subprocess.run(args, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "libcurl" in lines[0] and "libcurl.so.4" in lines[0], result.stderr


def test_version_names_the_revision(bullseye):
    args = exporter_command("--version", prefix=in_root(bullseye, BINARY))
    result = subprocess.run(args, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    version = (REPO / "VERSION").read_text().strip()
    assert result.stdout.startswith(f"port_usage_exporter, version {version} (revision: ")
    assert "unknown" not in result.stdout
