/// The share of hosts a listener (or an owner of it) must be seen on to be expected (`--min-share`),
/// kept as the exact fraction written (`0.9` is 9/10) so that "on 9 of 10 hosts" never fails to reach
/// 0.9 through rounding.
public struct FleetShare: Sendable, Equatable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int
    public let description: String

    /// A decimal fraction greater than 0 and at most 1, with at most 6 digits after the point (`0.9`,
    /// `1`, `0.333333`); nil otherwise.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !whole.isEmpty, whole.count <= 1, fraction.count <= 6, parts.count == 1 || !fraction.isEmpty,
            (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber }),
            let numerator = Int(whole + fraction)
        else { return nil }
        var denominator = 1
        for _ in fraction { denominator *= 10 }
        guard numerator > 0, numerator <= denominator else { return nil }
        self.numerator = numerator
        self.denominator = denominator
        self.description = text
    }

    /// Whether `count` of `total` reaches this share; never for an empty total. The counts come from a
    /// Prometheus reply, so the products are taken in full width: a count near `Int.max` compares, it does
    /// not trap.
    public func isReached(by count: Int, of total: Int) -> Bool {
        guard total > 0, count >= 0 else { return false }
        let seen = count.multipliedFullWidth(by: denominator)
        let needed = numerator.multipliedFullWidth(by: total)
        return (seen.high, seen.low) >= (needed.high, needed.low)
    }
}
