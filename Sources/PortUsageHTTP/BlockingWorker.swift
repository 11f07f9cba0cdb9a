import NIOConcurrencyHelpers
import NIOCore
import PortUsageCore

/// Where results of blocking work re-enter the event loop, while the server runs.
///
/// Once closed (at shutdown, before the event loop stops), results are dropped instead of being scheduled
/// on a loop that is going away; blocking work that outlives the server (a read stuck in the kernel)
/// therefore never touches it.
final class LoopGate: Sendable {
    private let open = NIOLockedValueBox(true)

    init() {}

    /// Runs `body` on `loop` unless the gate is closed.
    func execute(on loop: any EventLoop, _ body: @escaping @Sendable () -> Void) {
        open.withLockedValue { open in
            if open { loop.execute(body) }
        }
    }

    /// Drops every later result.
    func close() {
        open.withLockedValue { $0 = false }
    }
}

/// One ``BlockingLane`` for one kind of the server's blocking work (collecting, reloading, verifying
/// passwords), whose results come back to the event loop through the server's ``LoopGate``.
struct BlockingWorker: Sendable {
    private let lane: BlockingLane
    private let gate: LoopGate

    init(_ label: String, gate: LoopGate) {
        lane = BlockingLane(label)
        self.gate = gate
    }

    /// How long the current job has run, or nil when the worker is free.
    var busyFor: TimeAmount? { lane.busyFor.map { TimeAmount($0) } }

    /// Runs `body` on the worker's lane, then `completion` with its result on `loop` (unless the server
    /// stopped meanwhile).
    func run<Value: Sendable>(
        on loop: any EventLoop, _ body: @escaping @Sendable () throws -> Value,
        then completion: @escaping @Sendable (Result<Value, any Error>) -> Void
    ) {
        lane.submit { [gate] in
            let result = Result { try body() }
            gate.execute(on: loop) { completion(result) }
        }
    }
}
