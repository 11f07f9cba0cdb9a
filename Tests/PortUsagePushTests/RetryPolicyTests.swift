import PortUsageCurl
import Testing

@testable import PortUsagePush

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesWithinJitterAndIsCapped() {
        let policy = RetryPolicy(maxRetries: 10, initialBackoff: .milliseconds(500), maxBackoff: .seconds(4))
        var generator = SystemRandomNumberGenerator()
        let ceilings: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(4)]
        for (index, ceiling) in ceilings.enumerated() {
            for _ in 0..<200 {
                let wait = policy.backoff(beforeRetry: index + 1, using: &generator)
                #expect(wait >= ceiling / 2 && wait <= ceiling, "retry \(index + 1): \(wait)")
            }
        }
    }

    @Test func backoffDoesNotOverflowForLateRetries() {
        let policy = RetryPolicy(maxRetries: 100, maxBackoff: .seconds(30))
        var generator = SystemRandomNumberGenerator()
        #expect(policy.backoff(beforeRetry: 99, using: &generator) <= .seconds(30))
    }

    @Test func onlyServerErrorsAndTooManyRequestsAreRetried() {
        #expect(RetryPolicy.isRetryable(status: 500))
        #expect(RetryPolicy.isRetryable(status: 503))
        #expect(RetryPolicy.isRetryable(status: 429))
        #expect(!RetryPolicy.isRetryable(status: 400))
        #expect(!RetryPolicy.isRetryable(status: 401))
        #expect(!RetryPolicy.isRetryable(status: 404))
    }

    @Test func responseExcerptIsOneLineAndCut() {
        let response = HTTPResponse(
            status: 400, body: Array("bad\nrequest\tx".utf8) + Array(repeating: 65, count: 300))
        let excerpt = response.bodyExcerpt(limit: 20)
        #expect(excerpt == "bad request xAAAAAAA...")
    }
}
