"""The netns collector on real network namespaces: named ones (`ip netns add`), unnamed ones
(`unshare --net`), and ones whose process sits in a container's or a pod's cgroup, each with listeners of
its own.

Creating namespaces needs root, so these tests skip without it. The exporter itself never runs as root:
- as deployed with the collector (Deploy/systemd/port_usage_exporter.service.d/netns.conf, the DaemonSet):
  nobody with exactly CAP_SYS_ADMIN, CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH;
- without CAP_SYS_ADMIN (no setns): it must fall back to /proc/PID/net;
- with no capability at all (the e2e default): it must say once why namespaces are missing and keep
  serving everything else.
"""
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from conftest import IS_ROOT, REPO, Exporter, free_port
from test_hardened import (SandboxedExporter, configmap_volume, daemonset_args, daemonset_container, daemonset_prefix,
                           unit_emulation_prefix, unit_settings, values)

pytestmark = pytest.mark.skipif(not IS_ROOT, reason="creating network namespaces (ip netns, unshare) needs root")

IP, UNSHARE, SETPRIV = shutil.which("ip"), shutil.which("unshare"), shutil.which("setpriv")
DROP_IN = REPO / "Deploy" / "systemd" / "port_usage_exporter.service.d" / "netns.conf"
CGROUP2 = next((Path(p) for p in ("/sys/fs/cgroup/unified", "/sys/fs/cgroup")
                if (Path(p) / "cgroup.controllers").exists()), None)
NETNS_CAPS = "sys_admin,sys_ptrace,dac_read_search"

# Listens on TCP 0.0.0.0:768 (an unassigned system port), TCP [::1]:771 (rtip) and UDP 0.0.0.0:5353 in
# whatever namespace it runs in, prints its pid when ready, and holds them until its stdin closes.
HOLDER = textwrap.dedent("""
    import os, socket, sys
    held = []
    for family, kind, address, port in [(socket.AF_INET, socket.SOCK_STREAM, "0.0.0.0", 768),
                                        (socket.AF_INET6, socket.SOCK_STREAM, "::1", 771),
                                        (socket.AF_INET, socket.SOCK_DGRAM, "0.0.0.0", 5353)]:
        sock = socket.socket(family, kind)
        sock.bind((address, port))
        if kind == socket.SOCK_STREAM:
            sock.listen(4)
        held.append(sock)
    print(os.getpid(), flush=True)
    sys.stdin.read()
""")


def as_nobody(caps):
    """setpriv to nobody with exactly `caps` (comma-separated names, or empty) effective, as the systemd
    drop-in (AmbientCapabilities) and an unprivileged unit do."""
    prefix = [SETPRIV, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    if caps:
        plus = ",".join("+" + cap for cap in caps.split(","))
        return prefix + [f"--inh-caps=-all,{plus}", f"--ambient-caps=-all,{plus}", f"--bounding-set=-all,{plus}"]
    return prefix + ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]


class Namespace:
    """A network namespace with the HOLDER's listeners: named (`ip netns add`) or not (`unshare --net`),
    its process optionally moved into cgroup `cgroup` (a path under the cgroup v2 root) first."""

    def __init__(self, named=True, cgroup=None):
        self.name = f"pue-e2e-{uuid.uuid4().hex[:8]}" if named else None
        self.cgroup = cgroup

    def __enter__(self):
        script = "ip link set lo up && exec {} -c {}".format(sys.executable, _quote(HOLDER))
        if self.name:
            subprocess.run([IP, "netns", "add", self.name], check=True, timeout=10)
            command = [IP, "netns", "exec", self.name, "sh", "-c", script]
        else:
            command = [UNSHARE, "--net", "sh", "-c", script]
        if self.cgroup:
            (CGROUP2 / self.cgroup).mkdir(parents=True, exist_ok=True)
            procs = CGROUP2 / self.cgroup / "cgroup.procs"
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                            preexec_fn=lambda: procs.write_text(str(os.getpid())))
        else:
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.pid = int(self.process.stdout.readline())
        self.inode = os.stat(f"/proc/{self.pid}/ns/net").st_ino
        self.comm = Path(f"/proc/{self.pid}/comm").read_text().strip()
        return self

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        if self.name:
            subprocess.run([IP, "netns", "delete", self.name], timeout=10)
            self.name = None
        if self.cgroup:
            _remove_cgroup(CGROUP2 / self.cgroup)
            self.cgroup = None

    def __exit__(self, *exc):
        self.close()


