#if canImport(Glibc)
    import Glibc
#endif

/// A loopback socket address, IPv4 (`127.a.b.c`) or IPv6 (`::1`), with the calls that take a `sockaddr`.
struct LoopbackAddress {
    /// Whether this is `::1` rather than an IPv4 loopback address.
    let isIPv6: Bool
    /// The IPv4 address as a host-order integer (`0x7F00_0001` is 127.0.0.1); unused for IPv6.
    let ipv4: UInt32
    var port: UInt16

    static func ipv4(_ address: UInt32 = 0x7F00_0001, port: UInt16 = 0) -> Self {
        Self(isIPv6: false, ipv4: address, port: port)
    }

    static func ipv6(port: UInt16 = 0) -> Self {
        Self(isIPv6: true, ipv4: 0, port: port)
    }

    var family: Int32 { isIPv6 ? AF_INET6 : AF_INET }

    /// A new close-on-exec socket of this address's family: `SOCK_STREAM` or `SOCK_DGRAM`.
    func socket(_ type: __socket_type) -> Int32 {
        Glibc.socket(family, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    }

    func bind(_ fd: Int32) -> Bool {
        withSockaddr { Glibc.bind(fd, $0, $1) == 0 }
    }

    func connect(_ fd: Int32) -> Bool {
        withSockaddr { Glibc.connect(fd, $0, $1) == 0 }
    }

    /// The port the kernel bound `fd` to.
    static func boundPort(of fd: Int32) -> UInt16 {
        var storage = sockaddr_in6()
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        // sin_port and sin6_port sit at the same offset.
        return UInt16(bigEndian: storage.sin6_port)
    }

    private func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = in6addr_loopback
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = in_addr_t(ipv4).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }
}
