import Logging
import PortUsageCore

/// Publishes to one sink at a fixed interval until cancelled; a failure is logged and the schedule goes on.
struct PeriodicPublisher {
    let sink: any MetricsSink
    let interval: Duration
    let logger: Logger

    /// Runs until the task is cancelled. A publish in progress when it is cancelled is finished or
    /// abandoned at its next wait, never cut in the middle of a request or a write.
    func run() async {
        let clock = ContinuousClock()
        var deadline = clock.now
        while !Task.isCancelled {
            do {
                try await sink.publish()
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
