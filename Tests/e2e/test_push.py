"""Push to a real Pushgateway (Debian prometheus-pushgateway) on loopback, and to stand-in gateways that
fail in the ways real ones do."""
import http.server
import shutil
import signal
import socket
import threading
import time
import urllib.request

import pytest

from conftest import assert_one_line_error, Daemon, Exporter, free_port, run_exporter, samples_in

PUSHGATEWAY = shutil.which("prometheus-pushgateway")
JOB = "port_usage_exporter"


@pytest.fixture
def gateway(tmp_path):
    assert PUSHGATEWAY, "prometheus-pushgateway (Debian package) is required"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with Daemon([PUSHGATEWAY, f"--web.listen-address=127.0.0.1:{port}", "--persistence.file="],
                f"{base}/-/ready", tmp_path / "pushgateway.log"):
        yield base


def gateway_samples(base, name, **labels):
    """Samples called `name` on the gateway whose labels include `labels`, as {labels: value}."""
    text = urllib.request.urlopen(f"{base}/metrics", timeout=5).read().decode()
    return {dict(k).get("port", ""): v for k, v in samples_in(text, name).items()
            if labels.items() <= dict(k).items()}


@pytest.fixture
def listener():
    port = free_port(low=47000, high=47999)
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen(1)
    yield sock, str(port)
    sock.close()


def push(base, *args, timeout=30):
    return run_exporter("push", f"--push.url={base}", *args, timeout=timeout)


def test_one_shot_push_lands_in_the_gateway_with_job_and_instance(gateway, listener):
    _, port = listener
    result = push(gateway, "--push.grouping=instance=host-a")
    assert result.returncode == 0, result.stderr
    found = gateway_samples(gateway, "port_usage_listeners", job=JOB, instance="host-a")
    assert found[port] == 1
    build = gateway_samples(gateway, "port_usage_exporter_build_info", job=JOB, instance="host-a")
    assert list(build.values()) == [1]


def test_default_grouping_is_the_hostname(gateway, listener):
    _, port = listener
    assert push(gateway).returncode == 0
    assert gateway_samples(gateway, "port_usage_listeners", job=JOB, instance=socket.gethostname())[port] == 1


def test_grouping_values_with_slash_and_space_round_trip_through_base64(gateway, listener):
    _, port = listener
    result = push(gateway, "--push.job=batch/nightly", "--push.grouping=instance=rack 7/slot 3",
                  "--push.grouping=dc=eu-1")
    assert result.returncode == 0, result.stderr
    found = gateway_samples(gateway, "port_usage_listeners", job="batch/nightly", instance="rack 7/slot 3",
                            dc="eu-1")
    assert found[port] == 1


def test_next_put_removes_the_series_of_a_closed_socket(gateway, listener):
    sock, port = listener
    assert push(gateway, "--push.grouping=instance=h").returncode == 0
    assert port in gateway_samples(gateway, "port_usage_listeners", instance="h")
    sock.close()
    assert push(gateway, "--push.grouping=instance=h").returncode == 0
    remaining = gateway_samples(gateway, "port_usage_listeners", instance="h")
    assert port not in remaining and remaining, remaining


def test_post_keeps_families_that_were_not_pushed_again(gateway):
    marker = "# TYPE kept_marker gauge\nkept_marker 7\n".encode()
    url = f"{gateway}/metrics/job/{JOB}/instance/h"
    urllib.request.urlopen(urllib.request.Request(url, data=marker, method="PUT"), timeout=5)
    assert push(gateway, "--push.grouping=instance=h", "--push.method=post").returncode == 0
    assert gateway_samples(gateway, "kept_marker", instance="h") == {"": 7}
    assert push(gateway, "--push.grouping=instance=h", "--push.method=put").returncode == 0
    assert gateway_samples(gateway, "kept_marker", instance="h") == {}


def serve_pushing(base, *args):
    return Exporter(f"--push.url={base}", "--push.grouping=instance=served", *args)


