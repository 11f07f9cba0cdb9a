"""Deploy/: alert rules and their unit tests, the Prometheus configuration, systemd units, the Dockerfile,
the Kubernetes objects, and the example policy."""
import re
import shutil
import subprocess
import sys

import pytest
import yaml

import fleet_rules
from conftest import BINARY, REPO, exporter_writable_dir, run_exporter

DEPLOY = REPO / "Deploy"
RULES = DEPLOY / "prometheus" / "rules.yml"
VENV_BIN = __import__("pathlib").Path(sys.executable).parent


def run(*args, cwd=REPO):
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_rules_pass_promtool_check_and_their_unit_tests():
    check = run("promtool", "check", "rules", RULES)
    assert check.returncode == 0, check.stdout + check.stderr
    unit = run("promtool", "test", "rules", "rules.test.yml", cwd=DEPLOY / "prometheus")
    assert unit.returncode == 0 and "SUCCESS" in unit.stdout, unit.stdout + unit.stderr


def test_every_alert_is_tested_firing_and_not_firing():
    alerts = {rule["alert"] for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]
              if "alert" in rule}
    tests = yaml.safe_load((DEPLOY / "prometheus" / "rules.test.yml").read_text())["tests"]
    tests += fleet_rules.promtool_tests()["tests"]  # the fleet alerts' tests (test_fleet_rules.py runs them)
    cases = [case for test in tests for case in test.get("alert_rule_test", [])]
    firing = {case["alertname"] for case in cases if case["exp_alerts"]}
    silent = {case["alertname"] for case in cases if not case["exp_alerts"]}
    assert alerts - firing == set() and alerts - silent == set()
    assert len(alerts) >= 6


def test_alert_annotations_name_host_port_protocol_service_and_exposure():
    for group in yaml.safe_load(RULES.read_text())["groups"]:
        for rule in group["rules"]:
            if "alert" not in rule:
                continue
            text = " ".join(rule["annotations"].values())
            assert rule["labels"]["severity"] in ("info", "warning", "critical")
            assert {"summary", "description"} <= set(rule["annotations"])
            if "port_usage_listeners" in rule["expr"] or "unexpected" in rule["expr"]:
                for label in ("instance", "port", "protocol", "service", "exposure"):
                    assert f"$labels.{label}" in text, (rule["alert"], label)


