public import PortUsageCore

/// One listener key a generated policy expects: a port and protocol, the exposures and owners it was seen
/// with, and on how many hosts when generated from a fleet.
public struct DraftListener: Sendable, Equatable {
    public var port: UInt16
    public var transport: TransportProtocol
    /// The exposure to write; nil when its sockets do not share one.
    public var exposure: Exposure?
    /// The distinct known owners of each kind (empty names are unknown owners and left out).
    public var owners: [OwnerKind: Set<String>]
    /// The service name for the comment (IANA's, or empty).
    public var service: String
    /// On how many of the fleet's hosts it runs, when generated from a fleet.
    public var prevalence: Prevalence?

    /// Hosts that run a listener, of the hosts asked.
    public struct Prevalence: Sendable, Equatable {
        public var hosts: Int
        public var of: Int

        public init(hosts: Int, of: Int) {
            self.hosts = hosts
            self.of = of
        }
    }

    public init(
        port: UInt16, transport: TransportProtocol, exposure: Exposure?, owners: [OwnerKind: Set<String>],
        service: String, prevalence: Prevalence? = nil
    ) {
        self.port = port
        self.transport = transport
        self.exposure = exposure
        self.owners = owners.filter { !$0.value.isEmpty }
        self.service = service
        self.prevalence = prevalence
    }

    /// The listeners of `listed` (one per socket, as `list` gives them) in `ranges`, one per port and
    /// protocol: the exposure when all its sockets share one, the distinct owners that could be read.
    public static func local(_ listed: [ListedListener], ranges: Set<PortRange>) -> [DraftListener] {
        var byKey: [PortKey: DraftListener] = [:]
        var exposures: [PortKey: Set<Exposure>] = [:]
        for listener in listed where ranges.contains(PortRange(port: listener.port)) {
            let key = PortKey(port: listener.port, transport: listener.transport)
            exposures[key, default: []].insert(listener.exposure)
            var draft =
                byKey[key]
                ?? DraftListener(
                    port: listener.port, transport: listener.transport, exposure: nil, owners: [:],
                    service: listener.classification.service)
            draft.owners[.unit, default: []].formUnion([listener.owner.unit].filter { !$0.isEmpty })
            draft.owners[.user, default: []].formUnion([listener.owner.user].filter { !$0.isEmpty })
            draft.owners[.process, default: []].formUnion(listener.owner.processes.filter { !$0.isEmpty })
            byKey[key] = draft
        }
        return byKey.map { key, draft in
            var draft = draft
            draft.owners = draft.owners.filter { !$0.value.isEmpty }
            if let only = exposures[key], only.count == 1 { draft.exposure = only.first }
            return draft
        }
        .sorted { ($0.port, $0.transport) < ($1.port, $1.transport) }
    }
}

/// A port and protocol: the key of a generated entry.
struct PortKey: Hashable {
    var port: UInt16
    var transport: TransportProtocol
}
