public import PortUsageCore

/// The exporter's collector answers scrapes as it is; only the names of every known collector are added.
extension PortUsageCollector: ScrapeSource {
    public var knownCollectorNames: [String] { CollectorRegistry.standard.names.map(\.rawValue) }
}

/// Serve mode's one collection path, which the push and textfile schedules share with the scrapes.
extension SharedCollection: ScrapeSource {
    public var collectorNames: [String] { collector.collectorNames }
    public var knownCollectorNames: [String] { collector.knownCollectorNames }
}
