"""A real Prometheus server scrapes the exporter; its HTTP API sees the test's socket."""
import socket

from conftest import Exporter, PrometheusServer, free_port


def test_prometheus_scrapes_the_exporter(tmp_path):
    port = free_port(low=56000, high=56999)
    with socket.socket() as sock, Exporter() as exporter:
        sock.bind(("127.0.0.1", port))
        sock.listen(1)
        with PrometheusServer(tmp_path, [f"127.0.0.1:{exporter.port}"], job="port_usage") as prometheus:
            listeners = prometheus.wait_for(f'port_usage_listeners{{job="port_usage",port="{port}"}}')
            up = prometheus.query('up{job="port_usage"}')
            assert up and up[0]["value"][1] == "1"
            assert len(listeners) == 1
            metric = listeners[0]["metric"]
            assert metric == {
                "__name__": "port_usage_listeners", "job": "port_usage", "instance": f"127.0.0.1:{exporter.port}",
                "protocol": "tcp", "family": "ipv4", "port": str(port), "exposure": "loopback",
                "range": "dynamic", "assignment": "unassigned",
            }  # Prometheus stores no label for the empty service="" of an unassigned port
            assert listeners[0]["value"][1] == "1"
            success = prometheus.query('min(port_usage_scrape_collector_success{job="port_usage"})')
            assert success[0]["value"][1] == "1"
