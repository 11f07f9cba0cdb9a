"""The built exporter under the security settings it ships with, serving real scrapes.

- Every e2e exporter runs as nobody with no capabilities (conftest.exporter_command); the first test checks
  that this is really so.
- Deploy/systemd/port_usage_exporter.service (serving) and port_usage_exporter-push.service (pushing to a
  real Pushgateway): started with systemd-run and the unit's own [Service]
  settings where PID 1 is systemd. Elsewhere (containers, this sandbox) the settings are emulated from the
  unit file: bubblewrap for the mounts (ProtectSystem=strict: read-only /; PrivateTmp; PrivateDevices;
  ProtectHome), prlimit for LimitNOFILE, setpriv for the user and capabilities (DynamicUser as nobody,
  CapabilityBoundingSet=, AmbientCapabilities=, NoNewPrivileges), and seccomp filters built with
  libseccomp from SystemCallFilter (with systemd's own group lists, from systemd-analyze),
  SystemCallErrorNumber, RestrictAddressFamilies and MemoryDenyWriteExecute, stacked as systemd stacks
  them, and UMask. Not emulated: the other Protect*/Restrict* settings, PrivateUsers, RemoveIPC, MemoryMax, TasksMax.
- Deploy/kubernetes/daemonset.yaml: the container's securityContext (runAsUser/runAsGroup, capabilities
  drop ALL, allowPrivilegeEscalation false, readOnlyRootFilesystem) on the host network, the manifest's
  args, and the policy from the ConfigMap. The RuntimeDefault seccomp profile is not emulated.
- A negative control runs probes under the same sandboxes: what needs a capability, a denied address
  family or a denied system call fails there.
"""
import ast
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml

from conftest import (BINARY, IS_ROOT, REPO, Daemon, Exporter, exporter_directory, exporter_ids, free_port,
                      samples_in, unprivileged_prefix)
from test_web_config import HEADERS, SecuredExporter, assert_client_outcome, make_pki

UNIT = REPO / "Deploy" / "systemd" / "port_usage_exporter.service"
UNIT_ENV = REPO / "Deploy" / "systemd" / "port_usage_exporter.env"
PUSH_UNIT = REPO / "Deploy" / "systemd" / "port_usage_exporter-push.service"
DAEMONSET = REPO / "Deploy" / "kubernetes" / "daemonset.yaml"
CONFIGMAP = REPO / "Deploy" / "kubernetes" / "configmap-policy.yaml"
SANDBOX_EXEC = Path(__file__).with_name("sandbox_exec.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # readable by nobody, unlike a Python under /root
BWRAP, SETPRIV, PRLIMIT = shutil.which("bwrap"), shutil.which("setpriv"), shutil.which("prlimit")
SYSTEMD_ANALYZE, SYSTEMD_RUN = shutil.which("systemd-analyze"), shutil.which("systemd-run")
SYSTEMD_IS_PID1 = Path("/run/systemd/system").is_dir()
CAPABILITY_FIELDS = ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")


def status_of(pid):
    """/proc/PID/status as {field: value}."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields


def exporter_pid(root):
    """The pid of the exporter binary among `root` and its descendants (a sandbox may fork before it)."""
    binary = str(BINARY.resolve())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        parents = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                    parents[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
                except (OSError, ValueError):
                    pass
        family, grew = {root}, True
        while grew:
            grown = family | {pid for pid, parent in parents.items() if parent in family}
            grew, family = grown != family, grown
        for pid in sorted(family):
            try:
                if os.readlink(f"/proc/{pid}/exe") == binary:
                    return pid
            except OSError:
                pass
        time.sleep(0.05)
    raise AssertionError(f"no {binary} under pid {root}")


class SandboxedExporter(Exporter):
    """An Exporter under a sandbox that forks (bwrap), so its process is not the binary: `pid` is the
    binary's. Stopped by SIGTERM to the binary itself (a change of user clears the parent-death signal, so
    killing bwrap would leave it running); `status` is its exit status, which bwrap passes on."""

    def __enter__(self):
        try:
            super().__enter__()
        except BaseException:
            kill_orphans(self.args)
            raise
        self.pid, self.status = exporter_pid(self.process.pid), None
        return self

    def __exit__(self, *exc):
        try:
            if self.process.poll() is None:
                os.kill(self.pid, signal.SIGTERM)
            self.status = self.process.wait(timeout=10)
        finally:
            super().__exit__(*exc)


def kill_orphans(args):
    """Kills what is left of a sandbox that failed: the binary started with exactly `args`' tail, whose
    parent (bwrap) is gone."""
    tail = "\0".join([str(BINARY), *args[args.index(str(BINARY)) + 1:]]).encode()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cmdline").read_bytes().rstrip(b"\0") == tail:
                os.kill(int(entry.name), signal.SIGKILL)
        except OSError:
            pass


def wait_for_reload(exporter, before):
    """Waits until the policy's last successful reload is later than `before`."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if exporter.samples("port_usage_config_last_reload_success_timestamp_seconds")[frozenset()] > before:
            return
        time.sleep(0.05)
    raise AssertionError("the policy was not reloaded")


