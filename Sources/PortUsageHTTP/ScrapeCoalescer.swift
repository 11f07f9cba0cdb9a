import NIOCore
import NIOPosix
import PortUsageCore
import Synchronization

/// Collects on scrape, off the event loop, and lets scrapes that arrive while a collection runs share it.
final class ScrapeCoalescer: Sendable {
    private let collector: PortUsageCollector
    private let inFlight = Mutex<EventLoopFuture<Scrape>?>(nil)
    private let started = Atomic<Int>(0)

    init(collector: PortUsageCollector) {
        self.collector = collector
    }

    /// How many collections have been started; scrapes that joined one do not count.
    var collectionsStarted: Int { started.load(ordering: .relaxed) }

    /// The collection in flight, or a new one run on `threadPool`; completed on `eventLoop`.
    func scrape(on eventLoop: any EventLoop, threadPool: NIOThreadPool) -> EventLoopFuture<Scrape> {
        let future = inFlight.withLock { current in
            if let current { return current }
            started.add(1, ordering: .relaxed)
            // The work item takes the lock to clear it, so it cannot finish before `current` is set.
            let collection = threadPool.runIfActive(eventLoop: eventLoop) { [self] in
                defer { inFlight.withLock { $0 = nil } }
                return collector.collect()
            }
            current = collection
            return collection
        }
        return future.hop(to: eventLoop)
    }
}
