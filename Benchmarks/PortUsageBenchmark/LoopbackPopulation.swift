#if canImport(Glibc)
    import Glibc
#endif

/// Real sockets on 127.0.0.1: listeners, and established connections to them, all closed by ``close()``.
///
/// The server side of each connection is left in its listener's accept queue: the kernel lists it as
/// established like an accepted one, and it costs this process no file descriptor. Every socket is
/// close-on-exec, so the exporter the benchmark starts does not inherit them (its `process_open_fds`
/// would otherwise list 11,000 descriptors on every scrape).
final class LoopbackPopulation {
    private(set) var descriptors: [Int32] = []
    /// The listeners' ports, in the order they were opened.
    private(set) var ports: [Int] = []

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Opens `listeners` listening sockets and `connections` connections spread evenly over them (at most
    /// 128 a listener: its backlog).
    init(listeners: Int, connections: Int) throws {
        var limit = rlimit()
        getrlimit(openFilesResource, &limit)
        let needed = rlim_t(listeners + connections + 256)
        if limit.rlim_cur < needed {
            // Root may raise the hard limit too; anyone else gets as far as the hard limit allows.
            var raised = rlimit(rlim_cur: needed, rlim_max: max(needed, limit.rlim_max))
            if setrlimit(openFilesResource, &raised) != 0 {
                limit.rlim_cur = limit.rlim_max
                setrlimit(openFilesResource, &limit)
                guard limit.rlim_max >= needed else {
                    throw Failure(
                        description:
                            "need \(needed) open files, the hard limit is \(limit.rlim_max) (ulimit -Hn)")
                }
            }
        }
        var listenerDescriptors: [Int32] = []
        for _ in 0..<listeners {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var address = Self.loopback(port: 0)
            guard fd >= 0, Self.withSockaddr(&address, { bind(fd, $0, $1) }) == 0, listen(fd, 128) == 0 else {
                throw Failure(description: "listener: errno \(errno)")
            }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            Self.withSockaddr(&address) { pointer, _ in _ = getsockname(fd, pointer, &length) }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
            listenerDescriptors.append(fd)
        }
        descriptors = listenerDescriptors
        for index in 0..<connections {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var address = Self.loopback(port: UInt16(ports[index % listeners]))
            guard fd >= 0, Self.withSockaddr(&address, { connect(fd, $0, $1) }) == 0 else {
                throw Failure(description: "connect: errno \(errno)")
            }
            descriptors.append(fd)
        }
    }

    /// A connected TCP socket to 127.0.0.1:`port`, close-on-exec; the caller closes it.
    static func connectLoopback(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = loopback(port: UInt16(port))
        guard fd >= 0, withSockaddr(&address, { connect(fd, $0, $1) }) == 0 else {
            if fd >= 0 { Glibc.close(fd) }
            throw Failure(description: "connect to \(port): errno \(errno)")
        }
        return fd
    }

    func close() {
        for fd in descriptors { Glibc.close(fd) }
        descriptors = []
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        return address
    }

    @discardableResult
    private static func withSockaddr<T>(
        _ address: inout sockaddr_in, _ body: (UnsafeMutablePointer<sockaddr>, socklen_t) -> T
    ) -> T {
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }
}

private let openFilesResource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