class Listener:
    """A TCP listener on a loopback user port, whose series the exporter must serve."""

    def __enter__(self):
        self.sock = socket.socket()
        self.port = free_port(low=43000, high=43999)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(1)
        return self

    def __exit__(self, *exc):
        self.sock.close()


def assert_serves_listener(exporter, port, source="netlink"):
    """The exporter answers, counts the test's listener, and reads every table through `source`: sock_diag
    works under the sandbox unless the test took AF_NETLINK away."""
    text, response = exporter.scrape()
    assert response.status == 200
    sources = {(dict(labels)["protocol"], dict(labels)["family"]): dict(labels)["source"]
               for labels in exporter.samples("port_usage_socket_source_info")}
    assert sources == {(protocol, family): source for protocol in ["tcp", "udp"] for family in ["ipv4", "ipv6"]}
    listeners = {dict(labels)["port"]: value for labels, value in exporter.samples("port_usage_listeners").items()
                 if dict(labels)["protocol"] == "tcp"}
    assert listeners.get(str(port)) == 1, f"port {port} missing from port_usage_listeners: {sorted(listeners)}"


CAPABILITY_NUMBERS = {"dac_read_search": 2, "sys_ptrace": 19, "sys_admin": 21}


def assert_unprivileged(status, uid, gid, capabilities=()):
    """The process runs as uid:gid with no supplementary group, no_new_privs, and no capability but
    `capabilities` (names), which are effective, permitted and bounding only (root's) or also inheritable
    and ambient (another user's)."""
    assert status["Uid"].split() == [str(uid)] * 4 and status["Gid"].split() == [str(gid)] * 4, status
    assert status["Groups"] == "", status["Groups"]
    mask = sum(1 << CAPABILITY_NUMBERS[name] for name in capabilities)
    inherited = mask if uid != 0 else 0
    expected = {"CapInh": inherited, "CapPrm": mask, "CapEff": mask, "CapBnd": mask, "CapAmb": inherited}
    assert {field: int(status[field], 16) for field in CAPABILITY_FIELDS} == expected
    assert status["NoNewPrivs"] == "1"


@pytest.mark.skipif(not IS_ROOT, reason="the exporter is switched to nobody only when the tests run as root")
def test_every_e2e_exporter_runs_as_nobody_without_capabilities():
    with Listener() as listener, Exporter() as exporter:
        status = status_of(exporter.process.pid)
        assert status["Name"] == BINARY.name[:15]
        assert exporter_ids() == (65534, 65534)
        assert_unprivileged(status, 65534, 65534)
        assert_serves_listener(exporter, listener.port)


