/// A listener's identity for counting: its table (transport and family), local port and exposure.
///
/// Stored in 8 bytes (the namespace first, then the port, then the one-byte fields; declared in the order
/// of the table, port, exposure, the key took 12): the counts, history and drop counters keep one per
/// listener key, tens of thousands on a large host.
public struct ListenerKey: Sendable, Hashable {
    /// The network namespace, when namespaces are told apart (the `netns` collector).
    public var namespace: NamespaceID
    public var port: UInt16
    public var table: SocketTable
    public var exposure: Exposure

    public init(table: SocketTable, port: UInt16, exposure: Exposure, namespace: NamespaceID = .untagged) {
        self.table = table
        self.port = port
        self.exposure = exposure
        self.namespace = namespace
    }

    /// One word to hash: the key is counted once per listening socket.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(Self.packed(port: Int(port), table: table, exposure: exposure, namespace: namespace))
    }

    /// A listener's identity in one word, for the keys hashed per listener on every scrape: the namespace,
    /// the port (up to `1 << 16`, the `other` bucket), the table and the exposure.
    static func packed(port: Int, table: SocketTable, exposure: Exposure, namespace: NamespaceID) -> Int {
        Int(namespace.inode) << 21 | port << 4 | table.ordinal << 2 | exposure.ordinal
    }
}

/// An inbound connection's identity for counting: the family of its socket, its local port and state.
///
/// Stored in 4 bytes, the port first (in the order family, port, state it took 6): a host's connection
/// counts have a key per listener port and state.
public struct ConnectionKey: Sendable, Hashable {
    public var port: UInt16
    public var family: AddressFamily
    public var state: SocketState

    public init(family: AddressFamily, port: UInt16, state: SocketState) {
        self.family = family
        self.port = port
        self.state = state
    }
}

/// What one collection counted, whatever source read the sockets; no per-socket data is kept.
///
/// The listener and connection counts are 32-bit (no key has 2^32 sockets): a host has one of each per
/// listener key or port and state, tens of thousands at population c, held while the tables are read.
public struct SocketCounts: Sendable, Equatable {
    /// Listening sockets by table, port and exposure (each member of an SO_REUSEPORT group counts).
    public var listeners: [ListenerKey: UInt32] = [:]
    /// Non-listening TCP sockets whose local port has a TCP listener in either family, by family, port and
    /// state: the inbound connections.
    public var connections: [ConnectionKey: UInt32] = [:]
    /// Local ports held and connected, when the counter tallied them.
    public var localPorts = LocalPortUsage()
    /// Every listener, when the counter kept them.
    public var listenerSockets = ChunkedArray<ListenerSocket>()
    /// Every socket read, by table and state; complete only for tables read whole.
    public var states: [SocketTable: [SocketState: Int]] = [:]

    public init() {}

    /// Adds the listeners of `other`, counted in another namespace or table (their keys differ from these).
    public mutating func absorb(_ other: SocketCounts) {
        listeners.merge(other.listeners, uniquingKeysWith: +)
        listenerSockets += other.listenerSockets
    }
}
