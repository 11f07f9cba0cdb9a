import Testing

@testable import PortUsageCore

/// Durations from flags and config files reach integer conversions (libcurl's milliseconds, backoffs):
/// none may trap, however long.
@Suite("duration conversions")
struct DurationConversionTests {
    @Test func wholeMillisecondsSaturate() {
        #expect(Duration.seconds(10).saturatingMilliseconds == 10_000)
        #expect(Duration.milliseconds(1500).saturatingMilliseconds == 1500)
        #expect(Duration.seconds(Int64.max).saturatingMilliseconds == .max)
        #expect(Duration.seconds(Int64.min).saturatingMilliseconds == .min)
        let longest = try? PrometheusDuration.parse("292471208y")
        #expect(longest?.saturatingMilliseconds ?? 0 > 9_000_000_000_000_000_000)
    }

    @Test(arguments: [
        (Double.nan, Duration.zero), (-1, .zero), (0, .zero), (1.5, .milliseconds(1500)),
        (.infinity, .milliseconds(Int64.max)), (1e300, .milliseconds(Int64.max)),
        (9.3e15, .milliseconds(Int64.max)),
    ])
    func secondsSaturate(seconds: Double, expected: Duration) {
        #expect(Duration.saturating(seconds: seconds) == expected)
    }
}
