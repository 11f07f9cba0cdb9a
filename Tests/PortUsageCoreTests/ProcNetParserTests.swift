import PortUsageCore
import Testing

@Suite("procfs socket table parser")
struct ProcNetParserTests {
    private func fixture(_ table: SocketTable) throws -> SocketTableCounts {
        let bytes = try FileReader.readConfigurationFile(
            Fixtures.procRoot + "/net/" + table.rawValue, limit: 1 << 20)
        return bytes.withUnsafeBytes { ProcNetParser.parse($0, table: table, tracksConnections: true) }
    }

    @Test func capturedTCPv4Table() throws {
        let counts = try fixture(.tcp)
        #expect(
            counts.listeners == [
                ListenerKey(port: 17001, exposure: .loopback): 1,
                ListenerKey(port: 17005, exposure: .loopback): 2,
                ListenerKey(port: 17002, exposure: .any): 1, ListenerKey(port: 2024, exposure: .any): 1,
            ])
        #expect(counts.states == [.listen: 5, .established: 6, .timeWait: 1])
        #expect(counts.skippedLines == 0)
    }

    @Test func capturedTCPv6Table() throws {
        let counts = try fixture(.tcp6)
        #expect(
            counts.listeners == [
                ListenerKey(port: 17004, exposure: .any): 1, ListenerKey(port: 17003, exposure: .loopback): 1,
            ])
        #expect(counts.states == [.listen: 2, .established: 4])
        #expect(counts.skippedLines == 0)
    }

    @Test func capturedUDPTables() throws {
        let udp = try fixture(.udp)
        #expect(
            udp.listeners == [
                ListenerKey(port: 17011, exposure: .loopback): 1, ListenerKey(port: 17012, exposure: .any): 1,
            ])
        #expect(udp.states == [.close: 2, .established: 1])
        let udp6 = try fixture(.udp6)
        #expect(
            udp6.listeners == [
                ListenerKey(port: 17013, exposure: .loopback): 1, ListenerKey(port: 17014, exposure: .any): 1,
            ])
        #expect(udp6.states == [.close: 2])
    }

    @Test func connectionsAreCountedOnlyOnListenerPortsAcrossTables() throws {
        let source = ProcNetSource(
            procRoot: Fixtures.procRoot, tables: SocketTable.allCases, tracksConnections: true,
            logger: .init(label: "test"))
        let snapshot = source.snapshot()
        #expect(
            snapshot.counts(of: .tcp)?.connections == [ConnectionKey(port: 17001, state: .established): 3])
        #expect(
            snapshot.counts(of: .tcp6)?.connections == [ConnectionKey(port: 17003, state: .established): 2])
        #expect(snapshot.counts(of: .udp)?.connections == [:])
    }

    @Test func dualStackListenerCountsItsIPv4PeersFromTheOtherTable() {
        // A listener in tcp6 on port 80; an IPv4 socket on local port 80 in tcp is counted against it.
        let listener = SocketTableCounts.parsing(
            [
                Fixtures.tcpHeader,
                Fixtures.ipv6Line(local: String(repeating: "0", count: 32), localPort: 80, state: "0A"),
            ],
            table: .tcp6)
        let peer = SocketTableCounts.parsing(
            [
                Fixtures.tcpHeader,
                Fixtures.ipv4Line(
                    local: "0100007F", localPort: 80, remote: "0100007F", remotePort: 40000, state: "01"),
            ],
            table: .tcp)
        let snapshot = SocketSnapshot(readings: [
            TableReading(table: .tcp, result: .success(peer), durationSeconds: 0),
            TableReading(table: .tcp6, result: .success(listener), durationSeconds: 0),
        ])
        #expect(snapshot.counts(of: .tcp)?.connections == [ConnectionKey(port: 80, state: .established): 1])
    }

    @Test func ipv4MappedIPv6AddressesAreClassifiedByTheirIPv4Part() {
        let mappedLoopback = "0000000000000000FFFF00000100007F"
        let mappedSpecific = "0000000000000000FFFF00000A00000A"
        let counts = SocketTableCounts.parsing(
            [
                Fixtures.tcpHeader, Fixtures.ipv6Line(local: mappedLoopback, localPort: 8080, state: "0A"),
                Fixtures.ipv6Line(slot: 1, local: mappedSpecific, localPort: 8081, state: "0A"),
                Fixtures.ipv6Line(
                    slot: 2, local: "000080FE00000000FF005450B6AD1DFE", localPort: 8082, state: "0A"),
            ], table: .tcp6)
        #expect(
            counts.listeners == [
                ListenerKey(port: 8080, exposure: .loopback): 1,
                ListenerKey(port: 8081, exposure: .specific): 1,
                ListenerKey(port: 8082, exposure: .specific): 1,
            ])
    }

    @Test func portsZeroAnd65535() {
        let tcp = SocketTableCounts.parsing(
            [
                Fixtures.tcpHeader, Fixtures.ipv4Line(local: "00000000", localPort: 65535, state: "0A"),
                Fixtures.ipv4Line(slot: 1, local: "00000000", localPort: 0, state: "0A"),
            ], table: .tcp)
        #expect(
            tcp.listeners == [
                ListenerKey(port: 65535, exposure: .any): 1, ListenerKey(port: 0, exposure: .any): 1,
            ])
        // A UDP socket on port 0 is not bound: not a listener, still a socket.
        let udp = SocketTableCounts.parsing(
            [
                Fixtures.tcpHeader, Fixtures.ipv4Line(local: "00000000", localPort: 0, state: "07"),
                Fixtures.ipv4Line(slot: 1, local: "0100007F", localPort: 65535, state: "07"),
            ], table: .udp)
        #expect(udp.listeners == [ListenerKey(port: 65535, exposure: .loopback): 1])
        #expect(udp.states == [.close: 2])
    }

    @Test func connectedUDPIsNotAListener() {
        let udp = SocketTableCounts.parsing(
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
            #expect(counts == SocketTableCounts(), "input: \(text.debugDescription)")
        }
    }

    @Test func truncatedLastLine() {
        let whole = Fixtures.ipv4Line(slot: 1, local: "00000000", localPort: 22, state: "0A")
        // Cut after the state column: still a complete socket.
        let cutAfterState = String(
            whole.prefix(whole.firstRange(of: " 0A")!.upperBound.utf16Offset(in: whole)))
        let counts = Fixtures.parse(Fixtures.tcpHeader + "\n" + cutAfterState, table: .tcp)
        #expect(counts.listeners == [ListenerKey(port: 22, exposure: .any): 1])
        #expect(counts.skippedLines == 0)
        // Cut inside the remote address: skipped, and the lines before still count.
        let first = Fixtures.ipv4Line(local: "00000000", localPort: 80, state: "0A")
        let cutEarly = Fixtures.parse(
            [Fixtures.tcpHeader, first, String(whole.prefix(25))].joined(separator: "\n"), table: .tcp)
        #expect(cutEarly.listeners == [ListenerKey(port: 80, exposure: .any): 1])
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
        #expect(counts.listeners == [ListenerKey(port: 443, exposure: .any): 2])
        #expect(counts.states == [.listen: 2])
    }

    @Test func overlongLineIsSkippedWithoutGrowingWithoutBound() {
        let good = Fixtures.ipv4Line(local: "00000000", localPort: 443, state: "0A")
        let huge = String(repeating: "A", count: 100_000)
        var parser = ProcNetParser(table: .tcp, tracksConnections: true)
        for piece in [Fixtures.tcpHeader + "\n" + good + "\n", huge, huge, "\n" + good + "\n"] {
            Array(piece.utf8).withUnsafeBytes { parser.consume($0) }
        }
        let counts = parser.finish()
        #expect(counts.skippedLines == 1)
        #expect(counts.listeners == [ListenerKey(port: 443, exposure: .any): 2])
        #expect(parser.firstSkippedLine?.number == 3)
    }

    @Test func lowercaseHexIsAccepted() {
        let counts = Fixtures.parse("  0: 0100007f:1f90 00000000:0000 0a 00000000:00000000\n", table: .tcp)
        #expect(counts.listeners == [ListenerKey(port: 8080, exposure: .loopback): 1])
    }

    @Test func chunkBoundariesDoNotChangeTheResult() throws {
        let bytes = try FileReader.readConfigurationFile(Fixtures.procRoot + "/net/tcp", limit: 1 << 20)
        let whole = bytes.withUnsafeBytes { ProcNetParser.parse($0, table: .tcp, tracksConnections: true) }
        for chunkSize in [1, 7, 64, 150, 4096] {
            var parser = ProcNetParser(table: .tcp, tracksConnections: true)
            var start = 0
            while start < bytes.count {
                let end = min(start + chunkSize, bytes.count)
                bytes[start..<end].withUnsafeBytes { parser.consume($0) }
                start = end
            }
            #expect(parser.finish() == whole, "chunk size \(chunkSize)")
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
        #expect(counts.listeners[ListenerKey(port: 20000, exposure: .loopback)] == 1)
        #expect(counts.listeners[ListenerKey(port: 20001, exposure: .any)] == 1)
        #expect(counts.states == [.listen: 1000, .established: 99_000])
        #expect(counts.skippedLines == 0)
        let snapshot = SocketSnapshot(readings: [
            TableReading(table: .tcp, result: .success(counts), durationSeconds: 0)
        ])
        let connections = snapshot.counts(of: .tcp)!.connections
        #expect(connections.values.reduce(0, +) == 49_500)
        #expect(connections[ConnectionKey(port: 20000, state: .established)] == 50)
        #expect(connections[ConnectionKey(port: 20999, state: .established)] == 49)
    }

    @Test func connectionTrackingCanBeTurnedOff() throws {
        let source = ProcNetSource(
            procRoot: Fixtures.procRoot, tables: [.tcp], tracksConnections: false,
            logger: .init(label: "test"))
        #expect(source.snapshot().counts(of: .tcp)?.connections == [:])
    }
}

extension SocketTableCounts {
    static func parsing(_ lines: [String], table: SocketTable) -> SocketTableCounts {
        Fixtures.parse(lines.joined(separator: "\n") + "\n", table: table)
    }
}
