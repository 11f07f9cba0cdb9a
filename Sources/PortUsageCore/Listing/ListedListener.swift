/// One listening socket as `list` shows it: where it listens, what IANA and the policy say of its port,
/// and who owns it.
public struct ListedListener: Sendable, Equatable {
    public var transport: TransportProtocol
    public var address: IPAddress
    public var port: UInt16
    public var exposure: Exposure
    public var classification: PortClassification
    /// Whether the policy expects it; nil without a policy.
    public var expected: Bool?
    public var owner: SocketOwner
    /// Connections waiting in the accept queue (TCP) or bytes queued (UDP), when the source says.
    public var queued: UInt32?
    /// The accept queue's size (TCP, sock_diag).
    public var backlog: UInt32?
    /// What the socket dropped since it was made: connections refused (TCP, sock_diag) or datagrams lost
    /// to a full receive buffer (UDP).
    public var drops: UInt32?

    public var family: AddressFamily { address.family }

    /// A port of the system or user range that IANA has not assigned: what a listener should not be on.
    public var isUnassigned: Bool { classification.isUnassignedOutsideDynamicRange }

    /// What is worth a second look: `unassigned`, `unexpected`, both, or nothing.
    public var marks: [String] {
        (isUnassigned ? ["unassigned"] : []) + (expected == false ? ["unexpected"] : [])
    }

    /// The listeners of `sockets` (a snapshot's listener sockets), classified, judged by `policy`, owned as
    /// `owners` says (in the same order), sorted by port, protocol, family and address.
    public static func list(
        _ sockets: [ListenerSocket], owners: [SocketOwner], classifier: PortClassifier, policy: PortPolicy?
    ) -> [ListedListener] {
        zip(sockets, owners).map { socket, owner in
            let transport = socket.key.table.transport
            var classification = classifier.classify(port: socket.key.port, transport: transport)
            if let name = policy?.serviceName(port: socket.key.port, transport: transport) {
                classification.service = name
            }
            return ListedListener(
                transport: transport, address: socket.address, port: socket.key.port,
                exposure: socket.key.exposure,
                classification: classification,
                expected: policy.map {
                    !$0.isUnexpected(
                        port: socket.key.port, transport: transport, exposure: socket.key.exposure)
                },
                owner: owner, queued: socket.queued, backlog: socket.backlog, drops: socket.drops)
        }
        .sorted {
            ($0.port, $0.transport, $0.family, $0.address.description)
                < ($1.port, $1.transport, $1.family, $1.address.description)
        }
    }
}
