/// How many sockets of each kind a ``LoopbackPopulation`` opens: the two populations of the issue.
struct PopulationShape: Sendable {
    /// A short name for tables: `a` or `b`.
    var name: String
    var tcpListeners: Int
    /// Bound, unconnected UDP sockets (what the exporter counts as UDP listeners).
    var udpSockets: Int
    /// Established TCP connections to the listeners; each is two sockets (client and accept-queued server).
    var connections: Int
    /// One listener (and UDP socket) in `ipv6Every` is on `::1`, the rest on 127.0.0.1; connections follow
    /// their listener's family.
    var ipv6Every = 5

    /// (a) 1,000 TCP listeners, 200 UDP sockets, 10,000 connections: 21,200 sockets.
    static let small = PopulationShape(name: "a", tcpListeners: 1000, udpSockets: 200, connections: 10_000)
    /// (b) 5,000 TCP listeners, 1,000 UDP sockets, 100,000 connections: 206,000 sockets.
    static let large = PopulationShape(name: "b", tcpListeners: 5000, udpSockets: 1000, connections: 100_000)

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
