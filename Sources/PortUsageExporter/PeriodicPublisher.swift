import Logging
import PortUsageCore
import ServiceLifecycle

/// Publishes the shared collection to one sink at a fixed interval until graceful shutdown; a failure is
/// logged and the schedule goes on.
struct PeriodicPublisher: Service {
    let sink: any MetricsSink
    let collection: SharedCollection
    let interval: Duration
    let logger: Logger

    /// Runs until graceful shutdown or cancellation. A publish in progress then is finished or abandoned
    /// at its next wait, never cut in the middle of a request or a write.
    func run() async {
        await cancelWhenGracefulShutdown {
            let clock = ContinuousClock()
            var deadline = clock.now
            while !Task.isCancelled {
                do {
                    try await sink.publish(await collection.collectOffPool())
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("publishing failed", metadata: ["sink": "\(sink.name)", "err": "\(error)"])
                }
                deadline = max(deadline + interval, clock.now)
                do {
                    try await clock.sleep(until: deadline)
                } catch {
                    return
                }
            }
        }
    }
}
