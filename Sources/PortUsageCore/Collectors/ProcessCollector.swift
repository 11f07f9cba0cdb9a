/// The exporter's own `process_*` metrics.
struct ProcessCollector: Collector {
    let metrics: ProcessMetrics

    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws {
        families += try metrics.families()
    }
}
