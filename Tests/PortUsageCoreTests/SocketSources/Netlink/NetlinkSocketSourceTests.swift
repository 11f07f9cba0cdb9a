import PortUsageCore
import PortUsageTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `NetlinkSocketSource` against the running kernel, on sockets the tests open on 127.0.0.1 and ::1 (ports
/// chosen by the kernel, so tests running at the same time do not collide).
@Suite("sock_diag source, live")
struct NetlinkSocketSourceTests {
    private func read(
        _ source: NetlinkSocketSource, _ table: SocketTable, _ selection: SocketSelection,
        deadline: ContinuousClock.Instant? = .now + .seconds(30)
    ) throws -> [SocketRecord] {
        var collector = RecordList()
        let report = try source.read(table, selection: selection, deadline: deadline, into: &collector)
        #expect(report.skipped == 0)
        return collector.records
    }

    @Test func isANetlinkSourceThatSelectsInTheKernel() {
        let source: any SocketSource = NetlinkSocketSource()
        for table in SocketTable.allCases {
            #expect(source.kind(for: table) == .netlink)
            #expect(source.selectsInKernel(table))
        }
    }

    @Test func findsTCPListenersWithTheirBacklog() throws {
        let sockets = LoopbackSockets()
        let ipv4 = sockets.listener("127.0.0.1", backlog: 7)
        let v6only = sockets.listener("::1", backlog: 4, v6only: true)
        let dualStack = sockets.listener("::", backlog: 6, v6only: false)
        let source = NetlinkSocketSource()

        let tcp = try read(source, .tcp, .listeners)
        let found4 = try #require(tcp.first { $0.localPort == ipv4.port })
        #expect(found4.state == .listen && found4.isListener)
        #expect(found4.localAddress == IPAddress(ipv4: 0x7F00_0001))
        #expect(found4.v6only == nil)
        #expect(found4.uid == getuid())
        #expect(found4.inode == ipv4.inode && found4.inode != 0)
        #expect(found4.sendQueue == 7, "a listener's send queue is its backlog")
        #expect(found4.receiveQueue == 0)
        #expect(tcp.allSatisfy { $0.state == .listen && $0.transport == .tcp && $0.family == .ipv4 })

        let tcp6 = try read(source, .tcp6, .listeners)
        let found6 = try #require(tcp6.first { $0.localPort == v6only.port })
        #expect(found6.localAddress == IPAddress(family: .ipv6, high: 0, low: 1))
        #expect(found6.v6only == true && found6.sendQueue == 4 && found6.inode == v6only.inode)
        let foundDual = try #require(tcp6.first { $0.localPort == dualStack.port })
        #expect(foundDual.localAddress.isUnspecified && foundDual.v6only == false && foundDual.sendQueue == 6)
        #expect(foundDual.uid == getuid() && foundDual.inode == dualStack.inode)
    }

    @Test func findsUDPListenersAndLeavesConnectedSocketsOut() throws {
        let sockets = LoopbackSockets()
        let ipv4 = sockets.udp("127.0.0.1")
        let v6only = sockets.udp("::1", v6only: true)
        let dualStack = sockets.udp("::", v6only: false)
        let connected = sockets.udp("127.0.0.1")
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = ipv4.port.bigEndian
        target.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let status = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(connected.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(status == 0)
        let source = NetlinkSocketSource()

        let udp = try read(source, .udp, .listeners)
        let found = try #require(udp.first { $0.localPort == ipv4.port })
        #expect(
            found.state == .close && found.isListener && found.inode == ipv4.inode && found.uid == getuid())
        #expect(!udp.contains { $0.localPort == connected.port }, "a connected socket is not a listener")
        let udp6 = try read(source, .udp6, .listeners)
        #expect(udp6.first { $0.localPort == v6only.port }?.v6only == true)
        #expect(udp6.first { $0.localPort == dualStack.port }?.v6only == false)

        let all = try read(source, .udp, .everything)
        let connectedRecord = try #require(all.first { $0.localPort == connected.port })
        #expect(connectedRecord.state == .established && connectedRecord.remotePort == ipv4.port)
        #expect(all.contains { $0.localPort == ipv4.port })
    }

    @Test func connectionsAreFilteredByLocalPortInTheKernel() throws {
        let sockets = LoopbackSockets()
        let listener = sockets.listener("127.0.0.1", backlog: 8)
        let (client, server) = sockets.connection("127.0.0.1", to: listener)
        let listener6 = sockets.listener("::1", backlog: 8, v6only: true)
        let (client6, _) = sockets.connection("::1", to: listener6)
        let source = NetlinkSocketSource()

        let filtered = try read(source, .tcp, .connections(localPorts: PortSet([listener.port])))
        #expect(filtered.allSatisfy { $0.localPort == listener.port }, "one port: the program is exact")
        let accepted = try #require(filtered.first { $0.remotePort == client.port })
        #expect(accepted.state == .established && accepted.inode == server.inode)
        #expect(!filtered.contains { $0.state == .listen })

        let unfiltered = try read(source, .tcp, .connections(localPorts: nil))
        #expect(unfiltered.contains { $0.localPort == client.port && $0.remotePort == listener.port })
        #expect(!unfiltered.contains { $0.state == .listen })

        // A set of many scattered ports: a program of 32 ranges that the kernel must accept.
        var generator = LocalPortFilterTests.Generator(state: 99)
        let many = PortSet(
            (0..<300).map { _ in UInt16.random(in: 1...65535, using: &generator) } + [listener6.port])
        #expect(LocalPortFilter(ports: many)?.ranges.count == 32)
        let tcp6 = try read(source, .tcp6, .connections(localPorts: many))
        #expect(tcp6.contains { $0.localPort == listener6.port && $0.remotePort == client6.port })
        let filter = try #require(LocalPortFilter(ports: many))
        #expect(tcp6.allSatisfy { filter.accepts($0.localPort) })

        let everything = try read(source, .tcp, .everything)
        #expect(everything.contains { $0.localPort == listener.port && $0.state == .listen })
        #expect(everything.contains { $0.localPort == client.port && $0.state == .established })
    }

    @Test func emptyPortSetReturnsNothingAtOnce() throws {
        let source = NetlinkSocketSource()
        var collector = RecordList()
        // A deadline already past would fail any read that asked the kernel.
        let report = try source.read(
            .tcp, selection: .connections(localPorts: PortSet()), deadline: .now - .seconds(1),
            into: &collector)
        #expect(report == TableReadReport() && collector.records.isEmpty)
    }

    @Test func aPassedDeadlineTimesOutAndTheNextReadIsClean() throws {
        let sockets = LoopbackSockets()
        let listener = sockets.listener("127.0.0.1", backlog: 3)
        let source = NetlinkSocketSource()
        var collector = RecordList()
        collector.records.append(
            SocketRecord(
                transport: .tcp, state: .close, localAddress: .unspecified(.ipv4), localPort: 1,
                remoteAddress: .unspecified(.ipv4), remotePort: 0))
        let error = #expect(throws: SocketSourceError.self) {
            try source.read(.tcp, selection: .everything, deadline: .now - .seconds(1), into: &collector)
        }
        guard case .timedOut(let table, _) = error else {
            Issue.record("expected a time-out, got \(String(describing: error))")
            return
        }
        #expect(table == .tcp)
        #expect(collector.records.count == 1, "a failed read leaves the consumer as it was")
        // The timed-out dump's replies must not leak into the next read.
        for _ in 0..<3 {
            let records = try read(source, .tcp, .listeners)
            #expect(records.allSatisfy { $0.state == .listen })
            #expect(records.contains { $0.localPort == listener.port })
        }
    }

    @Test func aBufferSmallerThanADatagramFailsAsTruncated() throws {
        let sockets = LoopbackSockets()
        for _ in 0..<8 { _ = sockets.listener("127.0.0.1", backlog: 1) }
        let source = NetlinkSocketSource(bufferSize: 256)
        var collector = RecordList()
        let error = #expect(throws: SocketSourceError.self) {
            try source.read(.tcp, selection: .listeners, deadline: .now + .seconds(30), into: &collector)
        }
        guard case .malformedReply(_, let reason) = error else {
            Issue.record("expected a truncated reply, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("larger than the 256-byte receive buffer"))
        #expect(collector.records.isEmpty)
    }

    @Test func reusesOneSocketAcrossReads() throws {
        func openDescriptors() -> Int {
            guard let directory = opendir("/proc/self/fd") else { return -1 }
            defer { closedir(directory) }
            var count = 0
            while readdir(directory) != nil { count += 1 }
            return count
        }
        let source = NetlinkSocketSource()
        _ = try read(source, .tcp, .listeners)
        let before = openDescriptors()
        for table in SocketTable.allCases {
            for _ in 0..<20 { _ = try read(source, table, .listeners) }
        }
        // Other tests open and close sockets meanwhile; a leak of one socket per read would show as 80.
        #expect(openDescriptors() - before < 40)
    }

    @Test func concurrentReadsAreSerialized() async throws {
        let sockets = LoopbackSockets()
        let listener = sockets.listener("127.0.0.1", backlog: 2)
        let source = NetlinkSocketSource()
        let port = listener.port
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var collector = RecordList()
                    _ = try source.read(
                        .tcp, selection: .listeners, deadline: .now + .seconds(30), into: &collector)
                    return collector.records.contains { $0.localPort == port }
                }
            }
            for try await found in group { #expect(found) }
        }
    }
}
