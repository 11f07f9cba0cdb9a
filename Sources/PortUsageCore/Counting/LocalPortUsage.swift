/// A remote end that sockets connect to: its address and port.
public struct Destination: Sendable, Hashable {
    public var address: IPAddress
    public var port: UInt16
}

/// Which local ports sockets hold, per transport, and which local ports point at each destination: what
/// the ephemeral-port collector needs, tallied while the sockets stream by.
public struct LocalPortUsage: Sendable, Equatable {
    /// Local ports held by any socket, by transport.
    public var held: [TransportProtocol: PortSet] = [:]
    /// The local ports of connected sockets, by transport and destination.
    public var byDestination: [TransportProtocol: [Destination: [UInt16]]] = [:]

    public init() {}

    mutating func add(_ record: SocketRecord) {
        if record.localPort != 0 { held[record.transport, default: PortSet()].insert(record.localPort) }
        guard record.remotePort != 0, record.state != .listen else { return }
        let destination = Destination(address: record.remoteAddress, port: record.remotePort)
        byDestination[record.transport, default: [:]][destination, default: []].append(record.localPort)
    }

    /// Adds what `other` tallied.
    mutating func add(_ other: LocalPortUsage) {
        for (transport, ports) in other.held { held[transport, default: PortSet()].formUnion(ports) }
        for (transport, destinations) in other.byDestination {
            byDestination[transport, default: [:]].merge(destinations, uniquingKeysWith: +)
        }
    }
}
