/// Publishes each collection to a file for node_exporter's textfile collector, counting writes.
public struct TextfileSink: MetricsSink {
    public let name = "textfile"
    private let writer: TextfileWriter
    private let collector: PortUsageCollector
    private let statistics: SinkStatistics

    public init(writer: TextfileWriter, collector: PortUsageCollector, statistics: SinkStatistics) {
        self.writer = writer
        self.collector = collector
        self.statistics = statistics
    }

    /// Collects, then replaces the file atomically; throws ``FileSystemError`` when the write fails.
    public func publish() async throws {
        let (writer, collector, statistics) = (writer, collector, statistics)
        let result = await runBlocking {
            let families = collector.collect().families
            let clock = ContinuousClock()
            let start = clock.now
            let result = Result { () throws(FileSystemError) in try writer.write(families) }
            statistics.record(
                success: (try? result.get()) != nil, durationSeconds: (clock.now - start).seconds)
            return result
        }
        try result.get()
    }
}
