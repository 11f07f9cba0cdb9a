/// Which collectors run and how their output is bounded.
public struct CollectorOptions: Sendable, Equatable {
    /// The socket tables to read (the `tcp`, `tcp6`, `udp` and `udp6` collectors).
    public var tables: [SocketTable]
    /// Whether the `connections` collector counts inbound TCP connections per listener port.
    public var connections: Bool
    /// The most distinct ports exported per protocol before the rest go to `port="other"`.
    public var maxPortsPerProtocol: Int

    public init(
        tables: [SocketTable] = SocketTable.allCases, connections: Bool = true,
        maxPortsPerProtocol: Int = 2000
    ) {
        self.tables = tables
        self.connections = connections
        self.maxPortsPerProtocol = maxPortsPerProtocol
    }
}
