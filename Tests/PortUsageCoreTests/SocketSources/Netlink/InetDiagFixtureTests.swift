import PortUsageCore
import PortUsageTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The reply parser on sock_diag dumps captured from a known population of loopback sockets
/// (`Fixtures/netlink/README.md`); expectations from the capture tool's `summary.txt`.
@Suite("sock_diag reply parser on captured dumps")
struct InetDiagFixtureTests {
    /// The few addresses of the fixtures.
    private static func address(_ text: String) -> IPAddress {
        switch text {
        case "::": return .unspecified(.ipv6)
        case "::1": return IPAddress(family: .ipv6, high: 0, low: 1)
        case "::ffff:127.0.0.1": return IPAddress(family: .ipv6, high: 0, low: 0xFFFF_7F00_0001)
        default:
            let octets = text.split(separator: ".").map { UInt32($0)! }
            return IPAddress(ipv4: octets.reduce(0) { $0 << 8 | $1 })
        }
    }

    /// An expected record; `inode` says only whether the socket has one (inode numbers change with each
    /// capture), and every socket but TIME_WAIT reports cgroup 1 (the capture's cgroup).
    private static func record(
        _ transport: TransportProtocol, _ state: SocketState, _ local: String, _ localPort: UInt16,
        _ remote: String, _ remotePort: UInt16, queues: (UInt32, UInt32) = (0, 0), inode: Bool = true,
        v6only: Bool? = nil
    ) -> SocketRecord {
        SocketRecord(
            transport: transport, state: state, localAddress: address(local), localPort: localPort,
            remoteAddress: address(remote), remotePort: remotePort, inode: inode ? 1 : 0, uid: 0,
            v6only: v6only,
            receiveQueue: queues.0, sendQueue: queues.1, cgroupID: state == .timeWait ? nil : 1)
    }

    private func parse(_ name: String, _ table: SocketTable) throws -> [SocketRecord] {
        let (records, parser) = try NetlinkFixtures.parse(name, table: table)
        #expect(parser.isDone)
        #expect(!parser.isInterrupted)
        #expect(parser.report == TableReadReport())
        #expect(parser.recordCount == records.count)
        return records.map { record in
            var normalized = record
            normalized.inode = record.inode == 0 ? 0 : 1
            return normalized
        }
    }

    static let tcp4Listeners = [
        record(.tcp, .listen, "0.0.0.0", 17102, "0.0.0.0", 0, queues: (0, 17)),
        record(.tcp, .listen, "127.0.0.1", 17101, "0.0.0.0", 0, queues: (1, 5)),
    ]

    static let tcp4Connections = [
        record(.tcp, .established, "127.0.0.1", 17101, "127.0.0.1", 17201, queues: (5, 0)),
        record(.tcp, .established, "127.0.0.1", 17205, "127.0.0.1", 17104),
        record(.tcp, .established, "127.0.0.1", 17101, "127.0.0.1", 17202, inode: false),
        record(.tcp, .established, "127.0.0.1", 17201, "127.0.0.1", 17101),
        record(.tcp, .established, "127.0.0.1", 17202, "127.0.0.1", 17101),
        record(.tcp, .timeWait, "127.0.0.1", 17203, "127.0.0.1", 17102, inode: false),
    ]

    @Test func tcp4Listeners() throws {
        let records = try parse("tcp4-listeners", .tcp)
        #expect(records == Self.tcp4Listeners)
        #expect(records.allSatisfy { $0.isListener })
    }

