#if canImport(Glibc)
    import Glibc
#endif

/// Real sockets on loopback (127.0.0.1, 127.0.1.1 and ::1) in the shape of a ``PopulationShape``: TCP
/// listeners, unconnected UDP sockets, and established connections spread evenly over the listeners. All of
/// them are closed by ``close()``, without leaving TIME_WAIT sockets behind.
///
/// The server side of each connection is left in its listener's accept queue: the kernel lists it as
/// established like an accepted one, and it costs this process no file descriptor. Every socket is
/// close-on-exec, so the processes the benchmark starts do not inherit them.
///
/// Client ports are chosen here rather than by the kernel: `connect` alone would spread 100,000 clients over
/// every port of `net.ipv4.ip_local_port_range`, and for as long as they live other programs on this machine
/// could not `bind` to port 0. Instead IPv4 clients bind 127.0.1.1 (not 127.0.0.1, where others bind their
/// test servers) and IPv6 clients `::1`, each to one of a few thousand ports at the top of the ephemeral
/// range with `SO_REUSEADDR`: a port is shared by about 25 clients that all connect to different listeners,
/// so every 4-tuple is distinct and the kernel's bind-conflict walk of a port stays short.
final class LoopbackPopulation {
    let shape: PopulationShape
    private(set) var listeners: [Int32] = []
    private(set) var udpSockets: [Int32] = []
    private(set) var clients: [Int32] = []
    /// The TCP listeners' ports, in the order they were opened.
    private(set) var ports: [Int] = []

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Clients that share one client port.
    private static let clientsPerPort = 25
    /// IPv4 clients' source address, 127.0.1.1.
    private static let clientIPv4: UInt32 = 0x7F00_0101

    init(_ shape: PopulationShape) throws {
        self.shape = shape
        try OpenFileLimit.raise(to: shape.tcpListeners + shape.udpSockets + shape.connections + 1024)
        do {
            try openListeners()
            try connectClients()
        } catch {
            close()
            throw error
        }
    }

    /// Whether listener `index` (or UDP socket `index`) is on `::1`.
    private func isIPv6(_ index: Int) -> Bool { index % shape.ipv6Every == shape.ipv6Every - 1 }

    private func openListeners() throws {
        let backlog = Int32(max(128, (shape.connections + shape.tcpListeners - 1) / max(1, shape.tcpListeners) + 8))
        for index in 0..<shape.tcpListeners {
            let address: LoopbackAddress = isIPv6(index) ? .ipv6() : .ipv4()
            let fd = address.socket(SOCK_STREAM)
            guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
            listeners.append(fd)
            guard address.bind(fd), listen(fd, backlog) == 0 else {
                throw Failure(description: "listener: errno \(errno)")
            }
            ports.append(Int(LoopbackAddress.boundPort(of: fd)))
        }
        for index in 0..<shape.udpSockets {
            let address: LoopbackAddress = isIPv6(index) ? .ipv6() : .ipv4()
            let fd = address.socket(SOCK_DGRAM)
            guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
            udpSockets.append(fd)
            guard address.bind(fd) else { throw Failure(description: "UDP bind: errno \(errno)") }
        }
    }

    /// Connection `i` goes to listener `i % L` in round `r = i / L`, from client port `(i % L + r) % K`: the
    /// clients of one listener all have different ports, so their 4-tuples differ.
    private func connectClients() throws {
        let listenerCount = shape.tcpListeners
        guard shape.connections > 0, listenerCount > 0 else { return }
        let rounds = (shape.connections + listenerCount - 1) / listenerCount
        let portCount = max(rounds, (shape.connections + Self.clientsPerPort - 1) / Self.clientsPerPort)
        var candidates = try ClientPortCandidates(excluding: Set(ports))
        var clientPorts = try (0..<portCount).map { _ in try candidates.next() }
        clients.reserveCapacity(shape.connections)
        for connection in 0..<shape.connections {
            let listener = connection % listenerCount
            let slot = (listener + connection / listenerCount) % portCount
            while true {
                let ipv6 = isIPv6(listener)
                let source: LoopbackAddress =
                    ipv6 ? .ipv6(port: clientPorts[slot]) : .ipv4(Self.clientIPv4, port: clientPorts[slot])
                let target: LoopbackAddress =
                    ipv6 ? .ipv6(port: UInt16(ports[listener])) : .ipv4(port: UInt16(ports[listener]))
                let fd = source.socket(SOCK_STREAM)
                guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
                var one: Int32 = 1
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
                // Closing sends a reset: no TIME_WAIT sockets outlive the benchmark.
                var abort = linger(l_onoff: 1, l_linger: 0)
                setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, socklen_t(MemoryLayout<linger>.size))
                if source.bind(fd), target.connect(fd) {
                    clients.append(fd)
                    break
                }
                let error = errno
                Glibc.close(fd)
                // Someone else holds this port (or this 4-tuple): take another one for this slot.
                guard error == EADDRINUSE || error == EADDRNOTAVAIL else {
                    throw Failure(description: "connect to port \(ports[listener]): errno \(error)")
                }
                clientPorts[slot] = try candidates.next()
            }
        }
    }

    /// A connected TCP socket to 127.0.0.1:`port`, close-on-exec; the caller closes it.
    static func connectLoopback(port: Int) throws -> Int32 {
        let address = LoopbackAddress.ipv4(port: UInt16(port))
        let fd = address.socket(SOCK_STREAM)
        guard fd >= 0, address.connect(fd) else {
            let error = errno
            if fd >= 0 { Glibc.close(fd) }
            throw Failure(description: "connect to \(port): errno \(error)")
        }
        return fd
    }

    /// A loopback TCP port that is free now (bound once by a listener that is closed again).
    static func freePort() throws -> Int {
        let address = LoopbackAddress.ipv4()
        let fd = address.socket(SOCK_STREAM)
        defer { Glibc.close(fd) }
        guard fd >= 0, address.bind(fd) else { throw Failure(description: "bind: errno \(errno)") }
        return Int(LoopbackAddress.boundPort(of: fd))
    }

    /// Closes clients first (each sends a reset), then the listeners with their accept queues.
    func close() {
        for fd in clients + listeners + udpSockets { Glibc.close(fd) }
        clients = []
        listeners = []
        udpSockets = []
    }
}

/// Client ports from the top of `net.ipv4.ip_local_port_range` down, skipping the listeners' ports.
private struct ClientPortCandidates {
    private var cursor: Int
    private let low: Int
    private let excluded: Set<Int>

    init(excluding excluded: Set<Int>) throws {
        let text = (try? readSmallFile("/proc/sys/net/ipv4/ip_local_port_range")) ?? "32768 60999"
        let bounds = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Int($0) }
        low = bounds.count == 2 ? bounds[0] : 32768
        cursor = bounds.count == 2 ? bounds[1] : 60999
        self.excluded = excluded
    }

    mutating func next() throws -> UInt16 {
        while cursor >= low {
            defer { cursor -= 1 }
            if !excluded.contains(cursor) { return UInt16(cursor) }
        }
        throw LoopbackPopulation.Failure(description: "ran out of client ports in ip_local_port_range")
    }
}
