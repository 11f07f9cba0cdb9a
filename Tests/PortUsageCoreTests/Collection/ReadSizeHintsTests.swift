import Logging
import PortUsageTestSupport
import Synchronization
import Testing

@testable import PortUsageCore

/// The changes poll and the scrapes read different sets of tables: each keeps its own size hint, and the
/// poll does not read while a collection does.
@Suite("read size hints")
struct ReadSizeHintsTests {
    private static func collector(_ source: some SocketSource, tables: [SocketTable] = SocketTable.allCases)
        -> PortUsageCollector
    {
        PortUsageCollector(
            source: source, classifier: PortClassifier(registry: .embedded),
            options: CollectorOptions(enabled: [.listeners, .owners, .changes], tables: tables),
            buildInfo: BuildInfo(version: "1", revision: "r", swiftVersion: "6"),
            owners: OwnerResolver(procRoot: Fixtures.procRoot, cgroupRoot: Fixtures.procRoot + "/no-cgroups"),
            procRoot: Fixtures.procRoot, logger: Logger(label: "test"))
    }

    @Test func thePollAndTheScrapeKeepAHintEach() {
        let collector = Self.collector(ProcNetSource(procRoot: Fixtures.procRoot))
        _ = collector.collect()
        let keys = collector.sizeHints.withLock { $0.scrape }
        #expect(keys > 0)
        collector.sizeHints.withLock { $0.scrape = 12345 }
        #expect(collector.pollListeners()?.isEmpty == true)
        let after = collector.sizeHints.withLock { $0 }
        #expect(after.scrape == 12345 && after.poll == keys)
    }

    @Test func thePollReadsNothingWhileACollectionRuns() async {
        let source = CountingSource(held: true)
        let collector = Self.collector(source, tables: [.tcp])
        async let collected = BlockingLane("collection").run { collector.collect() }
        for _ in 0..<2000 where source.calls.load(ordering: .relaxed) == 0 {
            try? await Task.sleep(for: .milliseconds(5))
        }
        #expect(collector.pollListeners() == nil)
        #expect(source.calls.load(ordering: .relaxed) == 1)
        source.release()
        _ = await collected
        #expect(collector.pollListeners()?.isEmpty == true)
        #expect(source.calls.load(ordering: .relaxed) == 2)
    }

    /// malloc's freed pages are given back as each collection starts, not by the poll between scrapes.
    @Test func eachCollectionStartsByReleasingFreedMemory() {
        let releases = Atomic<Int>(0)
        let collector = PortUsageCollector(
            source: ProcNetSource(procRoot: Fixtures.procRoot),
            classifier: PortClassifier(registry: .embedded),
            options: CollectorOptions(enabled: [.listeners, .changes]),
            buildInfo: BuildInfo(version: "1", revision: "r", swiftVersion: "6"), procRoot: Fixtures.procRoot,
            logger: Logger(label: "test"), releaseFreedMemory: { releases.add(1, ordering: .relaxed) })
        _ = collector.collect()
        _ = collector.pollListeners()
        _ = collector.collect()
        #expect(releases.load(ordering: .relaxed) == 2)
    }
}
