extension ListenerHistory {
    /// The history's metric families.
    ///
    /// First- and last-seen series are given for at most `maxPorts` distinct ports per protocol, the
    /// listeners' cardinality limit: the ports of open keys whose port `hasOwnSeries` (not summed into
    /// `other` by the listener series) first, then the lowest ports of closed keys. The change counters
    /// count every key.
    func families(maxPorts: Int = .max, hasOwnSeries: (ListenerKey) -> Bool = { _ in true }) -> [MetricFamily]
    {
        // A copy of the state (its storage is shared until the next observation writes), so that the
        // background poll never waits for the series to be built.
        let state = state.withLock { $0 }
        let entries = Self.keysWithSeries(in: state.entries, maxPorts: maxPorts, hasOwnSeries: hasOwnSeries)
        let sets = labelSets.labelSets(
            for: entries, key: \.key, labels: { $0.key.historyLabels(netns: state.netns[$0.key]) })
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
                type: .counter, samples: Self.changeSamples(state.changes)),
            MetricFamily(
                name: "port_usage_listener_tracking_since_timestamp_seconds",
                help: "Unix time of the first observation of the listeners (the exporter's start).",
                type: .gauge, samples: state.trackingSince.map { [Sample(value: $0)] } ?? []),
            MetricFamily(
                name: "port_usage_listener_history_untracked",
                help:
                    "Open listener keys of the last observation that were not tracked because the history was full.",
                type: .gauge, samples: [Sample(value: Double(state.untracked.count))]),
        ]
    }

    /// The entries that get first- and last-seen series, sorted by key.
    private static func keysWithSeries(
        in entries: [ListenerKey: Entry], maxPorts: Int, hasOwnSeries: (ListenerKey) -> Bool
    ) -> [(key: ListenerKey, value: Entry)] {
        var open = [TransportProtocol: PortSet]()
        var closed = [TransportProtocol: PortSet]()
        for (key, entry) in entries where hasOwnSeries(key) {
            if entry.isOpen {
                open[key.table.transport, default: PortSet()].insert(key.port)
            } else {
                closed[key.table.transport, default: PortSet()].insert(key.port)
            }
        }
        var kept = [TransportProtocol: PortSet]()
        for transport in TransportProtocol.allCases {
            let openPorts = open[transport]?.ports ?? []
            let openSet = open[transport] ?? PortSet()
            let closedOnly = (closed[transport]?.ports ?? []).lazy.filter { !openSet.contains($0) }
            kept[transport] = PortSet((openPorts + closedOnly).prefix(maxPorts))
        }
        // An array of the entries kept, sorted in place: filtering the dictionary would copy it.
        var result = entries.compactMap { entry in
            hasOwnSeries(entry.key) && kept[entry.key.table.transport]?.contains(entry.key.port) == true
                ? entry : nil
        }
        result.sort { $0.key < $1.key }
        return result
    }

    /// `port_usage_listener_changes_total`: every protocol, range and change, zeros included.
    private static func changeSamples(_ changes: [ChangeKey: Int]) -> [Sample] {
        var samples: [Sample] = []
        for transport in TransportProtocol.allCases {
            for range in PortRange.allCases {
                for opened in [true, false] {
                    let key = ChangeKey(transport: transport, range: range, opened: opened)
                    samples.append(
                        Sample(
                            labels: [
                                Label("protocol", transport.rawValue), Label("range", range.rawValue),
                                Label("change", opened ? "opened" : "closed"),
                            ], value: Double(changes[key] ?? 0)))
                }
            }
        }
        return samples
    }
}
