/// Which collectors run, which tables they read, and how their output is bounded.
public struct CollectorOptions: Sendable, Equatable {
    /// The collectors that run.
    public var enabled: Set<CollectorName>
    /// The socket tables read (all four unless narrowed by the deprecated per-table flags).
    public var tables: [SocketTable]
    /// The most distinct ports exported per protocol before the rest go to `port="other"`.
    public var maxPortsPerProtocol: Int
    /// How long the `changes` collector keeps a closed listener.
    public var changeRetention: Duration
    /// The most listener keys the `changes` collector keeps.
    public var changeCapacity: Int
    /// The most network namespaces the `netns` collector reads in one collection, the host's not counted.
    public var maxNamespaces: Int

    public init(
        enabled: Set<CollectorName> = CollectorName.defaults, tables: [SocketTable] = SocketTable.allCases,
        maxPortsPerProtocol: Int = 2000, changeRetention: Duration = .seconds(3600),
        changeCapacity: Int = 10_000, maxNamespaces: Int = 256
    ) {
        self.maxNamespaces = maxNamespaces
        self.enabled = enabled
        self.tables = tables
        self.maxPortsPerProtocol = maxPortsPerProtocol
        self.changeRetention = changeRetention
        self.changeCapacity = changeCapacity
    }
}
