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

extension SocketDemand {
    /// No table at all: what a collector that reads no socket asks for.
    public static let nothing = SocketDemand(tables: [], connections: false, everySocket: false)

    /// The listeners of `tables` only (counted, not one by one).
    public static func listeners(of tables: [SocketTable]) -> SocketDemand {
        SocketDemand(tables: tables, connections: false, everySocket: false)
    }

    /// What reads for both `self` and `other`.
    public func union(_ other: SocketDemand) -> SocketDemand {
        var tables = self.tables
        for table in other.tables where !tables.contains(table) { tables.append(table) }
        return SocketDemand(
            tables: tables.sorted(), connections: connections || other.connections,
            everySocket: everySocket || other.everySocket,
            listenerSockets: listenerSockets || other.listenerSockets,
            localPorts: localPorts || other.localPorts)
    }
}
