extension PortPolicy {
    /// One expected listener: a port or a range of ports, a protocol, and optionally an exposure, a network
    /// namespace and the owners allowed to hold it.
    public struct ExpectedListener: Sendable, Equatable {
        public var ports: ClosedRange<UInt16>
        public var transport: TransportProtocol
        /// nil when any exposure is expected.
        public var exposure: Exposure?
        /// The units (or container scopes) allowed to hold it; empty: any.
        public var units: [NamePattern]
        /// The process names allowed to hold it; empty: any.
        public var processes: [NamePattern]
        /// The users allowed to hold it; empty: any.
        public var users: [NamePattern]
        /// The `netns` labels it is expected in (`host` also when namespaces are not told apart); nil: any.
        public var netns: NamePattern?
        /// Whether its absence is reported (`port_usage_expected_listener_missing`).
        public var isRequired: Bool
        /// Where it is written, for people: `file:line`; empty when it was not read from a file.
        public var origin: String

        public init(
            ports: ClosedRange<UInt16>, transport: TransportProtocol, exposure: Exposure? = nil,
            units: [NamePattern] = [], processes: [NamePattern] = [], users: [NamePattern] = [],
            netns: NamePattern? = nil, isRequired: Bool = false, origin: String = ""
        ) {
            self.ports = ports
            self.transport = transport
            self.exposure = exposure
            self.units = units
            self.processes = processes
            self.users = users
            self.netns = netns
            self.isRequired = isRequired
            self.origin = origin
        }

        /// What it says of listeners, without whether it is required and where it is written: two entries
        /// of the same identity expect the same listeners.
        public struct Identity: Hashable, Sendable {
            var ports: ClosedRange<UInt16>
            var transport: TransportProtocol
            var exposure: Exposure?
            var owners: [[NamePattern]]
            var netns: NamePattern?
        }

        /// Its ``Identity``.
        public var identity: Identity {
            Identity(
                ports: ports, transport: transport, exposure: exposure, owners: [units, processes, users],
                netns: netns)
        }

        /// Whether it names some owner, so that a listener on its port can still be unexpected.
        public var constrainsOwner: Bool { !(units.isEmpty && processes.isEmpty && users.isEmpty) }

        /// Whether a listener on `port` of `transport` with `exposure`, in the namespace labelled `netns`
        /// (nil when namespaces are not told apart: the host's), is one this entry speaks of.
        func matches(port: UInt16, transport: TransportProtocol, exposure: Exposure, netns: String?) -> Bool {
            ports.contains(port) && self.transport == transport && (self.exposure ?? exposure) == exposure
                && (self.netns.map { $0.matches(netns ?? NetworkNamespace.Kind.host.rawValue) } ?? true)
        }

        /// Whether `owner` is one this entry allows. A name that could not be read (empty) leaves the
        /// answer ``OwnerMatch/unknown`` unless another name already rules the owner out.
        public func match(_ owner: OwnerNames) -> OwnerMatch {
            var unknown = false
            for (patterns, name) in [(users, owner.user), (units, owner.unit), (processes, owner.process)]
            where !patterns.isEmpty {
                if name.isEmpty {
                    unknown = true
                } else if !patterns.contains(where: { $0.matches(name) }) {
                    return .differs
                }
            }
            return unknown ? .unknown : .matches
        }
    }

    /// The names a policy judges an owner by; empty for a name that could not be read.
    public struct OwnerNames: Sendable, Hashable {
        public var user: String
        public var unit: String
        public var process: String

        public init(user: String, unit: String, process: String) {
            self.user = user
            self.unit = unit
            self.process = process
        }

        /// An owner of whom nothing is known: the owners collector did not run.
        public static let unknown = OwnerNames(user: "", unit: "", process: "")
    }

    /// Whether an entry allows an owner.
    public enum OwnerMatch: Sendable {
        case matches
        case differs
        /// It would depend on a name that could not be read.
        case unknown
    }
}
