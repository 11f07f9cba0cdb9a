extension Duration {
    /// This duration in seconds, as a floating-point number.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    /// This duration in whole milliseconds, saturated at `Int64.max` (a flag or config value can be
    /// hundreds of millions of years, which no conversion to an integer may trap on).
    public var saturatingMilliseconds: Int64 {
        let (whole, attoseconds) = components
        let (product, overflow) = whole.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return whole < 0 ? .min : .max }
        let (sum, sumOverflow) = product.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        return sumOverflow ? (whole < 0 ? .min : .max) : sum
    }

    /// `seconds` as a duration in milliseconds: NaN and negative values are zero, and values too long for
    /// a 64-bit count of milliseconds are saturated instead of trapping.
    public static func saturating(seconds: Double) -> Duration {
        guard seconds > 0 else { return .zero }
        let milliseconds = (seconds * 1000).rounded()
        // 2^63 is the first Double that does not fit in Int64.
        return .milliseconds(milliseconds < 0x1p63 ? Int64(milliseconds) : .max)
    }
}
