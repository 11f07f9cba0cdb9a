/// Who can reach a listener, judged from its local address.
public enum Exposure: String, Sendable, CaseIterable, Comparable {
    /// Bound to the wildcard address (`0.0.0.0` or `::`): every interface.
    case any
    /// Bound to a loopback address (`127.0.0.0/8`, `::1`, `::ffff:127.0.0.0/104`).
    case loopback
    /// Bound to one particular non-loopback address.
    case specific

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Classifies an address given as its bytes in network order (4 for IPv4, 16 for IPv6).
    public init(addressBytes bytes: some Collection<UInt8>) {
        let octets = Array(bytes)
        if octets.allSatisfy({ $0 == 0 }) {
            self = .any
        } else if octets.count == 4 {
            self = octets[0] == 127 ? .loopback : .specific
        } else if octets.count == 16 && octets[0..<15].allSatisfy({ $0 == 0 }) && octets[15] == 1 {
            self = .loopback
        } else if octets.count == 16 && octets[0..<10].allSatisfy({ $0 == 0 }) && octets[10] == 0xFF
            && octets[11] == 0xFF
        {
            self = Exposure(addressBytes: octets[12..<16])
        } else {
            self = .specific
        }
    }
}
