import Dispatch
import Synchronization

/// The one collection path of serve mode: every sink (HTTP scrapes, the push and textfile schedules) asks
/// here, and a caller that asks while a collection runs waits for that collection instead of starting its
/// own, so the socket tables are read once however many sinks publish at the same moment.
///
/// What the sinks themselves count (pushes, textfile writes) is not a collector input: each sink provides
/// its families, which are added to every collection handed out here.
public final class SharedCollection: Sendable {
    /// The collection in flight, which callers that arrive meanwhile wait for.
    private final class InFlight: Sendable {
        let finished = DispatchSemaphore(value: 0)
        let result = Locked<Scrape?>(nil)
    }

    private struct State {
        var inFlight: InFlight?
        var waiting = 0
    }

    /// The collector every collection comes from.
    public let collector: PortUsageCollector
    private let sinkFamilies: @Sendable () -> [MetricFamily]
    private let state = Locked(State())
    private let started = Atomic<Int>(0)
    /// Where the sinks' schedules collect (HTTP scrapes collect on the server's own lane).
    private let lane = BlockingLane("sink-collection")

    /// Shares `collector`'s collections, each with the families `sinkFamilies` gives at that moment added.
    public init(
        collector: PortUsageCollector, sinkFamilies: @escaping @Sendable () -> [MetricFamily] = { [] }
    ) {
        self.collector = collector
        self.sinkFamilies = sinkFamilies
    }

    /// How many collections have been started; callers that joined one do not count.
    public var collectionsStarted: Int { started.load(ordering: .relaxed) }

    /// How many callers wait for the collection in flight.
    var waitingCallers: Int { state.withLock { $0.waiting } }

    /// The collection in flight, or a new one; blocks until it is done. A read still running at
    /// `deadline` fails with a timeout (a caller that joins waits for the deadline of the one that started
    /// it).
    public func collect(deadline: ContinuousClock.Instant? = nil) -> Scrape {
        let (inFlight, runs) = state.withLock { state -> (InFlight, Bool) in
            if let inFlight = state.inFlight {
                state.waiting += 1
                return (inFlight, false)
            }
            let inFlight = InFlight()
            state.inFlight = inFlight
            return (inFlight, true)
        }
        guard runs else {
            inFlight.finished.wait()
            return inFlight.result.withLock { $0! }
        }
        started.add(1, ordering: .relaxed)
        var scrape = collector.collect(deadline: deadline)
        scrape.families += sinkFamilies()
        inFlight.result.withLock { $0 = scrape }
        let waiting = state.withLock { state in
            defer { (state.inFlight, state.waiting) = (nil, 0) }
            return state.waiting
        }
        for _ in 0..<waiting { inFlight.finished.signal() }
        return scrape
    }

    /// ``collect(deadline:)`` on a lane of its own, awaited without holding a thread of the cooperative
    /// pool: how the push and textfile schedules and commands collect.
    public func collectOffPool() async -> Scrape {
        await lane.run { self.collect() }
    }

    /// Everything but the socket tables, reported failed for `reason`, with the sinks' families: the
    /// answer to a scrape whose collection overran its timeout.
    public func collectWithoutSockets(because reason: String) -> Scrape {
        var scrape = collector.collectWithoutSockets(because: reason)
        scrape.families += sinkFamilies()
        return scrape
    }
}
