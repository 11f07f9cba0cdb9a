/// Who can reach a listener, judged from its local address.
public enum Exposure: String, Sendable, CaseIterable, Comparable {
    /// Bound to the wildcard address (`0.0.0.0` or `::`): every interface.
    case any
    /// Bound to a loopback address (`127.0.0.0/8`, `::1`, `::ffff:127.0.0.0/104`).
    case loopback
    /// Bound to one particular non-loopback address.
    case specific

    /// The order of the raw values, compared as numbers (sorts run per scrape).
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.ordinal < rhs.ordinal }

    /// 0 to 2, for packing an exposure into an integer key.
    var ordinal: Int {
        switch self {
        case .any: 0
        case .loopback: 1
        case .specific: 2
        }
    }
}
