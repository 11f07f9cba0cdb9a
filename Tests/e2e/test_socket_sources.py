"""netlink sock_diag and procfs read the same sockets: a mixed population on loopback, counted by the
exporter through each source (unprivileged, as deployed), gives the same series value for value, and both
agree with `ss`."""
import contextlib
import shutil
import socket
import subprocess
import time

import pytest

from conftest import Exporter, samples_in

SS_STATES = {"ESTAB": "established", "TIME-WAIT": "time_wait", "CLOSE-WAIT": "close_wait",
             "FIN-WAIT-2": "fin_wait2", "FIN-WAIT-1": "fin_wait1", "SYN-RECV": "syn_recv", "LAST-ACK": "last_ack",
             "CLOSING": "closing", "SYN-SENT": "syn_sent"}


class MixedPopulation:
    """Sockets on 127.0.0.1, ::1 and ::ffff:127.0.0.1 in every shape the exporter tells apart, with the series
    they must give (`listeners`, `connections`)."""

    def __init__(self):
        self.sockets = []
        self.listeners = {}
        self.connections = {}

    def keep(self, sock):
        self.sockets.append(sock)
        return sock

    def tcp_listener(self, family, address, port=0, v6only=None, reuseport=False):
        sock = self.keep(socket.socket(family, socket.SOCK_STREAM))
        if v6only is not None:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(v6only))
        if reuseport:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((address, port))
        sock.listen(64)
        return sock, sock.getsockname()[1]

    def connect(self, family, address, port):
        client = self.keep(socket.socket(family, socket.SOCK_STREAM))
        client.connect((address, port))
        return client

    def __enter__(self):
        v4 = socket.AF_INET
        v6 = socket.AF_INET6
        # An IPv4 listener with connections in four states on its port.
        # The accept queue is first in, first out: the pairs that are accepted come first.
        listener, p1 = self.tcp_listener(v4, "127.0.0.1")
        fin_wait2_client = self.connect(v4, "127.0.0.1", p1)
        accepted, _ = listener.accept()
        accepted.close()  # the server side closes first: FIN_WAIT2 on p1 (the client is in CLOSE_WAIT)
        close_wait_client = self.connect(v4, "127.0.0.1", p1)
        self.keep(listener.accept()[0])  # kept open while the client closes: CLOSE_WAIT on p1
        close_wait_client.close()
        self.sockets.remove(close_wait_client)
        time_wait_client = self.connect(v4, "127.0.0.1", p1)
        accepted, _ = listener.accept()
        accepted.close()  # the server closes first, then the client: TIME_WAIT on p1
        time.sleep(0.05)
        time_wait_client.close()
        self.sockets.remove(time_wait_client)
        del fin_wait2_client
        for _ in range(2):
            self.connect(v4, "127.0.0.1", p1)  # left in the accept queue: established
        # An IPv6-only listener with one connection.
        _, p2 = self.tcp_listener(v6, "::1", v6only=True)
        self.connect(v6, "::1", p2)
        # A dual-stack listener (IPv4-mapped loopback, v6only off): its IPv4 peer is listed in tcp6.
        _, p3 = self.tcp_listener(v6, "::ffff:127.0.0.1", v6only=False)
        self.connect(v4, "127.0.0.1", p3)
        # An SO_REUSEPORT group of two.
        _, p4 = self.tcp_listener(v4, "127.0.0.1", reuseport=True)
        self.tcp_listener(v4, "127.0.0.1", port=p4, reuseport=True)
        # UDP: bound IPv4 and IPv6 (listeners), and a connected one (not a listener).
        udp4 = self.keep(socket.socket(v4, socket.SOCK_DGRAM))
        udp4.bind(("127.0.0.1", 0))
        p5 = udp4.getsockname()[1]
        udp6 = self.keep(socket.socket(v6, socket.SOCK_DGRAM))
        udp6.bind(("::1", 0))
        p6 = udp6.getsockname()[1]
        connected = self.keep(socket.socket(v4, socket.SOCK_DGRAM))
        connected.bind(("127.0.0.1", 0))
        connected.connect(("127.0.0.1", p5))
        self.not_listening = connected.getsockname()[1]
        time.sleep(0.2)  # let the FIN exchanges settle

        self.listeners = {
            ("tcp", "ipv4", p1): 1, ("tcp", "ipv6", p2): 1, ("tcp", "ipv6", p3): 1, ("tcp", "ipv4", p4): 2,
            ("udp", "ipv4", p5): 1, ("udp", "ipv6", p6): 1,
        }
        self.connections = {
            ("ipv4", p1, "established"): 2, ("ipv4", p1, "fin_wait2"): 1, ("ipv4", p1, "close_wait"): 1,
            ("ipv4", p1, "time_wait"): 1, ("ipv6", p2, "established"): 1, ("ipv6", p3, "established"): 1,
        }
        self.ports = {port for _, _, port in self.listeners} | {self.not_listening}
        return self

    def __exit__(self, *exc):
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()


