"""Shared helpers for the end-to-end tests: run the built exporter, scrape it, parse what it serves.

Everything talks to 127.0.0.1 or ::1 only, with bounded waits.

The exporter always runs the way it is deployed: when the tests run as root, every exporter they start runs
through `exporter_command`, which prefixes `setpriv` to become nobody:nogroup with no supplementary groups,
no capabilities (effective, permitted, inheritable, ambient, bounding) and no_new_privs. Files it reads
belong in `exporter_tmp` (a directory nobody can traverse), files it writes in a directory made by
`exporter_writable_dir`. pytest's own tmp_path sits under a 0700 root directory the exporter cannot enter.
"""
import contextlib
import grp
import gzip
import json
import os
import pwd
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("PUE_BINARY", REPO / ".build" / "debug" / "port_usage_exporter")).absolute()
FIXTURE_PROC = REPO / "Tests" / "PortUsageCoreTests" / "Fixtures" / "proc"
IS_ROOT = os.geteuid() == 0
EXPORTER_USER, EXPORTER_GROUP = "nobody", "nogroup"


def unprivileged_prefix():
    """The command prefix that starts the exporter unprivileged: empty unless the tests run as root (then
    the exporter already runs as the test's unprivileged user)."""
    if not IS_ROOT:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (Debian package util-linux) is required to run the exporter unprivileged"
    return [setpriv, f"--reuid={EXPORTER_USER}", f"--regid={EXPORTER_GROUP}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]


def exporter_command(*args, prefix=None):
    """The argv that runs the built binary with `args`, unprivileged (see unprivileged_prefix) unless
    another `prefix` (a sandbox that drops privileges itself) is given."""
    return [*(unprivileged_prefix() if prefix is None else prefix), str(BINARY), *args]


def exporter_ids():
    """(uid, gid) the exporter runs as."""
    if not IS_ROOT:
        return os.getuid(), os.getgid()
    return pwd.getpwnam(EXPORTER_USER).pw_uid, grp.getgrnam(EXPORTER_GROUP).gr_gid


@contextlib.contextmanager
def exporter_directory(prefix="pue-e2e-"):
    """A fresh directory under the system temporary directory that the unprivileged exporter can traverse
    and read (0755, parents checked), removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        path.chmod(0o755)
        for parent in path.parents:
            assert parent.stat().st_mode & 0o001, f"{parent} is not traversable by {EXPORTER_USER}: set TMPDIR"
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def exporter_tmp():
    """Like tmp_path, but readable by the unprivileged exporter: put every file the exporter reads here."""
    with exporter_directory() as path:
        yield path


def exporter_owns(*paths):
    """Hands `paths` (files or directories) to the exporter's user: for directories it writes in and for
    secrets kept 0600, as a deployment would."""
    uid, gid = exporter_ids()
    for path in paths:
        os.chown(path, uid, gid)
    return paths[0] if len(paths) == 1 else paths


def exporter_writable_dir(path):
    """Creates directory `path` (under exporter_tmp) owned by the exporter's user, and returns it."""
    path.mkdir(parents=True, exist_ok=True)
    return exporter_owns(path)


@pytest.fixture(scope="session", autouse=True)
def readable_umask():
    """Files the tests write are readable by the exporter's user whatever umask the runner has."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def free_port(family=socket.AF_INET, kind=socket.SOCK_STREAM, low=None, high=None):
    """A port that is free on loopback now: from the kernel, or the first free one in [low, high]."""
    address = "127.0.0.1" if family == socket.AF_INET else "::1"
    candidates = [0] if low is None else range(low, high + 1)
    for port in candidates:
        with socket.socket(family, kind) as probe:
            try:
                probe.bind((address, port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError(f"no free port in {low}-{high}")


class Exporter:
    """The built binary, started unprivileged on a free loopback port (or under `prefix`, see
    exporter_command), stopped with SIGTERM (see Daemon)."""

    def __init__(self, *args, port=None, prefix=None, nofile=None):
        """`nofile` sets the exporter's open-files limit (soft and hard) before it starts."""
        self.port = port or free_port()
        self.log_path = Path(tempfile.mkstemp(prefix="pue-log-")[1])
        self.args = exporter_command(f"--web.listen-address=127.0.0.1:{self.port}", *args, prefix=prefix)
        limit = None if nofile is None else (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile)))
        self.daemon = Daemon(self.args, f"{self.base}/-/ready", self.log_path, preexec_fn=limit)
        self.process = None

    def __enter__(self):
        self.daemon.__enter__()
        self.process = self.daemon.process
        return self

    def __exit__(self, *exc):
        self.daemon.__exit__(*exc)

    def log_text(self):
        return self.log_path.read_text(errors="replace")

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def get(self, path, headers=None, method="GET"):
        request = urllib.request.Request(self.base + path, headers=headers or {}, method=method)
        return urllib.request.urlopen(request, timeout=10)

    def scrape(self, headers=None):
        """The /metrics body as text (gunzipped when the server gzipped it) and the response."""
        response = self.get("/metrics", headers)
        body = response.read()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return body.decode(), response

    def samples(self, name):
        """{frozenset(labels.items()): value} of one family from a text-format scrape."""
        return samples_in(self.scrape()[0], name)


