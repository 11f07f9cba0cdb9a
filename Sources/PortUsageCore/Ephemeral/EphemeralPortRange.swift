/// The local ports the kernel picks from for outgoing connections: `net.ipv4.ip_local_port_range` (which
/// IPv6 uses too), less `net.ipv4.ip_local_reserved_ports`.
public struct EphemeralPortRange: Sendable, Equatable {
    public var range: ClosedRange<UInt16>
    /// Reserved ports inside ``range``.
    public var reserved: PortSet

    public init(range: ClosedRange<UInt16>, reserved: PortSet = PortSet()) {
        self.range = range
        self.reserved = reserved
    }

    /// How many ports the kernel can pick from.
    public var size: Int {
        range.count - range.lazy.filter { reserved.contains($0) }.count
    }

    /// Whether the kernel can pick `port`.
    public func contains(_ port: UInt16) -> Bool {
        range.contains(port) && !reserved.contains(port)
    }

    /// Reads both sysctls under `procRoot` (`sys/net/ipv4/...`).
    public static func read(procRoot: String) throws -> EphemeralPortRange {
        let directory = procRoot + "/sys/net/ipv4/"
        let rangePath = directory + "ip_local_port_range"
        let reservedPath = directory + "ip_local_reserved_ports"
        var result = try parseRange(FileReader.readText(rangePath, limit: 4096), path: rangePath)
        result.reserved = try parseReserved(
            FileReader.readText(reservedPath, limit: 1 << 20), path: reservedPath)
        return result
    }

    /// Parses `ip_local_port_range`: two port numbers separated by blanks, the first not above the second.
    static func parseRange(_ text: String, path: String) throws(SysctlFormatError) -> EphemeralPortRange {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        guard fields.count == 2, let low = UInt16(fields[0]), let high = UInt16(fields[1]), low <= high else {
            throw SysctlFormatError(path: path, text: text)
        }
        return EphemeralPortRange(range: low...high)
    }

    /// Parses `ip_local_reserved_ports`: comma-separated ports and `low-high` ranges, possibly empty.
    static func parseReserved(_ text: String, path: String) throws(SysctlFormatError) -> PortSet {
        var reserved = PortSet()
        let trimmed = text.split(separator: "\n").first ?? ""
        for item in trimmed.split(separator: ",") where !item.isEmpty {
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let low = UInt16(bounds[0]),
                let high = bounds.count == 2 ? UInt16(bounds[1]) : low, low <= high
            else { throw SysctlFormatError(path: path, text: text) }
            for port in low...high { reserved.insert(port) }
        }
        return reserved
    }
}

/// A sysctl file whose text is not in the kernel's format.
public struct SysctlFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var text: String

    public var description: String {
        "\(path): unexpected content \(String(text.prefix(80)).debugDescription)"
    }
}
