/// What the enabled collectors need read from the socket tables, which decides the reads of a collection.
public struct SocketDemand: Sendable, Equatable {
    /// The tables to read.
    public var tables: [SocketTable]
    /// Inbound TCP connections per listener port (the `connections` collector).
    public var connections: Bool
    /// Every socket by state (the `sockets` collector): every table is read whole.
    public var everySocket: Bool
    /// Every listener one by one (owners, listings), not only counted.
    public var listenerSockets: Bool
    /// Local port usage (the ephemeral-port collector); needs ``everySocket``.
    public var localPorts: Bool
    /// How many listener keys to make room for at once (the last collection's), so that the count does not
    /// grow its table step by step, rehashing every key each time.
    public var expectedListenerKeys = 0
    /// How many listening sockets to make room for at once, when ``listenerSockets`` is set (the last
    /// collection's): growing the array step by step holds it twice at each step.
    public var expectedListenerSockets = 0

    public init(
        tables: [SocketTable] = SocketTable.allCases, connections: Bool, everySocket: Bool,
        listenerSockets: Bool = false, localPorts: Bool = false
    ) {
        self.tables = tables
        self.connections = connections
        self.everySocket = everySocket
        self.listenerSockets = listenerSockets
        self.localPorts = localPorts
    }
}
