#if canImport(Glibc)
    import Glibc
#endif

/// Real sockets on loopback (127.0.0.1, 127.0.1.1 and ::1) in the shape of a ``PopulationShape``: TCP
/// listeners, unconnected UDP sockets, and established connections spread evenly over the listeners. All of
/// them are closed by ``close()``, without leaving TIME_WAIT sockets behind.
///
/// The listeners and UDP sockets are this process's; the clients belong to ``ClientHelpers`` processes (the
/// open-files limit). The server side of each connection is left in its listener's accept queue: the kernel
/// lists it as established like an accepted one, and it costs no file descriptor. Every socket is
/// close-on-exec, so the processes the benchmark starts do not inherit them.
///
/// Client ports are chosen by ``ClientPlan`` rather than by the kernel: `connect` alone would spread 100,000
/// clients over every port of `net.ipv4.ip_local_port_range`, and for as long as they live other programs on
/// this machine could not `bind` to port 0. Instead the clients bind a few thousand ports at the top of the
/// range with `SO_REUSEADDR`, each shared by about 25 clients that connect to different listeners.
final class LoopbackPopulation {
    let shape: PopulationShape
    private(set) var listeners: [Int32] = []
    private(set) var udpSockets: [Int32] = []
    private var helpers: ClientHelpers?
    /// The TCP listeners' ports, in the order they were opened.
    private(set) var ports: [Int] = []

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(_ shape: PopulationShape) throws {
        self.shape = shape
        try OpenFileLimit.raise(to: shape.tcpListeners + shape.udpSockets + 1024)
        do {
            try openListeners()
            guard shape.connections > 0 else { return }
            let plan = try ClientPlan(
                listenerPorts: ports.map { UInt16($0) }, connections: shape.connections,
                ipv6Every: shape.ipv6Every)
            let planPath = "/tmp/port-usage-bench-plan-\(getpid())"
            defer { unlink(planPath) }
            try writeFile(planPath, plan.text)
            helpers = try ClientHelpers(planPath: planPath, connections: shape.connections)
        } catch {
            close()
            throw error
        }
    }

    /// Whether listener `index` (or UDP socket `index`) is on `::1`.
    private func isIPv6(_ index: Int) -> Bool { index % shape.ipv6Every == shape.ipv6Every - 1 }

    private func openListeners() throws {
        let backlog = Int32(
            max(128, (shape.connections + shape.tcpListeners - 1) / max(1, shape.tcpListeners) + 8))
        // Listeners take free ports in the registered range, as services do, while the clients' ports are
        // ephemeral (what a kernel-side port filter tells apart).
        var candidate = shape.firstListenerPort
        for index in 0..<shape.tcpListeners {
            let fd = try bindFreeListener(ipv6: isIPv6(index), from: &candidate)
            listeners.append(fd)
            guard listen(fd, backlog) == 0 else { throw Failure(description: "listen: errno \(errno)") }
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

    /// A TCP socket bound to the first free port from `candidate` up (which it advances past).
    private func bindFreeListener(ipv6: Bool, from candidate: inout UInt16) throws -> Int32 {
        while candidate < 32768 {
            let address: LoopbackAddress = ipv6 ? .ipv6(port: candidate) : .ipv4(port: candidate)
            candidate += 1
            let fd = address.socket(SOCK_STREAM)
            guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
            if address.bind(fd) { return fd }
            Glibc.close(fd)
        }
        throw Failure(description: "no free listener port below 32768")
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
        helpers?.stop()
        helpers = nil
        for fd in listeners + udpSockets { Glibc.close(fd) }
        listeners = []
        udpSockets = []
    }
}
