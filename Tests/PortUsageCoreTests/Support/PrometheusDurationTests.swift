import PortUsageCore
import Testing

@Suite struct PrometheusDurationTests {
    @Test(arguments: [
        ("0", Duration.zero), ("30s", .seconds(30)), ("500ms", .milliseconds(500)), ("1m30s", .seconds(90)),
        ("1h", .seconds(3600)), ("2d", .seconds(172_800)), ("1w", .seconds(604_800)),
        ("1y", .seconds(31_536_000)),
        ("1h0m5s250ms", .milliseconds(3_605_250)),
    ])
    func parsesPrometheusDurations(text: String, expected: Duration) throws {
        #expect(try PrometheusDuration.parse(text) == expected)
    }

    @Test(arguments: [
        "", "s", "10", "1.5s", "-1s", "30x", "1s1m", "1m1m", " 1s", "1s ", "99999999999999y", "1ms1s",
    ])
    func refusesAnythingElse(text: String) {
        #expect(
            throws: ConfigurationError("invalid duration '\(text)': expected e.g. 30s, 1m30s, 500ms or 1h")
        ) { try PrometheusDuration.parse(text) }
    }
}
