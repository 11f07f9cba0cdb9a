/// A listening socket's identity for counting: its local port and how far it is exposed.
public struct ListenerKey: Sendable, Hashable {
    public var port: UInt16
    public var exposure: Exposure

    public init(port: UInt16, exposure: Exposure) {
        self.port = port
        self.exposure = exposure
    }
}

/// A non-listening TCP socket's identity for counting: its local port and state.
public struct ConnectionKey: Sendable, Hashable {
    public var port: UInt16
    public var state: SocketState

    public init(port: UInt16, state: SocketState) {
        self.port = port
        self.state = state
    }
}

/// What one read of one socket table found, counted; no per-socket data is kept.
public struct SocketTableCounts: Sendable, Equatable {
    /// Listening sockets by port and exposure (each member of an SO_REUSEPORT group counts).
    public var listeners: [ListenerKey: Int] = [:]
    /// Every socket of the table by state.
    public var states: [SocketState: Int] = [:]
    /// Non-listening TCP sockets whose local port has a TCP listener (in any TCP table), by port and state.
    /// Filled by ``resolveConnections(listenerPorts:)``.
    public var connections: [ConnectionKey: Int] = [:]
    /// Lines that could not be parsed and were skipped.
    public var skippedLines = 0

    /// Local port and state of each non-listening TCP socket, packed as `port << 8 | state`, kept only until
    /// the listener ports of every TCP table are known. Four bytes a socket, and an append is all it costs.
    var unresolvedConnections: [UInt32] = []

    public init() {}

    /// Counts the unresolved non-listening sockets whose port is in `listenerPorts` into ``connections``,
    /// then drops the rest.
    mutating func resolveConnections(listenerPorts: PortSet) {
        for packed in unresolvedConnections {
            let port = UInt16(truncatingIfNeeded: packed >> 8)
            guard listenerPorts.contains(port),
                let state = SocketState(rawValue: UInt8(truncatingIfNeeded: packed))
            else { continue }
            connections[ConnectionKey(port: port, state: state), default: 0] += 1
        }
        unresolvedConnections = []
    }
}
