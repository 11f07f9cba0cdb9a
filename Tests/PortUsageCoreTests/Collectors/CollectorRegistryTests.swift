import Logging
import PortUsageTestSupport
import Testing

@testable import PortUsageCore

/// A collector is one registration: a test adds one that exists only here and finds its output and its
/// success and duration series, with no other file touched.
@Suite("collector registry")
struct CollectorRegistryTests {
    @Test func aRegisteredCollectorRunsWithTheOthers() {
        let registry = CollectorRegistry.standard.adding(EchoCollector.registration)
        #expect(registry.names.contains("echo") && registry.defaults.contains("echo"))
        #expect(!CollectorRegistry.standard.names.contains("echo"))
        let collector = PortUsageCollector(
            source: FixedListenerSource(ports: 768...770), classifier: PortClassifier(registry: .embedded),
            options: CollectorOptions(enabled: ["echo", .process]),
            buildInfo: BuildInfo(version: "1", revision: "r", swiftVersion: "6"), registry: registry,
            logger: Logger(label: "test"))
        #expect(collector.collectorNames == ["echo", "process"])
        let scrape = collector.collect()
        let echo = scrape.families.first { $0.name == "test_echo_listener_series" }
        #expect(echo?.samples.map(\.value) == [3])
        #expect(scrape.outcomes.map(\.collector) == ["echo", "process"])
        #expect(scrape.outcomes.allSatisfy { $0.success })
        let success = scrape.families.first { $0.name == "port_usage_scrape_collector_success" }
        #expect(success?.samples.map { $0.labels.map(\.value) } == [["echo"], ["process"]])
        let duration = scrape.families.first { $0.name == "port_usage_scrape_collector_duration_seconds" }
        #expect(duration?.samples.count == 2)
        #expect(scrape.keeping(collectors: ["process"]).families.allSatisfy { $0.name != echo?.name })
    }

    @Test func theReadIsTheUnionOfTheDemands() {
        let listeners = SocketDemand.listeners(of: [.tcp, .udp])
        let owners = SocketDemand(
            tables: [.tcp6], connections: false, everySocket: false, listenerSockets: true)
        let union = listeners.union(owners).union(.nothing)
        #expect(union.tables == [.tcp, .tcp6, .udp])
        #expect(union.listenerSockets && !union.connections && !union.everySocket)
    }

    @Test func theStandardCollectorsKeepTheirDefaults() {
        #expect(
            CollectorName.defaults == [.listeners, .connections, .changes, .owners, .process, .saturation])
        #expect(
            CollectorName.allCases == [
                .listeners, .connections, .changes, .owners, .sockets, .ephemeral, .process, .netns,
                .saturation,
            ])
    }
}
