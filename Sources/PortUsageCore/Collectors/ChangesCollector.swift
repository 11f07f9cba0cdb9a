/// `port_usage_listener_first_seen_timestamp_seconds`, `..._last_seen_...`, `port_usage_listener_changes_total`
/// and the history's own gauges, from the ``ListenerHistory`` it keeps, which every collection and the
/// background poll between scrapes feed, so that a listener that lives between two scrapes is seen.
struct ChangesCollector: Collector {
    static let registration = CollectorRegistration(
        .changes, enabledByDefault: true,
        summary: "when each listener was first and last seen, and listener changes, polled between scrapes"
    ) { setup in
        ChangesCollector(
            history: ListenerHistory(
                retention: setup.options.changeRetention, capacity: setup.options.changeCapacity),
            tables: setup.options.tables)
    }

    let history: ListenerHistory
    let tables: [SocketTable]

    var demand: SocketDemand { .listeners(of: tables) }

    func uses(_ outcome: TableOutcome) -> Bool { outcome.coversListeners }

    var pollsListeners: Bool { true }

    /// Records the listeners of a read in which every listener table of the host was read (a table that
    /// failed would look like all its listeners closing); the listeners of namespaces the sweep could not
    /// read are left as they were.
    func observe(_ reading: CollectionReading) {
        guard reading.readEveryListenerTable else { return }
        history.observe(
            reading.snapshot.counts.listeners.keys, at: WallClock.now(),
            namespaces: reading.sweep?.labels ?? [:], unread: reading.sweep?.unread ?? [])
    }

    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws {
        families += history.families(maxPorts: context.limits.maxPorts) { listener in
            context.limits.label(for: listener.port, transport: listener.table.transport) != .other
        }
        // The history was not fed by this collection when a listener table could not be read.
        try TableReadFailure.check(context.snapshot.outcomes.lazy.filter(\.coversListeners))
    }
}
