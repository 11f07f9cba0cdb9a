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
