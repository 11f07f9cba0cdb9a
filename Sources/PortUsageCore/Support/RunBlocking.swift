import Dispatch

/// Runs blocking work (file reads, a libcurl transfer) on a Dispatch worker thread and waits for it
/// without holding one of the few threads of Swift's cooperative pool.
public func runBlocking<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: work()) }
    }
}