    /// The dumps with `INET_DIAG_SKMEMINFO` (`skmeminfo.txt`): a listener with backlog 2 holding 3
    /// connections and having dropped 3 SYNs, a UDP socket that lost 19 datagrams. Requested as the
    /// exporter requests them.
    @Test func socketMemoryGivesTheDrops() throws {
        let tcp = try NetlinkFixtures.parse("tcp4-listeners-skmeminfo", table: .tcp)
        #expect(tcp.1.report == TableReadReport())
        #expect(
            tcp.0.map { [UInt32($0.localPort), $0.receiveQueue, $0.sendQueue, $0.drops] } == [
                [17301, 3, 2, 3]
            ])
        let udp = try NetlinkFixtures.parse("udp4-listeners-skmeminfo", table: .udp)
        #expect(udp.1.report == TableReadReport())
        #expect(udp.0.map { [UInt32($0.localPort), $0.drops] } == [[17311, 19], [17312, 0]])
        for (name, table) in [
            ("tcp4-listeners-skmeminfo", SocketTable.tcp), ("udp4-listeners-skmeminfo", .udp),
        ] {
            #expect(
                SockDiagRequest.encode(
                    table: table, selection: .listeners, sequence: NetlinkFixtures.sequences[name]!)
                    == (try NetlinkFixtures.bytes(name + ".request.bin")))
        }
    }

    @Test func tcp6ListenersReportV6Only() throws {
        #expect(
            try parse("tcp6-listeners", .tcp6) == [
                Self.record(.tcp, .listen, "::1", 17103, "::", 0, queues: (1, 3), v6only: true),
                Self.record(.tcp, .listen, "::", 17105, "::", 0, queues: (0, 11), v6only: true),
                Self.record(.tcp, .listen, "::", 17104, "::", 0, queues: (0, 9), v6only: false),
            ])
    }

    @Test func udpListeners() throws {
        let udp4 = try parse("udp4-listeners", .udp)
        #expect(
            udp4 == [
                Self.record(.udp, .close, "127.0.0.1", 17111, "0.0.0.0", 0),
                Self.record(.udp, .close, "0.0.0.0", 17112, "0.0.0.0", 0),
            ])
        let udp6 = try parse("udp6-listeners", .udp6)
        #expect(
            udp6 == [
                Self.record(.udp, .close, "::1", 17113, "::", 0, v6only: true),
                Self.record(.udp, .close, "::", 17114, "::", 0, v6only: false),
            ])
        #expect((udp4 + udp6).allSatisfy { $0.isListener })
    }

    @Test func tcpConnections() throws {
        #expect(try parse("tcp4-connections", .tcp) == Self.tcp4Connections)
        #expect(
            try parse("tcp6-connections", .tcp6) == [
                Self.record(.tcp, .established, "::ffff:127.0.0.1", 17104, "::ffff:127.0.0.1", 17205),
                Self.record(.tcp, .established, "::1", 17103, "::1", 17204, inode: false),
                Self.record(.tcp, .established, "::1", 17204, "::1", 17103),
            ])
    }

    @Test func everything() throws {
        #expect(try parse("tcp4-everything", .tcp) == Self.tcp4Listeners + Self.tcp4Connections)
        let udp4 = try parse("udp4-everything", .udp)
        #expect(udp4.count == 3)
        #expect(udp4.last == Self.record(.udp, .established, "127.0.0.1", 17115, "127.0.0.1", 17111))
        #expect(udp4.filter(\.isListener).count == 2)
        let udp6 = try parse("udp6-everything", .udp6)
        #expect(udp6.count == 3)
        #expect(udp6.last == Self.record(.udp, .established, "::1", 17116, "::1", 17113))
    }

    @Test func kernelFilteredByLocalPort() throws {
        #expect(
            try parse("tcp4-connections-17101", .tcp) == Self.tcp4Connections.filter { $0.localPort == 17101 }
        )
    }

    @Test func unknownProtocolEndsWithENOENT() throws {
        let reply = try NetlinkFixtures.bytes("unknown-protocol.bin")
        var parser = InetDiagReplyParser(table: .tcp, sequence: 0x1000a, portID: NetlinkFixtures.portID)
        var collector = RecordList()
        let error = #expect(throws: SocketSourceError.self) {
            try reply.withUnsafeBytes { try parser.parse($0, into: &collector) }
        }
        #expect(error == .netlink(table: .tcp, operation: "dump", errno: ENOENT))
        #expect(error?.isUnavailable == true)
        #expect(parser.isDone)
        #expect(collector.records.isEmpty)
    }

    /// The same records whether the dump arrives in one piece, one message per datagram, or from an
    /// odd address (every load is unaligned-safe).
    @Test(arguments: ["tcp4-everything", "tcp6-listeners", "udp6-everything"])
    func splitAndMisalignedBuffersParseTheSame(name: String) throws {
        let table: SocketTable = name.hasPrefix("tcp4") ? .tcp : name.hasPrefix("tcp6") ? .tcp6 : .udp6
        let (whole, _) = try NetlinkFixtures.parse(name, table: table)
        let reply = try NetlinkFixtures.bytes(name + ".bin")
        var parser = InetDiagReplyParser(
            table: table, sequence: NetlinkFixtures.sequences[name]!, portID: NetlinkFixtures.portID)
        var collector = RecordList()
        var offset = 0
        while offset < reply.count {
            let length = Int(reply[offset]) | Int(reply[offset + 1]) << 8
            let message = Array(reply[offset..<offset + length])
            try message.withUnsafeBytes { try parser.parse($0, into: &collector) }
            offset += length
        }
        #expect(collector.records == whole)
        #expect(parser.isDone)

        let shifted = [0x55] + reply
        var shiftedParser = InetDiagReplyParser(
            table: table, sequence: NetlinkFixtures.sequences[name]!, portID: NetlinkFixtures.portID)
        var shiftedCollector = RecordList()
        try shifted.withUnsafeBytes { raw in
            try shiftedParser.parse(UnsafeRawBufferPointer(rebasing: raw[1...]), into: &shiftedCollector)
        }
        #expect(shiftedCollector.records == whole)
    }

    @Test func anotherRequestsDumpIsSkippedAndCounted() throws {
        let reply = try NetlinkFixtures.bytes("tcp4-listeners.bin")
        var parser = InetDiagReplyParser(table: .tcp, sequence: 0x10001, portID: NetlinkFixtures.portID)
        var collector = RecordList()
        try reply.withUnsafeBytes { try parser.parse($0, into: &collector) }
        #expect(collector.records.isEmpty)
        #expect(!parser.isDone, "another request's NLMSG_DONE does not end this dump")
        #expect(parser.report.skipped == 3)
        #expect(parser.report.firstSkipped?.number == 0)
    }
}
