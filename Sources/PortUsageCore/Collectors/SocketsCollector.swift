/// `port_usage_sockets`: every socket of every table read whole, by state.
///
/// Off by default: it makes every table be read whole, connections included, which is what the
/// kernel-side selection saves on busy hosts.
struct SocketsCollector: Collector {
    static let registration = CollectorRegistration(
        .sockets, enabledByDefault: false, summary: "every socket by state; reads every socket of every table"
    ) { SocketsCollector(tables: $0.options.tables) }

    let tables: [SocketTable]

    var demand: SocketDemand { SocketDemand(tables: tables, connections: false, everySocket: true) }

    func uses(_ outcome: TableOutcome) -> Bool { outcome.selection == .everything }

    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws {
        var samples: [Sample] = []
        for (table, states) in context.snapshot.counts.states.sorted(by: { $0.key < $1.key }) {
            var byLabel: [String: Int] = [:]
            for (state, count) in states {
                byLabel[table.transport == .tcp ? state.tcpLabel : state.udpLabel, default: 0] += count
            }
            for (state, count) in byLabel.sorted(by: { $0.key < $1.key }) {
                samples.append(
                    Sample(
                        labels: [
                            Label("protocol", table.transport.rawValue),
                            Label("family", table.family.rawValue),
                            Label("state", state),
                        ], value: Double(count)))
            }
        }
        families.append(
            MetricFamily(
                name: "port_usage_sockets", help: "Sockets in the kernel's socket tables, by state.",
                type: .gauge,
                samples: samples))
        try TableReadFailure.check(context.snapshot.outcomes)
    }
}
