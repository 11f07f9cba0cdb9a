import NIOConcurrencyHelpers
import NIOPosix
import PortUsageCore
import PortUsageHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// A scrape source that reads no socket and no file: two collectors, `alpha` and `beta`, each with one
/// gauge, and a third, `gamma`, that is known but does not run. Its collection, or its fallback, can be
/// held until released, and it records where each fallback ran.
final class FakeScrapeSource: ScrapeSource {
    let collectorNames = ["alpha", "beta"]
    let knownCollectorNames = ["alpha", "beta", "gamma"]
    private let collectionHeld: NIOLockedValueBox<Bool>
    private let fallbackHeld: NIOLockedValueBox<Bool>
    private let fallbacks = NIOLockedValueBox<[(reason: String, onEventLoop: Bool)]>([])

    init(collectionHeld: Bool = false, fallbackHeld: Bool = false) {
        self.collectionHeld = NIOLockedValueBox(collectionHeld)
        self.fallbackHeld = NIOLockedValueBox(fallbackHeld)
    }

    /// Every fallback so far: its reason, and whether it ran on an event-loop thread.
    var fallbacksTaken: [(reason: String, onEventLoop: Bool)] { fallbacks.withLockedValue { $0 } }

    /// Lets a held collection and a held fallback answer.
    func release() {
        collectionHeld.withLockedValue { $0 = false }
        fallbackHeld.withLockedValue { $0 = false }
    }

    func collect(deadline: ContinuousClock.Instant?) -> Scrape {
        while collectionHeld.withLockedValue({ $0 }) { usleep(1000) }
        return Self.scrape(success: true)
    }

    func collectWithoutSockets(because reason: String) -> Scrape {
        let onEventLoop = MultiThreadedEventLoopGroup.currentEventLoop != nil
        fallbacks.withLockedValue { $0.append((reason, onEventLoop)) }
        while fallbackHeld.withLockedValue({ $0 }) { usleep(1000) }
        return Self.scrape(success: false)
    }

    /// One gauge per collector (only when it succeeded) and the per-collector success series.
    private static func scrape(success: Bool) -> Scrape {
        let collectors = ["alpha", "beta"]
        let own = success ? collectors.map { Self.gauge("fake_\($0)_value", value: 1) } : []
        let outcomes = collectors.map {
            CollectorOutcome(collector: $0, success: success, durationSeconds: 0)
        }
        let status = MetricFamily(
            name: "port_usage_scrape_collector_success", help: "Whether a collector succeeded.", type: .gauge,
            samples: outcomes.map {
                Sample(labels: [Label("collector", $0.collector)], value: success ? 1 : 0)
            })
        return Scrape(
            families: own + [status], outcomes: outcomes,
            collectorFamilies: success ? ["alpha": 0..<1, "beta": 1..<2] : [:])
    }

    private static func gauge(_ name: String, value: Double) -> MetricFamily {
        MetricFamily(name: name, help: "A fake value.", type: .gauge, samples: [Sample(value: value)])
    }
}