@pytest.fixture(scope="module")
def population():
    with MixedPopulation() as mixed:
        yield mixed


def series(exporter, ports):
    """(listeners, connections, sources) of our population's ports, as the exporter counts them."""
    text, _ = exporter.scrape()
    listeners = {}
    for labels, value in samples_in(text, "port_usage_listeners").items():
        labels = dict(labels)
        if labels["port"].isdigit() and int(labels["port"]) in ports:
            key = (labels["protocol"], labels["family"], int(labels["port"]))
            listeners[key] = listeners.get(key, 0) + value
            assert labels["exposure"] == "loopback", labels
    connections = {}
    for labels, value in samples_in(text, "port_usage_connections").items():
        labels = dict(labels)
        if labels["port"].isdigit() and int(labels["port"]) in ports:
            connections[(labels["family"], int(labels["port"]), labels["state"])] = value
    sources = {dict(labels)["source"] for labels in samples_in(text, "port_usage_socket_source_info")}
    return listeners, connections, sources


def ss_series(ports):
    """The same series from `ss`: listeners per (protocol, family, port), and non-listening TCP sockets on
    our TCP listener ports per (family, port, state)."""
    assert shutil.which("ss"), "ss (Debian package iproute2) is required"
    listeners = {}
    rows = []
    for protocol, option in [("tcp", "-Htan"), ("udp", "-Huan")]:
        for family, flag in [("ipv4", "-4"), ("ipv6", "-6")]:
            out = subprocess.run(["ss", option, flag], capture_output=True, text=True, timeout=30, check=True).stdout
            for line in out.splitlines():
                fields = line.split()
                state, local, peer = fields[0], fields[3], fields[4]
                port = int(local.rsplit(":", 1)[1])
                if port not in ports:
                    continue
                rows.append((protocol, family, port, state, peer))
    for protocol, family, port, state, peer in rows:
        if (protocol, state) in [("tcp", "LISTEN"), ("udp", "UNCONN")] and peer.endswith(":*"):
            listeners[(protocol, family, port)] = listeners.get((protocol, family, port), 0) + 1
    tcp_listener_ports = {port for protocol, _, port in listeners if protocol == "tcp"}
    connections = {}
    for protocol, family, port, state, _ in rows:
        if protocol == "tcp" and state != "LISTEN" and port in tcp_listener_ports:
            key = (family, port, SS_STATES[state])
            connections[key] = connections.get(key, 0) + 1
    return listeners, connections


@pytest.mark.parametrize("extra", [[], ["--collector.sockets"]], ids=["default", "every-socket"])
def test_netlink_and_procfs_give_the_same_series_and_agree_with_ss(population, extra):
    found = {}
    for source in ["netlink", "procfs"]:
        # (Owners are left out: as nobody, the exporter warns that root's processes are not readable.)
        with Exporter(f"--socket.source={source}", "--no-collector.owners", *extra) as exporter:
            found[source] = series(exporter, population.ports)
            assert "level=warn" not in exporter.log_text() and "level=error" not in exporter.log_text()
    netlink, procfs = found["netlink"], found["procfs"]
    assert netlink[2] == {"netlink"} and procfs[2] == {"procfs"}
    assert netlink[0] == procfs[0] == population.listeners
    assert netlink[1] == procfs[1] == population.connections
    assert ss_series(population.ports) == (population.listeners, population.connections)


def test_auto_reads_through_netlink_unprivileged_and_a_procfs_path_selects_procfs(population, proc_copy):
    with Exporter() as exporter:
        listeners, _, sources = series(exporter, population.ports)
        assert sources == {"netlink"} and listeners == population.listeners
    with Exporter(f"--path.procfs={proc_copy}") as exporter:
        _, _, sources = series(exporter, population.ports)
        assert sources == {"procfs"}
        assert "reading socket tables from procfs, as --path.procfs is not /proc" in exporter.log_text()
