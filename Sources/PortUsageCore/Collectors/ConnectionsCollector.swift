/// `port_usage_connections`: non-listening TCP sockets on listener ports, by state.
struct ConnectionsCollector: Collector {
    /// A connection series' key: its family, port label and state.
    struct Key: Hashable, Sendable, Comparable {
        var family: AddressFamily
        var port: PortLabel
        var state: SocketState

        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.family, lhs.port, lhs.state) < (rhs.family, rhs.port, rhs.state)
        }

        var labels: [Label] {
            [
                Label("protocol", "tcp"), Label("family", family.rawValue), Label("port", port.description),
                Label("state", state.tcpLabel),
            ]
        }
    }

    static let registration = CollectorRegistration(
        .connections, enabledByDefault: true, summary: "inbound TCP connections per listening port, by state"
    ) { ConnectionsCollector(tables: $0.options.tables) }

    let tables: [SocketTable]
    private let labelSets = LabelSetCache<Key>()

    var demand: SocketDemand { SocketDemand(tables: tables, connections: true, everySocket: false) }

    func uses(_ outcome: TableOutcome) -> Bool { outcome.table.transport == .tcp }

    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws {
        let tcp = context.snapshot.outcomes.filter { $0.table.transport == .tcp }
        guard tcp.contains(where: { (try? $0.result.get()) != nil }) else {
            // Without a TCP table there is no listener port to count connections on.
            throw TableReadFailure(
                errors: tcp.compactMap { outcome in
                    guard case .failure(let error) = outcome.result else { return nil }
                    return error
                })
        }
        families.append(family(context))
        try TableReadFailure.check(tcp)
    }

    private func family(_ context: CollectionContext) -> MetricFamily {
        var counts: [Key: Int] = [:]
        for (connection, count) in context.snapshot.counts.connections {
            let port = context.limits.label(for: connection.port, transport: .tcp)
            counts[Key(family: connection.family, port: port, state: connection.state), default: 0] += Int(
                count)
        }
        let ordered = counts.sorted { $0.key < $1.key }
        let sets = labelSets.labelSets(for: ordered, key: \.key, labels: \.key.labels)
        return MetricFamily(
            name: "port_usage_connections",
            help:
                "Non-listening TCP sockets whose local port has a TCP listener (inbound connections), by state.",
            type: .gauge,
            samples: zip(ordered, sets).map { Sample(labelSet: $1, value: Double($0.value)) })
    }
}
