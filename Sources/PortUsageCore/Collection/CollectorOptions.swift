/// Which collectors run, which tables they read, and how their output is bounded.
public struct CollectorOptions: Sendable, Equatable {
    /// The collectors that run.
    public var enabled: Set<CollectorName>
    /// The socket tables read (all four unless narrowed by the deprecated per-table flags).
    public var tables: [SocketTable]
    /// The most distinct ports exported per protocol before the rest go to `port="other"`.
    public var maxPortsPerProtocol: Int

    public init(
        enabled: Set<CollectorName> = CollectorName.defaults, tables: [SocketTable] = SocketTable.allCases,
        maxPortsPerProtocol: Int = 2000
    ) {
        self.enabled = enabled
        self.tables = tables
        self.maxPortsPerProtocol = maxPortsPerProtocol
    }

    /// What the enabled collectors need read; no table when no socket collector runs.
    public var demand: SocketDemand {
        let readsSockets = !enabled.isDisjoint(with: [.listeners, .connections, .sockets])
        return SocketDemand(
            tables: readsSockets ? tables : [], connections: enabled.contains(.connections),
            everySocket: enabled.contains(.sockets))
    }
}
