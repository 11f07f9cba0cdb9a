/// Turns a classified ``SocketSnapshot`` into the socket metric families.
struct SocketMetrics {
    let snapshot: SocketSnapshot
    let classifier: PortClassifier
    let limits: CardinalityGuard
    /// Supplies local service names; nil without a policy file.
    let policy: PortPolicy?

    /// `port_usage_listeners` series, summed over sockets that share every label.
    func listenerSeries() -> [ListenerSeries] {
        struct Key: Hashable {
            var table: SocketTable
            var port: PortLabel
            var exposure: Exposure
        }
        var counts: [Key: Int] = [:]
        for (table, tableCounts) in successfulCounts() {
            for (listener, count) in tableCounts.listeners {
                let port = limits.label(for: listener.port, transport: table.transport)
                counts[Key(table: table, port: port, exposure: listener.exposure), default: 0] += count
            }
        }
        return counts.map { key, count in
            var classification: PortClassification?
            if case .port(let number) = key.port {
                classification = classifier.classify(port: number, transport: key.table.transport)
                if let name = policy?.serviceName(port: number, transport: key.table.transport) {
                    classification?.service = name
                }
            }
            return ListenerSeries(
                transport: key.table.transport, family: key.table.family, port: key.port,
                exposure: key.exposure,
                classification: classification, count: count)
        }
        .sorted {
            ($0.transport, $0.port, $0.family, $0.exposure) < ($1.transport, $1.port, $1.family, $1.exposure)
        }
    }

    /// `port_usage_listeners`: every listener series.
    func listenersFamily(_ series: [ListenerSeries]) -> MetricFamily {
        Self.listenerShapedFamily(
            "port_usage_listeners",
            help:
                "Listening sockets: TCP in LISTEN, UDP bound and unconnected; labelled by IANA range and assignment.",
            series)
    }

    /// `port_usage_unexpected_listeners`: the listener series that the policy does not expect.
    func unexpectedListenersFamily(_ series: [ListenerSeries]) -> MetricFamily {
        Self.listenerShapedFamily(
            "port_usage_unexpected_listeners",
            help:
                "Listening sockets in a watched IANA range that match no expected listener of --policy.file.",
            series)
    }

    private static func listenerShapedFamily(_ name: String, help: String, _ series: [ListenerSeries])
        -> MetricFamily
    {
        MetricFamily(
            name: name, help: help, type: .gauge,
            samples: series.map { Sample(labels: $0.labels, value: Double($0.count)) })
    }

    /// `port_usage_connections`: non-listening TCP sockets on listener ports, by state.
    func connectionsFamily() -> MetricFamily {
        struct Key: Hashable {
            var family: AddressFamily
            var port: PortLabel
            var state: SocketState
        }
        var counts: [Key: Int] = [:]
        for (table, tableCounts) in successfulCounts() where table.transport == .tcp {
            for (connection, count) in tableCounts.connections {
                let port = limits.label(for: connection.port, transport: .tcp)
                counts[Key(family: table.family, port: port, state: connection.state), default: 0] += count
            }
        }
        let ordered = counts.sorted {
            ($0.key.family, $0.key.port, $0.key.state) < ($1.key.family, $1.key.port, $1.key.state)
        }
        let samples = ordered.map { key, count in
            Sample(
                labels: [
                    Label("protocol", "tcp"), Label("family", key.family.rawValue),
                    Label("port", key.port.description), Label("state", key.state.tcpLabel),
                ], value: Double(count))
        }
        return MetricFamily(
            name: "port_usage_connections",
            help:
                "Non-listening TCP sockets whose local port has a TCP listener (inbound connections), by state.",
            type: .gauge, samples: samples)
    }

    /// `port_usage_sockets`: every socket of every table read, by state.
    func socketsFamily() -> MetricFamily {
        var samples: [Sample] = []
        for (table, tableCounts) in successfulCounts() {
            var byLabel: [String: Int] = [:]
            for (state, count) in tableCounts.states {
                byLabel[table.transport == .tcp ? state.tcpLabel : state.udpLabel, default: 0] += count
            }
            for (state, count) in byLabel.sorted(by: { $0.key < $1.key }) {
                samples.append(
                    Sample(
                        labels: [
                            Label("protocol", table.transport.rawValue),
                            Label("family", table.family.rawValue),
                            Label("state", state),
                        ], value: Double(count)))
            }
        }
        return MetricFamily(
            name: "port_usage_sockets", help: "Sockets in the kernel's socket tables, by state.",
            type: .gauge,
            samples: samples)
    }

    private func successfulCounts() -> [(SocketTable, SocketTableCounts)] {
        snapshot.readings.compactMap { reading in
            guard case .success(let counts) = reading.result else { return nil }
            return (reading.table, counts)
        }
    }
}
