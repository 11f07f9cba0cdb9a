import Synchronization

/// When each listener key was first and last seen, kept for a retention window after it is gone, and how
/// often listeners opened and closed: fed by every collection and by a background poll, so a listener
/// that lives between two scrapes is still recorded.
///
/// The first observation is the baseline: its listeners were there before tracking began, so they are not
/// counted as opened (``trackingSince`` tells them apart: their first-seen time equals it). The number of
/// keys kept is capped; the open keys past the cap are counted, not kept.
public final class ListenerHistory: Sendable {
    /// How long a closed listener's times are kept.
    public let retention: Duration
    /// The most keys kept.
    public let capacity: Int

    struct Entry {
        var firstSeen: Double
        var lastSeen: Double
        var isOpen: Bool
        /// The `netns` label of the key's namespace when last seen, kept after the namespace is gone.
        var netns: String?
    }

    struct ChangeKey: Hashable {
        var transport: TransportProtocol
        var range: PortRange
        var opened: Bool
    }

    private struct State {
        var entries: [ListenerKey: Entry] = [:]
        var changes: [ChangeKey: Int] = [:]
        var untracked = 0
        var trackingSince: Double?
    }

    private let state = Mutex(State())
    /// The label text of each key, shared by the first-seen and last-seen series and across scrapes.
    private let labelSets = LabelSetCache<ListenerKey>()

    public init(retention: Duration = .seconds(3600), capacity: Int = 10_000) {
        self.retention = retention
        self.capacity = capacity
    }

    /// The wall-clock time of the first observation, nil before it.
    public var trackingSince: Double? { state.withLock { $0.trackingSince } }

    /// Records that exactly `listeners` were open at `time`: new or reopened keys are opened, open keys
    /// missing from `listeners` are closed, and closed keys older than the retention are forgotten. Give
    /// only a complete set: a table that could not be read would close every listener in it. The keys of
    /// the namespaces in `unread` (namespaces whose read failed) are left as they were; a namespace's
    /// `netns` label is its name in `namespaces`.
    public func observe(
        _ listeners: Set<ListenerKey>, at time: Double, namespaces: [NamespaceID: String] = [:],
        unread: Set<NamespaceID> = []
    ) {
        state.withLock { state in
            let isBaseline = state.trackingSince == nil
            if isBaseline { state.trackingSince = time }
            state.untracked = 0
            for listener in listeners {
                if var entry = state.entries[listener] {
                    if !entry.isOpen { count(listener, opened: true, in: &state) }
                    entry.isOpen = true
                    entry.lastSeen = time
                    entry.netns = NamespaceLabel.value(of: listener.namespace, in: namespaces)
                    state.entries[listener] = entry
                } else {
                    if !isBaseline { count(listener, opened: true, in: &state) }
                    guard state.entries.count < capacity else {
                        state.untracked += 1
                        continue
                    }
                    state.entries[listener] = Entry(
                        firstSeen: time, lastSeen: time, isOpen: true,
                        netns: NamespaceLabel.value(of: listener.namespace, in: namespaces))
                }
            }
            let horizon = time - retention.seconds
            for (listener, entry) in state.entries
            where !listeners.contains(listener) && !unread.contains(listener.namespace) {
                if entry.isOpen {
                    state.entries[listener]?.isOpen = false
                    count(listener, opened: false, in: &state)
                } else if entry.lastSeen < horizon {
                    state.entries[listener] = nil
                }
            }
        }
    }

    private func count(_ listener: ListenerKey, opened: Bool, in state: inout State) {
        let key = ChangeKey(
            transport: listener.table.transport, range: PortRange(port: listener.port), opened: opened)
        state.changes[key, default: 0] += 1
    }

    /// The history's metric families. First- and last-seen series are given for the keys whose port
    /// `hasOwnSeries` (the listeners' cardinality limit): a port summed into `other` there has no series
    /// here either. The change counters count every key.
    func families(hasOwnSeries: (ListenerKey) -> Bool = { _ in true }) -> [MetricFamily] {
        let state = state.withLock { $0 }
        // An array of the entries kept, sorted in place: filtering the dictionary would copy it.
        var entries = state.entries.compactMap { hasOwnSeries($0.key) ? $0 : nil }
        entries.sort { $0.key < $1.key }
        let sets = labelSets.labelSets(
            for: entries, key: \.key, labels: { $0.key.historyLabels(netns: $0.value.netns) })
        var changes: [Sample] = []
        for transport in TransportProtocol.allCases {
            for range in PortRange.allCases {
                for opened in [true, false] {
                    let key = ChangeKey(transport: transport, range: range, opened: opened)
                    changes.append(
                        Sample(
                            labels: [
                                Label("protocol", transport.rawValue), Label("range", range.rawValue),
                                Label("change", opened ? "opened" : "closed"),
                            ], value: Double(state.changes[key] ?? 0)))
                }
            }
        }
        return [
            MetricFamily(
                name: "port_usage_listener_first_seen_timestamp_seconds",
                help:
                    "Unix time a listener key was first seen; equal to port_usage_listener_tracking_since_timestamp_seconds when it was there before tracking began.",
                type: .gauge,
                samples: zip(entries, sets).map { Sample(labelSet: $1, value: $0.value.firstSeen) }),
            MetricFamily(
                name: "port_usage_listener_last_seen_timestamp_seconds",
                help:
                    "Unix time a listener key was last seen; kept for the retention window after it closed.",
                type: .gauge,
                samples: zip(entries, sets).map { Sample(labelSet: $1, value: $0.value.lastSeen) }),
            MetricFamily(
                name: "port_usage_listener_changes_total",
                help: "Listener keys that opened or closed since tracking began, by protocol and IANA range.",
                type: .counter, samples: changes),
            MetricFamily(
                name: "port_usage_listener_tracking_since_timestamp_seconds",
                help: "Unix time of the first observation of the listeners (the exporter's start).",
                type: .gauge, samples: state.trackingSince.map { [Sample(value: $0)] } ?? []),
            MetricFamily(
                name: "port_usage_listener_history_untracked",
                help:
                    "Open listener keys of the last observation that were not tracked because the history was full.",
                type: .gauge, samples: [Sample(value: Double(state.untracked))]),
        ]
    }
}