def test_prometheus_example_configuration_is_valid():
    result = run("promtool", "check", "config", DEPLOY / "prometheus" / "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    pushgateway = next(job for job in config["scrape_configs"] if job["job_name"] == "pushgateway")
    assert pushgateway["honor_labels"] is True


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(not SYSTEMD_ANALYZE, reason="systemd-analyze is not installed (Debian package systemd)")
def test_systemd_units_verify_and_are_hardened(tmp_path):
    units = sorted((DEPLOY / "systemd").glob("*.service")) + sorted((DEPLOY / "systemd").glob("*.timer"))
    for unit in units:
        # verify checks that ExecStart is executable: point it at the binary under test.
        text = unit.read_text().replace("/usr/local/bin/port_usage_exporter", str(BINARY.resolve()))
        (tmp_path / unit.name).write_text(text)
    copies = [tmp_path / unit.name for unit in units]
    verify = run(SYSTEMD_ANALYZE, "verify", *copies, cwd=tmp_path)
    assert verify.returncode == 0 and verify.stdout + verify.stderr == "", verify.stdout + verify.stderr
    for service in [copy for copy in copies if copy.suffix == ".service"]:
        security = run(SYSTEMD_ANALYZE, "security", "--offline=true", service, cwd=tmp_path)
        level = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", security.stdout)
        assert level and float(level.group(1)) <= 2.0, security.stdout[-500:]
    main = (DEPLOY / "systemd" / "port_usage_exporter.service").read_text()
    for directive in ["DynamicUser=yes", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                      "PrivateTmp=yes", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK\n",
                      "CapabilityBoundingSet=\n", "SystemCallFilter=setrlimit prlimit64\n", "LimitNOFILE=8192:8192\n",
                      "EnvironmentFile=-/etc/default/port_usage_exporter"]:
        assert directive in main
    # The owners collector: other users' sockets keep their uid (no private user namespace), and their
    # processes stay visible (ProtectProc=default); the capabilities for process names are named.
    assert "\nPrivateUsers=" not in main and "\nProtectProc=default\n" in main
    assert "#AmbientCapabilities=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH\n" in main


def test_dockerfile_is_hadolint_clean_and_from_scratch():
    hadolint = VENV_BIN / "hadolint"
    result = run(hadolint, "--config", REPO / ".hadolint.yaml", DEPLOY / "container" / "Dockerfile")
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr
    # The linter does fail on a bad Dockerfile, so a pass above means something.
    bad = subprocess.run([str(hadolint), "--config", str(REPO / ".hadolint.yaml"), "-"],
                         input="FROM debian\nRUN cd /tmp && apt-get install curl\n", capture_output=True, text=True)
    assert bad.returncode != 0 and "DL3006" in bad.stdout
    dockerfile = (DEPLOY / "container" / "Dockerfile").read_text()
    # No registry: the image is the context scripts/build-image.sh makes (test_container_image runs it).
    assert re.findall(r"^FROM .*", dockerfile, re.M) == ["FROM scratch"]
    assert "scripts/build-image.sh" in dockerfile and "EXPOSE 10768" in dockerfile
    assert re.search(r"^USER 65534", dockerfile, re.M)


def kubernetes(name):
    return yaml.safe_load((DEPLOY / "kubernetes" / name).read_text())


def test_kubernetes_core_kinds_validate_offline():
    core = ["daemonset.yaml", "service.yaml", "configmap-policy.yaml"]
    result = run(VENV_BIN / "kubernetes-validate", "--strict", *[DEPLOY / "kubernetes" / name for name in core])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("passed for resource") == 3


def test_daemonset_runs_with_only_the_netns_capabilities_on_the_host_network():
    """Every capability dropped but the three the netns collector needs (each explained in the manifest's
    comment); Kubernetes gives added capabilities to uid 0 only."""
    spec = kubernetes("daemonset.yaml")["spec"]["template"]["spec"]
    container = spec["containers"][0]
    assert spec["hostNetwork"] is True and spec["hostPID"] is True and "--collector.netns" in container["args"]
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False
    assert security["privileged"] is False and security["capabilities"]["drop"] == ["ALL"]
    assert security["capabilities"]["add"] == ["SYS_ADMIN", "SYS_PTRACE", "DAC_READ_SEARCH"]
    comment = (DEPLOY / "kubernetes" / "daemonset.yaml").read_text().split("apiVersion")[0]
    assert all(f"- {name}:" in comment for name in ["hostPID", "SYS_ADMIN", "SYS_PTRACE", "DAC_READ_SEARCH"])
    assert {"cpu", "memory"} <= set(container["resources"]["requests"]) and "memory" in container["resources"]["limits"]
    assert "--policy.file=/etc/port_usage_exporter/policy.yml" in container["args"]


def test_operator_objects_point_at_the_exporter():
    monitor = kubernetes("servicemonitor.yaml")
    assert monitor["kind"] == "ServiceMonitor" and monitor["spec"]["endpoints"][0]["port"] == "metrics"
    assert monitor["spec"]["selector"]["matchLabels"] == kubernetes("service.yaml")["spec"]["selector"]
    rule = kubernetes("prometheusrule.yaml")
    assert rule["kind"] == "PrometheusRule" and rule["apiVersion"] == "monitoring.coreos.com/v1"


def test_generated_kubernetes_objects_match_their_sources():
    result = run(sys.executable, REPO / "scripts" / "generate-kubernetes.py", "--check")
    assert result.returncode == 0, result.stderr
    assert kubernetes("prometheusrule.yaml")["spec"] == yaml.safe_load(RULES.read_text())
    policy = yaml.safe_load(kubernetes("configmap-policy.yaml")["data"]["policy.yml"])
    assert policy == yaml.safe_load((DEPLOY / "policy.example.yml").read_text())


def test_generator_check_fails_on_drift(tmp_path):
    copy = tmp_path / "repo"
    shutil.copytree(REPO / "Deploy", copy / "Deploy")
    shutil.copytree(REPO / "scripts", copy / "scripts")
    rules = copy / "Deploy" / "prometheus" / "rules.yml"
    rules.write_text(rules.read_text().replace("for: 2m", "for: 3m", 1))
    result = run(sys.executable, copy / "scripts" / "generate-kubernetes.py", "--check", cwd=copy)
    assert result.returncode == 1 and "prometheusrule.yaml" in result.stderr


def test_example_policy_loads(exporter_tmp):
    out = exporter_writable_dir(exporter_tmp / "out") / "out.prom"
    result = run_exporter("textfile", f"--policy.file={DEPLOY / 'policy.example.yml'}", f"--textfile.path={out}")
    assert result.returncode == 0, result.stderr
    assert "port_usage_unexpected_listeners" in out.read_text()
