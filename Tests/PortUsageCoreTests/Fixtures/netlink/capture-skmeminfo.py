#!/usr/bin/env python3
"""Captures the sock_diag fixtures with INET_DIAG_SKMEMINFO (see README.md in this directory): a TCP
listener with a full accept queue that dropped connections, and a UDP socket that dropped datagrams, in a
network namespace of its own so the dumps hold nothing else. Run as root:

    unshare --net python3 Tests/PortUsageCoreTests/Fixtures/netlink/capture-skmeminfo.py \\
        Tests/PortUsageCoreTests/Fixtures/netlink > Tests/PortUsageCoreTests/Fixtures/netlink/skmeminfo.txt
"""
import os
import socket
import struct
import subprocess
import sys
import time

SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
INET_DIAG_SKMEMINFO = 7
PORT_ID = 4242


def dump(netlink, directory, name, family, protocol, states, sequence):
    """Sends a dump request asking for INET_DIAG_SKMEMINFO; writes it to <name>.request.bin and every
    datagram of the reply to <name>.bin; prints each socket's queues and SK_MEMINFO words."""
    request = struct.pack("=BBBBI", family, protocol, 1 << (INET_DIAG_SKMEMINFO - 1), 0, states) + bytes(48)
    message = struct.pack("=IHHII", 16 + len(request), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP,
                          sequence, 0) + request
    netlink.sendto(message, (0, 0))
    with open(os.path.join(directory, name + ".request.bin"), "wb") as out:
        out.write(message)
    print(f"{name}: family {family} protocol {protocol} states {states:#x} sequence {sequence:#x}")
    reply = b""
    done = False
    while not done:
        data = netlink.recv(65536)
        reply += data
        offset = 0
        while offset + 16 <= len(data):
            length, kind = struct.unpack_from("=IH", data, offset)
            if kind in (NLMSG_DONE, NLMSG_ERROR):
                done = True
            elif kind == SOCK_DIAG_BY_FAMILY:
                body = offset + 16
                port = struct.unpack_from("!H", data, body + 4)[0]
                rqueue, wqueue = struct.unpack_from("=II", data, body + 56)
                memory = None
                attribute = body + 72
                while attribute + 4 <= offset + length:
                    size, kind_of = struct.unpack_from("=HH", data, attribute)
                    if size < 4:
                        break
                    if kind_of == INET_DIAG_SKMEMINFO:
                        memory = struct.unpack_from(f"={(size - 4) // 4}I", data, attribute + 4)
                    attribute += (size + 3) & ~3
                print(f"  port {port} rqueue {rqueue} wqueue {wqueue} skmeminfo {list(memory or [])}")
            offset += (length + 3) & ~3
    with open(os.path.join(directory, name + ".bin"), "wb") as out:
        out.write(reply)


def main():
    directory = sys.argv[1]
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    keep = []
    # A TCP listener with backlog 2: the kernel queues 3, and drops the SYNs of the other 3.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 17301))
    listener.listen(2)
    keep.append(listener)
    for _ in range(6):
        client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        client.setblocking(False)
        client.connect_ex(("127.0.0.1", 17301))
        keep.append(client)
        time.sleep(0.05)
    # A UDP socket with the smallest receive buffer, sent more than it holds.
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    receiver.bind(("127.0.0.1", 17311))
    keep.append(receiver)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.bind(("127.0.0.1", 17312))  # an unconnected UDP socket: listed too
    for _ in range(20):
        sender.sendto(bytes(1000), ("127.0.0.1", 17311))
    time.sleep(0.2)
    netlink = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 4)  # NETLINK_SOCK_DIAG
    netlink.bind((PORT_ID, 0))
    dump(netlink, directory, "tcp4-listeners-skmeminfo", socket.AF_INET, socket.IPPROTO_TCP, 1 << 10, 0x1000B)
    dump(netlink, directory, "udp4-listeners-skmeminfo", socket.AF_INET, socket.IPPROTO_UDP, 1 << 7, 0x1000C)


if __name__ == "__main__":
    main()
