"""--policy.file: unexpected listeners, local service names, and reloads by SIGHUP and POST /-/reload."""
import signal
import socket
import time
import urllib.error
import urllib.request

import pytest

from conftest import Exporter, free_port, run_exporter

UNEXPECTED = "port_usage_unexpected_listeners"


@pytest.fixture
def two_listeners():
    """Two TCP listeners on loopback user ports: (expected, unexpected)."""
    ports = []
    socks = []
    for _ in range(2):
        sock = socket.socket()
        port = free_port(low=40000 + 1000 * len(socks), high=40999 + 1000 * len(socks))
        sock.bind(("127.0.0.1", port))
        sock.listen(1)
        socks.append(sock)
        ports.append(str(port))
    yield ports
    for sock in socks:
        sock.close()


def write_policy(path, expected_port, exposure="loopback", service="test_expected"):
    path.write_text(
        "watched_ranges: [system, user]\n"
        "expected:\n"
        f"  - port: {expected_port}\n    protocol: tcp\n    exposure: {exposure}\n"
        f"services:\n  {expected_port}/tcp: {service}\n")


def ports_of(samples):
    return {dict(labels)["port"]: dict(labels) for labels in samples}


def wait_until(condition, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_unexpected_listeners_and_local_service_names(exporter_tmp, two_listeners):
    expected, unexpected = two_listeners
    policy = exporter_tmp / "policy.yml"
    write_policy(policy, expected)
    with Exporter(f"--policy.file={policy}") as exporter:
        found = ports_of(exporter.samples(UNEXPECTED))
        assert unexpected in found and expected not in found
        assert found[unexpected]["range"] == "user" and found[unexpected]["exposure"] == "loopback"
        listeners = ports_of(exporter.samples("port_usage_listeners"))
        assert listeners[expected]["service"] == "test_expected"
        assert exporter.samples("port_usage_config_last_reload_successful") == {frozenset(): 1}


def test_exposure_must_match_when_given(exporter_tmp, two_listeners):
    expected, _ = two_listeners
    policy = exporter_tmp / "policy.yml"
    write_policy(policy, expected, exposure="any")
    with Exporter(f"--policy.file={policy}") as exporter:
        assert expected in ports_of(exporter.samples(UNEXPECTED))  # bound to loopback, expected on any


def test_without_a_policy_there_is_no_unexpected_family(two_listeners):
    with Exporter() as exporter:
        text, _ = exporter.scrape()
    assert UNEXPECTED not in text
    assert "port_usage_config_last_reload_successful 1\n" in text


@pytest.mark.parametrize("content, position", [
    ("expected:\n  - port: 22\n    protocol: tcp\n   bad", ":4:4: YAML: "),
    ("expected:\n  - port: 22\n    protocol: sctp\n", ":3:15: unknown protocol 'sctp'; expected one of tcp, udp"),
    ("expectd: []\n", ":1:1: unknown key 'expectd'"),
])
def test_a_bad_policy_at_start_names_file_line_column_and_reason(exporter_tmp, content, position):
    policy = exporter_tmp / "policy.yml"
    policy.write_text(content)
    result = run_exporter(f"--web.listen-address=127.0.0.1:{free_port()}", f"--policy.file={policy}")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"port_usage_exporter: error: {policy}{position}"
                                                  + result.stderr.strip().split(position, 1)[1]]


def reload_by_signal(exporter):
    exporter.process.send_signal(signal.SIGHUP)


def reload_by_http(exporter):
    request = urllib.request.Request(exporter.base + "/-/reload", method="POST")
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        assert error.code == 500
        assert error.read().decode().startswith("failed to reload config: ")


@pytest.mark.parametrize("reload", [reload_by_signal, reload_by_http])
def test_reload_applies_a_good_policy_and_keeps_the_old_one_on_a_bad_one(exporter_tmp, two_listeners, reload):
    expected, unexpected = two_listeners
    policy = exporter_tmp / "policy.yml"
    write_policy(policy, expected)
    with Exporter(f"--policy.file={policy}", "--web.enable-lifecycle") as exporter:
        first = exporter.samples("port_usage_config_last_reload_success_timestamp_seconds")[frozenset()]
        assert unexpected in ports_of(exporter.samples(UNEXPECTED))

        write_policy(policy, unexpected)
        reload(exporter)
        wait_until(lambda: unexpected not in ports_of(exporter.samples(UNEXPECTED)))
        assert expected in ports_of(exporter.samples(UNEXPECTED))
        assert exporter.samples("port_usage_config_last_reload_successful") == {frozenset(): 1}
        second = exporter.samples("port_usage_config_last_reload_success_timestamp_seconds")[frozenset()]
        assert second > first

        policy.write_text("expected: [\n")
        reload(exporter)
        wait_until(lambda: exporter.samples("port_usage_config_last_reload_successful") == {frozenset(): 0})
        assert expected in ports_of(exporter.samples(UNEXPECTED)) and unexpected not in ports_of(
            exporter.samples(UNEXPECTED))  # the previous policy is still in force
        assert exporter.samples("port_usage_config_last_reload_success_timestamp_seconds")[frozenset()] == second
        assert f"{policy}:2:1: YAML: " in exporter.log_text()
        assert "policy reload failed; the previous policy stays in force" in exporter.log_text()


def test_reload_endpoint_needs_the_lifecycle_flag_and_post():
    with Exporter() as exporter:
        with pytest.raises(urllib.error.HTTPError) as forbidden:
            exporter.get("/-/reload", method="POST")
        assert forbidden.value.code == 403
    with Exporter("--web.enable-lifecycle") as exporter:
        with pytest.raises(urllib.error.HTTPError) as wrong_method:
            exporter.get("/-/reload")
        assert wrong_method.value.code == 405 and wrong_method.value.headers["Allow"] == "POST"
        assert exporter.get("/-/reload", method="POST").status == 200
