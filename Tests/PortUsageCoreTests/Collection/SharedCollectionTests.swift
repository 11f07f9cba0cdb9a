import Logging
import PortUsageTestSupport
import Synchronization
import Testing

@testable import PortUsageCore

/// Serve mode's one collection path: sinks that ask at the same moment share one read of the tables, and
/// every collection carries the sinks' own families.
@Suite("shared collection")
struct SharedCollectionTests {
    private func shared(_ source: some SocketSource, sinkFamilies: @escaping @Sendable () -> [MetricFamily])
        -> SharedCollection
    {
        SharedCollection(
            collector: PortUsageCollector(
                source: source, classifier: PortClassifier(registry: .embedded),
                options: CollectorOptions(enabled: [.listeners], tables: [.tcp]),
                buildInfo: BuildInfo(version: "1", revision: "r", swiftVersion: "6"),
                logger: Logger(label: "t")),
            sinkFamilies: sinkFamilies)
    }

    @Test func callersThatArriveDuringACollectionShareIt() async {
        let source = CountingSource(held: true)
        let collection = shared(source, sinkFamilies: { [] })
        let counts = await withTaskGroup(of: Int.self) { group in
            // Three callers on lanes of their own, as the HTTP collection worker and two schedules are.
            for caller in 0..<3 {
                group.addTask {
                    await BlockingLane("caller-\(caller)").run { collection.collect() }.listeners.count
                }
            }
            // Every caller is in before the one read is let go: one runs it, two wait.
            for _ in 0..<2000 where collection.waitingCallers < 2 {
                try? await Task.sleep(for: .milliseconds(5))
            }
            source.release()
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts == [1, 1, 1])
        #expect(collection.collectionsStarted == 1)
        #expect(source.calls.load(ordering: .relaxed) == 1)
        _ = await collection.collectOffPool()
        #expect(collection.collectionsStarted == 2)
    }

    @Test func everyCollectionCarriesTheSinksFamilies() {
        let sink = SinkStatistics(names: SinkStatistics.pushNames)
        sink.record(success: true, durationSeconds: 0.5, finishedAt: 100)
        let collection = shared(FixedListenerSource(), sinkFamilies: { sink.families() })
        let names = Set(collection.collect().families.map(\.name))
        #expect(names.contains("port_usage_push_requests_total"))
        #expect(names.contains("port_usage_listeners"))
        let fallback = Set(collection.collectWithoutSockets(because: "test").families.map(\.name))
        #expect(fallback.contains("port_usage_push_last_success_timestamp_seconds"))
    }
}