def run_exporter(*args, timeout=15):
    """Runs the binary to completion (for flags that make it exit)."""
    return subprocess.run(exporter_command(*args), capture_output=True, text=True, timeout=timeout)


def assert_one_line_error(args, message):
    """The binary, run with `args`, exits 1 or 2 with exactly one line on standard error, containing
    `message`."""
    result = run_exporter(*args)
    assert result.returncode in (1, 2), result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


@pytest.fixture(scope="session", autouse=True)
def built_binary():
    if not BINARY.exists():
        pytest.exit(f"{BINARY} is missing: build it first (scripts/test.sh does)", returncode=2)


@pytest.fixture
def proc_copy(exporter_tmp):
    """A copy of the captured procfs fixture that the test may change and the exporter can read."""
    root = exporter_tmp / "proc"
    shutil.copytree(FIXTURE_PROC, root)
    return root


def samples_in(text, name):
    """{frozenset(labels.items()): value} of the samples called `name` in a text-format body."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found[frozenset(sample.labels.items())] = sample.value
    return found


class Daemon:
    """A third-party server (Pushgateway, node_exporter) started on loopback, ready when `ready_url`
    answers, stopped with SIGTERM."""

    def __init__(self, args, ready_url, log_path, ssl_context=None, headers=None, preexec_fn=None):
        self.args, self.ready_url, self.log_path = args, ready_url, log_path
        self.ssl_context, self.headers, self.preexec_fn = ssl_context, headers or {}, preexec_fn

    def __enter__(self):
        self.log = open(self.log_path, "wb")
        # A session of its own: what the command leaves behind can be found and stopped (see stop_session).
        self.process = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT,
                                        preexec_fn=self.preexec_fn, start_new_session=True)
        try:
            return self.wait_ready()
        except BaseException:
            self.__exit__()  # a server that never became ready must not outlive the test
            raise

    def wait_ready(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command()} exited with {self.process.returncode}: "
                                   + self.log_path.read_text()[-2000:])
            try:
                request = urllib.request.Request(self.ready_url, headers=self.headers)
                urllib.request.urlopen(request, timeout=2, context=self.ssl_context)
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{self.command()} never became ready: {self.log_path.read_text()[-2000:]}")

    def command(self):
        """The command line, shortened for messages."""
        text = " ".join(self.args)
        return text if len(text) < 600 else text[:300] + " ... " + text[-250:]

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.log.close()
            self.stop_session()

    def stop_session(self):
        """Stops what the command left running in its session: the exporter under bwrap outlives a
        terminated bwrap, because setpriv's change of user clears the signal `--die-with-parent` asked for."""
        for signal_number, seconds in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, signal_number)
            except ProcessLookupError:
                return
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                try:
                    os.killpg(self.process.pid, 0)
                except ProcessLookupError:
                    return
                time.sleep(0.05)


class PrometheusServer(Daemon):
    """A real Prometheus (Debian package) on a loopback port that scrapes `targets` every second, with
    `rule_files` loaded; with `honor_labels`, the job and instance labels of what it scrapes win (as for a
    Pushgateway)."""

    def __init__(self, tmp_path, targets, job="port_usage_exporter", rule_files=(), honor_labels=False):
        binary = shutil.which("prometheus")
        assert binary, "prometheus (Debian package prometheus) is required"
        config = tmp_path / "prometheus.yml"
        rules = "".join(f"  - {path}\n" for path in rule_files)
        config.write_text(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
            + (f"rule_files:\n{rules}" if rules else "")
            + f"scrape_configs:\n  - job_name: {job}\n    honor_labels: {str(honor_labels).lower()}\n"
            + "    static_configs:\n"
            + f"      - targets: {list(targets)}\n")
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        super().__init__([binary, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
                          f"--web.listen-address=127.0.0.1:{port}"], f"{self.base}/-/ready",
                         tmp_path / "prometheus.log")

    def query(self, expression):
        """The result vector of an instant query; fails on an API error."""
        url = f"{self.base}/api/v1/query?" + urllib.parse.urlencode({"query": expression})
        with urllib.request.urlopen(url, timeout=5) as response:
            payload = json.load(response)
        assert payload["status"] == "success", payload
        return payload["data"]["result"]

    def wait_for(self, expression, timeout=60):
        """Polls until `expression` has a result, and returns it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = self.query(expression)
            if result:
                return result
            time.sleep(0.5)
        raise AssertionError(f"{expression} had no result after {timeout} s; "
                             + self.log_path.read_text()[-1500:])
