/// The exporter's own `process_*` metrics.
struct ProcessCollector: Collector {
    static let registration = CollectorRegistration(
        .process, enabledByDefault: true, summary: "the exporter's own process_* metrics"
    ) { ProcessCollector(metrics: $0.processMetrics) }

    let metrics: ProcessMetrics

    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws {
        families += try metrics.families()
    }
}
