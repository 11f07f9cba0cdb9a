"""A real Prometheus server scrapes the exporter; its HTTP API sees the test's socket."""
import json
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from conftest import Exporter, free_port

PROMETHEUS = shutil.which("prometheus")


def query(base, expression):
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": expression})
    with urllib.request.urlopen(url, timeout=5) as response:
        payload = json.load(response)
    assert payload["status"] == "success", payload
    return payload["data"]["result"]


def test_prometheus_scrapes_the_exporter(tmp_path):
    assert PROMETHEUS, "prometheus (Debian package prometheus) is required"
    port = free_port(low=56000, high=56999)
    with socket.socket() as sock, Exporter() as exporter:
        sock.bind(("127.0.0.1", port))
        sock.listen(1)
        config = tmp_path / "prometheus.yml"
        config.write_text(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
            "scrape_configs:\n  - job_name: port_usage\n"
            f"    static_configs:\n      - targets: ['127.0.0.1:{exporter.port}']\n"
        )
        web_port = free_port()
        server = subprocess.Popen(
            [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
             f"--web.listen-address=127.0.0.1:{web_port}"],
            stdout=subprocess.DEVNULL, stderr=open(tmp_path / "prometheus.log", "wb"))
        base = f"http://127.0.0.1:{web_port}"
        try:
            selector = f'port_usage_listeners{{job="port_usage",port="{port}"}}'
            deadline = time.monotonic() + 60
            up, listeners = [], []
            while time.monotonic() < deadline:
                try:
                    up = query(base, 'up{job="port_usage"}')
                    listeners = query(base, selector)
                except OSError:
                    pass
                if up and up[0]["value"][1] == "1" and listeners:
                    break
                time.sleep(0.5)
            assert up and up[0]["value"][1] == "1", (tmp_path / "prometheus.log").read_text()[-2000:]
            assert len(listeners) == 1
            metric = listeners[0]["metric"]
            assert metric == {
                "__name__": "port_usage_listeners", "job": "port_usage", "instance": f"127.0.0.1:{exporter.port}",
                "protocol": "tcp", "family": "ipv4", "port": str(port), "exposure": "loopback",
                "range": "dynamic", "assignment": "unassigned",
            }  # Prometheus stores no label for the empty service="" of an unassigned port
            assert listeners[0]["value"][1] == "1"
            success = query(base, 'min(port_usage_scrape_collector_success{job="port_usage"})')
            assert success[0]["value"][1] == "1"
        finally:
            server.terminate()
            server.wait(timeout=20)
