/// `port_usage_listeners`, and `port_usage_unexpected_listeners` when a policy is in force.
///
/// Each series' label text is rendered once and reused while the series exists.
struct ListenersCollector: Collector {
    static let registration = CollectorRegistration(
        .listeners, enabledByDefault: true,
        summary: "listening sockets per port, by IANA range and assignment"
    ) { ListenersCollector(tables: $0.options.tables, labelSets: $0.listenerLabels) }

    let tables: [SocketTable]
    let labelSets: ListenerLabelSets

    var demand: SocketDemand { .listeners(of: tables) }

    func uses(_ outcome: TableOutcome) -> Bool { outcome.coversListeners }

    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws {
        let sets = labelSets.of(context.listeners)
        let samples = zip(context.listeners, sets).map { Sample(labelSet: $1, value: Double($0.count)) }
        families.append(
            MetricFamily(
                name: "port_usage_listeners", help: Self.listenersHelp, type: .gauge, samples: samples))
        if let policy = context.policy {
            let unexpected = zip(context.listeners, samples).filter { policy.isUnexpected($0.0) }.map(\.1)
            families.append(
                MetricFamily(
                    name: "port_usage_unexpected_listeners", help: Self.unexpectedHelp, type: .gauge,
                    samples: unexpected))
        }
        try TableReadFailure.check(context.snapshot.outcomes.lazy.filter(\.coversListeners))
    }

    static let listenersHelp =
        "Listening sockets: TCP in LISTEN, UDP bound and unconnected; labelled by IANA range and assignment."
    static let unexpectedHelp =
        "Listening sockets in a watched IANA range that match no expected listener of the policy file."
}
