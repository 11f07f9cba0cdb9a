extension ListenerKey: Comparable {
    /// Protocol, then port, family and exposure: the order of the history's series.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.table.transport, lhs.port, lhs.table.family, lhs.exposure)
            < (rhs.table.transport, rhs.port, rhs.table.family, rhs.exposure)
    }

    /// The labels of its first- and last-seen series: `protocol, family, port, exposure, range`.
    var historyLabels: [Label] {
        [
            Label("protocol", table.transport.rawValue), Label("family", table.family.rawValue),
            Label("port", String(port)), Label("exposure", exposure.rawValue),
            Label("range", PortRange(port: port).rawValue),
        ]
    }
}
