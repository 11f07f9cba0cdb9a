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

    /// The port number, or `1 << 16` for `other`: for packing into a hashed key.
    var ordinal: Int {
        switch self {
        case .port(let number): Int(number)
        case .other: 1 << 16
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
    /// The network namespace, when namespaces are told apart.
    public var namespace: NamespaceID = .untagged
    /// The `netns` label, when namespaces are told apart.
    public var netns: String?

    public init(
        transport: TransportProtocol, family: AddressFamily, port: PortLabel, exposure: Exposure,
        classification: PortClassification?, count: Int, namespace: NamespaceID = .untagged,
        netns: String? = nil
    ) {
        self.transport = transport
        self.family = family
        self.port = port
        self.exposure = exposure
        self.classification = classification
        self.count = count
        self.namespace = namespace
        self.netns = netns
    }

    /// What the labels are made of: two series with the same key have the same labels.
    public struct LabelKey: Hashable, Sendable {
        var transport: TransportProtocol
        var family: AddressFamily
        var port: PortLabel
        var exposure: Exposure
        var range: PortRange?
        var assignment: AssignmentStatus?
        var service: String
        var namespace: NamespaceID
        var netns: String?

        /// Hashes the socket's identity only: range and assignment follow from the port, and two keys that
        /// differ only in service (a policy's local name) are told apart by `==`. One word to hash, not a
        /// string, on every scrape.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(
                ListenerKey.packed(
                    port: port.ordinal, table: SocketTable(transport: transport, family: family),
                    exposure: exposure, namespace: namespace))
        }
    }

    /// This series' ``LabelKey``.
    public var labelKey: LabelKey {
        LabelKey(
            transport: transport, family: family, port: port, exposure: exposure,
            range: classification?.range,
            assignment: classification?.assignment, service: classification?.service ?? "",
            namespace: namespace, netns: netns)
    }

    /// The labels in exposition order: `netns` first, when namespaces are told apart.
    public var labels: [Label] {
        NamespaceLabel.labels(netns) + [
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
    /// names of `policy`), ports past `limits` summed into `other`, sorted by protocol, port, family,
    /// exposure and namespace; a namespace's `netns` label is its name in `namespaces`.
    public static func series(
        of counts: SocketCounts, classifier: PortClassifier, limits: CardinalityGuard, policy: PortPolicy?,
        namespaces: [NamespaceID: String] = [:]
    ) -> [ListenerSeries] {
        struct Key: Hashable {
            var table: SocketTable
            var port: PortLabel
            var exposure: Exposure
            var namespace: NamespaceID

            /// Protocol, port, family, exposure and namespace, in that order of significance, in one word.
            var sortKey: UInt64 {
                let transport = UInt64(table.ordinal >> 1)
                let family = UInt64(table.ordinal & 1)
                return transport << 52 | UInt64(port.ordinal) << 35 | family << 34
                    | UInt64(exposure.ordinal) << 32 | UInt64(namespace.inode)
            }

            /// One word, as ``ListenerKey`` hashes: a key is grouped once per listener key.
            func hash(into hasher: inout Hasher) {
                hasher.combine(
                    ListenerKey.packed(
                        port: port.ordinal, table: table, exposure: exposure, namespace: namespace))
            }
        }
        var grouped: [Key: Int] = [:]
        grouped.reserveCapacity(counts.listeners.count)
        for (listener, count) in counts.listeners {
            let port = limits.label(for: listener.port, transport: listener.table.transport)
            let key = Key(
                table: listener.table, port: port, exposure: listener.exposure, namespace: listener.namespace)
            grouped[key, default: 0] += count
        }
        // The small keys are sorted, not the series (moving a series moves its strings), by one word each.
        let ordered = grouped.sorted { $0.key.sortKey < $1.key.sortKey }
        return ordered.map { key, count in
            var classification: PortClassification?
            if case .port(let number) = key.port {
                classification = classifier.classify(port: number, transport: key.table.transport)
                if let name = policy?.serviceName(port: number, transport: key.table.transport) {
                    classification?.service = name
                }
            }
            return ListenerSeries(
                transport: key.table.transport, family: key.table.family, port: key.port,
                exposure: key.exposure, classification: classification, count: count,
                namespace: key.namespace,
                netns: NamespaceLabel.value(of: key.namespace, in: namespaces))
        }
    }
}
