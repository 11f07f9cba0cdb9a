import NIOCore

/// What `/-/healthy` reports: healthy unless a collection or a reload has been stuck for longer than
/// `stuckAfter`, so that a supervisor (a Kubernetes liveness probe) restarts an exporter whose reads
/// hang in the kernel instead of trusting it.
struct HealthCheck: Sendable {
    let coalescer: ScrapeCoalescer
    let reloadWorker: BlockingWorker
    let stuckAfter: TimeAmount

    /// Why the exporter is unhealthy, or nil.
    func problem() -> String? {
        if let running = coalescer.collectionRunningFor, running > stuckAfter {
            return "a collection has been running for \(running.nanoseconds / 1_000_000_000) s"
        }
        if let running = reloadWorker.busyFor, running > stuckAfter {
            return "a reload has been running for \(running.nanoseconds / 1_000_000_000) s"
        }
        return nil
    }
}
