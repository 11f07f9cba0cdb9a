/// A listener key as change tracking follows it: table, port and exposure.
public struct TrackedListener: Sendable, Hashable, Comparable {
    public var table: SocketTable
    public var port: UInt16
    public var exposure: Exposure

    public init(table: SocketTable, port: UInt16, exposure: Exposure) {
        self.table = table
        self.port = port
        self.exposure = exposure
    }

    public init(_ key: ListenerKey) {
        self.init(table: key.table, port: key.port, exposure: key.exposure)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.table.transport, lhs.port, lhs.table.family, lhs.exposure)
            < (rhs.table.transport, rhs.port, rhs.table.family, rhs.exposure)
    }

    /// The labels of its series: `protocol, family, port, exposure, range`.
    var labels: [Label] {
        [
            Label("protocol", table.transport.rawValue), Label("family", table.family.rawValue),
            Label("port", String(port)), Label("exposure", exposure.rawValue),
            Label("range", PortRange(port: port).rawValue),
        ]
    }
}
