import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

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

/// One thread for one kind of blocking work (collecting, reloading, verifying passwords), so that a stuck
/// job of one kind never delays another kind.
final class BlockingWorker: Sendable {
    private let pool: NIOThreadPool
    private let gate: LoopGate
    private let busySince = NIOLockedValueBox<NIODeadline?>(nil)

    init(gate: LoopGate) {
        self.gate = gate
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
    }

    /// How long the current job has run, or nil when the worker is free.
    var busyFor: TimeAmount? {
        busySince.withLockedValue { since in since.map { .now() - $0 } }
    }

    /// Runs `body` on the worker's thread, then `completion` with its result on `loop` (unless the server
    /// stopped meanwhile).
    func run<Value: Sendable>(
        on loop: any EventLoop, _ body: @escaping @Sendable () throws -> Value,
        then completion: @escaping @Sendable (Result<Value, any Error>) -> Void
    ) {
        pool.submit { [self] state in
            guard state == .active else { return }
            busySince.withLockedValue { $0 = .now() }
            let result = Result { try body() }
            busySince.withLockedValue { $0 = nil }
            gate.execute(on: loop) { completion(result) }
        }
    }

    /// Lets the thread end once its current job is done, without waiting for it.
    func stop() {
        pool.shutdownGracefully { _ in }
    }
}
