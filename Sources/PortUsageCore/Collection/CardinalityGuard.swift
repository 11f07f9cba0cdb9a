/// Bounds the number of distinct ports exported per protocol.
///
/// The lowest `maxPorts` ports of each protocol keep their own series (system ports first, the ones an
/// operator cares most about); the rest are summed into `port="other"`.
public struct CardinalityGuard: Sendable {
    public let maxPorts: Int
    /// The TCP and UDP ports that keep their own series, when the transport overflows (two fields, not a
    /// dictionary: ``label(for:transport:)`` is asked once per listener key on every scrape).
    private var keptTCP: PortSet?
    private var keptUDP: PortSet?
    /// Protocols that had more listener ports than `maxPorts`, with their distinct port counts.
    public private(set) var overflow: [TransportProtocol: Int] = [:]

    /// Decides which listener ports of `counts` keep their own series.
    public init(maxPorts: Int, counts: SocketCounts) {
        self.maxPorts = maxPorts
        var tcp = PortSet()
        var udp = PortSet()
        for key in counts.listeners.keys {
            if key.table.transport == .tcp { tcp.insert(key.port) } else { udp.insert(key.port) }
        }
        keptTCP = keep(tcp, of: .tcp)
        keptUDP = keep(udp, of: .udp)
    }

    /// The lowest `maxPorts` of `ports`, when there are more, noted in ``overflow``; else nil.
    private mutating func keep(_ ports: PortSet, of transport: TransportProtocol) -> PortSet? {
        guard ports.count > maxPorts else { return nil }
        overflow[transport] = ports.count
        return PortSet(ports.ports.prefix(maxPorts))
    }

    /// The port label under which `port` of `transport` is exported.
    public func label(for port: UInt16, transport: TransportProtocol) -> PortLabel {
        guard let kept = transport == .tcp ? keptTCP : keptUDP else { return .port(port) }
        return kept.contains(port) ? .port(port) : .other
    }
}
