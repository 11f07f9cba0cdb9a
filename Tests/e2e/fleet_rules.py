#!/usr/bin/env python3
"""A fleet of 100 hosts, as the exporters would report it, and the `promtool test rules` file that checks the
fleet rules and alerts of Deploy/prometheus/rules.yml against it (promtool's test files have no loops, so
this writes one). test_fleet_rules.py runs it; test_fleet_dashboard.py serves the same fleet to a real
Prometheus.

    Tests/e2e/fleet_rules.py OUT.yml     # writes the test file; then: promtool test rules OUT.yml

The fleet (job port_usage_exporter, instances host-1:10768 ... host-100:10768):
- every host: ssh on tcp/22 (IPv4 and IPv6, one host each), the exporter on tcp/10768;
- hosts 1-60 are web servers (tcp/80, tcp/443), but nginx is down on host-17: its required 443 is missing;
- hosts 1-40 run ntp (udp/123), hosts 41-46 smtp on loopback (tcp/25: 6%, not rare);
- hosts 5, 50 and 95 listen on the unassigned system port tcp/768 (3%: rare, and unexpected);
- hosts 7 and 8 run redis on tcp/6379 (2%, but a user port: never rare);
- hosts 1-10 have listeners beyond --collector.listeners.max-ports (port="other");
- host-12's sshd is gone and a backdoor holds tcp/22 (unexpected with reason owner, and the required
  ssh entry missing); host-13's 80 has an owner the unprivileged exporter could not read (owner_unknown);
- hosts 97-100 run without a policy; the last policy reload failed on hosts 91 and 92.
"""
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "Deploy" / "prometheus" / "rules.yml"
JOB = "port_usage_exporter"
HOSTS = 100
SAMPLES = 75  # minutes of input: PortUsageHostsWithoutPolicy waits an hour
WEB, NTP, SMTP = range(1, 61), range(1, 41), range(41, 47)
RARE_SYSTEM, RARE_USER, OVERFLOW = (5, 50, 95), (7, 8), range(1, 11)
BACKDOOR, UNREADABLE, NGINX_DOWN = 12, 13, 17
WITHOUT_POLICY, RELOAD_FAILED = range(97, 101), (91, 92)
SSH_ENTRY = {"protocol": "tcp", "port": "22", "exposure": "any", "netns": "", "unit": "ssh.service",
             "process": "sshd", "user": ""}
HTTPS_ENTRY = {"protocol": "tcp", "port": "443", "exposure": "any", "netns": "", "unit": "nginx.service",
               "process": "nginx", "user": ""}


def instance(host):
    return f"host-{host}:10768"


def listener(protocol, family, port, exposure, range_, assignment, service):
    return {"protocol": protocol, "family": family, "port": str(port), "exposure": exposure, "range": range_,
            "assignment": assignment, "service": service}


SSH4 = listener("tcp", "ipv4", 22, "any", "system", "assigned", "ssh")
SSH6 = listener("tcp", "ipv6", 22, "any", "system", "assigned", "ssh")
EXPORTER = listener("tcp", "ipv4", 10768, "any", "user", "unassigned", "")
HTTP = listener("tcp", "ipv4", 80, "any", "system", "assigned", "http")
HTTPS = listener("tcp", "ipv4", 443, "any", "system", "assigned", "https")
NTP_LISTENER = listener("udp", "ipv4", 123, "any", "system", "assigned", "ntp")
SMTP_LISTENER = listener("tcp", "ipv4", 25, "loopback", "system", "assigned", "smtp")
UNASSIGNED = listener("tcp", "ipv4", 768, "any", "system", "unassigned", "")
REDIS = listener("tcp", "ipv4", 6379, "loopback", "user", "assigned", "redis")
OTHER = listener("tcp", "ipv4", "other", "any", "other", "other", "")


def key(labels):
    """The labels port_usage_listener_owner_info shares with port_usage_listeners."""
    return {name: labels[name] for name in ("protocol", "family", "port", "exposure")}


def host_listeners(host):
    """(labels, sockets) of port_usage_listeners on one host."""
    found = [(SSH4, 1), (EXPORTER, 1)]
    if host != BACKDOOR:
        found.append((SSH6, 1))  # the backdoor took IPv4 only
    if host in WEB:
        found.append((HTTP, 4))
        if host != NGINX_DOWN:
            found.append((HTTPS, 4))
    found += [(NTP_LISTENER, 1)] * (host in NTP) + [(SMTP_LISTENER, 1)] * (host in SMTP)
    found += [(UNASSIGNED, 1)] * (host in RARE_SYSTEM) + [(REDIS, 1)] * (host in RARE_USER)
    found += [(OTHER, 7)] * (host in OVERFLOW)
    return found


