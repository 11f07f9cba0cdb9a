/// The four socket tables under `/proc/net`.
enum ProcNetTable: String, CaseIterable {
    case tcp, tcp6, udp, udp6

    var isIPv6: Bool { self == .tcp6 || self == .udp6 }
    var isTCP: Bool { self == .tcp || self == .tcp6 }

    /// The table files under `procRoot` (`/proc`).
    static func files(under procRoot: String) -> [String] {
        allCases.map { procRoot + "/net/" + $0.rawValue }
    }
}
