"""Collector flags as a user gives them on the command line."""
from conftest import FIXTURE_PROC, Exporter


def families(exporter):
    text, _ = exporter.scrape()
    return {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")}


def test_disabled_collectors_report_and_export_nothing():
    args = [f"--path.procfs={FIXTURE_PROC}", "--no-collector.tcp6", "--no-collector.udp6", "--no-collector.connections"]
    with Exporter(*args) as exporter:
        success = {dict(k)["collector"]: v for k, v in exporter.samples("port_usage_scrape_collector_success").items()}
        assert success == {"tcp": 1, "udp": 1, "process": 1}
        assert "port_usage_connections" not in families(exporter)
        listeners = exporter.samples("port_usage_listeners")
        assert {dict(k)["family"] for k in listeners} == {"ipv4"}
        assert len(listeners) == 6
        assert "collectors=tcp,udp " in exporter.log_text()


def test_cardinality_cap_sums_into_other_and_warns_once():
    with Exporter(f"--path.procfs={FIXTURE_PROC}", "--collector.listeners.max-ports=2") as exporter:
        exporter.scrape()
        listeners = {tuple(sorted(dict(k).items())): v for k, v in exporter.samples("port_usage_listeners").items()}
        tcp_ports = sorted({dict(k)["port"] for k in listeners if dict(k)["protocol"] == "tcp"})
        assert tcp_ports == ["17001", "2024", "other"]
        other_tcp = sum(v for k, v in listeners.items() if dict(k)["protocol"] == "tcp" and dict(k)["port"] == "other")
        assert other_tcp == 5  # 17002, 17003, 17004, and the two sockets on 17005
        other = [dict(k) for k in listeners if dict(k)["port"] == "other"]
        assert all(labels["range"] == "other" and labels["assignment"] == "other" for labels in other)
        log = exporter.log_text()
        assert log.count('protocol=tcp') == 1 and log.count("too many listener ports") == 2  # tcp and udp, once
        assert "limit=2" in log
