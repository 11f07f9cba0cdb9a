/// Writes metric families in the Prometheus text format or OpenMetrics, whole (see ``ExpositionStream``
/// for the order, and for writing a piece at a time).
public enum ExpositionEncoder {
    /// Encodes `families` whole: a textfile, a push body.
    public static func encode(_ families: [MetricFamily], format: ExpositionFormat) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encodedSizeEstimate(families))
        var stream = ExpositionStream(families, format: format)
        stream.append(upTo: .max, to: &out)
        return out
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
    static func appendValue(_ value: Double, to out: inout [UInt8]) {
        guard value == value.rounded(), abs(value) < 1e15 else {
            out.append(contentsOf: formatValue(value).utf8)
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