@pytest.mark.skipif(not IS_ROOT, reason="the exporter is switched to nobody only when the tests run as root")
def test_the_unprivileged_prefix_denies_what_needs_a_capability():
    """The regression this guards against: SO_DEBUG (the old SOL_SOCKET/TCP_NODELAY mix-up) needs
    CAP_NET_ADMIN, which the e2e exporter does not have, while the test process does."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_DEBUG, 1)  # root: allowed
    probe = run_probe(unprivileged_prefix(), "so_debug", "packet_socket")
    assert probe == {"so_debug": "EACCES", "packet_socket": "EPERM"}, probe


def test_no_e2e_test_starts_the_binary_around_the_unprivileged_prefix():
    """Exporters start only through conftest (Exporter, run_exporter, exporter_command): no test file passes
    BINARY to subprocess itself, where it would run as root and hide a privilege bug again."""
    offenders = []
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    isinstance(node.func.value, ast.Name) and node.func.value.id == "subprocess":
                names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                if "BINARY" in names:
                    offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


# The systemd units.

def unit_settings(path=UNIT):
    """The [Service] settings of a unit file as (key, value) pairs in file order (keys repeat)."""
    section, settings = None, []
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]":
            key, _, value = line.partition("=")
            settings.append((key.strip(), value.strip()))
    return settings


def values(settings, key):
    return [value for name, value in settings if name == key]


def last(settings, key, default=None):
    found = values(settings, key)
    return found[-1] if found else default


def syscall_groups():
    """systemd's system call groups, {"@name": {members}}, from the installed systemd-analyze."""
    text = subprocess.run([SYSTEMD_ANALYZE, "syscall-filter", "--no-pager"], capture_output=True, text=True,
                          check=True, timeout=30).stdout
    groups, current = {}, None
    for line in text.splitlines():
        if line.startswith("@"):
            current = groups.setdefault(line.strip(), set())
        elif line.startswith(" ") and current is not None and not line.strip().startswith("#"):
            current.add(line.strip())
        elif not line.startswith(" "):
            current = None
    return groups


def expand(names, groups):
    found = set()
    for name in names:
        found |= expand(groups[name], groups) if name.startswith("@") else {name.split(":")[0]}
    return found


def syscall_filter(settings, groups):
    """systemd.exec(5) semantics of repeated SystemCallFilter= lines: the first decides allow-list or
    deny-list (an allow-list implicitly includes @default); later lines add to the list when of the same
    kind and remove from it when of the other kind; an empty value resets. Returns (mode, names)."""
    mode, names = None, set()
    for value in values(settings, "SystemCallFilter"):
        if value == "":
            mode, names = None, set()
            continue
        invert = value.startswith("~")
        listed = expand(value.lstrip("~").split(), groups)
        if mode is None:
            mode = "deny" if invert else "allow"
            if mode == "allow":
                names |= expand(["@default"], groups)
        if (mode == "allow") != invert:
            names |= listed
        else:
            names -= listed
    return mode, names


def address_family_filter(settings):
    """RestrictAddressFamilies= as systemd builds it: socket() with another family fails with
    EAFNOSUPPORT (socketpair() is not affected)."""
    value = last(settings, "RestrictAddressFamilies")
    if not value:
        return None
    denied = "EAFNOSUPPORT"
    if value.startswith("~"):
        rules = [{"syscall": "socket", "action": denied, "args": [[0, "eq", getattr(socket, name), 0]]}
                 for name in value[1:].split()]
        return {"default": "allow", "rules": rules}
    allowed = sorted(int(getattr(socket, name)) if name != "none" else -1 for name in value.split())
    allowed = [family for family in allowed if family >= 0]
    if not allowed:
        return {"default": "allow", "rules": [{"syscall": "socket", "action": denied}]}
    low, high = allowed[0], allowed[-1]
    rules = [{"syscall": "socket", "action": denied, "args": [[0, "lt", low, 0]]},
             {"syscall": "socket", "action": denied, "args": [[0, "gt", high, 0]]}]
    rules += [{"syscall": "socket", "action": denied, "args": [[0, "eq", family, 0]]}
              for family in range(low + 1, high) if family not in allowed]
    return {"default": "allow", "rules": rules}


def write_execute_filter():
    """MemoryDenyWriteExecute=yes as systemd builds it: no writable and executable mapping, no making
    memory executable later."""
    prot_write, prot_exec, shm_exec = 0x2, 0x4, 0o100000
    rules = [{"syscall": "mmap", "action": "EPERM",
              "args": [[2, "masked_eq", prot_write | prot_exec, prot_write | prot_exec]]}]
    rules += [{"syscall": call, "action": "EPERM", "args": [[2, "masked_eq", prot_exec, prot_exec]]}
              for call in ("mprotect", "pkey_mprotect")]
    rules.append({"syscall": "shmat", "action": "EPERM", "args": [[2, "masked_eq", shm_exec, shm_exec]]})
    return {"default": "allow", "rules": rules}


