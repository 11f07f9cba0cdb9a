/// The port label of a series: a port number, or `other` for ports past the cardinality limit.
public enum PortLabel: Sendable, Hashable, Comparable, CustomStringConvertible {
    case port(UInt16)
    case other

    public var description: String {
        switch self {
        case .port(let number): String(number)
        case .other: "other"
        }
    }
}

/// One exported `port_usage_listeners` series: a classified group of listening sockets.
public struct ListenerSeries: Sendable, Equatable {
    public var transport: TransportProtocol
    public var family: AddressFamily
    public var port: PortLabel
    public var exposure: Exposure
    /// Range, assignment and service of the port; `nil` for the `other` bucket.
    public var classification: PortClassification?
    /// Number of listening sockets.
    public var count: Int

    /// What the labels are made of: two series with the same key have the same labels.
    public struct LabelKey: Hashable, Sendable {
        var transport: TransportProtocol
        var family: AddressFamily
        var port: PortLabel
        var exposure: Exposure
        var range: PortRange?
        var assignment: AssignmentStatus?
        var service: String
    }

    /// This series' ``LabelKey``.
    public var labelKey: LabelKey {
        LabelKey(
            transport: transport, family: family, port: port, exposure: exposure,
            range: classification?.range,
            assignment: classification?.assignment, service: classification?.service ?? "")
    }

    /// The labels in exposition order.
    public var labels: [Label] {
        [
            Label("protocol", transport.rawValue), Label("family", family.rawValue),
            Label("port", port.description),
            Label("exposure", exposure.rawValue), Label("range", classification?.range.rawValue ?? "other"),
            Label("assignment", classification?.assignment.rawValue ?? "other"),
            Label("service", classification?.service ?? ""),
        ]
    }
}

extension ListenerSeries {
    /// The listener series of `counts`: each listener key classified by `classifier` (with the local service
    /// names of `policy`), ports past `limits` summed into `other`, sorted by protocol, port, family and
    /// exposure.
    public static func series(
        of counts: SocketCounts, classifier: PortClassifier, limits: CardinalityGuard, policy: PortPolicy?
    ) -> [ListenerSeries] {
        struct Key: Hashable {
            var table: SocketTable
            var port: PortLabel
            var exposure: Exposure
        }
        var grouped: [Key: Int] = [:]
        for (listener, count) in counts.listeners {
            let port = limits.label(for: listener.port, transport: listener.table.transport)
            grouped[Key(table: listener.table, port: port, exposure: listener.exposure), default: 0] += count
        }
        return grouped.map { key, count in
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
}