def _quote(text):
    return "'" + text.replace("'", "'\"'\"'") + "'"


def _remove_cgroup(path):
    """Removes an emptied test cgroup and its parents up to the first one not made by the tests."""
    while path != CGROUP2 and path.name.startswith(("pue-e2e", "kubepods", "docker-", "cri-containerd-")):
        with contextlib.suppress(OSError):
            path.rmdir()
        path = path.parent


def listeners(exporter, **wanted):
    """{(netns, protocol, family, port, exposure, assignment, service): value} of port_usage_listeners,
    filtered by `wanted` labels."""
    result = {}
    for labels, value in exporter.samples("port_usage_listeners").items():
        labels = dict(labels)
        if all(labels.get(key) == value_ for key, value_ in wanted.items()):
            result[(labels["netns"], labels["protocol"], labels["family"], labels["port"], labels["exposure"],
                    labels["assignment"], labels["service"])] = value
    return result


def held(netns):
    """The series of the HOLDER's three listeners in namespace `netns`."""
    return {(netns, "tcp", "ipv4", "768", "any", "unassigned", ""): 1,
            (netns, "tcp", "ipv6", "771", "loopback", "assigned", "rtip"): 1,
            (netns, "udp", "ipv4", "5353", "any", "assigned", "mdns"): 1}


def in_namespace(exporter, netns):
    return {key: value for key, value in listeners(exporter).items() if key[0] == netns}


def collector_success(exporter):
    return {dict(labels)["collector"]: value
            for labels, value in exporter.samples("port_usage_scrape_collector_success").items()}


def namespaces_by_status(exporter):
    return {dict(labels)["status"]: value for labels, value in exporter.samples("port_usage_netns_namespaces").items()}


def descriptors(pid):
    """The process's open descriptors but its TCP sockets of the host (HTTP connections come and go)."""
    tcp = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            tcp.add(line.split()[9])
    links = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(FileNotFoundError):  # closed meanwhile
            links.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
    return len([link for link in links if link.removeprefix("socket:[").removesuffix("]") not in tcp])


