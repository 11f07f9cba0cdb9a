extension ListenerKey: Comparable {
    /// Protocol, then port, family, exposure and namespace: the order of the history's series.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.table.transport, lhs.port, lhs.table.family, lhs.exposure, lhs.namespace)
            < (rhs.table.transport, rhs.port, rhs.table.family, rhs.exposure, rhs.namespace)
    }

    /// The labels of its first- and last-seen series: `netns` (when namespaces are told apart), `protocol,
    /// family, port, exposure, range`.
    func historyLabels(netns: String?) -> [Label] {
        NamespaceLabel.labels(netns) + [
            Label("protocol", table.transport.rawValue), Label("family", table.family.rawValue),
            Label("port", String(port)), Label("exposure", exposure.rawValue),
            Label("range", PortRange(port: port).rawValue),
        ]
    }
}