def wait_for(condition, timeout=15, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


@pytest.mark.parametrize("delete", [True, False])
def test_delete_on_shutdown_removes_the_group_on_sigterm(gateway, listener, delete):
    _, port = listener
    flags = ["--push.interval=1s"] + (["--push.delete-on-shutdown"] if delete else [])
    with serve_pushing(gateway, *flags) as exporter:
        wait_for(lambda: gateway_samples(gateway, "port_usage_listeners", instance="served").get(port))
    assert exporter.process.returncode == 0
    remaining = gateway_samples(gateway, "port_usage_listeners", instance="served")
    if delete:
        assert remaining == {}
        assert "deleted the pushed group" in exporter.log_text()
    else:
        assert remaining.get(port) == 1


def test_serve_mode_reports_push_statistics_that_the_gateway_also_receives(gateway):
    with serve_pushing(gateway, "--push.interval=200ms") as exporter:
        wait_for(lambda: exporter.samples("port_usage_push_requests_total").get(
            frozenset({"result": "success"}.items()), 0) >= 3)
        last = exporter.samples("port_usage_push_last_success_timestamp_seconds")[frozenset()]
        assert abs(last - time.time()) < 30
        pushed = gateway_samples(gateway, "port_usage_push_requests_total", instance="served", result="success")
        assert pushed[""] >= 1


class StandInGateway:
    """An HTTP server on loopback that answers every request with a fixed status and body, or never."""

    def __init__(self, status=500, body=b"", hang=False):
        outer = self
        self.requests = []
        self.release = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PUT(self):
                length = int(self.headers.get("Content-Length", 0))
                outer.requests.append((self.command, self.path, dict(self.headers), self.rfile.read(length)))
                if hang:
                    outer.release.wait(30)
                    return
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_DELETE = do_PUT

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def test_gateway_down_fails_the_one_shot_push_with_the_reason():
    closed = free_port()
    result = push(f"http://127.0.0.1:{closed}", "--push.retries=2")
    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(f"port_usage_exporter: error: PUT http://127.0.0.1:{closed}/metrics/job/")
    assert "failed after 3 attempt(s)" in last_line and "Couldn't connect to server" in last_line
    assert result.stderr.count("push request failed") == 3


def test_server_error_is_retried_and_logged_with_status_and_body():
    with StandInGateway(status=503, body=b"storage full: try later\nsecond line") as stand_in:
        result = push(stand_in.base, "--push.retries=1")
    assert result.returncode == 1
    assert len(stand_in.requests) == 2
    assert 'status=503 ' in result.stderr and 'body="storage full: try later second line"' in result.stderr
    assert result.stderr.strip().endswith("HTTP 503: storage full: try later second line")


def test_client_error_is_not_retried_and_the_request_is_well_formed():
    with StandInGateway(status=400, body=b"pushed metrics are invalid") as stand_in:
        result = push(stand_in.base, "--push.grouping=instance=h", "--push.retries=3")
    assert result.returncode == 1
    assert "failed after 1 attempt(s): HTTP 400: pushed metrics are invalid" in result.stderr
    method, path, headers, body = stand_in.requests[0]
    assert (method, path) == ("PUT", f"/metrics/job/{JOB}/instance/h")
    assert headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = body.decode()
    assert "port_usage_exporter_build_info{" in text and "process_open_fds " in text
    collectors = {dict(labels)["collector"] for labels in samples_in(text, "port_usage_scrape_collector_success")}
    assert collectors == {"listeners", "connections", "changes", "owners", "process", "saturation"}


def test_a_hanging_gateway_never_delays_metrics_and_errors_are_counted():
    with StandInGateway(hang=True) as stand_in, Exporter(
            f"--push.url={stand_in.base}", "--push.interval=100ms", "--push.timeout=1s",
            "--push.retries=0") as exporter:
        wait_for(lambda: stand_in.requests)
        for _ in range(5):
            started = time.monotonic()
            exporter.scrape()
            assert time.monotonic() - started < 0.9  # well under the gateway's 1 s timeout
        errors = wait_for(lambda: exporter.samples("port_usage_push_requests_total").get(
            frozenset({"result": "error"}.items()), 0) >= 2 and exporter.samples("port_usage_push_requests_total"))
        assert errors[frozenset({"result": "success"}.items())] == 0
    assert "Timeout was reached" in exporter.log_text() or "timed out" in exporter.log_text()


@pytest.mark.parametrize("args, message", [
    (["push"], "missing --push.url"),
    (["push", "--push.url=ftp://x"], "--push.url must be an http:// or https:// URL"),
    (["push", "--push.url=http://x", "--push.grouping=novalue"], "expected key=value"),
    (["push", "--push.url=http://x", "--push.grouping=job=x"], "label name 'job' is reserved"),
    (["push", "--push.url=http://x", "--push.method=patch"], "expected put or post"),
    (["push", "--push.url=http://x", "--push.timeout=0s"], "must be more than 0"),
    (["push", "--push.url=http://x", "--push.timeout=10"], "invalid duration '10'"),
    (["push", "--push.url=http://x", "--push.basic-auth.username=u"], "must be given together"),
    (["push", "--push.url=http://x", "--push.tls.ca-file=/nonexistent"], "No such file or directory"),
    (["--push.url=http://x"], "--push.url and --push.interval go together"),
    (["--push.interval=1s"], "--push.url and --push.interval go together"),
    (["--push.delete-on-shutdown"], "--push.delete-on-shutdown needs --push.url"),
])
def test_bad_push_flags_are_one_line_errors(args, message):
    assert_one_line_error(args, message)


def mapped_libraries(pid):
    with open(f"/proc/{pid}/maps") as maps:
        return {line.split()[-1].rsplit("/", 1)[-1] for line in maps if "/" in line}


def test_libcurl_is_loaded_only_by_an_exporter_that_pushes(gateway):
    with Exporter() as exporter:
        exporter.scrape()
        assert not any(name.startswith("libcurl") for name in mapped_libraries(exporter.process.pid))
    with serve_pushing(gateway, "--push.interval=200ms") as exporter:
        wait_for(lambda: gateway_samples(gateway, "port_usage_listeners", instance="served"))
        assert "libcurl.so.4" in {name.split(".so")[0] + ".so.4" for name in mapped_libraries(exporter.process.pid)
                                  if name.startswith("libcurl")}