def host_owners(host):
    """Label sets of port_usage_listener_owner_info: host-95's 768 has no owner reported."""
    owners = []
    for labels, _ in host_listeners(host):
        if labels["port"] == "22":
            sshd = {"user": "root", "unit": "ssh.service", "process": "sshd"}
            backdoor = {"user": "nobody", "unit": "", "process": "backdoor"}
            owners.append(key(labels) | (backdoor if host == BACKDOOR else sshd))
        elif labels["port"] == "768" and host != 95:
            owners.append(key(labels) | {"user": "root", "unit": "backup.service", "process": "backupd"})
        elif labels["port"] == "80" and host == UNREADABLE:
            owners.append(key(labels) | {"user": "www-data", "unit": "", "process": ""})
    return owners


def host_unexpected(host):
    """(labels, reason) of port_usage_unexpected_listeners: only hosts with a policy have the series."""
    if host in WITHOUT_POLICY:
        return []
    found = [(UNASSIGNED, "port")] * (host in RARE_SYSTEM) + [(SSH4, "owner")] * (host == BACKDOOR)
    return found + [(HTTP, "owner_unknown")] * (host == UNREADABLE)


def host_required(host):
    """(entry labels, missing) of port_usage_expected_listener_missing."""
    if host in WITHOUT_POLICY:
        return []
    entries = [(SSH_ENTRY, int(host == BACKDOOR))]
    return entries + [(HTTPS_ENTRY, int(host == NGINX_DOWN))] * (host in WEB)


def fleet_series(hosts=HOSTS):
    """(metric, labels, value) of every series the fleet exports; each value is constant."""
    series = []
    for host in range(1, hosts + 1):
        base = {"instance": instance(host), "job": JOB}
        series.append(("port_usage_exporter_build_info", base | {"version": "0.1.0"}, 1))
        series += [("port_usage_listeners", base | labels, sockets) for labels, sockets in host_listeners(host)]
        series += [("port_usage_listener_owner_info", base | labels, 1) for labels in host_owners(host)]
        series += [("port_usage_unexpected_listeners", base | labels | {"reason": reason}, 1)
                   for labels, reason in host_unexpected(host)]
        series += [("port_usage_expected_listener_missing", base | entry, missing)
                   for entry, missing in host_required(host)]
        series.append(("port_usage_policy_loaded", base, int(host not in WITHOUT_POLICY)))
        series.append(("port_usage_config_last_reload_successful", base, int(host not in RELOAD_FAILED)))
    return series


def selector(metric, labels):
    inner = ",".join(f'{name}="{value}"' for name, value in labels.items())
    return f"{metric}{{{inner}}}"


def exposition(hosts=HOSTS):
    """The fleet in the text format, instance and job included (for a scrape with honor_labels)."""
    return "".join(f"{selector(metric, labels)} {value}\n" for metric, labels, value in fleet_series(hosts))


def input_series(series):
    return [{"series": selector(metric, labels), "values": f"{value}x{SAMPLES}"} for metric, labels, value in series]


def samples(metric, rows):
    return [{"labels": selector(metric, labels), "value": value} for labels, value in rows]


def fleet_expressions():
    """promql_expr_test cases: the recording rules' values for the 100 hosts."""
    job = {"job": JOB}
    prevalence = [(SSH4, 100), (EXPORTER, 100), (HTTP, 60), (HTTPS, 59), (NTP_LISTENER, 40), (SMTP_LISTENER, 6),
                  (UNASSIGNED, 3), (REDIS, 2)]
    per_key = [(job | {name: labels[name] for name in ("protocol", "port", "range")}, hosts)
               for labels, hosts in prevalence]
    cases = {
        "job:port_usage_exporter_build_info:count": [(job, 100)],
        "job_protocol_port:port_usage_listeners:count_hosts": per_key,
        "job_protocol_port:port_usage_listeners:share_hosts": [(labels, hosts / 100) for labels, hosts in per_key],
        "job:port_usage_unexpected_listeners:count_hosts": [(job, 5)],
        "job_reason:port_usage_unexpected_listeners:count_hosts": [
            (job | {"reason": "port"}, 3), (job | {"reason": "owner"}, 1), (job | {"reason": "owner_unknown"}, 1)],
        "job_protocol_port:port_usage_expected_listener_missing:count_hosts": [
            (job | {name: value for name, value in SSH_ENTRY.items() if value}, 1),
            (job | {name: value for name, value in HTTPS_ENTRY.items() if value}, 1)],
        "job:port_usage_expected_listener_missing:count_hosts": [(job, 2)],
        "job:port_usage_config_last_reload_successful:count_zero": [(job, 2)],
        "job:port_usage_policy_loaded:count_zero": [(job, 4)],
    }
    return [{"expr": metric, "eval_time": "10m", "exp_samples": samples(metric, rows)}
            for metric, rows in cases.items()]


