/// Writes metric families in the Prometheus text format or OpenMetrics.
///
/// Output is deterministic: families sorted by name, samples by their labels (numbers compare as numbers,
/// so `port="22"` comes before `port="443"`), with `# HELP` and `# TYPE` for every family.
public enum ExpositionEncoder {
    /// Encodes `families` as the body of a `/metrics` response.
    public static func encode(_ families: [MetricFamily], format: ExpositionFormat) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(families.reduce(256) { $0 + 96 * ($1.samples.count + 2) })
        for family in families.sorted(by: { $0.name < $1.name }) {
            let familyName =
                format == .openMetrics && family.type == .counter && family.name.hasSuffix("_total")
                ? String(family.name.dropLast(6)) : family.name
            append("# HELP \(familyName) ", to: &out)
            appendEscaped(family.help, escapingQuotes: format == .openMetrics, to: &out)
            append("\n# TYPE \(familyName) \(family.type.rawValue)\n", to: &out)
            let sampleName = family.name
            for sample in family.samples.sorted(by: { labelsPrecede($0.labels, $1.labels) }) {
                append(sampleName, to: &out)
                if !sample.labels.isEmpty {
                    out.append(UInt8(ascii: "{"))
                    for (index, label) in sample.labels.enumerated() {
                        if index > 0 { out.append(UInt8(ascii: ",")) }
                        append(label.name, to: &out)
                        append("=\"", to: &out)
                        appendEscaped(label.value, escapingQuotes: true, to: &out)
                        out.append(UInt8(ascii: "\""))
                    }
                    out.append(UInt8(ascii: "}"))
                }
                out.append(UInt8(ascii: " "))
                append(formatValue(sample.value), to: &out)
                out.append(UInt8(ascii: "\n"))
            }
        }
        if format == .openMetrics { append("# EOF\n", to: &out) }
        return out
    }

    /// Formats a sample value: integers without a fraction, `+Inf`, `-Inf`, `NaN`, otherwise the shortest
    /// text that reads back as the same double.
    public static func formatValue(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }

    /// Orders label lists by their values in turn, numbers numerically.
    static func labelsPrecede(_ lhs: [Label], _ rhs: [Label]) -> Bool {
        for (left, right) in zip(lhs, rhs) where left != right {
            if left.name != right.name { return left.name < right.name }
            if let leftNumber = UInt64(left.value), let rightNumber = UInt64(right.value) {
                return leftNumber < rightNumber
            }
            return left.value < right.value
        }
        return lhs.count < rhs.count
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }

    /// Escapes backslash and newline (and the double quote in label values and OpenMetrics help).
    private static func appendEscaped(_ text: String, escapingQuotes: Bool, to out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\"") where escapingQuotes:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            default: out.append(byte)
            }
        }
    }
}
