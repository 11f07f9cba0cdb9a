/// How many sockets of each kind a ``LoopbackPopulation`` opens: the three populations of the issues.
struct PopulationShape: Sendable {
    /// A short name for tables: `a`, `b` or `c`.
    var name: String
    var tcpListeners: Int
    /// Bound, unconnected UDP sockets (what the exporter counts as UDP listeners).
    var udpSockets: Int
    /// Established TCP connections to the listeners; each is two sockets (client and accept-queued server).
    var connections: Int
    /// One listener (and UDP socket) in `ipv6Every` is on `::1`, the rest on 127.0.0.1; connections follow
    /// their listener's family.
    var ipv6Every = 5
    /// The first port listeners try; they take the free ports from here up (see ``LoopbackPopulation``).
    var firstListenerPort: UInt16 = 20000

    /// (a) 1,000 TCP listeners, 200 UDP sockets, 10,000 connections: 21,200 sockets.
    static let small = PopulationShape(name: "a", tcpListeners: 1000, udpSockets: 200, connections: 10_000)
    /// (b) 5,000 TCP listeners, 1,000 UDP sockets, 100,000 connections: 206,000 sockets.
    static let large = PopulationShape(name: "b", tcpListeners: 5000, udpSockets: 1000, connections: 100_000)
    /// (c) 15,000 TCP listeners, 2,000 UDP sockets, 300,000 connections: 617,000 sockets. Its listeners
    /// start at port 10000: 20000 up to the ephemeral range (32768) has room for 12,768.
    static let huge = PopulationShape(
        name: "c", tcpListeners: 15_000, udpSockets: 2000, connections: 300_000, firstListenerPort: 10000)

    /// The population named `name` (`a`, `b` or `c`).
    static func named(_ name: String) -> PopulationShape? {
        [small, large, huge].first { $0.name == name }
    }

    /// Every socket the population adds to the kernel's tables.
    var socketCount: Int { tcpListeners + udpSockets + 2 * connections }

    /// "5,000 TCP listeners, 1,000 UDP, 100,000 connections (206,000 sockets)".
    var summary: String {
        "\(grouped(tcpListeners)) TCP listeners, \(grouped(udpSockets)) UDP, \(grouped(connections)) connections "
            + "(\(grouped(socketCount)) sockets)"
    }
}

/// `n` with thousands separated by commas.
func grouped(_ n: Int) -> String {
    let digits = String(n)
    var result = ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
        result.append(digit)
    }
    return result
}
