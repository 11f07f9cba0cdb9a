"""Listener saturation on real overloaded sockets on loopback, against `ss`: a TCP listener's accept queue
and its limit, the connections it dropped with its queue full, and the datagrams a UDP socket with a
small receive buffer lost, from netlink and (what it has of them) from procfs, with the exporter
unprivileged. A key's drops never go down when one socket of an SO_REUSEPORT pair closes."""
import contextlib
import json
import os
import re
import select
import socket
import subprocess
import time

import pytest

from conftest import Exporter, run_exporter, samples_in

NETLINK = []
PROCFS = ["--socket.source=procfs"]
QUEUE = "port_usage_listener_accept_queue"
LIMIT = "port_usage_listener_accept_queue_limit"
DROPS = "port_usage_listener_drops_total"


def inode(sock):
    return os.fstat(sock.fileno()).st_ino


def ss(options):
    """{inode: (Recv-Q, Send-Q, drops)} of the sockets `ss -H -e -m OPTIONS` lists (the drops are the
    `d<N>` of skmem)."""
    text = subprocess.run(["ss", "-H", "-e", "-m", *options], capture_output=True, text=True, check=True,
                          timeout=10).stdout
    found = {}
    current = None
    for line in text.splitlines():
        if not line[:1].isspace():
            fields = line.split()
            number = re.search(r"\bino:(\d+)", line)
            current = int(number.group(1)) if number else None
            if current is not None:
                found[current] = [int(fields[1]), int(fields[2]), None]
        elif current is not None and (drops := re.search(r"skmem:\(.*\bd(\d+)\)", line)):
            found[current][2] = int(drops.group(1))
    return {key: tuple(value) for key, value in found.items()}


def key_labels(protocol, port, family="ipv4", exposure="loopback"):
    return frozenset({"protocol": protocol, "family": family, "port": str(port), "exposure": exposure}.items())


def consistent(exporter, options, inodes, protocol, port):
    """The exporter's (queue, limit, drops) of the key, and ss's sums over `inodes`, from a scrape that ss
    gave the same answer before and after (a SYN retransmitted during the scrape would change the drops)."""
    for _ in range(20):
        before = ss(options)
        text, _ = exporter.scrape()
        after = ss(options)
        mine = [before.get(number) for number in inodes]
        if mine == [after.get(number) for number in inodes] and None not in mine:
            key = key_labels(protocol, port)
            ours = tuple(samples_in(text, name).get(key) for name in (QUEUE, LIMIT, DROPS))
            theirs = tuple(sum(socket_values[column] for socket_values in mine) for column in range(3))
            return ours, theirs
        time.sleep(0.2)
    pytest.fail("ss did not give the same answer twice around a scrape")


@contextlib.contextmanager
def closing_all(sockets):
    try:
        yield sockets
    finally:
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.close()


def tcp_listener(backlog, reuseport=False, port=0):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if reuseport:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(backlog)
    return sock


def connect_all(port, count, timeout=0.3):
    """`count` non-blocking connects to `port`: those still unconnected after `timeout` (their SYN was
    dropped) are closed before the kernel retransmits, so the drops stop growing; returns the others."""
    clients = []
    for _ in range(count):
        client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        client.setblocking(False)
        client.connect_ex(("127.0.0.1", port))
        clients.append(client)
    time.sleep(timeout)
    _, writable, _ = select.select([], clients, [], 0)
    connected = [client for client in writable if client.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0]
    for client in clients:
        if client not in connected:
            client.close()
    return connected


def udp_receiver(reuseport=False, port=0):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if reuseport:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)  # the kernel's minimum: about two datagrams
    sock.bind(("127.0.0.1", port))
    return sock


def flood(port, senders=1, datagrams=30):
    """Sends `datagrams` of 1000 bytes to `port` from each of `senders` sockets (SO_REUSEPORT picks a
    receiver by the sender's address and port)."""
    for _ in range(senders):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            for _ in range(datagrams):
                sender.sendto(bytes(1000), ("127.0.0.1", port))
    time.sleep(0.1)


