/// Which listeners a host is expected to have (from `--policy.file`), which IANA ranges are watched for
/// unexpected ones, and local service names that replace IANA's in labels.
public struct PortPolicy: Sendable, Equatable {
    /// A port, for one protocol or (nil) both, that a local service name applies to.
    public struct ServiceKey: Sendable, Hashable {
        public var port: UInt16
        public var transport: TransportProtocol?

        public init(port: UInt16, transport: TransportProtocol?) {
            self.port = port
            self.transport = transport
        }
    }

    public var watchedRanges: Set<PortRange>
    public var expected: [ExpectedListener]
    public var serviceNames: [ServiceKey: String]

    public init(
        watchedRanges: Set<PortRange> = [.system], expected: [ExpectedListener] = [],
        serviceNames: [ServiceKey: String] = [:]
    ) {
        self.watchedRanges = watchedRanges
        self.expected = expected
        self.serviceNames = serviceNames
    }

    /// The local name of a port, for its protocol first and then for both; nil when the policy has none.
    public func serviceName(port: UInt16, transport: TransportProtocol) -> String? {
        serviceNames[ServiceKey(port: port, transport: transport)]
            ?? serviceNames[ServiceKey(port: port, transport: nil)]
    }

    /// Why a listener on `port` of `transport` with `exposure`, in the namespace labelled `netns` (nil
    /// when namespaces are not told apart), owned by `owner`, is unexpected; nil when it is expected or
    /// outside the watched ranges.
    ///
    /// Expected when one entry speaks of the listener and allows its owner. Else unexpected for its
    /// ``UnexpectedReason/port`` when no entry speaks of it, for its ``UnexpectedReason/ownerUnknown``
    /// when an entry might allow it but a name it needs could not be read, else for its
    /// ``UnexpectedReason/owner``.
    public func reason(
        port: UInt16, transport: TransportProtocol, exposure: Exposure, netns: String?, owner: OwnerNames
    ) -> UnexpectedReason? {
        guard watchedRanges.contains(PortRange(port: port)) else { return nil }
        var reason = UnexpectedReason.port
        for entry in expected
        where entry.matches(port: port, transport: transport, exposure: exposure, netns: netns) {
            switch entry.match(owner) {
            case .matches: return nil
            case .unknown: reason = .ownerUnknown
            case .differs: if reason == .port { reason = .owner }
            }
        }
        return reason
    }
}

/// Why a listener is unexpected: the `reason` label of `port_usage_unexpected_listeners`.
public enum UnexpectedReason: String, Sendable, CaseIterable, Comparable {
    /// No entry of the policy speaks of its port, protocol, exposure and namespace.
    case port
    /// Entries speak of it, and its owner is none they allow.
    case owner
    /// Entries speak of it, and whether one allows its owner depends on a name that could not be read: a
    /// process the exporter may not look into, a unit the source gives no cgroup for.
    case ownerUnknown = "owner_unknown"

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
