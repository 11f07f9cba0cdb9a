"""Policies that say who may listen: owner constraints (process, user, unit), required listeners, and
`policy check`; real listeners on loopback held by real processes of different users.

The exporter runs unprivileged (nobody, no capabilities), as deployed: it reads the process names of its
own user's listeners. The tests that need a listener of another user, or an exporter that reads every
process, run as root and say so."""
import contextlib
import json

import pytest

from conftest import IS_ROOT, Exporter, free_port, run_exporter, samples_in
from test_owners_and_changes import held_listener

UNEXPECTED = "port_usage_unexpected_listeners"
MISSING = "port_usage_expected_listener_missing"
EVERY_RANGE = "watched_ranges: [system, user, dynamic]\n"


def by_port(samples):
    """{port: {reason: value}} of port_usage_unexpected_listeners samples."""
    found = {}
    for labels, value in samples.items():
        labels = dict(labels)
        found.setdefault(labels["port"], {})[labels["reason"]] = value
    return found


def entry(port, **constraints):
    lines = [f"  - port: {port}", "    protocol: tcp"]
    lines += [f"    {key}: {json.dumps(value)}" for key, value in constraints.items()]
    return "\n".join(lines) + "\n"


def test_an_expected_port_held_by_the_wrong_process_or_user_is_unexpected_for_its_owner(exporter_tmp):
    policy = exporter_tmp / "policy.yml"
    with held_listener("pue-right") as right, held_listener("pue-wrong") as wrong, \
            held_listener("pue-user") as user_port:
        policy.write_text(EVERY_RANGE + "expected:\n"
                          + entry(right, process="pue-r*") + entry(wrong, process="pue-right")
                          + entry(user_port, user=["root", "daemon"]))
        with Exporter(f"--policy.file={policy}") as exporter:
            found = by_port(exporter.samples(UNEXPECTED))
            listeners = {dict(k)["port"]: v for k, v in exporter.samples("port_usage_listeners").items()}
    assert str(right) not in found and listeners[str(right)] == 1
    assert found[str(wrong)] == {"owner": 1}
    assert found[str(user_port)] == {"owner": 1}  # held by nobody, expected of root or daemon


def test_the_full_executable_name_matches_past_the_kernels_fifteen_bytes(exporter_tmp):
    """The exporter's own listener: its comm is `port_usage_expo`; the policy names the executable."""
    policy = exporter_tmp / "policy.yml"
    port = free_port()
    policy.write_text(EVERY_RANGE + "expected:\n" + entry(port, process="port_usage_exporter"))
    with Exporter(f"--policy.file={policy}", port=port) as exporter:
        assert str(port) not in by_port(exporter.samples(UNEXPECTED))
        owners = [dict(k) for k in exporter.samples("port_usage_listener_owner_info") if dict(k)["port"] == str(port)]
    assert [owner["process"] for owner in owners] == ["port_usage_exporter"]


@pytest.mark.skipif(not IS_ROOT, reason="needs a listener of another user than the exporter's: run as root")
def test_an_owner_that_cannot_be_read_is_unknown_and_a_privileged_exporter_decides(exporter_tmp):
    policy = exporter_tmp / "policy.yml"
    with held_listener("pue-root-owned", unprivileged=False) as allowed, \
            held_listener("pue-intruder", unprivileged=False) as intruded:
        policy.write_text(EVERY_RANGE + "expected:\n" + entry(allowed, process="pue-root-owned", user="root")
                          + entry(intruded, process="pue-root-owned", user="root"))
        with Exporter(f"--policy.file={policy}") as unprivileged:
            blind = by_port(unprivileged.samples(UNEXPECTED))
        # Needs privileges: this exporter runs as root on purpose (prefix=[]), as with the capabilities the
        # deploy files name.
        with Exporter(f"--policy.file={policy}", prefix=[]) as privileged:
            seeing = by_port(privileged.samples(UNEXPECTED))
    assert blind[str(allowed)] == {"owner_unknown": 1} and blind[str(intruded)] == {"owner_unknown": 1}
    assert str(allowed) not in seeing and seeing[str(intruded)] == {"owner": 1}


