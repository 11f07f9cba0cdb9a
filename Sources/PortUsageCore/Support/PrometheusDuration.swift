/// Durations written as Prometheus writes them: units from largest to smallest, each at most once,
/// e.g. `30s`, `1m30s`, `500ms`, `1h`, `2d`.
public enum PrometheusDuration {
    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000),
        ("m", 60_000), ("s", 1000), ("ms", 1),
    ]

    /// Parses `text`; the error names the text and shows the expected form.
    public static func parse(_ text: String) throws(ConfigurationError) -> Duration {
        let invalid = ConfigurationError("invalid duration '\(text)': expected e.g. 30s, 1m30s, 500ms or 1h")
        var rest = Substring(text)
        var milliseconds: Int64 = 0
        var nextUnit = 0
        guard !rest.isEmpty else { throw invalid }
        if rest == "0" { return .zero }
        while !rest.isEmpty {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, digits.count <= 12, let number = Int64(digits) else { throw invalid }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix(while: { $0.isASCII && $0.isLetter })
            guard let unit = units[nextUnit...].firstIndex(where: { $0.suffix == letters }) else {
                throw invalid
            }
            let (product, overflow) = number.multipliedReportingOverflow(by: units[unit].milliseconds)
            guard !overflow, milliseconds <= Int64.max - product else { throw invalid }
            milliseconds += product
            rest = rest.dropFirst(letters.count)
            nextUnit = unit + 1
        }
        return .milliseconds(milliseconds)
    }
}
