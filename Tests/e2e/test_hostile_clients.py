"""Hostile and unlucky clients: the exporter keeps answering scrapes, its memory stays bounded, it never
spins, and it shuts down promptly. Limits are set low so that each case runs in seconds.

Figures before the limits existed (2 cores): 1,100 idle connections under `ulimit -n 1024` spun the accept
loop at 100% CPU; 1,000 connections that never finished their headers held 251 MB; one client pipelining
`GET /metrics` without reading drove RSS to 436 MB.
"""
import os
import resource
import signal
import socket
import subprocess
import threading
import time
import urllib.request

import pytest

from conftest import Exporter

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def open_files_limit(pid):
    for line in open(f"/proc/{pid}/limits"):
        if line.startswith("Max open files"):
            return int(line.split()[3])
    raise AssertionError("no limit")


@pytest.fixture
def many_descriptors():
    """Lets the test process hold thousands of client sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 20000), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def connect(port, payload=b""):
    client = socket.create_connection(("127.0.0.1", port), timeout=5)
    if payload:
        client.sendall(payload)
    return client


def scrape_ok(exporter, timeout=5):
    with urllib.request.urlopen(exporter.base + "/metrics", timeout=timeout) as response:
        return response.status == 200 and b"port_usage_exporter_build_info" in response.read()


def test_idle_connections_past_the_descriptor_limit_neither_spin_nor_block_scrapes(many_descriptors):
    # The exporter gets 128 descriptors and cannot raise them: its connection cap is fitted below that.
    with Exporter("--web.max-connections=1000", nofile=128) as exporter:
        pid = exporter.process.pid
        assert open_files_limit(pid) == 128
        clients = [connect(exporter.port) for _ in range(300)]
        try:
            time.sleep(0.5)
            before = cpu_seconds(pid)
            time.sleep(1.0)
            busy = cpu_seconds(pid) - before
            assert busy < 0.2, f"the exporter used {busy:.2f} s of CPU in 1 s with idle clients"
            assert scrape_ok(exporter)
            open_descriptors = len(os.listdir(f"/proc/{pid}/fd"))
            assert open_descriptors < 128
        finally:
            for client in clients:
                client.close()
        log = exporter.log_text()
        assert "connection limit reached; closing the oldest idle connection" in log
        assert "max_connections=64" in log


def test_thousands_of_idle_connections_hold_bounded_memory(many_descriptors):
    with Exporter("--web.max-connections=256") as exporter:
        pid = exporter.process.pid
        baseline = rss_mib(pid)
        clients = [connect(exporter.port) for _ in range(8000)]
        try:
            assert scrape_ok(exporter)
            held = rss_mib(pid) - baseline
            assert held < 15, f"8,000 idle connections held {held:.1f} MiB"
            assert len(os.listdir(f"/proc/{pid}/fd")) < 256 + 64
        finally:
            for client in clients:
                client.close()


def test_headers_that_never_finish_are_cut_and_hold_bounded_memory(many_descriptors):
    with Exporter("--web.read-header-timeout=1s", "--web.max-connections=256") as exporter:
        pid = exporter.process.pid
        baseline = rss_mib(pid)
        clients = [connect(exporter.port, b"GET /metrics HTTP/1.1\r\nX-Slow: " + b"a" * 8000) for _ in range(1000)]
        try:
            assert scrape_ok(exporter)
            held = rss_mib(pid) - baseline
            assert held < 20, f"1,000 unfinished requests held {held:.1f} MiB"
            time.sleep(2.0)
            closed = 0
            for client in clients:
                client.settimeout(0.01)
                try:
                    closed += client.recv(1) == b""
                except (socket.timeout, ConnectionResetError):
                    closed += 1
            assert closed == len(clients)
        finally:
            for client in clients:
                client.close()


def test_a_client_that_pipelines_and_never_reads_costs_a_bounded_amount():
    with Exporter() as exporter:
        pid = exporter.process.pid
        baseline = rss_mib(pid)
        request = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
        client = connect(exporter.port)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.settimeout(0.2)
        sent = 0
        deadline = time.monotonic() + 3
        try:
            while time.monotonic() < deadline:
                try:
                    sent += client.send(request * 100)
                except socket.timeout:
                    pass  # the exporter stopped reading: the backpressure under test
            held = rss_mib(pid) - baseline
            assert sent >= len(request) * 100
            assert held < 20, f"a non-reading client held {held:.1f} MiB after sending {sent} bytes"
            assert scrape_ok(exporter)
        finally:
            client.close()


def test_an_oversized_request_head_is_refused_with_431():
    with Exporter("--web.max-header-bytes=1024") as exporter:
        client = connect(exporter.port, b"GET /metrics HTTP/1.1\r\nX-Big: " + b"b" * 4000 + b"\r\n\r\n")
        answer = client.recv(4096)
        client.close()
        assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
        assert scrape_ok(exporter)


def test_sigterm_during_a_scrape_storm_exits_0_promptly():
    for run in range(10):
        with Exporter() as exporter:
            stop = threading.Event()

            def storm():
                while not stop.is_set():
                    try:
                        urllib.request.urlopen(exporter.base + "/metrics", timeout=2).read()
                    except OSError:
                        pass

            workers = [threading.Thread(target=storm) for _ in range(8)]
            for worker in workers:
                worker.start()
            time.sleep(0.5)
            start = time.monotonic()
            exporter.process.send_signal(signal.SIGTERM)
            code = exporter.process.wait(timeout=10)
            elapsed = time.monotonic() - start
            stop.set()
            for worker in workers:
                worker.join()
            log = exporter.log_text()
            assert code == 0, (run, log[-2000:])
            assert elapsed < 5, (run, elapsed)
            assert "Cannot schedule tasks" not in log, (run, log[-2000:])
            assert "shut down" in log


def test_a_blocked_table_read_fails_its_collector_and_the_rest_is_served(proc_copy):
    # A FIFO with no writer: a plain open() of it blocks forever.
    (proc_copy / "net" / "tcp6").unlink()
    os.mkfifo(proc_copy / "net" / "tcp6")
    with Exporter(f"--path.procfs={proc_copy}", "--web.scrape-timeout=1s") as exporter:
        start = time.monotonic()
        success = {dict(labels)["collector"]: value
                   for labels, value in exporter.samples("port_usage_scrape_collector_success").items()}
        assert time.monotonic() - start < 3
        assert success == {"listeners": 0, "connections": 0, "changes": 0, "owners": 0, "process": 1,
                           "saturation": 0}
        start = time.monotonic()
        exporter.process.send_signal(signal.SIGTERM)
        assert exporter.process.wait(timeout=10) == 0
        assert time.monotonic() - start < 5