def alert(name, labels, summary, description, severity="warning"):
    # An empty label is no label in Prometheus.
    present = {label: value for label, value in labels.items() if value}
    return {"exp_labels": {"severity": severity} | present, "exp_annotations": {
        "summary": summary, "description": description}}


OWNER_TEXT = {
    "port": "that the expected-port policy does not list.",
    "owner": "that the expected-port policy expects on this port only for another owner (unit, process or user).",
    "owner_unknown": ("whose owner could not be read to check the owner the expected-port policy asks for on this"
                      " port (an unprivileged exporter cannot read other users' process names; the unit is unknown"
                      " with the procfs source or the owners collector off)."),
}


def owner_sentence(owner):
    if not owner:
        return "No owner reported (is the owners collector on?)."
    parts = [f"user {owner['user']}"] + [f"{name} {owner[name]}" for name in ("unit", "process") if owner[name]]
    return "Owner: " + ", ".join(parts) + "."


def owner_labels(host, labels):
    found = [owner for owner in host_owners(host) if key(owner) == key(labels)]
    return {name: value for name, value in found[0].items() if name in ("user", "unit", "process") and value} \
        if found else {}


def unexpected_alerts():
    alerts = []
    for host in range(1, HOSTS + 1):
        for labels, reason in host_unexpected(host):
            owner = owner_labels(host, labels)
            full = next(o for o in host_owners(host) if key(o) == key(labels)) if owner else None
            service = f" ({labels['service']})" if labels["service"] else ""
            service_text = f"service {labels['service']}" if labels["service"] else "no service name"
            summary_owner = "".join(f", {name} {owner[name]}" for name in ("process", "user") if name in owner)
            alerts.append(alert(
                "PortUsageUnexpectedListener",
                {"instance": instance(host), "job": JOB, "reason": reason} | labels | owner,
                f"Unexpected listener on {instance(host)}: {labels['port']}/{labels['protocol']}{service}, exposure"
                f" {labels['exposure']}{summary_owner} (reason {reason})",
                f"{instance(host)} has 1 {labels['protocol']}/{labels['family']} listener(s) on port {labels['port']}"
                f" (IANA {labels['range']} range, {labels['assignment']}, {service_text}, exposure"
                f" {labels['exposure']}) {OWNER_TEXT[reason]} {owner_sentence(full)}"))
    return alerts


def rare_alerts(hosts, total, port=UNASSIGNED):
    alerts = []
    for host in hosts:
        owner = owner_labels(host, port)
        full = next((o for o in host_owners(host) if key(o) == key(port)), None)
        summary_owner = "".join(f", {name} {owner[name]}" for name in ("process", "user") if name in owner)
        labels = {name: port[name] for name in ("protocol", "port", "exposure", "range")}
        alerts.append(alert(
            "PortUsageRareSystemPortListener", {"instance": instance(host), "job": JOB} | labels | owner,
            f"Rare system-port listener {port['port']}/{port['protocol']} on {instance(host)}: {len(hosts)} host(s)"
            f" of job {JOB} run it{summary_owner}",
            f"{instance(host)} listens on system port {port['port']}/{port['protocol']} (no service name, exposure"
            f" {port['exposure']}), which only {len(hosts)} host(s) of job {JOB} out of {total} run: at most 5% of"
            f" the fleet, for 15 minutes. Hosts that should be alike rarely differ on a well-known port; no policy"
            f" is needed to see it. {owner_sentence(full)}"))
    return alerts


def missing_alerts():
    found = []
    for host, entry in ((BACKDOOR, SSH_ENTRY), (NGINX_DOWN, HTTPS_ENTRY)):
        found.append(alert(
            "PortUsageExpectedListenerMissing", {"instance": instance(host), "job": JOB} | {
                name: value for name, value in entry.items() if value},
            f"Required listener {entry['port']}/tcp is missing on {instance(host)}, unit {entry['unit']}, process"
            f" {entry['process']}",
            f"The policy of {instance(host)} requires a tcp listener on port {entry['port']} (exposure any, unit"
            f" {entry['unit']}, process {entry['process']}) and none has matched it for 5 minutes: the service"
            " stopped or never started, or something else holds the port (then PortUsageUnexpectedListener names"
            " it with reason owner)."))
    return found


