import Logging
import PortUsageCore
import ServiceLifecycle

/// The changes collector's background poll: reads the listeners at a fixed interval on a lane of its own
/// (a read is blocking work, and a slow poll must not delay a scrape), so that a listener that opens and
/// closes between two scrapes is recorded.
struct ListenerPoller: Service {
    let collector: PortUsageCollector
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let lane = BlockingLane("poll")
        let clock = ContinuousClock()
        await cancelWhenGracefulShutdown {
            var failing = false
            var next = clock.now
            while !Task.isCancelled {
                let deadline = clock.now + interval
                let errors = await lane.run { collector.pollListeners(deadline: deadline) }
                if let errors, errors.isEmpty == failing {
                    failing = !errors.isEmpty
                    if failing {
                        logger.warning(
                            "polling the listeners failed; changes are recorded on scrapes only until it works again",
                            metadata: ["err": "\(errors.map(\.description).joined(separator: "; "))"])
                    } else {
                        logger.info("polling the listeners works again")
                    }
                }
                next = max(next + interval, clock.now)
                do {
                    try await clock.sleep(until: next)
                } catch {
                    return
                }
            }
        }
    }
}
