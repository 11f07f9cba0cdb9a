/// Ephemeral port pressure: the size of the range the kernel picks local ports from, the distinct local
/// ports in it held by sockets, and the most held toward any one destination (remote address and port),
/// the figure that runs out first. No remote address is ever a label.
///
/// Off by default: like `sockets`, it reads every socket.
struct EphemeralCollector: Collector {
    static let registration = CollectorRegistration(
        .ephemeral, enabledByDefault: false,
        summary: "ephemeral port pressure, host-wide and toward the busiest destination; reads every socket"
    ) { EphemeralCollector(procRoot: $0.procRoot, tables: $0.options.tables) }

    /// The procfs mount point the sysctls are read under.
    let procRoot: String
    let tables: [SocketTable]

    var demand: SocketDemand {
        SocketDemand(tables: tables, connections: false, everySocket: true, localPorts: true)
    }

    func uses(_ outcome: TableOutcome) -> Bool { outcome.selection == .everything }

    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws {
        let range = try EphemeralPortRange.read(procRoot: procRoot)
        let usage = context.snapshot.counts.localPorts
        var inUse: [Sample] = []
        var busiest: [Sample] = []
        for transport in TransportProtocol.allCases {
            let held = usage.held[transport]?.ports.lazy.filter(range.contains).count ?? 0
            let perDestination = usage.byDestination[transport, default: [:]].values.lazy.map { ports in
                Set(ports.lazy.filter(range.contains)).count
            }
            let labels = [Label("protocol", transport.rawValue)]
            inUse.append(Sample(labels: labels, value: Double(held)))
            busiest.append(Sample(labels: labels, value: Double(perDestination.max() ?? 0)))
        }
        families += [
            MetricFamily(
                name: "port_usage_ephemeral_ports_range_size",
                help:
                    "Local ports the kernel picks from for outgoing connections: ip_local_port_range less ip_local_reserved_ports.",
                type: .gauge, samples: [Sample(value: Double(range.size))]),
            MetricFamily(
                name: "port_usage_ephemeral_ports_in_use",
                help: "Distinct local ports in the ephemeral range held by sockets.", type: .gauge,
                samples: inUse),
            MetricFamily(
                name: "port_usage_ephemeral_ports_max_per_destination",
                help:
                    "The most distinct ephemeral local ports held toward one remote address and port: what runs out first.",
                type: .gauge, samples: busiest),
        ]
        try TableReadFailure.check(context.snapshot.outcomes)
    }
}
