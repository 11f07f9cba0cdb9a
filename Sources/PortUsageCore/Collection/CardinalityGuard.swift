/// Bounds the number of distinct ports exported per protocol.
///
/// The lowest `maxPorts` ports of each protocol keep their own series (system ports first, the ones an
/// operator cares most about); the rest are summed into `port="other"`.
public struct CardinalityGuard: Sendable {
    public let maxPorts: Int
    /// The ports that keep their own series, per transport, when a transport overflows.
    private var kept: [TransportProtocol: PortSet] = [:]
    /// Protocols that had more listener ports than `maxPorts`, with their distinct port counts.
    public private(set) var overflow: [TransportProtocol: Int] = [:]

    /// Decides which listener ports of `counts` keep their own series.
    public init(maxPorts: Int, counts: SocketCounts) {
        self.maxPorts = maxPorts
        var ports = [TransportProtocol.tcp: PortSet(), .udp: PortSet()]
        for key in counts.listeners.keys { ports[key.table.transport]?.insert(key.port) }
        for (transport, set) in ports {
            let distinct = set.count
            guard distinct > maxPorts else { continue }
            overflow[transport] = distinct
            kept[transport] = PortSet(set.ports.prefix(maxPorts))
        }
    }

    /// The port label under which `port` of `transport` is exported.
    public func label(for port: UInt16, transport: TransportProtocol) -> PortLabel {
        guard let kept = kept[transport] else { return .port(port) }
        return kept.contains(port) ? .port(port) : .other
    }
}
