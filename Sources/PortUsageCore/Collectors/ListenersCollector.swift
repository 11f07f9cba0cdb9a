/// `port_usage_listeners`; and, when a policy is in force, `port_usage_unexpected_listeners` and
/// `port_usage_expected_listener_missing`.
///
/// Each series' label text is rendered once and reused while the series exists.
struct ListenersCollector: Collector {
    static let registration = CollectorRegistration(
        .listeners, enabledByDefault: true,
        summary: "listening sockets per port, by IANA range and assignment"
    ) { ListenersCollector(tables: $0.options.tables) }

    let tables: [SocketTable]
    private let labelSets = LabelSetCache<ListenerSeries.LabelKey>()

    var demand: SocketDemand { .listeners(of: tables) }

    func uses(_ outcome: TableOutcome) -> Bool { outcome.coversListeners }

    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws {
        let sets = labelSets.labelSets(for: context.listeners, key: \.labelKey, labels: \.labels)
        let samples = zip(context.listeners, sets).map { Sample(labelSet: $1, value: Double($0.count)) }
        families.append(
            MetricFamily(
                name: "port_usage_listeners", help: Self.listenersHelp, type: .gauge, samples: samples))
        if let judgement = context.judgement {
            families.append(
                MetricFamily(
                    name: "port_usage_unexpected_listeners", help: Self.unexpectedHelp, type: .gauge,
                    samples: judgement.unexpected.map { unexpected in
                        Sample(
                            labels: context.listeners[unexpected.series].labels + [
                                Label("reason", unexpected.reason.rawValue)
                            ],
                            value: Double(unexpected.sockets))
                    }))
            if !judgement.requirements.isEmpty {
                families.append(
                    MetricFamily(
                        name: "port_usage_expected_listener_missing", help: Self.missingHelp, type: .gauge,
                        samples: judgement.requirements.map {
                            Sample(labels: $0.entry.labels, value: $0.isMissing ? 1 : 0)
                        }))
            }
        }
        try TableReadFailure.check(context.snapshot.outcomes.lazy.filter(\.coversListeners))
    }

    static let listenersHelp =
        "Listening sockets: TCP in LISTEN, UDP bound and unconnected; labelled by IANA range and assignment."
    static let unexpectedHelp =
        "Listening sockets in a watched IANA range that the policy file does not expect: no entry names their port (reason port), or none allows their owner (owner), or that depends on an owner name that could not be read (owner_unknown)."
    static let missingHelp =
        "Whether a listener that the policy file requires is missing (1) or running (0): one series per required entry, labelled by what the entry says."
}

extension PortPolicy.ExpectedListener {
    /// The labels of its `port_usage_expected_listener_missing` series: what it says, as written.
    var labels: [Label] {
        func joined(_ patterns: [NamePattern]) -> String { patterns.map(\.text).joined(separator: ",") }
        let port =
            ports.lowerBound == ports.upperBound
            ? String(ports.lowerBound) : "\(ports.lowerBound)-\(ports.upperBound)"
        return [
            Label("protocol", transport.rawValue), Label("port", port),
            Label("exposure", exposure?.rawValue ?? "any"), Label("netns", netns?.text ?? ""),
            Label("unit", joined(units)), Label("process", joined(processes)), Label("user", joined(users)),
        ]
    }
}
