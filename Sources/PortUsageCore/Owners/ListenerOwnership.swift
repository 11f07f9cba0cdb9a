/// One owner of the listeners of a key: the series of `port_usage_listener_owner_info`.
public struct ListenerOwnership: Sendable, Hashable, Comparable {
    public var table: SocketTable
    public var port: PortLabel
    public var exposure: Exposure
    public var user: String
    public var unit: String
    /// One process name; empty when none could be read.
    public var process: String
    /// The network namespace, when namespaces are told apart.
    public var namespace: NamespaceID = .untagged
    /// The `netns` label, when namespaces are told apart.
    public var netns: String?
    /// How many of the key's sockets this owner holds: what the policy counts as unexpected when it does
    /// not allow the owner.
    public var sockets = 0

    public init(
        table: SocketTable, port: PortLabel, exposure: Exposure, user: String, unit: String, process: String,
        namespace: NamespaceID = .untagged, netns: String? = nil, sockets: Int = 0
    ) {
        self.table = table
        self.port = port
        self.exposure = exposure
        self.user = user
        self.unit = unit
        self.process = process
        self.namespace = namespace
        self.netns = netns
        self.sockets = sockets
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        let left = (lhs.table.transport, lhs.port, lhs.table.family, lhs.exposure, lhs.namespace)
        let right = (rhs.table.transport, rhs.port, rhs.table.family, rhs.exposure, rhs.namespace)
        if left != right { return left < right }
        return (lhs.user, lhs.unit, lhs.process) < (rhs.user, rhs.unit, rhs.process)
    }

    /// The names the policy judges this owner by.
    public var names: PortPolicy.OwnerNames {
        PortPolicy.OwnerNames(user: user, unit: unit, process: process)
    }

    /// Whether this owner belongs to the listener series `series`.
    public func owns(_ series: ListenerSeries) -> Bool {
        table.transport == series.transport && table.family == series.family && port == series.port
            && exposure == series.exposure && namespace == series.namespace
    }

    var labels: [Label] {
        NamespaceLabel.labels(netns) + [
            Label("protocol", table.transport.rawValue), Label("family", table.family.rawValue),
            Label("port", port.description), Label("exposure", exposure.rawValue), Label("user", user),
            Label("unit", unit), Label("process", process),
        ]
    }

    /// The ownerships of `sockets`, each owned as `owner` says: one per key and distinct owner, a socket
    /// held by processes of several names giving one each, with the number of sockets it holds; sorted. A namespace's `netns` label is its name
    /// in `namespaces`.
    ///
    /// Made distinct in a dictionary as they come: the ports past the cap share one `other` key, so a host with
    /// many listeners has far fewer ownerships than sockets.
    static func of(
        _ sockets: some Sequence<ListenerSocket>, owner: (ListenerSocket) -> SocketOwner,
        limits: CardinalityGuard,
        namespaces: [NamespaceID: String] = [:]
    ) -> [ListenerOwnership] {
        var distinct: [ListenerOwnership: Int] = [:]
        for socket in sockets {
            let owner = owner(socket)
            let port = limits.label(for: socket.key.port, transport: socket.key.table.transport)
            for process in owner.processes.isEmpty ? [""] : owner.processes {
                let ownership = ListenerOwnership(
                    table: socket.key.table, port: port, exposure: socket.key.exposure, user: owner.user,
                    unit: owner.unit, process: process, namespace: socket.key.namespace,
                    netns: NamespaceLabel.value(of: socket.key.namespace, in: namespaces))
                distinct[ownership, default: 0] += 1
            }
        }
        // The dictionary is let go before sorting: a host with thousands of listeners holds it, the array
        // and the sort's buffer at once otherwise, the peak of its collection.
        var sorted = distinct.map { ownership, sockets in
            var counted = ownership
            counted.sockets = sockets
            return counted
        }
        distinct = [:]
        sorted.sort()
        return sorted
    }
}
