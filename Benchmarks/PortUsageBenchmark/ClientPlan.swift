#if canImport(Glibc)
    import Glibc
#endif

/// Which listener each client connects to, and from which port: shared by the benchmark, which writes it to
/// a file, and the helper processes that open the clients (see ``ClientHelpers``).
///
/// Connection `i` goes to listener `i % L` in round `r = i / L`, from client port `(i % L + r) % K`: the
/// clients of one listener all start from different ports, so their 4-tuples differ. When the kernel refuses
/// a port (someone else holds it, or the 4-tuple is taken), the next port of the pool is tried.
struct ClientPlan {
    var listenerPorts: [UInt16]
    var clientPorts: [UInt16]
    /// Listener `index` is on `::1` when `index % ipv6Every == ipv6Every - 1`.
    var ipv6Every: Int

    /// IPv4 clients' source address, 127.0.1.1: not 127.0.0.1, where other programs bind their test servers.
    static let clientIPv4: UInt32 = 0x7F00_0101
    /// Clients that share one client port: few enough that the kernel's bind-conflict walk stays short.
    static let clientsPerPort = 25

    /// A plan for `connections` clients of `listenerPorts`, with ports from the top of the ephemeral range.
    init(listenerPorts: [UInt16], connections: Int, ipv6Every: Int) throws {
        self.listenerPorts = listenerPorts
        self.ipv6Every = ipv6Every
        let rounds = (connections + listenerPorts.count - 1) / max(1, listenerPorts.count)
        let count = max(rounds + 16, (connections + Self.clientsPerPort - 1) / Self.clientsPerPort)
        let range = (try? readSmallFile("/proc/sys/net/ipv4/ip_local_port_range")) ?? ""
        let bounds = range.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap {
            Int($0)
        }
        let (low, high) = bounds.count == 2 ? (bounds[0], bounds[1]) : (32768, 60999)
        let excluded = Set(listenerPorts)
        clientPorts = (low...high).reversed().lazy.map { UInt16($0) }.filter { !excluded.contains($0) }
            .prefix(count).map { $0 }
        guard clientPorts.count == count else {
            throw LoopbackPopulation.Failure(description: "ip_local_port_range has fewer than \(count) ports")
        }
    }

    /// The file form: listener ports on the first line, client ports on the second, then `ipv6Every`.
    var text: String {
        listenerPorts.map(String.init).joined(separator: " ") + "\n"
            + clientPorts.map(String.init).joined(separator: " ") + "\n\(ipv6Every)\n"
    }

    init(text: String) throws {
        let lines = text.split(separator: "\n")
        guard lines.count == 3, let every = Int(lines[2]) else {
            throw LoopbackPopulation.Failure(description: "malformed client plan")
        }
        listenerPorts = lines[0].split(separator: " ").compactMap { UInt16($0) }
        clientPorts = lines[1].split(separator: " ").compactMap { UInt16($0) }
        ipv6Every = every
    }

    /// Opens clients `range`, each close-on-exec and set to reset on close; returns their descriptors.
    func connect(_ range: Range<Int>) throws -> [Int32] {
        var clients: [Int32] = []
        clients.reserveCapacity(range.count)
        do {
            for connection in range { clients.append(try connect(connection)) }
        } catch {
            for fd in clients { close(fd) }
            throw error
        }
        return clients
    }

    private func connect(_ connection: Int) throws -> Int32 {
        let listener = connection % listenerPorts.count
        let first = listener + connection / listenerPorts.count
        let ipv6 = listener % ipv6Every == ipv6Every - 1
        let port = listenerPorts[listener]
        let target: LoopbackAddress = ipv6 ? .ipv6(port: port) : .ipv4(port: port)
        for attempt in 0..<clientPorts.count {
            let clientPort = clientPorts[(first + attempt) % clientPorts.count]
            let source: LoopbackAddress =
                ipv6 ? .ipv6(port: clientPort) : .ipv4(Self.clientIPv4, port: clientPort)
            let fd = source.socket(SOCK_STREAM)
            guard fd >= 0 else { throw LoopbackPopulation.Failure(description: "socket: errno \(errno)") }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            // Closing sends a reset: no TIME_WAIT sockets outlive the benchmark.
            var abort = linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, socklen_t(MemoryLayout<linger>.size))
            if source.bind(fd) && target.connect(fd) { return fd }
            let error = errno
            close(fd)
            guard error == EADDRINUSE || error == EADDRNOTAVAIL else {
                throw LoopbackPopulation.Failure(description: "connect to port \(port): errno \(error)")
            }
        }
        throw LoopbackPopulation.Failure(description: "no client port left for listener port \(port)")
    }
}
