/// `port_usage_listeners`, and `port_usage_unexpected_listeners` when a policy is in force.
struct ListenersCollector: Collector {
    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws {
        families.append(Self.family("port_usage_listeners", help: Self.listenersHelp, context.listeners))
        if let policy = context.policy {
            families.append(
                Self.family(
                    "port_usage_unexpected_listeners", help: Self.unexpectedHelp,
                    context.listeners.filter(policy.isUnexpected)))
        }
        try TableReadFailure.check(context.snapshot.outcomes.lazy.filter(\.coversListeners))
    }

    static let listenersHelp =
        "Listening sockets: TCP in LISTEN, UDP bound and unconnected; labelled by IANA range and assignment."
    static let unexpectedHelp =
        "Listening sockets in a watched IANA range that match no expected listener of the policy file."

    private static func family(_ name: String, help: String, _ series: [ListenerSeries]) -> MetricFamily {
        MetricFamily(
            name: name, help: help, type: .gauge,
            samples: series.map { Sample(labels: $0.labels, value: Double($0.count)) })
    }
}
