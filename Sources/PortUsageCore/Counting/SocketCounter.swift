/// The one place where the listener and connection rules are applied: it takes the records of every source
/// and counts them into ``SocketCounts``.
///
/// A listener is a TCP socket in LISTEN or a UDP socket bound to a port and not connected
/// (``SocketRecord/isListener``). An inbound connection is a TCP socket in any other state whose local port
/// has a TCP listener in either family (a dual-stack listener's IPv4 peers sit in `tcp6`). Which ports have
/// listeners is known only once every table is read, so connections wait, packed in four bytes, until
/// ``finish()``.
public struct SocketCounter: SocketRecordConsumer, Sendable {
    /// Whether non-listening TCP sockets are kept for the connection counts.
    public let countsConnections: Bool
    /// Whether every listener is kept as a ``ListenerSocket`` (for owners and listings).
    public let keepsListenerSockets: Bool
    private var counts = SocketCounts()
    private var listenerPorts = PortSet()
    /// Socket counts by table and state: `table index * 16 + state`.
    private var stateCounts = [Int](repeating: 0, count: SocketTable.allCases.count * 16)
    /// `family << 24 | port << 8 | state` of each non-listening TCP socket, until ``finish()``.
    private var pendingConnections: [UInt32] = []

    /// Whether local port usage is tallied (for the ephemeral-port collector).
    public let talliesLocalPorts: Bool

    /// The namespace every listener key is given.
    public let namespace: NamespaceID

    public init(
        countsConnections: Bool, keepsListenerSockets: Bool = false, talliesLocalPorts: Bool = false,
        namespace: NamespaceID = .untagged, expectedListenerKeys: Int = 0
    ) {
        self.namespace = namespace
        counts.listeners.reserveCapacity(expectedListenerKeys)
        self.countsConnections = countsConnections
        self.keepsListenerSockets = keepsListenerSockets
        self.talliesLocalPorts = talliesLocalPorts
    }

    /// Whether every listener has been counted (``sealListeners()``), so a connection is counted at once.
    private var listenersSealed = false

    /// The TCP listener ports counted so far, in either family.
    public var tcpListenerPorts: PortSet { listenerPorts }

    /// Says that every listener has been counted: connections given from now on are counted as they come
    /// instead of waiting for ``finish()`` (a sock_diag connections dump follows the listener dumps). A
    /// listener given after this still counts, but no connection given before it is judged again.
    public mutating func sealListeners() {
        listenersSealed = true
        // About one connection key per TCP listener port: room made once, not grown table by table.
        counts.connections.reserveCapacity(listenerPorts.count)
    }

    public mutating func consume(_ record: SocketRecord) {
        let table = record.table
        stateCounts[table.ordinal << 4 | Int(record.state.rawValue)] += 1
        if talliesLocalPorts { counts.localPorts.add(record) }
        if record.isListener {
            let key = ListenerKey(
                table: table, port: record.localPort, exposure: record.localAddress.exposure,
                namespace: namespace)
            counts.listeners[key, default: 0] += 1
            if keepsListenerSockets {
                counts.listenerSockets.append(ListenerSocket(record: record, key: key))
            }
            if record.transport == .tcp { listenerPorts.insert(record.localPort) }
        } else if record.transport == .tcp && countsConnections && listenersSealed {
            if listenerPorts.contains(record.localPort) {
                let key = ConnectionKey(family: record.family, port: record.localPort, state: record.state)
                counts.connections[key, default: 0] += 1
            }
        } else if record.transport == .tcp && countsConnections {
            let familyBit: UInt32 = record.family == .ipv6 ? 1 << 24 : 0
            pendingConnections.append(
                familyBit | UInt32(record.localPort) << 8 | UInt32(record.state.rawValue))
        }
    }

    /// This counter, for the records of one table read that may be thrown away (an interrupted dump), so
    /// that it must not change this one. Its listener and connection counts, lists of listening sockets
    /// and waiting connections start empty and are added by ``absorb(_:)``: each table read adds keys of
    /// its own (a key has its table or family), and a batch that shared them copied them at its first
    /// write, which held them twice (17,000 listener keys at population c) at the peak of a read. Counts
    /// still empty are shared, with the room made for them: the batch copies them empty at its first
    /// write, and ``absorb(_:)`` takes its counts whole.
    public func batch() -> SocketCounter {
        var batch = self
        if !counts.listeners.isEmpty { batch.counts.listeners = [:] }
        if !counts.connections.isEmpty { batch.counts.connections = [:] }
        batch.counts.listenerSockets = ChunkedArray()
        batch.pendingConnections = []
        return batch
    }

    /// Takes the counts of a batch made by ``batch()`` of this counter.
    public mutating func absorb(_ batch: SocketCounter) {
        var listeners = counts.listeners
        var connections = counts.connections
        var sockets = counts.listenerSockets
        var pending = pendingConnections
        self = batch
        // Ours are the only references left: added in place (or replaced, when empty).
        Self.add(batch.counts.listeners, to: &listeners)
        Self.add(batch.counts.connections, to: &connections)
        sockets += batch.counts.listenerSockets
        pending += batch.pendingConnections
        counts.listeners = listeners
        counts.connections = connections
        counts.listenerSockets = sockets
        pendingConnections = pending
    }

    /// Adds a batch's `counts` to `total`: the batch's dictionary itself when `total` is empty (it has the
    /// room that was made for the counts, see ``batch()``).
    private static func add<Key>(_ counts: [Key: UInt32], to total: inout [Key: UInt32]) {
        if total.isEmpty {
            total = counts
        } else {
            total.merge(counts, uniquingKeysWith: +)
        }
    }

    /// An empty counter with this one's settings, to count other tables at the same time (on another
    /// thread) and be added with ``add(_:)``. Before ``sealListeners()`` only: connections then wait.
    public func emptyCounter() -> SocketCounter {
        SocketCounter(
            countsConnections: countsConnections, keepsListenerSockets: keepsListenerSockets,
            talliesLocalPorts: talliesLocalPorts, namespace: namespace)
    }

    /// Adds the counts of a counter made by ``emptyCounter()``, which counted other tables.
    public mutating func add(_ other: SocketCounter) {
        counts.absorb(other.counts)
        counts.localPorts.add(other.counts.localPorts)
        listenerPorts.formUnion(other.listenerPorts)
        for index in stateCounts.indices { stateCounts[index] += other.stateCounts[index] }
        pendingConnections += other.pendingConnections
    }

    /// Resolves the connections against every TCP listener port and returns the counts.
    public func finish() -> SocketCounts {
        var result = counts
        for packed in pendingConnections {
            let port = UInt16(truncatingIfNeeded: packed >> 8)
            guard listenerPorts.contains(port),
                let state = SocketState(rawValue: UInt8(truncatingIfNeeded: packed))
            else { continue }
            let family: AddressFamily = packed >> 24 == 1 ? .ipv6 : .ipv4
            result.connections[ConnectionKey(family: family, port: port, state: state), default: 0] += 1
        }
        for table in SocketTable.allCases {
            var byState: [SocketState: Int] = [:]
            for state in SocketState.allCases {
                let count = stateCounts[table.ordinal << 4 | Int(state.rawValue)]
                if count > 0 { byState[state] = count }
            }
            if !byState.isEmpty { result.states[table] = byState }
        }
        return result
    }
}
