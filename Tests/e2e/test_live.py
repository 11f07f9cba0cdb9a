"""Live sockets on loopback, seen through the running exporter."""
import socket
import time

import pytest

from conftest import IS_ROOT, Exporter, free_port


def listener_labels(protocol, family, port, exposure, range_, assignment, service):
    return frozenset({
        "protocol": protocol, "family": family, "port": str(port), "exposure": exposure,
        "range": range_, "assignment": assignment, "service": service,
    }.items())


def ours(samples, ports):
    return {labels: value for labels, value in samples.items() if dict(labels).get("port") in {str(p) for p in ports}}


@pytest.fixture
def sockets():
    opened = []

    def make(family, kind, address, port, listen=True):
        sock = socket.socket(family, kind)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((address, port))
        if kind == socket.SOCK_STREAM and listen:
            sock.listen(16)
        opened.append(sock)
        return sock

    yield make, opened
    for sock in opened:
        sock.close()


def test_listeners_connections_and_their_disappearance(sockets):
    make, opened = sockets
    # Dynamic-range ports are never assigned, so every label is known in advance.
    tcp4 = free_port(low=50000, high=50999)
    tcp6 = free_port(socket.AF_INET6, low=51000, high=51999)
    udp4 = free_port(kind=socket.SOCK_DGRAM, low=52000, high=52999)
    udp6 = free_port(socket.AF_INET6, socket.SOCK_DGRAM, low=53000, high=53999)
    listener = make(socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1", tcp4)
    make(socket.AF_INET6, socket.SOCK_STREAM, "::1", tcp6)
    make(socket.AF_INET, socket.SOCK_DGRAM, "127.0.0.1", udp4)
    make(socket.AF_INET6, socket.SOCK_DGRAM, "::1", udp6)
    # Two more members of an SO_REUSEPORT group on one more port: each socket counts.
    group_port = free_port(low=54000, high=54999)
    for _ in range(2):
        member = socket.socket()
        member.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        member.bind(("127.0.0.1", group_port))
        member.listen(4)
        opened.append(member)
    expected = {
        listener_labels("tcp", "ipv4", tcp4, "loopback", "dynamic", "unassigned", ""): 1,
        listener_labels("tcp", "ipv6", tcp6, "loopback", "dynamic", "unassigned", ""): 1,
        listener_labels("udp", "ipv4", udp4, "loopback", "dynamic", "unassigned", ""): 1,
        listener_labels("udp", "ipv6", udp6, "loopback", "dynamic", "unassigned", ""): 1,
        listener_labels("tcp", "ipv4", group_port, "loopback", "dynamic", "unassigned", ""): 2,
    }
    ports = [tcp4, tcp6, udp4, udp6, group_port]

    # Three clients connect to the IPv4 listener; the server accepts two of them.
    clients = [socket.create_connection(("127.0.0.1", tcp4), timeout=5) for _ in range(3)]
    opened.extend(clients)
    accepted = [listener.accept()[0] for _ in range(2)]
    opened.extend(accepted)

    with Exporter() as exporter:
        assert ours(exporter.samples("port_usage_listeners"), ports) == expected
        connections = ours(exporter.samples("port_usage_connections"), [tcp4])
        assert connections == {
            frozenset({"protocol": "tcp", "family": "ipv4", "port": str(tcp4), "state": "established"}.items()): 3
        }

        # The first client hangs up: its accepted server side waits in CLOSE_WAIT.
        clients[0].close()
        deadline = time.monotonic() + 5
        while True:
            connections = ours(exporter.samples("port_usage_connections"), [tcp4])
            states = {dict(labels)["state"]: value for labels, value in connections.items()}
            if states.get("close_wait") == 1 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert states == {"established": 2, "close_wait": 1}

        for sock in opened:
            sock.close()
        opened.clear()
        time.sleep(0.1)
        assert ours(exporter.samples("port_usage_listeners"), ports) == {}
        assert ours(exporter.samples("port_usage_connections"), ports) == {}


@pytest.mark.skipif(not IS_ROOT, reason="binding system ports 768/tcp and 771/udp needs root")
def test_system_ports_unassigned_and_assigned(sockets):
    make, opened = sockets
    try:
        make(socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1", 768)
        make(socket.AF_INET, socket.SOCK_DGRAM, "127.0.0.1", 771)
        make(socket.AF_INET6, socket.SOCK_STREAM, "::", 768)
    except OSError as error:
        pytest.skip(f"768/tcp or 771/udp is in use here: {error}")
    with Exporter() as exporter:
        assert ours(exporter.samples("port_usage_listeners"), [768, 771]) == {
            listener_labels("tcp", "ipv4", 768, "loopback", "system", "unassigned", ""): 1,
            listener_labels("tcp", "ipv6", 768, "any", "system", "unassigned", ""): 1,
            listener_labels("udp", "ipv4", 771, "loopback", "system", "assigned", "rtip"): 1,
        }
        for sock in opened:
            sock.close()
        opened.clear()
        assert ours(exporter.samples("port_usage_listeners"), [768, 771]) == {}


def test_assigned_user_port_gets_its_service_name(sockets):
    make, _ = sockets
    try:
        make(socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1", 2376)
    except OSError as error:
        pytest.skip(f"2376/tcp is in use here: {error}")
    with Exporter() as exporter:
        assert ours(exporter.samples("port_usage_listeners"), [2376]) == {
            listener_labels("tcp", "ipv4", 2376, "loopback", "user", "assigned", "docker-s"): 1
        }


def test_landing_page_summarises_listeners(sockets):
    make, _ = sockets
    port = free_port(low=55000, high=55999)
    make(socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1", port)
    with Exporter() as exporter:
        page = exporter.get("/").read().decode()
        assert '<a href="/metrics">Metrics</a>' in page
        assert f"<td>{port}</td><td>tcp</td><td>ipv4</td><td>loopback</td><td></td><td>dynamic</td><td>unassigned</td><td>1</td>" in page
