/// One listening socket as `list` shows it: where it listens, what IANA and the policy say of its port,
/// and who owns it.
public struct ListedListener: Sendable, Equatable {
    public var transport: TransportProtocol
    public var address: IPAddress
    public var port: UInt16
    public var exposure: Exposure
    public var classification: PortClassification
    /// Whether the policy expects it; nil without a policy.
    public var expected: Bool? { policyChecked ? unexpectedReason == nil : nil }
    /// Why the policy does not expect it; nil when it does, or without a policy.
    public var unexpectedReason: UnexpectedReason?
    /// Whether a policy judged it.
    public var policyChecked: Bool
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
                unexpectedReason: policy.flatMap {
                    reason(of: socket, owned: owner, by: $0)
                },
                policyChecked: policy != nil, owner: owner, queued: socket.queued, backlog: socket.backlog,
                drops: socket.drops)
        }
        .sorted {
            ($0.port, $0.transport, $0.family, $0.address.description)
                < ($1.port, $1.transport, $1.family, $1.address.description)
        }
    }

    /// Why `policy` does not expect `socket` held by `owner`: judged once per process name, it is expected
    /// when one of them is, and otherwise unexpected for the reason that says least about the owner.
    private static func reason(of socket: ListenerSocket, owned owner: SocketOwner, by policy: PortPolicy)
        -> UnexpectedReason?
    {
        var reasons: [UnexpectedReason] = []
        for process in owner.processes.isEmpty ? [""] : owner.processes {
            guard
                let reason = policy.reason(
                    port: socket.key.port, transport: socket.key.table.transport,
                    exposure: socket.key.exposure, netns: nil,
                    owner: PortPolicy.OwnerNames(user: owner.user, unit: owner.unit, process: process))
            else { return nil }
            reasons.append(reason)
        }
        return reasons.max()
    }
}
