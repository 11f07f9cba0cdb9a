"""--web.listen-address: the all-interfaces form, IPv6 literals, and repeats."""
import socket
import subprocess
import time
import urllib.request

from conftest import exporter_command, free_port


def wait_ready(url, process):
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read()
        try:
            return urllib.request.urlopen(url, timeout=2).status
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{url} never answered")


def serve(*addresses):
    return subprocess.Popen(exporter_command(*[f"--web.listen-address={a}" for a in addresses]),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_all_interfaces_form_answers_on_ipv4_and_ipv6_loopback():
    port = free_port()
    process = serve(f":{port}")
    try:
        assert wait_ready(f"http://127.0.0.1:{port}/-/healthy", process) == 200
        assert urllib.request.urlopen(f"http://[::1]:{port}/-/healthy", timeout=5).status == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_repeated_addresses_each_serve_metrics():
    v4, v6 = free_port(), free_port(socket.AF_INET6)
    process = serve(f"127.0.0.1:{v4}", f"[::1]:{v6}")
    try:
        wait_ready(f"http://127.0.0.1:{v4}/-/ready", process)
        for url in [f"http://127.0.0.1:{v4}/metrics", f"http://[::1]:{v6}/metrics"]:
            body = urllib.request.urlopen(url, timeout=10).read().decode()
            assert "port_usage_exporter_build_info{" in body
    finally:
        process.terminate()
        process.wait(timeout=10)
    log = process.stderr.read()
    assert f"address=127.0.0.1:{v4}" in log and f"address=[::1]:{v6}" in log
    assert 'msg="shutting down" signal=SIGTERM' in log
