/// What every collector reads from during one collection: the socket snapshot, classified.
public struct CollectionContext: Sendable {
    public var snapshot: SocketSnapshot
    /// The `port_usage_listeners` series: the snapshot's listeners classified, within the cardinality limit.
    public var listeners: [ListenerSeries]
    /// The owners of the listeners, when the `owners` collector runs.
    public var owners: [ListenerOwnership]
    /// The policy in force; nil without a policy file.
    public var policy: PortPolicy?
    /// Which ports keep their own series.
    public var limits: CardinalityGuard
    /// The other network namespaces read, when the `netns` collector runs.
    public var namespaces: NamespaceSweepResult?
    /// What the owners walk left unresolved, when the `owners` collector runs.
    public var ownerWalk: OwnerWalkStatistics?
}

/// One named part of a collection, like node_exporter's `Collector`: it adds its metric families, and the
/// collection reports its success and duration as `port_usage_scrape_collector_success` and
/// `port_usage_scrape_collector_duration_seconds`.
public protocol Collector: Sendable {
    /// Appends this collector's families to `families`. Throws when it could not collect all it should;
    /// what it appended is still served, and the collector is reported failed.
    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws
}

/// Some socket tables a collector needed could not be read.
public struct TableReadFailure: Error, Sendable, CustomStringConvertible {
    public var errors: [SocketSourceError]

    /// Throws the failed reads of `outcomes`, if any.
    static func check(_ outcomes: some Sequence<TableOutcome>) throws(TableReadFailure) {
        let errors = outcomes.compactMap(\.failure)
        if !errors.isEmpty { throw TableReadFailure(errors: errors) }
    }

    public var description: String {
        errors.isEmpty
            ? "no TCP socket table was read (tcp, tcp6)" : errors.map(\.description).joined(separator: "; ")
    }
}
