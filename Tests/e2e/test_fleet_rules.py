"""The fleet rules and alerts of Deploy/prometheus/rules.yml, unit-tested by promtool on the 100 hosts of
fleet_rules.py (written into a temporary directory), and that those tests fail when a rule is wrong."""
import subprocess

import pytest
import yaml

import fleet_rules

RULES = fleet_rules.RULES


def promtool_test(tmp_path, rules=RULES):
    tests = tmp_path / "fleet.test.yml"
    fleet_rules.write(tests, rules)
    return subprocess.run(["promtool", "test", "rules", str(tests)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)


def test_fleet_rules_pass_their_unit_tests(tmp_path):
    result = promtool_test(tmp_path)
    assert result.returncode == 0 and "SUCCESS" in result.stdout, (result.stdout + result.stderr)[-4000:]


def test_every_fleet_rule_is_tested():
    """The tests above compare whole label sets, so a fleet rule that kept a per-host label would fail them:
    recorded fleet series stay bounded by listener keys and policy entries, never by hosts."""
    group = next(group for group in yaml.safe_load(RULES.read_text())["groups"] if group["name"] == "port_usage_fleet")
    records = {rule["record"] for rule in group["rules"]}
    tested = {case["expr"] for case in fleet_rules.hundred_hosts()["promql_expr_test"]}
    assert records == tested and len(records) == 9
    assert all(record.startswith("job") for record in records)


@pytest.mark.parametrize("correct, broken, failure", [
    # Counting series instead of hosts: ssh on IPv4 and IPv6 counts each host twice.
    ("count by (job, protocol, port, range) (\n"
     "            count by (job, instance, protocol, port, range) (port_usage_listeners{port!=\"other\"} > 0)\n"
     "          )",
     "count by (job, protocol, port, range) (port_usage_listeners{port!=\"other\"} > 0)",
     'port="22", protocol="tcp", range="system"} 1.99E+02'),
    # A rarity threshold that leaves out the 3% port.
    ("share_hosts <= 0.05", "share_hosts <= 0.02", "alertname: PortUsageRareSystemPortListener, time: 20m"),
    # The rarity alert on every range: redis on tcp/6379 (2%) fires.
    ('port_usage_listeners{range="system"} > 0', "port_usage_listeners > 0", 'port="6379"'),
    # A larger minimum fleet: the 20-host fleet no longer pages.
    ("build_info:count >= 20", "build_info:count >= 21", "name: a fleet of 20 hosts without policies"),
])
def test_the_unit_tests_fail_when_a_rule_is_wrong(tmp_path, correct, broken, failure):
    text = RULES.read_text()
    assert correct in text
    rules = tmp_path / "rules.yml"
    rules.write_text(text.replace(correct, broken))
    result = promtool_test(tmp_path, rules)
    assert result.returncode == 1 and "FAILED" in result.stderr and failure in result.stderr, result.stderr[-3000:]
