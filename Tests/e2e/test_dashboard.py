"""Dashboards/port_usage.json: importable structure, and every query parses and returns data from a real
Prometheus that scrapes a running exporter with sockets this test opened (one of them after the exporter
started, for the first-seen panel)."""
import os
import socket

import promql_parser
import pytest

import dashboards
from conftest import IS_ROOT, REPO, Exporter, PrometheusServer, free_port

RULES = REPO / "Deploy" / "prometheus" / "rules.yml"
DASHBOARD = dashboards.load("port_usage.json")
REQUIRED_PANELS = [
    "Listeners by range and assignment", "Unexpected listeners", "Listeners on unassigned system ports",
    "All listeners", "Listeners over time", "Inbound connections per port by state", "Collector duration",
    "Collector success", "Listener changes", "Listeners first seen since the exporter started",
    "Most saturated listeners", "Listener drops",
]


def queries():
    return dashboards.queries(DASHBOARD)


def substitute(expression, instance):
    return expression.replace("$instance", instance)


def test_dashboard_is_importable():
    variables = dashboards.assert_conventions(DASHBOARD, "port-usage-exporter", REQUIRED_PANELS)
    assert variables["instance"]["query"]["query"] == "label_values(port_usage_exporter_build_info, instance)"
    table = next(panel for panel in DASHBOARD["panels"] if panel["title"] == "All listeners")
    shown = table["transformations"][0]["options"]["indexByName"]
    assert {"port", "protocol", "family", "exposure", "service", "range", "assignment", "user", "unit",
            "process"} <= set(shown)
    # The owner join keeps the listeners that have no owner info.
    expression = table["targets"][0]["expr"]
    assert "port_usage_listener_owner_info" in expression and " or on (" in expression


@pytest.mark.parametrize("title, expression", queries())
def test_every_query_parses(title, expression):
    promql_parser.parse(substitute(expression, "127.0.0.1:10768"))


def test_every_query_returns_data(tmp_path, exporter_tmp):
    listener_port = free_port(low=41000, high=41999)
    policy = exporter_tmp / "policy.yml"
    policy.write_text("watched_ranges: [system, user]\nexpected:\n  - port: 22\n    protocol: tcp\n")
    opened = []
    try:
        server = socket.socket()
        server.bind(("127.0.0.1", listener_port))
        server.listen(4)
        client = socket.create_connection(("127.0.0.1", listener_port), timeout=5)
        opened += [server, client]
        if IS_ROOT:
            system = socket.socket()
            system.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            system.bind(("127.0.0.1", 768))  # unassigned system port: needs root
            system.listen(1)
            opened.append(system)
        with Exporter(f"--policy.file={policy}") as exporter, PrometheusServer(
                tmp_path, [f"127.0.0.1:{exporter.port}"], rule_files=[RULES]) as prometheus:
            instance = f"127.0.0.1:{exporter.port}"
            prometheus.wait_for(f'port_usage_unexpected_listeners{{port="{listener_port}"}}')
            # Tracking has begun (that scrape was an observation): a listener opened now is first seen after
            # it, as the first-seen panel wants. Waiting for it also gives the rate panel two scrapes.
            late = socket.socket()
            late.bind(("127.0.0.1", 0))
            late.listen(1)
            opened.append(late)
            prometheus.wait_for(
                f'port_usage_listener_first_seen_timestamp_seconds{{instance="{instance}",port="{late.getsockname()[1]}"}}'
                ' > on (instance, job) group_left port_usage_listener_tracking_since_timestamp_seconds')
            empty = []
            for title, expression in queries():
                if title.startswith("Listeners on unassigned system ports") and not IS_ROOT:
                    continue  # nothing but root can bind port 768; reported below
                if not prometheus.query(substitute(expression, instance)):
                    empty.append((title, expression))
            assert empty == []
            unexpected = prometheus.query(f'port_usage_unexpected_listeners{{instance="{instance}"}}')
            assert str(listener_port) in {sample["metric"]["port"] for sample in unexpected}
            connections = prometheus.query(
                f'port_usage_connections{{instance="{instance}",port="{listener_port}",state="established"}}')
            assert [sample["value"][1] for sample in connections] == ["1"]
            # That connection waits in the listener's accept queue of 4: a quarter full.
            saturated = prometheus.query(
                substitute(next(expression for title, expression in queries() if title == "Most saturated listeners"),
                           instance))
            assert {sample["metric"]["port"]: sample["value"][1] for sample in saturated}.get(str(listener_port)) == "0.25"
            # The shipped alert rules, evaluated by the same Prometheus, see the same listeners.
            prometheus.wait_for(f'ALERTS{{alertname="PortUsageUnexpectedListener",port="{listener_port}"}}')
            if IS_ROOT:
                unassigned = prometheus.query(
                    f'port_usage_listeners{{instance="{instance}",range="system",assignment="unassigned"}}')
                assert "768" in {sample["metric"]["port"] for sample in unassigned}
                prometheus.wait_for('ALERTS{alertname="PortUsageUnassignedSystemPortListener",port="768"}')
    finally:
        for sock in opened:
            sock.close()
    if not IS_ROOT:
        pytest.skip(f"not root (uid {os.geteuid()}): the unassigned-system-port panels were not checked")
