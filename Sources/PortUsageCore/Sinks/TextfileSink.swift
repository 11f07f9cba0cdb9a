/// Publishes collections to a file for node_exporter's textfile collector, counting writes.
public struct TextfileSink: MetricsSink {
    public let name = "textfile"
    private let writer: TextfileWriter
    private let statistics = SinkStatistics(names: SinkStatistics.textfileNames)
    /// Where the blocking write runs.
    private let lane = BlockingLane("textfile")

    public init(writer: TextfileWriter) {
        self.writer = writer
    }

    public var families: [MetricFamily] { statistics.families() }

    /// Replaces the file atomically with `scrape`'s families, off the cooperative pool; throws
    /// ``FileSystemError`` when the write fails.
    public func publish(_ scrape: Scrape) async throws {
        let (writer, statistics, families) = (writer, statistics, scrape.families)
        let result = await lane.run {
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
