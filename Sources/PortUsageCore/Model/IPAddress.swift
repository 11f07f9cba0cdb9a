/// An IPv4 or IPv6 address, held as its bytes in network order packed into two words.
///
/// Byte 0 of the address is the most significant byte of ``high``; an IPv4 address fills the top four
/// bytes of ``high`` and leaves the rest zero. Two words rather than an array: a record is built per socket.
public struct IPAddress: Sendable, Hashable {
    public var family: AddressFamily
    /// Bytes 0-7 of the address, big-endian.
    public var high: UInt64
    /// Bytes 8-15 of the address (IPv6 only), big-endian.
    public var low: UInt64

    /// The address from its packed words.
    public init(family: AddressFamily, high: UInt64, low: UInt64 = 0) {
        self.family = family
        self.high = high
        self.low = low
    }

    /// An IPv4 address from its 32 bits in network order read as a big-endian number (`127.0.0.1` is
    /// `0x7F00_0001`).
    public init(ipv4 value: UInt32) {
        self.init(family: .ipv4, high: UInt64(value) << 32)
    }

    /// The unspecified address of `family` (`0.0.0.0` or `::`).
    public static func unspecified(_ family: AddressFamily) -> IPAddress {
        IPAddress(family: family, high: 0)
    }

    /// Whether every byte is zero.
    public var isUnspecified: Bool { high == 0 && low == 0 }

    /// Who can reach a socket bound to this address.
    public var exposure: Exposure {
        switch family {
        case .ipv4:
            return Self.ipv4Exposure(UInt32(truncatingIfNeeded: high >> 32))
        case .ipv6:
            if isUnspecified { return .any }
            if high == 0 && low == 1 { return .loopback }
            // IPv4-mapped (::ffff:a.b.c.d): judged as the IPv4 address.
            if high == 0 && low >> 32 == 0xFFFF { return Self.ipv4Exposure(UInt32(truncatingIfNeeded: low)) }
            return .specific
        }
    }

    private static func ipv4Exposure(_ value: UInt32) -> Exposure {
        if value == 0 { return .any }
        return value >> 24 == 127 ? .loopback : .specific
    }
}

extension IPAddress: CustomStringConvertible {
    /// The address as `ss` prints it: dotted quad, or RFC 5952 IPv6 text (`::1`, `::ffff:127.0.0.1`).
    public var description: String {
        switch family {
        case .ipv4:
            let value = UInt32(truncatingIfNeeded: high >> 32)
            return (0..<4).map { String(value >> (24 - 8 * $0) & 0xFF) }.joined(separator: ".")
        case .ipv6:
            return ipv6Description
        }
    }

    private var ipv6Description: String {
        let groups = (0..<8).map { index -> UInt16 in
            let word = index < 4 ? high : low
            return UInt16(truncatingIfNeeded: word >> (48 - 16 * UInt64(index % 4)))
        }
        if high == 0 && low >> 32 == 0xFFFF {
            return "::ffff:" + IPAddress(ipv4: UInt32(truncatingIfNeeded: low)).description
        }
        // The longest run of two or more zero groups becomes "::" (the first such run on a tie).
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            let start = index
            while index < 8 && groups[index] == 0 { index += 1 }
            if index - start > bestLength {
                bestStart = start
                bestLength = index - start
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return hex.joined(separator: ":") }
        let head = hex[..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }
}