def unit_sandbox_spec(settings):
    """What sandbox_exec.py loads for the unit: its seccomp filters and umask."""
    negative = last(settings, "SystemCallErrorNumber", "kill")
    filters = []
    mode, names = syscall_filter(settings, syscall_groups())
    if mode == "allow":
        filters.append({"default": negative, "rules": [{"syscall": name, "action": "allow"} for name in sorted(names)]})
    elif mode == "deny":
        filters.append({"default": "allow", "rules": [{"syscall": name, "action": negative} for name in sorted(names)]})
    families = address_family_filter(settings)
    if families:
        filters.append(families)
    if last(settings, "MemoryDenyWriteExecute") == "yes":
        filters.append(write_execute_filter())
    spec = {"filters": filters}
    if last(settings, "UMask"):
        spec["umask"] = int(last(settings, "UMask"), 8)
    return spec


def nofile_limit(settings):
    value = last(settings, "LimitNOFILE")
    if not value:
        return None
    soft, _, hard = value.partition(":")
    return int(soft), int(hard or soft)


def unit_emulation_prefix(settings):
    """bwrap | prlimit | setpriv | sandbox_exec.py: the unit's settings that can be had without systemd."""
    missing = [name for name, path in [("bwrap (Debian package bubblewrap)", BWRAP),
                                       ("systemd-analyze (Debian package systemd)", SYSTEMD_ANALYZE),
                                       ("setpriv and prlimit (Debian package util-linux)", SETPRIV and PRLIMIT),
                                       (SYSTEM_PYTHON + " (Debian package python3)", Path(SYSTEM_PYTHON).exists())]
               if not path]
    if missing:
        pytest.skip("emulating the unit needs " + ", ".join(missing) + " (scripts/test.sh installs them)")
    if not IS_ROOT:
        pytest.skip("emulating the unit needs root (mount namespace, switching to nobody)")
    assert last(settings, "DynamicUser") == "yes" and last(settings, "ProtectSystem") == "strict"
    mounts = ["--ro-bind", "/", "/"]  # ProtectSystem=strict
    if last(settings, "PrivateDevices") == "yes":
        mounts += ["--dev", "/dev"]
    hidden = []
    if last(settings, "PrivateTmp") == "yes":
        hidden += ["/tmp", "/var/tmp"]
    if last(settings, "ProtectHome") == "yes":
        hidden += [home for home in ("/home", "/root", "/run/user") if Path(home).is_dir()]
    mounts += [arg for directory in hidden for arg in ("--tmpfs", directory)]
    # The checkout stands for the installed files (binary, sandbox_exec.py, Deploy/): it stays visible, read-only,
    # when it lies under a directory the unit hides (a CI clone under /tmp), behind directories nobody can traverse.
    for path in sorted({REPO, BINARY.resolve().parent}):
        parents = [parent for parent in reversed(path.parents) if any(Path(d) in parent.parents for d in hidden)]
        mounts += [arg for parent in parents for arg in ("--perms", "0755", "--dir", str(parent))]
        mounts += ["--ro-bind", str(path), str(path)]
    limits = [PRLIMIT, "--nofile={}:{}".format(*nofile_limit(settings))] if nofile_limit(settings) else []
    # CapabilityBoundingSet= and AmbientCapabilities= (the last of each: an empty one resets, as the
    # netns drop-in relies on).
    bounding = [name.lower().removeprefix("cap_") for name in last(settings, "CapabilityBoundingSet", "").split()]
    ambient = "".join(",+" + name.lower().removeprefix("cap_")
                      for name in last(settings, "AmbientCapabilities", "").split())
    privileges = [SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all" + ambient]
    if ambient:
        privileges.append("--ambient-caps=-all" + ambient)
    privileges.append("--bounding-set=" + ",".join(["-all", *("+" + name for name in bounding)]))
    if last(settings, "NoNewPrivileges") == "yes":
        privileges.append("--no-new-privs")
    spec = json.dumps(unit_sandbox_spec(settings))
    return [BWRAP, "--die-with-parent", *mounts, "--", *limits, *privileges,
            SYSTEM_PYTHON, "-I", str(SANDBOX_EXEC), spec, "--"]


def unit_args():
    """The unit's ExecStart arguments ($PORT_USAGE_EXPORTER_ARGS from the shipped environment file), but the
    listen address (Exporter listens on loopback) and with the policy file the install comment puts there."""
    assert "$PORT_USAGE_EXPORTER_ARGS" in last(unit_settings(), "ExecStart")
    line = next(line for line in UNIT_ENV.read_text().splitlines() if line.startswith("PORT_USAGE_EXPORTER_ARGS="))
    args = line.partition("=")[2].strip('"').split()
    replaced = {"--web.listen-address=:10768": None,
                "--policy.file=/etc/port_usage_exporter/policy.yml":
                    f"--policy.file={REPO / 'Deploy' / 'policy.example.yml'}"}
    assert set(replaced) <= set(args), args
    return [replaced.get(arg, arg) for arg in args if replaced.get(arg, arg)]


SYSTEMD_RUN_IGNORED = {"Type", "ExecStart", "ExecReload", "EnvironmentFile", "Restart", "RestartSec"}
USE_SYSTEMD_RUN = SYSTEMD_IS_PID1 and SYSTEMD_RUN is not None


def systemd_run_prefix(settings, unit, *options):
    """systemd-run starting a transient service with the unit file's own [Service] settings."""
    if not IS_ROOT:
        pytest.skip("starting a system service with systemd-run needs root")
    properties = [f"--property={key}={value}" for key, value in settings if key not in SYSTEMD_RUN_IGNORED]
    return [SYSTEMD_RUN, f"--unit={unit}", "--quiet", "--collect", "--wait", *options, *properties, "--"]


class SystemdRunExporter(Exporter):
    """The exporter as a transient service with the unit's own [Service] settings (PID 1 is systemd)."""

    def __init__(self, settings, port):
        self.unit = f"pue-e2e-{uuid.uuid4().hex[:12]}.service"
        super().__init__(*unit_args(), port=port, prefix=systemd_run_prefix(settings, self.unit))

    def __exit__(self, *exc):
        subprocess.run(["systemctl", "stop", self.unit], capture_output=True, timeout=30)
        super().__exit__(*exc)


def test_systemd_unit_settings_serve_scrapes():
    settings = unit_settings()
    with Listener() as listener:
        port = free_port()
        if USE_SYSTEMD_RUN:
            with SystemdRunExporter(settings, port) as exporter:
                assert_serves_listener(exporter, listener.port)
            return
        with SandboxedExporter(*unit_args(), port=port, prefix=unit_emulation_prefix(settings)) as exporter:
            status = status_of(exporter.pid)
            assert_unprivileged(status, 65534, 65534)
            assert status["Seccomp"] == "2" and int(status["Seccomp_filters"]) == len(
                unit_sandbox_spec(settings)["filters"]), status
            root = next(line.split() for line in Path(f"/proc/{exporter.pid}/mountinfo").read_text().splitlines()
                        if line.split()[4] == "/")
            assert "ro" in root[5].split(","), root
            limits = next(line for line in Path(f"/proc/{exporter.pid}/limits").read_text().splitlines()
                          if line.startswith("Max open files"))
            assert limits.split()[3:5] == [str(limit) for limit in nofile_limit(settings)], limits
            assert_serves_listener(exporter, listener.port)
            assert exporter.samples("port_usage_config_last_reload_successful") == {frozenset(): 1}
            # ExecReload= sends SIGHUP: the policy is read again under the same filters.
            before = exporter.samples("port_usage_config_last_reload_success_timestamp_seconds")[frozenset()]
            os.kill(exporter.pid, signal.SIGHUP)
            wait_for_reload(exporter, before)
            assert_serves_listener(exporter, listener.port)
        assert exporter.status == 0, exporter.log_text()[-2000:]  # SIGTERM: a clean exit, not SIGSYS


def test_unit_settings_verify_client_certificates_against_the_system_trust_store():
    """VerifyClientCertIfGiven without client_ca_file reads the machine's trust store (/etc/ssl/certs) at start:
    under the unit's read-only root, user and system call filters too. The web config and its certificates
    (under /tmp, which PrivateTmp hides) are bound in read-only."""
    prefix = unit_emulation_prefix(unit_settings())
    with exporter_directory(prefix="pue-hardened-pki-") as root:
        pki = make_pki(root)
        exporter = SecuredExporter(pki, tls_extra="  client_auth_type: VerifyClientCertIfGiven\n", rest=HEADERS,
                                   prefix=prefix)
        end_of_options = exporter.args.index("--", exporter.args.index(prefix[0]))  # bwrap's
        exporter.args[end_of_options:end_of_options] = [
            arg for path in (pki, exporter.dir) for arg in ("--ro-bind", str(path), str(path))]
        with exporter:
            assert_client_outcome(exporter, None, True)
            assert_client_outcome(exporter, "client", False)  # the test's CA is not the machine's
            log = exporter.log_path.read_text()
            trusted = re.search(r"system trust store\" certificates=(\d+) ", log)
            assert trusted and int(trusted.group(1)) > 0, log


def test_a_unit_without_af_netlink_falls_back_to_procfs_and_says_so():
    """The unit as shipped before the netlink source: RestrictAddressFamilies= without AF_NETLINK. The
    exporter still serves every listener, from /proc, and its log says why and what to change."""
    settings = [(key, value.replace(" AF_NETLINK", "")) if key == "RestrictAddressFamilies" else (key, value)
                for key, value in unit_settings()]
    assert settings != unit_settings()
    if USE_SYSTEMD_RUN:
        pytest.skip("PID 1 is systemd: the fallback is checked under the emulation only")
    with Listener() as listener, SandboxedExporter(*unit_args(), port=free_port(),
                                                   prefix=unit_emulation_prefix(settings)) as exporter:
        assert_serves_listener(exporter, listener.port, source="procfs")
        warnings = [line for line in exporter.log_text().splitlines() if "reading it from procfs" in line]
        assert len(warnings) == 4 and all("level=warn" in line and "allow AF_NETLINK" in line for line in warnings)


def test_without_admitting_setpriority_the_unit_kills_the_exporter():
    """The filter is live against the exporter itself: without the unit's SystemCallFilter=setpriority line
    (the unit as shipped before it), libdispatch's first worker thread is killed with SIGSYS. If this starts
    passing without the kill, the Swift runtime stopped calling setpriority and the line can go."""
    settings = [(key, value) for key, value in unit_settings() if (key, value) != ("SystemCallFilter", "setpriority")]
    assert len(settings) == len(unit_settings()) - 1
    if USE_SYSTEMD_RUN:
        pytest.skip("PID 1 is systemd: the exporter's SIGSYS is checked under the emulation only")
    port = free_port()
    command = [*unit_emulation_prefix(settings), str(BINARY), f"--web.listen-address=127.0.0.1:{port}"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        status = process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.kill(exporter_pid(process.pid), signal.SIGTERM)
        process.wait(timeout=10)
        raise AssertionError("the exporter ran 15 s under the unit without setpriority")
    assert status == 128 + signal.SIGSYS, status  # bwrap exits with 128 + its child's signal


def test_push_unit_settings_push_to_a_gateway(tmp_path):
    """The one-shot push unit: the same hardening, and libcurl (loaded with dlopen) under its filters."""
    pushgateway = shutil.which("prometheus-pushgateway")
    assert pushgateway, "prometheus-pushgateway (Debian package) is required"
    settings = unit_settings(PUSH_UNIT)
    assert "$PORT_USAGE_EXPORTER_PUSH_ARGS" in last(settings, "ExecStart")
    gateway = free_port()
    base = f"http://127.0.0.1:{gateway}"
    args = ["push", f"--push.url={base}", "--push.grouping=instance=hardened", "--push.retries=0"]
    if USE_SYSTEMD_RUN:
        command = [*systemd_run_prefix(settings, f"pue-e2e-push-{uuid.uuid4().hex[:12]}.service"), str(BINARY)]
    else:
        command = [*unit_emulation_prefix(settings), str(BINARY)]
    daemon = Daemon([pushgateway, f"--web.listen-address=127.0.0.1:{gateway}", "--persistence.file="],
                    f"{base}/-/ready", tmp_path / "pushgateway.log")
    with Listener() as listener, daemon:
        result = subprocess.run([*command, *args], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
        text = urllib.request.urlopen(f"{base}/metrics", timeout=5).read().decode()
    pushed = {dict(labels)["port"]: value for labels, value in samples_in(text, "port_usage_listeners").items()
              if dict(labels).get("instance") == "hardened" and dict(labels)["protocol"] == "tcp"}
    assert pushed.get(str(listener.port)) == 1, sorted(pushed)


def test_unit_syscall_filter_follows_systemd_semantics():
    """The filter derivation itself: ~@privileged @resources removes from the @system-service allow-list,
    a later plain line admits exactly what it names again."""
    if not SYSTEMD_ANALYZE:
        pytest.skip("systemd-analyze (Debian package systemd) is not installed")
    groups = syscall_groups()
    mode, names = syscall_filter(unit_settings(), groups)
    assert mode == "allow"
    assert {"read", "socket", "accept4", "execve", "setsockopt", "exit_group"} <= names
    assert not (names & {"chroot", "setuid", "sethostname", "mount", "sched_setattr", "sched_setscheduler"})
    # Admitted again: the start-up RLIMIT_NOFILE raise, and libdispatch's worker thread priorities. Nothing
    # else of @resources (prlimit64 is in @default too, on some systemd versions).
    assert {"setrlimit", "prlimit64", "setpriority"} <= names
    assert names & expand(["@resources"], groups) <= {"setrlimit", "prlimit64", "setpriority"}
    without = [(k, v) for k, v in unit_settings() if not (k == "SystemCallFilter" and not set(v) & set("@~"))]
    assert not syscall_filter(without, groups)[1] & {"setrlimit", "setpriority"}


# The Kubernetes DaemonSet.

def daemonset_container():
    spec = yaml.safe_load(DAEMONSET.read_text())["spec"]["template"]["spec"]
    return spec, spec["containers"][0]


def daemonset_prefix():
    """bwrap | setpriv with exactly the DaemonSet's securityContext (container settings over pod ones): its
    user, and with uid 0 only the capabilities it adds (the bounding set, which root's effective set
    follows); the node's network and process namespaces are the test's own (hostNetwork, hostPID)."""
    if not (BWRAP and SETPRIV):
        pytest.skip("needs bwrap (Debian package bubblewrap) and setpriv (util-linux); scripts/test.sh installs them")
    if not IS_ROOT:
        pytest.skip("emulating the DaemonSet needs root (mount namespace, switching user)")
    pod, container = daemonset_container()
    context = {**pod.get("securityContext", {}), **container.get("securityContext", {})}
    assert pod["hostNetwork"] is True  # the node's network namespace: the test's own
    assert context["privileged"] is False and context["capabilities"]["drop"] == ["ALL"]
    added = [name.lower() for name in context["capabilities"].get("add", [])]
    uid, gid = context["runAsUser"], context.get("runAsGroup", context["runAsUser"])
    assert context["runAsNonRoot"] is (uid != 0)
    mounts = ["--ro-bind" if context["readOnlyRootFilesystem"] else "--bind", "/", "/", "--dev", "/dev"]
    privileges = [SETPRIV, f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--inh-caps=-all",
                  "--bounding-set=" + ",".join(["-all", *("+" + name for name in added)])]
    if context["allowPrivilegeEscalation"] is False:
        privileges.append("--no-new-privs")
    return [BWRAP, "--die-with-parent", *mounts, "--", *privileges], (uid, gid)


def configmap_volume(exporter_tmp):
    """The ConfigMap's data written to a directory (the volume); returns (mountPath, directory)."""
    pod, container = daemonset_container()
    mount = next(m for m in container["volumeMounts"] if m["name"] == "policy")
    volume = next(v for v in pod["volumes"] if v["name"] == "policy")
    configmap = yaml.safe_load(CONFIGMAP.read_text())
    assert configmap["metadata"]["name"] == volume["configMap"]["name"] and mount["readOnly"] is True
    directory = exporter_tmp / "configmap"
    directory.mkdir()
    for name, data in configmap["data"].items():
        (directory / name).write_text(data)
    return mount["mountPath"], directory


def daemonset_args(mount_path, directory):
    """The manifest's args but the listen address (Exporter listens on loopback; with hostNetwork the node's
    :10768 may be taken), with the ConfigMap volume at its directory instead of its mountPath."""
    _, container = daemonset_container()
    args = []
    for arg in container["args"]:
        if arg.startswith("--web.listen-address="):
            assert arg == f"--web.listen-address=:{container['ports'][0]['containerPort']}"
            continue
        args.append(arg.replace(mount_path, str(directory)))
    assert any(arg.startswith(f"--policy.file={directory}/") for arg in args), args
    return args


def test_daemonset_security_context_serves_scrapes(exporter_tmp):
    mount_path, directory = configmap_volume(exporter_tmp)
    prefix, (uid, gid) = daemonset_prefix()
    port = free_port()
    args = daemonset_args(mount_path, directory)
    with Listener() as listener, SandboxedExporter(*args, port=port, prefix=prefix) as exporter:
        _, container = daemonset_container()
        added = [name.lower() for name in container["securityContext"]["capabilities"].get("add", [])]
        assert_unprivileged(status_of(exporter.pid), uid, gid, added)
        assert_serves_listener(exporter, listener.port)
        assert exporter.samples("port_usage_config_last_reload_successful") == {frozenset(): 1}
        # --web.enable-lifecycle from the manifest: POST /-/reload re-reads the mounted policy.
        before = exporter.samples("port_usage_config_last_reload_success_timestamp_seconds")[frozenset()]
        request = urllib.request.Request(exporter.base + "/-/reload", method="POST")
        assert urllib.request.urlopen(request, timeout=10).status == 200
        wait_for_reload(exporter, before)
        assert_serves_listener(exporter, listener.port)
    assert exporter.status == 0, exporter.log_text()[-2000:]


# The negative control: the same sandboxes deny what the exporter must not need.

PROBE = r"""
import errno, json, os, resource, socket, sys
def outcome(action):
    try:
        action()
        return "ok"
    except OSError as error:
        return errno.errorcode[error.errno]
def so_debug():
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_DEBUG, 1)
def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
probes = {
    "so_debug": so_debug,
    "packet_socket": lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW).close(),
    "netlink_socket": lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 4).close(),
    "write_root": lambda: open("/pue-e2e-probe", "w").close(),
    "raise_nofile": raise_nofile,
    "chroot": lambda: os.chroot("/"),
}
print(json.dumps({name: outcome(probes[name]) for name in sys.argv[1:]}))
"""


def run_probe(prefix, *names):
    """Runs PROBE's named actions under `prefix`; {name: "ok" or errno name}, or the signal that killed it."""
    result = subprocess.run([*prefix, SYSTEM_PYTHON, "-I", "-c", PROBE, *names], capture_output=True, text=True,
                            timeout=30)
    if result.returncode < 0:
        return {"signal": -result.returncode}
    if prefix[0] == BWRAP and result.returncode > 128:  # bwrap exits with 128 + the signal of its child
        return {"signal": result.returncode - 128}
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_unit_sandbox_denies_capabilities_families_and_syscalls():
    settings = unit_settings()
    if USE_SYSTEMD_RUN:  # the probe as a transient service with the unit's settings, its output piped back
        prefix = systemd_run_prefix(settings, f"pue-e2e-probe-{uuid.uuid4().hex[:12]}.service", "--pipe")
    else:  # the probe is executed by sandbox_exec.py in place of the exporter, under the same filters
        prefix = unit_emulation_prefix(settings)
    probe = run_probe(prefix, "so_debug", "packet_socket", "netlink_socket", "write_root", "raise_nofile")
    assert probe == {"so_debug": "EACCES", "packet_socket": "EAFNOSUPPORT", "netlink_socket": "ok",
                     "write_root": "EROFS", "raise_nofile": "ok"}, probe
    # A system call of ~@privileged: systemd kills the service with SIGSYS (no SystemCallErrorNumber=).
    if USE_SYSTEMD_RUN:
        killed = subprocess.run([*prefix, SYSTEM_PYTHON, "-I", "-c", PROBE, "chroot"], capture_output=True,
                                text=True, timeout=30)
        assert killed.returncode != 0 and "chroot" not in killed.stdout, killed
    else:
        assert run_probe(prefix, "chroot") == {"signal": 31}


def test_daemonset_sandbox_denies_capabilities():
    prefix, _ = daemonset_prefix()
    probe = run_probe(prefix, "so_debug", "packet_socket", "netlink_socket", "write_root", "chroot")
    assert probe == {"so_debug": "EACCES", "packet_socket": "EPERM", "netlink_socket": "ok", "write_root": "EROFS",
                     "chroot": "EPERM"}, probe
