import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Logs a recurring condition at most once per interval, with how often it happened since the last line.
final class RateLimitedLog: Sendable {
    private struct State {
        var lastLogged: NIODeadline?
        var suppressed = 0
    }

    private let logger: Logger
    private let interval: TimeAmount
    private let state = NIOLockedValueBox(State())

    init(logger: Logger, interval: TimeAmount = .seconds(10)) {
        self.logger = logger
        self.interval = interval
    }

    /// Logs `message` as a warning unless one was logged less than the interval ago.
    func warning(_ message: Logger.Message, metadata: Logger.Metadata = [:]) {
        let now = NIODeadline.now()
        let occurrences: Int? = state.withLockedValue { state in
            if let last = state.lastLogged, now - last < interval {
                state.suppressed += 1
                return nil
            }
            defer { state = State(lastLogged: now) }
            return state.suppressed + 1
        }
        guard let occurrences else { return }
        var metadata = metadata
        metadata["occurrences"] = "\(occurrences)"
        logger.warning(message, metadata: metadata)
    }
}