def test_each_namespace_is_read_and_labelled_as_deployed():
    policy = REPO / "Deploy" / "policy.example.yml"  # watches system ports; 768 and 771 are not expected
    with Namespace() as named, Namespace(named=False) as unnamed, \
            Exporter("--collector.netns", f"--policy.file={policy}", prefix=as_nobody(NETNS_CAPS)) as exporter:
        assert in_namespace(exporter, named.name) == held(named.name)
        assert in_namespace(exporter, f"inode:{unnamed.inode}") == held(f"inode:{unnamed.inode}")
        # The host's own listeners are labelled host, the exporter's included; no namespace's 0.0.0.0 is
        # the host's.
        assert listeners(exporter, netns="host", port=str(exporter.port)) == {
            ("host", "tcp", "ipv4", str(exporter.port), "loopback", "unassigned", ""): 1}
        info = {dict(labels)["netns"]: (dict(labels)["kind"], dict(labels)["id"])
                for labels in exporter.samples("port_usage_netns_info")}
        assert info["host"] == ("host", "") and info[named.name] == ("named", named.name)
        assert info[f"inode:{unnamed.inode}"] == ("unnamed", "")
        assert namespaces_by_status(exporter)["netlink"] >= 2
        assert namespaces_by_status(exporter)["failed"] == 0
        assert collector_success(exporter)["netns"] == 1
        # The owner and change series carry the label too: one exporter joins them per namespace.
        owners = {(dict(labels)["netns"], dict(labels)["port"], dict(labels)["process"])
                  for labels in exporter.samples("port_usage_listener_owner_info")}
        assert {(named.name, "768", named.comm), (f"inode:{unnamed.inode}", "771", unnamed.comm)} <= owners
        first_seen = {(dict(labels)["netns"], dict(labels)["port"])
                      for labels in exporter.samples("port_usage_listener_first_seen_timestamp_seconds")}
        assert {(named.name, "768"), (named.name, "5353"), (f"inode:{unnamed.inode}", "771")} <= first_seen
        unexpected = {(dict(labels)["netns"], dict(labels)["port"]): value
                      for labels, value in exporter.samples("port_usage_unexpected_listeners").items()}
        assert unexpected[(named.name, "768")] == 1 and unexpected[(f"inode:{unnamed.inode}", "771")] == 1
        assert (named.name, "5353") not in unexpected  # a user port: not watched
        page = exporter.get("/").read().decode()
        assert "<th>netns</th>" in page and f"<td>{named.name}</td>" in page
        assert "level=error" not in exporter.log_text()


def test_a_policy_entry_holds_in_the_namespaces_it_names(exporter_tmp):
    """netns: a label or a glob. 768 is expected in one named namespace, held by its process; in the
    other, and 771 anywhere, it is not."""
    policy = exporter_tmp / "policy.yml"
    with Namespace() as mine, Namespace() as other:
        policy.write_text(
            "watched_ranges: [system]\nexpected:\n"
            f"  - {{port: 768, protocol: tcp, netns: {mine.name}, process: {mine.comm}, required: true}}\n"
            "  - {port: 771, protocol: tcp, netns: 'pue-e2e-*', process: not-the-holder}\n"
            "  - {port: 22, protocol: tcp, netns: host, required: true}\n")
        with Exporter("--collector.netns", f"--policy.file={policy}", prefix=as_nobody(NETNS_CAPS)) as exporter:
            unexpected = {(dict(labels)["netns"], dict(labels)["port"], dict(labels)["reason"]): value
                          for labels, value in exporter.samples("port_usage_unexpected_listeners").items()}
            missing = {(dict(labels)["netns"], dict(labels)["port"]): value
                       for labels, value in exporter.samples("port_usage_expected_listener_missing").items()}
            host_ssh = bool(listeners(exporter, netns="host", protocol="tcp", port="22"))
        names = mine.name, other.name
    mine_name, other_name = names
    assert not any(key[:2] == (mine_name, "768") for key in unexpected)
    assert unexpected[(other_name, "768", "port")] == 1
    assert unexpected[(mine_name, "771", "owner")] == 1 and unexpected[(other_name, "771", "owner")] == 1
    assert missing[(mine_name, "768")] == 0
    assert missing[("host", "22")] == (0 if host_ssh else 1)


def test_a_named_namespace_without_a_process_is_entered():
    name = f"pue-e2e-{uuid.uuid4().hex[:8]}"
    subprocess.run([IP, "netns", "add", name], check=True, timeout=10)
    try:
        with Exporter("--collector.netns", prefix=as_nobody(NETNS_CAPS)) as exporter:
            info = {dict(labels)["netns"] for labels in exporter.samples("port_usage_netns_info")}
            assert name in info and in_namespace(exporter, name) == {}
            assert collector_success(exporter)["netns"] == 1
    finally:
        subprocess.run([IP, "netns", "delete", name], timeout=10)


