#if canImport(Glibc)
    import Glibc
#endif

/// Real sockets on 127.0.0.1 and ::1 for the live sock_diag tests, on ports the kernel picks; closed by
/// ``closeAll()``.
final class LoopbackSockets {
    struct Socket {
        var descriptor: Int32
        var port: UInt16
        /// The inode of the socket, from `fstat`.
        var inode: UInt64
    }

    private(set) var descriptors: [Int32] = []

    deinit { closeAll() }

    func closeAll() {
        for descriptor in descriptors { close(descriptor) }
        descriptors = []
    }

    /// A socket of `type` bound to `address` port `port` (0: any), IPv6 when `address` has a colon.
    func bound(_ type: Int32, _ address: String, port: UInt16 = 0, v6only: Bool = false) -> Socket {
        let ipv6 = address.contains(":")
        let descriptor = socket(ipv6 ? AF_INET6 : AF_INET, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        precondition(descriptor >= 0, "socket")
        descriptors.append(descriptor)
        if ipv6 {
            var flag: Int32 = v6only ? 1 : 0
            precondition(
                setsockopt(
                    descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &flag, socklen_t(MemoryLayout<Int32>.size))
                    == 0)
        }
        withAddress(address, port: port) { pointer, length in
            precondition(bind(descriptor, pointer, length) == 0, "bind \(address):\(port): errno \(errno)")
        }
        var status = stat()
        precondition(fstat(descriptor, &status) == 0)
        return Socket(descriptor: descriptor, port: localPort(descriptor), inode: UInt64(status.st_ino))
    }

    /// A TCP listener on `address` with `backlog`.
    func listener(_ address: String, backlog: Int32, v6only: Bool = false) -> Socket {
        let socket = bound(Int32(SOCK_STREAM.rawValue), address, v6only: v6only)
        precondition(listen(socket.descriptor, backlog) == 0)
        return socket
    }

    /// A UDP socket bound to `address`.
    func udp(_ address: String, v6only: Bool = false) -> Socket {
        bound(Int32(SOCK_DGRAM.rawValue), address, v6only: v6only)
    }

    /// Connects a new TCP socket from `address` to `port` on `address`; returns the client and the
    /// accepted server side.
    func connection(_ address: String, to listener: Socket) -> (client: Socket, server: Socket) {
        let client = bound(Int32(SOCK_STREAM.rawValue), address)
        withAddress(address, port: listener.port) { pointer, length in
            precondition(connect(client.descriptor, pointer, length) == 0, "connect errno \(errno)")
        }
        let accepted = accept(listener.descriptor, nil, nil)
        precondition(accepted >= 0, "accept")
        descriptors.append(accepted)
        var status = stat()
        precondition(fstat(accepted, &status) == 0)
        return (client, Socket(descriptor: accepted, port: listener.port, inode: UInt64(status.st_ino)))
    }

    private func localPort(_ descriptor: Int32) -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                precondition(getsockname(descriptor, $0, &length) == 0)
            }
        }
        // sin_port and sin6_port are both at offset 2, in network order.
        return withUnsafeBytes(of: storage) { UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self)) }
    }

    private func withAddress(
        _ address: String, port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Void
    ) {
        if address.contains(":") {
            var ipv6 = sockaddr_in6()
            ipv6.sin6_family = sa_family_t(AF_INET6)
            ipv6.sin6_port = port.bigEndian
            precondition(inet_pton(AF_INET6, address, &ipv6.sin6_addr) == 1)
            withUnsafePointer(to: &ipv6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var ipv4 = sockaddr_in()
            ipv4.sin_family = sa_family_t(AF_INET)
            ipv4.sin_port = port.bigEndian
            precondition(inet_pton(AF_INET, address, &ipv4.sin_addr) == 1)
            withUnsafePointer(to: &ipv4) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }
}
