/// Writes metric families in the Prometheus text format or OpenMetrics.
///
/// Output is deterministic: families sorted by name, each with `# HELP` and `# TYPE`, and samples in the
/// order their producer gives. Producers sort with their typed keys (a port as a number, so `port="22"`
/// precedes `port="443"`), which costs far less than sorting label strings here on every scrape.
public enum ExpositionEncoder {
    /// Encodes `families` as the body of a `/metrics` response.
    public static func encode(_ families: [MetricFamily], format: ExpositionFormat) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encodedSizeEstimate(families))
        encode(families, format: format, into: &out) { _ in }
        return out
    }

    /// Encodes `families` in pieces of about `chunkSize` bytes, each given to `write` as it is done: a
    /// server writes them into its own buffer, so the body is not held twice at the peak of a scrape.
    public static func encode(
        _ families: [MetricFamily], format: ExpositionFormat, chunkSize: Int,
        write: (UnsafeRawBufferPointer) -> Void
    ) {
        var out: [UInt8] = []
        out.reserveCapacity(chunkSize + 4096)
        encode(families, format: format, into: &out) { out in
            guard out.count >= chunkSize else { return }
            out.withUnsafeBytes(write)
            out.removeAll(keepingCapacity: true)
        }
        out.withUnsafeBytes(write)
    }

    /// Appends the encoding of `families` to `out`, calling `afterSample` with it after each sample line.
    private static func encode(
        _ families: [MetricFamily], format: ExpositionFormat, into out: inout [UInt8],
        afterSample: (inout [UInt8]) -> Void
    ) {
        for family in families.sorted(by: { $0.name < $1.name }) {
            let familyName =
                format == .openMetrics && family.type == .counter && family.name.hasSuffix("_total")
                ? String(family.name.dropLast(6)) : family.name
            append("# HELP \(familyName) ", to: &out)
            appendEscaped(family.help, escapingQuotes: format == .openMetrics, to: &out)
            append("\n# TYPE \(familyName) \(family.type.rawValue)\n", to: &out)
            let sampleName = Array(family.name.utf8)
            for sample in family.samples {
                out.append(contentsOf: sampleName)
                out.append(contentsOf: sample.labelSet.text)
                out.append(UInt8(ascii: " "))
                appendValue(sample.value, to: &out)
                out.append(UInt8(ascii: "\n"))
                afterSample(&out)
            }
        }
        if format == .openMetrics { append("# EOF\n", to: &out) }
    }

    /// A little more than the encoded size, so the output is allocated once: growing a buffer of megabytes
    /// by doubling would copy it and hold twice its size at the peak of a scrape.
    public static func encodedSizeEstimate(_ families: [MetricFamily]) -> Int {
        families.reduce(16) { total, family in
            let perSample = family.name.utf8.count + 26  // " ", a value of up to 24 characters, "\n"
            return total + family.help.utf8.count * 2 + family.name.utf8.count * 2 + 32
                + family.samples.reduce(0) { $0 + perSample + $1.labelSet.text.count }
        }
    }

    /// Formats a sample value: integers without a fraction, `+Inf`, `-Inf`, `NaN`, otherwise the shortest
    /// text that reads back as the same double.
    public static func formatValue(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }

    /// Appends ``formatValue(_:)`` of `value`; an integer's digits are written directly, without a String.
    private static func appendValue(_ value: Double, to out: inout [UInt8]) {
        guard value == value.rounded(), abs(value) < 1e15 else {
            append(formatValue(value), to: &out)
            return
        }
        var magnitude = UInt64(abs(value))
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64) = (0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[index]) }
        }
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }

    /// Escapes backslash and newline (and the double quote in label values and OpenMetrics help).
    static func appendEscaped(_ text: String, escapingQuotes: Bool, to out: inout [UInt8]) {
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