def load_failed_alerts():
    return [alert(
        "PortUsagePolicyLoadFailed", {"instance": instance(host), "job": JOB},
        f"port_usage_exporter on {instance(host)} could not load its policy file",
        f"The last reload of --policy.file on {instance(host)} failed; the previous policy is still in force. The"
        f" exporter's log names the file, line and column. Hosts of job {JOB} whose policy failed to load:"
        f" {len(RELOAD_FAILED)}.") for host in RELOAD_FAILED]


def without_policy_alert():
    listed = " ".join(sorted(instance(host) for host in WITHOUT_POLICY))
    count = len(WITHOUT_POLICY)
    return [alert(
        "PortUsageHostsWithoutPolicy", {"job": JOB},
        f"{count} host(s) of job {JOB} run port_usage_exporter without a policy",
        f"{count} host(s) of job {JOB} have run without --policy.file for an hour while other hosts of the job"
        f" have one, so nothing checks their listeners against it. Up to five of them: {listed} ",
        severity="info")]


def case(name, time, alerts):
    return {"eval_time": time, "alertname": name, "exp_alerts": alerts}


def hundred_hosts():
    return {
        "name": "a fleet of 100 hosts",
        "interval": "1m",
        "input_series": input_series(fleet_series()),
        "promql_expr_test": fleet_expressions(),
        "alert_rule_test": [
            case("PortUsageUnexpectedListener", "1m", []),
            case("PortUsageUnexpectedListener", "10m", unexpected_alerts()),
            case("PortUsageRareSystemPortListener", "10m", []),
            case("PortUsageRareSystemPortListener", "20m", rare_alerts(RARE_SYSTEM, HOSTS)),
            case("PortUsageExpectedListenerMissing", "4m", []),
            case("PortUsageExpectedListenerMissing", "10m", missing_alerts()),
            case("PortUsagePolicyLoadFailed", "4m", []),
            case("PortUsagePolicyLoadFailed", "10m", load_failed_alerts()),
            case("PortUsageHostsWithoutPolicy", "50m", []),
            case("PortUsageHostsWithoutPolicy", "70m", without_policy_alert()),
        ],
    }


def small_fleet(hosts):
    """One host of `hosts` runs syslog on tcp/514, and none has a policy: 19 hosts are below the rarity
    alert's minimum fleet, 20 are at it (and 1 host of 20 is 5%, at the threshold); a job without any
    policy does not ask for one."""
    syslog = listener("tcp", "ipv4", 514, "any", "system", "assigned", "shell")
    series = []
    for host in range(1, hosts + 1):
        base = {"instance": instance(host), "job": JOB}
        series += [("port_usage_exporter_build_info", base | {"version": "0.1.0"}, 1),
                   ("port_usage_listeners", base | SSH4, 1), ("port_usage_policy_loaded", base, 0)]
        if host == 1:
            series.append(("port_usage_listeners", base | syslog, 1))
    fires = hosts >= 20
    rare = [alert(
        "PortUsageRareSystemPortListener",
        {"instance": instance(1), "job": JOB, "protocol": "tcp", "port": "514", "exposure": "any", "range": "system",
         "service": "shell"},
        f"Rare system-port listener 514/tcp on {instance(1)}: 1 host(s) of job {JOB} run it",
        f"{instance(1)} listens on system port 514/tcp (service shell, exposure any), which only 1 host(s) of job"
        f" {JOB} out of {hosts} run: at most 5% of the fleet, for 15 minutes. Hosts that should be alike rarely"
        " differ on a well-known port; no policy is needed to see it. No owner reported (is the owners collector"
        " on?).")] if fires else []
    return {
        "name": f"a fleet of {hosts} hosts without policies",
        "interval": "1m",
        "input_series": input_series(series),
        "alert_rule_test": [case("PortUsageRareSystemPortListener", "20m", rare),
                            case("PortUsageHostsWithoutPolicy", "70m", [])],
    }


def promtool_tests(rules=RULES):
    return {"rule_files": [str(rules)], "evaluation_interval": "1m",
            "tests": [hundred_hosts(), small_fleet(19), small_fleet(20)]}


def write(path, rules=RULES):
    text = ("# Generated by Tests/e2e/fleet_rules.py; run `promtool test rules` on it.\n"
            + yaml.safe_dump(promtool_tests(rules), sort_keys=False, width=1000))
    Path(path).write_text(text)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} OUT.yml")
    write(sys.argv[1])
