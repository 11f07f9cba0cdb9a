public import Logging
public import PortUsageCore
public import PortUsageCurl

/// Pushes the exposition to one group on a Pushgateway, retrying with backoff, and counts every request
/// in ``SinkStatistics``.
///
/// Every failure is logged with the HTTP status and the start of the gateway's answer. Credentials are
/// never logged: the URL in messages has any `user:password@` removed.
public struct Pusher: Sendable {
    public let group: PushgatewayGroup
    public let method: PushMethod
    private let client: CurlHTTPClient
    private let retry: RetryPolicy
    /// What this pusher has done: requests by result, the last one's duration, the last success.
    public let statistics = SinkStatistics(names: SinkStatistics.pushNames)
    private let logger: Logger
    /// Where the body is encoded and libcurl's blocking transfers run.
    let lane = BlockingLane("push")

    public init(
        group: PushgatewayGroup, method: PushMethod, client: CurlHTTPClient, retry: RetryPolicy,
        logger: Logger
    ) {
        self.group = group
        self.method = method
        self.client = client
        self.retry = retry
        self.logger = logger
    }

    /// The text-format body of a push: the families as `/metrics` serves them, without timestamps.
    public static func body(of families: [MetricFamily]) -> [UInt8] {
        ExpositionEncoder.encode(families, format: .prometheusText)
    }

    /// Pushes `body`, retrying transport failures, 5xx and 429 per the retry policy. Throws ``PushError``
    /// after the last attempt fails, or `CancellationError` when cancelled while waiting to retry.
    public func push(_ body: [UInt8]) async throws {
        let request = HTTPRequest(
            method: method.httpMethod, url: group.url,
            headers: ["Content-Type: \(ExpositionFormat.prometheusText.contentType)"], body: body)
        var generator = SystemRandomNumberGenerator()
        let attempts = retry.maxRetries + 1
        for attempt in 1...attempts {
            if attempt > 1 {
                try await Task.sleep(for: retry.backoff(beforeRetry: attempt - 1, using: &generator))
            }
            let failure = await send(request, attempt: attempt, of: attempts)
            guard let failure else { return }
            if !failure.retryable || attempt == attempts {
                throw PushError(
                    "\(method.httpMethod) \(group.redactedURL) failed after \(attempt) attempt(s): \(failure.reason)"
                )
            }
        }
    }

    /// Deletes the group from the gateway: one attempt, as the exporter is on its way out.
    public func deleteGroup() async throws(PushError) {
        let request = HTTPRequest(method: "DELETE", url: group.url)
        if let failure = await send(request, attempt: 1, of: 1) {
            throw PushError("DELETE \(group.redactedURL) failed: \(failure.reason)")
        }
    }

    private struct Failure {
        var reason: String
        var retryable: Bool
    }

    /// One request; records it and logs a failure. Returns nil on a 2xx answer.
    private func send(_ request: HTTPRequest, attempt: Int, of attempts: Int) async -> Failure? {
        let clock = ContinuousClock()
        let start = clock.now
        let client = client
        let result = await lane.run {
            Result { () throws(HTTPTransportError) in try client.send(request) }
        }
        let seconds = (clock.now - start).seconds
        let failure: Failure?
        var metadata: Logger.Metadata = [
            "method": "\(request.method)", "url": "\(group.redactedURL)", "attempt": "\(attempt)/\(attempts)",
            "duration_seconds": "\(seconds)",
        ]
        switch result {
        case .success(let response) where (200..<300).contains(response.status):
            failure = nil
            metadata["status"] = "\(response.status)"
        case .success(let response):
            failure = Failure(
                reason: "HTTP \(response.status): \(response.bodyExcerpt())",
                retryable: RetryPolicy.isRetryable(status: response.status))
            metadata["status"] = "\(response.status)"
            metadata["body"] = "\(response.bodyExcerpt())"
        case .failure(let error):
            failure = Failure(reason: error.message, retryable: true)
            metadata["err"] = "\(error.message)"
        }
        statistics.record(success: failure == nil, durationSeconds: seconds)
        if failure == nil {
            logger.debug("push request succeeded", metadata: metadata)
        } else {
            logger.warning("push request failed", metadata: metadata)
        }
        return failure
    }
}
