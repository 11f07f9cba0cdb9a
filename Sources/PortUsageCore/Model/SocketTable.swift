/// Transport protocol of a socket, as used in the `protocol` label.
public enum TransportProtocol: String, Sendable, CaseIterable, Comparable {
    case tcp
    case udp

    /// The order of the raw values, without comparing strings (sorts run per scrape).
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs == .tcp && rhs == .udp }
}

/// Address family of a socket, as used in the `family` label.
public enum AddressFamily: String, Sendable, CaseIterable, Comparable {
    case ipv4
    case ipv6

    /// The order of the raw values, without comparing strings (sorts run per scrape).
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs == .ipv4 && rhs == .ipv6 }
}

/// One of the kernel's socket tables: one transport in one address family, listed in `/proc/net/<name>`
/// and dumped by one sock_diag request.
public enum SocketTable: String, Sendable, CaseIterable, Hashable, Comparable {
    case tcp
    case tcp6
    case udp
    case udp6

    /// The table of `transport` sockets in `family`.
    public init(transport: TransportProtocol, family: AddressFamily) {
        switch (transport, family) {
        case (.tcp, .ipv4): self = .tcp
        case (.tcp, .ipv6): self = .tcp6
        case (.udp, .ipv4): self = .udp
        case (.udp, .ipv6): self = .udp6
        }
    }

    /// The order of the raw values, compared as numbers (sorts run per scrape).
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.ordinal < rhs.ordinal }

    /// 0 to 3, for packing a table into an integer key or an array index.
    var ordinal: Int {
        switch self {
        case .tcp: 0
        case .tcp6: 1
        case .udp: 2
        case .udp6: 3
        }
    }

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
