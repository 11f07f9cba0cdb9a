"""Dashboards/port_usage_fleet.json: importable structure, and every query parses and returns what the 100 hosts
of fleet_rules.py hold, from a real Prometheus that scrapes them (one exposition with their instance labels,
honor_labels as for a Pushgateway) and evaluates Deploy/prometheus/rules.yml."""
import http.server
import threading

import promql_parser
import pytest

import dashboards
import fleet_rules
from conftest import PrometheusServer

DASHBOARD = dashboards.load("port_usage_fleet.json")
REQUIRED_PANELS = [
    "Hosts", "Hosts with unexpected listeners", "Hosts with missing required listeners",
    "Hosts whose policy failed to load", "Hosts without a policy", "Hosts with unexpected listeners by reason",
    "Listener prevalence", "Rare system-port listeners", "Unexpected listeners per host",
    "Missing required listeners per host", "Hosts with a failed or no policy", "Fleet problems over time",
]


def substitute(expression):
    return expression.replace("$job", fleet_rules.JOB)


def test_dashboard_is_importable():
    variables = dashboards.assert_conventions(DASHBOARD, "port-usage-fleet", REQUIRED_PANELS)
    assert variables["job"]["query"]["query"] == "label_values(job:port_usage_exporter_build_info:count, job)"
    # Every panel filters on the job variable.
    assert all('job=~"$job"' in expression for title, expression in dashboards.queries(DASHBOARD)
               if not title.startswith("$"))
    prevalence = next(panel for panel in DASHBOARD["panels"] if panel["title"] == "Listener prevalence")
    shown = prevalence["transformations"][-1]["options"]
    assert {"protocol", "port", "Value #A", "Value #B"} <= set(shown["indexByName"])
    assert shown["renameByName"] == {"Value #A": "hosts", "Value #B": "share"}


@pytest.mark.parametrize("title, expression", dashboards.queries(DASHBOARD))
def test_every_query_parses(title, expression):
    promql_parser.parse(substitute(expression))


class FleetExposition:
    """Serves the fleet's series on 127.0.0.1, as one target."""

    def __enter__(self):
        body = fleet_rules.exposition().encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def rows(result, *labels):
    return {tuple(sample["metric"].get(label, "") for label in labels): sample["value"][1] for sample in result}


def test_every_query_returns_the_fleet(tmp_path):
    with FleetExposition() as target, PrometheusServer(tmp_path, [target], rule_files=[fleet_rules.RULES],
                                                       honor_labels=True) as prometheus:
        prometheus.wait_for("job:port_usage_exporter_build_info:count == 100")
        prometheus.wait_for("job:port_usage_policy_loaded:count_zero")
        by_title = {}
        for title, expression in dashboards.queries(DASHBOARD):
            result = prometheus.query(substitute(expression))
            assert result, (title, expression)
            by_title.setdefault(title, []).append(result)
        stats = {title: by_title[title][0][0]["value"][1] for title in REQUIRED_PANELS[:5]}
        assert stats == {"Hosts": "100", "Hosts with unexpected listeners": "5",
                         "Hosts with missing required listeners": "2", "Hosts whose policy failed to load": "2",
                         "Hosts without a policy": "4"}
        reasons = rows(by_title["Hosts with unexpected listeners by reason"][0], "reason")
        assert reasons == {("port",): "3", ("owner",): "1", ("owner_unknown",): "1"}
        hosts, share = by_title["Listener prevalence"]
        assert rows(hosts, "protocol", "port") == {
            ("tcp", "22"): "100", ("tcp", "10768"): "100", ("tcp", "80"): "60", ("tcp", "443"): "59",
            ("udp", "123"): "40", ("tcp", "25"): "6", ("tcp", "768"): "3", ("tcp", "6379"): "2"}
        assert rows(share, "protocol", "port")[("tcp", "443")] == "0.59"
        rare = rows(by_title["Rare system-port listeners"][0], "instance", "port")
        assert rare == {("host-5:10768", "768"): "3", ("host-50:10768", "768"): "3", ("host-95:10768", "768"): "3"}
        unexpected = rows(by_title["Unexpected listeners per host"][0], "instance", "reason")
        assert unexpected == {("host-5:10768", "port"): "1", ("host-50:10768", "port"): "1",
                              ("host-95:10768", "port"): "1", ("host-12:10768", "owner"): "1",
                              ("host-13:10768", "owner_unknown"): "1"}
        missing = rows(by_title["Missing required listeners per host"][0], "instance", "port", "unit")
        assert set(missing) == {("host-12:10768", "22", "ssh.service"), ("host-17:10768", "443", "nginx.service")}
        policy = rows(by_title["Hosts with a failed or no policy"][0], "instance", "problem")
        assert set(policy) == {(f"host-{host}:10768", "policy failed to load") for host in (91, 92)} | {
            (f"host-{host}:10768", "no policy") for host in (97, 98, 99, 100)}
        # The alerts evaluate in the same Prometheus: the rare listener's is pending for exactly those hosts.
        pending = prometheus.wait_for('count(ALERTS{alertname="PortUsageRareSystemPortListener"}) == 3')
        assert pending[0]["value"][1] == "3"
