import Testing

@testable import PortUsageCore

/// The history under churn: what a local user who opens and closes many ports can and cannot do to it.
@Suite("listener history under churn")
struct ListenerHistoryChurnTests {
    static func key(_ port: Int, _ table: SocketTable = .tcp) -> ListenerKey {
        ListenerKey(table: table, port: UInt16(port), exposure: .loopback)
    }

    static func keys(_ ports: Range<Int>) -> Set<ListenerKey> { Set(ports.map { key($0) }) }

    @Test func aKeyBeyondTheCapIsCountedOnceAndItsCloseIsCounted() {
        let history = ListenerHistory(capacity: 100)
        history.observe([], at: 0)
        for time in 1...10 { history.observe(Self.keys(1000..<1300), at: Double(time)) }
        var changes = HistoryProbe(history: history).samples("port_usage_listener_changes_total")
        #expect(changes["tcp,system,opened"] == 24 && changes["tcp,user,opened"] == 276)
        #expect(HistoryProbe(history: history).samples("port_usage_listener_history_untracked")[""] == 200)
        history.observe([], at: 11)
        changes = HistoryProbe(history: history).samples("port_usage_listener_changes_total")
        #expect(changes["tcp,system,closed"] == 24 && changes["tcp,user,closed"] == 276)
        #expect(HistoryProbe(history: history).samples("port_usage_listener_history_untracked")[""] == 0)
    }

    @Test func aNewListenerTakesThePlaceOfTheOldestClosedKey() {
        let history = ListenerHistory(capacity: 3)
        history.observe([Self.key(2001), Self.key(2002), Self.key(2003)], at: 0)
        history.observe([Self.key(2002), Self.key(2003)], at: 1)  // 2001 closes first
        history.observe([Self.key(2003)], at: 2)  // then 2002
        history.observe([Self.key(2003), Self.key(2004)], at: 3)
        var seen = HistoryProbe(history: history).samples("port_usage_listener_first_seen_timestamp_seconds")
        #expect(Set(seen.keys.map(Self.port)) == [2002, 2003, 2004])
        history.observe([Self.key(2003), Self.key(2004), Self.key(2005)], at: 4)
        seen = HistoryProbe(history: history).samples("port_usage_listener_first_seen_timestamp_seconds")
        #expect(Set(seen.keys.map(Self.port)) == [2003, 2004, 2005])
        // Every kept key is open now: an open key is never pushed out, the next one is untracked.
        history.observe([Self.key(2003), Self.key(2004), Self.key(2005), Self.key(2006)], at: 5)
        seen = HistoryProbe(history: history).samples("port_usage_listener_first_seen_timestamp_seconds")
        #expect(Set(seen.keys.map(Self.port)) == [2003, 2004, 2005])
        #expect(HistoryProbe(history: history).samples("port_usage_listener_history_untracked")[""] == 1)
    }

    @Test func anUntrackedKeyTakesTheFirstPlaceThatFreesUpWithItsFirstSeenTime() {
        let history = ListenerHistory(capacity: 2)
        history.observe([], at: 0)
        history.observe([Self.key(3001), Self.key(3002), Self.key(3003)], at: 1)
        let untracked = [3001, 3002, 3003].first { port in
            HistoryProbe(history: history).samples("port_usage_listener_first_seen_timestamp_seconds")
                .keys.allSatisfy { Self.port($0) != port }
        }!
        let other = [3001, 3002, 3003].first { $0 != untracked }!
        history.observe(Set([3001, 3002, 3003].filter { $0 != other }.map { Self.key($0) }), at: 2)
        let probe = HistoryProbe(history: history)
        let seen = probe.samples("port_usage_listener_first_seen_timestamp_seconds")
        #expect(seen["tcp,ipv4,\(untracked),loopback,user"] == 1)
        #expect(
            probe.samples("port_usage_listener_last_seen_timestamp_seconds")[
                "tcp,ipv4,\(untracked),loopback,user"] == 2)
        #expect(probe.samples("port_usage_listener_history_untracked")[""] == 0)
    }

    /// 20,000 ports opened and closed in batches, with one listener open throughout: opened minus closed
    /// is what is open, a listener that opens after the churn has its series, and the series stay within
    /// the port cap.
    @Test func churnOfTwentyThousandPortsLeavesTheCountsRightAndNewListenersVisible() {
        let history = ListenerHistory(capacity: 10_000)
        let held = Self.key(22)
        history.observe([held], at: 0)
        var time = 1.0
        for batch in stride(from: 30_000, to: 50_000, by: 2000) {
            history.observe(Self.keys(batch..<(batch + 2000)).union([held]), at: time)
            history.observe([held], at: time + 0.5)
            time += 1
        }
        let newcomer = Self.key(768)
        history.observe([held, newcomer], at: time)
        let families = history.families(maxPorts: 100)
        let changes = HistoryProbe.samples(families, "port_usage_listener_changes_total")
        let opened = changes.filter { $0.key.hasSuffix("opened") }.values.reduce(0, +)
        let closed = changes.filter { $0.key.hasSuffix("closed") }.values.reduce(0, +)
        #expect(opened - closed == 1)  // the newcomer; the held listener is the baseline
        #expect(opened == 20_001)
        let seen = HistoryProbe.samples(families, "port_usage_listener_first_seen_timestamp_seconds")
        #expect(seen["tcp,ipv4,768,loopback,system"] == time)
        #expect(seen["tcp,ipv4,22,loopback,system"] == 0)
        #expect(seen.count == 100)
        #expect(HistoryProbe.samples(families, "port_usage_listener_history_untracked")[""] == 0)
    }

    @Test func firstAndLastSeenSeriesObeyThePortCapOpenPortsFirst() {
        let history = ListenerHistory()
        history.observe([], at: 0)
        history.observe(Self.keys(100..<141), at: 1)
        history.observe(Self.keys(9000..<9010), at: 2)  // 100..<141 close
        let families = history.families(maxPorts: 10)
        let seen = HistoryProbe.samples(families, "port_usage_listener_last_seen_timestamp_seconds")
        #expect(Set(seen.keys.map(Self.port)) == Set(9000..<9010))
        let wider = HistoryProbe.samples(
            history.families(maxPorts: 15), "port_usage_listener_last_seen_timestamp_seconds")
        #expect(Set(wider.keys.map(Self.port)) == Set(9000..<9010).union(100..<105))
    }

    /// The port of a `protocol,family,port,exposure,range` sample key.
    static func port(_ key: String) -> Int { Int(key.split(separator: ",")[2])! }
}
