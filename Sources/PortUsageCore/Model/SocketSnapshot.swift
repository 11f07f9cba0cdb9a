/// Why a socket table could not be read.
public struct SocketSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A human-readable reason that names what failed (the file and the system error).
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// The outcome of reading one socket table.
public struct TableReading: Sendable {
    public var table: SocketTable
    public var result: Result<SocketTableCounts, SocketSourceError>
    /// Wall time spent reading and parsing, in seconds.
    public var durationSeconds: Double

    public init(
        table: SocketTable, result: Result<SocketTableCounts, SocketSourceError>, durationSeconds: Double
    ) {
        self.table = table
        self.result = result
        self.durationSeconds = durationSeconds
    }
}

/// An immutable view of the host's sockets taken by one ``SocketSource`` at one moment.
public struct SocketSnapshot: Sendable {
    /// One reading per enabled table, in the order the source read them.
    public let readings: [TableReading]

    /// Builds a snapshot from raw readings, resolving each TCP table's connections against the listener
    /// ports of every TCP table that was read (a dual-stack listener's IPv4 peers sit in `tcp6`).
    public init(readings: [TableReading]) {
        var listenerPorts = PortSet()
        for reading in readings where reading.table.transport == .tcp {
            guard case .success(let counts) = reading.result else { continue }
            for key in counts.listeners.keys { listenerPorts.insert(key.port) }
        }
        self.readings = readings.map { reading in
            var resolved = reading
            if case .success(var counts) = reading.result {
                counts.resolveConnections(listenerPorts: listenerPorts)
                resolved.result = .success(counts)
            }
            return resolved
        }
    }

    /// The counts of a table that was read successfully, if any.
    public func counts(of table: SocketTable) -> SocketTableCounts? {
        guard let reading = readings.first(where: { $0.table == table }) else { return nil }
        return try? reading.result.get()
    }
}
