/// `port_usage_listener_accept_queue`, `port_usage_listener_accept_queue_limit` and
/// `port_usage_listener_drops_total`: per listener key, how close it is to refusing work, and what it
/// refused. The host-wide `ListenOverflows` says that some listener overflows; these say which.
///
/// It reads what the listener dumps already give: a TCP listener's accept queue and its limit (sock_diag's
/// `idiag_rqueue` and `idiag_wqueue`; procfs has the queue only) and every socket's `sk_drops`
/// (`INET_DIAG_SKMEMINFO`, asked for in the same dumps; procfs has it for UDP only). It owns the drop
/// counters (``ListenerDropTotals``), which keep what a closed socket dropped in its key's total.
struct SaturationCollector: Collector {
    static let registration = CollectorRegistration(
        .saturation, enabledByDefault: true,
        summary: "each listener's accept queue, its limit, and the connections or datagrams it dropped"
    ) { SaturationCollector(tables: $0.options.tables, labelSets: $0.listenerLabels) }

    let tables: [SocketTable]
    /// The listener series' label text, whose start is the labels of these series.
    let labelSets: ListenerLabelSets
    private let drops = ListenerDropTotals()

    var demand: SocketDemand {
        SocketDemand(tables: tables, connections: false, everySocket: false, listenerSockets: true)
    }

    func uses(_ outcome: TableOutcome) -> Bool { outcome.coversListeners }

    /// Folds this collection's drops into the counters and puts every key's saturation into the context
    /// (the landing page shows it too). Keys of a table or namespace that could not be read keep their
    /// counters for the next collection.
    func prepare(_ context: inout CollectionContext) {
        let failed = Set(
            context.snapshot.outcomes.lazy.filter { $0.coversListeners && $0.failure != nil }.map(\.table))
        let unreadNamespaces = context.namespaces?.unread ?? []
        let limits = context.limits
        let totals = drops.update(
            context.snapshot.counts.listenerSockets,
            counts: { limits.label(for: $0.port, transport: $0.table.transport) != .other },
            unread: { failed.contains($0.table) || unreadNamespaces.contains($0.namespace) })
        context.saturation = ListenerSaturation.of(
            context.snapshot.counts.listenerSockets, series: context.listeners, limits: limits, drops: totals)
    }

    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws {
        let saturation = context.saturation
        let sets = labelSets.keyLabels(of: context.listeners)
        families += [
            MetricFamily(
                name: "port_usage_listener_accept_queue", help: Self.queueHelp, type: .gauge,
                samples: Self.samples(saturation, sets, \.queue)),
            MetricFamily(
                name: "port_usage_listener_accept_queue_limit", help: Self.limitHelp, type: .gauge,
                samples: Self.samples(saturation, sets, \.limit)),
            MetricFamily(
                name: "port_usage_listener_drops_total", help: Self.dropsHelp, type: .counter,
                samples: Self.samples(saturation, sets, \.drops)),
        ]
        try TableReadFailure.check(context.snapshot.outcomes.lazy.filter(\.coversListeners))
    }

    /// A sample for each series that has `value`.
    private static func samples(
        _ saturation: [ListenerSaturation], _ sets: [LabelSet], _ value: KeyPath<ListenerSaturation, UInt64?>
    ) -> [Sample] {
        zip(saturation, sets).compactMap { entry, set in
            entry[keyPath: value].map { Sample(labelSet: set, value: Double($0)) }
        }
    }

    static let queueHelp =
        "Connections waiting to be accepted by the TCP listeners of a key, summed over its sockets (ss -ltn Recv-Q)."
    static let limitHelp =
        "The accept-queue limits of the TCP listeners of a key (listen backlog, capped by net.core.somaxconn), summed over its sockets (ss -ltn Send-Q); sock_diag only."
    static let dropsHelp =
        "Connections the TCP listeners of a key refused, datagrams its UDP sockets lost to a full receive buffer (the sockets' sk_drops, ss -m d); a closed socket's count stays in its key's total."
}
