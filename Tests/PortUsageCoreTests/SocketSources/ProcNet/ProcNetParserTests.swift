import PortUsageCore
import PortUsageTestSupport
import Testing

@Suite("procfs socket table parser")
struct ProcNetParserTests {
    private func fixture(_ table: SocketTable) throws -> ParsedTable {
        Fixtures.parse(
            try FileReader.readText(Fixtures.procRoot + "/net/" + table.rawValue, limit: 1 << 20),
            table: table)
    }

    @Test func capturedTCPv4Table() throws {
        let counts = try fixture(.tcp)
        #expect(
            counts.listeners == [
                PortExposure(port: 17001, exposure: .loopback): 1,
                PortExposure(port: 17005, exposure: .loopback): 2,
                PortExposure(port: 17002, exposure: .any): 1, PortExposure(port: 2024, exposure: .any): 1,
            ])
        #expect(counts.states == [.listen: 5, .established: 6, .timeWait: 1])
        #expect(counts.skippedLines == 0)
    }

    @Test func capturedTCPv6Table() throws {
        let counts = try fixture(.tcp6)
        #expect(
            counts.listeners == [
                PortExposure(port: 17004, exposure: .any): 1,
                PortExposure(port: 17003, exposure: .loopback): 1,
            ])
        #expect(counts.states == [.listen: 2, .established: 4])
        #expect(counts.skippedLines == 0)
    }

    @Test func capturedUDPTables() throws {
        let udp = try fixture(.udp)
        #expect(
            udp.listeners == [
                PortExposure(port: 17011, exposure: .loopback): 1,
                PortExposure(port: 17012, exposure: .any): 1,
            ])
        #expect(udp.states == [.close: 2, .established: 1])
        let udp6 = try fixture(.udp6)
        #expect(
            udp6.listeners == [
                PortExposure(port: 17013, exposure: .loopback): 1,
                PortExposure(port: 17014, exposure: .any): 1,
            ])
        #expect(udp6.states == [.close: 2])
    }

    @Test func connectionsAreCountedOnlyOnListenerPortsAcrossTables() throws {
        let snapshot = SocketSnapshot.take(
            from: ProcNetSource(procRoot: Fixtures.procRoot),
            demand: SocketDemand(connections: true, everySocket: false), deadline: nil)
        #expect(
            snapshot.counts.connections == [
                ConnectionKey(family: .ipv4, port: 17001, state: .established): 3,
                ConnectionKey(family: .ipv6, port: 17003, state: .established): 2,
            ])
        #expect(snapshot.outcomes.map(\.selection) == Array(repeating: .everything, count: 4))
    }

    @Test func dualStackListenerCountsItsIPv4PeersFromTheOtherTable() {
        // A listener in tcp6 on port 80; an IPv4 socket on local port 80 in tcp is counted against it.
        var counter = SocketCounter(countsConnections: true)
        let listener = [
            Fixtures.tcpHeader,
            Fixtures.ipv6Line(local: String(repeating: "0", count: 32), localPort: 80, state: "0A"),
        ]
        let peer = [
            Fixtures.tcpHeader,
            Fixtures.ipv4Line(
                local: "0100007F", localPort: 80, remote: "0100007F", remotePort: 40000, state: "01"),
        ]
        for (lines, table) in [(peer, SocketTable.tcp), (listener, .tcp6)] {
            _ = Array(lines.joined(separator: "\n").utf8).withUnsafeBytes {
                ProcNetParser.parse($0, table: table, into: &counter)
            }
        }
        #expect(
            counter.finish().connections == [ConnectionKey(family: .ipv4, port: 80, state: .established): 1])
    }

    @Test func ipv4MappedIPv6AddressesAreClassifiedByTheirIPv4Part() {
        let mappedLoopback = "0000000000000000FFFF00000100007F"
        let mappedSpecific = "0000000000000000FFFF00000A00000A"
        let counts = ParsedTable.parsing(
            [
                Fixtures.tcpHeader, Fixtures.ipv6Line(local: mappedLoopback, localPort: 8080, state: "0A"),
                Fixtures.ipv6Line(slot: 1, local: mappedSpecific, localPort: 8081, state: "0A"),
                Fixtures.ipv6Line(
                    slot: 2, local: "000080FE00000000FF005450B6AD1DFE", localPort: 8082, state: "0A"),
            ], table: .tcp6)
        #expect(
            counts.listeners == [
                PortExposure(port: 8080, exposure: .loopback): 1,
                PortExposure(port: 8081, exposure: .specific): 1,
                PortExposure(port: 8082, exposure: .specific): 1,
            ])
    }

    @Test func portsZeroAnd65535() {
        let tcp = ParsedTable.parsing(
            [
                Fixtures.tcpHeader, Fixtures.ipv4Line(local: "00000000", localPort: 65535, state: "0A"),
                Fixtures.ipv4Line(slot: 1, local: "00000000", localPort: 0, state: "0A"),
            ], table: .tcp)
        #expect(
            tcp.listeners == [
                PortExposure(port: 65535, exposure: .any): 1, PortExposure(port: 0, exposure: .any): 1,
            ])
        // A UDP socket on port 0 is not bound: not a listener, still a socket.
        let udp = ParsedTable.parsing(
            [
                Fixtures.tcpHeader, Fixtures.ipv4Line(local: "00000000", localPort: 0, state: "07"),
                Fixtures.ipv4Line(slot: 1, local: "0100007F", localPort: 65535, state: "07"),
            ], table: .udp)
        #expect(udp.listeners == [PortExposure(port: 65535, exposure: .loopback): 1])
        #expect(udp.states == [.close: 2])
    }

    @Test func connectedUDPIsNotAListener() {
        let udp = ParsedTable.parsing(
            [
                Fixtures.tcpHeader,
                Fixtures.ipv4Line(
                    local: "0100007F", localPort: 5353, remote: "0100007F", remotePort: 53, state: "01"),
                // Unconnected state but a remote set: not a listener either.
                Fixtures.ipv4Line(
                    slot: 1, local: "0100007F", localPort: 5354, remote: "0100007F", remotePort: 0,
                    state: "07"),
            ], table: .udp)
        #expect(udp.listeners.isEmpty)
        #expect(udp.states == [.established: 1, .close: 1])
    }

    @Test func headerOnlyAndEmptyFilesCountNothing() {
        for text in ["", Fixtures.tcpHeader, Fixtures.tcpHeader + "\n", "\n\n"] {
            let counts = Fixtures.parse(text, table: .tcp)
            #expect(counts == ParsedTable(), "input: \(text.debugDescription)")
        }
    }

    @Test func truncatedLastLine() {
        let whole = Fixtures.ipv4Line(slot: 1, local: "00000000", localPort: 22, state: "0A")
        // Cut after the state column: still a complete socket.
        let cutAfterState = String(
            whole.prefix(whole.firstRange(of: " 0A")!.upperBound.utf16Offset(in: whole)))
        let counts = Fixtures.parse(Fixtures.tcpHeader + "\n" + cutAfterState, table: .tcp)
        #expect(counts.listeners == [PortExposure(port: 22, exposure: .any): 1])
        #expect(counts.skippedLines == 0)
        // Cut inside the remote address: skipped, and the lines before still count.
        let first = Fixtures.ipv4Line(local: "00000000", localPort: 80, state: "0A")
        let cutEarly = Fixtures.parse(
            [Fixtures.tcpHeader, first, String(whole.prefix(25))].joined(separator: "\n"), table: .tcp)
        #expect(cutEarly.listeners == [PortExposure(port: 80, exposure: .any): 1])
        #expect(cutEarly.skippedLines == 1)
    }

    @Test(arguments: [
        "garbage",
        "  0: 0100007F:0016 00000000:0000 ZZ 00000000:00000000",  // state not hex
        "  0: 0100007F:0016 00000000:0000 00 00000000:00000000",  // state 0 does not exist
        "  0: 0100007F:0016 00000000:0000 0D 00000000:00000000",  // state 13 does not exist
        "  0: 0100007F:16 00000000:0000 0A",  // short port
        "  0: 100007F:0016 00000000:0000 0A",  // short address
        // An IPv6 line in the IPv4 table:
        "  0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A",
        "  x: 0100007F:0016 00000000:0000 0A",  // slot not a number
        "  0 0100007F:0016 00000000:0000 0A",  // no colon after slot
        "  0: 0100007F:0016 00000000:0000 0A0",  // state too long
        "  0: 0100007F;0016 00000000:0000 0A",  // wrong separator
        "sl  local_address",  // a second header
        "\u{0}\u{1}\u{2}\u{FF}",
    ])
    func malformedLineIsSkippedAndCounted(line: String) {
        let good = Fixtures.ipv4Line(local: "00000000", localPort: 443, state: "0A")
        let counts = Fixtures.parse(
            [Fixtures.tcpHeader, good, line, good].joined(separator: "\n") + "\n", table: .tcp)
        #expect(counts.skippedLines == 1)
        #expect(counts.listeners == [PortExposure(port: 443, exposure: .any): 2])
        #expect(counts.states == [.listen: 2])
    }

    @Test func overlongLineIsSkippedWithoutGrowingWithoutBound() {
        let good = Fixtures.ipv4Line(local: "00000000", localPort: 443, state: "0A")
        let huge = String(repeating: "A", count: 100_000)
        var parser = ProcNetParser(table: .tcp)
        var builder = ParsedTable.Builder()
        for piece in [Fixtures.tcpHeader + "\n" + good + "\n", huge, huge, "\n" + good + "\n"] {
            Array(piece.utf8).withUnsafeBytes { parser.consume($0, into: &builder) }
        }
        let counts = builder.finish(report: parser.finish(into: &builder))
        #expect(counts.skippedLines == 1)
        #expect(counts.listeners == [PortExposure(port: 443, exposure: .any): 2])
        #expect(parser.report.firstSkipped?.number == 3)
    }

    @Test func lowercaseHexIsAccepted() {
        let counts = Fixtures.parse("  0: 0100007f:1f90 00000000:0000 0a 00000000:00000000\n", table: .tcp)
        #expect(counts.listeners == [PortExposure(port: 8080, exposure: .loopback): 1])
    }

    @Test func chunkBoundariesDoNotChangeTheResult() throws {
        let bytes = try FileReader.readConfigurationFile(Fixtures.procRoot + "/net/tcp", limit: 1 << 20)
        let whole = Fixtures.parse(String(decoding: bytes, as: UTF8.self), table: .tcp)
        #expect(whole.records.count == 12)
        for chunkSize in [1, 7, 64, 150, 4096] {
            var parser = ProcNetParser(table: .tcp)
            var builder = ParsedTable.Builder()
            var start = 0
            while start < bytes.count {
                let end = min(start + chunkSize, bytes.count)
                bytes[start..<end].withUnsafeBytes { parser.consume($0, into: &builder) }
                start = end
            }
            #expect(builder.finish(report: parser.finish(into: &builder)) == whole, "chunk size \(chunkSize)")
        }
    }

    @Test func hundredThousandLines() {
        // 1,000 listeners on ports 20000..20999 (every other one loopback), then 99,000 established sockets:
        // 49,500 on those listener ports (49.5 per port) and 49,500 on ephemeral ports with no listener.
        var lines = [Fixtures.tcpHeader]
        lines.reserveCapacity(100_001)
        for index in 0..<1000 {
            lines.append(
                Fixtures.ipv4Line(
                    slot: index, local: index % 2 == 0 ? "0100007F" : "00000000",
                    localPort: UInt16(20000 + index), state: "0A"))
        }
        for index in 0..<99_000 {
            let onListener = index % 2 == 0
            let port = onListener ? UInt16(20000 + (index / 2) % 1000) : UInt16(40000 + index % 20000)
            lines.append(
                Fixtures.ipv4Line(
                    slot: 1000 + index, local: "0100007F", localPort: port, remote: "0100007F",
                    remotePort: 50000, state: "01"))
        }
        let counts = Fixtures.parse(lines.joined(separator: "\n") + "\n", table: .tcp)
        #expect(counts.listeners.count == 1000)
        #expect(counts.listeners.values.reduce(0, +) == 1000)
        #expect(counts.listeners[PortExposure(port: 20000, exposure: .loopback)] == 1)
        #expect(counts.listeners[PortExposure(port: 20001, exposure: .any)] == 1)
        #expect(counts.states == [.listen: 1000, .established: 99_000])
        #expect(counts.skippedLines == 0)
        var counter = SocketCounter(countsConnections: true)
        for record in counts.records { counter.consume(record) }
        let connections = counter.finish().connections
        #expect(connections.values.reduce(0, +) == 49_500)
        #expect(connections[ConnectionKey(family: .ipv4, port: 20000, state: .established)] == 50)
        #expect(connections[ConnectionKey(family: .ipv4, port: 20999, state: .established)] == 49)
    }

    @Test func connectionCountingCanBeTurnedOff() throws {
        let snapshot = SocketSnapshot.take(
            from: ProcNetSource(procRoot: Fixtures.procRoot),
            demand: SocketDemand(tables: [.tcp], connections: false, everySocket: false), deadline: nil)
        #expect(snapshot.counts.connections == [:])
        #expect(snapshot.counts.listeners.count == 4)
    }

    @Test func recordsCarryEveryColumnTheKernelPrints() throws {
        let table = try fixture(.tcp)
        let listener = try #require(table.records.first)
        #expect(listener.state == .listen)
        #expect(listener.localAddress.description == "127.0.0.1")
        #expect(listener.localPort == 17001)
        #expect(listener.remoteAddress.isUnspecified && listener.remotePort == 0)
        #expect(listener.inode == 6548)
        #expect(listener.uid == 0)
        #expect(listener.receiveQueue == 2)
        #expect(listener.sendQueue == nil)
        #expect(listener.v6only == nil)
        let established = try #require(table.records.first { $0.state == .established })
        #expect(established.remoteAddress.description == "127.0.0.1")
        #expect(established.sendQueue == 0)
        let v6 = try #require(try fixture(.tcp6).records.first)
        #expect(v6.localAddress.family == .ipv6)
        #expect(table.records.allSatisfy { $0.drops == nil }, "a TCP line has no drops column")
    }

    /// A UDP line's last column is the socket's drops; a line whose tail is out of shape still counts,
    /// without them.
    @Test func udpLinesGiveTheirDrops() throws {
        #expect(try fixture(.udp).records.map(\.drops) == [0, 0, 0])
        let head =
            "   1: 0100007F:4273 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 6562 2"
        let table = ParsedTable.parsing(
            [
                head + " 00000000795b13ee 4294967295          ",  // the kernel pads the line with spaces
                head + " 795b13ee 17",  // a 32-bit kernel's pointer
                head + " 00000000795b13ee 4294967296",  // more than sk_drops holds
                head + " 00000000795b13ee",  // no drops column
                head + " 0000795b13ee 3",  // a pointer of neither width
                head + " 00000000795b13ee 3 4",  // a column after the drops
                head + " 00000000795b13ee -3",
            ], table: .udp)
        #expect(table.records.map(\.drops) == [UInt32.max, 17, nil, nil, nil, nil, nil])
        #expect(table.skippedLines == 0)
        #expect(table.listeners == [PortExposure(port: 0x4273, exposure: .loopback): 7])
    }
}

extension ParsedTable {
    static func parsing(_ lines: [String], table: SocketTable) -> ParsedTable {
        Fixtures.parse(lines.joined(separator: "\n") + "\n", table: table)
    }
}
