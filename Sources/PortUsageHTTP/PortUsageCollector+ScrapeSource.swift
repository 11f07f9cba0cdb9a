public import PortUsageCore

/// The exporter's collector answers scrapes as it is; only the names of every known collector are added.
extension PortUsageCollector: ScrapeSource {
    public var knownCollectorNames: [String] { CollectorName.allCases.map(\.rawValue) }
}
