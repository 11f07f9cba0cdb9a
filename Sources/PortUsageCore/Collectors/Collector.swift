/// What every collector reads from during one collection: the socket snapshot, classified.
public struct CollectionContext: Sendable {
    public var snapshot: SocketSnapshot
    /// The `port_usage_listeners` series: the snapshot's listeners classified, within the cardinality limit.
    public var listeners: [ListenerSeries]
    /// The owners of the listeners, when the `owners` collector runs (it sets them in its preparation).
    public var owners: [ListenerOwnership] = []
    /// The accept queue and drops of each of ``listeners`` (in the same order), when the `saturation`
    /// collector runs (it sets them in its preparation); else empty.
    public var saturation: [ListenerSaturation] = []
    /// The policy in force; nil without a policy file.
    public var policy: PortPolicy?
    /// What the policy says of ``listeners`` and their ``owners``, once the collectors have prepared; nil
    /// without a policy file.
    public var judgement: PolicyJudgement?
    /// Which ports keep their own series.
    public var limits: CardinalityGuard
    /// The other network namespaces read, when the `netns` collector runs.
    public var namespaces: NamespaceSweepResult?
    /// What the owners walk of this collection read and left unresolved, when the `owners` collector runs.
    public var ownerWalk: OwnerWalkStatistics?
    /// When the collection must be done, if ever.
    public var deadline: ContinuousClock.Instant?
}

/// One named part of a collection, like node_exporter's `Collector`: it adds its metric families, and the
/// collection reports its success and duration as `port_usage_scrape_collector_success` and
/// `port_usage_scrape_collector_duration_seconds`.
///
/// A collector owns its state and the I/O beyond the host's socket tables: it says what it needs read
/// from them (``demand``), and may take part in the earlier steps of a collection through the hooks below,
/// each of which has a default that does nothing. Its duration is the time of its hooks and of the table
/// reads it ``uses(_:)``.
public protocol Collector: Sendable {
    /// What it needs read from the host's socket tables; the collection reads the union of the demands
    /// once for every collector.
    var demand: SocketDemand { get }

    /// Whether the read of `outcome` was done for this collector (its time counts in its duration).
    func uses(_ outcome: TableOutcome) -> Bool

    /// Whether listener keys carry the namespace they are in (the `netns` collector).
    var separatesNamespaces: Bool { get }

    /// Whether it wants the listeners read between scrapes too (``PortUsageCollector/pollListeners(deadline:)``).
    var pollsListeners: Bool { get }

    /// Adds to a read of the host's tables what this collector reads itself (other namespaces' listeners),
    /// before anything is classified. `poll` is true for the listeners-only poll between scrapes.
    func extend(_ reading: inout CollectionReading, poll: Bool, deadline: ContinuousClock.Instant?)

    /// Sees every complete read: the collections and the polls between scrapes.
    func observe(_ reading: CollectionReading)

    /// Adds to the context what the other collectors and the human views need from this one (the owners).
    func prepare(_ context: inout CollectionContext)

    /// Appends this collector's families to `families`. Throws when it could not collect all it should;
    /// what it appended is still served, and the collector is reported failed.
    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws
}

extension Collector {
    public var demand: SocketDemand { .nothing }
    public func uses(_ outcome: TableOutcome) -> Bool { false }
    public var separatesNamespaces: Bool { false }
    public var pollsListeners: Bool { false }
    public func extend(_ reading: inout CollectionReading, poll: Bool, deadline: ContinuousClock.Instant?) {}
    public func observe(_ reading: CollectionReading) {}
    public func prepare(_ context: inout CollectionContext) {}
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
