/// `port_usage_listener_first_seen_timestamp_seconds`, `..._last_seen_...`, `port_usage_listener_changes_total`
/// and the history's own gauges, from the ``ListenerHistory`` that collections and the background poll feed.
struct ChangesCollector: Collector {
    let history: ListenerHistory

    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws {
        families += history.families(maxPorts: context.limits.maxPorts) { listener in
            context.limits.label(for: listener.port, transport: listener.table.transport) != .other
        }
        // The history was not fed by this collection when a listener table could not be read.
        try TableReadFailure.check(context.snapshot.outcomes.lazy.filter(\.coversListeners))
    }
}
