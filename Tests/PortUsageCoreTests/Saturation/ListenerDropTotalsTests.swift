import Testing

@testable import PortUsageCore

/// The drop counters: they never go down while sockets come and go, and keep only what they must.
@Suite("listener drop totals")
struct ListenerDropTotalsTests {
    static let web = ListenerKey(table: .tcp, port: 8080, exposure: .any)
    static let dns = ListenerKey(table: .udp, port: 53, exposure: .loopback)

    static func socket(_ key: ListenerKey, inode: UInt64, drops: UInt32?) -> ListenerSocket {
        var socket = ListenerSocket(
            record: SocketRecord(
                transport: key.table.transport, state: key.table.transport == .tcp ? .listen : .close,
                localAddress: .unspecified(.ipv4), localPort: key.port, remoteAddress: .unspecified(.ipv4),
                remotePort: 0, inode: inode),
            key: key)
        socket.drops = drops
        return socket
    }

    private func update(
        _ totals: ListenerDropTotals, _ sockets: [ListenerSocket], unread: Set<ListenerKey> = []
    ) -> [ListenerKey: ListenerDropTotals.Total] {
        totals.update(sockets, counts: { _ in true }, unread: { unread.contains($0) })
    }

    @Test func aKeyKeepsWhatItsClosedSocketsDropped() {
        let totals = ListenerDropTotals()
        let first = update(
            totals, [Self.socket(Self.web, inode: 1, drops: 5), Self.socket(Self.web, inode: 2, drops: 7)])
        #expect(first == [Self.web: .init(total: 12, increase: 0)], "a new key starts at its sockets' counts")
        let grown = update(
            totals, [Self.socket(Self.web, inode: 1, drops: 8), Self.socket(Self.web, inode: 2, drops: 7)])
        #expect(grown == [Self.web: .init(total: 15, increase: 3)])
        // One worker of the SO_REUSEPORT pair closes: its 7 stay in the total.
        let closed = update(totals, [Self.socket(Self.web, inode: 1, drops: 8)])
        #expect(closed == [Self.web: .init(total: 15, increase: 0)])
        // Its replacement brings the drops it had when first seen.
        let replaced = update(
            totals, [Self.socket(Self.web, inode: 1, drops: 10), Self.socket(Self.web, inode: 3, drops: 1)])
        #expect(replaced == [Self.web: .init(total: 18, increase: 3)])
    }

    @Test func aWrappedCountStillIncreases() {
        let totals = ListenerDropTotals()
        _ = update(totals, [Self.socket(Self.dns, inode: 9, drops: UInt32.max - 1)])
        let wrapped = update(totals, [Self.socket(Self.dns, inode: 9, drops: 1)])
        #expect(wrapped == [Self.dns: .init(total: UInt64(UInt32.max) - 1 + 3, increase: 3)])
    }

    @Test func aKeyWithNoSocketLeftIsForgotten() {
        let totals = ListenerDropTotals()
        _ = update(totals, [Self.socket(Self.web, inode: 1, drops: 50)])
        #expect(update(totals, []) == [:])
        // It comes back as a new key: a counter reset, which Prometheus handles.
        #expect(
            update(totals, [Self.socket(Self.web, inode: 4, drops: 2)]) == [
                Self.web: .init(total: 2, increase: 0)
            ])
    }

    @Test func keysThatWereNotReadKeepTheirSocketsAndTotals() {
        let totals = ListenerDropTotals()
        _ = update(
            totals, [Self.socket(Self.web, inode: 1, drops: 50), Self.socket(Self.dns, inode: 2, drops: 4)])
        // The TCP table failed: web is not returned, and not forgotten.
        let failed = update(totals, [Self.socket(Self.dns, inode: 2, drops: 6)], unread: [Self.web])
        #expect(failed == [Self.dns: .init(total: 6, increase: 2)])
        let back = update(
            totals, [Self.socket(Self.web, inode: 1, drops: 51), Self.socket(Self.dns, inode: 2, drops: 6)])
        #expect(back == [Self.web: .init(total: 51, increase: 1), Self.dns: .init(total: 6, increase: 0)])
    }

    @Test func onlyCountedKeysAndSocketsWithDropsAndInodesAreKept() {
        let totals = ListenerDropTotals()
        let sockets = [
            Self.socket(Self.web, inode: 1, drops: 5), Self.socket(Self.dns, inode: 2, drops: 4),
            Self.socket(Self.web, inode: 0, drops: 100), Self.socket(Self.web, inode: 3, drops: nil),
            Self.socket(Self.web, inode: 1, drops: 5),  // the same socket twice (in two reads) counts once
        ]
        let result = totals.update(sockets, counts: { $0 == Self.web }, unread: { _ in false })
        #expect(result == [Self.web: .init(total: 5, increase: 0)])
    }
}
