import Testing

@testable import PortUsageCore

/// The exporter's own families: one sample per collector, skipped input by table and source, the source
/// of each table, and the build and registry in use.
@Suite("self metrics")
struct SelfMetricsTests {
    static let families = SelfMetrics(
        buildInfo: BuildInfo(version: "1.2.3", revision: "abc", swiftVersion: "6.3.1"), registry: .embedded
    ).families(
        outcomes: [
            CollectorOutcome(collector: "connections", success: false, durationSeconds: 0.25),
            CollectorOutcome(collector: "listeners", success: true, durationSeconds: 0.5),
        ],
        skippedInput: [
            SkippedInputKey(source: .procfs, table: .udp6): 2,
            SkippedInputKey(source: .netlink, table: .tcp): 1,
        ],
        sources: [.tcp6: .netlink, .tcp: .procfs])

    static func samples(_ name: String) -> [String] {
        let family = families.first { $0.name == name }
        return (family?.samples ?? []).map { sample in
            let labels: [String] = sample.labels.map { label in label.name + "=" + label.value }
            return labels.joined(separator: ",") + " " + String(sample.value)
        }
    }

    @Test func eachCollectorHasItsSuccessAndDuration() {
        #expect(
            Self.samples("port_usage_scrape_collector_success") == [
                "collector=connections 0.0", "collector=listeners 1.0",
            ])
        #expect(
            Self.samples("port_usage_scrape_collector_duration_seconds") == [
                "collector=connections 0.25", "collector=listeners 0.5",
            ])
    }

    @Test func skippedInputAndSourcesAreByTable() {
        #expect(
            Self.samples("port_usage_parse_errors_total") == [
                "protocol=tcp,family=ipv4,source=netlink 1.0", "protocol=udp,family=ipv6,source=procfs 2.0",
            ])
        #expect(
            Self.samples("port_usage_socket_source_info") == [
                "protocol=tcp,family=ipv4,source=procfs 1.0", "protocol=tcp,family=ipv6,source=netlink 1.0",
            ])
    }

    @Test func buildAndRegistryAreInfoSeries() {
        #expect(
            Self.samples("port_usage_exporter_build_info") == [
                "version=1.2.3,revision=abc,swift_version=6.3.1 1.0"
            ])
        let registry = Self.samples("port_usage_registry_info")
        #expect(registry.count == 1 && registry[0].hasPrefix("source=embedded,updated="))
    }
}
