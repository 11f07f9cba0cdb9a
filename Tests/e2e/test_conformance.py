"""What /metrics serves passes promtool and the prometheus_client parsers, in every format and encoding."""
import re
import shutil
import subprocess

import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_text

from conftest import Exporter

OPENMETRICS = "application/openmetrics-text; version=1.0.0"
PROMTOOL = shutil.which("promtool")
EXPECTED_FAMILIES = {
    "port_usage_listeners", "port_usage_connections", "port_usage_sockets",
    "port_usage_scrape_collector_duration_seconds", "port_usage_scrape_collector_success",
    "port_usage_parse_errors", "port_usage_socket_source_info", "port_usage_exporter_build_info",
    "port_usage_registry_info",
    "process_cpu_seconds", "process_resident_memory_bytes", "process_virtual_memory_bytes",
    "process_start_time_seconds", "process_open_fds", "process_max_fds",
}


def promtool_check(text):
    assert PROMTOOL, "promtool (Debian package prometheus) is required"
    return subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)


@pytest.fixture(scope="module")
def exporter():
    with Exporter("--collector.sockets") as running:
        yield running


@pytest.mark.parametrize("gzip", [False, True])
def test_text_format(exporter, gzip):
    headers = {"Accept-Encoding": "gzip"} if gzip else {}
    text, response = exporter.scrape(headers)
    assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert (response.headers.get("Content-Encoding") == "gzip") == gzip
    result = promtool_check(text)
    assert result.returncode == 0, result.stdout + result.stderr
    names = {family.name for family in parse_text(text)}
    # The text parser strips _total from counter family names as the OpenMetrics one does.
    assert EXPECTED_FAMILIES <= names
    assert "# EOF" not in text


@pytest.mark.parametrize("gzip", [False, True])
def test_openmetrics_format(exporter, gzip):
    headers = {"Accept": OPENMETRICS, **({"Accept-Encoding": "gzip"} if gzip else {})}
    text, response = exporter.scrape(headers)
    assert response.headers["Content-Type"] == "application/openmetrics-text; version=1.0.0; charset=utf-8"
    assert (response.headers.get("Content-Encoding") == "gzip") == gzip
    assert text.endswith("# EOF\n")
    families = {family.name: family for family in parse_openmetrics(text)}
    assert EXPECTED_FAMILIES <= set(families)
    assert families["port_usage_parse_errors"].type == "counter"
    assert families["process_cpu_seconds"].samples[0].name == "process_cpu_seconds_total"
    # promtool 2.42 reads the input with the text-format parser: it parses OpenMetrics, and its only lint
    # findings are that the counters' `_total` samples have no HELP of their own (in OpenMetrics the HELP is
    # on the family name without `_total`, as the spec requires). Anything else fails.
    result = promtool_check(text)
    assert result.returncode in (0, 3), result.stdout + result.stderr
    findings = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    counters = {name + "_total" for name, family in families.items() if family.type == "counter"}
    assert findings == [f"{name} no help text" for name in sorted(counters)], findings


def test_output_is_deterministic_and_sorted(proc_copy):
    # On the captured tables, so that sockets other processes open and close meanwhile change nothing.
    # (Without the changes collector, whose last-seen times move with every poll.)
    with Exporter(f"--path.procfs={proc_copy}", "--no-collector.changes") as exporter:
        first, _ = exporter.scrape()
        names = [line.split()[2] for line in first.splitlines() if line.startswith("# HELP ")]
        assert names == sorted(names)
        assert "port_usage_listeners{" in first
        strip_volatile = lambda text: re.sub(r"^(port_usage_scrape_collector_duration_seconds|process_).*$", "",
                                             text, flags=re.M)
        second, _ = exporter.scrape()
        assert strip_volatile(first) == strip_volatile(second)


def test_label_values_are_escaped_for_parsers(proc_copy, exporter_tmp):
    # A registry whose service name and description need escaping, served through a real scrape.
    csv = exporter_tmp / "registry.csv"
    csv.write_bytes(
        b"Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,"
        b"Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes\r\n"
        b'"we\\ird""name",17001,tcp,"quote "" and\nnewline",,,2024-01-02,,,,,\r\n'
    )
    with Exporter(f"--path.procfs={proc_copy}", f"--registry.file={csv}") as exporter:
        text, _ = exporter.scrape()
        assert 'service="we\\\\ird\\"name"' in text
        result = promtool_check(text)
        assert result.returncode == 0, result.stdout + result.stderr
        services = {
            sample.labels["service"]
            for family in parse_text(text) if family.name == "port_usage_listeners"
            for sample in family.samples if sample.labels["port"] == "17001"
        }
        assert services == {'we\\ird"name'}
        registry = exporter.samples("port_usage_registry_info")
        assert registry == {frozenset({"source": "file", "updated": "2024-01-02", "records": "1"}.items()): 1.0}
