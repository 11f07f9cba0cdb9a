import PortUsageCore

/// When and how long to wait before trying a failed push again: capped exponential backoff with jitter.
public struct RetryPolicy: Sendable, Equatable {
    /// Retries after the first attempt.
    public var maxRetries: Int
    /// The wait before the first retry, before jitter; it doubles with each further retry.
    public var initialBackoff: Duration
    /// The longest wait between two attempts.
    public var maxBackoff: Duration

    public init(
        maxRetries: Int, initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(30)
    ) {
        self.maxRetries = maxRetries
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// The wait before retry number `retry` (1-based): uniformly random in the upper half of the capped
    /// exponential, so that many hosts pushing at once spread out but never retry at once.
    public func backoff(beforeRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Duration
    {
        let exponential = initialBackoff.seconds * Double(1 << min(max(retry - 1, 0), 30))
        let capped = min(exponential, maxBackoff.seconds)
        let seconds = Double.random(in: (capped / 2)...capped, using: &generator)
        return .saturating(seconds: seconds)
    }

    /// Whether an answer with this HTTP status is worth retrying: server errors and 429, not other client
    /// errors, which the same request would only get again.
    public static func isRetryable(status: Int) -> Bool {
        status == 429 || status >= 500
    }
}
