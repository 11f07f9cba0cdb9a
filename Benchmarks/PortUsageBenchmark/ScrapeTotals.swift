/// Socket totals in an exposition body or in the C reference's output: a sanity check that the exporter and
/// the reference count the same sockets (other programs' sockets coming and going can move them a little).
struct ScrapeTotals: Equatable {
    var tcpListeners = 0
    var udpListeners = 0
    var connections = 0
    /// The `source` labels of the per-table series (netlink, procfs): where the exporter read its sockets.
    var sources: Set<String> = []

    /// Sums `port_usage_listeners` by protocol and `port_usage_connections` over every series.
    init(exposition body: [UInt8]) {
        for line in String(decoding: body, as: UTF8.self).split(separator: "\n") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...])
            else { continue }
            if line.contains("protocol=\""), let range = line.firstRange(of: "source=\"") {
                sources.insert(String(line[range.upperBound...].prefix { $0 != "\"" }))
            }
            if line.hasPrefix("port_usage_listeners{") {
                if line.contains("protocol=\"tcp\"") { tcpListeners += Int(value) }
                if line.contains("protocol=\"udp\"") { udpListeners += Int(value) }
            } else if line.hasPrefix("port_usage_connections{") {
                connections += Int(value)
            }
        }
    }

    /// Sums the lines of `sockdiag_count` (`listeners PROTO FAMILY PORT COUNT`,
    /// `connections tcp FAMILY PORT STATE COUNT`).
    init(reference output: String) {
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            guard let count = fields.last.flatMap({ Int($0) }) else { continue }
            switch (fields.first, fields.count > 1 ? fields[1] : "") {
            case ("listeners", "tcp"): tcpListeners += count
            case ("listeners", "udp"): udpListeners += count
            case ("connections", _): connections += count
            default: break
            }
        }
    }

    var description: String {
        "\(grouped(tcpListeners)) TCP listeners, \(grouped(udpListeners)) UDP listeners, "
            + "\(grouped(connections)) connections"
    }
}