@pytest.mark.skipif(CGROUP2 is None, reason="no cgroup v2 hierarchy to put a process in a container's cgroup")
def test_container_and_pod_namespaces_are_named_by_their_cgroup():
    container_id = uuid.uuid4().hex * 2
    pod_uid = str(uuid.uuid4())
    pod_cgroup = ("kubepods.slice/kubepods-besteffort.slice/"
                  f"kubepods-besteffort-pod{pod_uid.replace('-', '_')}.slice/cri-containerd-{uuid.uuid4().hex * 2}.scope")
    with Namespace(named=False, cgroup=f"pue-e2e.slice/docker-{container_id}.scope") as container, \
            Namespace(named=False, cgroup=pod_cgroup) as pod, \
            Exporter("--collector.netns", prefix=as_nobody(NETNS_CAPS)) as exporter:
        assert in_namespace(exporter, f"container:{container_id[:12]}") == held(f"container:{container_id[:12]}")
        assert in_namespace(exporter, f"pod:{pod_uid}") == held(f"pod:{pod_uid}")
        info = {dict(labels)["netns"]: (dict(labels)["kind"], dict(labels)["id"])
                for labels in exporter.samples("port_usage_netns_info")}
        assert info[f"pod:{pod_uid}"] == ("pod", pod_uid)
        assert info[f"container:{container_id[:12]}"] == ("container", container_id[:12])
        assert container.pid and pod.pid


def test_a_namespace_that_disappears_loses_its_series_and_its_socket():
    with Exporter("--collector.netns", "--collector.changes.poll-interval=0",
                  prefix=as_nobody(NETNS_CAPS)) as exporter:
        # Namespaces of the machine's own (other containers, other tests) stay as they are.
        present = {key[0] for key in listeners(exporter)}
        present_info = {dict(labels)["netns"] for labels in exporter.samples("port_usage_netns_info")}
        baseline = descriptors(exporter.process.pid)
        for _ in range(3):
            with Namespace() as named, Namespace(named=False) as unnamed:
                assert in_namespace(exporter, named.name) == held(named.name)
                assert in_namespace(exporter, f"inode:{unnamed.inode}") == held(f"inode:{unnamed.inode}")
                # One sock_diag socket per namespace, kept across scrapes.
                assert descriptors(exporter.process.pid) == baseline + 2
                exporter.scrape()
                assert descriptors(exporter.process.pid) == baseline + 2
            # Gone at the next scrape: its listeners, its info series, and its socket (which would keep the
            # namespace alive).
            assert {key[0] for key in listeners(exporter)} == present
            assert {dict(labels)["netns"] for labels in exporter.samples("port_usage_netns_info")} == present_info
            assert descriptors(exporter.process.pid) == baseline


def test_without_setns_namespaces_are_read_from_their_processes():
    """CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH but not CAP_SYS_ADMIN: /proc/PID/net of a process in each
    namespace gives the same series; a named namespace with no process cannot be read, and says so."""
    with Namespace() as named, Namespace(named=False) as unnamed, \
            Exporter("--collector.netns", prefix=as_nobody("sys_ptrace,dac_read_search")) as exporter:
        for _ in range(3):
            assert in_namespace(exporter, named.name) == held(named.name)
            assert in_namespace(exporter, f"inode:{unnamed.inode}") == held(f"inode:{unnamed.inode}")
        assert namespaces_by_status(exporter)["procfs"] >= 2
        assert namespaces_by_status(exporter)["netlink"] == 0
        log = exporter.log_text()
        assert log.count("cannot enter network namespaces") == 1, log
        assert "setns: Operation not permitted" in log and "CAP_SYS_ADMIN" in log


def test_unprivileged_the_failure_is_said_once_and_the_rest_keeps_working():
    with Namespace() as named, Exporter("--collector.netns") as exporter:
        for _ in range(3):
            exporter.scrape()
        success = collector_success(exporter)
        assert success["netns"] == 0
        assert success["listeners"] == 1 and success["owners"] == 1 and success["changes"] == 1
        assert listeners(exporter, netns="host", port=str(exporter.port))
        # The holder runs as root: nobody without capabilities can neither enter its namespace nor read
        # its /proc/PID/net.
        assert in_namespace(exporter, named.name) == {}
        assert exporter.samples("port_usage_netns_denied_processes")[frozenset()] > 0
        failures = [line for line in exporter.log_text().splitlines() if "collector failed" in line]
        assert len(failures) == 1, failures
        assert "collector=netns" in failures[0] and "CAP_SYS_PTRACE" in failures[0]


