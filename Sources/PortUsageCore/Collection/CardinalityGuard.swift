/// Bounds the number of distinct ports exported per protocol.
///
/// The lowest `maxPorts` ports of each protocol keep their own series (system ports first, the ones an
/// operator cares most about); the rest are summed into `port="other"`.
public struct CardinalityGuard: Sendable {
    public let maxPorts: Int
    private var kept: [TransportProtocol: Set<UInt16>] = [:]
    /// Protocols that had more listener ports than `maxPorts`, with their distinct port counts.
    public private(set) var overflow: [TransportProtocol: Int] = [:]

    /// Decides which listener ports of `counts` keep their own series.
    public init(maxPorts: Int, counts: SocketCounts) {
        self.maxPorts = maxPorts
        for transport in TransportProtocol.allCases {
            let set = counts.listenerPorts(of: transport)
            if set.count > maxPorts {
                overflow[transport] = set.count
                kept[transport] = Set(set.sorted().prefix(maxPorts))
            } else {
                kept[transport] = set
            }
        }
    }

    /// The port label under which `port` of `transport` is exported.
    public func label(for port: UInt16, transport: TransportProtocol) -> PortLabel {
        overflow[transport] == nil || kept[transport]?.contains(port) == true ? .port(port) : .other
    }
}
