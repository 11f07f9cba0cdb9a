/// `port_usage_listener_owner_info`: one series per listener key and distinct owner (user, unit, process),
/// to join with `port_usage_listeners` on `protocol, family, port, exposure`. Never a pid: it would churn.
/// With it, what the walk of the processes left unresolved and how much it read.
struct OwnersCollector: Collector {
    private let labelSets = LabelSetCache<ListenerOwnership>()

    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws {
        let sets = labelSets.labelSets(for: context.owners, key: { $0 }, labels: \.labels)
        families.append(
            MetricFamily(
                name: "port_usage_listener_owner_info",
                help:
                    "Who owns the listeners of a key: user, systemd unit or container scope, and process name; always 1. Join with port_usage_listeners on protocol, family, port, exposure.",
                type: .gauge, samples: sets.map { Sample(labelSet: $0, value: 1) }))
        families += context.ownerWalk?.families ?? []
        try TableReadFailure.check(context.snapshot.outcomes.lazy.filter(\.coversListeners))
    }
}
