import Logging
import PortUsageTestSupport
import Testing

@testable import PortUsageCore

/// The changes poll keeps no listening sockets: it must not take the scrape's reservation away.
@Suite("read size hints")
struct ReadSizeHintsTests {
    @Test func thePollAndTheScrapeKeepAHintEach() {
        let collector = PortUsageCollector(
            source: ProcNetSource(procRoot: Fixtures.procRoot),
            classifier: PortClassifier(registry: .embedded),
            options: CollectorOptions(enabled: [.listeners, .owners, .changes]),
            buildInfo: BuildInfo(version: "1", revision: "r", swiftVersion: "6"),
            owners: OwnerResolver(procRoot: Fixtures.procRoot, cgroupRoot: Fixtures.procRoot + "/no-cgroups"),
            procRoot: Fixtures.procRoot, logger: Logger(label: "test"))
        _ = collector.collect()
        let scrape = collector.sizeHints.withLock { $0.scrape }
        #expect(scrape.keys > 0 && scrape.sockets >= scrape.keys)
        collector.pollListeners()
        let after = collector.sizeHints.withLock { $0 }
        #expect(after.scrape.keys == scrape.keys && after.scrape.sockets == scrape.sockets)
        #expect(after.poll.keys == scrape.keys && after.poll.sockets == 0)
    }
}
