/// Transport protocol of a socket, as used in the `protocol` label.
public enum TransportProtocol: String, Sendable, CaseIterable, Comparable {
    case tcp
    case udp

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Address family of a socket, as used in the `family` label.
public enum AddressFamily: String, Sendable, CaseIterable, Comparable {
    case ipv4
    case ipv6

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One of the kernel's socket tables (`/proc/net/<name>`); also the name of the collector that reads it.
public enum SocketTable: String, Sendable, CaseIterable, Hashable {
    case tcp
    case tcp6
    case udp
    case udp6

    /// The transport protocol of every socket in this table.
    public var transport: TransportProtocol {
        switch self {
        case .tcp, .tcp6: .tcp
        case .udp, .udp6: .udp
        }
    }

    /// The address family of every socket in this table.
    public var family: AddressFamily {
        switch self {
        case .tcp, .udp: .ipv4
        case .tcp6, .udp6: .ipv6
        }
    }

    /// Number of hex digits of an address in this table's lines.
    var addressHexDigits: Int { family == .ipv4 ? 8 : 32 }
}
