import Dispatch
import Synchronization

/// A lane for one kind of blocking work (collecting, polling, reloading, checking a password, writing a
/// file, a libcurl transfer): jobs run one at a time, in order, on a thread outside Swift's cooperative
/// pool and outside NIO's event loops, so that a job stuck in the kernel blocks only its own kind.
///
/// This is the exporter's one way of running blocking work; see docs/architecture.md for the threads and
/// the two other ways that must stay (NIO's event loop, and a thread of its own for `setns`).
public final class BlockingLane: Sendable {
    // A serial queue: libdispatch gives it a thread while it has work and takes it back when idle.
    private let queue: DispatchQueue
    private let busySince = Locked<ContinuousClock.Instant?>(nil)

    /// A lane named `label` (shown in debuggers and thread listings).
    public init(_ label: String) {
        queue = DispatchQueue(label: "port_usage_exporter.\(label)")
    }

    /// How long the current job has run, or nil when the lane is idle.
    public var busyFor: Duration? {
        busySince.withLock { since in since.map { ContinuousClock.now - $0 } }
    }

    /// Queues `job` and returns at once.
    public func submit(_ job: @escaping @Sendable () -> Void) {
        queue.async { [self] in
            busySince.withLock { $0 = ContinuousClock.now }
            job()
            busySince.withLock { $0 = nil }
        }
    }

    /// Runs `job` on the lane and waits for its result without holding a thread of the cooperative pool.
    public func run<Value: Sendable>(_ job: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: job()) }
        }
    }
}
