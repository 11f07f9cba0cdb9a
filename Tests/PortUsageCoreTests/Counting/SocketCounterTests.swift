import Synchronization
import Testing

@testable import PortUsageCore

#if canImport(Glibc)
    import Glibc
#endif

/// A counter counts the same whether it takes the records directly, through batches of which one is
/// thrown away (an interrupted netlink dump), or table by table side by side and added up (procfs).
@Suite("socket counter batches and sums")
struct SocketCounterTests {
    private static func socket(
        _ transport: TransportProtocol, _ state: SocketState, _ port: UInt16, remote: UInt16 = 0,
        family: AddressFamily = .ipv4
    ) -> SocketRecord {
        let loopback =
            family == .ipv4
            ? IPAddress(family: .ipv4, high: 0x7F00_0001 << 32) : IPAddress(family: .ipv6, high: 0, low: 1)
        return SocketRecord(
            transport: transport, state: state, localAddress: loopback, localPort: port,
            remoteAddress: remote == 0 ? .unspecified(family) : loopback, remotePort: remote,
            inode: UInt64(port) * 10 + UInt64(remote))
    }

    /// Three tables: listeners, and a connection to a listener of a later table (it waits for finish()).
    private static let tables: [[SocketRecord]] = [
        [socket(.tcp, .listen, 22), socket(.tcp, .established, 80, remote: 40000)],
        [socket(.tcp, .listen, 80, family: .ipv6), socket(.tcp, .listen, 22, family: .ipv6)],
        [socket(.udp, .close, 53), socket(.udp, .established, 41000, remote: 53)],
    ]
    /// Connections read after the listeners are sealed: counted at once.
    private static let afterSeal = [
        socket(.tcp, .established, 22, remote: 50000), socket(.tcp, .timeWait, 22, remote: 50001),
        socket(.tcp, .established, 9999, remote: 50002),
    ]

    private static func counter() -> SocketCounter {
        SocketCounter(countsConnections: true, keepsListenerSockets: true, talliesLocalPorts: true)
    }

    private static func direct(sealing: Bool) -> SocketCounts {
        var counter = counter()
        for record in tables.joined() { counter.consume(record) }
        if sealing {
            counter.sealListeners()
            for record in afterSeal { counter.consume(record) }
        }
        return counter.finish()
    }

    @Test func throughBatchesOneOfThemInterrupted() throws {
        var batched = Self.counter()
        var interruptedOnce = false
        func read(_ records: [SocketRecord]) throws {
            _ = try NetlinkSocketSource.retryingInterruptedDump(.tcp, into: &batched) {
                (attempt) throws(SocketSourceError) in
                for record in records { attempt.consume(record) }
                defer { interruptedOnce = true }
                return (TableReadReport(), !interruptedOnce)
            }
        }
        for records in Self.tables { try read(records) }
        batched.sealListeners()
        try read(Self.afterSeal)

        let expected = Self.direct(sealing: true)
        #expect(batched.finish() == expected)
        #expect(expected.connections[ConnectionKey(family: .ipv4, port: 80, state: .established)] == 1)
        #expect(expected.connections[ConnectionKey(family: .ipv4, port: 22, state: .timeWait)] == 1)
        #expect(expected.listenerSockets.count == 4 && expected.listeners.count == 4)
    }

    @Test func tableByTableSideBySideAndAdded() {
        let total = Self.counter()
        let perTable = sideBySide(Self.tables) { records in
            var counter = total.emptyCounter()
            for record in records { counter.consume(record) }
            return counter
        }
        var added = total
        for counter in perTable { added.add(counter) }
        let expected = Self.direct(sealing: false)
        #expect(added.finish() == expected)
        #expect(expected.connections[ConnectionKey(family: .ipv4, port: 80, state: .established)] == 1)
        #expect(expected.localPorts.byDestination[.udp]?.count == 1)
    }

    /// Each element waits until all have started: one after another, the first would wait in vain.
    @Test func sideBySideRunsAtOnceAndKeepsTheOrder() {
        let started = Atomic<Int>(0)
        let results = sideBySide(Array(0..<4)) { index in
            started.add(1, ordering: .relaxed)
            let clock = ContinuousClock()
            let giveUp = clock.now + .seconds(5)
            while started.load(ordering: .relaxed) < 4 && clock.now < giveUp { usleep(1000) }
            return (index * 10, started.load(ordering: .relaxed) == 4)
        }
        #expect(results.map(\.0) == [0, 10, 20, 30])
        #expect(results.allSatisfy { $0.1 })
        #expect(sideBySide([7]) { $0 + 1 } == [8])
        #expect(sideBySide([Int]()) { $0 }.isEmpty)
    }
}
