import Logging
import ServiceLifecycle
import UnixSignals

/// Waits for SIGTERM or SIGINT, logs which, and returns, which shuts the service group down gracefully
/// (it runs with `successTerminationBehavior: .gracefullyShutdownGroup`).
struct TerminationSignals: Service {
    let logger: Logger

    func run() async {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint).cancelOnGracefulShutdown()
        for await signal in signals {
            logger.info("shutting down", metadata: ["signal": "\(signal)"])
            return
        }
    }
}
