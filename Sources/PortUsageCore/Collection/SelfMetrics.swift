/// The exporter's metrics about itself: per-collector duration and success, skipped lines, build and
/// registry info.
struct SelfMetrics {
    let buildInfo: BuildInfo
    let registry: IANARegistry

    /// The families for one scrape; `outcomes` are in collector-name order.
    func families(
        outcomes: [CollectorOutcome], skippedInput: [SkippedInputKey: Int],
        sources: [SocketTable: SocketSourceKind]
    ) -> [MetricFamily] {
        [
            MetricFamily(
                name: "port_usage_scrape_collector_duration_seconds",
                help: "Duration of a collector scrape in seconds.", type: .gauge,
                samples: outcomes.map {
                    Sample(labels: [Label("collector", $0.collector)], value: $0.durationSeconds)
                }),
            MetricFamily(
                name: "port_usage_scrape_collector_success",
                help: "Whether a collector succeeded (1) or failed (0).",
                type: .gauge,
                samples: outcomes.map {
                    Sample(labels: [Label("collector", $0.collector)], value: $0.success ? 1 : 0)
                }),
            MetricFamily(
                name: "port_usage_parse_errors_total",
                help:
                    "Malformed socket table lines (procfs) or messages (netlink) skipped since the exporter started.",
                type: .counter,
                samples: skippedInput.sorted { ($0.key.source, $0.key.table) < ($1.key.source, $1.key.table) }
                    .map {
                        Sample(
                            labels: Self.tableLabels($0.key.table) + [
                                Label("source", $0.key.source.rawValue)
                            ], value: Double($0.value))
                    }),
            MetricFamily(
                name: "port_usage_socket_source_info",
                help: "The source each socket table is read from: netlink (sock_diag) or procfs.",
                type: .gauge,
                samples: sources.sorted { $0.key < $1.key }.map {
                    Sample(labels: Self.tableLabels($0.key) + [Label("source", $0.value.rawValue)], value: 1)
                }),
            MetricFamily(
                name: "port_usage_exporter_build_info",
                help: "A metric with a constant '1' value labeled by version, revision and Swift version.",
                type: .gauge,
                samples: [
                    Sample(
                        labels: [
                            Label("version", buildInfo.version), Label("revision", buildInfo.revision),
                            Label("swift_version", buildInfo.swiftVersion),
                        ], value: 1)
                ]),
            MetricFamily(
                name: "port_usage_registry_info",
                help: "The IANA port registry in use: embedded or loaded from a file.", type: .gauge,
                samples: [
                    Sample(
                        labels: [
                            Label("source", registry.source.rawValue), Label("updated", registry.updated),
                            Label("records", String(registry.recordCount)),
                        ], value: 1)
                ]),
        ]
    }

    private static func tableLabels(_ table: SocketTable) -> [Label] {
        [Label("protocol", table.transport.rawValue), Label("family", table.family.rawValue)]
    }
}
