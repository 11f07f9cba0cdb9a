import NIOConcurrencyHelpers
import NIOCore
import PortUsageCore
import Synchronization

/// Collects on scrape on the collection worker, lets scrapes that arrive while a collection runs share it,
/// and answers a scrape whose collection overruns its timeout without the socket collectors.
///
/// A collection that overruns (a read stuck in the kernel) is not abandoned: later scrapes wait for it in
/// turn, each up to its own timeout, and the first scrape after it ends starts a fresh one. The answer to
/// an overrun is collected on a fallback worker: it reads files too (the process metrics), which must not
/// block the event loop, and the collection worker is the one that is stuck.
final class ScrapeCoalescer: Sendable {
    typealias Completion = @Sendable (Scrape) -> Void

    private struct Waiter {
        var completion: Completion
        var timer: Scheduled<Void>
    }

    private struct InFlight {
        var waiters: [Int: Waiter] = [:]
    }

    private struct State {
        var inFlight: InFlight?
        var nextWaiter = 0
    }

    /// What scrapes collect from.
    let source: any ScrapeSource
    private let worker: BlockingWorker
    private let fallbackWorker: BlockingWorker
    private let state = NIOLockedValueBox(State())
    private let started = Atomic<Int>(0)

    /// Collects from `source` on `worker`, and answers overruns on `fallbackWorker`.
    init(source: any ScrapeSource, worker: BlockingWorker, fallbackWorker: BlockingWorker) {
        self.source = source
        self.worker = worker
        self.fallbackWorker = fallbackWorker
    }

    /// How many collections have been started; scrapes that joined one do not count.
    var collectionsStarted: Int { started.load(ordering: .relaxed) }

    /// How long the collection in flight has run, or nil when none runs.
    var collectionRunningFor: TimeAmount? { worker.busyFor }

    /// Forgets the scrapes waiting for a collection (at shutdown, once results can no longer be delivered):
    /// they hold their connections, which hold this coalescer.
    func abandonWaiters() {
        for waiter in takeWaiters() { waiter.timer.cancel() }
    }

    /// Calls `completion` on `eventLoop` with the collection in flight or a new one, or, after `timeout`,
    /// with a collection in which the socket collectors failed for having timed out.
    func scrape(on eventLoop: any EventLoop, timeout: TimeAmount, completion: @escaping Completion) {
        let waiter = state.withLockedValue { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        let timer = eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            // Still waiting (not answered by the collection, nor abandoned at shutdown): answer without it.
            let overran = state.withLockedValue { $0.inFlight?.waiters.removeValue(forKey: waiter) != nil }
            guard overran else { return }
            let reason = "timed out after \(Double(timeout.nanoseconds) / 1e9) s"
            fallbackWorker.run(
                on: eventLoop, { [source] in source.collectWithoutSockets(because: reason) },
                then: { result in
                    guard case .success(let scrape) = result else { return }
                    completion(scrape)
                })
        }
        let startsCollection = state.withLockedValue { state in
            let startsCollection = state.inFlight == nil
            state.inFlight = state.inFlight ?? InFlight()
            state.inFlight?.waiters[waiter] = Waiter(completion: completion, timer: timer)
            return startsCollection
        }
        guard startsCollection else { return }
        started.add(1, ordering: .relaxed)
        let deadline = ContinuousClock.now + .nanoseconds(timeout.nanoseconds)
        worker.run(on: eventLoop, { [source] in source.collect(deadline: deadline) }, then: finish)
    }

    /// Hands a finished collection to every scrape still waiting for it.
    private func finish(_ result: Result<Scrape, any Error>) {
        let waiters = takeWaiters()
        guard case .success(let scrape) = result else { return }
        for waiter in waiters {
            waiter.timer.cancel()
            waiter.completion(scrape)
        }
    }

    /// Ends the collection in flight and returns the scrapes that were waiting for it.
    private func takeWaiters() -> [Waiter] {
        state.withLockedValue { state in
            defer { state.inFlight = nil }
            return state.inFlight.map { Array($0.waiters.values) } ?? []
        }
    }
}
