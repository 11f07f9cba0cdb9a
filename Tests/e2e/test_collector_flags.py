"""Collector flags as a user gives them on the command line."""
from conftest import FIXTURE_PROC, Exporter


def families(exporter):
    text, _ = exporter.scrape()
    return {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")}


def collector_success(exporter):
    return {dict(k)["collector"]: v for k, v in exporter.samples("port_usage_scrape_collector_success").items()}


def test_defaults_and_generated_flags():
    with Exporter(f"--path.procfs={FIXTURE_PROC}") as exporter:
        assert collector_success(exporter) == {"listeners": 1, "connections": 1, "changes": 1, "owners": 1,
                                              "process": 1, "saturation": 1}
        assert "port_usage_sockets" not in families(exporter)
        assert "collectors=changes,connections,listeners,owners,process,saturation " in exporter.log_text()
    args = [f"--path.procfs={FIXTURE_PROC}", "--no-collector.connections", "--collector.sockets",
            "--no-collector.process", "--no-collector.changes", "--no-collector.owners", "--no-collector.saturation"]
    with Exporter(*args) as exporter:
        assert collector_success(exporter) == {"listeners": 1, "sockets": 1}
        names = families(exporter)
        assert "port_usage_connections" not in names and "process_open_fds" not in names
        assert "port_usage_listener_drops_total" not in names
        assert "port_usage_sockets" in names
    # The last of a flag and its negation wins.
    with Exporter(f"--path.procfs={FIXTURE_PROC}", "--no-collector.listeners", "--collector.listeners") as exporter:
        assert "listeners" in collector_success(exporter)


def test_the_former_per_table_flags_narrow_the_tables_and_warn():
    args = [f"--path.procfs={FIXTURE_PROC}", "--no-collector.tcp6", "--no-collector.udp6", "--no-collector.connections",
            "--no-collector.changes", "--no-collector.owners"]
    with Exporter(*args) as exporter:
        assert collector_success(exporter) == {"listeners": 1, "process": 1, "saturation": 1}
        assert "port_usage_connections" not in families(exporter)
        listeners = exporter.samples("port_usage_listeners")
        assert {dict(k)["family"] for k in listeners} == {"ipv4"}
        assert len(listeners) == 6
        sources = exporter.samples("port_usage_socket_source_info")
        assert {(dict(k)["protocol"], dict(k)["family"]) for k in sources} == {("tcp", "ipv4"), ("udp", "ipv4")}
        log = exporter.log_text()
        assert "collectors=listeners,process,saturation " in log
        deprecated = [line for line in log.splitlines() if "deprecated flag" in line]
        assert [line.split("flag=")[1] for line in deprecated] == ["--no-collector.tcp6", "--no-collector.udp6"]
        assert all("level=warn" in line for line in deprecated)


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
