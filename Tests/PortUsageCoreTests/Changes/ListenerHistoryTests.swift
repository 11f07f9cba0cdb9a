import Testing

@testable import PortUsageCore

@Suite("listener history")
struct ListenerHistoryTests {
    static let ssh = ListenerKey(table: .tcp, port: 22, exposure: .any)
    static let odd = ListenerKey(table: .tcp, port: 768, exposure: .loopback)
    static let web = ListenerKey(table: .tcp6, port: 8080, exposure: .any)

    @Test func theBaselineIsNotCountedAndLaterChangesAre() {
        let history = ListenerHistory(retention: .seconds(3600))
        history.observe([Self.ssh, Self.web], at: 1000)
        #expect(history.trackingSince == 1000)
        history.observe([Self.ssh, Self.web, Self.odd], at: 1001)  // 768 opens
        history.observe([Self.ssh, Self.web, Self.odd], at: 1002)
        history.observe([Self.ssh, Self.web], at: 1003)  // and closes
        let probe = HistoryProbe(history: history)
        #expect(probe.samples("port_usage_listener_changes_total")["tcp,system,opened"] == 1)
        #expect(probe.samples("port_usage_listener_changes_total")["tcp,system,closed"] == 1)
        #expect(probe.samples("port_usage_listener_changes_total")["tcp,user,opened"] == 0)
        let first = probe.samples("port_usage_listener_first_seen_timestamp_seconds")
        let last = probe.samples("port_usage_listener_last_seen_timestamp_seconds")
        #expect(first["tcp,ipv4,768,loopback,system"] == 1001 && last["tcp,ipv4,768,loopback,system"] == 1002)
        #expect(first["tcp,ipv4,22,any,system"] == 1000 && last["tcp,ipv4,22,any,system"] == 1003)
        #expect(probe.samples("port_usage_listener_tracking_since_timestamp_seconds")[""] == 1000)
    }

    @Test func aReopenedListenerKeepsItsFirstSeenAndCountsAgain() {
        let history = ListenerHistory()
        history.observe([], at: 0)
        history.observe([Self.odd], at: 10)
        history.observe([], at: 20)
        history.observe([Self.odd], at: 30)
        let probe = HistoryProbe(history: history)
        #expect(probe.samples("port_usage_listener_changes_total")["tcp,system,opened"] == 2)
        #expect(
            probe.samples("port_usage_listener_first_seen_timestamp_seconds")["tcp,ipv4,768,loopback,system"]
                == 10)
        #expect(
            probe.samples("port_usage_listener_last_seen_timestamp_seconds")["tcp,ipv4,768,loopback,system"]
                == 30)
    }

    @Test func closedListenersAreForgottenAfterTheRetention() {
        let history = ListenerHistory(retention: .seconds(60))
        history.observe([Self.odd], at: 0)
        history.observe([], at: 30)
        history.observe([], at: 59)
        #expect(
            HistoryProbe(history: history).samples("port_usage_listener_last_seen_timestamp_seconds").count
                == 1)
        history.observe([], at: 61)
        #expect(
            HistoryProbe(history: history).samples("port_usage_listener_last_seen_timestamp_seconds").isEmpty)
    }

    @Test func theCapCountsWhatItCannotKeep() {
        let history = ListenerHistory(capacity: 2)
        history.observe([Self.ssh, Self.odd], at: 0)
        history.observe([Self.ssh, Self.odd, Self.web], at: 1)
        let probe = HistoryProbe(history: history)
        #expect(probe.samples("port_usage_listener_first_seen_timestamp_seconds").count == 2)
        #expect(probe.samples("port_usage_listener_history_untracked")[""] == 1)
        #expect(probe.samples("port_usage_listener_changes_total")["tcp,user,opened"] == 1)
        history.observe([Self.ssh, Self.odd], at: 2)
        #expect(HistoryProbe(history: history).samples("port_usage_listener_history_untracked")[""] == 0)
    }
}

/// Reads a history's families.
struct HistoryProbe {
    let history: ListenerHistory

    /// Samples by their label values joined with commas.
    func samples(_ name: String) -> [String: Double] {
        Self.samples(history.families(), name)
    }

    /// The samples of family `name` in `families`, by their label values joined with commas.
    static func samples(_ families: [MetricFamily], _ name: String) -> [String: Double] {
        var result: [String: Double] = [:]
        for family in families where family.name == name {
            for sample in family.samples {
                result[sample.labels.map(\.value).joined(separator: ",")] = sample.value
            }
        }
        return result
    }
}