def test_a_required_listener_that_stops_is_missing(exporter_tmp):
    policy = exporter_tmp / "policy.yml"
    with contextlib.ExitStack() as holder:
        port = holder.enter_context(held_listener("pue-required"))
        policy.write_text("watched_ranges: []\nexpected:\n" + entry(port, process="pue-required", required=True))
        key = frozenset({"protocol": "tcp", "port": str(port), "exposure": "any", "netns": "", "unit": "",
                         "process": "pue-required", "user": ""}.items())
        with Exporter(f"--policy.file={policy}") as exporter:
            assert exporter.samples(MISSING) == {key: 0}
            assert exporter.samples("port_usage_policy_loaded") == {frozenset(): 1}
            holder.close()  # the service dies
            assert exporter.samples(MISSING) == {key: 1}


def test_without_a_policy_the_policy_is_not_loaded_and_nothing_is_missing():
    with Exporter() as exporter:
        text, _ = exporter.scrape()
    assert samples_in(text, "port_usage_policy_loaded") == {frozenset(): 0}
    assert MISSING not in text


def check(policy, *args):
    return run_exporter("policy", "check", f"--policy.file={policy}", *args)


def test_policy_check_exits_0_when_clean_1_with_findings_and_2_on_a_bad_file(exporter_tmp):
    policy = exporter_tmp / "policy.yml"
    with held_listener("pue-checked") as port, held_listener("pue-stray") as stray:
        policy.write_text("watched_ranges: []\nexpected:\n" + entry(port, process="pue-checked", required=True))
        clean = check(policy, "--output=json")
        assert clean.returncode == 0, clean
        assert json.loads(clean.stdout) == {"clean": True, "unexpected": [], "missing": []}
        table = check(policy)
        assert table.returncode == 0 and table.stdout.startswith("ok:")

        policy.write_text(EVERY_RANGE + "expected:\n" + entry(port, process="pue-other", required=True))
        found = check(policy, "--output=json")
        assert found.returncode == 1, found
        report = json.loads(found.stdout)
        assert report["clean"] is False
        mine = {item["port"]: item for item in report["unexpected"] if item["port"] in (str(port), str(stray))}
        assert mine[str(port)]["reason"] == "owner" and mine[str(port)]["sockets"] == 1
        assert mine[str(port)]["owners"] == [{"user": "nobody" if IS_ROOT else mine[str(port)]["owners"][0]["user"],
                                              "unit": mine[str(port)]["owners"][0]["unit"],
                                              "process": "pue-checked", "sockets": 1}]
        assert mine[str(stray)]["reason"] == "port"
        assert [(item["port"], item["process"]) for item in report["missing"]] == [(str(port), "pue-other")]
        table = check(policy)
        assert table.returncode == 1
        rows = [line.split() for line in table.stdout.splitlines()]
        assert ["unexpected:owner", "tcp", "ipv4", str(port)] == rows[[r[3] for r in rows].index(str(port))][:4]
        assert any(row[0] == "missing" and row[3] == str(port) for row in rows)

    policy.write_text("expected:\n  - port: 22\n    protocol: sctp\n")
    bad = check(policy)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.strip().splitlines() == [
        f"port_usage_exporter: error: {policy}:3:15: unknown protocol 'sctp'; expected one of tcp, udp"]


def test_policy_check_syntax_only_reads_the_file_alone(exporter_tmp):
    policy = exporter_tmp / "policy.yml"
    policy.write_text("expected:\n" + entry(22, unit="ssh.service", required=True) + entry(80))
    ok = check(policy, "--syntax-only")
    assert ok.returncode == 0 and ok.stdout == f"{policy}: ok: 2 expected entries, 1 required\n", ok
    policy.write_text("expected:\n" + entry(22, unit=[]))
    bad = check(policy, "--syntax-only")
    assert bad.returncode == 2 and "empty list of unit names" in bad.stderr
    missing = run_exporter("policy", "check")
    assert missing.returncode == 2 and "missing --policy.file" in missing.stderr
