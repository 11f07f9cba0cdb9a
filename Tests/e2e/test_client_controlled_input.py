"""What a scraper or any local user controls, against the built binary run unprivileged: the scrape-timeout
header, `collect[]` and `exclude[]`, listeners opened and closed by the hundred, and process names that
end up on an operator's terminal."""
import contextlib
import socket
import subprocess
import urllib.error
from pathlib import Path

import pytest

from conftest import Exporter, run_exporter, samples_in
from test_owners_and_changes import held_listener

# Values that once ended the process (SIGILL) before any log line, and others that are not a positive
# finite number of seconds.
EXTREME_TIMEOUTS = ["1e10", "9.3e9", "inf", "-inf", "nan", "-1", "0", "1e400", "", "9" * 100, "0x1p80",
                    "1" + "0" * 400, "\t5", "5s"]


def success(text):
    return {dict(labels)["collector"]: value
            for labels, value in samples_in(text, "port_usage_scrape_collector_success").items()}


def test_every_extreme_scrape_timeout_header_is_survived_and_a_normal_scrape_follows():
    with Exporter() as exporter:
        for value in EXTREME_TIMEOUTS:
            text, response = exporter.scrape({"X-Prometheus-Scrape-Timeout-Seconds": value})
            assert response.status == 200, value
            assert success(text)["listeners"] == 1, value
        assert exporter.process.poll() is None
        text, _ = exporter.scrape()
        assert success(text)["listeners"] == 1
        assert "level=error" not in exporter.log_text()


def test_collect_and_exclude_filter_collectors_as_node_exporter_does():
    with Exporter() as exporter:
        curl = ["curl", "-sS", "-g", "--max-time", "10", "-w", "%{http_code}"]
        only = subprocess.run([*curl, exporter.base + "/metrics?collect[]=listeners&collect[]=owners"],
                              capture_output=True, text=True, timeout=15)
        body, status = only.stdout[:-3], only.stdout[-3:]
        assert status == "200"
        assert set(success(body)) == {"listeners", "owners"}
        assert "port_usage_listeners{" in body and "port_usage_connections{" not in body
        assert "process_resident_memory_bytes" not in body
        excluded = subprocess.run([*curl, exporter.base + "/metrics?exclude%5B%5D=process"],
                                  capture_output=True, text=True, timeout=15)
        assert excluded.stdout[-3:] == "200"
        assert "process" not in success(excluded.stdout[:-3]) and "listeners" in success(excluded.stdout[:-3])
        with pytest.raises(urllib.error.HTTPError) as refused:
            exporter.get("/metrics?collect[]=no_such_collector")
        assert refused.value.code == 400
        message = refused.value.read().decode()
        assert "unknown collector 'no_such_collector'" in message
        assert "collectors that run: changes, connections, listeners, owners, process, saturation" in message
        with pytest.raises(urllib.error.HTTPError) as disabled:
            exporter.get("/metrics?collect[]=sockets")
        assert disabled.value.code == 400 and "disabled collector 'sockets'" in disabled.value.read().decode()


@contextlib.contextmanager
def listeners(count):
    """`count` TCP listeners on 127.0.0.1, on ports the kernel picks."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sock.listen(1)
            sockets.append(sock)
        yield [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def tcp_changes(text):
    counts = {"opened": 0, "closed": 0}
    for labels, value in samples_in(text, "port_usage_listener_changes_total").items():
        labels = dict(labels)
        if labels["protocol"] == "tcp":
            counts[labels["change"]] += value
    return counts


def first_seen_ports(text):
    """The TCP ports with a first-seen series."""
    return [dict(labels)["port"] for labels in samples_in(text, "port_usage_listener_first_seen_timestamp_seconds")
            if dict(labels)["protocol"] == "tcp"]


def host_tcp_listener_ports():
    """The distinct ports of the host's TCP listeners now (state 0A in /proc/net/tcp and tcp6)."""
    ports = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def test_churn_past_the_history_cap_counts_each_change_once_and_hides_no_new_listener():
    # The port cap leaves room for the host's own listeners and the newcomer, not for the 300 of a round.
    cap = len(host_tcp_listener_ports()) + 5
    # Polled on scrapes only, so that each round is seen exactly once open and once closed.
    with Exporter("--collector.changes.max-listeners=100", "--collector.changes.poll-interval=0",
                  f"--collector.listeners.max-ports={cap}") as exporter:
        before = tcp_changes(exporter.scrape()[0])
        for _ in range(3):
            with listeners(300):
                open_text, _ = exporter.scrape()
            closed_text, _ = exporter.scrape()
            assert len(first_seen_ports(open_text)) <= cap
        after = tcp_changes(closed_text)
        assert after["opened"] - before["opened"] == 900
        assert after["closed"] - before["closed"] == 900
        assert samples_in(closed_text, "port_usage_listener_history_untracked")[frozenset()] == 0
        with held_listener("pue-newcomer") as port:
            text, _ = exporter.scrape()
        assert str(port) in first_seen_ports(text)
        assert len(first_seen_ports(text)) <= cap
        assert len(text.encode()) < 64 * 1024


def test_list_and_lookup_escape_control_characters_in_process_names():
    name = "\r\x1b[2Kevil\nrow"
    with held_listener(name) as port:
        table = run_exporter("list")
        lookup = run_exporter("lookup", str(port), "--protocol=tcp")
    assert table.returncode == 0 and lookup.returncode == 0
    for output in (table.stdout, lookup.stdout):
        assert "\x1b" not in output and "\r" not in output
        assert "\\x0D\\x1B[2Kevil\\x0Arow" in output
    rows = [line for line in table.stdout.splitlines() if f" {port} " in line]
    assert len(rows) == 1 and "evil" in rows[0]


def test_the_longest_durations_and_largest_counts_a_flag_takes_start_and_serve():
    longest = "292471208y"  # the most whole years in Int64 milliseconds: no conversion may trap on it
    largest = str(2**63 - 1)
    with Exporter(f"--web.scrape-timeout={longest}", f"--web.read-header-timeout={longest}",
                  f"--web.idle-timeout={longest}", f"--collector.changes.retention={longest}",
                  f"--collector.changes.poll-interval={longest}", f"--web.max-requests={largest}",
                  f"--web.max-connections={largest}", f"--collector.listeners.max-ports={largest}",
                  f"--collector.changes.max-listeners={largest}") as exporter:
        text, _ = exporter.scrape({"X-Prometheus-Scrape-Timeout-Seconds": "3"})
        assert success(text)["listeners"] == 1
        text, _ = exporter.scrape({"X-Prometheus-Scrape-Timeout-Seconds": "1e10"})
        assert success(text)["listeners"] == 1
    too_long = run_exporter("--web.scrape-timeout=292471209y")
    assert too_long.returncode != 0 and "invalid duration '292471209y'" in too_long.stderr