@pytest.mark.parametrize("source", [NETLINK, PROCFS], ids=["netlink", "procfs"])
def test_a_queue_of_forty_unaccepted_connections(source):
    with closing_all([tcp_listener(64)]) as sockets:
        port = sockets[0].getsockname()[1]
        for _ in range(40):
            sockets.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        time.sleep(0.1)
        with Exporter(*source) as exporter:
            ours, theirs = consistent(exporter, ["-ltn"], [inode(sockets[0])], "tcp", port)
    assert theirs == (40, 64, 0)
    # procfs prints the queue (rx_queue of the LISTEN row), neither its limit nor the listener's drops.
    assert ours == ((40, 64, 0) if source == NETLINK else (40, None, None))


@pytest.mark.parametrize("source", [NETLINK, PROCFS], ids=["netlink", "procfs"])
def test_a_full_queue_drops_connections(source):
    with closing_all([tcp_listener(2)]) as sockets:
        port = sockets[0].getsockname()[1]
        # The kernel queues one more than the backlog, then drops every SYN (ListenOverflows).
        sockets += connect_all(port, 12)
        with Exporter(*source) as exporter:
            ours, theirs = consistent(exporter, ["-ltn"], [inode(sockets[0])], "tcp", port)
            assert theirs[:2] == (3, 2) and theirs[2] >= 9
            assert ours == (theirs if source == NETLINK else (3, None, None))
            if source == PROCFS:
                return
            # Dropping again since the last scrape, with its queue full: the landing page marks the row.
            connect_all(port, 2)
            page = exporter.get("/").read().decode()
            row = re.search(rf'<tr class="([^"]*)"><td>{port}</td><td>tcp</td>', page)
            assert row and set(row.group(1).split()) >= {"queue-full", "dropping"}, page
        listing = json.loads(run_exporter("list", "--output=json").stdout)
        listed = [entry for entry in listing if entry["port"] == port and entry["protocol"] == "tcp"]
        drops = ss(["-ltn"])[inode(sockets[0])][2]
        assert [(entry["queued"], entry["backlog"], entry["drops"]) for entry in listed] == [(3, 2, drops)]
        assert drops >= 11
        table = run_exporter("list").stdout
        assert re.search(rf"127\.0\.0\.1 +{port} .* 3/2 +{drops}$", table, re.MULTILINE), table


@pytest.mark.parametrize("source", [NETLINK, PROCFS], ids=["netlink", "procfs"])
def test_a_small_receive_buffer_drops_datagrams(source):
    with closing_all([udp_receiver()]) as sockets:
        port = sockets[0].getsockname()[1]
        flood(port)
        with Exporter(*source) as exporter:
            ours, theirs = consistent(exporter, ["-uln"], [inode(sockets[0])], "udp", port)
    assert theirs[2] >= 25, "30 datagrams of 1000 bytes into a buffer of about 2 KiB"
    # No queue or limit series for UDP: its receive queue is bytes, not connections.
    assert ours == (None, None, theirs[2])


@pytest.mark.parametrize("source", [NETLINK, PROCFS], ids=["netlink", "procfs"])
def test_drops_stay_when_one_socket_of_a_reuseport_pair_closes(source):
    with closing_all([udp_receiver(reuseport=True)]) as sockets:
        port = sockets[0].getsockname()[1]
        sockets.append(udp_receiver(reuseport=True, port=port))
        flood(port, senders=16, datagrams=10)
        with Exporter(*source) as exporter:
            inodes = [inode(sock) for sock in sockets]
            ours, theirs = consistent(exporter, ["-uln"], inodes, "udp", port)
            assert ours[2] == theirs[2]
            each = ss(["-uln"])
            dropped = max(sockets, key=lambda sock: each[inode(sock)][2])
            kept = next(sock for sock in sockets if sock is not dropped)
            assert each[inode(dropped)][2] > 0 and each[inode(kept)][2] < theirs[2]
            dropped.close()
            after, remaining = consistent(exporter, ["-uln"], [inode(kept)], "udp", port)
            assert remaining[2] < theirs[2], "ss now sees only the socket left"
            assert after[2] == theirs[2], "the closed socket's drops stay in the key's total"
            # The socket left drops more: the total grows by exactly that.
            flood(port, senders=4, datagrams=10)
            more, now = consistent(exporter, ["-uln"], [inode(kept)], "udp", port)
            assert now[2] > remaining[2]
            assert more[2] == theirs[2] + now[2] - remaining[2]
