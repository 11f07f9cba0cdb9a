/// `port_usage_connections`: non-listening TCP sockets on listener ports, by state.
struct ConnectionsCollector: Collector {
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
        struct Key: Hashable {
            var family: AddressFamily
            var port: PortLabel
            var state: SocketState
        }
        var counts: [Key: Int] = [:]
        for (connection, count) in context.snapshot.counts.connections {
            let port = context.limits.label(for: connection.port, transport: .tcp)
            counts[Key(family: connection.family, port: port, state: connection.state), default: 0] += count
        }
        let ordered = counts.sorted {
            ($0.key.family, $0.key.port, $0.key.state) < ($1.key.family, $1.key.port, $1.key.state)
        }
        return MetricFamily(
            name: "port_usage_connections",
            help:
                "Non-listening TCP sockets whose local port has a TCP listener (inbound connections), by state.",
            type: .gauge,
            samples: ordered.map { key, count in
                Sample(
                    labels: [
                        Label("protocol", "tcp"), Label("family", key.family.rawValue),
                        Label("port", key.port.description), Label("state", key.state.tcpLabel),
                    ], value: Double(count))
            })
    }
}