def test_the_namespace_limit_counts_what_it_leaves_out():
    with Namespace() as first, Namespace() as second, \
            Exporter("--collector.netns", "--collector.netns.max-namespaces=1",
                     prefix=as_nobody(NETNS_CAPS)) as exporter:
        for _ in range(2):
            statuses = namespaces_by_status(exporter)
        assert statuses["over_limit"] >= 1 and statuses["netlink"] == 1
        read = {key[0] for key in listeners(exporter)} - {"host"}
        assert len(read) == 1
        log = exporter.log_text()
        assert log.count("more network namespaces than the limit") == 1, log
        assert "--collector.netns.max-namespaces" in log
        assert first.name and second.name


def test_the_systemd_drop_in_grants_what_the_collector_needs():
    settings = unit_settings() + unit_settings(DROP_IN)
    assert values(settings, "ExecStart")[-2:] == [
        "", "/usr/local/bin/port_usage_exporter --collector.netns $PORT_USAGE_EXPORTER_ARGS"]
    assert values(settings, "RestrictNamespaces")[-1] == "net"
    with Namespace() as named, SandboxedExporter("--collector.netns", port=free_port(),
                                                 prefix=unit_emulation_prefix(settings)) as exporter:
        assert in_namespace(exporter, named.name) == held(named.name)
        assert namespaces_by_status(exporter)["netlink"] >= 1
        assert collector_success(exporter)["netns"] == 1


def test_the_daemonset_reads_every_namespace_of_the_node(exporter_tmp):
    pod, container = daemonset_container()
    assert pod["hostPID"] is True and "--collector.netns" in container["args"]
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == "/run/netns")
    assert mount["readOnly"] is True and mount["mountPropagation"] == "HostToContainer"
    mount_path, directory = configmap_volume(exporter_tmp)
    prefix, _ = daemonset_prefix()
    with Namespace() as named, Namespace(named=False) as unnamed, \
            SandboxedExporter(*daemonset_args(mount_path, directory), port=free_port(), prefix=prefix) as exporter:
        assert in_namespace(exporter, named.name) == held(named.name)
        assert in_namespace(exporter, f"inode:{unnamed.inode}") == held(f"inode:{unnamed.inode}")
        assert collector_success(exporter)["netns"] == 1
        assert_serves_listener_in_host(exporter)


def assert_serves_listener_in_host(exporter):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        assert listeners(exporter, netns="host", port=str(port))


def test_a_named_namespace_whose_name_is_not_utf8_is_read_and_its_label_escaped():
    name = f"pue-e2e-{uuid.uuid4().hex[:6]}".encode() + b"\xff\xfe"
    label = name[:-2].decode() + "\\xFF\\xFE"
    subprocess.run([IP, "netns", "add", name], check=True, timeout=10)
    script = "ip link set lo up && exec {} -c {}".format(sys.executable, _quote(HOLDER))
    holder = subprocess.Popen([IP, "netns", "exec", name, "sh", "-c", script], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        holder.stdout.readline()
        with Exporter("--collector.netns", prefix=as_nobody(NETNS_CAPS)) as exporter:
            assert in_namespace(exporter, label) == held(label)
            info = {dict(labels)["netns"] for labels in exporter.samples("port_usage_netns_info")}
            assert label in info
            assert namespaces_by_status(exporter).get("failed", 0) == 0
            assert collector_success(exporter)["netns"] == 1
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
        subprocess.run([IP, "netns", "delete", name], timeout=10)
