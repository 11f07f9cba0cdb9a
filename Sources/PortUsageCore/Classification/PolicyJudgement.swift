/// What the policy says of one collection's listeners: how many of each series' sockets are unexpected,
/// and why; and which required entries have no listener.
public struct PolicyJudgement: Sendable {
    /// Some sockets of one listener series that the policy does not expect, for one reason.
    public struct Unexpected: Sendable, Equatable {
        /// The index of the series in the listeners judged.
        public var series: Int
        public var reason: UnexpectedReason
        /// How many of its sockets: at most the series' count.
        public var sockets: Int
    }

    /// One required entry of the policy, and whether a listener it allows is there.
    public struct Requirement: Sendable, Equatable {
        public var entry: PortPolicy.ExpectedListener
        public var isMissing: Bool
    }

    /// The unexpected sockets, in the order of the series, then of reasons.
    public var unexpected: [Unexpected]
    /// The required entries, in the policy's order.
    public var requirements: [Requirement]

    /// Judges `listeners` by `policy`, their owners being `owners` (nil when the owners collector does not
    /// run: every owner is then unknown).
    ///
    /// A socket held by processes of several names is judged once per name, so a series' count by one
    /// reason is capped at its count. The `other` series (ports past the cap) have no port to judge: they
    /// are never unexpected, and a required entry with a port among them counts as present, since it may
    /// be.
    public init(policy: PortPolicy, listeners: [ListenerSeries], owners: [ListenerOwnership]?) {
        let ownersByKey = Dictionary(grouping: owners ?? []) { OwnerKey($0) }
        func holders(of series: ListenerSeries) -> [(names: PortPolicy.OwnerNames, sockets: Int)] {
            let found = ownersByKey[OwnerKey(series)] ?? []
            return found.isEmpty ? [(.unknown, series.count)] : found.map { ($0.names, $0.sockets) }
        }
        unexpected = []
        for (index, series) in listeners.enumerated() {
            guard case .port(let port) = series.port,
                policy.watchedRanges.contains(PortRange(port: port))
            else { continue }
            var sockets: [UnexpectedReason: Int] = [:]
            for owner in holders(of: series) {
                guard
                    let reason = policy.reason(
                        port: port, transport: series.transport, exposure: series.exposure,
                        netns: series.netns, owner: owner.names)
                else { continue }
                sockets[reason, default: 0] += owner.sockets
            }
            unexpected += sockets.sorted { $0.key < $1.key }.map {
                Unexpected(series: index, reason: $0.key, sockets: min($0.value, series.count))
            }
        }
        requirements = policy.expected.filter(\.isRequired).map { entry in
            let present = listeners.contains { series in
                guard case .port(let port) = series.port else {
                    return series.transport == entry.transport
                }
                return entry.matches(
                    port: port, transport: series.transport, exposure: series.exposure, netns: series.netns)
                    && holders(of: series).contains { entry.match($0.names) != .differs }
            }
            return Requirement(entry: entry, isMissing: !present)
        }
    }

    /// The indices of the series with sockets the policy does not expect.
    public var unexpectedSeries: Set<Int> { Set(unexpected.map(\.series)) }

    /// The key that an ownership and a listener series share.
    private struct OwnerKey: Hashable {
        var table: SocketTable
        var port: PortLabel
        var exposure: Exposure
        var namespace: NamespaceID

        init(_ ownership: ListenerOwnership) {
            table = ownership.table
            port = ownership.port
            exposure = ownership.exposure
            namespace = ownership.namespace
        }

        init(_ series: ListenerSeries) {
            table = SocketTable(transport: series.transport, family: series.family)
            port = series.port
            exposure = series.exposure
            namespace = series.namespace
        }
    }
}
