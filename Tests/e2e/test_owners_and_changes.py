"""Who owns a listener, when it appeared, ephemeral port pressure, and the `list` and `lookup` commands:
real sockets on loopback, real processes, a real Prometheus.

The exporter runs unprivileged (nobody, no capabilities) except in the tests marked as needing root: an
unprivileged exporter names every listener's user and the processes of its own user, and says once in
its log why other users' processes are not named."""
import contextlib
import html.parser
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import IS_ROOT, Exporter, PrometheusServer, run_exporter, samples_in, unprivileged_prefix

HOLDER = textwrap.dedent("""
    import ctypes, socket, sys
    ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)  # PR_SET_NAME: the comm the exporter reads
    listener = socket.socket()
    listener.bind(("127.0.0.1", int(sys.argv[2])))
    listener.listen(8)
    print(listener.getsockname()[1], flush=True)
    sys.stdin.read()  # until the test closes our standard input
""")


@contextlib.contextmanager
def held_listener(name, port=0, unprivileged=True):
    """A TCP listener on 127.0.0.1 held by a process whose comm is `name`, running as the exporter's user
    (unprivileged) or as the test's; yields its port."""
    prefix = unprivileged_prefix() if unprivileged else []
    process = subprocess.Popen([*prefix, sys.executable, "-c", HOLDER, name, str(port)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        yield int(process.stdout.readline())
    finally:
        process.stdin.close()
        process.wait(timeout=10)


def owners(exporter, port):
    return [dict(labels) for labels in exporter.samples("port_usage_listener_owner_info")
            if dict(labels)["port"] == str(port)]


def test_owner_info_joins_its_listener_in_prometheus(tmp_path):
    with held_listener("pue-holder") as port, Exporter() as exporter:
        with PrometheusServer(tmp_path, [f"127.0.0.1:{exporter.port}"]) as prometheus:
            joined = prometheus.wait_for(
                f'port_usage_listeners{{port="{port}"}} * on (instance, job, netns, protocol, family, port, exposure) '
                'group_left (user, unit, process) port_usage_listener_owner_info')
    assert len(joined) == 1
    labels = joined[0]["metric"]
    assert (labels["process"], labels["protocol"], labels["exposure"]) == ("pue-holder", "tcp", "loopback")
    assert labels["user"] == ("nobody" if IS_ROOT else os.getlogin())
    assert float(joined[0]["value"][1]) == 1


@pytest.mark.skipif(not IS_ROOT, reason="needs a listener of another user than the exporter's: run as root")
def test_unprivileged_exporter_names_other_users_but_not_their_processes_and_says_why():
    with held_listener("pue-root-owned", unprivileged=False) as port, Exporter() as exporter:
        assert owners(exporter, port) == [{"protocol": "tcp", "family": "ipv4", "port": str(port),
                                          "exposure": "loopback", "user": "root", "unit": owners(exporter, port)[0]["unit"],
                                          "process": ""}]
        exporter.scrape()
        why = [line for line in exporter.log_text().splitlines() if "not readable" in line]
        assert len(why) == 1 and "CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH" in why[0] and "level=warn" in why[0]


@pytest.mark.skipif(not IS_ROOT, reason="needs root: the exporter reads every process's descriptors")
def test_privileged_exporter_names_every_process():
    # Needs privileges: this exporter runs as root on purpose (prefix=[]), as with the capabilities the
    # deploy files name.
    with held_listener("pue-root-owned", unprivileged=False) as port, Exporter(prefix=[]) as exporter:
        found = owners(exporter, port)
        assert [(owner["user"], owner["process"]) for owner in found] == [("root", "pue-root-owned")]
        assert "not readable" not in exporter.log_text()


def test_a_listener_open_for_two_seconds_between_scrapes_is_recorded():
    with Exporter() as exporter:
        before = samples_in(exporter.scrape()[0], "port_usage_listener_changes_total")
        start = time.time()
        with held_listener("pue-brief") as port:
            time.sleep(2)
        time.sleep(1.5)  # a poll after it closed
        text, _ = exporter.scrape()
    rng = "system" if port < 1024 else "user" if port < 49152 else "dynamic"
    key = frozenset({"protocol": "tcp", "family": "ipv4", "port": str(port), "exposure": "loopback",
                     "range": rng}.items())
    first = samples_in(text, "port_usage_listener_first_seen_timestamp_seconds")[key]
    last = samples_in(text, "port_usage_listener_last_seen_timestamp_seconds")[key]
    # Open 2 s, polled every second: seen by two or three polls.
    assert start - 0.5 <= first <= start + 1.5 and 0.9 <= last - first <= 3.0, (first, last, start)
    after = samples_in(text, "port_usage_listener_changes_total")
    for change in ["opened", "closed"]:
        changed = frozenset({"protocol": "tcp", "range": rng, "change": change}.items())
        assert after[changed] - before[changed] >= 1, change
    since = samples_in(text, "port_usage_listener_tracking_since_timestamp_seconds")[frozenset()]
    assert since < first


def test_sixty_connections_to_one_listener_show_the_pressure_toward_it():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    clients = []
    try:
        for _ in range(60):
            client = socket.create_connection(listener.getsockname(), timeout=5)
            clients.append(client)
        with Exporter("--collector.ephemeral") as exporter:
            text, _ = exporter.scrape()
    finally:
        for client in clients:
            client.close()
        listener.close()
    low, high = map(int, open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
    reserved = set()
    for item in filter(None, open("/proc/sys/net/ipv4/ip_local_reserved_ports").read().strip().split(",")):
        first, _, last = item.partition("-")
        reserved.update(range(int(first), int(last or first) + 1))
    size = sum(1 for port in range(low, high + 1) if port not in reserved)
    assert samples_in(text, "port_usage_ephemeral_ports_range_size")[frozenset()] == size
    tcp = frozenset({"protocol": "tcp"}.items())
    assert samples_in(text, "port_usage_ephemeral_ports_max_per_destination")[tcp] >= 60
    assert samples_in(text, "port_usage_ephemeral_ports_in_use")[tcp] >= 60
    assert {dict(k)["collector"]: v for k, v in samples_in(text, "port_usage_scrape_collector_success").items()
            }["ephemeral"] == 1


@pytest.mark.skipif(not IS_ROOT, reason="binds port 768, a system port: run as root")
def test_list_and_lookup_mark_an_unassigned_system_port_and_name_its_owner(exporter_tmp):
    policy = exporter_tmp / "policy.yml"
    policy.write_text("watched_ranges: [system]\nexpected: []\n")
    with held_listener("pue-holder") as port, held_listener("pue-768", port=768, unprivileged=False):
        listing = run_exporter("list", "--output=json", f"--policy.file={policy}")
        assert listing.returncode == 0, listing.stderr
        rows = {(row["protocol"], row["port"]): row for row in json.loads(listing.stdout)}
        odd = rows[("tcp", 768)]
        assert (odd["range"], odd["assignment"], odd["user"], odd["address"]) == ("system", "unassigned", "root",
                                                                               "127.0.0.1")
        assert odd["marks"] == ["unassigned", "unexpected"] and odd["expected"] is False
        assert odd["backlog"] in (8, None) and odd["queued"] == 0
        mine = rows[("tcp", port)]
        assert mine["processes"] == ["pue-holder"] and mine["user"] == "nobody"
        table = run_exporter("list", f"--policy.file={policy}")
        line = next(row for row in table.stdout.splitlines() if " 768 " in row)
        assert line.startswith("!") and "unassigned" in line and "unexpected" in line
        lookup = run_exporter("lookup", "768", "--protocol=tcp")
        assert lookup.returncode == 0
        assert lookup.stdout.splitlines()[0] == "768/tcp: unassigned system port"
        assert "listening now: ipv4 127.0.0.1 (loopback), user root" in lookup.stdout
    by_port = run_exporter("lookup", "771", "--output=json")
    by_name = run_exporter("lookup", "rtip", "--output=json")
    assert json.loads(by_port.stdout) == json.loads(by_name.stdout)
    assert [(item["port"], item["protocol"], item["service"]) for item in json.loads(by_name.stdout)] == [
        (771, "tcp", "rtip"), (771, "udp", "rtip")]
    missing = run_exporter("lookup", "no-such-service-name")
    assert missing.returncode == 1 and "no port or service named 'no-such-service-name'" in missing.stderr
    bad = run_exporter("lookup", "70000")
    assert bad.returncode == 2 and "'70000' is not a port number (0-65535)" in bad.stderr


class TableRows(html.parser.HTMLParser):
    """The rows of the landing page's listener table: (class attribute, cell texts)."""

    def __init__(self):
        super().__init__()
        self.rows = []
        self.cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append((dict(attrs).get("class", ""), []))
        elif tag == "td":
            self.cell = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag == "td" and self.rows:
            self.rows[-1][1].append(self.cell)
            self.cell = None


def rendered_by_chromium(url, profile):
    """The DOM of `url` after headless Chromium loaded it."""
    chromium = shutil.which("chromium")
    assert chromium, "chromium (Debian package chromium) is required"
    result = subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             f"--user-data-dir={profile}", "--dump-dom", url],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.skipif(not IS_ROOT, reason="binds port 768, a system port: run as root")
def test_the_landing_page_in_a_real_browser_names_owners_and_marks_rows(exporter_tmp, tmp_path):
    policy = exporter_tmp / "policy.yml"
    policy.write_text("watched_ranges: [system]\nexpected: []\n")
    with held_listener("pue-holder") as port, held_listener("pue-768", port=768, unprivileged=False), \
            Exporter(f"--policy.file={policy}", "--no-collector.connections") as exporter:
        dom = rendered_by_chromium(exporter.base + "/", tmp_path / "chromium")
    assert "<h1>Port Usage Exporter</h1>" in dom
    parser = TableRows()
    parser.feed(dom)
    header = ["port", "protocol", "family", "exposure", "service", "range", "assignment", "sockets", "queue",
              "drops", "user", "unit", "process", "notes"]
    rows = {(cells[0], cells[1]): (css, dict(zip(header, cells))) for css, cells in parser.rows if cells}
    css, held = rows[(str(port), "tcp")]
    assert held["process"] == "pue-holder" and held["user"] == "nobody" and held["sockets"] == "1"
    assert held["queue"].startswith("0/") and held["drops"] == "0"
    css, odd = rows[("768", "tcp")]
    assert css.split() == ["unassigned", "unexpected"] and odd["notes"] == "unassigned, unexpected"
    assert (odd["range"], odd["assignment"], odd["user"]) == ("system", "unassigned", "root")
    # The unprivileged exporter cannot read root's processes: the cell stays empty.
    assert odd["process"] == ""
