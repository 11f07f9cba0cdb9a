public import PortUsageCore

/// A collector that exists only in the tests: it asks for the TCP listeners and exports how many listener
/// series the collection classified, so a test can show that a collector is one registration away.
public struct EchoCollector: Collector {
    /// Its registration: `echo`, on by default.
    public static let registration = CollectorRegistration(
        "echo", enabledByDefault: true, summary: "how many listener series the collection classified"
    ) { _ in EchoCollector() }

    public init() {}

    public var demand: SocketDemand { .listeners(of: [.tcp]) }

    public func uses(_ outcome: TableOutcome) -> Bool { outcome.coversListeners }

    public func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws {
        families.append(
            MetricFamily(
                name: "test_echo_listener_series", help: "Listener series this collection classified.",
                type: .gauge, samples: [Sample(value: Double(context.listeners.count))]))
    }
}
